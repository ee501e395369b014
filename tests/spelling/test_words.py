"""What is a word to look up, and what is not (addresses, handles, code, numbers...)."""

from __future__ import annotations

import pytest

from generator.spelling.words import code_blocks, prose, words


def texts_of(text: str, markdown: bool = False) -> list[str]:
    return [w.text for w in words(text, markdown)]


@pytest.mark.parametrize(
    "text",
    [
        "https://www.exemple.fr/produits?id=12&ref=acceuil#ancre",
        "http://exemple.fr/acceuil!",
        "www.acceuil-lyon.fr/page",
        "acceuil-lyon.fr",
        "contact.acceuil@exemple.fr",
        "@acceuil_lyon",
        "@acceuil@mastodon.social",
        "@acceuil.bsky.social",
        "`acceuil = 1`",
        "``un `acceuil` double``",
        "[[votre acceuil]]",
        "<!-- acceuil -->",
        "<span class='acceuil'>",
        "&acceuil;",
        "visuel-acceuil.png",
        "9h30 1er 2e B2B 3D acceuil2026",
        "mailto:acceuil@exemple.fr",
        "tel:+33412345678",
    ],
)
def test_what_is_not_prose_gives_no_word(text: str) -> None:
    assert texts_of(text) == []


def test_markdown_masks_code_blocks_links_and_attributes() -> None:
    text = (
        "Texte [le lien](https://exemple.fr/acceuil) et ![image](media/acceuil.png).\n"
        "\n"
        "```python\n"
        "acceuil = True\n"
        "```\n"
        "\n"
        "    acceuil en retrait\n"
        "\n"
        "~~~\n"
        "acceuil\n"
        "~~~\n"
        "[ref]: https://exemple.fr/acceuil\n"
        '!!! note "Un titre"\n'
        "    Contenu { #acceuil .classe }\n"
    )
    assert texts_of(text, markdown=True) == [
        "Texte",
        "le",
        "lien",
        "et",
        "image",
        "Un",
        "titre",
        "Contenu",
    ]


def test_an_indented_list_continuation_is_prose() -> None:
    text = "- un point\n\n    suite du point avec mot\n"
    assert "mot" in texts_of(text, markdown=True)
    assert code_blocks("Texte\n\n    code\n\nSuite") == [(7, 16)]


def test_words_keep_elisions_compounds_and_their_offsets() -> None:
    text = "L'équipe d’ici, c'est-à-dire aujourd'hui : rock'n'roll et/ou _mot_."
    found = words(text)
    assert [w.text for w in found] == [
        "L'équipe",
        "d’ici",
        "c'est-à-dire",
        "aujourd'hui",
        "rock'n'roll",
        "et",
        "ou",
        "mot",
    ]
    for w in found:
        assert text[w.start : w.end] == w.text


def test_hashtags_are_split_at_their_capitals_and_marked() -> None:
    found = words("Bonne année #PainDHiver #BucheDeNoel #JO2024 #lyon C# #1")
    tags = [(w.text, w.hashtag) for w in found if w.hashtag]
    assert tags == [
        ("Pain", True),
        ("Hiver", True),
        ("Buche", True),
        ("De", True),
        ("Noel", True),
        ("JO", True),
        ("lyon", True),
    ]
    assert [w.text for w in found if not w.hashtag] == ["Bonne", "année", "C"]


def test_prose_keeps_length_and_lines() -> None:
    text = "Voir https://x.fr/a\net `code`\n"
    clean = prose(text)
    assert len(clean) == len(text)
    assert clean.count("\n") == text.count("\n")
    assert "https" not in clean and "code" not in clean


def test_emoji_and_numbers_split_no_word() -> None:
    assert texts_of("Noël🎄 à 12 € et 250 g de 👩‍🍳 farine") == [
        "Noël",
        "à",
        "et",
        "g",
        "de",
        "farine",
    ]
