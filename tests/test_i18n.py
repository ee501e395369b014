"""The interface's words: plurals by Babel's rules, language and colour names, topic labels."""

from __future__ import annotations

import re
import tokenize
from pathlib import Path

import pytest

from generator.i18n import LABELS, LANGUAGES, PLURALS, Translator, colour_family, counted
from generator.model import SiteConfig

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("fr", 0, "0 kit"),  # French: zero takes the singular
        ("fr", 1, "1 kit"),
        ("fr", 2, "2 kits"),
        ("fr", 1500, "1\u202f500 kits"),
        ("en", 0, "0 kits"),
        ("en", 1, "1 kit"),
        ("en", 1500, "1,500 kits"),
    ],
)
def test_plurals_follow_each_languages_rules(lang: str, n: int, expected: str) -> None:
    assert Translator(lang).plural("kits_count", n) == expected


def test_french_many_falls_back_to_other() -> None:
    assert Translator("fr").plural("posts_count", 1_000_000) == "1\u202f000\u202f000 publications"


def test_every_plural_has_one_and_other_in_both_languages() -> None:
    for key, forms in PLURALS.items():
        assert set(forms) == set(LANGUAGES), key
        for lang in LANGUAGES:
            assert {"one", "other"} <= set(forms[lang]), (key, lang)
            assert all("{n}" in text for text in forms[lang].values()), (key, lang)


def test_no_placeholder_plural_anywhere_in_labels_templates_or_scripts() -> None:
    texts = [t for forms in LABELS.values() for t in forms.values()]
    texts += [t for forms in PLURALS.values() for f in forms.values() for t in f.values()]
    assert not [t for t in texts if "(s)" in t]
    # A word followed by "(s)": "kit(s)", "source(s)"; "http(s)" is a scheme, not a plural.
    placeholder = re.compile(r"\w\(s\)").search
    found = []
    for path in (ROOT / "generator").rglob("*.py"):
        with path.open("rb") as handle:
            for token in tokenize.tokenize(handle.readline):
                text = token.string.replace("http(s)", "")
                if token.type == tokenize.STRING and placeholder(text):
                    found.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    # Scripts: their string literals; templates: their text outside Jinja's tags.
    literal = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'")
    jinja = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
    for pattern, texts in (("*.js", literal.findall), ("*.j2", lambda t: [jinja.sub("", t)])):
        for path in (ROOT / "generator").rglob(pattern):
            for text in texts(path.read_text(encoding="utf-8")):
                if placeholder(text.replace("http(s)", "")):
                    found.append(f"{path.relative_to(ROOT)}: {text[:60]!r}")
    assert not found


def test_command_line_counts_in_english() -> None:
    assert counted(1, "feed") == "1 feed"
    assert counted(3, "feed") == "3 feeds"
    assert counted(2, "entry", "entries") == "2 entries"


@pytest.mark.parametrize(
    ("lang", "codes", "expected"),
    [
        ("fr", ["fr", "en"], "français et anglais"),
        ("en", ["fr", "en"], "French and English"),
        ("fr", ["fr-CA"], "français (Canada)"),
        ("en", ["xx-not-a-language"], "xx-not-a-language"),
    ],
)
def test_language_names_come_from_babel(lang: str, codes: list[str], expected: str) -> None:
    assert Translator(lang).languages(codes) == expected


@pytest.mark.parametrize(
    ("colour", "family"),
    [
        ("#1e88e5", "blue"),
        ("#f9a825", "yellow"),
        ("#fb8c00", "orange"),
        ("#43a047", "green"),
        ("#e53935", "red"),
        ("#8d6e63", "brown"),
        ("#8e24aa", "purple"),
        ("#ec407a", "pink"),
        ("#00897b", "teal"),
        ("#9e9e9e", "grey"),
        ("#000", "black"),
        ("#FFF", "white"),
    ],
)
def test_colours_are_named(colour: str, family: str) -> None:
    assert colour_family(colour) == family
    assert Translator("fr").colour(colour) == LABELS[f"colour_{family}"]["fr"]


def test_topics_show_their_labels_and_unknown_ids_stay_as_written() -> None:
    config = SiteConfig.model_validate(
        {
            "site": {"name": "P", "url": "https://p.example.org/"},
            "topics": {"evenement": "Événements", "rse": "RSE"},
        }
    )
    assert config.topic_label("evenement") == "Événements"
    assert config.topic_label("RSE") == "RSE"
    assert config.topic_label("Evenement") == "Événements"
    assert config.topic_label("jardinage") == "jardinage"
