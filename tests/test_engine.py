"""The engine's seam (generator/engine.py): which engine builds, what a wrong choice says, and a
smoke test of the portal the selected engine built.

`make test` runs this module twice: in .venv with MkDocs and Material, and in .venv-engines
with RELAIS_ENGINE=materialx and properdocs-materialx (`make test-engines`), with the
browser and search tests of the home page (docs/contributor/engines.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import engine
from generator.cli import cli
from generator.publish import mkdocs_config
from generator.site import Site
from tests.helpers import site_digest

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "corpus" / "_base"
NOW = "2026-12-01T08:00"
UNKNOWN = (
    "unknown engine 'hugo' in RELAIS_ENGINE; "
    "choose one of mkdocs, properdocs, materialx, properdocs-materialx"
)
SITE = Site(
    pages={}, files={}, copies={}, nav=[], language="fr", name="P", url="https://p.example/"
)


def test_the_engine_under_test_is_the_one_asked_for() -> None:
    """The smoke test below checks the engine RELAIS_ENGINE names, not the default by mistake."""
    asked = os.environ.get(engine.ENGINE_VARIABLE) or engine.DEFAULT
    assert engine.selected().name == asked


def test_the_selected_engine_built_the_portal_with_its_own_theme(built_demo: Path) -> None:
    """The demo as a reader gets it: every kind of page, the theme's own assets (the files of
    the theme this engine installs), the CSP first and no inline script, the icons, the search
    index with Relais' entries, the calendar files written beside the engine's output."""
    chosen = engine.selected()
    home = (built_demo / "index.html").read_text(encoding="utf-8")
    for page in ("archive", "calendar", "kits", "watch", "ambassadors", "moderation", "stats"):
        assert (built_demo / page / "index.html").is_file(), page
    assert len(list(built_demo.rglob("index.html"))) > 100
    bundle = re.search(r'href="assets/stylesheets/(main\.[0-9a-f]+\.min\.css)"', home)
    assert bundle is not None
    theme_assets = engine.icons().parent / "assets" / "stylesheets"
    assert (theme_assets / bundle[1]).is_file(), f"not {chosen.theme_distribution}'s stylesheet"
    head = home[home.index("<head>") : home.index("</head>")]
    metas = re.findall(r"<meta [^>]*>", head)
    assert metas[0] == '<meta charset="utf-8">'
    assert metas[1].startswith('<meta http-equiv="Content-Security-Policy"'), metas[1]
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", home)
    assert inline == ['<script id="__config" type="application/json">']
    assert 'id="relais-linkedin"' in home, "the networks' icons"
    index = json.loads((built_demo / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["fr"]
    locations = {doc["location"] for doc in index["docs"]}
    assert any(location.startswith("posts/") for location in locations), "the posts"
    assert len(list((built_demo / "posts").glob("*/index.html"))) > 20
    assert list(built_demo.rglob("*.ics")), "the calendar files"


def test_the_mkdocs_yml_names_the_selected_theme_and_its_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(engine.ENGINE_VARIABLE, "materialx")
    config = mkdocs_config(SITE, Path("docs"), Path("site"))
    assert config["theme"]["name"] == "materialx"
    # Material's lunr index, where Relais writes its entries, not Pagefind (WebAssembly).
    assert config["plugins"] == [{"search": {"provider": "lunr", "lunr": {"lang": "fr"}}}]
    monkeypatch.delenv(engine.ENGINE_VARIABLE)
    config = mkdocs_config(SITE, Path("docs"), Path("site"))
    assert config["theme"]["name"] == "material"
    assert config["plugins"] == [{"search": {"lang": "fr"}}]


def test_an_unknown_engine_is_refused_with_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(engine.ENGINE_VARIABLE, "hugo")
    with pytest.raises(engine.EngineError) as refused:
        engine.selected()
    assert str(refused.value) == UNKNOWN


def test_an_engine_not_installed_says_which_extra_installs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ghost = engine.Engine(
        "ghost",
        runner="ghostdocs",
        theme="ghost",
        theme_package="ghost_theme",
        theme_distribution="ghost-theme",
        extra="ghost",
    )
    monkeypatch.setitem(engine.ENGINES, "ghost", ghost)
    monkeypatch.setenv(engine.ENGINE_VARIABLE, "ghost")
    with pytest.raises(engine.EngineError, match=r"pip install 'relais\[ghost\]'"):
        engine.selected()


def test_theme_files_of_another_distribution_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """mkdocs-material and mkdocs-materialx share the folder `material/`: an engine whose
    distribution did not install the files there must not build with them."""
    impostor = engine.Engine(
        "impostor",
        runner="mkdocs",
        theme="material",
        theme_package="material",
        theme_distribution="mkdocs",  # installed, but not at the version of material/'s files
        extra="",
    )
    monkeypatch.setitem(engine.ENGINES, "impostor", impostor)
    monkeypatch.setenv(engine.ENGINE_VARIABLE, "impostor")
    with pytest.raises(engine.EngineError, match="install the same folder"):
        engine.selected()


def test_properdocs_refuses_a_process_where_mkdocs_itself_was_imported() -> None:
    """ProperDocs answers `mkdocs.*` imports with its own modules only if MkDocs' were not
    loaded first: a mix of the two would fail later, deep inside a plugin. (A process of its
    own: this one may have built with either already.)"""
    script = (
        "import mkdocs.config\n"
        "from generator import engine\n"
        "try:\n"
        "    engine._runner(engine.ENGINES['properdocs'], 'commands.build')\n"
        "except engine.EngineError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == (
        "MkDocs itself was imported before ProperDocs in this process: "
        "run the properdocs engine in a process of its own"
    )


def test_a_build_with_an_engine_that_is_not_there_fails_in_one_paragraph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(shutil.copytree(BASE, tmp_path / "repo"))
    assert CliRunner().invoke(cli, ["build", "--root", str(root), "--now", NOW]).exit_code == 0
    before = site_digest(root / "site")
    monkeypatch.setenv(engine.ENGINE_VARIABLE, "hugo")
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--now", NOW])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"error: {UNKNOWN}"]
    assert site_digest(root / "site") == before
