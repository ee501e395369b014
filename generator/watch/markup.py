"""Escaping for text that ends up in Markdown pages inside raw HTML blocks."""

from __future__ import annotations

import html

# Characters that Markdown, its extensions (attr_list, emoji, arithmatex) or a Jinja pass
# could reinterpret. As numeric references they mean the same to a browser and nothing to
# them. `#` and `;` are left alone: they are part of the references themselves.
_NEUTRAL = str.maketrans({c: f"&#{ord(c)};" for c in "{}[]*_`~|\\$"})


def escape(text: str) -> str:
    """Text as inert HTML: tags escaped, Markdown and template syntax neutralised, newlines kept."""
    return html.escape(text, quote=True).translate(_NEUTRAL).replace("\n", "&#10;")


def neutralise(safe_html: str) -> str:
    """Already-sanitised HTML made inert for Markdown and templates: one line, no syntax characters.

    Only text and attribute values can contain these characters (the allow-listed tag and
    attribute names never do), and a character reference is equivalent there.
    """
    return safe_html.translate(_NEUTRAL).replace("\r", "").replace("\n", "&#10;")


def attr(value: str) -> str:
    """An attribute value (a URL, a date), quoted by the caller with double quotes."""
    return html.escape(value, quote=True).translate(_NEUTRAL).replace("\r", "").replace("\n", "&#10;")
