"""Rendering helpers: the Jinja environment, safe text for Markdown and HTML, icons, URLs.

Content is always data to templates, never template code: `{{` written in a post is
shown as written. Everything a colleague or a feed wrote goes through `e` (HTML
escape) or `md_text` (HTML and Markdown escape) or `safe_markdown`.
"""

from __future__ import annotations

import json
import posixpath
import re
import string
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from xml.etree.ElementTree import Element

import jinja2
import yaml
from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import get_attrs_and_remainder
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from . import engine, memo
from . import networks as net
from .jinja_code import SignedCode

TEMPLATES = Path(__file__).parent / "templates"


def page_url(path: str) -> str:
    """The URL (relative to the site root) of a docs page, with MkDocs' directory URLs."""
    if path.endswith("index.md"):
        return path[: -len("index.md")]
    return path[: -len(".md")] + "/"


def relative(from_page: str, to_url: str) -> str:
    """A link from the page at docs path `from_page` to a site-root-relative URL."""
    base = page_url(from_page)
    rel = (
        posixpath.relpath("/" + to_url, "/" + base)
        if to_url
        else posixpath.relpath("/", "/" + base)
    )
    if to_url.endswith("/") and not rel.endswith("/"):
        rel += "/"
    if rel == "./":
        return "./"
    return rel if rel != "." else "./"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~-])")


def md_text(value: Any) -> Markup:
    """Text for a Markdown context (a heading, a list item): HTML- and Markdown-escaped."""
    return Markup(_MD_SPECIAL.sub(r"\\\1", escape(str(value), quote=False)))


def attr(value: Any) -> Markup:
    return Markup(escape(str(value), quote=True))


_SAFE_SCHEMES = ("http://", "https://", "mailto:", "#", "/", "./", "../")


def safe_href(url: str | None) -> str:
    """The URL if its scheme is safe to put in a link (http, https, mailto, relative), else ''."""
    if not url:
        return ""
    candidate = re.sub(r"[\x00-\x20]", "", url).lower()
    if candidate.startswith(_SAFE_SCHEMES) or ":" not in candidate.split("/")[0]:
        return url
    return ""


_URL_BREAKERS = re.compile(r"[\x00-\x20\x7f-\x9f\"'<>\\^`{|}\u2028\u2029]")


def inert_url(url: str) -> str:
    """`url` with every character that could end an HTML attribute or tag, or a line,
    percent-encoded: safe to print unescaped (MkDocs and Material print site_url so)."""
    return _URL_BREAKERS.sub(lambda m: quote(m.group(), safe=""), url)


