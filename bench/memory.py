"""The memory of a build as the system counts it: the processes' proportional set size (PSS).

`bench/run.py` adds up the peak resident size of a build's processes (ru_maxrss), which
counts up to five times the pages that the forked workers share with the main process. This
script runs one command and samples, every `--every` seconds, the PSS of the command and of
all its descendants (`/proc/<pid>/smaps_rollup`: each shared page divided among the processes
that share it), and prints the largest total seen, with the sum of peaks for comparison.

    python bench/memory.py --cwd REPO -- python -m generator build --now 2026-12-01T08:00
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path


def children(pid: int) -> list[int]:
    """`pid` and all its descendants, as /proc lists them now."""
    found = [pid]
    for p in found:
        try:
            tasks = Path(f"/proc/{p}/task").iterdir()
            for task in tasks:
                text = (task / "children").read_text()
                found.extend(int(c) for c in text.split())
        except OSError:
            continue
    return found


def pss_kb(pid: int) -> int:
    """The proportional set size of one process, in kB (0 when it has ended)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cwd", type=Path, default=Path.cwd())
    parser.add_argument("--every", type=float, default=0.1, help="seconds between samples")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=args.cwd, stdout=subprocess.DEVNULL)
    peak, peak_at, samples = 0, 0.0, 0
    while proc.poll() is None:
        total = sum(pss_kb(p) for p in children(proc.pid))
        samples += 1
        if total > peak:
            peak, peak_at = total, time.perf_counter() - started
        time.sleep(args.every)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"exit {proc.returncode}; {wall:.1f} s; peak PSS of all processes together "
        f"{peak / 1024:.0f} MB at {peak_at:.1f} s ({samples} samples); largest single "
        f"process peak (ru_maxrss) {usage.ru_maxrss / 1024:.0f} MB"
    )
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
