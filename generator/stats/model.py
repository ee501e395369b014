"""What the statistics are made of: a post's numbers from one export row, visits from one web
analytics row, and everything read from stats/ (kept in the Project, as read by `load`).

Only numbers, dates, the post's own address and text and the UTM values are kept from an
export: no column naming a person (commenters, the employee who posted) is ever read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from ..diagnostics import Diagnostic


class Numbers(NamedTuple):
    """One post's numbers on one network, from one row of an export (or a public count).

    A named tuple rather than a frozen dataclass: as immutable, and made eight times faster
    (a frozen dataclass sets each of its 17 fields through object.__setattr__), which is a
    third of the time of reading 100,000 rows (docs/contributor/performance.md).
    """

    file: str
    line: int
    format: str  # a formats.FORMATS id, "mastodon-api" or "bluesky-api"
    network: str
    url: str = ""
    key: str = ""  # the post's identity on its network (published.post_key), "" unknown
    moment: datetime | None = None  # when it went out, when the export gives the time
    day: date | None = None  # its local day (always set when moment is)
    text: str = ""  # the message as the export gives it (to match it to a plan's message)
    impressions: int | None = None
    reach: int | None = None
    clicks: int | None = None
    reactions: int | None = None
    comments: int | None = None
    shares: int | None = None
    engagements: int | None = None
    link: str = ""  # the link the post carried (Mastodon's card, Bluesky's facets or card)

    def engagement(self) -> int | None:
        """The export's engagements, else reactions + comments + shares + clicks (those known)."""
        if self.engagements is not None:
            return self.engagements
        parts = [
            v for v in (self.reactions, self.comments, self.shares, self.clicks) if v is not None
        ]
        return sum(parts) if parts else None


@dataclass(frozen=True, slots=True)
class Visits:
    """Sessions and visitors that one web analytics row gives to a UTM source, campaign or
    content (None: that export does not say); `start`..`end` is the period of the export."""

    file: str
    line: int
    format: str
    source: str | None = None
    medium: str | None = None
    campaign: str | None = None
    content: str | None = None
    start: date | None = None
    end: date | None = None
    sessions: int | None = None
    visitors: int | None = None


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One file (or sheet, or zip member) of stats/ and what Relais read from it."""

    file: str
    format: str  # the format's label, or "" when unknown
    format_id: str
    rows: int
    encoding: str = ""


@dataclass(frozen=True)
class Readout:
    """Everything read from stats/: numbers, visits, files, and the problems met."""

    numbers: tuple[Numbers, ...] = ()
    visits: tuple[Visits, ...] = ()
    files: tuple[ExportFile, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default_factory=tuple)
