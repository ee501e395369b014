"""`relais watch`: fetch the feeds into the cache, import and export OPML."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from ..diagnostics import Diagnostic, format_text, has_errors, sort_key
from ..i18n import counted
from .model import FeedRun, FetchOutcome, Status

EXIT_OK, EXIT_CONFIG = 0, 1
# `watch fetch`: the feeds were fetched and new alerts were raised (listed in new-alerts.json).
EXIT_NEW_ALERTS = 3
# `watch notify`: the webhook did not take the alerts (they are kept for the next run).
EXIT_WEBHOOK_FAILED = 4
CONFIG_FILE = "site_config.yml"

root_option = click.option(
    "--root",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The content repository (where site_config.yml is).",
)


now_option = click.option(
    "--now", "now_option", default=None, help="Pretend it is this time (ISO 8601), for tests."
)


def _alerts(n: int, adjective: str = "") -> str:
    """'1 new alert', '3 new alerts': an English plural, by the number."""
    return f"{n} {adjective}alert{'' if n == 1 else 's'}"


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
    """`--now`, else SOURCE_DATE_EPOCH, else the clock, read as `relais build` reads them."""
    from ..clock import BadNow, parse_now

    try:
        return parse_now(option, tz_name)
    except BadNow as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None


@watch.command("fetch")
@root_option
@now_option
@click.option(
    "--alerts",
    "alerts_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the new alerts to this JSON file (default: new-alerts.json in the watch cache).",
)
def fetch_command(root: Path, now_option: str | None, alerts_file: Path | None) -> None:
    """Fetch every feed into the cache, then raise the alerts of watch.alerts and watch.volume.

    \b
    Exit codes:
      0  fetched (feeds that failed are reported, not fatal); no new alert
      1  site_config.yml is broken, or the cache cannot be written
      3  fetched, and new alerts were raised: they are listed in the alerts file
         (new-alerts.json in the watch cache) and `relais watch notify` sends them
    """
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
    new = _raise_alerts(root, config, now, alerts_file)
    if new:
        sys.exit(EXIT_NEW_ALERTS)


def _raise_alerts(root: Path, config: Any, now: datetime, alerts_file: Path | None) -> int:
    """Evaluate the alert rules on the fresh cache, log the new alerts, write the alerts file."""
    from .alerts import evaluate
    from .cache import cache_path, load_snapshot
    from .keywords import slow_terms
    from .notify import NEW_FILE, read_log, record, write_log, write_new

    watch = config.watch
    if not watch.alerts and watch.volume is None:
        return 0
    snapshot = load_snapshot(root, watch, now=now)
    alerts = evaluate(snapshot, watch, now)
    for term in slow_terms():
        click.echo(
            f"warning: keyword {term} took too long on a feed's text and was left out; "
            "simplify it (relais check tells which ones are risky)",
            err=True,
        )
    log, problems = read_log(root, watch)
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    log, new = record(log, alerts, now)
    target = alerts_file or cache_path(root, watch) / NEW_FILE
    try:
        write_log(root, watch, log)
        write_new(target, new, now)
    except OSError as exc:
        click.echo(f"error: cannot write the alerts ({exc})", err=True)
        sys.exit(EXIT_CONFIG)
    serious = sum(1 for e in new if e.alert.get("level") == "alert")
    if new:
        click.echo(
            f"{_alerts(len(new), 'new ')}, {serious} at level alert: written to {target}; "
            "run `relais watch notify` to send them"
        )
    else:
        click.echo("no new alert")
    return len(new)


@watch.command("notify")
@root_option
@now_option
@click.option(
    "--summary",
    "summary_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append the new alerts as Markdown to this file (in GitHub Actions: "
    '"$GITHUB_STEP_SUMMARY"); written even when there is none.',
)
@click.option(
    "--issue",
    "issue_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the alerts not yet sent as an issue into this Markdown file (empty: no issue).",
)
@click.option(
    "--webhook-env",
    default="RELAIS_ALERTS_WEBHOOK",
    show_default=True,
    metavar="NAME",
    help="The environment variable holding the incoming webhook's address (a secret); "
    "unset or empty: no webhook.",
)
@click.option(
    "--webhook-format",
    type=click.Choice(["auto", "slack", "teams", "mattermost"]),
    default="auto",
    show_default=True,
    help="The webhook's message format; auto: from its host (Slack, Microsoft, else Mattermost).",
)
def notify_command(
    root: Path,
    now_option: str | None,
    summary_file: Path | None,
    issue_file: Path | None,
    webhook_env: str,
    webhook_format: str,
) -> None:
    """Send the alerts raised by `watch fetch` that were not sent yet, once per channel.

    \b
    Exit codes:
      0  every channel took its alerts (or there was nothing to send)
      1  site_config.yml is broken, or the alert log cannot be written
      4  the webhook did not take the alerts: they stay pending for the next run
    """
    import os

    from .notify import (
        PAYLOADS,
        NotifyError,
        delivered,
        guess_format,
        markdown,
        pending,
        post,
        read_log,
        write_log,
    )

    config = load_config(root)
    now = _now(now_option, config.site.timezone)
    watch_config = config.watch
    log, problems = read_log(root, watch_config)
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    ctx = _context(root, config)
    failed = False
    if summary_file is not None:
        todo = pending(log, "summary", now)
        text = markdown(todo, ctx)
        with summary_file.open("a", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(text, nl=False)
        log = delivered(log, todo, "summary", now)
    if issue_file is not None:
        todo = pending(log, "issue", now)
        issue_file.write_text(markdown(todo, ctx) if todo else "", encoding="utf-8")
        log = delivered(log, todo, "issue", now)
    url = os.environ.get(webhook_env, "").strip()
    if url:
        todo = pending(log, "webhook", now)
        if todo:
            kind = guess_format(url) if webhook_format == "auto" else webhook_format
            try:
                post(url, PAYLOADS[kind](todo, ctx), watch_config.timeouts)
            except NotifyError as exc:
                click.echo(
                    f"error: {exc}; {_alerts(len(todo))} kept for the next run ({webhook_env})",
                    err=True,
                )
                failed = True
            else:
                log = delivered(log, todo, "webhook", now)
                click.echo(f"sent {_alerts(len(todo))} to the {kind} webhook ({webhook_env})")
        else:
            click.echo(f"nothing new for the webhook ({webhook_env})")
    elif summary_file is None and issue_file is None:
        click.echo(markdown(pending(log, "summary", now), ctx), nl=False)
    try:
        write_log(root, watch_config, log)
    except OSError as exc:
        click.echo(f"error: cannot write the alert log ({exc})", err=True)
        sys.exit(EXIT_CONFIG)
    if failed:
        sys.exit(EXIT_WEBHOOK_FAILED)


def _context(root: Path, config: Any) -> Any:
    """Language, portal address, theme labels and who to alert (the directory's public fields)."""
    from ..load import load_directory
    from .notify import Context

    directory, _, unloaded = load_directory(root)
    who: dict[str, str] = {}
    if directory is not None and ("public", "*") not in unloaded:
        for topic in directory.topics:
            public = directory.public_fields(topic)
            parts = [getattr(topic, f) for f in ("service", "contact") if f in public]
            shown = ", ".join(p for p in parts if p)
            if shown:
                who[topic.id] = shown
    themes = {k: v.label for k, v in config.watch.themes.items()}
    return Context(config.site.language, config.site.url, themes, who)


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
    write_atomic(path, new_text.encode("utf-8"), Path(root))
    themes = (
        f" and {counted(len(found.themes), 'theme')} ({', '.join(found.themes)})"
        if found.themes
        else ""
    )
    click.echo(f"added {counted(len(found.feeds), 'feed')}{themes} to {CONFIG_FILE}")


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
        from .. import safefs

        try:  # never through a link (the file may be in the repository)
            safefs.write_bytes(output, text.encode("utf-8"))
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
        click.echo(f"wrote {counted(len(config.watch.feeds), 'feed')} to {output}", err=True)
