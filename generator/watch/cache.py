"""The watch cache: a state file and one entries file per feed, written atomically; the snapshot view.

Layout under `watch.cache_dir` (default `.relais/watch/`):

    state.json            {"format": 1, "feeds": {"<feed-id>": FeedState}}
    feeds/<feed-id>.json  {"format": 1, "feed": "<feed-id>", "entries": [Entry, ...]}

Entry files are written first and state.json last, each through a temporary file,
fsync and os.replace: an interrupted fetch leaves either the old or the new version
of each file, and never a state that promises entries its feed file lacks.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from .clean import canonical_link
from .config import ID_RE, Feed, WatchConfig
from .keywords import Filter, compile_terms, fold
from .model import (
    Entry,
    FeedRun,
    FeedState,
    FeedStatus,
    FetchReport,
    Status,
    ThemeEntries,
    WatchItem,
    WatchSnapshot,
)

FORMAT = 1
STATE_FILE = "state.json"
FEEDS_DIR = "feeds"
MAX_CACHE_FILE = 50_000_000
TITLE_KEY_MIN = 20  # shorter titles ("Édito", "Weekly news") are too common to merge on


@dataclass(frozen=True, slots=True)
class CacheState:
    """Everything the cache holds: per feed id, its state and its entries (newest first)."""

    feeds: Mapping[str, FeedState] = field(default_factory=lambda: MappingProxyType({}))
    entries: Mapping[str, tuple[Entry, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def feed_state(self, feed_id: str) -> FeedState | None:
        return self.feeds.get(feed_id)

    def feed_entries(self, feed_id: str) -> tuple[Entry, ...]:
        return self.entries.get(feed_id, ())


def cache_path(root: Path | str, config: WatchConfig) -> Path:
    return Path(root) / config.cache_dir


# --- reading ---------------------------------------------------------------------------------


def _read_json(path: Path, problems: list[str]) -> Any:
    try:
        if path.stat().st_size > MAX_CACHE_FILE:
            problems.append(f"{path.name}: larger than {MAX_CACHE_FILE // 1_000_000} MB, ignored")
            return None
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        problems.append(f"{path}: unreadable, ignored ({exc})")
        return None


def read_cache(root: Path | str, config: WatchConfig) -> tuple[CacheState, tuple[str, ...]]:
    """The cache as it is on disk; unreadable parts are skipped and described in the problems."""
    base = cache_path(root, config)
    problems: list[str] = []
    states: dict[str, FeedState] = {}
    data = _read_json(base / STATE_FILE, problems)
    if isinstance(data, dict) and isinstance(data.get("feeds"), dict):
        for feed_id, raw in data["feeds"].items():
            try:
                states[str(feed_id)] = FeedState.model_validate(raw)
            except ValidationError:
                problems.append(f"{STATE_FILE}: the state of feed '{feed_id}' is invalid, ignored")
    elif data is not None:
        problems.append(f"{STATE_FILE}: not a Relais watch state, ignored")
    entries: dict[str, tuple[Entry, ...]] = {}
    for feed in config.feeds:
        if not ID_RE.match(feed.id):
            continue  # never turn an invalid id into a path
        data = _read_json(base / FEEDS_DIR / f"{feed.id}.json", problems)
        if data is None:
            continue
        items = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(items, list):
            problems.append(f"{FEEDS_DIR}/{feed.id}.json: not a Relais entries file, ignored")
            continue
        kept = []
        for item in items:
            try:
                entry = Entry.model_validate(item)
            except ValidationError:
                continue
            if entry.feed == feed.id:
                kept.append(entry)
        if len(kept) < len(items):
            problems.append(
                f"{FEEDS_DIR}/{feed.id}.json: {len(items) - len(kept)} invalid entries ignored"
            )
        entries[feed.id] = tuple(kept)
    return CacheState(MappingProxyType(states), MappingProxyType(entries)), tuple(problems)


# --- writing ---------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes, base: Path | None = None) -> None:
    """Write through a temporary file in the same folder, fsync, then rename over the target.

    With `base` (the repository), no folder between it and the file may be a symbolic link
    (safefs.UnsafePath): the rename replaces a link at the file itself, never its target."""
    from .. import safefs

    if base is not None:
        safefs.make_dirs(base, path.parent)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600: a CI step under another user must read the cache
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable (not possible on every platform)
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _dumps(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_cache(
    root: Path | str, config: WatchConfig, state: CacheState, previous: CacheState | None = None
) -> None:
    """Write the entries files that changed, remove those of feeds no longer configured, then the state."""
    from .. import safefs

    base = cache_path(root, config)
    feeds_dir = base / FEEDS_DIR
    safefs.make_dirs(Path(root), feeds_dir)  # never through a committed link (safefs.py)
    for stray in feeds_dir.glob(".*.tmp"):  # left by a process killed mid-write
        stray.unlink(missing_ok=True)
    for feed_id, entries in state.entries.items():
        if not ID_RE.match(feed_id):
            continue
        target = feeds_dir / f"{feed_id}.json"
        if previous is not None and previous.entries.get(feed_id) == entries and target.exists():
            continue
        payload = {
            "format": FORMAT,
            "feed": feed_id,
            "entries": [e.model_dump(mode="json") for e in entries],
        }
        write_atomic(target, _dumps(payload), Path(root))
    for path in feeds_dir.glob("*.json"):
        if path.stem not in state.entries:
            path.unlink(missing_ok=True)
    states = {k: v.model_dump(mode="json") for k, v in state.feeds.items()}
    write_atomic(base / STATE_FILE, _dumps({"format": FORMAT, "feeds": states}), Path(root))


# --- updating (pure) -------------------------------------------------------------------------


def entry_filters(config: WatchConfig, feed: Feed) -> tuple[Filter, ...]:
    """The feed's include/exclude lists and its theme's: an entry must pass both."""
    rules = [feed.keywords]
    theme = config.themes.get(feed.theme)
    if theme is not None:
        rules.append(theme.keywords)
    return tuple(
        Filter(compile_terms(r.include), compile_terms(r.exclude))
        for r in rules
        if r.include or r.exclude
    )


def _passes(entry: Entry, filters: tuple[Filter, ...]) -> bool:
    if not filters:
        return True
    text = f"{entry.title}\n{entry.summary_text}"
    return all(f.accepts(text) for f in filters)


def _newest_first(entries: Iterable[Entry]) -> list[Entry]:
    # Stable: entries with the same date keep the feed's own order.
    return sorted(entries, key=lambda e: e.published, reverse=True)


def select_entries(
    entries: Iterable[Entry], config: WatchConfig, feed: Feed, *, now: datetime
) -> list[Entry]:
    """The entries to keep for a feed: young enough, through its keyword filters, newest first, capped."""
    oldest = now - timedelta(days=config.max_age_days)
    filters = entry_filters(config, feed)
    kept = [e for e in entries if e.published >= oldest and _passes(e, filters)]
    return _newest_first(kept)[: config.max_entries_per_feed]


def merge_entries(
    previous: Iterable[Entry],
    fetched: Iterable[Entry],
    config: WatchConfig,
    feed: Feed,
    *,
    now: datetime,
) -> tuple[tuple[Entry, ...], int]:
    """Fetched entries over the cached ones (an entry that left the feed stays until too old or
    pushed out by the limit); first-seen times are kept. Returns the entries and how many are new."""
    before = {e.id: e for e in previous}
    merged: dict[str, Entry] = {}
    for entry in fetched:
        old = before.get(entry.id)
        if old is not None:
            update: dict[str, Any] = {"first_seen": old.first_seen}
            if not entry.dated:
                update["published"] = (
                    old.published
                )  # an undated entry keeps the time it was first seen
            entry = entry.model_copy(update=update)
        merged.setdefault(entry.id, entry)
    for entry in before.values():
        merged.setdefault(entry.id, entry)
    kept = select_entries(merged.values(), config, feed, now=now)
    return tuple(kept), sum(1 for e in kept if e.id not in before)


def apply_report(
    state: CacheState, report: FetchReport, config: WatchConfig, *, now: datetime
) -> tuple[CacheState, tuple[FeedRun, ...]]:
    """The cache after a fetch, and one summary row per feed. A failed feed keeps its entries."""
    states: dict[str, FeedState] = {}
    entries: dict[str, tuple[Entry, ...]] = {}
    runs = []
    for outcome in report.outcomes:
        feed = config.feed(outcome.feed)
        if feed is None:
            continue
        prev = state.feed_state(feed.id)
        cached = state.feed_entries(feed.id)
        if outcome.status is Status.OK and outcome.entries is not None:
            kept, new = merge_entries(cached, outcome.entries, config, feed, now=now)
            entries[feed.id] = kept
            states[feed.id] = FeedState(
                feed=feed.id,
                url=feed.url,
                status=Status.OK,
                http_status=outcome.http_status,
                title=outcome.title,
                final_url=outcome.final_url,
                etag=outcome.etag,
                last_modified=outcome.last_modified,
                last_attempt=now,
                last_success=now,
                new_entries=new,
                warnings=outcome.warnings,
            )
            runs.append(FeedRun(feed.id, Status.OK, new))
        elif outcome.status is Status.NOT_MODIFIED:
            entries[feed.id] = tuple(select_entries(cached, config, feed, now=now))
            states[feed.id] = FeedState(
                feed=feed.id,
                url=feed.url,
                status=Status.NOT_MODIFIED,
                http_status=304,
                title=prev.title if prev else "",
                final_url=outcome.final_url,
                etag=outcome.etag,
                last_modified=outcome.last_modified,
                last_attempt=now,
                last_success=now,
                warnings=prev.warnings if prev else (),  # the same bytes: the same warnings
            )
            runs.append(FeedRun(feed.id, Status.NOT_MODIFIED, 0))
        else:
            entries[feed.id] = cached  # the last good entries, shown as stale
            last_success = prev.last_success if prev else None
            states[feed.id] = FeedState(
                feed=feed.id,
                url=prev.url if prev else feed.url,
                status=Status.ERROR,
                error_code=outcome.error_code,
                error=outcome.error,
                http_status=outcome.http_status,
                title=prev.title if prev else "",
                final_url=outcome.final_url or (prev.final_url if prev else ""),
                etag=prev.etag if prev else None,
                last_modified=prev.last_modified if prev else None,
                last_attempt=now,
                last_success=last_success,
            )
            runs.append(
                FeedRun(feed.id, Status.ERROR, 0, outcome.error_code, outcome.error, last_success)
            )
    return CacheState(MappingProxyType(states), MappingProxyType(entries)), tuple(runs)


# --- the snapshot the build reads (pure, then the file-reading shell) ------------------------


def _title_key(title: str) -> str:
    key = " ".join(re.sub(r"[\W_]+", " ", fold(title)).split())
    return f"title:{key}" if len(key) >= TITLE_KEY_MIN else ""


def _keys(item: WatchItem) -> list[str]:
    keys = [f"id:{item.id}"]
    if item.link:
        keys.append(f"link:{canonical_link(item.link)}")
    title = _title_key(item.title)
    if title:
        keys.append(title)
    return keys


def merge_duplicates(items: Iterable[WatchItem]) -> list[WatchItem]:
    """One item per article: the same id, canonical link or long normalised title across feeds
    are merged into the earliest item, whose sources gain the others'. Newest first."""
    out: list[WatchItem] = []
    index: dict[str, int] = {}
    for item in sorted(items, key=lambda i: (i.published, i.id)):
        keys = _keys(item)
        pos = next((index[k] for k in keys if k in index), None)
        if pos is None:
            pos = len(out)
            out.append(item)
        else:
            first = out[pos]
            out[pos] = replace(first, sources=tuple(dict.fromkeys(first.sources + item.sources)))
        for k in keys:
            index.setdefault(k, pos)
    return sorted(out, key=lambda i: i.published, reverse=True)


