"""Keywords: accent- and case-insensitive words and phrases, /regex/, filters, safe highlighting."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.watch.keywords import (
    Filter,
    compile_terms,
    fold,
    highlight,
    highlight_html,
    term_problem,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Crème Brûlée", "creme brulee"),
        ("STRASSE Straße", "strasse strasse"),
        ("ﬁn", "fin"),
        ("ÉTÉ", "ete"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("term", "text", "hit"),
    [
        ("boulangerie", "Une BOULANGERIE ouvre", True),
        ("cafe", "Le Café de Flore", True),
        ("café", "LE CAFE", True),
        ("pain", "mon copain", False),  # whole words only
        ("pain au levain", "du Pain  au\nlevain", True),  # any whitespace inside a phrase
        ("Maison Exemple", "maison-exemple.fr", False),
        ("/boulangeries?/", "Deux Boulangeries", True),
        ("/café/", "CAFÉ noir", True),  # a regex runs on the text as written...
        ("/cafe/", "Café noir", True),  # ...and on the folded text
        ("/^Offre/", "Nouvelle offre", False),
        ("c++", "du C++ moderne", True),
    ],
)
def test_matching(term, text, hit):
    assert compile_terms([term]).matches(text) is hit


def test_invalid_terms_are_skipped_and_described():
    assert term_problem("/[/").startswith("keyword /[/ is not a valid regular expression")
    assert (
        term_problem("/x*/") == "keyword /x*/ matches an empty text, so it would match everything"
    )
    assert term_problem("  ") == "empty keyword"
    assert term_problem("//") == "empty keyword"
    matcher = compile_terms(["/[/", "", "ok"])
    assert [t.raw for t in matcher.terms] == ["ok"]


def test_include_and_exclude():
    f = Filter(compile_terms(["boulangerie", "/levains?/"]), compile_terms(["recrutement"]))
    assert f.accepts("Une boulangerie ouvre")
    assert f.accepts("Deux levains")
    assert not f.accepts("La météo")
    assert not f.accepts("Boulangerie : recrutement")
    assert Filter().accepts("anything")


def test_highlight_marks_matches_and_escapes_everything_else():
    out = highlight('<script>alert("x")</script> Le Café {{ x }}', compile_terms(["cafe"]))
    assert out == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Le <mark>Café</mark> "
        "&#123;&#123; x &#125;&#125;"
    )


def test_highlight_maps_folded_matches_back_to_the_original_text():
    assert highlight("Die Straße", compile_terms(["strasse"])) == "Die <mark>Straße</mark>"
    assert highlight("É-té", compile_terms(["/e-te/"])) == "<mark>É-té</mark>"
    assert (
        highlight("pain au levain, PAIN", compile_terms(["pain", "levain"]))
        == "<mark>pain</mark> au <mark>levain</mark>, <mark>PAIN</mark>"
    )


def test_highlight_html_marks_text_only():
    safe = '<p>Un <a href="https://cafe.example/cafe" rel="noopener">café</a> &amp; du pain</p>'
    out = highlight_html(safe, compile_terms(["cafe", "pain"]))
    assert out == (
        '<p>Un <a href="https://cafe.example/cafe" rel="noopener"><mark>café</mark></a> '
        "&amp; du <mark>pain</mark></p>"
    )


@given(
    st.text(max_size=200),
    st.lists(st.sampled_from(["a", "é", "ss", "/[a-c]+/", "x y", "<", "&"]), max_size=3),
)
def test_highlight_is_the_text_escaped_plus_marks(text, terms):
    out = highlight(text, compile_terms(terms))
    assert "<" not in out.replace("<mark>", "").replace("</mark>", "")
    plain = html.unescape(out.replace("<mark>", "").replace("</mark>", ""))
    assert plain == text.replace("\r", "")
