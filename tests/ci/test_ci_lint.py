"""Lint and types are part of the build: `make test` lints first, pre-commit runs the same tools."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _recipe(target: str) -> tuple[str, list[str]]:
    """The prerequisites and the command lines of a Makefile target."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    m = re.search(rf"^{target}:(.*)\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert m, f"no target {target} in the Makefile"
    return m.group(1), [line.strip() for line in m.group(2).splitlines()]


def test_make_test_lints_before_the_tests() -> None:
    prerequisites, _ = _recipe("test")
    assert "lint" in prerequisites.split()
    _, lint = _recipe("lint")
    assert lint == [
        "$(VENV)/bin/ruff check .",
        "$(VENV)/bin/ruff format --check .",
        "$(VENV)/bin/mypy",
    ]


def test_pre_commit_runs_the_same_tools_for_contributors() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    assert entries == [
        ".venv/bin/ruff check --force-exclude",
        ".venv/bin/ruff format --check --force-exclude",
        ".venv/bin/mypy",
    ]


def test_the_lint_tools_and_stubs_are_pinned_and_installed_at_those_versions() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pins = dict(re.findall(r'"((?:ruff|mypy|types-[\w-]+))==([^"]+)"', text))
    assert {"ruff", "mypy", "types-PyYAML", "types-Markdown"} <= set(pins)
    for name, version in pins.items():
        assert metadata.version(name) == version, name


def test_make_test_builds_the_demo_with_the_second_engines() -> None:
    """CI (`make test`) runs the engine smoke tests with MaterialX, on MkDocs and on ProperDocs,
    in their own virtualenv, installed from the `materialx` extra (docs/contributor/engines.md)."""
    _, test = _recipe("test")
    assert test[-1] == "$(MAKE) test-engines"
    prerequisites, lines = _recipe("test-engines")
    assert "$(VENV_ENGINES)/.installed" in prerequisites.split()
    assert lines == [
        "RELAIS_ENGINE=materialx $(PY_ENGINES) -m pytest -q $(ENGINE_TESTS)",
        "RELAIS_ENGINE=properdocs-materialx $(PY_ENGINES) -m pytest -q $(ENGINE_TESTS)",
    ]
    _, install = _recipe(r"\$\(VENV_ENGINES\)/\.installed")
    assert "$(PY_ENGINES) -m pip install --quiet -e '.[test,materialx]'" in install
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    assert [r for r in extras["materialx"] if r.startswith("mkdocs-materialx==")]
