"""When key dates happen: single days, ranges (across a year end), yearly repeats, 29 February, rules."""

from __future__ import annotations

from datetime import date

import pytest

from generator.calendar.recurrence import all_occurrences, occurrences, rule_problem, same_day
from generator.model import KeyDate
from tests.helpers import cpu_seconds


def key(**fields: object) -> KeyDate:
    return KeyDate.model_validate({"id": "k", "title": "K", **fields})


def spans(key_date: KeyDate, start: date, end: date) -> list[tuple[str, str]]:
    return [(o.start.isoformat(), o.end.isoformat()) for o in occurrences(key_date, start, end)]


def test_a_single_date_happens_once() -> None:
    k = key(date="2026-12-08")
    assert spans(k, date(2026, 1, 1), date(2030, 1, 1)) == [("2026-12-08", "2026-12-08")]
    assert spans(k, date(2026, 12, 9), date(2030, 1, 1)) == []


def test_a_yearly_date_repeats_from_its_first_year_on() -> None:
    k = key(date="2026-12-08", yearly=True)
    assert spans(k, date(2025, 1, 1), date(2028, 12, 31)) == [
        ("2026-12-08", "2026-12-08"),
        ("2027-12-08", "2027-12-08"),
        ("2028-12-08", "2028-12-08"),
    ]


def test_29_february_falls_on_28_february_in_other_years() -> None:
    k = key(date="2028-02-29", yearly=True)
    assert spans(k, date(2028, 1, 1), date(2032, 12, 31)) == [
        ("2028-02-29", "2028-02-29"),
        ("2029-02-28", "2029-02-28"),
        ("2030-02-28", "2030-02-28"),
        ("2031-02-28", "2031-02-28"),
        ("2032-02-29", "2032-02-29"),
    ]
    assert same_day(2027, date(2024, 2, 29)) == date(2027, 2, 28)


def test_a_range_across_the_year_end_is_found_from_either_year() -> None:
    k = key(start="2026-12-28", end="2027-01-03", yearly=True)
    assert spans(k, date(2028, 1, 2), date(2028, 1, 2)) == [("2027-12-28", "2028-01-03")]
    assert spans(k, date(2027, 12, 31), date(2027, 12, 31)) == [("2027-12-28", "2028-01-03")]
    assert occurrences(k, date(2028, 1, 1), date(2028, 1, 1))[0].days == 7


def test_a_range_overlapping_the_window_counts_even_when_it_started_before() -> None:
    k = key(start="2027-01-13", end="2027-02-09")
    assert spans(k, date(2027, 2, 1), date(2027, 2, 28)) == [("2027-01-13", "2027-02-09")]


def test_rrule_first_thursday_of_every_month() -> None:
    k = key(rrule="FREQ=MONTHLY;BYDAY=1TH")
    assert [s for s, _ in spans(k, date(2026, 12, 1), date(2027, 4, 30))] == [
        "2026-12-03",
        "2027-01-07",
        "2027-02-04",
        "2027-03-04",
        "2027-04-01",
    ]


def test_rrule_yearly_day_and_the_rrule_prefix() -> None:
    k = key(rrule="RRULE:FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=16")
    assert spans(k, date(2026, 1, 1), date(2027, 12, 31)) == [
        ("2026-10-16", "2026-10-16"),
        ("2027-10-16", "2027-10-16"),
    ]


def test_rrule_with_a_range_gives_multi_day_occurrences_and_starts_on_start() -> None:
    # Every year the week starting on the second Monday of May, from 2027 on.
    k = key(rrule="FREQ=YEARLY;BYMONTH=5;BYDAY=2MO", start="2027-05-10", end="2027-05-16")
    assert spans(k, date(2026, 1, 1), date(2028, 12, 31)) == [
        ("2027-05-10", "2027-05-16"),
        ("2028-05-08", "2028-05-14"),
    ]


