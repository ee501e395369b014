"""Alert rules and the volume rule on snapshots: what raises an alert, at what level, once per item.

Also the class of runaway regular expressions: refused by `relais check` when a probe shows
them, cut by the time limit when a feed's text trips them anyway.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from generator.watch import keywords
from generator.watch.alerts import daily_mentions, evaluate, keyword_alerts, matches, volume_alert
from generator.watch.config import WatchConfig, check_watch
from generator.watch.keywords import compile_terms, slow_terms, term_problem
from generator.watch.model import ThemeEntries, WatchItem, WatchSnapshot

from .conftest import TZ

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=TZ)


def item(
    item_id: str, title: str, theme: str = "reputation", hours: float = 1, summary: str = ""
) -> WatchItem:
    return WatchItem(
        id=item_id,
        theme=theme,
        title=title,
        link=f"https://www.example.org/{item_id}",
        summary_html="",
        summary_text=summary,
        published=NOW - timedelta(hours=hours),
        dated=True,
        sources=("feed",),
    )


def snapshot(*items: WatchItem) -> WatchSnapshot:
    themes: dict[str, list[WatchItem]] = {"reputation": [], "concurrence": []}
    for i in items:
        themes[i.theme].append(i)
    return WatchSnapshot(
        now=NOW,
        themes=tuple(
            ThemeEntries(
                t, t.capitalize(), tuple(sorted(v, key=lambda i: i.published, reverse=True))
            )
            for t, v in themes.items()
        ),
    )


def config(**data: Any) -> WatchConfig:
    base: dict[str, Any] = {
        "themes": {"reputation": "E-réputation", "concurrence": "Concurrence"},
        "keywords": ["Maison Exemple"],
    }
    return WatchConfig.model_validate({**base, **data})


RULES = [
    {
        "match": ["intoxication", "/corps? étrangers?/"],
        "level": "alert",
        "label": "Sécurité",
        "escalate": "qualite",
    },
    {"match": ["attente", "déçu"], "level": "watch", "label": "Avis"},
    {"match": ["précommandes"], "level": "watch", "theme": "concurrence"},
]


def test_a_brand_rule_reads_every_mention_of_the_brand_and_only_them() -> None:
    snap = snapshot(
        item("a", "Intoxication après un repas chez Maison Exemple"),
        item("b", "Intoxication dans une cantine", theme="concurrence"),  # not the brand
        item("c", "Maison Exemple : corps étranger dans une brioche", theme="concurrence"),
    )
    alerts = keyword_alerts(snap, config(alerts=RULES), NOW)
    assert [(a.id, a.level, a.terms, a.labels, a.escalate) for a in alerts] == [
        ("item-a", "alert", ("intoxication",), ("Sécurité",), ("qualite",)),
        ("item-c", "alert", ("/corps? étrangers?/",), ("Sécurité",), ("qualite",)),
    ]


def test_a_theme_rule_reads_its_theme_whoever_it_names() -> None:
    snap = snapshot(
        item("a", "Galette : les précommandes sont ouvertes", theme="concurrence"),
        item("b", "Maison Exemple ouvre les précommandes"),  # the brand, another theme
    )
    alerts = keyword_alerts(snap, config(alerts=RULES), NOW)
    assert [(a.id, a.level, a.theme) for a in alerts] == [("item-a", "watch", "concurrence")]


def test_one_item_matched_by_several_rules_is_one_alert_at_the_highest_level() -> None:
    snap = snapshot(
        item("a", "Maison Exemple : clients déçus après une intoxication", summary="attente")
    )
    (alert,) = keyword_alerts(snap, config(alerts=RULES), NOW)
    assert alert.level == "alert"
    assert alert.terms == ("intoxication", "attente")  # accents and case do not matter; whole words
    assert alert.labels == ("Sécurité", "Avis")


def test_only_recent_items_raise_alerts_but_every_match_is_marked() -> None:
    old = item("old", "Maison Exemple : longue attente le dimanche", hours=24 * 3)
    fresh = item("new", "Maison Exemple : encore de l'attente ce samedi", hours=2)
    snap = snapshot(old, fresh)
    cfg = config(alerts=RULES)  # alert_days: 2
    assert [a.id for a in keyword_alerts(snap, cfg, NOW)] == ["item-new"]
    assert set(matches(snap, cfg)) == {"old", "new"}  # the watch pages mark both
    assert [a.id for a in keyword_alerts(snap, config(alerts=RULES, alert_days=4), NOW)] == [
        "item-new",
        "item-old",
    ]


def test_alerts_come_most_serious_first_then_newest() -> None:
    snap = snapshot(
        item("w1", "Maison Exemple : attente", hours=1),
        item("a1", "Maison Exemple : intoxication", hours=5),
        item("w2", "Maison Exemple : déçu", hours=3),
    )
    assert [a.id for a in keyword_alerts(snap, config(alerts=RULES), NOW)] == [
        "item-a1",
        "item-w1",
        "item-w2",
    ]


def _mentions(per_day: dict[int, int]) -> list[WatchItem]:
    """Brand mentions: per_day[n] items published n days before NOW's day (0: today, before 8:00)."""
    out = []
    for days, count in per_day.items():
        for k in range(count):
            out.append(
                item(f"d{days}-{k}", f"Maison Exemple, {days}-{k}", hours=24 * days + k * 0.1 + 0.5)
            )
    return out


