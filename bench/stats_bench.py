"""Statistics benchmark (not a test): 100,000 export rows read and matched, medians of 5 runs.

    .venv/bin/python bench/stats_bench.py

A content repository of 2,000 planned posts (LinkedIn, X, Facebook) and, in stats/, exports
in the networks' real formats holding 100,000 rows in all: a LinkedIn .xls (20,000 rows),
an X per-tweet CSV (40,000, UTC offsets) and a Meta Business Suite CSV (40,000: BOM, quoted
multi-line captions, times without a zone). Each post comes back in several rows with its own
id, as in the cumulative exports of successive periods. A row in four matches its post by address, the
others by network and time, some by message; a few match nothing. Times are of
read_exports() (decode, detect, parse every cell) and match(), in this process, side by side
in one run; the machine is shared, so the ratio between the two matters more than the clock.
"""

from __future__ import annotations

import csv
import io
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.load import load
from generator.stats.config import StatsConfig
from generator.stats.match import match
from generator.stats.read import read_exports

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2024, 1, 1, 9, 0, tzinfo=PARIS)
POSTS = 2000
ROWS = {"linkedin": 20_000, "x": 40_000, "facebook": 40_000}

CONFIG = """\
site: {name: Bench, url: https://portal.example.org/, language: fr, timezone: Europe/Paris}
networks: {linkedin: {}, x: {}, facebook: {}}
"""


def _when(i: int) -> datetime:
    return START + timedelta(hours=9 * i)


def write_repo(root: Path) -> None:
    (root / "site_config.yml").write_text(CONFIG)
    posts = root / "content" / "posts"
    posts.mkdir(parents=True)
    for i in range(POSTS):
        when = _when(i)
        published = (
            f"published:\n  linkedin: https://www.linkedin.com/feed/update/urn:li:activity:{7_000_000 + i}\n"
            if i % 4 == 0
            else ""
        )
        posts.joinpath(f"post-{i}.md").write_text(
            f"---\ntitle: Post {i}\ndate: {when:%Y-%m-%dT%H:%M}\nnetworks: [linkedin, x, facebook]\n"
            f"status: published\nmessages:\n  x: 'Message {i} sur le pain, la farine et le levain numéro {i}'\n"
            f"{published}---\n"
        )
    stats = root / "stats"
    stats.mkdir()
    rng = random.Random(7)

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("All posts")
    sheet.write(0, 0, "Post analytics for the selected period.")
    header = ["Post title", "Post link", "Post type", "Posted by", "Created date", "Impressions", "Clicks", "Click through rate (CTR)", "Likes", "Comments", "Reposts", "Engagement rate"]  # fmt: skip
    for c, name in enumerate(header):
        sheet.write(1, c, name)
    for r in range(ROWS["linkedin"]):
        i = r % POSTS
        row = [f"Post {i}", f"https://www.linkedin.com/feed/update/urn:li:activity:{7_000_000 + i}", "Organic", "", _when(i).strftime("%m/%d/%Y"), rng.randint(100, 9000), rng.randint(0, 300), 0.03, rng.randint(0, 200), rng.randint(0, 30), rng.randint(0, 20), 0.05]  # fmt: skip
        for c, value in enumerate(row):
            sheet.write(r + 2, c, value)
    book.save(str(stats / "linkedin.xls"))

    buf = io.StringIO(newline="")
    w = csv.writer(buf, quoting=csv.QUOTE_ALL)
    w.writerow(["Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements", "engagement rate", "retweets", "replies", "likes", "url clicks"])  # fmt: skip
    for r in range(ROWS["x"]):
        i = r % POSTS
        when = _when(i).astimezone(ZoneInfo("UTC")) + timedelta(minutes=rng.randint(0, 20))
        w.writerow([str(10**17 + i), f"https://twitter.com/bench/status/{10**17 + i}", f"Message {i} sur le pain, la farine et le levain numéro {i}", when.strftime("%Y-%m-%d %H:%M +0000"), rng.randint(100, 9000), rng.randint(0, 300), "0.03", rng.randint(0, 20), rng.randint(0, 20), rng.randint(0, 200), rng.randint(0, 50)])  # fmt: skip
    (stats / "x.csv").write_text(buf.getvalue(), encoding="utf-8")

    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(["Post ID", "Page ID", "Page name", "Title", "Description", "Publish time", "Permalink", "Post type", "Date", "Date", "Views", "Reach", "Reactions, Comments and Shares", "Reactions", "Comments", "Shares", "Total clicks", "Link Clicks"])  # fmt: skip
    for r in range(ROWS["facebook"]):
        i = r % POSTS
        when = _when(i) + timedelta(minutes=rng.randint(0, 20))
        w.writerow([str(i), "1", "Bench", "", f"Message {i}\n\nsur deux lignes, avec « guillemets »", when.strftime("%m/%d/%Y %H:%M"), f"https://www.facebook.com/bench/posts/pfbid{i}", "Photos", "Lifetime", "", rng.randint(100, 9000), rng.randint(100, 5000), rng.randint(0, 300), rng.randint(0, 200), rng.randint(0, 30), rng.randint(0, 20), rng.randint(0, 80), rng.randint(0, 50)])  # fmt: skip
    (stats / "facebook.csv").write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_repo(root)
        project = load(root).project
        assert project is not None
        config = StatsConfig()
        reads, matches, totals = [], [], []
        for _ in range(5):
            t0 = time.process_time()
            readout = read_exports(root, config, "Europe/Paris")
            t1 = time.process_time()
            found = match(project.posts, readout.numbers, zone=PARIS)
            t2 = time.process_time()
            reads.append(t1 - t0)
            matches.append(t2 - t1)
            totals.append(t2 - t0)
        rows = len(readout.numbers)
        matched = sum(1 for _ in found.how)
        print(
            f"rows read: {rows:,}; post-network pairs matched: {matched:,}; unmatched rows: {len(found.unmatched):,}"
        )
        print("CPU time of this process (the machine is shared: wall time varies with the load)")
        print("| step | median (s) | min (s) |")
        print("| --- | ---: | ---: |")
        for name, values in (
            ("read 100,000 rows", reads),
            ("match", matches),
            ("read + match", totals),
        ):
            print(f"| {name} | {statistics.median(values):.2f} | {min(values):.2f} |")


if __name__ == "__main__":
    main()
