"""Statistics benchmark (not a test): 100,000 export rows read and matched, medians of 5 runs.

    .venv/bin/python bench/stats_bench.py
    .venv/bin/python bench/stats_bench.py --compare /path/to/other/checkout --rounds 3

A content repository of 2,000 planned posts (LinkedIn, X, Facebook) and, in stats/, exports
in the networks' real formats holding 100,000 rows in all: a LinkedIn .xls (20,000 rows),
an X per-tweet CSV (40,000, UTC offsets) and a Meta Business Suite CSV (40,000: BOM, quoted
multi-line captions, times without a zone). Each post comes back in several rows with its own
id, as in the cumulative exports of successive periods. A row in four matches its post by address, the
others by network and time, some by message; a few match nothing. Times are of
read_exports() (decode, detect, parse every cell) and match(), in this process, with the
garbage collector set as `relais` sets it: CPU time (resource.getrusage) and wall time.

--compare DIR alternates fresh processes of this checkout and of DIR (another checkout of
Relais, e.g. `git worktree add /tmp/old main`) on the same files, and prints both medians
and their ratio: the machine is shared, so the ratio side by side matters more than the clock.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

# --code DIR (a side of --compare) imports the generator of another checkout.
_CODE = sys.argv[sys.argv.index("--code") + 1] if "--code" in sys.argv else None
sys.path.insert(0, _CODE or str(Path(__file__).resolve().parents[1]))

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


def _cpu() -> float:
    # The children's too: a .xls is first read in a child process (tables._xls_probe).
    use = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime + kids.ru_utime + kids.ru_stime


def measure(root: Path, runs: int) -> dict[str, list[float]]:
    """Read and match the repository at root `runs` times: seconds of each step of each run."""
    try:
        from generator.cli import GC_THRESHOLDS
    except ImportError:  # a checkout from before GC_THRESHOLDS (--compare): what main() set
        GC_THRESHOLDS = (100_000, 20, 100)
    gc.set_threshold(*GC_THRESHOLDS)
    project = load(root).project
    assert project is not None
    config = StatsConfig()
    times: dict[str, list[float]] = {"read": [], "match": [], "cpu": [], "wall": []}
    for _ in range(runs):
        w0, t0 = time.perf_counter(), _cpu()
        readout = read_exports(root, config, "Europe/Paris")
        t1 = _cpu()
        found = match(project.posts, readout.numbers, zone=PARIS)
        t2, w2 = _cpu(), time.perf_counter()
        times["read"].append(t1 - t0)
        times["match"].append(t2 - t1)
        times["cpu"].append(t2 - t0)
        times["wall"].append(w2 - w0)
    print(
        f"rows read: {len(readout.numbers):,}; post-network pairs matched: {len(found.how):,}; "
        f"unmatched rows: {len(found.unmatched):,}",
        file=sys.stderr,
    )
    return times


def _load() -> str:
    return "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def compare(other: Path, rounds: int, runs: int) -> None:
    """Alternate fresh processes of this checkout and of `other` on the same files."""
    mine = Path(__file__).resolve()
    results: dict[str, list[dict[str, float]]] = {"other": [], "this": []}
    with tempfile.TemporaryDirectory() as folder:
        write_repo(Path(folder))
        print(f"load average before: {_load()}")
        for r in range(rounds):
            for name, code in (("other", other), ("this", mine.parents[1])):
                out = subprocess.run(
                    [
                        sys.executable,
                        str(mine),
                        "--repo",
                        folder,
                        "--code",
                        str(code),
                        "--runs",
                        str(runs),
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                medians = json.loads(out)
                results[name].append(medians)
                print(
                    f"round {r + 1} {name:5}: "
                    + ", ".join(f"{k} {v:.2f} s" for k, v in medians.items())
                    + f"  (load {_load()})"
                )
    print("| code | read (CPU) | match (CPU) | read + match (CPU) | read + match (wall) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in ("other", "this"):
        cells = [
            statistics.median(m[k] for m in results[name]) for k in ("read", "match", "cpu", "wall")
        ]
        print(f"| {name} | " + " | ".join(f"{c:.2f} s" for c in cells) + " |")
    ratio = statistics.median(
        t["cpu"] / o["cpu"] for t, o in zip(results["this"], results["other"], strict=True)
    )
    print(f"this / other (CPU, median of the rounds' ratios): {ratio:.2f}; load after: {_load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per process (median)")
    parser.add_argument("--compare", type=Path, help="another checkout of Relais to alternate with")
    parser.add_argument("--rounds", type=int, default=3, help="alternations with --compare")
    parser.add_argument("--repo", type=Path, help=argparse.SUPPRESS)  # written by --compare
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare:
        compare(args.compare.resolve(), args.rounds, args.runs)
        return
    if args.repo:  # one side of --compare: medians as JSON
        times = measure(args.repo, args.runs)
        print(json.dumps({k: statistics.median(v) for k, v in times.items()}))
        return
    with tempfile.TemporaryDirectory() as folder:
        write_repo(Path(folder))
        times = measure(Path(folder), args.runs)
    print(f"CPU time (resource.getrusage) and wall time of this process; load average {_load()}")
    print("| step | median (s) | min (s) |")
    print("| --- | ---: | ---: |")
    for name, key in (
        ("read 100,000 rows (CPU)", "read"),
        ("match (CPU)", "match"),
        ("read + match (CPU)", "cpu"),
        ("read + match (wall)", "wall"),
    ):
        print(f"| {name} | {statistics.median(times[key]):.2f} | {min(times[key]):.2f} |")


if __name__ == "__main__":
    main()
