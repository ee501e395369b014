"""The `relais` command: parse options, call a stage, print, choose the exit code."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__, features, jobs
from .clock import BadNow
from .diagnostics import FORMATTERS, has_errors, sort_key
from .options import EXIT_ERRORS, EXIT_OK, NOW, ROOT, load_and_check


class _Relais(click.Group):
    """The `relais` group. A bad --now or SOURCE_DATE_EPOCH is found by the stage that knows the
    site's time zone (clock.parse_now): it is reported as a usage error all the same (exit 2)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BadNow as exc:
            raise click.BadParameter(str(exc)) from None


@click.group(cls=_Relais, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="relais")
def cli() -> None:
    """Relais: an editorial calendar, ambassador kits and watch feeds, from a Git repository to a portal."""


@cli.command("check")
@ROOT
@NOW
@click.option(
    "--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True
)
@click.option(
    "--changed",
    "changed",
    is_flag=False,
    flag_value="HEAD",
    default=None,
    metavar="[REV]",
    help="List the diagnostics of files changed since REV (default HEAD) first.",
)
@click.option(
    "--summary",
    "summary_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Also write a Markdown summary for a pull request (posts added or moved "
    "since --changed REV, problems in changed files) to FILE.",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Fix the typography in place first (no-break spaces, apostrophes; never spelling), "
    "in the files changed since --changed REV when given.",
)
def check_command(
    root: Path,
    now_option: str | None,
    fmt: str,
    changed: str | None,
    summary_file: Path | None,
    fix: bool,
) -> None:
    """Load and check everything; print every diagnostic. Exit 1 on errors."""
    changes = None
    if changed is not None:
        from .changed import changes_since

        changes = changes_since(root, changed)
    project, diags, _ = load_and_check(root, now_option, memos=True)
    if fix and project is not None:
        from .spelling.fix import apply, plan

        only = changes.files if changes is not None and changes.ok else None
        report = apply(root, plan(project, only))
        for rel, reason in report.refused.items():
            click.echo(f"{rel}: not fixed: {reason}", err=True)
        if report.fixed:
            click.echo(
                f"Fixed {report.total} typography problem{'s' if report.total != 1 else ''} "
                f"in {len(report.fixed)} file{'s' if len(report.fixed) != 1 else ''}.",
                err=True,
            )
            project, diags, _ = load_and_check(root, now_option, memos=True)
    if changes is not None and changes.ok:
        # Spelling and typography are reported in the changed files only: a repository
        # that turns the check on is not flooded with its whole history's words.
        from .spelling.checks import CODES

        diags = [d for d in diags if d.code not in CODES or d.file in changes.files]
    if summary_file is not None:
        from .changed import write_summary

        problem = write_summary(summary_file, root, project, diags, changed)
        if problem:
            click.echo(f"error: {problem}", err=True)
    if changed is not None:
        from .changed import order_by_changed

        diags, note = order_by_changed(root, diags, changed, changes)
        if note and fmt == "text":
            click.echo(note, err=True)
    else:
        diags = sorted(diags, key=sort_key)
    click.echo(FORMATTERS[fmt](diags))
    sys.exit(EXIT_ERRORS if has_errors(diags) else EXIT_OK)


