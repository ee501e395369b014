"""The pre-commit hook, run for real: pre-commit installs Relais from a repository and checks a commit.

The hook repository is this working tree's package and `.pre-commit-hooks.yaml`, committed
into a temporary Git repository (so the test checks the files as they are now, committed
by the lead or not), and named by path in a content repository's `.pre-commit-config.yaml`,
as a company would name this repository by URL. pre-commit builds the hook's virtualenv
with pip from PyPI: about a minute the first time. The commit is made reproducible
(fixed dates), so that its id only changes with the files, and pre-commit's store is
kept between runs in the user's cache (one virtualenv per checkout, the last one): later
runs reuse it and take seconds. Each checkout (worktree) has its own folder there: two
checkouts tested at once would otherwise remove each other's virtualenv mid-install.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ci.ci_tools import ROOT, git, init_repo, tool, write_broken_post
from tests.conftest import DEMO_NOW, copy_demo

HOOK_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "generator")
CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "relais-tests"
    / hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
)
FIXED_DATE = "2026-01-01T00:00:00+00:00"


def hook_repository() -> tuple[Path, str]:
    """This working tree's hook files in a Git repository at a stable path; returns it and the commit."""
    repo = CACHE / "hook-repo"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    for name in HOOK_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, repo / name)
    env = {**os.environ, "GIT_AUTHOR_DATE": FIXED_DATE, "GIT_COMMITTER_DATE": FIXED_DATE}
    for args in (
        ["init", "--quiet", "--initial-branch=main"],
        ["add", "--all"],
        [
            "-c",
            "user.name=Relais",
            "-c",
            "user.email=relais@example.org",
            "-c",
            "commit.gpgsign=false",
            "commit",
            "--quiet",
            "--message",
            "hooks",
        ],
    ):
        subprocess.run(
            ["git", *args], cwd=repo, env=env, check=True, capture_output=True, timeout=60
        )
    return repo, git(repo, "rev-parse", "HEAD").strip()


def pre_commit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    epoch = int(
        datetime.fromisoformat(DEMO_NOW).replace(tzinfo=ZoneInfo("Europe/Paris")).timestamp()
    )
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(CACHE / "pre-commit"),
        "SOURCE_DATE_EPOCH": str(epoch),
        "PRE_COMMIT_COLOR": "never",
    }
    return subprocess.run(
        [tool("pre-commit"), *args],
        check=False,
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_pre_commit_hook_checks_the_content(tmp_path: Path) -> None:
    hooks, rev = hook_repository()
    # Keep one hook virtualenv (about 200 MB) in the cache: the one of these files.
    marker = CACHE / "pre-commit-rev"
    if not marker.is_file() or marker.read_text() != rev:
        shutil.rmtree(CACHE / "pre-commit", ignore_errors=True)
        marker.write_text(rev)
    root = copy_demo(tmp_path / "content-repo")
    (root / "README.md").write_text("Notre portail éditorial.\n", encoding="utf-8")
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: relais-check\n",
        encoding="utf-8",
    )
    init_repo(root)

    clean = pre_commit(root, "run", "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "relais check" in clean.stdout and "Passed" in clean.stdout

    # A commit with a broken post is refused, with the checker's diagnostic.
    assert pre_commit(root, "install").returncode == 0
    write_broken_post(root, body="")
    git(root, "add", "--all")
    env = {**os.environ, "PRE_COMMIT_HOME": str(CACHE / "pre-commit"), "PRE_COMMIT_COLOR": "never"}
    refused = subprocess.run(
        ["git", "commit", "--message", "nouvelle boutique"],
        check=False,
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert (
        "content/posts/nouvelle-boutique.md:4: error: networks: unknown network 'linkdin'"
        in refused.stderr
    ), refused.stdout + refused.stderr
    assert git(root, "log", "--format=%s").splitlines()[0] == "first commit"

    # Files outside the content do not run the hook (`files:` in .pre-commit-hooks.yaml).
    skipped = pre_commit(root, "run", "--files", "README.md")
    assert skipped.returncode == 0, skipped.stdout
    assert "(no files to check)Skipped" in skipped.stdout