def _item(entry: Entry, theme: str, now: datetime) -> WatchItem:
    tz = now.tzinfo
    return WatchItem(
        id=entry.id,
        theme=theme,
        title=entry.title,
        link=entry.link,
        summary_html=entry.summary_html,
        summary_text=entry.summary_text,
        published=entry.published.astimezone(tz),
        dated=entry.dated,
        sources=(entry.feed,),
        author=entry.author,
    )


def feed_name(feed: Feed, state: FeedState | None) -> str:
    return feed.name or (state.title if state and state.title else "") or feed.id


def build_snapshot(
    state: CacheState, config: WatchConfig, *, now: datetime, problems: Iterable[str] = ()
) -> WatchSnapshot:
    """What the portal shows at `now`: per theme, the entries of its feeds filtered, merged and capped."""
    statuses = []
    by_theme: dict[str, list[WatchItem]] = {t: [] for t in config.themes}
    for feed in config.feeds:
        fs = state.feed_state(feed.id)
        kept = select_entries(state.feed_entries(feed.id), config, feed, now=now)
        statuses.append(
            FeedStatus(
                id=feed.id,
                name=feed_name(feed, fs),
                theme=feed.theme,
                url=feed.url,
                status=fs.status if fs else Status.NEVER,
                error_code=fs.error_code if fs else "",
                error=fs.error if fs else "",
                last_attempt=_local(fs.last_attempt if fs else None, now),
                last_success=_local(fs.last_success if fs else None, now),
                entries=len(kept),
                warnings=fs.warnings if fs else (),
            )
        )
        if feed.theme in by_theme:
            by_theme[feed.theme].extend(_item(e, feed.theme, now) for e in kept)
    themes = tuple(
        ThemeEntries(
            theme_id,
            theme.label,
            tuple(merge_duplicates(by_theme[theme_id])[: config.max_entries_per_theme]),
        )
        for theme_id, theme in config.themes.items()
    )
    return WatchSnapshot(now=now, themes=themes, feeds=tuple(statuses), problems=tuple(problems))


def _local(moment: datetime | None, now: datetime) -> datetime | None:
    return moment.astimezone(now.tzinfo) if moment is not None else None


def load_snapshot(root: Path | str, config: WatchConfig, *, now: datetime) -> WatchSnapshot:
    """The snapshot for the build, from the cache files only (never the network); never raises
    on a missing or damaged cache: what cannot be read is listed in `problems`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (in the site time zone)")
    state, problems = read_cache(root, config)
    return build_snapshot(state, config, now=now, problems=problems)
