"""WCAG 2 contrast: ratios against published values, the ink of a background, darker colours."""

from __future__ import annotations

import itertools

import pytest

from generator import contrast


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        # WebAIM's contrast checker: #767676 is the lightest grey at 4.5:1 on white.
        ("#767676", "#ffffff", 4.54),
        ("#777777", "#ffffff", 4.48),
        # Material's indigo and the 70 % white of its top tabs, as axe-core measured them.
        ("#4051b5", "#ffffff", 6.86),
        ("#c6cbe9", "#4051b5", 4.28),
        ("#fff", "#000", 21.0),
    ],
)
def test_ratio_matches_the_wcag_formula(first: str, second: str, expected: float) -> None:
    assert round(contrast.ratio(first, second), 2) == expected
    assert contrast.ratio(second, first) == contrast.ratio(first, second)


def test_ink_is_whichever_reads_best() -> None:
    assert contrast.ink("#f9a825") == contrast.BLACK  # the demo's old galette yellow
    assert contrast.ink("#1565c0") == contrast.WHITE
    assert contrast.ink("#546e7a") == contrast.WHITE  # the default campaign colour
    assert contrast.ink("#777") == contrast.BLACK


def test_black_or_white_always_reaches_text_contrast() -> None:
    """Why `campaign-colour` only looks at the page: the two inks' ratios multiply to 21, so
    the better one is at least its square root, 4.58:1, for every opaque colour."""
    steps = range(0, 256, 5)
    worst = min(
        contrast.best_ratio(f"#{r:02x}{g:02x}{b:02x}")
        for r, g, b in itertools.product(steps, steps, steps)
    )
    assert 4.58 <= worst < 4.6


@pytest.mark.parametrize("colour", ["#f9a825", "#ffffff", "#ffeb3b", "#abcdef", "#43a047"])
def test_darkened_reaches_three_to_one_and_no_darker_than_needed(colour: str) -> None:
    darker = contrast.darkened(colour)
    assert contrast.ratio(darker, contrast.WHITE) >= 3.0
    if contrast.ratio(colour, contrast.WHITE) >= 3.0:
        assert darker == colour.lower()
    else:
        # Darkened in 1 % steps: just past the line, not much darker than needed.
        assert contrast.ratio(darker, contrast.WHITE) < 3.15


def test_a_malformed_colour_is_refused() -> None:
    with pytest.raises(ValueError, match="not a colour"):
        contrast.ratio("#12345", "#ffffff")
