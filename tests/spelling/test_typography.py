"""Typography rules: what each finds, what each leaves alone, and the fixes they propose."""

from __future__ import annotations

import pytest

from generator.spelling.typography import NBSP, NNBSP, findings


def codes(text: str, lang: str = "fr", markdown: bool = False) -> list[tuple[str, str]]:
    return [(f.code, text[f.start : f.end]) for f in findings(text, lang, markdown)]


def fixed(text: str, lang: str = "fr") -> str:
    edits = sorted((e for f in findings(text, lang) for e in f.edits), reverse=True)
    for start, end, new in edits:
        text = text[:start] + new + text[end:]
    return text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bonjour!", [("french-spacing", "!")]),
        ("Bonjour !", [("french-spacing", "!")]),
        ("Vraiment ?!", [("french-spacing", "?")]),
        ("Horaires : 9 h", [("french-spacing", ":")]),
        ("Ensuite; enfin", [("french-spacing", ";")]),
        ("Le «pain» du jour", [("french-spacing", "«"), ("french-spacing", "»")]),
        ("Le « pain » du jour", [("french-spacing", "«"), ("french-spacing", "»")]),
    ],
)
def test_french_spacing_is_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert codes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        f"Bonjour{NNBSP}! Ça va{NNBSP}?! Oui{NBSP}: très bien{NNBSP}; merci.",
        f"Le «{NBSP}pain{NBSP}» du jour",
        "Rendez-vous à 9:30, au format 16:9.",
        "Merci à tous :) et à bientôt ;-)",
        "Voir https://exemple.fr/page?x=1&y=2 ou www.exemple.fr/a!b",
        "Écrire à contact@exemple.fr, code `a: b` et [[votre avis : ici]]",
        "| Étape | Quand |\n|:------|------:|\n| A | B |",
        "Une image ![alt](media/x.png) ici",
        "?\nLigne suivante",
        ":croissant: en short code",
    ],
)
def test_french_spacing_leaves_these_alone(text: str) -> None:
    assert codes(text, markdown=True) == []


def test_the_fix_writes_the_right_no_break_space() -> None:
    assert fixed("Bonjour ! Ça va? Oui : bien; merci.") == (
        f"Bonjour{NNBSP}! Ça va{NNBSP}? Oui{NBSP}: bien{NNBSP}; merci."
    )
    assert fixed("Le «pain» et le « vin »") == f"Le «{NBSP}pain{NBSP}» et le «{NBSP}vin{NBSP}»"


def test_doubled_words() -> None:
    assert codes("Il faut le le faire et de de même") == [
        ("doubled-word", "le"),
        ("doubled-word", "de"),
    ]
    assert codes("Le\nle pain") == [("doubled-word", "le")]
    assert codes("Vous vous inscrivez, nous nous occupons du reste. Miam miam !") == [
        ("french-spacing", "!")
    ]
    assert codes("I know that that is the the best", "en") == [("doubled-word", "the")]
    assert codes("Le `code` le pain, le\n\nle paragraphe") == []
    assert codes("Pain #Lyon Lyon") == []


def test_mixed_apostrophes_are_reported_once_and_fixed_to_the_majority() -> None:
    text = "L’équipe d’ici et l’atelier de l'apprenti"
    found = findings(text, "fr")
    assert [(f.code, f.start) for f in found] == [("mixed-apostrophes", text.index("l'a") + 1)]
    assert fixed(text) == "L’équipe d’ici et l’atelier de l’apprenti"
    assert fixed("It's what we're doing, it’s", "en") == "It's what we're doing, it's"
    assert codes("L’équipe d’ici") == [] and codes("L'équipe d'ici") == []


def test_english_space_before_punctuation() -> None:
    assert codes("Hello , world !", "en") == [
        ("space-before-punctuation", ","),
        ("space-before-punctuation", "!"),
    ]
    assert fixed("Hello , world !", "en") == "Hello, world!"
    assert codes("Smile :) and ... then .NET or [[your name]].", "en") == []
    assert codes("Note: colons are fine; so is this!", "en") == []


def test_french_space_before_comma_or_full_stop() -> None:
    assert codes("Bonjour , le monde .") == [
        ("space-before-punctuation", ","),
        ("space-before-punctuation", "."),
    ]


def test_other_languages_have_no_typography_rules_here() -> None:
    assert codes("Das ist die die Frage !", "de") == []
