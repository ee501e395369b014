"""Early warning: which watch items raise an alert, and whether the brand's mentions spike.

Pure: a function of the snapshot, the watch configuration and `now`. Two kinds of alert:

- keyword: a rule of `watch.alerts` matches a recent item (published in the last
  `alert_days`) of its theme, or, without a theme, an item that mentions the brand
  (`watch.keywords`) in any theme; an item matched by several rules raises one alert, at the
  highest level, with every term and label;
- volume: today's brand mentions reach `volume.factor` times the median of the `volume.days`
  days before (and at least `volume.minimum`): a bad buzz shows as a spike.

Each alert has a stable id (the item's, or the day's), so that `relais watch notify` sends it
once. The cache keeps `max_entries_per_feed` entries per feed: on a feed that publishes more
than that in two weeks, the median counts only what is kept (documented in the watch guide).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .cache import merge_duplicates
from .config import WatchConfig
from .keywords import compile_terms
from .model import WatchItem, WatchSnapshot

LEVELS = ("watch", "alert")  # lowest first


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert, as the portal marks it and the workflow sends it."""

    id: str
    kind: str  # "keyword" or "volume"
    level: str  # "watch" or "alert"
    title: str
    published: datetime
    link: str | None = None
    theme: str = ""
    item: str = ""  # the watch item's id (keyword alerts)
    terms: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    escalate: tuple[str, ...] = ()
    count: int = 0  # volume: today's mentions
    median: float = 0.0  # volume: the median of the days before
    days: int = 0  # volume: how many days the median covers

    def to_json(self) -> dict[str, object]:
        """The alert as the JSON files of the watch cache hold it."""
        return {
            "id": self.id,
            "kind": self.kind,
            "level": self.level,
            "title": self.title,
            "published": self.published.isoformat(),
            "link": self.link,
            "theme": self.theme,
            "item": self.item,
            "terms": list(self.terms),
            "labels": list(self.labels),
            "escalate": list(self.escalate),
            "count": self.count,
            "median": self.median,
            "days": self.days,
        }


def _text(item: WatchItem) -> str:
    return f"{item.title}\n{item.summary_text}"


def brand_items(snapshot: WatchSnapshot, config: WatchConfig) -> list[WatchItem]:
    """Every item that mentions the brand, across themes, each article once (newest first)."""
    brand = compile_terms(tuple(config.keywords))
    if not brand:
        return []
    return merge_duplicates(
        item for theme in snapshot.themes for item in theme.entries if brand.matches(_text(item))
    )


# item id -> (level, terms, labels, escalation topics, the item)
Matches = dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], WatchItem]]


def _recent(item: WatchItem, config: WatchConfig, now: datetime) -> bool:
    return now - timedelta(days=config.alert_days) <= item.published <= now + timedelta(hours=1)


def matches(snapshot: WatchSnapshot, config: WatchConfig) -> Matches:
    """Every item any rule matches, recent or not: id -> (level, terms, labels, escalate, item)."""
    found: Matches = {}
    brand: list[WatchItem] | None = None
    for rule in config.alerts:
        matcher = compile_terms(rule.match)
        if not matcher:
            continue
        if rule.theme is None:
            if brand is None:
                brand = brand_items(snapshot, config)
            items: list[WatchItem] | tuple[WatchItem, ...] = brand
        else:
            theme = snapshot.theme(rule.theme)
            items = theme.entries if theme else ()
        for item in items:
            terms = matcher.matched(_text(item))
            if not terms:
                continue
            level, old_terms, labels, escalate, first = found.get(
                item.id, ("watch", (), (), (), item)
            )
            found[item.id] = (
                max(level, rule.level, key=LEVELS.index),
                tuple(dict.fromkeys(old_terms + terms)),
                tuple(dict.fromkeys(labels + ((rule.label,) if rule.label else ()))),
                tuple(dict.fromkeys(escalate + ((rule.escalate,) if rule.escalate else ()))),
                first,
            )
    return found


def keyword_alerts(
    snapshot: WatchSnapshot, config: WatchConfig, now: datetime, found: Matches | None = None
) -> list[Alert]:
    """The alerts of recent items, the most serious first, then the newest (`found`: the
    result of matches() when the caller has it already)."""
    found = matches(snapshot, config) if found is None else found
    alerts = [
        Alert(
            id=f"item-{item_id}",
            kind="keyword",
            level=level,
            title=item.title,
            published=item.published,
            link=item.link,
            theme=item.theme,
            item=item_id,
            terms=terms,
            labels=labels,
            escalate=escalate,
        )
        for item_id, (level, terms, labels, escalate, item) in found.items()
        if _recent(item, config, now)
    ]
    return sorted(alerts, key=lambda a: (-LEVELS.index(a.level), -a.published.timestamp(), a.id))


def daily_mentions(
    snapshot: WatchSnapshot, config: WatchConfig, now: datetime, days: int
) -> tuple[int, list[int]]:
    """Today's brand mentions and those of each of the `days` days before (local days of now)."""
    today = now.date()
    per_day: Counter[date] = Counter(
        item.published.astimezone(now.tzinfo).date() for item in brand_items(snapshot, config)
    )
    before = [per_day[today - timedelta(days=n)] for n in range(1, days + 1)]
    return per_day[today], before


def volume_alert(snapshot: WatchSnapshot, config: WatchConfig, now: datetime) -> Alert | None:
    """The spike alert of today, or None: no volume rule, or no spike."""
    rule = config.volume
    if rule is None or not config.keywords:
        return None
    count, before = daily_mentions(snapshot, config, now, rule.days)
    median = float(statistics.median(before)) if before else 0.0
    if count < rule.minimum or count < rule.factor * median:
        return None
    today = now.date()
    return Alert(
        id=f"volume-{today.isoformat()}",
        kind="volume",
        level=rule.level,
        title=f"{count} / {median:g}",
        published=datetime.combine(today, datetime.min.time(), now.tzinfo),
        count=count,
        median=median,
        days=rule.days,
    )


def evaluate(
    snapshot: WatchSnapshot, config: WatchConfig, now: datetime, found: Matches | None = None
) -> list[Alert]:
    """Every alert at `now`: the volume spike first (it says the most), then the items'."""
    spike = volume_alert(snapshot, config, now)
    return ([spike] if spike else []) + keyword_alerts(snapshot, config, now, found)
