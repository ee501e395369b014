"""What the `relais` commands share: the --root and --now options and the exit codes.

It sits below cli.py so that the feature packages' commands (kits/cli.py, watch/cli.py,
registered through features.py) use the same options without importing cli.py.
"""

from __future__ import annotations

from pathlib import Path

import click

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
