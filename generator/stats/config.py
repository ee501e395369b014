"""The `stats:` section of site_config.yml: where exports are, their time zones, fetch limits."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..watch.config import Timeouts, WatchConfig


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{value}' (use a name such as Europe/Paris)") from None
    return value


Zone = Annotated[str, AfterValidator(_zone)]


def _inside(value: str) -> str:
    # Read by every check and build, written by `relais stats fetch`: a folder elsewhere on the
    # machine (`/`, `../other`) would be walked, read and written outside the repository.
    value = value.rstrip("/") or "/"
    parts = value.split("/")
    if (
        value.startswith("/")
        or "\\" in value
        or ":" in value
        or any(part in ("", ".", "..") or part.startswith(".") for part in parts)
        or any(ord(c) < 32 or ord(c) == 127 for c in value)
    ):
        raise ValueError(
            f"'{value}' is not a folder inside the repository: write a relative path such as "
            "stats or reports/stats, without '..', a leading '/' or a hidden folder"
        )
    return value


Folder = Annotated[str, AfterValidator(_inside)]


class StatsConfig(BaseModel):
    """Statistics settings; every field has a default, so `stats:` may be left out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    folder: Folder = Field(
        default="stats",
        min_length=1,
        description="Folder of the exports, relative to the root and inside the repository",
    )
    timezones: dict[str, Zone] = Field(
        default_factory=dict,
        description="Zone of the times in an export that does not say it, by format id or "
        "network id (e.g. {facebook: Europe/Paris}); default: site.timezone",
    )
    match_window_minutes: int = Field(
        default=120,
        ge=0,
        le=24 * 60,
        description="How far from a post's planned time a network's row may be and still match it",
    )
    missing_after_days: int = Field(
        default=7, ge=1, le=365, description="A published post with no numbers after this is listed"
    )
    max_file_bytes: int = Field(
        default=50_000_000,
        ge=1024,
        le=1_000_000_000,
        description="Largest export read, once decompressed (zip members and workbooks included)",
    )
    max_rows: int = Field(
        default=1_000_000, ge=1, le=10_000_000, description="Rows read per export file"
    )
    allow_private_addresses: bool = Field(
        default=False, description="`relais stats fetch`: allow loopback and intranet addresses"
    )
    timeouts: Timeouts = Field(
        default_factory=Timeouts, description="`relais stats fetch`: seconds per API request"
    )
    max_bytes: int = Field(
        default=2_000_000,
        ge=1024,
        le=50_000_000,
        description="`relais stats fetch`: largest API answer accepted, once decompressed",
    )
    workers: int = Field(default=8, ge=1, le=32, description="API requests at the same time")

    def zone_for(self, format_id: str, network: str, default: str) -> str:
        """The zone of the times of an export that does not give one."""
        return self.timezones.get(format_id) or self.timezones.get(network) or default

    def fetch_limits(self) -> WatchConfig:
        """The limits of `relais stats fetch` in the shape the watch's downloader takes."""
        return WatchConfig(
            allow_private_addresses=self.allow_private_addresses,
            timeouts=self.timeouts,
            max_bytes=self.max_bytes,
            max_redirects=3,
            workers=self.workers,
        )
