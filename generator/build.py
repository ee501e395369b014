"""The whole build: load, check, plan, write, mkdocs, swap; with the time of each stage."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import jobs
from .brief import convert_files
from .check import check
from .clock import parse_now
from .diagnostics import Diagnostic, Severity, has_errors
from .load import load, post_files
from .model import Project
from .plan import Apart, Briefs, plan, plan_apart
from .planner import Planner
from .publish import BuildLocked, PublishError, Timings, build_lock, publish, staging_on_disk
from .site import write_later


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
    worker_peak_kb: int = (
        0  # the peaks of the processes working beside (jobs.py) added up, 0 without any
    )


def _now(project: Project | None, now_option: str | None) -> datetime:
    return parse_now(now_option, project.config.site.timezone if project else "UTC")


def load_snapshot(project: Project, now: datetime) -> Any:
    """The cached watch entries (the build never touches the network)."""
    from .watch.cache import load_snapshot as load_watch

    return load_watch(Path(project.root), project.config.watch, now=now)


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
    if not (root / "site_config.yml").is_file():  # not a content repository: no lock folder in it
        return _build(root, now_option, out, strict, fetch, started)
    try:
        # The whole build holds the lock (not only the MkDocs step): two builds started together
        # collide at once, and the second is told so instead of waiting to race on staging/.
        with build_lock(root):
            return _build(root, now_option, out, strict, fetch, started)
    except BuildLocked as exc:
        return BuildResult(False, out, failure=str(exc), seconds=time.perf_counter() - started)


def _plan_apart(
    project: Project, now: datetime, snapshot: Any, brief_slugs: frozenset[str]
) -> Apart:
    """What a second process plans during a build: some briefs, the sections the posts' pages
    do not need."""
    return plan_apart(Planner(project, now), snapshot, brief_slugs)


def _refusal(diags: list[Diagnostic], strict: bool, out: Path) -> str:
    """Why the portal is not published, or '' when it is."""
    if has_errors(diags) or (strict and any(d.severity is Severity.WARNING for d in diags)):
        reason = "content errors" if has_errors(diags) else "warnings (--strict)"
        return f"not built because of {reason}; {out} is unchanged"
    return ""


def _build(
    root: Path, now_option: str | None, out: Path, strict: bool, fetch: bool, started: float
) -> BuildResult:
    """Load, plan, build and publish, with the checks run beside (jobs.py) where possible.

    On two cores or more: two briefs in three are converted while this process loads; the
    calendar and watch sections are planned while it plans the rest; the checks run, and the
    .ics files are written, while MkDocs builds the pages. Nothing is published before the
    checks have passed: their errors stop the build before the swap, as they would before
    the plan in one process (RELAIS_JOBS=1), and the output is byte for byte the same.
    """
    timings = Timings()
    parallel = not fetch and jobs.available()
    converting, early, third = None, None, frozenset[str]()
    if parallel:
        # Two briefs in three are converted while this process loads (the planner checks that
        # each is the brief of the post it loaded), the third while it plans.
        files = post_files(root)
        shared = [p for i, p in enumerate(files) if i % 3]
        third = frozenset(p.stem for i, p in enumerate(files) if not i % 3)
        converting = jobs.beside(convert_files, root, shared)
        early = Briefs(frozenset(p.stem for p in shared), converting.result)
    with timings.stage("load"):
        loaded = load(root)
    project = loaded.project
    diags = list(loaded.diagnostics)
    now = _now(project, now_option)
    site = None
    checking = None
    checked_here = False
    if project is not None and not has_errors(diags) and parallel:
        snapshot = load_snapshot(project, now)
        side = jobs.beside(_plan_apart, project, now, snapshot, third)
        shares = [early, Briefs(third, lambda: side.result().briefs)] if early is not None else []
        try:
            with timings.stage("plan"):
                site = plan(project, now, snapshot, apart=side.result, briefs=shares)
        except Exception:
            # A plan may stumble on content that the checks reject: then the checks say why.
            side.cancel()
            found = check(project, now)
            if not has_errors(found):
                raise
            diags += found
            checked_here = True
        timings.peak_kb = side.peak_kb
        if site is not None:
            checking = jobs.beside(check, project, now)  # while MkDocs builds, see gate() below
    if converting is not None:
        converting.cancel()  # over long ago after a plan; stopped if the build stops before one
        timings.stages["briefs-beside"] = converting.seconds
        timings.peak_kb += converting.peak_kb
    if project is not None and site is None and not checked_here:
        with timings.stage("check"):  # in line: one process, or content that did not load cleanly
            diags += check(project, now)
    refusal = "" if checking is not None else _refusal(diags, strict, out)  # else decided in gate()
    if project is None or refusal:
        return BuildResult(
            False,
            out,
            diags,
            failure=refusal,
            seconds=time.perf_counter() - started,
            timings=timings.stages,
        )
    if site is None:
        if fetch:
            from .watch.fetch_command import fetch_for_build

            with timings.stage("fetch"):
                fetch_for_build(root, project.config, now)
        with timings.stage("plan"):
            site = plan(project, now, load_snapshot(project, now))
    late = None
    if site.later and jobs.available() and not staging_on_disk():
        # The .ics files are written by another process while MkDocs builds the pages.
        def late(folder: Path) -> jobs.Pending[list[str]]:
            return jobs.beside(write_later, project, now, site.later, folder)
    else:
        with timings.stage("plan"):
            site = site.with_later(project, now)
    checked: list[Diagnostic] = []

    def gate() -> str:
        """The checks' answer, once MkDocs is done: a refusal stops the swap."""
        if checking is None:
            return ""
        checked.extend(checking.result())
        timings.stages["check-beside"] = checking.seconds
        timings.peak_kb += checking.peak_kb
        return _refusal(diags + checked, strict, out)

    try:
        warnings = publish(
            site,
            root,
            out,
            strict=strict,
            timings=timings,
            source_date_epoch=int(now.timestamp()),
            late=late,
            gate=gate,
        )
    except PublishError as exc:
        if checking is not None and not checked:
            checked.extend(checking.result())  # MkDocs failed first: content errors explain more
        refusal = _refusal(diags + checked, strict, out)
        return BuildResult(
            False,
            out,
            diags + checked,
            failure=refusal or str(exc),
            seconds=time.perf_counter() - started,
            timings=timings.stages,
        )
    return BuildResult(
        True,
        out,
        diags + checked,
        warnings,
        pages=len(site.pages),
        seconds=time.perf_counter() - started,
        timings=timings.stages,
        worker_peak_kb=timings.peak_kb,
    )
