"""Search entries that Relais writes itself, in the words of Material's search index.

Material's search plugin parses every page's HTML again to index it, the largest cost of a
build at thousands of posts. For the pages it generates, Relais knows what is worth finding
(a post's title, facts, messages and brief; a profile; a calendar page's title), so it
writes their entries (see Planner.meta and mkdocs_hooks) and the plugin skips those pages.
An entry is {"location", "title", "text"}; text is HTML holding only the tags Material's
index keeps, with everything written by people escaped.
"""

from __future__ import annotations

import re
from html import escape

import nh3

KEPT_TAGS = {"p", "code", "pre", "li", "ol", "ul", "sub", "sup"}  # what Material's index keeps
_HEADING = re.compile(r'\s*<h([1-6]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
_SPACES = re.compile(
    r"[ \t\n\r\f\v]+"
)  # ASCII only: a no-break space stays one, as Material keeps it


def text(*parts: str) -> str:
    """Plain text for an entry: escaped, on one line; non-empty parts joined by a middle dot."""
    return " · ".join(
        escape(_SPACES.sub(" ", p).strip(), quote=False) for p in parts if p and p.strip()
    )


def html_text(html: str) -> str:
    """HTML for an entry: the kept tags and the text, nothing else (no attribute, no script)."""
    cleaned = nh3.clean(
        html,
        tags=KEPT_TAGS,
        attributes={},
        clean_content_tags={"script", "style"},
        strip_comments=True,
        link_rel=None,
    )
    # html5ever writes U+00A0 as &nbsp;: Material keeps the character (French typography has many).
    return _SPACES.sub(" ", cleaned.replace("&nbsp;", "\xa0")).strip()


def section(html: str) -> dict[str, str] | None:
    """The entry of an HTML part that starts with a heading with an id (a post's brief):
    {"anchor", "title", "text"}, or None when it does not start with one."""
    heading = _HEADING.match(html)
    if heading is None:
        return None
    return {
        "anchor": heading.group(2),
        "title": html_text(heading.group(3)),
        "text": html_text(html[heading.end() :]),
    }
