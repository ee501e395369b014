"""The figures the portal and the monthly report show, computed from the project and `now`.

Pure. The numbers of an embargoed post are left out until its date, like everything else
of it; ambassadors who are not `public` are never named (their visits are counted together).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from ..model import IN_PROGRESS, Post, Project, Status
from .match import Matching, Unmatched, match, weight
from .model import ExportFile, Numbers, Visits

MIN_BUCKET = 2  # posts an hour or a day needs before it is called good or dead
DEAD_SHARE = 0.5  # an hour is dead below half the network's median engagement rate
TOP = 5


@dataclass(frozen=True)
class Group:
    """The numbers of a group of posts (a network, a campaign, a format...)."""

    key: str
    posts: int = 0
    impressions: int = 0
    reach: int = 0
    engagement: int = 0
    clicks: int = 0
    unplanned: bool = False  # the network's posts that are not in the plan (no post matched)

    @property
    def rate(self) -> float | None:
        seen = self.impressions or self.reach
        return self.engagement / seen if seen else None


@dataclass(frozen=True)
class PlanRow:
    """Plan against reality for one month and network."""

    month: date
    network: str
    planned: int = 0
    published: int = 0
    cancelled: int = 0
    late: int = 0


@dataclass(frozen=True)
class Bucket:
    """The mean engagement rate of a network's posts at one hour or on one weekday."""

    network: str
    slot: int  # the hour (0-23) or the weekday (0 = Monday)
    posts: int
    rate: float


@dataclass(frozen=True)
class Ranked:
    """A post among the best or the worst, with its numbers and messages."""

    post: Post
    networks: tuple[str, ...]
    impressions: int
    engagement: int
    rate: float | None


@dataclass(frozen=True)
class Traffic:
    """Sessions (or visitors, where the tool counts no sessions) brought to one key."""

    key: str
    sessions: int


@dataclass(frozen=True)
class Figures:
    """Everything the statistics pages show for a period (a month, or all months)."""

    plan: tuple[PlanRow, ...] = ()
    by_network: tuple[Group, ...] = ()
    by_campaign: tuple[Group, ...] = ()
    by_key_date: tuple[Group, ...] = ()
    by_format: tuple[Group, ...] = ()
    by_topic: tuple[Group, ...] = ()
    total: Group = Group("")  # every post measured, those not in the plan too
    unplanned: Group = Group("", unplanned=True)  # the part of `total` not in the plan
    hours: tuple[Bucket, ...] = ()
    days: tuple[Bucket, ...] = ()
    medians: dict[str, float] = field(default_factory=dict)
    top: tuple[Ranked, ...] = ()
    bottom: tuple[Ranked, ...] = ()
    per_post: dict[str, tuple[tuple[str, Numbers, str], ...]] = field(default_factory=dict)
    traffic_network: tuple[Traffic, ...] = ()
    traffic_kit: tuple[Traffic, ...] = ()
    traffic_ambassador: tuple[Traffic, ...] = ()  # "" is the ambassadors who are not public
    ambassador_sessions: int = 0
    company_sessions: int = 0
    unmatched: tuple[Unmatched, ...] = ()
    missing: tuple[tuple[str, str], ...] = ()
    files: tuple[ExportFile, ...] = ()

    @property
    def ambassador_share(self) -> float | None:
        return self.ambassador_sessions / self.company_sessions if self.company_sessions else None


def _embargoed(post: Post, now: datetime) -> bool:
    return post.embargo and (post.date is None or post.date > now)


# The last matching, with the very project it was made for (an id() could be reused by
# another project once the first is gone).
_LAST: list[tuple[Project, datetime, Matching]] = []


def matching(project: Project, now: datetime) -> Matching:
    """The matching of the project's numbers to its posts (computed once per project and now)."""
    if _LAST and _LAST[0][0] is project and _LAST[0][1] == now:
        return _LAST[0][2]
    settings = project.config.stats
    found = match(
        project.posts,
        project.stats.numbers,
        zone=project.tz,
        window_minutes=settings.match_window_minutes,
        now=now,
        missing_after_days=settings.missing_after_days,
    )
    _LAST[:] = [(project, now, found)]
    return found


def _month(value: date | datetime) -> date:
    return date(value.year, value.month, 1)


def _add(groups: dict[str, dict[str, int]], key: str, numbers: Numbers) -> None:
    g = groups[key]
    g["impressions"] += numbers.impressions or 0
    g["reach"] += numbers.reach or 0
    g["engagement"] += numbers.engagement() or 0
    g["clicks"] += numbers.clicks or 0


def _group(key: str, posts: int, sums: dict[str, int], unplanned: bool = False) -> Group:
    return Group(
        key,
        posts,
        sums["impressions"],
        sums["reach"],
        sums["engagement"],
        sums["clicks"],
        unplanned,
    )


