"""What `content/media/` may publish: passive files only, recognised by their name and bytes.

A file of `content/media/` is served from the portal's own origin, where static hosts send
no Content-Security-Policy for it: an `.html` or an `.svg` holding `<script>` would run with
the portal's cookies and storage, a `.js` would be loadable by any injection under
`script-src 'self'`, and a `.md` would become a page that skips Relais' safe Markdown. So
the folder publishes an allow-list of types that browsers only display:

- raster images: PNG, JPEG, GIF, WebP, AVIF;
- SVG, rewritten from an allow-list of shapes, text, gradients and passive styles
  (clean_svg): nothing that runs, nothing loaded from elsewhere;
- PDF (browsers open it in their own viewer, outside the portal's pages) and video (MP4, WebM).

Every other file is reported with its name and never published, and a file whose bytes are
not of the type its name says (an HTML page named `.png`) too: a host picks the
Content-Type from the name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError, XMLParser

# Files the operating system or Git leave in folders: never published, never reported.
IGNORED_NAMES = frozenset({".gitkeep", ".keep", ".DS_Store", "Thumbs.db", "desktop.ini"})
MAX_SVG_BYTES = 5_000_000
MAX_SVG_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Kind:
    """A type of file the media folder publishes."""

    label: str  # as the diagnostics name it
    image: bool  # may be a post's visual (an <img>)


def _png(head: bytes) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _jpeg(head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _gif(head: bytes) -> bool:
    return head[:6] in (b"GIF87a", b"GIF89a")


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _iso_media(*brands: bytes) -> Callable[[bytes], bool]:
    # ISO base media files (AVIF, MP4) start with a box "ftyp" and a major brand.
    def check(head: bytes) -> bool:
        return head[4:8] == b"ftyp" and (not brands or head[8:12] in brands)

    return check


def _pdf(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-")


def _webm(head: bytes) -> bool:
    return head.startswith(b"\x1a\x45\xdf\xa3")


def _svg(head: bytes) -> bool:
    return True  # read whole by clean_svg


KINDS: dict[str, tuple[Kind, Callable[[bytes], bool]]] = {
    ".png": (Kind("PNG image", True), _png),
    ".jpg": (Kind("JPEG image", True), _jpeg),
    ".jpeg": (Kind("JPEG image", True), _jpeg),
    ".gif": (Kind("GIF image", True), _gif),
    ".webp": (Kind("WebP image", True), _webp),
    ".avif": (Kind("AVIF image", True), _iso_media(b"avif", b"avis")),
    ".svg": (Kind("SVG image", True), _svg),
    ".pdf": (Kind("PDF document", False), _pdf),
    ".mp4": (Kind("MP4 video", False), _iso_media()),
    ".webm": (Kind("WebM video", False), _webm),
}
PUBLISHED_HINT = (
    "content/media/ publishes images (PNG, JPEG, GIF, WebP, AVIF, SVG), PDF documents and "
    "videos (MP4, WebM)"
)


# Characters a media file's name may not hold: its name becomes a URL in pages, kits.json and
# feeds (`#` and `?` would cut it, `%` be read as an escape, quotes and angle brackets end an
# attribute where a template forgot to escape), and control or invisible characters would
# show another name than the file has.
_NAME_FORBIDDEN = frozenset("\"'<>#?%\\`{}|^*:")


def name_problem(rel: str) -> str:
    """What makes a path under content/media/ unfit for a URL ('' when nothing does)."""
    import unicodedata

    for ch in rel:
        if ch in _NAME_FORBIDDEN:
            return f"holds '{ch}'"
        if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cn", "Zl", "Zp"):
            return f"holds the invisible character U+{ord(ch):04X}"
    if any(part.startswith("-") or part != part.strip() for part in rel.split("/")):
        return "starts or ends with a space, or starts with '-'"
    return ""


def kind(name: str) -> Kind | None:
    """The kind of a media file by its name, or None when the folder does not publish it."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    found = KINDS.get(suffix)
    return found[0] if found else None


