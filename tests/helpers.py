"""What several test modules need: a built site's digest, CPU-time bounds."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def site_digest(site: Path) -> dict[str, str]:
    """Every file of a built site (its path, relative and with /) with the SHA-256 of its bytes:
    two sites are the same, byte for byte, when their digests are equal."""
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def differing(a: dict[str, str], b: dict[str, str]) -> list[str]:
    """The paths whose bytes differ, or that only one of two digests has."""
    return sorted(p for p in a.keys() | b.keys() if a.get(p) != b.get(p))


def cpu_seconds(fn: Callable[[], T]) -> tuple[T, float]:
    """The value of `fn()` and the CPU time it took in this process (every thread of it).

    A bound on CPU time, not on the wall clock, for work done here: other processes on a
    busy machine (a shared CI runner, other builds) slow the clock down, not the work.
    """
    started = time.process_time()
    value = fn()
    return value, time.process_time() - started
