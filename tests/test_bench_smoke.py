"""A small run of the performance benchmark, so that it cannot rot: every table, sane numbers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

HEADERS = [
    (
        "| posts | `relais check` | `relais build` | blog plugin build | blog ÷ relais | Relais' own stages | "
        "own stages per 1,000 posts |"
    ),
    (
        "| posts | peak memory check / build / blog | HTML pages relais / blog | output relais / blog | "
        "relais bytes per post (without theme assets) |"
    ),
    (
        "| posts | load | plan | write | mkdocs | later | swap | wall (with start-up) | check-beside | "
        "briefs-beside | apart-beside | later-beside | CPU |"
    ),
    "| other | result |",
]


@pytest.mark.slow
def test_a_small_benchmark_prints_every_table(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "50",
            "--ambassadors",
            "10",
            "--feeds",
            "2x10",
            "--repeat",
            "1",
            "--serve-posts",
            "50",
            "--serve-edits",
            "1",
            "--work",
            str(tmp_path / "work"),
            "--json",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=360,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert (
        out.startswith("Machine: ")
        and " CPUs (" in out
        and "RAM" in out
        and "mkdocs-material " in out
    )
    for header in HEADERS:
        assert header in out
    # The row of the 50 posts: check, build and blog times, ratio, own stages.
    row = re.search(
        r"^\| 50 \| ([\d.]+) s \| ([\d.]+) s \| ([\d.]+) s \| ([\d.]+)× \| ([\d.]+) s \| ([\d.]+) s \|$",
        out,
        re.MULTILINE,
    )
    assert row, out
    check, build, blog, ratio, own, _ = map(float, row.groups())
    assert 0 < check < build and blog > 0 and 0 < own < build
    assert ratio == pytest.approx(blog / build, abs=0.06)
    assert re.search(r"^\| 50 \| (\d+) / (\d+) / (\d+) MB \| (\d+) / (\d+) \|", out, re.MULTILINE)
    assert "| demo build (" in out and "edited title shown" in out
    # The warm build (the cache of the cold one, one post edited) and serve with its cache.
    warm = re.search(
        r"^\| 50 \| [\d.]+ s \| [\d.]+ s \| [\d.]+ \| .* \| (\d+) of (\d+) \|$", out, re.MULTILINE
    )
    assert warm and 0 < int(warm[1]) <= int(warm[2]), out
    assert "first page served, no build cache" in out
    assert "Targets:" in out and ("**met**" in out or "**not met**" in out)

    data = json.loads(results.read_text(encoding="utf-8"))
    runs = data["runs"]["50"]
    build_run, blog_run = runs["build"][0], runs["blog"][0]
    assert set(build_run["stages"]) >= {
        "load",
        "check-beside",
        "briefs-beside",
        "plan",
        "write",
        "mkdocs",
        "later",
        "later-beside",
    }
    in_line = {k: v for k, v in build_run["stages"].items() if not k.endswith("-beside")}
    assert sum(in_line.values()) < build_run["wall"]
    # The checks ran beside MkDocs, after the plan, and the swap waited for them: within the
    # build's wall time once loaded and planned.
    stages = build_run["stages"]
    assert stages["check-beside"] < build_run["wall"] - stages["load"] - stages["plan"]
    assert build_run["cpu"] > 0 and build_run["beside_mb"] > 20
    assert build_run["pages"] > 50 and blog_run["pages"] > 50  # a page per post and more
    assert build_run["bytes"] > build_run["content_bytes"] > 50 * 1000
    assert 20 < build_run["rss_mb"] < 1024 and 20 < blog_run["rss_mb"] < 1024
    assert data["feeds"] == "2 feeds × 10 entries"
    assert (
        tmp_path / "work" / "n50" / "relais" / ".relais" / "watch" / "feeds" / "veille-001.json"
    ).is_file()
    assert len(data["serve"]["edits"]) == 1 and 0 < data["serve"]["edits"][0] < 30
    # CPU, not wall time: the demo takes ~3 s of CPU; a loaded machine stretches the wall clock
    # (67 s was seen at a load average of 20), never the work.
    assert data["demo"][0]["wall"] > 0 and 0 < data["demo"][0]["cpu"] < 60


def test_the_memory_tool_counts_a_forked_child_once() -> None:
    """bench/memory.py adds up the PSS of a command and its processes: a parent that holds
    80 MB and forks a child that only reads them counts about 80 MB, not 160 (ru_maxrss
    counts them in each)."""
    program = (
        "import os, time\n"
        "data = bytearray(80 * 1024 * 1024)\n"
        "for i in range(0, len(data), 4096): data[i] = 1\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    total = sum(data[i] for i in range(0, len(data), 4096)); time.sleep(1.5); os._exit(0)\n"
        "time.sleep(1.5); os.waitpid(pid, 0)\n"
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "memory.py"), "--", sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = re.search(r"peak PSS of all processes together (\d+) MB", done.stdout)
    assert found, done.stdout
    assert 75 <= int(found.group(1)) <= 120, done.stdout
