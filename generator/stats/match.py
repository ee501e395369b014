"""Numbers to posts: by published address first, then by network and time, then by message.

Pure: a function of the posts, the numbers and the settings. A row that finds no post is
kept with why (nothing planned near it, several posts alike); a post published for a while
with no numbers on a network that has some is listed too.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from operator import attrgetter
from typing import Any

from ..model import Post, Status
from .model import Numbers
from .published import post_key

TEXT_DAYS = 3  # a message is looked for this many days around the row's day
TEXT_SIMILAR = 0.5  # share of words in common (Jaccard) for two messages to be one
FETCHED_NETWORKS = ("mastodon", "bluesky")


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A row that found no post, and why: "nothing-planned", "ambiguous" (with `slugs`), or
    "taken" (another post of the network already holds the planned post `slugs`)."""

    numbers: Numbers
    why: str
    slugs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Matching:
    """Which row went to which post: `best` keeps one row per post and network (the highest
    numbers: exports are cumulative, the latest says most), `how` how it was matched."""

    best: dict[tuple[str, str], Numbers] = field(default_factory=dict)
    how: dict[tuple[str, str], str] = field(default_factory=dict)
    unmatched: tuple[Unmatched, ...] = ()
    missing: tuple[tuple[str, str], ...] = ()  # (slug, network) published with no numbers