def _groups(
    pairs: Iterable[tuple[Post, Numbers]], keys: Callable[[Post, Numbers], Iterable[str]]
) -> tuple[Group, ...]:
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    posts: dict[str, set[str]] = defaultdict(set)
    for post, numbers in pairs:
        for key in keys(post, numbers):
            _add(sums, key, numbers)
            posts[key].add(post.slug)
    out = [_group(k, len(posts[k]), v) for k, v in sums.items()]
    return tuple(sorted(out, key=lambda g: (-g.engagement, -g.impressions, g.key)))


def _rate(numbers: Numbers) -> float | None:
    seen = numbers.impressions or numbers.reach
    engagement = numbers.engagement()
    return engagement / seen if seen and engagement is not None else None


def _buckets(
    pairs: Iterable[tuple[Post, Numbers]], project: Project, of: Callable[[datetime], int]
) -> tuple[Bucket, ...]:
    rates: dict[tuple[str, int], list[float]] = defaultdict(list)
    for _post, numbers in pairs:
        rate = _rate(numbers)
        if numbers.moment is None or rate is None:
            continue
        rates[(numbers.network, of(numbers.moment.astimezone(project.tz)))].append(rate)
    return tuple(
        Bucket(network, slot, len(values), sum(values) / len(values))
        for (network, slot), values in sorted(rates.items())
    )


def _medians(pairs: Iterable[tuple[Post, Numbers]]) -> dict[str, float]:
    rates: dict[str, list[float]] = defaultdict(list)
    for _post, numbers in pairs:
        rate = _rate(numbers)
        if rate is not None and numbers.moment is not None:
            rates[numbers.network].append(rate)
    return {n: median(v) for n, v in rates.items()}


def dead_hours(project: Project, now: datetime) -> dict[tuple[str, int], tuple[float, float, int]]:
    """(network, hour) to (its rate, the network's median, posts) for the measured dead hours."""
    figures = compute(project, now)
    out = {}
    for bucket in figures.hours:
        mid = figures.medians.get(bucket.network)
        if mid and bucket.posts >= MIN_BUCKET and bucket.rate < DEAD_SHARE * mid:
            out[(bucket.network, bucket.slot)] = (bucket.rate, mid, bucket.posts)
    return out


def _in_month(value: date | None, month: date | None) -> bool:
    return month is None or (value is not None and _month(value) == month)


def _plan(project: Project, now: datetime, found: Matching, month: date | None) -> list[PlanRow]:
    window = timedelta(minutes=project.config.stats.match_window_minutes)
    rows: dict[tuple[date, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for post in project.posts:
        if post.date is None or post.status is Status.idea:
            continue
        local = post.date.astimezone(project.tz)
        if not _in_month(local.date(), month) or _month(local) > _month(now.astimezone(project.tz)):
            continue  # reality is known up to this month
        for network in post.networks:
            counts = rows[(_month(local), network)]
            counts["planned"] += 1
            if post.status is Status.published:
                counts["published"] += 1
                measured = found.best.get((post.slug, network))
                if measured and measured.moment and measured.moment > post.date + window:
                    counts["late"] += 1
            elif post.status is Status.cancelled:
                counts["cancelled"] += 1
            elif post.status in IN_PROGRESS and post.date < now:
                counts["late"] += 1
    return [PlanRow(m, n, **dict(v)) for (m, n), v in sorted(rows.items())]


def _traffic(
    project: Project, visits: Iterable[Visits], now: datetime
) -> tuple[list[Traffic], list[Traffic], list[Traffic], int, int]:
    from ..kits.kit import ambassador_tag

    networks = set(project.config.networks)
    tags = {ambassador_tag(a.id): a for a in project.ambassadors}
    # An export's campaign is whatever a visitor's link said: an embargoed post's slug there
    # would list the post under its title, and confirm a guessed slug.
    slugs = {p.slug for p in project.posts if not _embargoed(p, now)}
    campaigns = {c.id for c in project.campaigns}
    by_network: dict[str, int] = defaultdict(int)
    by_kit: dict[str, int] = defaultdict(int)
    by_ambassador: dict[str, int] = defaultdict(int)
    ambassadors = company = 0
    for v in visits:
        sessions = v.sessions if v.sessions is not None else (v.visitors or 0)
        if v.source in networks:
            by_network[v.source] += sessions
            company += sessions
        if v.campaign and (v.campaign in slugs or v.campaign in campaigns):
            by_kit[v.campaign] += sessions
        amb = tags.get(v.content or "")
        if amb is not None:
            by_ambassador[amb.id if amb.public else ""] += sessions
            ambassadors += sessions

    def ranked(d: dict[str, int]) -> list[Traffic]:
        return [Traffic(k, s) for k, s in sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))]

    return ranked(by_network), ranked(by_kit), ranked(by_ambassador), ambassadors, company


def _unplanned(found: Matching, month: date | None) -> list[Numbers]:
    """The rows of the month that matched no post, one per post of the network (the fullest:
    exports are cumulative). Reach is reach: they count in the network's and the month's totals,
    as "not in the plan"; a row of a post that a planned post holds is not counted twice."""
    held = {(n.network, n.key) for n in found.best.values() if n.key}
    fullest: dict[tuple[object, ...], Numbers] = {}
    for u in found.unmatched:
        n = u.numbers
        if not _in_month(n.day, month) or (n.network, n.key) in held:
            continue
        # Without an address, a post is its network, time and message.
        identity: tuple[object, ...] = (
            (n.network, n.key) if n.key else (n.network, n.moment, n.day, n.text)
        )
        kept = fullest.get(identity)
        if kept is None or weight(n) > weight(kept):
            fullest[identity] = n
    return list(fullest.values())