def is_external(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


# What the portal's `fenced_code` extension takes for a fenced block: the extension's own
# pattern, so that safe_markdown leaves raw exactly what Python-Markdown escapes as code.
_FENCED_BLOCK = FencedBlockPreprocessor.FENCED_BLOCK_RE
_LANG = re.compile(r"[\w#+-][\w#.+-]*")
_INDENT = " " * 4  # Python-Markdown's tab_length, which MkDocs keeps
_FENCE_LIKE = re.compile(r"^( *)(`{3,}|~{3,})")
_FENCE_RUN = re.compile(r"`{3,}|~{3,}")
_CLOSING = re.compile(r"(`{3,}|~{3,}) *")
# A block holding such a line may leave a list, a definition, an admonition, a quote or a
# footnote open (or, a reference, leave the context as it was): an indented block after
# it is not surely a code block. A superset of what Python-Markdown's processors match.
_CONTAINER = re.compile(r"^ {0,3}(?:[*+-](?: |$)|\d+[.)](?: |$)|!!!|\?\?\?|:|>|\[[^\]]*\]:)")
_CODE_SPAN = re.compile(r"(?<!\\)((?:\\\\)*)(`+)(.+?)(?<!`)\2(?!`)")
_PUNCTUATION = frozenset(string.punctuation)
_RAW_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_BAD_LINK = re.compile(r"\]\(\s*<?\s*(?:javascript|data|vbscript|file)\s*:[^)]*\)", re.IGNORECASE)
_BAD_AUTOLINK = re.compile(r"(?:javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def safe_markdown(text: str) -> str:
    """Markdown written by the team, with raw HTML shown as text and unsafe link targets removed.

    Markdown stays Markdown (headings, lists, links, admonitions, code), but `<script>`
    becomes visible text and `[x](javascript:…)` a dead link. The only lines left as
    written are those Python-Markdown will escape as code: the fenced blocks that the
    `fenced_code` extension finds (fences at the start of a line, closed), and indented
    blocks that are surely code blocks (not the continuation of a list item, an
    admonition, a definition or a footnote). Everything else is escaped, fence-like
    lines included, so that no fence can open where this function saw none.
    """
    text, _ = drop_comments(text)
    lines = _normalised(text).split("\n")
    fences = _fenced_blocks(lines)
    out: list[str] = []
    code_may_follow = True  # an indented block starting here is a code block
    block = ""  # what the current block is: "" (none: blank lines), "code" or "prose"
    plain = blank = True  # the prose block leaves no list... open; it holds only white space
    i = 0
    while i < len(lines):
        line = lines[i]
        if i in fences:
            opening, last = fences[i]
            out.append(opening)
            out.extend(lines[i + 1 : last + 1])  # the code and the closing fence, as written
            i = last + 1
            # Python-Markdown puts the block's placeholder in a paragraph of its own.
            code_may_follow, block = True, ""
            continue
        i += 1
        if not line:
            if block == "code" or (block == "prose" and not blank):
                # A block of white space only (U+00A0...) is dropped and changes nothing.
                code_may_follow = block == "code" or plain
            block = ""
            out.append(line)
            continue
        if block == "code" and (line.startswith(_INDENT) or not line.strip()):
            out.append(line)  # the code block goes on
            continue
        if not block and code_may_follow and line.startswith(_INDENT):
            block = "code"
            out.append(line)  # an indented code block
            continue
        safe = _safe_line(line)
        if block != "prose":
            # A new block (unindented lines right after a code block also start one).
            block, plain, blank = "prose", not line.startswith(" "), True
        plain = plain and not _CONTAINER.match(safe)
        blank = blank and not line.strip()
        out.append(safe)
    return "\n".join(out)


_COMMENT = "<!--"


def drop_comments(text: str) -> tuple[str, list[int]]:
    """Markdown without its HTML comments, and the lines (from 0) of comments never closed.

    Writers keep internal notes in `<!-- … -->`: they reach neither the page nor search.
    A comment in a fenced block or a code span is code, shown as written; a comment never
    runs across a fenced block (Python-Markdown finds fences first). A comment that is
    never closed is left as written (shown as text; `relais check` warns), rather than
    hiding the rest of the page. Comments in indented code blocks are dropped too.
    """
    if _COMMENT not in text:
        return text, []
    lines = _normalised(text).split("\n")
    fences = _fenced_blocks(lines)
    out: list[str] = []
    unclosed: list[int] = []
    i = 0
    while i < len(lines):
        if i in fences:
            last = fences[i][1]
            out.extend(lines[i : last + 1])
            i = last + 1
            continue
        start = i
        while i < len(lines) and i not in fences:
            i += 1
        kept, open_at = _uncommented(lines[start:i])
        out.extend(kept)
        unclosed.extend(start + n for n in open_at)
    return "\n".join(out), unclosed


def _uncommented(lines: list[str]) -> tuple[list[str], list[int]]:
    """Lines of prose without their comments, and the lines of comments never closed. A line
    that held nothing but comments is removed: a note inside a paragraph does not split it."""
    closes = [n for n, line in enumerate(lines) if "-->" in line]
    if not closes:
        return lines, [n for n, line in enumerate(lines) if _COMMENT in line]
    last_close = closes[-1]
    out: list[str] = []
    unclosed: list[int] = []
    inside = False
    for n, line in enumerate(lines):
        if inside:
            end = line.find("-->")
            if end < 0:
                continue  # a line inside a comment
            inside, pos, touched = False, end + 3, True
        elif _COMMENT not in line:
            out.append(line)
            continue
        else:
            pos, touched = 0, False
        spans = [(m.start(), m.end()) for m in _CODE_SPAN.finditer(line)]
        kept: list[str] = []
        search = pos
        while True:
            at = line.find(_COMMENT, search)
            if at < 0:
                break
            if any(a <= at < b for a, b in spans):
                search = at + 1
                continue
            after = at + len(_COMMENT)
            # HTML ends `<!-->` and `<!--->` at once; other comments at the next `-->`.
            if line.startswith(">", after):
                end = after + 1
            elif line.startswith("->", after):
                end = after + 2
            elif (close := line.find("-->", after)) >= 0:
                end = close + 3
            elif last_close > n:
                kept.append(line[pos:at])
                inside, pos, touched = True, len(line), True
                break
            else:
                unclosed.append(n)
                search = after
                continue
            kept.append(line[pos:at])
            pos = search = end
            touched = True
        kept.append(line[pos:])
        result = "".join(kept)
        if not (touched and not result.strip()):
            out.append(result)
    return out, unclosed


def _normalised(text: str) -> str:
    """The text as Python-Markdown's first preprocessor leaves it (line ends, tabs, blank
    lines, its reserved placeholder characters): fences and blocks are found in that text."""
    text = text.replace("\x02", "").replace("\x03", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(len(_INDENT))
    return re.sub(r"(?m)^ +$", "", text)


def _fenced_blocks(lines: list[str]) -> dict[int, tuple[str, int]]:
    """{line of a fence that the fenced_code extension will take: (that line without the
    attributes it would put on the HTML, line of the closing fence)}, found as it finds them."""
    text = "\n".join(lines)
    starts = [0]
    closings: dict[str, list[int]] = {}  # lines that would close a fence, by fence
    for n, line in enumerate(lines):
        starts.append(starts[-1] + len(line) + 1)
        if closing := _CLOSING.fullmatch(line):
            closings.setdefault(closing.group(1), []).append(n)
    found = {}
    n = 0
    while n < len(lines):
        run = _FENCE_RUN.match(lines[n])
        # The extension's pattern would look for a closing line to the end of the text: only
        # try it where there is one (many unclosed fences would take quadratic time).
        if run is None or closings.get(run.group(), [-1])[-1] <= n:
            n += 1
            continue
        m = _FENCED_BLOCK.match(text, starts[n])
        lang = (m.group("lang") or "") if m else ""
        if m and m.group("attrs"):
            attrs, remainder = get_attrs_and_remainder(m.group("attrs"))
            # With a remainder, not a fence to the extension, which searches on from there.
            m = None if remainder else m
            lang = next((value or "" for key, value in attrs if key == "."), "")
        if m is None:
            n += 1
            continue
        # No {: #id onclick=… style=… } and no hl_lines: the extension writes them into the
        # HTML as given, out of reach of SafeLinksExtension. The language stays.
        last = text.count("\n", starts[n], m.end()) + n
        found[n] = (m.group("fence") + (lang if _LANG.fullmatch(lang) else ""), last)
        n = last + 1
    return found


def fenced_lines(lines: list[str]) -> set[int]:
    """The lines (by index, fences included) that the fenced_code extension takes as fenced
    code in this Markdown text (without carriage returns; see mkdocs_hooks)."""
    text = "\n".join(lines)
    if "```" not in text and "~~~" not in text:
        return set()
    normal = _normalised(text).split("\n")
    return {
        n for start, (_, last) in _fenced_blocks(normal).items() for n in range(start, last + 1)
    }


def _safe_line(line: str) -> str:
    parts = []
    last = 0
    for m in _CODE_SPAN.finditer(line):
        parts.append(_safe_prose(line[last : m.start()] + m.group(1)))
        # Written as HTML, not left to the backticks: this function cannot know for sure
        # which backticks Python-Markdown will pair (a span may start on an earlier line,
        # in the same paragraph), and text between backticks it does not pair is prose.
        # Every character that HTML or Markdown could read is a character reference.
        code = "".join(f"&#{ord(c)};" if c in _PUNCTUATION else c for c in m.group(3).strip())
        parts.append(f"<code>{code}</code>")
        last = m.end()
    parts.append(_safe_prose(line[last:]))
    safe = "".join(parts)
    fence = _FENCE_LIKE.match(safe)
    if fence:
        # Not a fence to fenced_code (or not at the start of a line): shown as written,
        # and never taken for one later (it would pair with a fence further on).
        run = fence.group(2)
        safe = fence.group(1) + f"&#{ord(run[0])};" * len(run) + safe[fence.end() :]
    return safe


def _safe_prose(text: str) -> str:
    text = _BAD_LINK.sub("](#)", text)
    text = _RAW_TAG.sub("&lt;", text)
    if _BAD_AUTOLINK.search(text):
        text = _BAD_AUTOLINK.sub(lambda m: m.group(0).replace(":", "&#58;"), text)
    return text


@lru_cache(maxsize=64)
def icon_svg(name: str) -> str:
    """The SVG path data of a bundled Material icon, e.g. 'fontawesome-brands-linkedin'."""
    family, _, rest = name.partition("-")
    kind, _, glyph = rest.partition("-")
    icons = engine.icons()
    path = icons / family / kind / f"{glyph}.svg"
    if not path.is_file():
        path = icons / "material" / "web.svg"
    return path.read_text(encoding="utf-8")


def sprite(network_ids: list[str]) -> str:
    """An inline SVG sprite with one symbol per network, referenced by `#relais-<id>`."""
    symbols = []
    for network_id in network_ids:
        network = net.get(network_id)
        if network is None:
            continue
        svg = icon_svg(network.icon)
        view_box = re.search(r'viewBox="([^"]+)"', svg)
        inner = re.sub(r"^.*?<svg[^>]*>|</svg>\s*$", "", svg, flags=re.DOTALL)
        symbols.append(
            f'<symbol id="relais-{network_id}" viewBox="{view_box.group(1) if view_box else "0 0 24 24"}">{inner}</symbol>'
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="relais-sprite" aria-hidden="true" hidden>'
        + "".join(symbols)
        + "</svg>"
    )


@lru_cache(maxsize=64)  # the same few icons on thousands of pages
def network_icon(network_id: str) -> Markup:
    network = net.get(network_id)
    label = network.label if network else network_id
    return Markup(
        f'<span class="relais-net relais-net--{attr(network_id)}" title="{attr(label)}">'
        f'<svg class="relais-icon" aria-hidden="true"><use href="#relais-{attr(network_id)}"></use></svg>'
        f'<span class="relais-sr">{escape(label)}</span></span>'
    )


def network_label(network_id: str) -> str:
    network = net.get(network_id)
    return network.label if network else network_id


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def front_matter(meta: dict[str, Any]) -> str:
    """A YAML front matter block for a generated page; titles are HTML-escaped because
    MkDocs' templates print page titles without escaping."""
    safe = {k: (escape(v) if k == "title" and isinstance(v, str) else v) for k, v in meta.items()}
    if list(safe)[:1] == ["title"] and len(safe) > 1:
        # The keys after the title are the same on thousands of pages (hide, search): dumped
        # once. A block mapping is its keys dumped one after the other, so the text is the same.
        rest = {k: v for k, v in safe.items() if k != "title"}
        return "---\n" + _dump({"title": safe["title"]}) + _dump_rest(json.dumps(rest)) + "---\n\n"
    return "---\n" + _dump(safe) + "---\n\n"


def _dump(data: dict[str, Any]) -> str:
    # libyaml's emitter: six times faster per page (and it round-trips a lone U+0085, which
    # PyYAML's pure-Python emitter turns into a space).
    return str(yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=1000))


@lru_cache(maxsize=256)
def _dump_rest(rest: str) -> str:
    return _dump(json.loads(rest))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=SignedCode(),  # compiled once, not at every build (jinja_code.py)
    )
    env.filters.update(
        md=md_text,
        attr=attr,
        href=safe_href,
        icon=network_icon,
        network_label=network_label,
        safe_markdown=lambda s: Markup(safe_markdown(s)),
    )
    env.globals.update(relative=relative, page_url=page_url, is_external=is_external)
    return env


def render(template: str, **context: Any) -> str:
    """The template filled with `context`; kept between builds when the context is plain data
    (memo.py: the key holds all of it, and the templates are Relais' files)."""
    try:
        described = memo.fingerprint(context) if memo.memo("render") is not None else None
    except memo.Unknown:
        described = None
    if described is None:
        return environment().get_template(template).render(**context)
    return memo.recall(
        "render",
        (template, described),
        lambda: environment().get_template(template).render(**context),
        str,
        _text,
    )


def _text(value: Any) -> str:
    if type(value) is not str:
        raise ValueError("not a text")
    return value


# --- a last guard on the Markdown that the team writes -----------------------------------------

# What an element of Markdown written by the team may carry: what Python-Markdown's
# extensions set (links, images, headings' ids, footnotes, admonitions, tables, lists) and a
# few harmless ones `{: … }` may add. Everything else is dropped: `on*` handlers, `style`
# (the CSP allows inline styles for Material's own use: a page could cover the portal),
# `name` and `form` (DOM clobbering of the portal's scripts), `data-*` (Material's and
# Relais' scripts read them), `srcdoc`, `formaction`, `tabindex`, `autofocus`, `popover`...
_ALLOWED_ATTRIBUTES = frozenset(
    {
        "id",
        "class",
        "href",
        "src",
        "alt",
        "title",
        "width",
        "height",
        "lang",
        "dir",
        "target",
        "rel",
        "loading",
        "start",
        "reversed",
        "align",
        "colspan",
        "rowspan",
        "scope",
        "hreflang",
        "cite",
        "datetime",
    }
)
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
_UNSAFE_URL = re.compile(r"^(javascript|data|vbscript|file):", re.IGNORECASE)
# Ids and class names a writer may give: letters, digits and a few separators (footnotes
# use `fn:1`, headings without Latin letters `_1`).
_SAFE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_:.-]{0,99}")
_SAFE_CLASS = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_#+.-]{0,99}")
# Ids and classes of the portal's own elements, that its scripts and styles look for:
# Material's (`__config`, `__drawer`, `md-…`) and Relais' (`relais-…`, `messages`). A page
# holding one could replace Material's configuration or hijack Relais' scripts.
_RESERVED_PREFIXES = ("__", "md-", "md_", "relais")
_RESERVED_IDS = frozenset({"messages", "kits"})
_ALLOWED_CLASSES = frozenset({"md-button", "md-button--primary"})  # Material's documented idiom
_TARGETS = frozenset({"_blank", "_self"})
# Python-Markdown's placeholders in attribute values, resolved before deciding: `&#58;`
# is stashed raw HTML until the very end, so `javascript&#58;…` looks harmless before.
_STASHED = re.compile("\x02wzxhzdk:(\\d+)\x03")
_AMP = "\x02amp\x03"


