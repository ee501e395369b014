"""Recurring publication slots: their dates, which are taken by a post, and the next free one."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..model import WEEKDAYS, Project, Slot
from .schedule import planned
from .zones import normalise

# Without a min_gap_hours rule for its network, a slot is taken by a post less than an hour away.
DEFAULT_TAKEN_HOURS = 1.0
NEXT_SLOT_DAYS = 366


@dataclass(frozen=True, slots=True, order=True)
class SlotTime:
    """One dated slot: an aware time in the site's zone and its network."""

    at: datetime
    network: str
    slot: Slot = field(compare=False)


def expand(slots: Iterable[Slot], project: Project, start: date, end: date) -> list[SlotTime]:
    """Every slot time on the days `start`..`end` (inclusive), sorted.

    A slot at a time skipped by a daylight-saving change moves forward by the gap
    (02:30 becomes 03:30); a repeated time is the first of the two.
    """
    tz = project.tz
    by_weekday: dict[int, list[Slot]] = {i: [] for i in range(7)}
    for slot in slots:
        for weekday in dict.fromkeys(slot.days):
            by_weekday[WEEKDAYS.index(weekday)].append(slot)
    out = []
    day = start
    while day <= end:
        for slot in by_weekday[day.weekday()]:
            out.append(
                SlotTime(normalise(datetime.combine(day, slot.clock), tz), slot.network, slot)
            )
        day += timedelta(days=1)
    return sorted(set(out))


class Occupancy:
    """Which slot times a planned post already takes, per network."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.times: dict[str, list[float]] = {}
        for post in planned(project):
            assert post.date is not None
            for network in dict.fromkeys(post.networks):
                self.times.setdefault(network, []).append(post.date.timestamp())
        for values in self.times.values():
            values.sort()

    def window(self, network: str) -> float:
        """Seconds around a post within which a slot of `network` counts as taken."""
        hours = self.project.config.rules.min_gap_hours.get(network, DEFAULT_TAKEN_HOURS)
        return max(hours, 0.0) * 3600

    def taken(self, slot_time: SlotTime) -> bool:
        """True when a post on the slot's network is closer to it than the network's min gap."""
        values = self.times.get(slot_time.network, [])
        stamp = slot_time.at.timestamp()
        i = bisect.bisect_left(values, stamp)
        nearest = min(
            (abs(values[j] - stamp) for j in (i - 1, i) if 0 <= j < len(values)), default=None
        )
        if nearest is None:
            return False
        # Strictly closer than the gap: a post exactly min_gap_hours away leaves the slot free.
        return nearest == 0 or nearest < self.window(slot_time.network)


def free_slots(
    project: Project, after: datetime, until: datetime, network: str | None = None
) -> list[SlotTime]:
    """Slot times strictly after `after` and before `until` that no planned post takes."""
    tz = project.tz
    slots = [s for s in project.slots if network is None or s.network == network]
    if not slots:
        return []
    occupancy = Occupancy(project)
    start = after.astimezone(tz).date()
    end = until.astimezone(tz).date()
    return [
        st
        for st in expand(slots, project, start, end)
        if after < st.at < until and not occupancy.taken(st)
    ]


def next_free_slot(project: Project, network_id: str, now: datetime) -> datetime | None:
    """The first free slot of a network after `now` (within a year), or None when there is none."""
    if not any(s.network == network_id for s in project.slots):
        return None
    horizon = now + timedelta(days=NEXT_SLOT_DAYS)
    # Look a month at a time: the next free slot is nearly always in the first one.
    cursor = now
    while True:
        stop = min(cursor + timedelta(days=31), horizon)
        found = free_slots(project, cursor, stop, network_id)
        if found:
            return found[0].at
        if stop >= horizon:
            return None
        cursor = stop - timedelta(microseconds=1)
