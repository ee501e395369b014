"""The feature registry: every feature area's section, checks and commands, in one table.

How a new feature plugs in (statistics, moderation, ...): write its package, e.g.
`generator/stats/`, with any of

- a section planner `plan(planner: Planner, snapshot) -> Section` (see site.Section: pages,
  files, navigation entry, home blocks, blocks on post pages, files made later);
- a list of checks `CHECKS: list[Check]`, each a pure function of the project and `now`
  that yields diagnostics (see check.py);
- Click commands, which `relais` adds at its top level (see options.py for --root, --now and
  the exit codes);

then add one `Feature` to FEATURES below. Nothing else changes: plan.py plans the sections in
this order (their place in the navigation, between Home and Archive), check.py runs the
checks, cli.py adds the commands. A section that adds no block to the posts' pages can be
planned apart (`apart=True`): `relais build` then plans it in a second process while the
posts' pages are planned (build.py).

The parts are named "module:attribute", the module as in an import statement (".stats.pages"
is generator/stats/pages.py), and imported when first used, as entry points are: `relais check` then never imports the templates and the
libraries of the sections, and no module here is imported by the modules it names. The
import rule (docs/contributor/architecture.md): a feature package imports the stages'
shared parts (planner.py, site.py, model.py, check.py's types...), never plan.py, build.py,
cli.py or this module; tests/test_imports.py fails on any import circle.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import click

    from .check import Check
    from .planner import Planner
    from .site import Section

    SectionPlan = Callable[[Planner, Any], Section]


@dataclass(frozen=True)
class Feature:
    """One feature area and where its parts live ("module:attribute", see the module's note)."""

    name: str
    section: str | None = None  # plan(planner, snapshot) -> Section
    apart: bool = False  # planned apart from the posts' pages: its Section has no post_blocks
    checks: str | None = None  # a list of checks
    commands: tuple[str, ...] = ()  # Click commands added to `relais`


# In the order of the navigation. The calendar (its .ics files are written later, see
# site.Later), the kits, the watch, moderation and statistics are planned apart: at 2,000
# posts about as much work as the posts' pages, done beside them (see build.py).
FEATURES: tuple[Feature, ...] = (
    Feature(
        "calendar", section=".calendar.pages:plan", apart=True, checks=".calendar.checks:CHECKS"
    ),
    # Share kits: the section (directory, kits, personal pages and feeds) is planned apart; the
    # kit block of each post's page is planned with the posts' pages.
    Feature(
        "kits",
        section=".kits.pages:plan",
        apart=True,
        checks=".kits.checks:CHECKS",
        commands=(".kits.cli:digest_command",),
    ),
    Feature("kits-blocks", section=".kits.pages:post_blocks"),
    Feature(
        "watch",
        section=".watch.pages:plan",
        apart=True,
        checks=".watch.checks:CHECKS",
        commands=(".watch.cli:watch",),
    ),
    Feature(
        "moderation",
        section=".moderation.pages:plan",
        apart=True,
        checks=".moderation.checks:CHECKS",
    ),
    # Statistics: the section (its charts are most of the work) is planned apart; the posts'
    # own numbers are blocks of their pages, planned with them.
    Feature(
        "stats",
        section=".stats.pages:plan",
        apart=True,
        checks=".stats.checks:CHECKS",
        commands=(".stats.cli:stats",),
    ),
    Feature("stats-numbers", section=".stats.pages:post_numbers"),
    # Spelling and typography of every published text: checks only, no section.
    Feature("spelling", checks=".spelling.checks:CHECKS"),
)


def resolve(ref: str) -> Any:
    """The object a "module:attribute" reference names, its module imported on first use."""
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module, __package__), name)


def sections() -> list[tuple[SectionPlan, bool]]:
    """Each feature's section planner in navigation order, and whether it is planned apart."""
    return [(resolve(f.section), f.apart) for f in FEATURES if f.section]


def checks() -> list[Check]:
    """The checks of every feature, feature by feature."""
    return [check for f in FEATURES if f.checks for check in resolve(f.checks)]


def commands() -> list[click.Command]:
    """The Click commands of every feature."""
    return [resolve(ref) for f in FEATURES for ref in f.commands]
