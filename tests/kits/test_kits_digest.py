"""`relais digest`: the week's kits as e-mail HTML and Markdown; nothing to share writes nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.kits.cli import digest_command
from generator.kits.digest import parse_week, week_label
from tests.kits.conftest import KIT_CONFIG, kit_files, post_file

NOW = ["--now", "2026-12-01T08:00"]


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo(kit_files(), config=KIT_CONFIG)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(digest_command, list(args))
    return result.exit_code, result.output


def test_weeks_are_iso_weeks() -> None:
    assert str(parse_week("2026-W49")) == "2026-11-30"
    assert str(parse_week("2027-w1")) == "2027-01-04"
    assert week_label(parse_week("2026-W53")) == "2026-W53"
    with pytest.raises(ValueError, match="week 53 does not exist in 2027"):
        parse_week("2027-W53")
    with pytest.raises(ValueError, match="'49' is not an ISO week like 2026-W49"):
        parse_week("49")


def test_the_digest_is_registered_on_relais() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "digest", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "--week YYYY-Www" in result.stdout


def test_a_week_with_kits_writes_html_and_markdown(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run("--root", str(repo), "--out", str(out), *NOW)
    assert code == 0
    assert output == (
        f"Wrote {out}/relais-digest-2026-W49.html and {out}/relais-digest-2026-W49.md: "
        "2 kits for week 2026-W49.\n"
    )
    markdown = (out / "relais-digest-2026-W49.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Les kits à partager, semaine 49 de 2026\n")
    assert "## [Gamme d'hiver](<https://portal.example.org/kits/#kit-gamme-hiver>)" in markdown
    assert (
        "## [Livraison à vélo](<https://portal.example.org/kits/#kit-livraison-velo>)" in markdown
    )
    assert (
        "> Mon préféré : \\[\\[votre pain préféré\\]\\]" not in markdown
    )  # everyone gets the first variant
    assert "> Première suggestion LinkedIn." in markdown
    # Neither the embargoed post (its window is open, its publication is not) nor the closed kit.
    for absent in (
        "Projet secret",
        "secret-launch",
        "Texte secret",
        "Ancien kit",
        "Opération annulée",
    ):
        assert absent not in markdown
        assert absent not in (out / "relais-digest-2026-W49.html").read_text(encoding="utf-8")


def test_the_html_is_made_for_mail_clients(repo: Path, tmp_path: Path) -> None:
    run("--root", str(repo), "--out", str(tmp_path), *NOW)
    page = (tmp_path / "relais-digest-2026-W49.html").read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert '<meta charset="utf-8">' in page
    for banned in ("<style", "<script", "<link", " class=", "<div"):
        assert banned not in page
    assert page.count('role="presentation"') >= 3
    assert all(
        href.startswith("https://portal.example.org/")
        for href in re.findall(r'href="([^"]+)"', page)
    )
    assert (
        '<img src="https://portal.example.org/media/hiver.png" alt="Trois pains sur une table"'
        in page
    )
    assert "Mon préféré" not in page


def test_an_ambassadors_digest_links_to_their_page_with_their_variants(
    repo: Path, tmp_path: Path
) -> None:
    code, output = run(
        "--root",
        str(repo),
        "--out",
        str(tmp_path),
        "--ambassador",
        "ben-marchand",
        "--week",
        "2026-W49",
        *NOW,
    )
    assert code == 0, output
    markdown = (tmp_path / "relais-digest-2026-W49-ben-marchand.md").read_text(encoding="utf-8")
    assert markdown.startswith(
        "# Les kits à partager, semaine 49 de 2026\n\nBonjour Ben Marchand,\n"
    )
    # Ben speaks English: the English kit first; his networks only (X, Instagram).
    titles = re.findall(r"^## \[(.+?)\]\(<(.+?)>\)", markdown, re.MULTILINE)
    assert titles == [
        (
            "Livraison à vélo",
            "https://portal.example.org/ambassadors/ben-marchand/#kit-livraison-velo",
        ),
        ("Gamme d'hiver", "https://portal.example.org/ambassadors/ben-marchand/#kit-gamme-hiver"),
    ]
    assert "**LinkedIn**" not in markdown and "**Instagram**" in markdown


def test_a_private_ambassador_gets_links_to_the_shared_page(repo: Path, tmp_path: Path) -> None:
    code, _ = run("--root", str(repo), "--out", str(tmp_path), "--ambassador", "cleo-hidden", *NOW)
    assert code == 0
    markdown = (tmp_path / "relais-digest-2026-W49-cleo-hidden.md").read_text(encoding="utf-8")
    assert "https://portal.example.org/kits/#kit-gamme-hiver" in markdown
    assert "ambassadors/cleo-hidden" not in markdown


def test_nothing_to_share_writes_nothing(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    code, output = run("--root", str(repo), "--out", str(out), "--week", "2027-W30", *NOW)
    assert code == 0
    assert (
        output == "Nothing to share in week 2027-W30: no kit is open that week. No file written.\n"
    )
    assert not out.exists()


def test_the_default_week_is_the_week_of_now(repo: Path, tmp_path: Path) -> None:
    code, output = run("--root", str(repo), "--out", str(tmp_path), "--now", "2026-12-20T23:00")
    assert code == 0 and "week 2026-W51" in output


def test_usage_errors_exit_2(repo: Path, tmp_path: Path) -> None:
    code, output = run("--root", str(repo), "--week", "2026-49", *NOW)
    assert (
        code == 2
        and "Invalid value for --week: '2026-49' is not an ISO week like 2026-W49" in output
    )
    code, output = run("--root", str(repo), "--ambassador", "ana-lopes", *NOW)
    assert (
        code == 2
        and "no ambassador 'ana-lopes' (ambassadors/ana-lopes.yml); did you mean 'ana-lopez'?"
        in output
    )


def test_content_errors_write_no_digest(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    files = kit_files()
    files["content/posts/interdit.md"] = post_file("""
title: Gratuit à vie
date: 2026-11-30T09:00
networks: [linkedin]
link: https://www.example.org/i
share:
  messages:
    linkedin: Texte.
""")
    root = make_repo(files, config=KIT_CONFIG)
    code, output = run("--root", str(root), "--out", str(tmp_path / "out"), *NOW)
    assert code == 1
    assert "[blocked-word]" in output and "no digest written because of content errors" in output
    assert not (tmp_path / "out").exists()


def test_the_same_week_gives_the_same_bytes(repo: Path, tmp_path: Path) -> None:
    run("--root", str(repo), "--out", str(tmp_path / "a"), *NOW)
    run("--root", str(repo), "--out", str(tmp_path / "b"), *NOW)
    for name in ("relais-digest-2026-W49.html", "relais-digest-2026-W49.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_past_week_links_closed_kits_to_their_archive_month(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _ = run("--root", str(repo), "--out", str(out), "--week", "2026-W46", *NOW)
    assert code == 0
    markdown = (out / "relais-digest-2026-W46.md").read_text(encoding="utf-8")
    assert (
        "## [Ancien kit](<https://portal.example.org/kits/archive/2026-11/#kit-ancien-kit>)"
        in markdown
    )