def bytes_match(name: str, head: bytes) -> bool:
    """Whether the first bytes of a file (32 are enough) are those of the type its name says."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    found = KINDS.get(suffix)
    return bool(found and found[1](head))


def what_it_looks_like(head: bytes) -> str:
    """A word on what the bytes seem to be, for a diagnostic ('' when unsure)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<script", b"<head", b"<body")):
        return "it holds an HTML page"
    if text.startswith((b"<?xml", b"<svg")):
        return "it holds XML or SVG"
    for label, check in ((k.label, c) for k, c in KINDS.values() if c is not _svg):
        if check(head):
            return f"it holds a {label}"
    return ""


# --- SVG -------------------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# Shapes, text, grouping, paint servers and clipping: what a logo or an illustration needs.
# No script, foreignObject, a, image, animate/set (they can change an href), filter
# (feImage loads), iframe, audio, video, or anything of another namespace.
SVG_ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "defs",
        "title",
        "desc",
        "symbol",
        "use",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "pattern",
        "marker",
        "style",
    }
)
SVG_ATTRIBUTES = frozenset(
    {
        "id",
        "class",
        "style",
        "transform",
        "d",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "fx",
        "fy",
        "fr",
        "width",
        "height",
        "points",
        "pathLength",
        "viewBox",
        "preserveAspectRatio",
        "version",
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-opacity",
        "opacity",
        "color",
        "display",
        "visibility",
        "overflow",
        "clip-path",
        "clip-rule",
        "mask",
        "marker-start",
        "marker-mid",
        "marker-end",
        "paint-order",
        "vector-effect",
        "shape-rendering",
        "text-rendering",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "font-variant",
        "text-anchor",
        "dominant-baseline",
        "alignment-baseline",
        "baseline-shift",
        "letter-spacing",
        "word-spacing",
        "text-decoration",
        "writing-mode",
        "dx",
        "dy",
        "rotate",
        "textLength",
        "lengthAdjust",
        "offset",
        "stop-color",
        "stop-opacity",
        "gradientUnits",
        "gradientTransform",
        "spreadMethod",
        "patternUnits",
        "patternContentUnits",
        "patternTransform",
        "clipPathUnits",
        "maskUnits",
        "maskContentUnits",
        "markerWidth",
        "markerHeight",
        "markerUnits",
        "refX",
        "refY",
        "orient",
        "role",
        "aria-label",
        "aria-hidden",
        "focusable",
        "href",
        "space",
        "lang",
    }
)
# A reference to something else than an element of the same file (`url(https://…)`,
# `url(data:…)`, `@import`), a CSS escape that could spell one, or a tag.
_REMOTE = re.compile(r"url\s*\(\s*(?![\"']?\s*#)|@import|@font-face|expression|binding|behavior")
_CSS_UNSAFE = re.compile(r"[\\<>]|/\*|\*/|javascript:|data:", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*>", re.IGNORECASE)
_LOCAL_REF = re.compile(r"#[A-Za-z_][\w.:-]*")


class SvgError(ValueError):
    """An SVG that cannot be read as one (the message says why, for a diagnostic)."""


@dataclass(frozen=True, slots=True)
class CleanSvg:
    data: bytes
    dropped: tuple[str, ...]  # what was left out ("<script>", "onload", "href=https://…")


def _local_name(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local
    return "", name


def _safe_css(text: str) -> bool:
    return not _REMOTE.search(text.lower()) and not _CSS_UNSAFE.search(text)


def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;")
        text = text.replace("\t", "&#9;")
    return text


def clean_svg(data: bytes) -> CleanSvg:
    """The SVG rewritten from an allow-list: elements of the SVG namespace that only draw,
    their presentation attributes, styles without remote references, links to elements of
    the same file only. Comments, processing instructions, metadata and other namespaces
    (Inkscape, Illustrator) are left out. Raises SvgError when it is not an SVG to read:
    not XML, a DOCTYPE with an internal subset (entities), too deep, too large."""
    if len(data) > MAX_SVG_BYTES:
        raise SvgError(f"it is larger than {MAX_SVG_BYTES // 1_000_000} MB")
    if re.search(rb"<!DOCTYPE[^>]*\[|<!ENTITY", data, re.IGNORECASE):
        raise SvgError("it declares entities (a DOCTYPE with an internal subset)")
    # A plain DOCTYPE (Illustrator writes one) names a DTD that nothing should fetch: dropped.
    data = _DOCTYPE.sub(b"", data)
    parser = XMLParser()
    try:
        parser.feed(data)
        root = parser.close()
    except ParseError as exc:
        raise SvgError(f"it is not well-formed XML ({exc})") from None
    ns, local = _local_name(root.tag)
    if (ns, local) != (SVG_NS, "svg"):
        raise SvgError("its root element is not <svg> in the SVG namespace")
    dropped: list[str] = []
    if re.search(rb"<\?(?!xml[\s?])", data):
        dropped.append("<?…?> instructions")  # xml-stylesheet would load a style sheet
    _drop_nested_uses(root, dropped)
    body = _element(root, dropped, 0)
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return CleanSvg((head + body + "\n").encode("utf-8"), tuple(dict.fromkeys(dropped)))


def _drop_nested_uses(root: Element, dropped: list[str]) -> None:
    """Remove every <use> that points at a <use> or at an element holding one: uses of uses
    multiply (ten levels of ten are ten billion shapes, "billion laughs" for the reader's
    browser) or loop. A <use> of plain shapes stays."""
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    use = f"{{{SVG_NS}}}use"
    doomed = []  # decided on the file as written, then removed
    for parent in root.iter():
        for child in parent:
            if child.tag != use:
                continue
            ref = (child.get(f"{{{XLINK_NS}}}href") or child.get("href") or "").strip()
            target = by_id.get(ref[1:]) if ref.startswith("#") else None
            if target is None or any(el.tag == use for el in target.iter()):
                doomed.append((parent, child))
                dropped.append("<use> of a <use>" if target is not None else "<use> of nothing")
    for parent, child in doomed:
        parent.remove(child)


def _element(element: Element, dropped: list[str], depth: int) -> str:
    if depth > MAX_SVG_DEPTH:
        raise SvgError(f"its elements are nested more than {MAX_SVG_DEPTH} deep")
    _, tag = _local_name(element.tag)
    attrs: list[str] = []
    if depth == 0:
        attrs.append(f'xmlns="{SVG_NS}"')
        attrs.append(f'xmlns:xlink="{XLINK_NS}"')
    for name, value in element.attrib.items():
        attr_ns, local = _local_name(name)
        shown = local if not attr_ns else f"{attr_ns.rsplit('/', 1)[-1]}:{local}"
        if attr_ns == XLINK_NS and local == "href":
            written = "xlink:href"
        elif attr_ns == XML_NS and local in ("space", "lang"):
            written = f"xml:{local}"
        elif attr_ns == "" and local in SVG_ATTRIBUTES - {"space"}:
            written = local
        else:
            dropped.append(shown if not shown.lower().startswith("on") else f"{shown} (a script)")
            continue
        if local == "href" and not _LOCAL_REF.fullmatch(value.strip()):
            dropped.append(f"{shown}={value[:40]}")
            continue
        if (local == "style" or "url" in value.lower()) and not _safe_css(value):
            dropped.append(f"{shown}={value[:40]}")
            continue
        attrs.append(f'{written}="{_escape(value, quote=True)}"')
    children: list[str] = []
    text = element.text or ""
    if tag == "style":
        if not _safe_css(text):
            dropped.append("<style> with a remote reference")
            return ""
        children.append(_escape(text))
    else:
        children.append(_escape(text))
        for child in element:
            child_ns, child_tag = _local_name(child.tag)
            if child_ns == SVG_NS and child_tag in SVG_ELEMENTS:
                children.append(_element(child, dropped, depth + 1))
            elif child_ns == SVG_NS and child_tag in ("a", "switch"):
                # A link's drawing stays, as a group; the link goes.
                dropped.append(f"<{child_tag}>")
                group = Element(f"{{{SVG_NS}}}g")
                group.text = child.text
                group.extend(list(child))
                children.append(_element(group, dropped, depth + 1))
            elif isinstance(child.tag, str):
                dropped.append(f"<{child_tag}>")
            children.append(_escape(child.tail or ""))
    opening = " ".join([tag, *attrs])
    return f"<{opening}>{''.join(children)}</{tag}>"
