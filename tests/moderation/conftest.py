"""Fixtures of the moderation tests: the demo's moderation files, loaded and planned."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
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
