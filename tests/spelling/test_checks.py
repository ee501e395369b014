"""What the spelling check accepts and why: dictionaries, declared words, languages, variants."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.diagnostics import Diagnostic, format_github, warning
from tests.helpers import post_text

NOW = "2026-12-01T08:00"


def site(extra: str = "", language: str = "fr") -> str:
    return (
        f"site:\n  name: Boulangerie Zorglub\n  url: https://example.org/\n  language: {language}\n"
        f"networks:\n  linkedin: {{}}\n  x: {{}}\n{extra}"
    )


def make(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def flagged(root: Path, *args: str) -> list[str]:
    result = CliRunner().invoke(
        cli, ["check", "--root", str(root), "--now", NOW, "--format", "json", *args]
    )
    return [
        f"{d['file']}:{d['line']}:{d['code']}:{d['message'].split(chr(39))[1] if d['code'] == 'spelling' else d['message']}"
        for d in json.loads(result.stdout)
        if d["code"] in ("spelling", "spelling-dictionary")
    ]


def test_declared_words_are_accepted_everywhere(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "site_config.yml": site("spelling:\n  words: [Quimperlé, Lugdunum]\n"),
            "dictionary.txt": "# places\nFlibustier   # the shop\nvraimant\n",
            "calendar/campaigns.yml": "- id: c\n  title: Opération Glouglou\n  start: 2026-12-01\n  end: 2026-12-31\n",
            "calendar/key-dates.yml": "- id: k\n  title: Salon Pâtissimo\n  date: 2026-12-10\n",
            "ambassadors/a.yml": "name: Ysaline Kervarec\n",
            "content/posts/p.md": post_text(
                "Zorglub, Quimperlé, Lugdunum, Flibustier et VRAIMANT",
                body="Avec Ysaline Kervarec, pour Glouglou au salon Pâtissimo, sur LinkedIn et Bluesky.\n",
            ),
        },
    )
    assert flagged(root) == []


def test_a_capitalised_declared_name_is_not_a_lowercase_word(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "site_config.yml": site(),
            "dictionary.txt": "Zapatouille\n",
            "content/posts/p.md": post_text("Le zapatouille et ZAPATOUILLE", body=""),
        },
    )
    assert flagged(root) == ["content/posts/p.md:2:spelling:zapatouille"]


def test_a_post_ignores_its_own_words(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "site_config.yml": site(),
            "content/posts/a.md": post_text(
                "Le machinbidule", spelling={"ignore": ["machinbidule"]}, body=""
            ),
            "content/posts/b.md": post_text("Le machinbidule", body=""),
        },
    )
    assert flagged(root) == ["content/posts/b.md:2:spelling:machinbidule"]


def test_the_language_of_the_post_chooses_the_dictionary(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "site_config.yml": site(),
            "content/posts/en.md": post_text(
                "Our colour and color, the bakery", lang="en", body=""
            ),
            "content/posts/gb.md": post_text("Our colour and color", lang="en-GB", body=""),
            "content/posts/us.md": post_text("Our colour and color", lang="en-US", body=""),
            "content/posts/fr.md": post_text("Notre boulangerie et the bakery", body=""),
        },
    )
    assert flagged(root) == [
        "content/posts/fr.md:2:spelling:the",
        "content/posts/fr.md:2:spelling:bakery",
        "content/posts/gb.md:2:spelling:color",
        "content/posts/us.md:2:spelling:colour",
    ]


def test_the_site_may_name_its_english(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "site_config.yml": site("spelling:\n  variants: {en: en-GB}\n", language="en"),
            "content/posts/p.md": post_text("Our colour, not our color", body=""),
        },
    )
    assert flagged(root) == ["content/posts/p.md:2:spelling:color"]


def test_a_language_without_a_dictionary_is_reported_once(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "site_config.yml": site(),
            "content/posts/a.md": post_text("Bom dia", lang="zz", body=""),
            "content/posts/b.md": post_text("Obrigado", lang="zz", body=""),
        },
    )
    [only] = flagged(root)
    assert only.startswith("content/posts/a.md:2:spelling-dictionary:no zz dictionary (zz.dic)")
    assert "2 texts in 'zz' is not checked" in only


def test_dictionaries_are_found_in_relais_dictionaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "dicts"
    folder.mkdir()
    (folder / "zz.aff").write_text("SET UTF-8\nTRY abcdefghijklmnopqrstuvwxyz\n", encoding="utf-8")
    (folder / "zz.dic").write_text("3\nbom\ndia\nobrigado\n", encoding="utf-8")
    monkeypatch.setenv("RELAIS_DICTIONARIES", str(folder))
    root = make(
        tmp_path / "repo",
        {
            "site_config.yml": site(),
            "content/posts/a.md": post_text("Bom dia, obrigadu", lang="zz", body=""),
        },
    )
    result = CliRunner().invoke(
        cli, ["check", "--root", str(root), "--now", NOW, "--format", "json"]
    )
    [d] = [d for d in json.loads(result.stdout) if d["code"] == "spelling"]
    assert d["message"].startswith("'obrigadu' is not in the zz dictionary")
    assert "'obrigado'" in d["hint"]


def test_severity_can_make_spelling_an_error(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "site_config.yml": site("rules:\n  severity: {spelling: error}\n"),
            "content/posts/p.md": post_text("Un acceuil chaleureux", body=""),
        },
    )
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--now", NOW])
    assert result.exit_code == 1
    assert (
        "content/posts/p.md:2:11: error: 'acceuil' is not in the French dictionary" in result.stdout
    )


def test_cancelled_posts_and_private_ambassadors_are_not_published(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "site_config.yml": site(),
            "ambassadors/a.yml": "name: Anne\nteam: Équipe machinbidule\npublic: false\n",
            "content/posts/p.md": post_text("Un acceuil", status="cancelled", body=""),
        },
    )
    assert flagged(root) == []


def test_hashtags_accept_missing_accents_and_run_together_words(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "site_config.yml": site(),
            "content/posts/p.md": post_text(
                "Titre",
                messages={"linkedin": "#BucheDeNoel #FeteDesLumieres #painhiver #PainDHivre"},
                body="",
            ),
        },
    )
    assert flagged(root) == ["content/posts/p.md:6:spelling:Hivre"]


def test_changed_reports_spelling_of_changed_files_only(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "site_config.yml": site(),
            "content/posts/old.md": post_text("Un acceuil", body=""),
            "content/posts/new.md": post_text("Titre", body=""),
        },
    )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(root)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True)
    (root / "content/posts/new.md").write_text(
        post_text("Un dévelopement", body=""), encoding="utf-8"
    )
    assert flagged(root, "--changed", "HEAD") == ["content/posts/new.md:2:spelling:dévelopement"]
    assert len(flagged(root)) == 2


def test_github_annotations_group_a_files_words_past_what_github_shows() -> None:
    few = [
        warning("a.md", i, "spelling", f"'w{i}' is not in the French dictionary") for i in (1, 2)
    ]
    assert format_github(few).count("::warning") == 2
    many: list[Diagnostic] = [
        warning(f"p{k}.md", line, "spelling", f"'w{line}' unknown", "did you mean 'x'?")
        for k in range(4)
        for line in range(1, 5)
    ]
    out = format_github(many).splitlines()
    annotations = [line for line in out if line.startswith("::warning")]
    assert len(annotations) == 4
    assert annotations[0].startswith("::warning file=p0.md,line=1,title=relais spelling (4)::")
    assert "line 3: 'w3' unknown (did you mean 'x'?)" in annotations[0].replace("%0A", "\n")
    assert out[-1] == "0 errors, 16 warnings"


def test_suggestions_are_bounded_for_blobs_and_wrong_languages(tmp_path: Path) -> None:
    """A pasted blob of letters or a repository read in the wrong language is still reported word
    by word, quickly: no suggestion for a word longer than any dictionary word, and none past the
    first SUGGESTED_WORDS distinct unknown words (each costs ~10 ms of CPU a letter)."""
    import random
    import time

    from generator.spelling.checks import LONGEST_SUGGESTED, SUGGESTED_WORDS

    rnd = random.Random(7)
    blob = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(4000))
    many = " ".join(
        "".join(rnd.choice("bcdfghjklmnpqrstvwxz") for _ in range(8))
        for _ in range(SUGGESTED_WORDS + 50)
    )
    root = make(
        tmp_path,
        {
            "site_config.yml": site(),
            "content/posts/p.md": post_text("Une boulangrie", body=f"{blob}\n\n{many}\n"),
        },
    )
    started = time.process_time()
    result = CliRunner().invoke(
        cli, ["check", "--root", str(root), "--now", NOW, "--format", "json"]
    )
    spent = time.process_time() - started
    found = [d for d in json.loads(result.stdout) if d["code"] == "spelling"]
    assert len(found) == 1 + 1 + SUGGESTED_WORDS + 50  # every unknown word is still reported
    by_word = {d["message"].split("'")[1]: d["hint"] for d in found}
    assert "did you mean 'boulangerie'" in by_word["boulangrie"]  # the first ones still helped
    assert len(blob) > LONGEST_SUGGESTED and "did you mean" not in by_word[blob]
    assert sum("did you mean" in f for f in by_word.values()) <= SUGGESTED_WORDS
    # Unbounded, the blob alone took ~40 s of CPU and the 350 words ~20 s: far above this.
    assert spent < 30, spent
