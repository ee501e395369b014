"""The spelling corpus: French and English posts with real, common mistakes at known lines.

tests/spelling/corpus/ is a content repository (a bakery's posts, pages, calendar and
ambassadors) in which common misspellings and typography mistakes were planted at the
lines that tests/spelling/expected.txt lists, among traps that must not be flagged:
brands and places (declared), hashtags, elisions, handles, addresses, code, numbers,
prompts, British and American spellings. The misspellings come from public lists of
common mistakes (tests/spelling/SOURCES.md).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.spelling.checks import CODES

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
NOW = "2026-12-01T08:00"


@dataclass(frozen=True)
class Planted:
    file: str
    line: int
    code: str
    token: str  # the word (spelling, doubled-word) or the sign (typography) the message quotes

    def matches(self, d: dict[str, object]) -> bool:
        same_place = d["file"] == self.file and d["line"] == self.line and d["code"] == self.code
        # A text that mixes apostrophes is reported once, at the first odd one.
        quoted = self.code == "mixed-apostrophes" or f"'{self.token}'" in str(d["message"])
        return same_place and quoted


def planted() -> list[Planted]:
    out = []
    for row in (HERE / "expected.txt").read_text(encoding="utf-8").splitlines():
        where, rest = row.split(": ", 1)
        file, line = where.rsplit(":", 1)
        code, token = rest.split(" ", 1)
        out.append(Planted(file, int(line), code, token))
    return out


def check(root: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(
        cli, ["check", "--root", str(root), "--now", NOW, "--format", "json"]
    )
    assert result.exit_code == 0, result.output  # warnings only
    return [d for d in json.loads(result.output) if d["code"] in CODES]


def test_the_corpus_plants_what_it_says() -> None:
    """Each expected line holds its word: the corpus and its list cannot drift apart."""
    rows = planted()
    assert len(rows) >= 45
    assert {r.code for r in rows} == CODES - {"spelling-dictionary"}
    for row in rows:
        line = (CORPUS / row.file).read_text(encoding="utf-8").split("\n")[row.line - 1]
        token = "'" if row.code == "mixed-apostrophes" else row.token
        assert token in line, f"{row.file}:{row.line} does not hold {row.token!r}"


def test_every_planted_mistake_is_found_at_its_line_and_no_trap_is_flagged() -> None:
    diagnostics = check(CORPUS)
    rows = planted()
    missed = [r for r in rows if not any(r.matches(d) for d in diagnostics)]
    flagged = [d for d in diagnostics if not any(r.matches(d) for r in rows)]
    assert not flagged, "traps flagged:\n" + "\n".join(
        f"{d['file']}:{d['line']}: {d['message']}" for d in flagged
    )
    # The issue asks for 90 %; this corpus is held to all of them.
    assert not missed, f"{len(missed)} of {len(rows)} planted mistakes missed: {missed}"


def test_diagnostics_name_the_column_the_word_and_suggestions() -> None:
    by_word = {str(d["message"]).split("'")[1]: d for d in check(CORPUS) if d["code"] == "spelling"}
    acceuil = by_word["Acceuil"]
    line = (
        (CORPUS / str(acceuil["file"]))
        .read_text(encoding="utf-8")
        .split("\n")[int(str(acceuil["line"])) - 1]
    )
    column = int(str(acceuil["column"]))
    assert line[column - 1 : column - 1 + len("Acceuil")] == "Acceuil"
    assert acceuil["severity"] == "warning"
    assert "'Accueil'" in str(acceuil["hint"])
    assert "'receive'" in str(by_word["recieve"]["hint"])
    assert "'développement'" in str(by_word["dévelopement"]["hint"])
    for d in by_word.values():
        assert str(d["hint"]).count("'") <= 2 * 3 + 2  # at most three suggestions


def test_the_corpus_is_clean_once_its_mistakes_are_corrected(tmp_path: Path) -> None:
    """Correcting each planted word (and fixing the typography) leaves nothing to report."""
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root)
    corrections = {
        "dévelopement": "développement",
        "exceptionelle": "exceptionnelle",
        "traffic": "trafic",
        "profesionnalisme": "professionnalisme",
        "pouront": "pourront",
        "beleive": "believe",
        "wierd": "weird",
        "definately": "definitely",
        "recieve": "receive",
        "malgrés": "malgré",
        "succesful": "successful",
        "untill": "until",
        "dilemne": "dilemme",
        "résonnance": "résonance",
        "dorré": "doré",
        "parmis": "dans",
        "notament": "notamment",
        "Vraiement": "Vraiment",
        "sucès": "succès",
        "sincérement": "sincèrement",
        "Acceuil": "Accueil",
        "courrir": "courir",
        "rénumération": "rémunération",
        "passionant": "passionnant",
        "neccessary": "necessary",
        "truely": "truly",
        "goverment": "government",
        "colaborateur": "collaborateur",
        "the the": "the",
        "le le": "le",
    }
    for path in root.rglob("*"):
        if path.suffix in (".md", ".yml"):
            text = path.read_text(encoding="utf-8")
            for wrong, right in corrections.items():
                text = text.replace(wrong, right)
            path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--now", NOW, "--fix"])
    assert result.exit_code == 0, result.output
    left = list(check(root))
    assert left == [], "\n".join(f"{d['file']}:{d['line']}: {d['message']}" for d in left)


@pytest.mark.parametrize("name", ["hunspell-fr", "hunspell-en-us", "hunspell-en-gb"])
def test_the_dictionaries_are_installed(name: str) -> None:
    """The project's set-up installs them (scripts/install-dictionaries.sh): a test run
    without them would check nothing and pass."""
    from generator.spelling.dictionaries import find

    dictionary = {"hunspell-fr": "fr", "hunspell-en-us": "en_US", "hunspell-en-gb": "en_GB"}[name]
    assert find(dictionary) is not None, f"install {name}: sh scripts/install-dictionaries.sh"
