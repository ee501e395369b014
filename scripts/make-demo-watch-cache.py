#!/usr/bin/env python3
"""Rebuild demo-watch-cache/ (the demo's watch snapshot) from demo-watch-feeds/, offline and reproducibly.

The sample feeds are served from a real HTTP server on 127.0.0.1 and go through the real
pipeline (fetch, parse, clean, merge, cache), at fixed times, as two fetches:

1. 2026-11-30T07:00: only the failing feed (FAILING), so that it has "last good entries";
2. 2026-12-01T07:00: every other feed succeeds, FAILING times out (its entries are kept, stale).

The feed states then get back the real addresses of site_config.yml, so that the snapshot
reads like a fetch of the real feeds. No ETag or Last-Modified is served: a validator
stored for a real address would make the first real `relais watch fetch` send a made-up
If-Modified-Since (dated in the future), and a server may answer 304 and keep the samples.

Usage (from the repository root): .venv/bin/python scripts/make-demo-watch-cache.py
"""

from __future__ import annotations

import http.server
import ipaddress
import re
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import NoReturn
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from generator.load import load_site_config
from generator.watch.cache import CacheState, apply_report, write_cache
from generator.watch.config import Feed, WatchConfig
from generator.watch.fetch import fetch_all
from generator.watch.model import FetchOutcome, FetchReport, Status

FEEDS_DIR = ROOT / "demo-watch-feeds"
OUT_DIR = "demo-watch-cache"  # relative to ROOT, like watch.cache_dir
TZ = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 7, 0, tzinfo=TZ)  # one hour before the demo's --now
PREVIOUS = NOW - timedelta(days=1)  # the failing feed's last success
FAILING = "le-monde-gastronomie"
LOCALHOST = ipaddress.ip_address("127.0.0.1")
_FEED_FILE = re.compile(r"^/([a-z0-9][a-z0-9-]{0,79})\.(xml|json)$")
_TYPES = {"xml": "application/rss+xml; charset=utf-8", "json": "application/feed+json"}


def _sample(feed_id: str) -> Path | None:
    """The sample file of a feed: <id>.xml (RSS or Atom) or <id>.json (JSON Feed)."""
    return next(
        (p for p in (FEEDS_DIR / f"{feed_id}.xml", FEEDS_DIR / f"{feed_id}.json") if p.is_file()),
        None,
    )


class _FeedHandler(http.server.BaseHTTPRequestHandler):
    """Serves demo-watch-feeds/<id>.xml (or .json) as the feed, with no validators (see the
    module docstring)."""

    def do_GET(self) -> None:
        match = _FEED_FILE.match(self.path)
        path = FEEDS_DIR / f"{match.group(1)}.{match.group(2)}" if match else None
        if match is None or path is None or not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", _TYPES[match.group(2)])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _only_localhost(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip == LOCALHOST


def _fail(message: str) -> NoReturn:
    print(f"make-demo-watch-cache: {message}", file=sys.stderr)
    raise SystemExit(1)


def _served(watch: WatchConfig, base: str, feeds: tuple[Feed, ...]) -> WatchConfig:
    """The demo's watch config restricted to `feeds`, their addresses on the local server."""
    local = tuple(
        f.model_copy(update={"url": base + (_sample(f.id) or Path(f"{f.id}.xml")).name})
        for f in feeds
    )
    return watch.model_copy(update={"feeds": local})


def _fetch(config: WatchConfig, state: CacheState, now: datetime) -> FetchReport:
    report = fetch_all(config, state, now=now, timezone=TZ, policy=_only_localhost)
    for outcome in report.outcomes:
        if outcome.status is not Status.OK:
            _fail(f"{outcome.feed}: {outcome.error_code} {outcome.error}")
        if outcome.warnings:
            _fail(
                f"{outcome.feed}: {'; '.join(outcome.warnings)} (fix demo-watch-feeds/{outcome.feed}.xml)"
            )
        if not 4 <= len(outcome.entries or ()) <= 8:
            _fail(f"{outcome.feed}: {len(outcome.entries or ())} entries, the demo wants 4 to 8")
    return report


def _timeout(watch: WatchConfig) -> FetchOutcome:
    """FAILING's outcome on the second fetch: a connect timeout, worded as fetch.download words it."""
    feed = watch.feed(FAILING)
    assert feed is not None
    message = f"no connection within {watch.timeouts.connect:g} s (timeouts.connect)"
    return FetchOutcome(feed.id, feed.url, Status.ERROR, None, "timeout", message)


def make(root: Path = ROOT) -> CacheState:
    """Run both fetches and write the snapshot into root/demo-watch-cache/; returns what was written."""
    config, diagnostics = load_site_config(root)
    if config is None:
        _fail("site_config.yml cannot be read: " + "; ".join(map(str, diagnostics)))
    watch = config.watch
    if watch.feed(FAILING) is None:
        _fail(f"site_config.yml has no watch feed '{FAILING}'")
    missing = [f.id for f in watch.feeds if _sample(f.id) is None]
    if missing:
        _fail(f"no sample feed for {', '.join(missing)} in {FEEDS_DIR.name}/")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FeedHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        failing = tuple(f for f in watch.feeds if f.id == FAILING)
        others = tuple(f for f in watch.feeds if f.id != FAILING)
        first = _served(watch, base, failing)
        state, _ = apply_report(
            CacheState(), _fetch(first, CacheState(), PREVIOUS), first, now=PREVIOUS
        )
        second = _served(watch, base, others)
        fetched = _fetch(second, state, NOW)
    finally:
        server.shutdown()
        server.server_close()

    everything = _served(watch, base, watch.feeds)
    outcomes = {o.feed: o for o in fetched.outcomes} | {FAILING: _timeout(everything)}
    report = FetchReport(started=NOW, outcomes=tuple(outcomes[f.id] for f in watch.feeds))
    state, _ = apply_report(state, report, everything, now=NOW)

    # As if the real addresses had been fetched: no trace of the local server is left.
    real = {f.id: f.url for f in watch.feeds}
    feeds = {
        feed_id: fs.model_copy(update={"url": real[feed_id], "final_url": real[feed_id]})
        for feed_id, fs in state.feeds.items()
    }
    state = CacheState(MappingProxyType(feeds), state.entries)
    leaked = [
        e.id
        for entries in state.entries.values()
        for e in entries
        if "127.0.0.1" in e.model_dump_json()
    ]
    if leaked:
        _fail(
            f"entries {', '.join(leaked)} refer to the local server (relative links in a sample feed?)"
        )
    write_cache(root, watch.model_copy(update={"cache_dir": OUT_DIR}), state)
    return state


def main() -> None:
    state = make()
    for feed_id, fs in state.feeds.items():
        stale = (
            f"  (stale: {fs.error_code}, last success {fs.last_success:%Y-%m-%d %H:%M})"
            if fs.stale
            else ""
        )
        print(f"{feed_id:24} {fs.status.value:6} {len(state.feed_entries(feed_id))} entries{stale}")
    print(f"written to {OUT_DIR}/")


if __name__ == "__main__":
    main()
