"""Helpers of the CI tests: the virtualenv's tools, Git, an offline environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers import post_text, write_post

BIN = Path(
    sys.executable
).parent  # the virtualenv's bin/: relais, check-jsonschema, zizmor, pre-commit
# Any download attempt fails at once: the tools must work from what they ship.
OFFLINE = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "no_proxy": "",
}


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in {BIN}: pip install -e '.[test]'")
    return str(path)


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def init_repo(root: Path) -> Path:
    """Make `root` a Git repository with everything in one commit (identity set locally)."""
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "config", "user.name", "Relais Test")
    git(root, "config", "user.email", "relais@example.org")
    git(root, "config", "commit.gpgsign", "false")
    commit(root, "first commit")
    return root


def commit(root: Path, message: str) -> str:
    """Commit everything (added, changed, deleted); returns the commit's id."""
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--allow-empty", "--message", message)
    return git(root, "rev-parse", "HEAD").strip()


def env_with_venv(**extra: str) -> dict[str, str]:
    """The environment with the virtualenv's bin/ first on PATH (as after `pip install .`)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.update(extra)
    return env


__all__ = ["BIN", "OFFLINE", "ROOT", "commit", "env_with_venv", "git", "init_repo", "tool"]


BROKEN_POST = post_text("Nouvelle boutique", date="2026-12-10T09:00", networks=["linkdin"])
"""The post a pull request breaks: a misspelt network (line 4)."""


def write_broken_post(root: Path, body: str = "Brief.\n") -> Path:
    """Write BROKEN_POST (with `body`) as content/posts/nouvelle-boutique.md; its path."""
    return write_post(
        root,
        "nouvelle-boutique",
        "Nouvelle boutique",
        date="2026-12-10T09:00",
        networks=["linkdin"],
        body=body,
    )
