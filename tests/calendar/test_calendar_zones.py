"""Daylight-saving days: skipped and repeated local times, offset changes, and the VTIMEZONE we write."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from dateutil.tz import tzical

from generator.calendar.ics import vtimezone
from generator.calendar.zones import (
    exists,
    gap_around,
    in_zone,
    is_ambiguous,
    normalise,
    offsets,
    transitions,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("tz", "wall", "before", "after"),
    [
        (
            PARIS,
            datetime(2027, 3, 28, 2, 30),
            datetime(2027, 3, 28, 1, 59),
            datetime(2027, 3, 28, 3, 0),
        ),
        (
            NEW_YORK,
            datetime(2027, 3, 14, 2, 30),
            datetime(2027, 3, 14, 1, 59),
            datetime(2027, 3, 14, 3, 0),
        ),
    ],
)
def test_a_time_skipped_in_spring_does_not_exist(
    tz: ZoneInfo, wall: datetime, before: datetime, after: datetime
) -> None:
    assert not exists(wall, tz)
    assert not is_ambiguous(wall, tz)
    assert gap_around(wall, tz) == (before, after)
    assert normalise(wall, tz).strftime("%H:%M") == "03:30"  # moved forward by the gap


@pytest.mark.parametrize(
    ("tz", "wall", "first", "second"),
    [
        (PARIS, datetime(2026, 10, 25, 2, 30), timedelta(hours=2), timedelta(hours=1)),
        (NEW_YORK, datetime(2026, 11, 1, 1, 30), timedelta(hours=-4), timedelta(hours=-5)),
    ],
)
def test_a_time_repeated_in_autumn_is_ambiguous(
    tz: ZoneInfo, wall: datetime, first: timedelta, second: timedelta
) -> None:
    assert exists(wall, tz)
    assert is_ambiguous(wall, tz)
    assert offsets(wall, tz) == (first, second)


@pytest.mark.parametrize(
    ("tz", "wall"),
    [
        (PARIS, datetime(2027, 3, 28, 3, 0)),
        (PARIS, datetime(2026, 10, 25, 3, 0)),
        (NEW_YORK, datetime(2027, 3, 14, 12, 0)),
        (NEW_YORK, datetime(2026, 11, 1, 2, 0)),
        (PARIS, datetime(2026, 10, 25, 1, 59)),
    ],
)
def test_ordinary_times_around_the_changes(tz: ZoneInfo, wall: datetime) -> None:
    assert exists(wall, tz)
    assert not is_ambiguous(wall, tz)


def test_in_zone_tells_local_times_from_explicit_offsets() -> None:
    assert in_zone(datetime(2027, 1, 1, 9, tzinfo=ZoneInfo("Europe/Paris")), PARIS)
    assert not in_zone(datetime(2027, 1, 1, 9, tzinfo=timezone(timedelta(hours=1))), PARIS)


def test_transitions_are_found_to_the_second() -> None:
    found = transitions(
        PARIS, datetime(2026, 1, 1, tzinfo=PARIS), datetime(2028, 1, 1, tzinfo=PARIS)
    )
    assert [(t.at.isoformat(), t.name, t.dst) for t in found] == [
        ("2026-03-29T01:00:00+00:00", "CEST", True),
        ("2026-10-25T01:00:00+00:00", "CET", False),
        ("2027-03-28T01:00:00+00:00", "CEST", True),
        ("2027-10-31T01:00:00+00:00", "CET", False),
    ]
    ny = transitions(
        NEW_YORK, datetime(2026, 1, 1, tzinfo=NEW_YORK), datetime(2027, 12, 31, tzinfo=NEW_YORK)
    )
    assert [t.at.isoformat() for t in ny] == [
        "2026-03-08T07:00:00+00:00",
        "2026-11-01T06:00:00+00:00",
        "2027-03-14T07:00:00+00:00",
        "2027-11-07T06:00:00+00:00",
    ]


def _instants(zone: ZoneInfo) -> list[datetime]:
    """Every hour of 2026-2027, and every five minutes within three hours of each offset change."""
    start, end = datetime(2026, 1, 1, 12, tzinfo=UTC), datetime(2027, 12, 31, tzinfo=UTC)
    out = [start + timedelta(hours=h) for h in range(int((end - start) / timedelta(hours=1)))]
    for change in transitions(zone, start, end):
        out += [change.at + timedelta(minutes=m) for m in range(-180, 181, 5)]
    return out


@pytest.mark.parametrize(
    "name", ["Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]
)
def test_our_vtimezone_read_by_dateutil_agrees_with_zoneinfo(name: str) -> None:
    """RFC 5545: an observance's DTSTART is the local time in the offset before the change (02:00 in
    Paris in March). A reader that follows the RFC (dateutil's tzical, used by vobject) must find
    zoneinfo's offset at every instant of the window, including the hours around each change."""
    zone = ZoneInfo(name)
    text = vtimezone(zone, name, date(2026, 1, 1), date(2028, 1, 1)).to_ical().decode()
    if name == "Europe/Paris":
        assert "DTSTART:20270328T020000" in text and "DTSTART:20271031T030000" in text
    parsed = tzical(io.StringIO(text)).get()
    mismatches = [
        i
        for i in _instants(zone)
        if i.astimezone(zone).utcoffset() != i.astimezone(parsed).utcoffset()
    ]
    assert mismatches == []
