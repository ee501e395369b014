"""`relais stats`: fetch the public counts, write the monthly report."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from ..options import NOW, ROOT, checked_project


@click.group("stats")
def stats() -> None:
    """Statistics: fetch Mastodon's and Bluesky's public counts, write the monthly report."""


@stats.command("fetch")
@ROOT
@NOW
@click.option(
    "--bluesky-api",
    default="https://public.api.bsky.app",
    show_default=True,
    help="Bluesky's public API (another AppView, or a test server).",
)
def fetch_command(root: Path, now_option: str | None, bluesky_api: str) -> None:
    """Fetch the public counts of the posts whose `published:` gives a Mastodon or Bluesky
    address into stats/fetched/. Exits 0 when some requests fail (they are listed and their
    last good counts kept); 1 when the content cannot be loaded."""
    from .fetch import fetch

    project, _ = checked_project(root, now_option)
    try:
        outcomes = fetch(root, project, bluesky_api=bluesky_api)
    except OSError as exc:
        click.echo(f"error: cannot write stats/fetched/: {exc}", err=True)
        sys.exit(1)
    if not outcomes:
        click.echo("no Mastodon or Bluesky address under published: nothing to fetch")
        return
    for o in outcomes:
        click.echo(f"{o.slug} ({o.network}): {o.message}")
    failed = sum(not o.ok for o in outcomes)
    click.echo(f"{len(outcomes)} posts, {failed} failed (their last counts are kept)")


@stats.command("report")
@ROOT
@NOW
@click.option("--month", required=True, metavar="YYYY-MM", help="The month, e.g. 2026-11.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to write report-YYYY-MM.md and .html into.",
)
def report_command(root: Path, now_option: str | None, month: str, out: Path) -> None:
    """Write the month's report as Markdown and printable HTML."""
    from ..planner import Planner
    from .report import write

    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        raise click.BadParameter(
            f"{month!r} is not a month like 2026-11", param_hint="--month"
        ) from None
    project, now = checked_project(root, now_option)
    try:
        written = write(Planner(project, now), first, out)
    except OSError as exc:  # safefs.UnsafePath: a link where a report goes
        click.echo(f"error: cannot write the report into {out}: {exc}", err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"wrote {path}")
