"""`relais build --fetch`: refresh the watch cache before the build, quietly."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from .refresh import RefreshResult, refresh


def fetch_for_build(root: Path | str, config: Any, now: datetime) -> RefreshResult:
    """Refresh the cache for a SiteConfig (`config.watch`, `config.site.timezone`)."""
    return refresh(root, config.watch, now=now, timezone=config.site.timezone)
