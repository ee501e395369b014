"""Fixtures of the calendar tests: small content repositories written in the test, loaded as projects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.load import load
from generator.model import Project
from tests.conftest import MINIMAL_CONFIG
from tests.helpers import post_text

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=PARIS)

CONFIG = (
    MINIMAL_CONFIG
    + """\
rules:
  min_gap_hours: {linkedin: 20, x: 3}
  max_silence_days: {linkedin: 7}
"""
)

AMBASSADORS = {
    "ambassadors/claire-martin.yml": "name: Claire Martin\nnetworks: {linkedin: {}}\n",
    "ambassadors/discret.yml": "name: Agent Discret\npublic: false\n",
}


def post(
    title: str,
    date: str | None = None,
    networks: tuple[str, ...] = ("linkedin",),
    status: str = "scheduled",
    **extra: object,
) -> str:
    """A post file; its keys come in this order: title (line 2), date (3), networks (4), status (5), extras."""
    return post_text(title, date=date, networks=networks, status=status, **extra)


ProjectFactory = Callable[..., Project]


@pytest.fixture
def project(make_repo: Callable[..., Path]) -> ProjectFactory:
    """project({path: text}, config=...) -> the loaded Project; fails on load errors."""

    def make(files: dict[str, str] | None = None, *, config: str = CONFIG) -> Project:
        root = make_repo(files or {}, config=config)
        loaded = load(root)
        assert loaded.project is not None, loaded.diagnostics
        errors = [d for d in loaded.diagnostics if d.severity.value == "error"]
        assert not errors, errors
        return loaded.project

    return make
