"""When MkDocs itself fails (a broken theme override, a bad Markdown extension setting), the user
sees the cause in one paragraph, the exit code is 1, and the previous site stays as it was.

The failures are planted with pytest's monkeypatch: `publish.THEME_DIR` points at a broken copy
of the theme, or `publish.mkdocs_config` adds a bad extension setting. Content cannot change
either (on purpose), so no hidden configuration key exists for it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator import publish
from generator.build import build
from generator.cli import cli
from tests.helpers import site_digest

BASE = Path(__file__).parent / "corpus/_base"
NOW = "2026-12-01T08:00"
HINT = "This usually comes from a theme override or a Markdown extension setting"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("built") / "repo"
    shutil.copytree(BASE, root)
    assert build(root, now_option=NOW).ok
    return root


@pytest.fixture
def built_repo(built_once: Path, tmp_path: Path) -> Path:
    """A content repository with a site already built (the one that must survive)."""
    return Path(shutil.copytree(built_once, tmp_path / "repo", symlinks=True))


digest = site_digest


def failed_build(root: Path) -> tuple[Result, str]:
    """Build through the CLI; returns the result and the one paragraph it printed."""
    before = digest(root / "site")
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--now", NOW])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # no exception escaped to the user
    assert "Traceback" not in result.output and 'File "' not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: MkDocs failed"), result.stderr
    assert digest(root / "site") == before, "the previous site was touched"
    assert not [p.name for p in root.iterdir() if p.name.startswith(".site.")], (
        "a temporary folder was left"
    )
    return result, lines[0]


def broken_theme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, main_html: str) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(publish.THEME_DIR, theme)
    (theme / "main.html").write_text(main_html, encoding="utf-8")
    monkeypatch.setattr(publish, "THEME_DIR", theme)


def extra_extension(monkeypatch: pytest.MonkeyPatch, extension: object) -> None:
    original: Callable[..., dict[str, object]] = publish.mkdocs_config

    def config(*args: object) -> dict[str, object]:
        data = original(*args)
        data["markdown_extensions"] = [*data["markdown_extensions"], extension]  # type: ignore[misc]
        return data

    monkeypatch.setattr(publish, "mkdocs_config", config)


def test_theme_override_with_a_syntax_error(
    built_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken_theme(
        tmp_path,
        monkeypatch,
        '{% extends "base.html" %}\n{% block content %}\n{{ super( }}\n{% endblock %}\n',
    )
    _, paragraph = failed_build(built_repo)
    assert "TemplateSyntaxError in main.html, line 3: unexpected '}', expected ')'" in paragraph
    assert HINT in paragraph


def test_theme_override_that_fails_while_rendering(
    built_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken_theme(
        tmp_path,
        monkeypatch,
        '{% extends "base.html" %}\n{% block content %}\n\n{% include "partials/relais-missing.html" %}\n'
        "{% endblock %}\n",
    )
    _, paragraph = failed_build(built_repo)
    assert (
        "TemplateNotFound in main.html, line 4: 'partials/relais-missing.html' not found"
        in paragraph
    )


def test_unknown_option_of_a_markdown_extension(
    built_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra_extension(monkeypatch, {"toc": {"permalink": False, "no_such_option": 1}})
    _, paragraph = failed_build(built_repo)
    assert paragraph == (
        "error: MkDocs failed: Config value 'markdown_extensions': Failed to load extension 'toc'. "
        "KeyError: 'no_such_option'"
    )


def test_bad_value_of_a_markdown_extension(
    built_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra_extension(monkeypatch, {"toc": {"baselevel": "deux"}})
    _, paragraph = failed_build(built_repo)
    assert (
        "Failed to load extension 'toc'. ValueError: invalid literal for int() with base 10: 'deux'"
        in paragraph
    )


def test_missing_markdown_extension(built_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra_extension(monkeypatch, "relais_no_such_extension")
    _, paragraph = failed_build(built_repo)
    assert "Failed to load extension 'relais_no_such_extension'. ModuleNotFoundError" in paragraph