def test_an_interval_rule_does_not_depend_on_the_window_asked_for() -> None:
    # Every other week from 2000-01-01 (a Saturday): the same Saturdays whatever the window.
    k = key(rrule="FREQ=WEEKLY;INTERVAL=2")
    wide = [o.start for o in occurrences(k, date(2026, 1, 1), date(2026, 3, 1))]
    narrow = [o.start for o in occurrences(k, date(2026, 2, 1), date(2026, 3, 1))]
    assert narrow == [d for d in wide if d >= date(2026, 2, 1)]
    assert all(d.weekday() == 5 for d in wide)


@pytest.mark.parametrize(
    ("rule", "code", "message"),
    [
        (
            "FREQ=MONTLY",
            "rrule-invalid",
            "rrule 'FREQ=MONTLY' is not a valid RFC 5545 rule: invalid 'FREQ': MONTLY",
        ),
        (
            "BYDAY=1TH",
            "rrule-invalid",
            "rrule 'BYDAY=1TH' is not a valid RFC 5545 rule: the rule has no FREQ (e.g. FREQ=YEARLY)",
        ),
        (
            "FREQ=WEEKLY;BYDAY=XX",
            "rrule-invalid",
            "rrule 'FREQ=WEEKLY;BYDAY=XX' is not a valid RFC 5545 rule: invalid 'BYDAY': XX",
        ),
        (
            "FREQ=HOURLY",
            "rrule-invalid",
            "rrule 'FREQ=HOURLY' is not a valid RFC 5545 rule: FREQ=HOURLY repeats within a day; a key date is a whole day",
        ),
        (
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "rrule-never",
            "rrule 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' never happens (from 2000-01-01)",
        ),
    ],
)
def test_invalid_and_impossible_rules_are_named(rule: str, code: str, message: str) -> None:
    k = key(rrule=rule)
    assert rule_problem(k) == (code, message)
    assert occurrences(k, date(2026, 1, 1), date(2027, 1, 1)) == []


def test_an_impossible_daily_rule_is_found_quickly() -> None:
    # dateutil alone searches until year 9999 (seconds); one 400-year cycle is enough.
    # Every 30 February: dateutil's own search to 9999 takes about 4.6 s of CPU on the test
    # machine of 2026, one 400-year cycle a twentieth of that.
    k = key(rrule="FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")
    problem, seconds = cpu_seconds(lambda: rule_problem(k))
    assert problem is not None
    assert seconds < 2.0


def test_a_rule_whose_default_day_never_exists_is_caught() -> None:
    # Without BYMONTHDAY a yearly rule takes the day of its start: there is no 31 April.
    k = key(rrule="FREQ=YEARLY;BYMONTH=4", start="2027-01-31")
    assert rule_problem(k) == (
        "rrule-never",
        "rrule 'FREQ=YEARLY;BYMONTH=4' never happens (from 2027-01-31)",
    )


def test_a_finished_rule_is_not_an_error() -> None:
    assert rule_problem(key(rrule="FREQ=MONTHLY;BYDAY=1TH;COUNT=3", start="2020-01-01")) is None


def test_all_occurrences_are_sorted_by_date_then_id() -> None:
    a = KeyDate.model_validate({"id": "b-second", "title": "B", "date": "2027-01-06"})
    b = KeyDate.model_validate({"id": "a-first", "title": "A", "date": "2027-01-06"})
    c = KeyDate.model_validate({"id": "c", "title": "C", "date": "2027-01-01"})
    assert [
        o.key_date.id for o in all_occurrences([a, b, c], date(2027, 1, 1), date(2027, 1, 31))
    ] == ["c", "a-first", "b-second"]


def test_count_and_until_together_are_refused() -> None:
    from generator.calendar.recurrence import parse_rule

    with pytest.raises(ValueError, match="COUNT and UNTIL"):
        parse_rule("FREQ=YEARLY;COUNT=3;UNTIL=20300101", date(2026, 1, 1))
