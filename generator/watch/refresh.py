"""`watch fetch` as a function: read the cache, fetch every feed, merge, write the cache back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from .addresses import AddressPolicy
from .cache import apply_report, read_cache, write_cache
from .config import WatchConfig
from .fetch import Progress, fetch_all
from .model import FeedRun, FetchReport


@dataclass(frozen=True, slots=True)
class RefreshResult:
    runs: tuple[FeedRun, ...]
    report: FetchReport
    problems: tuple[str, ...] = ()  # cache files that could not be read before the fetch

    @property
    def failed(self) -> int:
        return sum(1 for r in self.runs if r.error_code)


def refresh(
    root: Path | str,
    config: WatchConfig,
    *,
    now: datetime,
    timezone: str | tzinfo,
    progress: Progress | None = None,
    policy: AddressPolicy | None = None,
) -> RefreshResult:
    """Refresh the watch cache under `root`; feed failures are results, not exceptions."""
    state, problems = read_cache(root, config)
    report = fetch_all(config, state, now=now, timezone=timezone, progress=progress, policy=policy)
    new_state, runs = apply_report(state, report, config, now=now)
    write_cache(root, config, new_state, previous=state)
    return RefreshResult(runs, report, problems)
