"""When key dates happen: single days, ranges, yearly repeats and RFC 5545 rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.rrule import rrulestr

from ..model import KeyDate


@dataclass(frozen=True, slots=True, order=True)
class Occurrence:
    """One occurrence of a key date: the days it covers, `start`..`end` inclusive."""

    start: date
    end: date
    key_date: KeyDate

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _same_day(year: int, model: date) -> date:
    """The anniversary of `model` in `year`; 29 February falls on 28 February in other years."""
    try:
        return model.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def parse_rule(rule: str, dtstart: date) -> object:
    """A dateutil rule object; raises ValueError with dateutil's message when the rule is invalid."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return rrulestr(text, dtstart=datetime.combine(dtstart, datetime.min.time()))


def occurrences(key_date: KeyDate, start: date, end: date) -> list[Occurrence]:
    """Occurrences that overlap `start`..`end` (inclusive), sorted."""
    if key_date.rrule:
        anchor = key_date.start or key_date.date or date(start.year - 1, 1, 1)
        length = ((key_date.end - key_date.start).days if key_date.start and key_date.end else 0)
        try:
            rule = parse_rule(key_date.rrule, anchor)
        except (ValueError, TypeError, OverflowError):
            return []
        window_start = datetime.combine(start - timedelta(days=length), datetime.min.time())
        window_end = datetime.combine(end, datetime.max.time())
        days = rule.between(window_start, window_end, inc=True)  # type: ignore[attr-defined]
        return [Occurrence(d.date(), d.date() + timedelta(days=length), key_date) for d in days]

    first = key_date.date or key_date.start
    last = key_date.date or key_date.end
    assert first is not None and last is not None
    if not key_date.yearly:
        return [Occurrence(first, last, key_date)] if first <= end and last >= start else []
    out = []
    span = last - first
    for year in range(max(first.year, start.year - 1), end.year + 1):
        s = _same_day(year, first)
        e = s + span
        if s <= end and e >= start:
            out.append(Occurrence(s, e, key_date))
    return out


def all_occurrences(key_dates: tuple[KeyDate, ...] | list[KeyDate], start: date, end: date) -> list[Occurrence]:
    """Every occurrence of every key date in the window, in date order."""
    found = [o for k in key_dates for o in occurrences(k, start, end)]
    return sorted(found, key=lambda o: (o.start, o.end, o.key_date.id))
