"""The fast paths of generator/networks.py give exactly what the slow libraries give.

Counting is the checker's hottest loop (every message of every post); the fast paths
skip twitter-text and the grapheme segmenter for plain text. These tests hold them to the libraries.
"""

from __future__ import annotations

import re
import unicodedata

import regex
from hypothesis import given, settings
from hypothesis import strategies as st
from twitter_text import parse_tweet  # type: ignore[import-untyped]
from twitter_text.extract_emojis import extract_emojis_with_indices  # type: ignore[import-untyped]

from generator import networks
from generator.kits.checks import fold
from generator.networks import compose, count

PLAIN_X = [chr(c) for c in range(0x3000) if networks._X_PLAIN.fullmatch(chr(c))]
ONE_CLUSTER = [chr(c) for c in range(0x3000) if networks._ONE_CLUSTER_EACH.fullmatch(chr(c))]


def test_every_plain_x_character_weighs_one_and_is_no_emoji() -> None:
    assert "é" in PLAIN_X and "’" in PLAIN_X and "©" not in PLAIN_X and "\u200d" not in PLAIN_X
    for c in PLAIN_X:
        assert unicodedata.normalize("NFC", c) == c
        assert parse_tweet(c).weightedLength == 1, hex(ord(c))
        assert not extract_emojis_with_indices(c), hex(ord(c))


def test_no_one_cluster_character_joins_a_neighbour() -> None:
    assert "\r" not in ONE_CLUSTER and "\u200d" not in ONE_CLUSTER and "\u0301" not in ONE_CLUSTER
    # Grapheme_Cluster_Break Other, Control or LF; pictographs join only through a ZWJ.
    joiners = regex.compile(
        r"[\p{Grapheme_Cluster_Break=Extend}\p{Grapheme_Cluster_Break=ZWJ}"
        r"\p{Grapheme_Cluster_Break=SpacingMark}\p{Grapheme_Cluster_Break=Prepend}"
        r"\p{Grapheme_Cluster_Break=CR}\p{Grapheme_Cluster_Break=Regional_Indicator}"
        r"\p{Hangul_Syllable_Type=L}\p{Hangul_Syllable_Type=V}\p{Hangul_Syllable_Type=T}"
        r"\p{Hangul_Syllable_Type=LV}\p{Hangul_Syllable_Type=LVT}]"
    )
    for c in ONE_CLUSTER:
        assert not joiners.match(c), hex(ord(c))


FRENCH = "Lancement « été » : l’équipe — 100 % levain, voir https://www.maison-exemple.fr/hiver ou e.org. "
MIXED = FRENCH + "日本👍\u200d🇫🇷©\r\n\u0301#@\u202f"


@settings(deadline=None)  # properties, not timings: the machine is shared (speed: bench/)
@given(st.text(alphabet=MIXED, max_size=160))
def test_x_fast_path_counts_like_twitter_text(text: str) -> None:
    normalised = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    assert count("x", text) == parse_tweet(normalised).weightedLength


@settings(deadline=None)  # properties, not timings: the machine is shared (speed: bench/)
@given(st.text(alphabet=MIXED, max_size=160))
def test_grapheme_fast_path_counts_like_the_segmenter(text: str) -> None:
    assert networks._graphemes(text) == len(regex.findall(r"\X", text))


@settings(deadline=None)  # properties, not timings: the machine is shared (speed: bench/)
@given(
    st.text(alphabet="ab .,;:!?)\n\u00a0" + "https://e.org/x", max_size=60),
    st.sampled_from(["https://e.org/x", "e.org", "a"]),
)
def test_link_found_like_the_regex_it_replaces(text: str, link: str) -> None:
    slow = re.search(rf"(?<!\S){re.escape(link)}[.,;:!?)]*(?!\S)", text) is not None
    assert networks.holds_link(text, link) == slow
    assert (compose(text, link=link) == text.strip()) == (slow and text.strip() != "")


@settings(deadline=None)  # properties, not timings: the machine is shared (speed: bench/)
@given(st.text(alphabet=MIXED + "ÉÈœŒßİ\u0130\u212b\ufb01 \t", max_size=120))
def test_kit_fold_drops_marks_like_before(text: str) -> None:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    assert fold(text) == re.sub(r"\s+", " ", plain.casefold())
