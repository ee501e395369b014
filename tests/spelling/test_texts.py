"""Where a word of a published text is written: exact line and column through every YAML style."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.load import load
from generator.source import parse_yaml
from generator.spelling.checks import text_words
from generator.spelling.texts import Text, published_texts, scalar_offsets
from generator.spelling.words import words

SITE = """site:
  name: Test
  url: https://example.org/
  language: fr
networks:
  linkedin: {}
  x: {}
  mastodon: {}
"""


def place_of(text: Text, word: str) -> tuple[int, int]:
    found = [w for w in words(text.value, text.markdown) if w.text == word]
    assert found, f"{word!r} is not a word of {text.value!r}"
    return text.position(found[0].start)


def source_line(root: Path, file: str, line: int) -> str:
    return (root / file).read_text(encoding="utf-8").split("\n")[line - 1]


def post_repo(tmp_path: Path, front: str, body: str = "") -> tuple[Path, list[Text]]:
    (tmp_path / "site_config.yml").write_text(SITE, encoding="utf-8")
    posts = tmp_path / "content" / "posts"
    posts.mkdir(parents=True)
    (posts / "p.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    loaded = load(tmp_path)
    assert loaded.project is not None, loaded.diagnostics
    assert not [d for d in loaded.diagnostics if d.severity.value == "error"], loaded.diagnostics
    return tmp_path, list(published_texts(loaded.project))


FRONT_STYLES = {
    "plain": "title: Un titre avec zorglub dedans\n",
    "double quoted": 'title: "Un titre avec zorglub dedans"\n',
    "single quoted": "title: 'L''atelier et zorglub dedans'\n",
    "plain on two lines": "title: Un titre bien long qui continue\n  sur la ligne suivante avec zorglub\n",
    "double quoted, folded": 'title: "Un titre qui continue\n  \\t sur la ligne zorglub"\n',
    "escaped line break": 'title: "Un titre qui \\\n  continue zorglub"\n',
    "escape before": 'title: "\\u00e9t\\u00e9 puis zorglub"\n',
}


@pytest.mark.parametrize("style", FRONT_STYLES)
def test_a_word_of_a_title_is_found_where_it_is_written(tmp_path: Path, style: str) -> None:
    front = FRONT_STYLES[style] + "date: 2026-12-03T09:30\nnetworks: [linkedin]\n"
    root, texts = post_repo(tmp_path, front)
    title = next(t for t in texts if t.what == "title")
    line, column = place_of(title, "zorglub")
    assert source_line(root, title.file, line)[column - 1 :].startswith("zorglub")


BLOCKS = {
    "literal": "  linkedin: |\n    Première ligne.\n\n    Deuxième ligne avec zorglub.\n",
    "literal, stripped, with a comment": "  linkedin: |- # note\n    Première zorglub\n    fin\n",
    "folded": "  linkedin: >\n    Première ligne\n    puis zorglub\n\n    et la suite\n",
    "folded, more indented": "  linkedin: >-\n    Intro\n\n      retrait\n    puis zorglub\n",
    "indentation indicator": "  linkedin: |2\n      deux espaces en plus zorglub\n",
}


@pytest.mark.parametrize("style", BLOCKS)
def test_a_word_of_a_block_scalar_is_found_where_it_is_written(tmp_path: Path, style: str) -> None:
    front = (
        "title: Titre\ndate: 2026-12-03T09:30\nnetworks: [linkedin]\nmessages:\n" + BLOCKS[style]
    )
    root, texts = post_repo(tmp_path, front)
    message = next(t for t in texts if t.what == "messages.linkedin")
    line, column = place_of(message, "zorglub")
    assert source_line(root, message.file, line)[column - 1 :].startswith("zorglub")


def test_words_of_lists_variants_and_hashtags_are_found(tmp_path: Path) -> None:
    front = (
        "title: Titre\ndate: 2026-12-03T09:30\nnetworks: [linkedin, x]\n"
        "share:\n"
        "  hashtags: [Lyon, '#PainDZorglub']\n"
        "  messages:\n"
        "    linkedin:\n"
        "      - Première variante\n"
        "      - >-\n"
        "        Deuxième variante\n"
        "        avec zorglub\n"
        '    x: [Courte, "Autre zorglub"]\n'
    )
    root, texts = post_repo(tmp_path, front)
    for what in ("share.messages.linkedin[1]", "share.messages.x[1]", "share.hashtags[1]"):
        text = next(t for t in texts if t.what == what)
        found = [w for w in text_words(text) if w.text.lower() == "zorglub"]
        assert found, what
        line, column = text.position(found[0].start)
        assert source_line(root, text.file, line)[column - 1 :].lower().startswith("zorglub"), what


def test_words_of_the_brief_are_found_at_their_line(tmp_path: Path) -> None:
    body = (
        "# Brief\n\nUn paragraphe\nsur deux lignes avec zorglub.\n\n- une liste\n- avec zorglub\n"
    )
    root, texts = post_repo(tmp_path, "title: T\ndate: 2026-12-03T09:30\nnetworks: [x]\n", body)
    brief = next(t for t in texts if t.what == "brief")
    found = [w for w in words(brief.value, True) if w.text == "zorglub"]
    places = [brief.position(w.start) for w in found]
    assert places == [(9, 22), (12, 8)]
    for line, column in places:
        assert source_line(root, brief.file, line)[column - 1 :].startswith("zorglub")


def test_alias_values_are_found_at_their_anchor(tmp_path: Path) -> None:
    front = (
        "title: &t Titre avec zorglub\ndate: 2026-12-03T09:30\nnetworks: [linkedin]\n"
        "messages:\n  linkedin: *t\n"
    )
    _root, texts = post_repo(tmp_path, front)
    message = next(t for t in texts if t.what == "messages.linkedin")
    line, column = place_of(message, "zorglub")
    assert (line, column) == (2, 22)


def test_scalar_offsets_map_every_character_of_a_single_quoted_value() -> None:
    source = "k: 'L''équipe d''ici'\n"
    node_value = parse_yaml(source, "f.yml").data["k"]
    span = parse_yaml(source, "f.yml").lines.spans[("k",)]
    offsets = scalar_offsets(source, span[0], span[1], node_value)
    assert node_value == "L'équipe d'ici"
    assert "".join(source[i] for i in offsets) == "L'équipe d'ici"
    assert offsets[1] == source.index("''")


def test_a_page_title_from_its_front_matter_is_checked_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "site_config.yml").write_text(SITE, encoding="utf-8")
    pages = tmp_path / "content" / "pages"
    pages.mkdir(parents=True)
    (pages / "charte.md").write_text(
        "---\ntitle: Charte zorglub\n---\n\nTexte avec zorglub.\n", encoding="utf-8"
    )
    loaded = load(tmp_path)
    assert loaded.project is not None
    texts = list(published_texts(loaded.project))
    assert [place_of(t, "zorglub") for t in texts] == [(2, 15), (5, 12)]
