"""The clock of a run: what "now" is (`--now`, else SOURCE_DATE_EPOCH, else the system clock).

Every stage takes `now` as an argument; this module is the one place that decides it, below
the CLI, so that the build, the preview and the commands share it without importing cli.py.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from .model import MAX_YEAR, MIN_YEAR, parse_datetime


class BadNow(ValueError):
    """`--now` or SOURCE_DATE_EPOCH cannot be read; the message says which and why.

    The CLI reports it as a usage error (exit 2).
    """


def parse_now(value: str | None, tz_name: str) -> datetime:
    """`--now`, else SOURCE_DATE_EPOCH, else the clock; always aware, in the site's zone."""
    tz = ZoneInfo(tz_name)
    if value:
        try:
            return parse_datetime(value, tz).astimezone(tz)
        except Exception as exc:  # noqa: BLE001 - pydantic's error type; reported as a usage error
            raise BadNow(f"{value!r} is not a date-time like 2026-12-01T08:00 ({exc})") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            when = datetime.fromtimestamp(int(epoch), UTC).astimezone(tz)
        except (ValueError, OverflowError, OSError):
            raise BadNow(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None
        if not MIN_YEAR <= when.year <= MAX_YEAR:
            raise BadNow(
                f"SOURCE_DATE_EPOCH={epoch!r} is outside the years Relais handles "
                f"({MIN_YEAR} to {MAX_YEAR})"
            )
        return when
    return datetime.now(tz)
