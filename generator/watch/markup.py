"""Escaping for text that ends up in Markdown pages inside raw HTML blocks."""

from __future__ import annotations

import html
import re

# Characters that Markdown, its extensions (attr_list, emoji, arithmatex) or a Jinja pass
# could reinterpret. As numeric references they mean the same to a browser and nothing to
# them. `#` and `;` are left alone: they are part of the references themselves.
_NEUTRAL = str.maketrans({c: f"&#{ord(c)};" for c in "{}[]*_`~|\\$"})
# In text, colons too: words like "javascript:" in a summary then never look like a URL scheme
# to a reader, a linkifier or a naive scanner.
_NEUTRAL_TEXT = str.maketrans({c: f"&#{ord(c)};" for c in "{}[]*_`~|\\$:"})


def escape(text: str) -> str:
    """Text as inert HTML: tags escaped, Markdown and template syntax neutralised, newlines kept."""
    return (
        html.escape(text, quote=True)
        .translate(_NEUTRAL_TEXT)
        .replace("\r", "")
        .replace("\n", "&#10;")
    )


def attr(value: str) -> str:
    """An attribute value (a URL, a date), quoted by the caller with double quotes."""
    return (
        html.escape(value, quote=True).translate(_NEUTRAL).replace("\r", "").replace("\n", "&#10;")
    )


# Sanitised (nh3) HTML is canonical: text never holds a raw "<", attribute values are always in
# double quotes with '"' escaped. This expression therefore tokenises it exactly (groups:
# closing slash, tag name, attributes, text); a stray "<" matches with no group set.
TOKEN = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"]|"[^"]*")*)>|([^<]+)|<')


def neutral_tag(tag: str) -> str:
    """A tag of sanitised HTML with its attribute values made inert like `attr` (already escaped
    for HTML by the sanitiser; only the Markdown and template characters are left to neutralise)."""
    return tag.translate(_NEUTRAL).replace("\r", "").replace("\n", "&#10;")