@lru_cache(maxsize=8192)  # an export repeats a post's text on every row of that post
def words(text: str) -> frozenset[str]:
    """The words of a message, accents, case, links and mentions left out."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"https?://\S+|@\w+|#", " ", plain)
    return frozenset(w for w in re.findall(r"[a-z0-9]{3,}", plain))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass
class _Index:
    """The planned posts of one network, by time, with the words of their messages."""

    times: list[float] = field(default_factory=list)
    days: list[int] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    slugs: list[str] = field(default_factory=list)
    words: list[frozenset[str]] = field(default_factory=list)


def _plan_index(posts: Sequence[Post], zone: tzinfo) -> dict[str, _Index]:
    by_network: dict[str, list[tuple[float, Post]]] = defaultdict(list)
    for post in posts:
        if post.date is None or post.status is Status.cancelled:
            continue
        for network in post.networks:
            by_network[network].append((post.date.timestamp(), post))
    out = {}
    for network, items in by_network.items():
        items.sort(key=lambda item: (item[0], item[1].slug))
        index = _Index()
        for stamp, post in items:
            index.times.append(stamp)
            index.days.append(post.date.astimezone(zone).date().toordinal())  # type: ignore[union-attr]
            index.posts.append(post)
            index.slugs.append(post.slug)
            index.words.append(words(post.messages.get(network) or post.title))
        out[network] = index
    return out


def _near(index: _Index, row: Numbers, window: float) -> Sequence[int]:
    """The positions of the posts planned near the row: within `window` seconds of its time,
    or on its day when it has no time."""
    if row.moment is not None:
        stamp = row.moment.timestamp()
        return range(
            bisect_left(index.times, stamp - window), bisect_right(index.times, stamp + window)
        )
    if row.day is not None:
        day = row.day.toordinal()  # the days are in order, as the times are
        return range(bisect_left(index.days, day), bisect_right(index.days, day))
    return ()


def _alike(index: _Index, row: Numbers, candidates: Iterable[int]) -> list[int]:
    mine = words(row.text)
    scored = [(similarity(mine, index.words[i]), i) for i in candidates]
    good = sorted((s, i) for s, i in scored if s >= TEXT_SIMILAR)
    if not good:
        return []
    best = good[-1][0]
    return [i for s, i in good if s == best]


def _by_text_days(index: _Index, day: date | None) -> list[int]:
    if day is None:
        return list(range(len(index.posts)))
    lo, hi = day.toordinal() - TEXT_DAYS, day.toordinal() + TEXT_DAYS
    return list(range(bisect_left(index.days, lo), bisect_right(index.days, hi)))


def _locate(
    index: _Index,
    row: Numbers,
    near: Sequence[int],
    picked: dict[tuple[str, int, int, str], list[int]],
) -> tuple[str, str] | Unmatched:
    """The slug and how, for a row with several posts near it, or none: its message decides
    (else the posts of the days around it); or why it finds no post."""
    if len(near) > 1:
        # What a message picks among the posts near it depends on their positions and the
        # text, which an export repeats on every row of a post (LinkedIn gives a day, no
        # time, and a day often holds several posts): worked out once.
        memo = (row.network, near[0], near[-1] + 1, row.text)  # near: a range, in order
        alike = picked.get(memo)
        if alike is None:
            alike = picked[memo] = _alike(index, row, near)
        near = alike or near
    if len(near) == 1:
        return index.slugs[near[0]], "time"
    if near:
        return Unmatched(row, "ambiguous", tuple(index.slugs[i] for i in near))
    alike = _alike(index, row, _by_text_days(index, row.day))
    if len(alike) == 1:
        return index.slugs[alike[0]], "text"
    if alike:
        return Unmatched(row, "ambiguous", tuple(index.slugs[i] for i in alike))
    return Unmatched(row, "nothing-planned")


def weight(n: Numbers) -> tuple[int, int]:
    """How much a row says: of two cumulative exports of one post, the later says more."""
    engaged = n.engagements
    if engaged is None:
        engaged = n.engagement()
    return (n.impressions or 0) + (n.reach or 0), engaged or 0


def match(
    posts: Sequence[Post],
    numbers: Iterable[Numbers],
    *,
    zone: tzinfo,
    window_minutes: int = 120,
    now: datetime | None = None,
    missing_after_days: int = 7,
) -> Matching:
    """Match every row to its post (see the module's docstring)."""
    by_key: dict[str, tuple[Post, str]] = {}
    for planned in posts:
        for network, url in planned.published.items():
            key = post_key(url, network)
            if key:
                by_key[key] = (planned, planned.slug)
    index = _plan_index(posts, zone)
    window = window_minutes * 60.0
    unmatched: list[Unmatched] = []
    rows = numbers if isinstance(numbers, tuple | list) else tuple(numbers)
    picked: dict[tuple[str, int, int, str], list[int]] = {}
    # The row kept for each (slug, network) so far: [row, how it was matched, its weight].
    kept: dict[tuple[str, str], list[Any]] = {}
    # This loop runs once per export row (100,000 in the benchmark): the common cases (a row
    # found by its address; a row with its time and one post near it) are inlined, the
    # others go through _locate.
    for row in rows:
        network = row.network
        found = by_key.get(row.key)  # never "": an unknown key is no key
        if found is not None and network in found[0].networks:
            slug, way = found[1], "url"
        else:
            net_index = index.get(network)
            if net_index is None:
                unmatched.append(Unmatched(row, "nothing-planned"))
                continue
            moment = row.moment
            located: tuple[str, str] | Unmatched
            if moment is not None:
                stamp = moment.timestamp()
                times = net_index.times
                lo = bisect_left(times, stamp - window)
                hi = bisect_right(times, stamp + window, lo)
                if hi - lo == 1:
                    located = (net_index.slugs[lo], "time")
                else:
                    located = _locate(net_index, row, range(lo, hi), picked)
            else:
                located = _locate(net_index, row, _near(net_index, row, window), picked)
            if isinstance(located, Unmatched):
                unmatched.append(located)
                continue
            slug, way = located
        pair = (slug, network)
        engaged = row.engagements  # weight(row), inline
        if engaged is None:
            engaged = row.engagement()
        heft = ((row.impressions or 0) + (row.reach or 0), engaged or 0)
        held = kept.get(pair)
        if held is None:
            kept[pair] = [row, way, heft]
            continue
        if held[0].key != row.key and held[0].key and row.key:
            # Two different posts of the network for one planned post (a tweet of the same
            # hour): the one found by its address wins, else the fuller; the other is listed.
            if (way == "url", heft) > (held[1] == "url", held[2]):
                unmatched.append(Unmatched(held[0], "taken", (slug,)))
            else:
                unmatched.append(Unmatched(row, "taken", (slug,)))
                continue
        elif heft <= held[2]:
            continue  # the same post in an older cumulative export
        held[:] = row, way, heft
    best = {pair: held[0] for pair, held in kept.items()}
    how = {pair: held[1] for pair, held in kept.items()}
    missing: list[tuple[str, str]] = []
    if now is not None:
        limit = now - timedelta(days=missing_after_days)
        measured = set(map(attrgetter("network"), rows)) | set(FETCHED_NETWORKS)
        for post in posts:
            if post.status is not Status.published or post.date is None or post.date > limit:
                continue
            missing.extend(
                (post.slug, n)
                for n in post.networks
                if n in measured and (post.slug, n) not in best
            )
    return Matching(best, how, tuple(unmatched), tuple(missing))
