"""The feature registry: one entry plugs a section, its checks and its commands into Relais."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import click
import pytest

from generator import features
from generator.check import check
from generator.cli import cli
from generator.clock import parse_now
from generator.diagnostics import Diagnostic, warning
from generator.features import Feature
from generator.load import load
from generator.model import Project
from generator.plan import plan
from generator.site import Section
from tests.conftest import DEMO_NOW

HERE = "tests.test_features"


# --- a made-up feature, as a new package would write it ------------------------------------------


def example_section(planner: Any, snapshot: Any) -> Section:
    return Section(
        pages={"example/index.md": "# Example\n"},
        nav=[{"Example": "example/index.md"}],
        home=["EXAMPLE-HOME-BLOCK"],
    )


def example_section_with_post_blocks(planner: Any, snapshot: Any) -> Section:
    first = planner.project.posts[0].slug
    return Section(post_blocks={first: ["<p>EXAMPLE</p>"]})


def _example_check(project: Project, now: datetime) -> Iterator[Diagnostic]:
    yield warning("site_config.yml", 1, "example-code", "an example finding", "nothing to do")


EXAMPLE_CHECKS = [_example_check]


@click.command("example")
def example_command() -> None:
    """An example command."""


@pytest.fixture
def with_example(monkeypatch: pytest.MonkeyPatch) -> Feature:
    feature = Feature(
        "example",
        section=f"{HERE}:example_section",
        apart=True,
        checks=f"{HERE}:EXAMPLE_CHECKS",
        commands=(f"{HERE}:example_command",),
    )
    monkeypatch.setattr(features, "FEATURES", (*features.FEATURES, feature))
    return feature


@pytest.fixture(scope="module")
def demo() -> tuple[Project, datetime]:
    project = load(Path(__file__).resolve().parent.parent).project
    assert project is not None
    return project, parse_now(DEMO_NOW, project.config.site.timezone)


# --- the registry as it is ----------------------------------------------------------------------


def test_every_reference_of_the_registry_names_what_its_kind_needs() -> None:
    for feature in features.FEATURES:
        if feature.section:
            assert callable(features.resolve(feature.section)), feature.section
        if feature.checks:
            found = features.resolve(feature.checks)
            assert isinstance(found, list) and found and all(map(callable, found)), feature.checks
        for ref in feature.commands:
            assert isinstance(features.resolve(ref), click.Command), ref
    assert [f.name for f in features.FEATURES] == [
        "calendar",
        "kits",
        "kits-blocks",
        "watch",
        "moderation",
        "stats",
        "stats-numbers",
        "spelling",
    ]


def test_relais_offers_every_command_of_the_registry() -> None:
    for command in features.commands():
        assert cli.commands[command.name or ""] is command


def test_a_reference_to_a_missing_part_fails_with_its_name() -> None:
    with pytest.raises(AttributeError, match="plann"):
        features.resolve(".calendar.pages:plann")


# --- one more entry -------------------------------------------------------------------------------


def test_one_entry_adds_a_section_in_its_nav_place_and_its_home_block(
    with_example: Feature, demo: tuple[Project, datetime]
) -> None:
    site = plan(*demo)
    assert site.pages["example/index.md"] == "# Example\n"
    titles = [next(iter(entry)) for entry in site.nav]
    # After the features before it (the watch has no entry without its cache), before the
    # archive: its place in FEATURES.
    assert titles[titles.index("Statistiques") :][:3] == ["Statistiques", "Example", "Archives"]
    assert "EXAMPLE-HOME-BLOCK" in site.pages["index.md"]


def test_one_entry_adds_its_checks(with_example: Feature, demo: tuple[Project, datetime]) -> None:
    found = [d for d in check(*demo) if d.code == "example-code"]
    assert [(d.file, d.line, d.message) for d in found] == [
        ("site_config.yml", 1, "an example finding")
    ]


def test_one_entry_adds_its_commands(with_example: Feature) -> None:
    assert [c.name for c in features.commands()][-1] == "example"


def test_a_section_planned_apart_may_not_add_blocks_to_the_posts_pages(
    monkeypatch: pytest.MonkeyPatch, demo: tuple[Project, datetime]
) -> None:
    wrong = Feature("wrong", section=f"{HERE}:example_section_with_post_blocks", apart=True)
    monkeypatch.setattr(features, "FEATURES", (*features.FEATURES, wrong))
    with pytest.raises(ValueError, match="planned apart gives the posts' pages a block"):
        plan(*demo)
    near = Feature("near", section=f"{HERE}:example_section_with_post_blocks")
    monkeypatch.setattr(features, "FEATURES", (*features.FEATURES[:-1], near))
    first = demo[0].posts[0]
    assert "<p>EXAMPLE</p>" in plan(*demo).post_blocks[first.slug]
