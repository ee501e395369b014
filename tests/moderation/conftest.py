"""Fixtures of the moderation tests: the demo's moderation files, loaded and planned."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from generator.load import load
from generator.model import Project
from tests.conftest import ROOT

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=PARIS)


def load_project(root: Path) -> Project:
    loaded = load(root)
    assert loaded.project is not None, loaded.diagnostics
    return loaded.project


PHONE = {"width": 390, "height": 844}


@contextlib.contextmanager
def phone_page(browser: Any, base_url: str, locale: str) -> Iterator[Any]:
    """A page in a phone's context (touch, 390 px wide, Paris time, `locale`) that may use the
    clipboard of `base_url`; on leaving, asserts that no script error was seen."""
    context = browser.new_context(
        locale=locale, timezone_id="Europe/Paris", viewport=PHONE, has_touch=True, is_mobile=True
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    assert errors == []
    context.close()


def reply(reply_id: str) -> dict[str, Any]:
    """The demo's reply `reply_id`, as plain data."""
    replies = demo_yaml("replies.yml")["replies"]  # type: ignore[index]
    return next(r for r in replies if r["id"] == reply_id)  # type: ignore[no-any-return]


def demo_yaml(name: str) -> object:
    """One of the demo's moderation files as plain data (the expected values of the tests)."""
    return yaml.safe_load((ROOT / "moderation" / name).read_text(encoding="utf-8"))


def private_values() -> list[str]:
    """Every value of the demo's directory that is not marked public (and its notes), but the
    names of people whose ambassador profile is public anyway (Inès Moreau owns replies too)."""
    data = demo_yaml("escalation.yml")
    assert isinstance(data, dict)
    default = data["public"]
    profiles = set()
    for path in (ROOT / "ambassadors").glob("*.yml"):
        profile = yaml.safe_load(path.read_text(encoding="utf-8"))
        if profile.get("public", True):
            profiles.add(profile["name"])
    found = []
    for topic in data["topics"]:
        public = topic.get("public", default)
        for key, value in topic.items():
            shown = key in ("id", "topic", "public") or key in public
            if not shown and not (key == "person" and value in profiles):
                found.append(str(value))
    return found
