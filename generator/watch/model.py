"""The values of the watch pipeline: cached entries and feed states, fetch outcomes, the snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Status(str, Enum):
    """How the last fetch of a feed ended."""

    OK = "ok"
    NOT_MODIFIED = "not-modified"
    ERROR = "error"
    NEVER = "never"  # configured but not fetched yet


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Entry(_Frozen):
    """One cleaned feed entry, as stored in the cache. Text fields are plain text, never HTML."""

    id: str = Field(
        description="Stable id: a hash of the guid, else of the link, else of title and date"
    )
    feed: str
    title: str
    link: str | None = None
    summary_html: str = Field(default="", description="Sanitised HTML (nh3 allow-list)")
    summary_text: str = Field(
        default="", description="The summary as plain text, for keyword matching"
    )
    author: str = ""
    published: AwareDatetime = Field(description="In the site time zone; clamped to the fetch time")
    dated: bool = Field(
        default=True, description="False when the feed gave no date: published = first seen"
    )
    first_seen: AwareDatetime


class FeedState(_Frozen):
    """What the cache knows about one feed: conditional-GET validators and the last outcome."""

    feed: str
    url: str = Field(description="The configured address these validators belong to")
    status: Status = Status.NEVER
    error_code: str = ""
    error: str = ""
    http_status: int | None = None
    title: str = Field(default="", description="The feed's own title")
    final_url: str = ""
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: AwareDatetime | None = None
    last_success: AwareDatetime | None = None
    new_entries: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def stale(self) -> bool:
        """The last fetch failed: the entries shown are the last good ones."""
        return self.status is Status.ERROR


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """The result of fetching one feed: entries on success, None on 304 or failure."""

    feed: str
    url: str
    status: Status
    entries: tuple[Entry, ...] | None = None
    error_code: str = ""
    error: str = ""
    http_status: int | None = None
    final_url: str = ""
    title: str = ""
    etag: str | None = None
    last_modified: str | None = None
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    size: int = 0


@dataclass(frozen=True, slots=True)
class FetchReport:
    """All the outcomes of one `watch fetch`, in the order of the configuration."""

    started: datetime
    outcomes: tuple[FetchOutcome, ...]
    seconds: float = 0.0

    def outcome(self, feed_id: str) -> FetchOutcome | None:
        return next((o for o in self.outcomes if o.feed == feed_id), None)


@dataclass(frozen=True, slots=True)
class FeedRun:
    """One row of the summary table printed after a fetch."""

    feed: str
    status: Status
    new_entries: int
    error_code: str = ""
    error: str = ""
    stale_since: datetime | None = None  # last success when the feed failed


# --- what the build reads ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WatchItem:
    """An entry as shown in the portal: duplicates across feeds merged, `sources` are feed ids."""

    id: str
    theme: str
    title: str
    link: str | None
    summary_html: str
    summary_text: str
    published: datetime
    dated: bool
    sources: tuple[str, ...]
    author: str = ""


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """A configured feed and how its last fetch went."""

    id: str
    name: str
    theme: str
    url: str
    status: Status
    error_code: str = ""
    error: str = ""
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    entries: int = 0
    warnings: tuple[str, ...] = ()  # what the last fetch read leniently (dates, encoding)

    @property
    def stale(self) -> bool:
        return self.status is Status.ERROR


@dataclass(frozen=True, slots=True)
class ThemeEntries:
    id: str
    label: str
    entries: tuple[WatchItem, ...]


@dataclass(frozen=True, slots=True)
class WatchSnapshot:
    """The cached watch items for the build: per theme newest first, and every feed's status."""

    now: datetime
    themes: tuple[ThemeEntries, ...] = ()
    feeds: tuple[FeedStatus, ...] = ()
    problems: tuple[str, ...] = field(default=())  # unreadable cache files, reported not raised

    def theme(self, theme_id: str) -> ThemeEntries | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def feed(self, feed_id: str) -> FeedStatus | None:
        return next((f for f in self.feeds if f.id == feed_id), None)

    @property
    def empty(self) -> bool:
        return not any(t.entries for t in self.themes)
