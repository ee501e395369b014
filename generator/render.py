"""Rendering helpers: the Jinja environment, safe text for Markdown and HTML, icons, URLs.

Content is always data to templates, never template code: `{{` written in a post is
shown as written. Everything a colleague or a feed wrote goes through `e` (HTML
escape) or `md_text` (HTML and Markdown escape) or `safe_markdown`.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import jinja2
import yaml
from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from . import networks as net

TEMPLATES = Path(__file__).parent / "templates"
ICONS = Path(__import__("material").__file__).parent / "templates" / ".icons"


def page_url(path: str) -> str:
    """The URL (relative to the site root) of a docs page, with MkDocs' directory URLs."""
    if path.endswith("index.md"):
        return path[: -len("index.md")]
    return path[: -len(".md")] + "/"


def relative(from_page: str, to_url: str) -> str:
    """A link from the page at docs path `from_page` to a site-root-relative URL."""
    base = page_url(from_page)
    rel = posixpath.relpath("/" + to_url, "/" + base) if to_url else posixpath.relpath("/", "/" + base)
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


def is_external(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


_FENCE = re.compile(r"^(\s*)(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_RAW_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_BAD_LINK = re.compile(r"\]\(\s*<?\s*(?:javascript|data|vbscript|file)\s*:[^)]*\)", re.IGNORECASE)
_BAD_AUTOLINK = re.compile(r"(?:javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def safe_markdown(text: str) -> str:
    """Markdown written by the team, with raw HTML shown as text and unsafe link targets removed.

    Markdown stays Markdown (headings, lists, links, admonitions, code), but `<script>`
    becomes visible text and `[x](javascript:…)` a dead link; code blocks are untouched.
    """
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        m = _FENCE.match(line)
        if fence:
            out.append(line)
            if m and m.group(2) == fence:
                fence = None
            continue
        if m:
            fence = m.group(2)
            out.append(line)
            continue
        if line.startswith(("    ", "\t")) and (not out or not out[-1].strip()):
            out.append(line)  # an indented code block
            continue
        out.append(_safe_line(line))
    return "\n".join(out)


def _safe_line(line: str) -> str:
    parts = []
    last = 0
    for m in _CODE_SPAN.finditer(line):
        parts.append(_safe_prose(line[last : m.start()]))
        parts.append(m.group(0))
        last = m.end()
    parts.append(_safe_prose(line[last:]))
    return "".join(parts)


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
    path = ICONS / family / kind / f"{glyph}.svg"
    if not path.is_file():
        path = ICONS / "material" / "web.svg"
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
    return '<svg xmlns="http://www.w3.org/2000/svg" class="relais-sprite" aria-hidden="true" hidden>' + "".join(symbols) + "</svg>"


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
    # libyaml's emitter: six times faster per page (and it round-trips a lone U+0085, which
    # PyYAML's pure-Python emitter turns into a space).
    dumped = yaml.dump(safe, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=1000)
    return "---\n" + dumped + "---\n\n"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
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
    return environment().get_template(template).render(**context)


# --- a last guard on the Markdown that the team writes -----------------------------------------

_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "cite", "data", "srcset", "background")
_UNSAFE_URL = re.compile(r"^(javascript|data|vbscript|file):", re.IGNORECASE)


def unsafe_url(value: str) -> bool:
    """Whether a link target runs code, as a browser reads it (entities decoded, tabs and
    control characters dropped: `java&#x09;script:` is `javascript:`)."""
    from html import unescape

    return bool(_UNSAFE_URL.match(re.sub(r"[\x00-\x20\x7f]+", "", unescape(value))))


class _SafeTree(Treeprocessor):
    def __init__(self, md: Markdown, site_url: str) -> None:
        super().__init__(md)
        self.site_host = urlsplit(site_url).hostname or ""

    def run(self, root: Element) -> None:
        for element in root.iter():
            for name in list(element.attrib):
                if name.lower().startswith("on") or name.lower() == "srcdoc":
                    del element.attrib[name]  # `{: onclick=… }` through attr_list
                elif name.lower() in _URL_ATTRIBUTES and unsafe_url(element.attrib[name]):
                    element.attrib[name] = "#"  # reference links and entity tricks safe_markdown cannot see
            href = element.get("href", "")
            if element.tag == "a" and urlsplit(href).scheme in ("http", "https") and \
                    urlsplit(href).hostname != self.site_host:
                rel = set(element.get("rel", "").split()) | {"noopener", "noreferrer"}
                element.set("rel", " ".join(sorted(rel)))


class SafeLinksExtension(Extension):
    """Python-Markdown extension (`generator.render:SafeLinksExtension`): on the parsed tree of
    every page, drop `on*` attributes, neutralise javascript:/data:/vbscript: URLs and give every
    link to another host rel="noopener noreferrer". Raw HTML from our templates is not touched."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {"site_url": ["", "The portal's own address: links to it are internal"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # Python-Markdown's name
        # After inline patterns (links exist) and attr_list (its attributes exist): priority < 8.
        md.treeprocessors.register(_SafeTree(md, self.getConfig("site_url")), "relais_safe_links", 1)
