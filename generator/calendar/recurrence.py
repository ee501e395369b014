"""When key dates happen: single days, ranges, yearly repeats and RFC 5545 rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateutil.rrule import rrule, rrulestr

from ..model import KeyDate

# A rule without `start` or `date` counts from this day: a fixed anchor keeps
# INTERVAL and COUNT rules the same whatever window is asked for.
RULE_ANCHOR = date(2000, 1, 1)
_SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")
_EXPANSION_ERRORS = (ValueError, TypeError, OverflowError, IndexError, KeyError)


@dataclass(frozen=True, slots=True, order=True)
class Occurrence:
    """One occurrence of a key date: the days it covers, `start`..`end` inclusive."""

    start: date
    end: date
    key_date: KeyDate

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


def same_day(year: int, model: date) -> date:
    """The anniversary of `model` in `year`; 29 February falls on 28 February in other years."""
    try:
        return model.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def _rule_text(rule: str) -> str:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:].strip()
    return text


@lru_cache(maxsize=512)
def _compile(text: str, anchor: date) -> rrule:
    if "\n" in text or re.search(r"(?i)\b(DTSTART|EXDATE|RDATE|EXRULE)\b", text):
        raise ValueError(
            "write only the rule (FREQ=…;…); give its first day with 'start:' or 'date:'"
        )
    names = [part.split("=", 1)[0].strip().upper() for part in text.split(";") if part.strip()]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        # dateutil keeps the last one silently (FREQ=YEARLY;FREQ=HOURLY is hourly, and slow).
        raise ValueError(f"{repeated[0]} is written more than once; RFC 5545 allows each part once")
    freq = re.search(r"(?i)\bFREQ=([A-Z]+)", text)
    if freq is None:
        raise ValueError("the rule has no FREQ (e.g. FREQ=YEARLY)")
    if freq.group(1).upper() in _SUB_DAILY:
        raise ValueError(
            f"FREQ={freq.group(1).upper()} repeats within a day; a key date is a whole day"
        )
    if re.search(r"(?i)\bCOUNT=", text) and re.search(r"(?i)\bUNTIL=", text):
        raise ValueError("COUNT and UNTIL cannot be used together (RFC 5545): keep one of them")
    interval = re.search(r"(?i)\bINTERVAL=([^;]*)", text)
    if interval and not (interval.group(1).strip().isdigit() and int(interval.group(1)) >= 1):
        # dateutil accepts INTERVAL=0 and then loops forever looking for the next occurrence.
        raise ValueError("INTERVAL must be a whole number of 1 or more (RFC 5545)")
    try:
        parsed = rrulestr(text, dtstart=datetime.combine(anchor, datetime.min.time()), cache=True)
    except (ValueError, TypeError, OverflowError, KeyError, IndexError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None
    if not isinstance(parsed, rrule):
        raise ValueError("write a single rule")
    return parsed


def parse_rule(rule: str, dtstart: date) -> rrule:
    """A dateutil rule counting from `dtstart`; raises ValueError with a readable message when invalid."""
    return _compile(_rule_text(rule), dtstart)


@lru_cache(maxsize=512)
def _ever_occurs(text: str, anchor: date) -> bool:
    rule = _compile(text, anchor)
    # dateutil looks for a match up to year 9999 before giving up, which takes seconds for an
    # impossible daily rule (30 February). The calendar repeats every 400 years, so one cycle
    # from the same day of the cycle, without UNTIL and COUNT, tells whether the rule can match.
    probe_start = datetime(9200 + anchor.year % 400, anchor.month, anchor.day)
    probe = rule.replace(dtstart=probe_start, until=None, count=None)
    if probe.after(probe_start, inc=True) is None:
        return False
    return rule.after(datetime.combine(anchor, datetime.min.time()), inc=True) is not None


def anchor_of(key_date: KeyDate) -> date:
    """The first day a key date's rule counts from."""
    return key_date.start or key_date.date or RULE_ANCHOR


def rule_problem(key_date: KeyDate) -> tuple[str, str] | None:
    """(code, message) when a key date's rule is invalid or never happens; None when it is fine."""
    if not key_date.rrule:
        return None
    text = _rule_text(key_date.rrule)
    anchor = anchor_of(key_date)
    try:
        _compile(text, anchor)
    except ValueError as exc:
        return "rrule-invalid", f"rrule '{key_date.rrule}' is not a valid RFC 5545 rule: {exc}"
    try:
        ever = _ever_occurs(text, anchor)
    except _EXPANSION_ERRORS as exc:
        # dateutil accepts a few rules it then fails to expand (e.g. some BYSETPOS combinations).
        return (
            "rrule-invalid",
            f"rrule '{key_date.rrule}' cannot be expanded: {exc or type(exc).__name__}",
        )
    if not ever:
        return "rrule-never", f"rrule '{key_date.rrule}' never happens (from {anchor.isoformat()})"
    return None


def occurrences(key_date: KeyDate, start: date, end: date) -> list[Occurrence]:
    """Occurrences that overlap `start`..`end` (inclusive), sorted."""
    if key_date.rrule:
        if rule_problem(key_date) is not None:
            return []  # reported by the rrule checks
        anchor = anchor_of(key_date)
        length = (key_date.end - key_date.start).days if key_date.start and key_date.end else 0
        rule = parse_rule(key_date.rrule, anchor)
        try:
            window_start = datetime.combine(start - timedelta(days=length), datetime.min.time())
            window_end = datetime.combine(end, datetime.max.time())
            days = sorted({d.date() for d in rule.between(window_start, window_end, inc=True)})
        except _EXPANSION_ERRORS:
            return []  # a window at the edge of the calendar (year 1 or 9999)
        return [Occurrence(d, d + timedelta(days=length), key_date) for d in days]

    first = key_date.date or key_date.start
    last = key_date.date or key_date.end
    if first is None or last is None:
        return []
    if not key_date.yearly:
        return [Occurrence(first, last, key_date)] if first <= end and last >= start else []
    out = []
    span = last - first
    for year in range(max(first.year, start.year - 1), end.year + 1):
        s = same_day(year, first)
        e = s + span
        if s <= end and e >= start:
            out.append(Occurrence(s, e, key_date))
    return out


def all_occurrences(
    key_dates: tuple[KeyDate, ...] | list[KeyDate], start: date, end: date
) -> list[Occurrence]:
    """Every occurrence of every key date in the window, in date order."""
    found = [o for k in key_dates for o in occurrences(k, start, end)]
    return sorted(found, key=lambda o: (o.start, o.end, o.key_date.id))