def test_the_volume_rule_compares_today_with_the_median_of_the_days_before() -> None:
    cfg = config(volume={"days": 14, "factor": 3, "minimum": 3})
    # One mention a day on the 14 days before (median 1), 3 today: 3 × the median, a spike.
    usual = dict.fromkeys(range(1, 15), 1)
    assert daily_mentions(snapshot(*_mentions({0: 3, **usual})), cfg, NOW, 14) == (3, [1] * 14)
    spike = volume_alert(snapshot(*_mentions({0: 3, **usual})), cfg, NOW)
    assert spike is not None
    assert (spike.id, spike.level, spike.count, spike.median, spike.days) == (
        "volume-2026-12-01",
        "alert",
        3,
        1.0,
        14,
    )
    # Two today against a median of 1: no spike (below the minimum and below 3 × 1).
    assert volume_alert(snapshot(*_mentions({0: 2, **usual})), cfg, NOW) is None
    # A busy fortnight (median 2): 5 today is not 3 × 2.
    busy = dict.fromkeys(range(1, 15), 2)
    assert volume_alert(snapshot(*_mentions({0: 5, **busy})), cfg, NOW) is None
    assert volume_alert(snapshot(*_mentions({0: 6, **busy})), cfg, NOW) is not None
    # A quiet brand (median 0): the minimum decides.
    assert volume_alert(snapshot(*_mentions({0: 2})), cfg, NOW) is None
    assert volume_alert(snapshot(*_mentions({0: 3})), cfg, NOW) is not None


def test_the_volume_rule_counts_one_article_once_and_only_the_brand() -> None:
    cfg = config(volume={"minimum": 2})
    same = item("x", "Maison Exemple : la vidéo fait le tour des réseaux")
    twice = replace(same, theme="concurrence")  # the same article in two themes
    other = item("y", "Une boulangerie de Lyon ouvre")
    assert daily_mentions(snapshot(same, twice, other), cfg, NOW, 14)[0] == 1
    assert volume_alert(snapshot(same, twice, other), cfg, NOW) is None


def test_without_rules_there_is_no_alert() -> None:
    snap = snapshot(*_mentions({0: 30}), item("a", "Maison Exemple : intoxication"))
    assert evaluate(snap, config(), NOW) == []
    assert evaluate(snap, config(volume={}, keywords=[]), NOW) == []


def test_check_reports_rules_that_cannot_work() -> None:
    cfg = config(
        keywords=[],
        alerts=[{"match": ["/(a|aa)+$/", "ok"]}, {"match": "x", "theme": "concurence"}],
        volume={},
    )
    found = [(d.code, d.message) for d in check_watch(cfg)]
    assert found == [
        (
            "watch-keyword",
            (
                "keyword /(a|aa)+$/ takes too long on some texts (catastrophic backtracking): avoid a "
                "repeat inside a repeat, such as (a+)+ or (a|aa)*"
            ),
        ),
        (
            "watch-alert-no-brand",
            "alert rule 1 has no theme, so it reads the brand's mentions, but watch.keywords is empty: it can never fire",
        ),
        ("watch-unknown-theme", "alert rule 2 has unknown theme 'concurence'"),
        (
            "watch-alert-no-brand",
            "the volume rule counts the brand's mentions, but watch.keywords is empty",
        ),
    ]


@pytest.mark.parametrize(
    "pattern",
    ["/(a+)+$/", "/(\\w+\\s?)+$/", "/^(a|a?)+$/", "/(x+x+)+y/", "/(.*a){12}/", "/([a-z]+)*\\d/"],
)
def test_classic_runaway_patterns_finish_quickly_on_hostile_text(pattern: str) -> None:
    hostile = ["a" * 5000 + "!", "x" * 5000, " ".join(["aa"] * 2000) + "!", "ab" * 3000]
    started = time.perf_counter()
    matcher = compile_terms((pattern,))
    for text in hostile:
        matcher.matched(text)
        matcher.spans(text)
    assert time.perf_counter() - started < 5  # each search is cut at keywords.REGEX_TIMEOUT


def test_a_pattern_that_slips_past_the_probes_is_cut_then_left_out() -> None:
    # No probe holds a run of "b": `relais check` accepts it; a feed's title trips it.
    pattern = "/(b|bb)+$/"
    assert term_problem(pattern) is None
    keywords._SLOW.discard(pattern)
    snap = snapshot(
        *[item(f"i{n}", "Maison Exemple " + "b" * 60 + "!", hours=1 + n) for n in range(20)]
    )
    cfg = config(alerts=[{"match": [pattern, "intoxication"]}])
    started = time.perf_counter()
    assert keyword_alerts(snap, cfg, NOW) == []
    elapsed = time.perf_counter() - started
    assert pattern in slow_terms()
    # One search ran out of time (a fraction of a second); the other 19 items skipped the pattern.
    assert elapsed < 3, elapsed
    keywords._SLOW.discard(pattern)
