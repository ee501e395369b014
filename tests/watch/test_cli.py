"""`relais watch`: exit codes, the summary table, OPML import into site_config.yml and export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.watch.cli import watch

from .conftest import FEEDS, error, file

SITE = """\
site:
  name: Maison Exemple
  url: https://portal.example.org/
  language: fr
  timezone: Europe/Paris
networks:
  linkedin: {}
watch:
  themes: {secteur: Secteur}
  feeds:
    - id: actu
      url: {good}
      theme: secteur
    - id: panne
      url: {bad}
      theme: secteur
  allow_private_addresses: true   # the test server is on 127.0.0.1
  timeouts: {connect: 1, read: 1, total: 2}
"""


@pytest.fixture
def project(tmp_path: Path, server) -> Path:
    good = server.route("/good", file("good.xml"))
    bad = server.route("/bad", error(500))
    (tmp_path / "site_config.yml").write_text(
        SITE.replace("{good}", good).replace("{bad}", bad), encoding="utf-8"
    )
    return tmp_path


def run(*args: str) -> object:
    return CliRunner().invoke(watch, list(args), catch_exceptions=False)


def test_fetch_prints_a_summary_and_exits_0_even_when_a_feed_fails(project: Path):
    result = run("fetch", "--root", str(project), "--now", "2025-12-16T12:00")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["feed", "status", "new", "error"]
    assert lines[2].split()[:3] == ["actu", "ok", "3"]
    assert lines[3].startswith("panne  failed: http-500")
    assert "(last success: never)" in lines[3]
    assert lines[-1].startswith(
        "2 feeds, 3 new entries, 1 failed (their last good entries are kept"
    )
    assert (project / ".relais/watch/state.json").is_file()
    again = run("fetch", "--root", str(project), "--now", "2025-12-16T13:00")
    assert again.output.splitlines()[2].split()[:3] == ["actu", "ok", "0"]


def test_a_broken_site_config_exits_1_with_diagnostics(project: Path):
    path = project / "site_config.yml"
    path.write_text(
        path.read_text().replace(
            "theme: secteur\n    - id: panne", "theme: secteurs\n    - id: panne"
        )
    )
    result = run("fetch", "--root", str(project))
    assert result.exit_code == 1
    assert (
        "site_config.yml:13: error: feed 'actu' has unknown theme 'secteurs' [watch-unknown-theme]"
        in result.output
    )
    assert not (project / ".relais").exists()


def test_no_site_config_exits_1(tmp_path: Path):
    assert run("fetch", "--root", str(tmp_path)).exit_code == 1


def test_import_appends_feeds_and_themes_and_keeps_the_rest(project: Path):
    before = (project / "site_config.yml").read_text()
    result = run("import", str(FEEDS / "readers.opml"), "--root", str(project))
    assert result.exit_code == 0, result.output
    assert "added 4 feeds and 3 themes (concurrence, sous-dossier, imported)" in result.output
    after = (project / "site_config.yml").read_text()
    assert after.startswith(before.split("watch:")[0])
    assert (
        '  themes: {secteur: Secteur, concurrence: "Concurrence", sous-dossier: "Sous-dossier", '
        'imported: "Imported"}\n' in after
    )
    assert "  allow_private_addresses: true   # the test server is on 127.0.0.1\n" in after
    data = yaml.safe_load(after)
    assert [f["id"] for f in data["watch"]["feeds"]][:2] == ["actu", "panne"]
    assert len(data["watch"]["feeds"]) == 6
    again = run("import", str(FEEDS / "readers.opml"), "--root", str(project))
    assert again.exit_code == 0 and "no new feed to add" in again.output


def test_import_dry_run_and_bad_file(project: Path, tmp_path: Path):
    before = (project / "site_config.yml").read_text()
    dry = run("import", str(FEEDS / "readers.opml"), "--root", str(project), "--dry-run")
    assert "fournil.example" in dry.output and (project / "site_config.yml").read_text() == before
    bomb = tmp_path / "bomb.opml"
    bomb.write_text('<!DOCTYPE opml [<!ENTITY a "a">]><opml><body/></opml>')
    bad = run("import", str(bomb), "--root", str(project))
    assert bad.exit_code == 1 and "refused" in bad.output


def test_export(project: Path, tmp_path: Path):
    result = run("export", "--root", str(project))
    assert result.exit_code == 0
    assert result.output.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert 'relaisId="actu"' in result.output
    out = tmp_path / "feeds.opml"
    assert run("export", "--root", str(project), "-o", str(out)).exit_code == 0
    assert out.read_text() == result.output


@pytest.mark.parametrize(
    ("now", "epoch", "said"),
    [
        ("lundi", None, "'lundi' is not a date-time like 2026-12-01T08:00"),
        (None, "demain", "SOURCE_DATE_EPOCH='demain' is not a number of seconds"),
    ],
)
def test_a_bad_time_is_refused_as_relais_build_refuses_it(
    project: Path, monkeypatch: pytest.MonkeyPatch, now: str | None, epoch: str | None, said: str
) -> None:
    """`relais watch` reads --now and SOURCE_DATE_EPOCH with the build's own clock (clock.py)."""
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    args = ["fetch", "--root", str(project)] + (["--now", now] if now else [])
    result = CliRunner().invoke(watch, args)
    assert result.exit_code == 2, result.output
    assert said in result.output
    assert not (project / ".relais").exists()  # refused before anything is fetched or written


def test_source_date_epoch_is_the_time_of_a_fetch_without_now(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nightly job pins SOURCE_DATE_EPOCH: the watch fetches at that time, as the build does."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765886400")  # 2025-12-16T12:00Z
    pinned = run("fetch", "--root", str(project))
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert pinned.exit_code == 0, pinned.output
    state = json.loads((project / ".relais/watch/state.json").read_text(encoding="utf-8"))
    # in the site's zone, as the build shows it
    assert state["feeds"]["actu"]["last_success"] == "2025-12-16T13:00:00+01:00"
