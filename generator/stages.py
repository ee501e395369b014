"""The stages of `relais build`: each a function of the values made before it (build.py).

Each stage takes the values it names in build.PIPELINE and gives one value; those marked
beside there run in a second process (jobs.py), so what they take and give crosses a fork
and a pickle. A stage stops the build by raising Refused, with the diagnostics that say why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .brief import Converted, convert_files
from .check import check
from .clock import parse_now
from .diagnostics import Diagnostic, Severity, has_errors
from .jobs import Timings
from .load import load, post_files
from .model import Project
from .plan import Apart, Briefs, plan, plan_apart
from .planner import Planner
from .publish import PublishError, publish
from .site import Site, make_later


class Refused(Exception):
    """The build stops before the swap: for the errors among `diagnostics` (or their warnings,
    with --strict: see reason()), or else for `failure` (MkDocs or the swap failed)."""

    def __init__(self, diagnostics: list[Diagnostic], failure: str = "") -> None:
        super().__init__(failure)
        self.diagnostics = diagnostics
        self.failure = failure


def reason(diagnostics: list[Diagnostic], strict: bool) -> str:
    """What among `diagnostics` stops a build ("content errors", "warnings (--strict)"), or ''."""
    if has_errors(diagnostics):
        return "content errors"
    if strict and any(d.severity is Severity.WARNING for d in diagnostics):
        return "warnings (--strict)"
    return ""


@dataclass(frozen=True)
class Loaded:
    """The project (checked or not) and the moment of the build."""

    project: Project
    now: datetime
    diagnostics: list[Diagnostic]


@dataclass(frozen=True)
class Split:
    """Which briefs are converted beside: those of `early` while loading, `late` with `apart`."""

    early: list[Path]
    late: frozenset[str]


@dataclass(frozen=True)
class Published:
    warnings: list[str]
    diagnostics: list[Diagnostic]


def split_briefs(root: Path) -> Split:
    """Two briefs in three are converted while this process loads, the third while it plans."""
    files = post_files(root)
    early = [path for i, path in enumerate(files) if i % 3]
    return Split(early, frozenset(path.stem for i, path in enumerate(files) if not i % 3))


def convert_briefs(root: Path, split: Split) -> dict[str, Converted]:
    """The early briefs, converted from their files (the planner checks that each is the brief
    of the post it loaded)."""
    return convert_files(root, split.early)


def load_content(root: Path, now_option: str | None) -> Loaded:
    """Load the repository; content that did not load cleanly is checked here and refused."""
    loaded = load(root)
    project = loaded.project
    now = parse_now(now_option, project.config.site.timezone if project else "UTC")
    diagnostics = list(loaded.diagnostics)
    if project is None or has_errors(diagnostics):
        diagnostics += check(project, now) if project is not None else []
        raise Refused(diagnostics, "the content could not be loaded")
    return Loaded(project, now, diagnostics)


def fetch_feeds(root: Path, loaded: Loaded) -> Any:
    """`--fetch`: refresh the watch cache from the network, as `relais watch fetch` does."""
    from .watch.fetch_command import fetch_for_build

    return fetch_for_build(root, loaded.project.config, loaded.now)


def watch_snapshot(loaded: Loaded) -> Any:
    """The cached watch entries (the build itself never touches the network)."""
    from .watch.cache import load_snapshot

    return load_snapshot(Path(loaded.project.root), loaded.project.config.watch, now=loaded.now)


def plan_sections(loaded: Loaded, snapshot: Any, split: Split) -> Apart:
    """The sections planned apart from the posts' pages (features.py), and the late briefs."""
    return plan_apart(Planner(loaded.project, loaded.now), snapshot, split.late)


def plan_site(
    loaded: Loaded,
    snapshot: Any,
    split: Split | None,
    briefs: Callable[[], dict[str, Converted]] | None,
    apart: Callable[[], Apart] | None,
) -> Site:
    """The portal's pages, with what was planned and converted beside, waited for when needed."""
    shares = []
    if split is not None and briefs is not None and apart is not None:
        early = frozenset(path.stem for path in split.early)
        shares = [Briefs(early, briefs), Briefs(split.late, lambda: apart().briefs)]
    try:
        return plan(loaded.project, loaded.now, snapshot, apart=apart, briefs=shares)
    except Exception:
        # A plan may stumble on content that the checks reject: then the checks say why.
        found = loaded.diagnostics + check(loaded.project, loaded.now)
        if not has_errors(found):
            raise
        raise Refused(found) from None


def check_content(loaded: Loaded) -> list[Diagnostic]:
    """Every check of check.py and of the features (it only gates the swap: see publish_site)."""
    return check(loaded.project, loaded.now)


def make_later_files(loaded: Loaded, site: Site) -> dict[str, bytes]:
    """The site's Later files (the .ics feeds), made while MkDocs builds the pages."""
    return make_later(loaded.project, loaded.now, site.later)


def publish_site(
    root: Path,
    out: Path,
    strict: bool,
    timings: Timings,
    loaded: Loaded,
    site: Site,
    checked: Callable[[], list[Diagnostic]],
    later: Callable[[], dict[str, bytes]],
) -> Published:
    """MkDocs builds the site into a new folder; the checks' answer decides the swap."""
    found: list[Diagnostic] = []

    def gate() -> str:
        found[:] = loaded.diagnostics + checked()
        return reason(found, strict)

    try:
        warnings = publish(
            site,
            root,
            out,
            strict=strict,
            timings=timings,
            source_date_epoch=int(loaded.now.timestamp()),
            later=later,
            gate=gate,
        )
    except PublishError as exc:
        found = found or loaded.diagnostics + checked()  # MkDocs failed first: errors explain more
        raise Refused(found, str(exc)) from None
    return Published(warnings, found)