def unsafe_url(value: str) -> bool:
    """Whether a link target runs code, as a browser reads it (entities decoded, tabs and
    control characters dropped: `java&#x09;script:` is `javascript:`)."""
    from html import unescape

    return bool(_UNSAFE_URL.match(re.sub(r"[\x00-\x20\x7f]+", "", unescape(value))))


def _reserved(name: str) -> bool:
    lower = name.lower()
    return lower.startswith(_RESERVED_PREFIXES) or lower in _RESERVED_IDS


class _SafeTree(Treeprocessor):
    def __init__(self, md: Markdown, site_url: str) -> None:
        super().__init__(md)
        self.site_host = urlsplit(site_url).hostname or ""

    def decoded(self, value: str) -> str:
        """An attribute's value as a browser will read it: Python-Markdown's placeholders
        put back, character references decoded."""
        from html import unescape

        if "\x02" in value:
            stash = self.md.htmlStash.rawHtmlBlocks

            def raw(m: re.Match[str]) -> str:
                n = int(m.group(1))
                return str(stash[n]) if n < len(stash) else "\x02"

            value = _STASHED.sub(raw, value).replace(_AMP, "&")
        return unescape(value)

    def run(self, root: Element) -> None:
        for element in root.iter():
            if not element.attrib:
                continue
            for name in list(element.attrib):
                lower = name.lower()
                value = self.decoded(element.attrib[name] or "")
                if lower not in _ALLOWED_ATTRIBUTES or "\x02" in value or "\x03" in value:
                    del element.attrib[
                        name
                    ]  # `{: onclick=… style=… name=… }`, an unknown placeholder
                elif lower == "id":
                    if not _SAFE_ID.fullmatch(value) or _reserved(value):
                        del element.attrib[name]  # `{: #__config }`, `{: id="&#95;_config" }`
                    else:
                        element.attrib[name] = value
                elif lower == "class":
                    kept = [
                        c
                        for c in value.split()
                        if _SAFE_CLASS.fullmatch(c) and (c in _ALLOWED_CLASSES or not _reserved(c))
                    ]
                    if kept:
                        element.attrib[name] = " ".join(kept)
                    else:
                        del element.attrib[name]
                elif lower == "target" and value not in _TARGETS:
                    del element.attrib[name]
                elif lower in _URL_ATTRIBUTES and (unsafe_url(value) or _unreadable(value)):
                    element.attrib[name] = "#"  # reference links and entity tricks
            href = self.decoded(element.get("href", ""))
            if element.tag == "a" and not _unreadable(href):
                parts = urlsplit(href)
                if parts.scheme.lower() in ("http", "https") and parts.hostname != self.site_host:
                    rel = set(element.get("rel", "").split()) | {"noopener", "noreferrer"}
                    element.set("rel", " ".join(sorted(rel)))


def _unreadable(url: str) -> bool:
    """A URL that urllib (MkDocs, this module) cannot split: `http://[a]/`."""
    try:
        urlsplit(url)
    except ValueError:
        return True
    return False


class SafeLinksExtension(Extension):
    """Python-Markdown extension (`generator.render:SafeLinksExtension`): on the parsed tree of
    every page, drop `on*` attributes, neutralise javascript:/data:/vbscript: URLs and give every
    link to another host rel="noopener noreferrer". Raw HTML from our templates is not touched."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {"site_url": ["", "The portal's own address: links to it are internal"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # Python-Markdown's name
        # After inline patterns (links exist) and attr_list (its attributes exist): priority < 8.
        md.treeprocessors.register(
            _SafeTree(md, self.getConfig("site_url")), "relais_safe_links", 1
        )
