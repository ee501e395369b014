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
from .diagnostics import Diagnostic, Severity, has_errors
from .load import load, post_files
from .model import Project
from .plan import Apart, Briefs, Planner, plan, plan_apart
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
    worker_peak_kb: int = 0  # the second process's peak memory (jobs.py), 0 without one


def _now(project: Project | None, now_option: str | None) -> datetime:
    from .cli import parse_now

    return parse_now(now_option, project.config.site.timezone if project else "UTC")


def load_snapshot(project: Project, now: datetime) -> Any:
    """The cached watch entries (the build never touches the network)."""
    from .watch.cache import load_snapshot as load_watch

    return load_watch(Path(project.root), project.config.watch, now=now)


def build(root: Path, *, now_option: str | None = None, out: Path | None = None, strict: bool = False,
          fetch: bool = False) -> BuildResult:
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


def _check_and_plan_apart(project: Project, now: datetime, snapshot: Any) -> tuple[list[Diagnostic], Apart]:
    """What the second process does during a build: every check, then the sections that the
    posts' pages do not need (see plan.plan_apart)."""
    diagnostics = check(project, now)
    return diagnostics, plan_apart(Planner(project, now), snapshot)


def _build(root: Path, now_option: str | None, out: Path, strict: bool, fetch: bool, started: float) -> BuildResult:
    timings = Timings()
    converting, early = None, None
    if not fetch and jobs.available():
        # Two briefs in three are converted in a second process while this one loads
        # (the planner checks that each is the brief of the post it loaded).
        shared = [p for i, p in enumerate(post_files(root)) if i % 3]  # two posts in three
        converting = jobs.beside(convert_files, root, shared)
        early = Briefs(frozenset(p.stem for p in shared), converting.result)
    with timings.stage("load"):
        loaded = load(root)
    project = loaded.project
    diags = list(loaded.diagnostics)
    now = _now(project, now_option)
    site = None
    if project is not None and not has_errors(diags) and not fetch and jobs.available():
        # Checking and planning do not depend on each other: check (and plan the calendar and
        # watch sections) in a second process while this one plans the rest. The plan
        # is thrown away if the checks find errors; until then nothing is written.
        snapshot = load_snapshot(project, now)
        side = jobs.beside(_check_and_plan_apart, project, now, snapshot)
        try:
            with timings.stage("plan"):
                site = plan(project, now, snapshot, apart=lambda: side.result()[1], briefs=early)
        except Exception:
            # A plan may stumble on content that the checks reject: then the checks say why.
            if not has_errors(side.result()[0]):
                raise
        diags += side.result()[0]
        timings.stages["check-beside"] = side.seconds
        timings.peak_kb = side.peak_kb
    if converting is not None:
        converting.cancel()  # over long ago after a plan; stopped if the build stops before one
        timings.stages["briefs-beside"] = converting.seconds
        timings.peak_kb += converting.peak_kb
    if project is not None and site is None and "check-beside" not in timings.stages:
        with timings.stage("check"):
            diags += check(project, now)
    failing = has_errors(diags) or (strict and any(d.severity is Severity.WARNING for d in diags))
    if project is None or failing:
        reason = "content errors" if has_errors(diags) else "warnings (--strict)"
        return BuildResult(False, out, diags, failure=f"not built because of {reason}; {out} is unchanged",
                           seconds=time.perf_counter() - started, timings=timings.stages)
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
        planned = site

        def late(folder: Path) -> jobs.Pending[list[str]]:
            return jobs.beside(write_later, project, now, planned.later, folder)
    else:
        with timings.stage("plan"):
            site = site.with_later(project, now)
    try:
        warnings = publish(site, root, out, strict=strict, timings=timings, source_date_epoch=int(now.timestamp()),
                           late=late)
    except PublishError as exc:
        return BuildResult(False, out, diags, failure=str(exc), seconds=time.perf_counter() - started,
                           timings=timings.stages)
    return BuildResult(True, out, diags, warnings, pages=len(site.pages), seconds=time.perf_counter() - started,
                       timings=timings.stages, worker_peak_kb=timings.peak_kb)
