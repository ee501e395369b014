"""Fixtures of the CI tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.ci.ci_tools import init_repo
from tests.conftest import copy_demo

GitRepo = Callable[..., Path]


@pytest.fixture
def git_demo(tmp_path: Path) -> GitRepo:
    """git_demo(name="demo") -> a Git repository holding the demo, everything in one commit."""

    def make(name: str = "demo") -> Path:
        return init_repo(copy_demo(tmp_path / name))

    return make
