"""What the `relais` commands share: the --root and --now options, the exit codes, and
loading and checking the repository before a command works on it.

It sits below cli.py so that the feature packages' commands (kits/cli.py, watch/cli.py,
registered through features.py) use the same options without importing cli.py.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .diagnostics import FORMATTERS, Diagnostic, has_errors, sort_key

if TYPE_CHECKING:
    from .model import Project

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2

ROOT = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The content repository (the folder holding site_config.yml).",
)
NOW = click.option(
    "--now",
    "now_option",
    metavar="T",
    help="Fix 'today', e.g. 2026-12-01T08:00 (or set SOURCE_DATE_EPOCH).",
)


def load_and_check(
    root: Path, now_option: str | None, memos: bool = False
) -> tuple[Project | None, list[Diagnostic], datetime]:
    """Load and check `root`: the project (None when it could not load), every diagnostic, and
    the command's now (in the site's time zone, UTC when there is no site). With `memos`, what
    the checks find in each text is read from and kept in the build cache (`relais check`):
    the cache is active from the first file read, so the `yaml` memo serves the loading too."""
    from .check import check  # loaded on use: `relais --help` stays fast
    from .clock import parse_now
    from .load import load

    def run() -> tuple[Project | None, list[Diagnostic], datetime]:
        loaded = load(root)
        project = loaded.project
        now = parse_now(now_option, project.config.site.timezone if project else "UTC")
        diags = list(loaded.diagnostics)
        if project is not None:
            diags += check(project, now)
        return project, diags, now

    if not memos:
        return run()
    from . import cache, memo

    store = cache.open_cache(root, briefs=False)  # memos only: store.save() never called
    with cache.using(store):
        found = run()
        memo.save_all(store, done=True)
    return found


def checked_project(
    root: Path, now_option: str | None, refusal: str | None = None
) -> tuple[Project, datetime]:
    """The loaded project and now for a command that needs a clean repository; on any content
    error, every diagnostic (and `refusal`, saying what was not done) on stderr and exit 1."""
    project, diags, now = load_and_check(root, now_option)
    if project is None or has_errors(diags):
        click.echo(FORMATTERS["text"](sorted(diags, key=sort_key)), err=True)
        if refusal:
            click.echo(refusal, err=True)
        sys.exit(EXIT_ERRORS)
    return project, now
