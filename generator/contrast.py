"""Colour contrast as WCAG 2 defines it: text ink for a background colour that comes from YAML."""

from __future__ import annotations

BLACK = "#000000"
WHITE = "#ffffff"
# WCAG 2.2 success criterion 1.4.3 (AA): normal-size text needs 4.5:1 against its background.
TEXT_MINIMUM = 4.5


def _rgb(colour: str) -> tuple[int, int, int]:
    """#rgb or #rrggbb (as the model accepts them) as three 0-255 channels."""
    digits = colour.removeprefix("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) != 6:
        raise ValueError(f"not a colour like #1e88e5: {colour!r}")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _channel(value: int) -> float:
    # sRGB to linear light, with WCAG 2's threshold (0.03928; the sRGB standard's 0.04045
    # changes no 8-bit value's side of it).
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """The relative luminance of a colour, 0 (black) to 1 (white)."""
    r, g, b = (_channel(v) for v in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(first: str, second: str) -> float:
    """The contrast ratio of two colours, 1 to 21, in either order."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ink(background: str) -> str:
    """Black or white, whichever contrasts more with the background (white on a tie)."""
    return BLACK if ratio(background, BLACK) > ratio(background, WHITE) else WHITE


def ink_name(background: str) -> str:
    """'black' or 'white': the ink of a background, in words for a diagnostic."""
    return "black" if ink(background) == BLACK else "white"


def best_ratio(background: str) -> float:
    """The contrast of the background with its ink: below 4.5, no text on it is readable enough."""
    return ratio(background, ink(background))


# WCAG 2.2 success criterion 1.4.11 (AA): a graphical object that carries meaning needs 3:1
# against what is next to it.
GRAPHIC_MINIMUM = 3.0


def darkened(colour: str, against: str = WHITE, minimum: float = GRAPHIC_MINIMUM) -> str:
    """The colour darkened (same hue, towards black) just enough to reach `minimum` against
    `against`: a fix to suggest. A colour that already reaches it comes back as #rrggbb."""
    r, g, b = _rgb(colour)
    for step in range(101):
        scale = 1 - step / 100
        candidate = f"#{round(r * scale):02x}{round(g * scale):02x}{round(b * scale):02x}"
        if ratio(candidate, against) >= minimum:
            return candidate
    return BLACK
