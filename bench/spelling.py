"""The cost of the spelling and typography checks: `relais check` with them and without, side by side.

On the benchmark's content repository (bench/generate.py) of N posts, it times `relais
check` in a fresh process (imports included), alternating a run with the checks on (the
default) and a run with them off (the same repository with `rules.severity` ignoring their
codes, which skips their work), and reports the medians and the difference. It also counts
the words looked up. Progress goes to stderr, a Markdown table to stdout.

    python bench/spelling.py [--posts 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(PROJECT))

from bench.generate import NOW_OPTION, Sizes, generate
from generator.spelling.checks import CODES


def timed(root: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--now", NOW_OPTION],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bench: relais check failed in {root}:\n{done.stdout[-2000:]}")
    return wall


def words_looked_up(root: Path) -> tuple[int, int]:
    """(words read, distinct words looked up in the dictionaries) of one check."""
    from generator.load import load
    from generator.spelling.checks import text_words
    from generator.spelling.texts import published_texts

    project = load(root).project
    assert project is not None
    seen: set[str] = set()
    total = 0
    for text in published_texts(project):
        for word in text_words(text):
            total += 1
            seen.add(word.text)
    return total, len(seen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="relais-spelling-bench-"))
    try:
        on_root, _, _ = generate(work / "on", Sizes(posts=args.posts))
        off_root = work / "off"
        shutil.copytree(on_root, off_root)
        config = yaml.safe_load((off_root / "site_config.yml").read_text(encoding="utf-8"))
        config.setdefault("rules", {})["severity"] = dict.fromkeys(sorted(CODES), "ignore")
        (off_root / "site_config.yml").write_text(
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        timed(on_root)  # warm the file system cache for both
        timed(off_root)
        on, off = [], []
        for i in range(args.repeat):
            print(f"run {i + 1}/{args.repeat}", file=sys.stderr, flush=True)
            on.append(timed(on_root))
            off.append(timed(off_root))
        total, distinct = words_looked_up(on_root)
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        m_on, m_off = statistics.median(on), statistics.median(off)
        print(f"`relais check` at {args.posts:,} posts, median of {args.repeat} alternating runs")
        print(f"(load average after the runs: {load}):\n")
        print("| spelling and typography | wall time | words read | distinct words |")
        print("|---|---:|---:|---:|")
        print(f"| on (default) | {m_on:.2f} s | {total:,} | {distinct:,} |")
        print(f"| off (`rules.severity` ignores their codes) | {m_off:.2f} s | | |")
        print(f"| cost of the checks | {m_on - m_off:+.2f} s ({m_on / m_off:.2f}×) | | |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
