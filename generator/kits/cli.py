"""`relais digest`: write the week's kits as an e-mail-ready HTML file and a Markdown file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .. import safefs
from ..diagnostics import did_you_mean
from ..i18n import counted
from ..options import EXIT_ERRORS, EXIT_OK, NOW, ROOT, checked_project


@click.command("digest")
@click.option(
    "--week",
    metavar="YYYY-Www",
    default=None,
    help="ISO week, e.g. 2026-W49 (default: the week of --now).",
)
@click.option(
    "--ambassador",
    "ambassador_id",
    metavar="ID",
    default=None,
    help="Only this ambassador's kits, for the networks they use, with links to their page.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to write the two files into.",
)
@NOW
@ROOT
def digest_command(
    week: str | None, ambassador_id: str | None, out: Path, now_option: str | None, root: Path
) -> None:
    """This week's kits as an e-mail-ready HTML file and a Markdown file. Exit 1 on content errors."""
    from .digest import digest, parse_week, week_label

    project, now = checked_project(
        root,
        now_option,
        "error: no digest written because of content errors; fix them and run `relais digest` again",
    )
    try:
        monday = parse_week(week) if week else parse_week(week_label(now.date()))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--week") from None
    ambassador = None
    if ambassador_id is not None:
        ambassador = project.ambassador(ambassador_id)
        if ambassador is None:
            close = did_you_mean(ambassador_id, [a.id for a in project.ambassadors])
            raise click.BadParameter(
                f"no ambassador '{ambassador_id}' (ambassadors/{ambassador_id}.yml)"
                + (f"; {close}" if close else ""),
                param_hint="--ambassador",
            )
    result = digest(project, now, monday, ambassador)
    label = week_label(monday)
    if result is None:
        who = f" for {ambassador_id}" if ambassador_id else ""
        click.echo(
            f"Nothing to share in week {label}{who}: no kit is open that week. No file written."
        )
        sys.exit(EXIT_OK)
    try:
        # Never through a link (the folder may be in the repository, where a commit can put one).
        here, folder = Path.cwd(), Path(os.path.abspath(out))
        base = here if folder.is_relative_to(here) else folder.parent
        safefs.make_dirs(base, folder)
        html = out / result.filename(ambassador_id, ".html")
        markdown = out / result.filename(ambassador_id, ".md")
        safefs.write_bytes(folder / html.name, result.html.encode("utf-8"), base=base)
        safefs.write_bytes(folder / markdown.name, result.markdown.encode("utf-8"), base=base)
    except OSError as exc:
        click.echo(f"error: cannot write the digest into {out}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERRORS)
    click.echo(f"Wrote {html} and {markdown}: {counted(len(result.kits), 'kit')} for week {label}.")
    sys.exit(EXIT_OK)
