"""MkDocs hooks of the portal: Relais' raw HTML blocks skip Python-Markdown's HTML parser.

Relais pages are mostly raw HTML blocks (`<article markdown="0">…</article>`) that
Python-Markdown copies verbatim, but only after feeding every tag through its
pure-Python HTML parser: at a few thousand pages, most of `mkdocs build`. This hook
lifts each such block out before conversion (leaving a placeholder paragraph) and puts
it back, byte for byte, afterwards. The output is the same; the parsing is skipped.

A block is lifted only when it is unambiguous: a line beginning with a block-level opening
tag, after a blank line, outside anything that looks like a fence, closed by the matching
tag at the end of a line followed by a blank line, and with no `markdown="1"` inside.
Anything else is left to Python-Markdown as before. MkDocs loads this file through the
`hooks:` setting of the generated mkdocs.yml (see publish.mkdocs_config).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from markdown.util import BLOCK_LEVEL_ELEMENTS

# Block tags whose raw blocks Python-Markdown copies verbatim (no pre, script, style or textarea:
# their content is not HTML to count tags in).
_TAGS = frozenset(BLOCK_LEVEL_ELEMENTS) & {
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "main", "menu", "nav", "ol", "p", "section", "table", "ul",
}
_OPEN = re.compile(r"<([a-z][a-z0-9]*)(?:\s[^<>]*)?>")
# md_in_html parses a block holding markdown="1" (or "block", "span"): such a block is not raw.
_MARKDOWN_INSIDE = re.compile(r'\smarkdown="(?!0")')
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
# A random part, so that no text written in a post can be taken for a placeholder.
_KEY = f"relaisraw{secrets.token_hex(8)}n"
_stash: dict[str, list[str]] = {}


def lift_raw_blocks(markdown: str, key: str = _KEY) -> tuple[str, list[str]]:
    """The Markdown with each liftable raw block replaced by `<key><n>`, and the blocks."""
    lines = markdown.split("\n")
    out: list[str] = []
    blocks: list[str] = []
    fence = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        fenced = _FENCE.match(line)
        if fence or fenced:
            # Inside (or at) anything fence-like, Python-Markdown decides, as without this hook.
            if fenced:
                fence = "" if fence and fenced.group(1)[0] == fence else (fence or fenced.group(1)[0])
            out.append(line)
            i += 1
            continue
        opened = _OPEN.match(line)
        if opened and opened.group(1) in _TAGS and (not out or not out[-1].strip()):
            end = _block_end(lines, i, opened.group(1))
            block = "\n".join(lines[i : end + 1]) if end is not None else ""
            if end is not None and not _MARKDOWN_INSIDE.search(block):
                out.append(f"{key}{len(blocks)}")
                blocks.append(block)
                i = end + 1
                continue
        out.append(line)
        i += 1
    return "\n".join(out), blocks


def _block_end(lines: list[str], start: int, tag: str) -> int | None:
    """The line closing the block opened on `start`, or None when the block is not clean."""
    opening = re.compile(rf"<{tag}\b")
    closing = f"</{tag}>"
    depth = 0
    for j in range(start, len(lines)):
        line = lines[j]
        depth += len(opening.findall(line)) - line.count(closing)
        if depth <= 0:
            clean = depth == 0 and line.endswith(closing) and (j + 1 == len(lines) or not lines[j + 1].strip())
            return j if clean else None
    return None


def restore_raw_blocks(html: str, blocks: list[str], key: str = _KEY) -> str:
    """Put the lifted blocks back where Python-Markdown left their placeholder paragraphs."""
    if not blocks:
        return html
    pattern = re.compile(rf"<p>{key}(\d+)</p>")
    # Python-Markdown ends a raw block with a line break, and strips the end of the page.
    restored = pattern.sub(lambda m: blocks[int(m.group(1))] + "\n", html).rstrip()
    if key in restored:
        raise ValueError("a raw HTML block of this page lost its place during Markdown conversion")
    return restored


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    text, blocks = lift_raw_blocks(markdown)
    _stash[page.file.src_uri] = blocks
    return text


def on_page_content(html: str, page: Any, **_: Any) -> str:
    return restore_raw_blocks(html, _stash.pop(page.file.src_uri, []))
