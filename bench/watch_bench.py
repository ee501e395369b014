"""Watch-feed benchmark (not a test): prints medians of 3 runs as a Markdown table.

    .venv/bin/python bench/watch_bench.py

1. 50 feeds, each answering after 1 s from a local server, fetched into a fresh cache
   (default workers, then one worker per feed);
2. a 2 MB, 1,000-entry feed parsed and cleaned;
3. the snapshot and pages of that feed (1,000 entries on one theme page).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.watch.cache import CacheState, apply_report, build_snapshot
from generator.watch.clean import clean_entries
from generator.watch.config import WatchConfig
from generator.watch.model import FetchOutcome, FetchReport, Status
from generator.watch.parse import parse_feed
from generator.watch.refresh import refresh
from generator.watch.render import pages

TZ = ZoneInfo("Europe/Paris")
NOW = datetime(2025, 12, 16, 12, 0, tzinfo=TZ)
RUNS = 3
FEEDS = 50
DELAY = 1.0


def small_feed(n: int) -> bytes:
    items = "".join(
        f"<item><title>Feed {n} entry {i}</title><link>https://news{n}.example/{i}</link><guid>{n}-{i}</guid>"
        f"<pubDate>Mon, 15 Dec 2025 0{i}:00:00 +0000</pubDate><description>&lt;p&gt;Entry {i}&lt;/p&gt;"
        "</description></item>"
        for i in range(5)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>{items}</channel></rss>'.encode()


def big_feed(entries: int = 1000, target: int = 2_000_000) -> bytes:
    """About `target` bytes: each entry carries ~2 kB of HTML with links, images and a tracking pixel."""
    filler = (
        "Le marché de la boulangerie artisanale évolue ; la Maison Exemple y prend sa part. " * 20
    )[:1500]
    items = []
    for i in range(entries):
        html = (
            f'<p>{filler}</p><p><a href="https://news.example/{i}?utm_source=rss&amp;x=1">lire</a> '
            f'<img src="https://cdn.example/{i}.jpg" alt="photo {i}" width="600" height="400">'
            f'<img src="https://t.example/p.gif" width="1" height="1"><script>alert({i})</script></p>'
        )
        items.append(
            f"<item><title>Entrée {i} : la boulangerie &amp; le pain</title>"
            f"<link>https://news.example/{i}?utm_medium=feed</link><guid>big-{i}</guid>"
            f"<pubDate>Mon, 15 Dec 2025 08:{i % 60:02d}:00 +0000</pubDate>"
            f"<description><![CDATA[{html}]]></description></item>"
        )
    body = "".join(items)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big</title>{body}'
        "</channel></rss>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        n = int(self.path.strip("/").split(".")[0])
        time.sleep(DELAY)
        body = small_feed(n)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def median_seconds(run: Callable[[], object]) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (CPU time does not grow when other
    programs share the machine; for the fetch it includes the local server's threads)."""
    walls, cpus = [], []
    for _ in range(RUNS):
        started, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    server = _Server(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    feeds = [
        {"id": f"feed-{n}", "url": f"http://127.0.0.1:{port}/{n}.xml", "theme": "bench"}
        for n in range(FEEDS)
    ]
    rows = []
    for workers in (WatchConfig().workers, FEEDS):
        config = WatchConfig.model_validate(
            {
                "themes": {"bench": "Bench"},
                "feeds": feeds,
                "workers": workers,
                "allow_private_addresses": True,
            }
        )

        def fetch(config: WatchConfig = config) -> None:
            with tempfile.TemporaryDirectory() as root:
                result = refresh(root, config, now=NOW, timezone=TZ)
                assert all(r.status is Status.OK for r in result.runs), result.runs

        rows.append(
            (
                f"fetch {FEEDS} feeds answering after {DELAY:g} s, workers={workers}",
                median_seconds(fetch),
                "well under 10 s",
            )
        )
    server.shutdown()

    data = big_feed()
    config = WatchConfig.model_validate(
        {
            "themes": {"bench": "Bench"},
            "max_entries_per_feed": 1000,
            "max_entries_per_theme": 1000,
            "max_age_days": 3650,
            "feeds": [{"id": "big", "url": "https://big.example/", "theme": "bench"}],
            "keywords": ["Maison Exemple"],
        }
    )
    entries: list = []

    def parse_and_clean() -> None:
        parsed = parse_feed(data, url="https://big.example/feed")
        entries[:] = clean_entries(
            parsed, feed_id="big", base_url="https://big.example/feed", now=NOW, tz=TZ
        )
        assert len(entries) == 1000

    rows.append(
        (
            f"parse and clean a {len(data) / 1e6:.1f} MB, 1,000-entry feed",
            median_seconds(parse_and_clean),
            "< 2 s",
        )
    )

    outcome = FetchOutcome(
        "big", "https://big.example/", Status.OK, tuple(entries), http_status=200
    )
    state, _ = apply_report(CacheState(), FetchReport(NOW, (outcome,)), config, now=NOW)

    def render() -> None:
        snapshot = build_snapshot(state, config, now=NOW)
        out = pages(
            snapshot,
            config,
            lang="fr",
            now=NOW,
            repo_url="https://github.com/example/editorial",
            site_url="https://portal.example.org/",
        )
        assert out["watch/bench.md"].count("<article") == 1000

    rows.append(
        ("snapshot and pages with 1,000 entries on one theme page", median_seconds(render), "—")
    )

    print(f"Medians of {RUNS} runs, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs.\n")
    print("| benchmark | wall time | CPU time | target |")
    print("| --- | ---: | ---: | --- |")
    for name, (wall, cpu), target in rows:
        print(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {target} |")


if __name__ == "__main__":
    main()