def compute(project: Project, now: datetime, month: date | None = None) -> Figures:
    """The figures of all months (month=None) or of one month (its first day)."""
    found = matching(project, now)
    posts = {p.slug: p for p in project.posts}
    pairs: list[tuple[Post, Numbers]] = []
    per_post: dict[str, list[tuple[str, Numbers, str]]] = defaultdict(list)
    for (slug, network), numbers in sorted(found.best.items()):
        post = posts[slug]
        if _embargoed(post, now):
            continue
        when = post.date.astimezone(project.tz).date() if post.date else numbers.day
        if not _in_month(when, month):
            continue
        pairs.append((post, numbers))
        per_post[slug].append((network, numbers, found.how[(slug, network)]))
    ranked: dict[str, list[Numbers]] = defaultdict(list)
    for post, numbers in pairs:
        ranked[post.slug].append(numbers)
    tops = []
    for slug, rows in ranked.items():
        impressions = sum((n.impressions or n.reach or 0) for n in rows)
        engagement = sum(n.engagement() or 0 for n in rows)
        tops.append(
            Ranked(
                posts[slug],
                tuple(n.network for n in rows),
                impressions,
                engagement,
                engagement / impressions if impressions else None,
            )
        )
    tops.sort(key=lambda r: (-r.engagement, -r.impressions, r.post.slug))
    rated = sorted(
        (r for r in tops if r.rate is not None), key=lambda r: (r.rate, r.engagement, r.post.slug)
    )
    top = tuple(tops[:TOP])
    bottom = tuple(r for r in rated[:TOP] if r not in top) if len(rated) > TOP else ()
    visits = [v for v in project.stats.visits if month is None or _in_month(v.start, month)]
    t_net, t_kit, t_amb, amb, company = _traffic(project, visits, now)
    unmatched = tuple(
        u for u in found.unmatched if _in_month(u.numbers.day, month) or u.numbers.day is None
    )
    missing = tuple(
        (slug, n)
        for slug, n in found.missing
        if _in_month(posts[slug].date.astimezone(project.tz).date(), month)  # type: ignore[union-attr]
    )
    unplanned = _unplanned(found, month)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _post, numbers in pairs:
        _add(totals, "", numbers)
    for numbers in unplanned:
        _add(totals, "", numbers)
        _add(totals, "unplanned", numbers)
    planned_posts = len({p.slug for p, _ in pairs})
    total = _group("", planned_posts + len(unplanned), totals[""])
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for numbers in unplanned:
        _add(sums, numbers.network, numbers)
        sums[numbers.network]["posts"] += 1
    by_unplanned = sorted(
        (_group(k, v["posts"], v, unplanned=True) for k, v in sums.items()),
        key=lambda g: (-g.engagement, -g.impressions, g.key),
    )
    return Figures(
        plan=tuple(_plan(project, now, found, month)),
        by_network=_groups(pairs, lambda p, n: [n.network]) + tuple(by_unplanned),
        total=total,
        unplanned=_group("", len(unplanned), totals["unplanned"], unplanned=True),
        by_campaign=_groups(pairs, lambda p, n: [p.campaign] if p.campaign else []),
        by_key_date=_groups(pairs, lambda p, n: [p.key_date] if p.key_date else []),
        by_format=_groups(pairs, lambda p, n: [p.format]),
        by_topic=_groups(pairs, lambda p, n: list(p.topics)),
        hours=_buckets(pairs, project, lambda m: m.hour),
        days=_buckets(pairs, project, lambda m: m.weekday()),
        medians=_medians(pairs),
        top=top,
        bottom=bottom,
        per_post={k: tuple(v) for k, v in per_post.items()},
        traffic_network=tuple(t_net),
        traffic_kit=tuple(t_kit),
        traffic_ambassador=tuple(t_amb),
        ambassador_sessions=amb,
        company_sessions=company,
        unmatched=unmatched,
        missing=missing,
        files=project.stats.files,
    )


def months(project: Project, now: datetime) -> list[date]:
    """The months that have numbers, visits or planned posts, up to now, newest first."""
    found: set[date] = set()
    for post in project.posts:
        if post.date and post.date <= now and post.status is not Status.idea:
            found.add(_month(post.date.astimezone(project.tz)))
    for numbers in project.stats.numbers:
        if numbers.day:
            found.add(_month(numbers.day))
    for v in project.stats.visits:
        if v.start:
            found.add(_month(v.start))
    return sorted((m for m in found if m <= _month(now)), reverse=True)


def previous(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def as_dict(group: Group) -> dict[str, Any]:
    return {
        "key": group.key,
        "posts": group.posts,
        "impressions": group.impressions,
        "engagement": group.engagement,
        "rate": group.rate,
    }
