"""The whole build as a pipeline: its stages, their inputs and what runs beside what, in one table.

Read PIPELINE top to bottom: it is the order of a build (each stage is a function of
stages.py). On two cores or more, jobs.run() starts the stages marked beside in a second
process at their row: two briefs in three are converted while this process loads, the
sections that add nothing to the posts' pages (calendar, kits, watch, moderation,
statistics: features.py) and the last third of the briefs are planned while it plans the
posts' pages, the checks run and the .ics files are made while MkDocs builds. Nothing
is published before the checks have passed: their errors stop the build before the swap.
In one process (RELAIS_JOBS=1, one core) the same table runs in the same order, the spare
stages left to the stages that use them, and the portal is byte for byte the same
(tests/test_jobs.py).
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, jobs, memo
from .diagnostics import Diagnostic
from .jobs import Stage
from .publish import PublishError, build_lock, check_output
from .stages import (
    Published,
    Refused,
    check_content,
    convert_briefs,
    fetch_feeds,
    load_content,
    make_later_files,
    plan_sections,
    plan_site,
    publish_site,
    reason,
    split_briefs,
    watch_snapshot,
)

# fmt: off
PIPELINE: tuple[Stage, ...] = (
    #     name        runs              needs: given to build(), or made above
    Stage("split",    split_briefs,     ("root",),                       spare=True),
    Stage("briefs",   convert_briefs,   ("root", "split"),               beside=True, spare=True),
    Stage("load",     load_content,     ("root", "now_option")),
    Stage("fetch",    fetch_feeds,      ("root", "load"),                only_if="fetch"),
    Stage("snapshot", watch_snapshot,   ("load",)),
    Stage("apart",    plan_sections,    ("load", "snapshot", "split"),   beside=True, spare=True),
    Stage("plan",     plan_site,        ("load", "snapshot", "split", "briefs", "apart")),
    Stage("check",    check_content,    ("load",),                       beside=True),
    Stage("later",    make_later_files, ("load", "plan"),                beside=True),
    Stage("publish",  publish_site,     ("root", "out", "strict", "timings",
                                         "load", "plan", "check", "later"), timed=False),
)
# fmt: on


@dataclass
class BuildResult:
    ok: bool
    out: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    mkdocs_warnings: list[str] = field(default_factory=list)
    failure: str = ""
    pages: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    worker_peak_kb: int = 0  # the peaks of the processes that worked beside, added up
    cached_pages: tuple[int, int] = (0, 0)  # pages placed from the build cache, pages looked up


def build(
    root: Path,
    *,
    now_option: str | None = None,
    out: Path | None = None,
    strict: bool = False,
    fetch: bool = False,
) -> BuildResult:
    """Check first and refuse to build on errors; then build the portal into `out` atomically."""
    started = time.perf_counter()
    root = Path(root)
    out = Path(out) if out is not None else root / "site"
    given = {"root": root, "out": out, "now_option": now_option, "strict": strict, "fetch": fetch}
    timings = jobs.Timings()
    # The whole build holds the lock (not only the MkDocs step): two builds started together
    # collide at once, and the second is told so instead of waiting to race on staging/. A
    # folder without site_config.yml gets no lock folder: loading it says what is wrong.
    store: cache.Cache | None = None
    try:
        # A linked or misplaced output folder is refused before any work (publish checks again).
        check_output(root, out)
        lock = build_lock(root) if (root / "site_config.yml").is_file() else nullcontext()
        with lock:
            if not isinstance(lock, nullcontext):
                with timings.stage("cache"):
                    store = cache.open_cache(root)
            try:
                with cache.using(store):
                    done = jobs.run(PIPELINE, given, timings)
            finally:
                if store is not None:
                    # What was converted or rendered is kept, even when the build is refused.
                    with timings.stage("cache"):
                        store.save()
                        memo.save_all(store, done=True)
    except (Refused, PublishError) as stop:  # content errors; locked; a link where Relais writes
        found = stop.diagnostics if isinstance(stop, Refused) else []
        why = reason(found, strict)
        return BuildResult(
            False,
            out,
            found,
            failure=f"not built because of {why}; {out} is unchanged" if why else str(stop),
            seconds=time.perf_counter() - started,
            timings=timings.stages,
        )
    published: Published = done["publish"]
    return BuildResult(
        True,
        out,
        published.diagnostics,
        published.warnings,
        pages=len(done["plan"].pages),
        seconds=time.perf_counter() - started,
        timings=timings.stages,
        worker_peak_kb=timings.peak_kb,
        cached_pages=(store.hits["pages"], store.hits["pages"] + store.misses["pages"])
        if store is not None
        else (0, 0),
    )