@cli.command("build")
@ROOT
@NOW
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: site/ in the repository).",
)
@click.option("--strict", is_flag=True, help="Treat warnings (Relais' and MkDocs') as errors.")
@click.option("--fetch", is_flag=True, help="Refresh the watch feeds before building.")
@click.option("--timings", is_flag=True, help="Print the time of each stage.")
def build_command(
    root: Path, now_option: str | None, out: Path | None, strict: bool, fetch: bool, timings: bool
) -> None:
    """Check, then build the portal into DIR (default site/). Exit 1 on content errors."""
    from .build import build

    result = build(root, now_option=now_option, out=out, strict=strict, fetch=fetch)
    if result.diagnostics:
        click.echo(FORMATTERS["text"](sorted(result.diagnostics, key=sort_key)), err=True)
    for warning in result.mkdocs_warnings:
        click.echo(f"mkdocs: warning: {warning}", err=True)
    if result.failure:
        click.echo(f"error: {result.failure}", err=True)
    if timings:
        for name, seconds in result.timings.items():
            click.echo(f"{name:>12}: {seconds:6.2f} s", err=True)
        # Peak memory of this process and of the second one that checked beside it (jobs.py).
        click.echo(
            f"{'peak':>12}: {jobs.peak_kb() / 1024:6.0f} MB"
            + (f" + {result.worker_peak_kb / 1024:.0f} MB beside" if result.worker_peak_kb else ""),
            err=True,
        )
        hits, looked_up = result.cached_pages
        click.echo(f"{'cached':>12}: {hits} of {looked_up} pages", err=True)
    if result.ok:
        click.echo(
            f"Built {result.pages} pages into {result.out} in {result.seconds:.1f} s. "
            # Not "open index.html": from the file system, search and the kits do not work.
            "To look at it, run `relais serve` and open http://127.0.0.1:8000/; "
            "to publish it, put the folder on a web server."
        )
    sys.exit(EXIT_OK if result.ok else EXIT_ERRORS)


@cli.command("serve")
@ROOT
@NOW
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT")
def serve_command(root: Path, now_option: str | None, dev_addr: str) -> None:
    """Build and serve the portal with live reload."""
    from .serve import serve

    sys.exit(serve(root, now_option=now_option, dev_addr=dev_addr))


@cli.group("new")
def new_group() -> None:
    """Scaffold content files."""


@new_group.command("post")
@ROOT
@click.argument("title")
@click.option("--date", "when", metavar="YYYY-MM-DDTHH:MM", help="Publication time (local).")
@click.option(
    "--networks",
    default=None,
    help="Comma-separated network ids (default: the site's first network).",
)
@click.option("--network", "network", default=None, help="One network id (with --next-slot).")
@click.option("--next-slot", is_flag=True, help="Take the next free publication slot of --network.")
@NOW
def new_post_command(
    root: Path,
    title: str,
    when: str | None,
    networks: str | None,
    network: str | None,
    next_slot: bool,
    now_option: str | None,
) -> None:
    """Write a new post file that `relais check` accepts."""
    from .newpost import NewPostError, new_post

    try:
        path = new_post(
            root,
            title,
            when=when,
            networks=networks,
            network=network,
            next_slot=next_slot,
            now_option=now_option,
        )
    except NewPostError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERRORS)
    click.echo(f"Created {path}")


def _add_commands() -> None:
    """The commands of the feature packages (features.py; their modules import heavy libraries
    lazily) and `relais schema`."""
    from .schema import schema_command

    for command in (*features.commands(), schema_command):
        cli.add_command(command)


_add_commands()


GC_THRESHOLDS = (100_000, 20, 100)  # the collector's, for every command (see main)


def main() -> None:
    """Entry point: Click's usage errors exit 2; anything unexpected is one line, not a traceback."""
    # Loading thousands of posts makes millions of small objects and few reference cycles:
    # collecting cycles less often makes `check` and `build` about 8 % faster
    # (docs/contributor/performance.md).
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        cli.main(standalone_mode=True)
    except SystemExit as done:
        _exit_now(done.code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("RELAIS_DEBUG"):
            raise
        click.echo(
            f"error: internal error ({type(exc).__name__}: {exc}); set RELAIS_DEBUG=1 for details and "
            "report it with the file that caused it",
            err=True,
        )
        sys.exit(EXIT_ERRORS)


def _exit_now(code: object) -> None:
    """End the process once its output is written, without freeing its objects one by one:
    after a build of thousands of posts, Python's own teardown takes a third of a second."""
    import logging

    status = code if isinstance(code, int) else (0 if code is None else 1)
    if code is not None and not isinstance(code, int):
        click.echo(str(code), err=True)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
