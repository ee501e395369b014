"""`relais build --fetch`: the feeds are refreshed from the network, then the portal shows them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from tests.conftest import DEMO_NOW, MINIMAL_CONFIG
from tests.helpers import LocalServer

from .conftest import file


def _repo(root: Path, url: str) -> Path:
    root.mkdir()
    watch = (
        "watch:\n"
        "  themes: {secteur: Secteur}\n"
        "  allow_private_addresses: true\n"  # the test's server is on 127.0.0.1
        "  max_age_days: 3650\n"
        "  feeds:\n"
        f"    - {{id: actu, url: '{url}', theme: secteur}}\n"
    )
    (root / "site_config.yml").write_text(MINIMAL_CONFIG + watch, encoding="utf-8")
    return root


def test_build_fetch_refreshes_the_cache_then_shows_the_entries(
    server: LocalServer, tmp_path: Path
) -> None:
    root = _repo(tmp_path / "repo", server.route("/feed.xml", file("good.xml")))
    plain = CliRunner().invoke(cli, ["build", "--root", str(root), "--now", DEMO_NOW])
    assert plain.exit_code == 0, plain.output
    assert server.hits("/feed.xml") == 0  # a build never touches the network by itself
    page = root / "site" / "watch" / "secteur" / "index.html"
    assert "La Maison Exemple ouvre une boulangerie" not in page.read_text(encoding="utf-8")

    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--now", DEMO_NOW, "--fetch"])
    assert result.exit_code == 0, result.output
    assert server.hits("/feed.xml") == 1
    assert (root / ".relais" / "watch" / "feeds" / "actu.json").is_file()
    assert "La Maison Exemple ouvre une boulangerie" in page.read_text(encoding="utf-8")


def test_build_fetch_with_a_failing_feed_still_builds_and_says_so(
    server: LocalServer, tmp_path: Path
) -> None:
    """A feed that fails is a status on the watch page, not a failed build."""
    root = _repo(tmp_path / "repo", server.url("/missing.xml"))  # no route: 404
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--now", DEMO_NOW, "--fetch"])
    assert result.exit_code == 0, result.output
    assert server.hits("/missing.xml") == 1
    index = (root / "site" / "watch" / "index.html").read_text(encoding="utf-8")
    assert "relais-watch-stale" in index or "en échec" in index
