"""`relais watch`: fetch the feeds into the cache, import and export OPML."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from ..diagnostics import Diagnostic, format_text, has_errors, sort_key
from .model import FeedRun, FetchOutcome, Status

EXIT_OK, EXIT_CONFIG = 0, 1
CONFIG_FILE = "site_config.yml"

root_option = click.option(
    "--root",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The content repository (where site_config.yml is).",
)


def _load_site_config(root: Path) -> tuple[Any, list[Diagnostic]]:
    from ..load import load_site_config  # lazily: the watch commands need site_config.yml only

    return load_site_config(root)


def load_config(root: Path) -> Any:
    """The SiteConfig, or exit 1 after printing the diagnostics when site_config.yml is broken."""
    from .config import check_watch, line_finder

    config, diags = _load_site_config(root)
    diags = list(diags)
    if config is not None:
        try:
            text = (root / CONFIG_FILE).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        diags += check_watch(config.watch, CONFIG_FILE, line_finder(text))
    unique = sorted(dict.fromkeys(diags), key=sort_key)
    if config is None or has_errors(unique):
        click.echo(format_text(unique), err=True)
        sys.exit(EXIT_CONFIG)
    if unique:
        click.echo(format_text(unique), err=True)
    return config


@click.group("watch")
def watch() -> None:
    """Watch feeds (veille): fetch them into the cache, import and export OPML."""


# --- fetch -----------------------------------------------------------------------------------


def _status_text(run: FeedRun) -> str:
    if run.status is Status.ERROR:
        return f"failed: {run.error_code}"
    return "not modified" if run.status is Status.NOT_MODIFIED else "ok"


def summary_table(runs: tuple[FeedRun, ...], seconds: float) -> str:
    """The table printed after a fetch: feed, status, new entries, error."""
    rows = [("feed", "status", "new", "error")]
    for run in runs:
        error = run.error
        if run.status is Status.ERROR:
            since = run.stale_since.strftime("%Y-%m-%d %H:%M") if run.stale_since else "never"
            error = f"{error} (last success: {since})"
        rows.append(
            (
                run.feed,
                _status_text(run),
                str(run.new_entries),
                error if len(error) <= 160 else error[:159] + "…",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [
        f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}".rstrip()
        for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  -----")
    failed = sum(1 for r in runs if r.status is Status.ERROR)
    new = sum(r.new_entries for r in runs)
    tail = f"{len(runs)} feeds, {new} new entries, {failed} failed"
    if failed:
        tail += " (their last good entries are kept and shown as stale)"
    return "\n".join(lines) + f"\n{tail} in {seconds:.1f} s"


def _progress(outcome: FetchOutcome, done: int, total: int) -> None:
    state = (
        outcome.status.value
        if outcome.status is not Status.ERROR
        else f"failed ({outcome.error_code})"
    )
    line = f"[{done:>{len(str(total))}}/{total}] {outcome.feed}: {state}"
    click.echo(f"\r\x1b[K{line}", err=True, nl=done == total)


def _now(option: str | None, tz_name: str) -> datetime:
    tz = ZoneInfo(tz_name)
    if not option:
        return datetime.now(tz)
    try:
        moment = datetime.fromisoformat(option)
    except ValueError:
        raise click.BadParameter(
            f"{option!r} is not a date-time like 2026-12-01T08:00", param_hint="--now"
        ) from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


@watch.command("fetch")
@root_option
@click.option(
    "--now", "now_option", default=None, help="Pretend it is this time (ISO 8601), for tests."
)
def fetch_command(root: Path, now_option: str | None) -> None:
    """Fetch every feed into the cache. Exits 0 even when feeds fail (they are reported);
    1 only when site_config.yml is broken or the cache cannot be written."""
    from .refresh import refresh

    config = load_config(root)
    now = _now(now_option, config.site.timezone)
    if not config.watch.feeds:
        click.echo("no feeds in watch.feeds of site_config.yml: nothing to fetch")
        return
    progress = _progress if sys.stderr.isatty() else None
    try:
        result = refresh(
            root, config.watch, now=now, timezone=config.site.timezone, progress=progress
        )
    except OSError as exc:
        click.echo(
            f"error: cannot write the watch cache in {root / config.watch.cache_dir}: {exc}",
            err=True,
        )
        sys.exit(EXIT_CONFIG)
    for problem in result.problems:
        click.echo(f"warning: {problem}", err=True)
    click.echo(summary_table(result.runs, result.report.seconds))


# --- OPML ------------------------------------------------------------------------------------


@watch.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@root_option
@click.option(
    "--theme",
    "default_theme",
    default="imported",
    show_default=True,
    help="Theme of the feeds that are in no folder of the OPML file.",
)
@click.option(
    "--dry-run", is_flag=True, help="Print the new site_config.yml instead of writing it."
)
def import_command(file: Path, root: Path, default_theme: str, dry_run: bool) -> None:
    """Add the feeds of an OPML file to site_config.yml (folders become themes)."""
    from .cache import write_atomic
    from .configedit import ConfigEditError, add_to_config
    from .opml import OpmlError, import_opml

    config = load_config(root)
    try:
        found = import_opml(file, config.watch, default_theme=default_theme)
    except OpmlError as exc:
        click.echo(f"error: {file}: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    for message in found.warnings:
        click.echo(f"warning: {file}: {message}", err=True)
    for message in found.skipped:
        click.echo(f"skipped: {message}", err=True)
    if not found.feeds:
        click.echo("no new feed to add")
        return
    path = root / CONFIG_FILE
    text = path.read_text(encoding="utf-8")
    try:
        new_text = add_to_config(text, found.themes, found.feeds)
    except ConfigEditError as exc:
        click.echo(
            f"error: cannot edit {CONFIG_FILE} safely ({exc}); nothing was written", err=True
        )
        sys.exit(EXIT_CONFIG)
    if dry_run:
        click.echo(new_text, nl=False)
        return
    write_atomic(path, new_text.encode("utf-8"))
    themes = (
        f" and {len(found.themes)} theme(s) ({', '.join(found.themes)})" if found.themes else ""
    )
    click.echo(f"added {len(found.feeds)} feed(s){themes} to {CONFIG_FILE}")


@watch.command("export")
@root_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of the standard output.",
)
def export_command(root: Path, output: Path | None) -> None:
    """Write the feeds as OPML, for feed readers."""
    from .opml import export_opml

    config = load_config(root)
    text = export_opml(config.watch, title=f"{config.site.name} — watch")
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(config.watch.feeds)} feed(s) to {output}", err=True)
