"""Local times on daylight-saving days: which do not exist, which happen twice, and the zone's changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

_MINUTE = timedelta(minutes=1)
# The longest clock change on record is 24 hours (Samoa, 2011); beyond that we stop looking.
_MAX_WALK = 24 * 60 + 1


def in_zone(value: datetime, tz: tzinfo) -> bool:
    """True when `value` was written as a local time of `tz` (no explicit offset)."""
    zone = value.tzinfo
    return isinstance(zone, ZoneInfo) and isinstance(tz, ZoneInfo) and zone.key == tz.key


def exists(wall: datetime, tz: tzinfo) -> bool:
    """True when the naive wall-clock time `wall` happens in `tz` (it is not skipped by a clock change)."""
    aware = wall.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall.replace(tzinfo=None)


def is_ambiguous(wall: datetime, tz: tzinfo) -> bool:
    """True when `wall` happens twice in `tz` (the hour repeated when clocks go back)."""
    first = wall.replace(tzinfo=tz, fold=0).utcoffset()
    second = wall.replace(tzinfo=tz, fold=1).utcoffset()
    return first != second and exists(wall, tz)


def gap_around(wall: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """For a skipped wall time: the last valid minute before the gap and the first one after it."""
    naive = wall.replace(tzinfo=None, second=0, microsecond=0)
    before = naive
    for _ in range(_MAX_WALK):
        before -= _MINUTE
        if exists(before, tz):
            break
    after = naive
    for _ in range(_MAX_WALK):
        after += _MINUTE
        if exists(after, tz):
            break
    return before, after


def offsets(wall: datetime, tz: tzinfo) -> tuple[timedelta, timedelta]:
    """The UTC offsets of the first and the second reading of an ambiguous wall time."""
    first = wall.replace(tzinfo=tz, fold=0).utcoffset()
    second = wall.replace(tzinfo=tz, fold=1).utcoffset()
    assert first is not None and second is not None
    return first, second


def format_offset(delta: timedelta) -> str:
    """'+02:00' for two hours east of UTC."""
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def normalise(wall: datetime, tz: tzinfo) -> datetime:
    """An aware datetime for a wall time: skipped times move forward by the gap, repeated ones take the first."""
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)


@dataclass(frozen=True, slots=True)
class Transition:
    """One change of a zone's UTC offset: at `at` (UTC), from `before` to `after`."""

    at: datetime
    before: timedelta
    after: timedelta
    name: str
    dst: bool


def transitions(tz: tzinfo, start: datetime, end: datetime) -> list[Transition]:
    """The offset changes of `tz` between two aware instants, each found to the second."""
    out: list[Transition] = []
    step = timedelta(hours=6)
    cursor = start.astimezone(UTC)
    stop = end.astimezone(UTC)
    previous = cursor.astimezone(tz).utcoffset()
    while cursor < stop:
        nxt = min(cursor + step, stop)
        offset = nxt.astimezone(tz).utcoffset()
        if offset != previous:
            lo, hi = cursor, nxt  # offset(lo) == previous, offset(hi) != previous
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if mid <= lo:
                    break
                if mid.astimezone(tz).utcoffset() == previous:
                    lo = mid
                else:
                    hi = mid
            local = hi.astimezone(tz)
            assert previous is not None and offset is not None
            out.append(Transition(hi, previous, offset, local.tzname() or "", bool(local.dst())))
            previous = offset
        cursor = nxt
    return out
