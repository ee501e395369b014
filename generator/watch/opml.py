"""OPML in and out, so feeds move between Relais and feed readers.

OPML is parsed with expat directly and any DOCTYPE or entity declaration is refused
(what defusedxml's `forbid_dtd` does): no entity expansion, no external lookups.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from xml.parsers import expat

from .config import ID_RE, Feed, WatchConfig, slugify, url_problem

MAX_OPML_BYTES = 5_000_000
MAX_OUTLINES = 5000
DEFAULT_THEME = "imported"
# Extra attributes (ignored by feed readers) so that an export imports back with the same ids.
RELAIS_THEME, RELAIS_ID = "relaisTheme", "relaisId"


class OpmlError(Exception):
    """The OPML file cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class OpmlImport:
    """What an OPML file adds to a configuration: new themes (id → label) and new feeds."""

    themes: dict[str, str]
    feeds: tuple[Feed, ...]
    skipped: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # what was read leniently, each naming its line


def _refuse(*_args: object) -> None:
    raise OpmlError(
        "the OPML file has a DOCTYPE or declares entities; refused (possible entity attack)"
    )


def _refuse_external(
    _context: str, _base: str | None, _system: str | None, _public: str | None
) -> int:
    raise OpmlError("the OPML file refers to an external entity; refused")


# An "&" that starts no reference XML knows without a DTD: XML's five names or a number.
_RAW_AMPERSAND = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)")


def _escape_raw_ampersands(data: bytes) -> tuple[bytes, tuple[str, ...]]:
    """data with each raw "&" written "&amp;", and one warning per line that had one."""
    lines = sorted({data.count(b"\n", 0, m.start()) + 1 for m in _RAW_AMPERSAND.finditer(data)})
    warnings = tuple(
        f"line {n}: a raw '&' (exporters should write '&amp;'), read as '&'" for n in lines
    )
    return _RAW_AMPERSAND.sub(b"&amp;", data), warnings


def parse_xml_leniently(data: bytes) -> tuple[ET.Element, dict[int, int], tuple[str, ...]]:
    """parse_xml, and when the only fault is a raw "&" (the commonest in real exports), the
    document read again with it escaped; DTDs and entities stay refused either way."""
    try:
        root, lines = _parse(data)
        return root, lines, ()
    except OpmlError as first:
        fixed, warnings = _escape_raw_ampersands(data)
        if not warnings:
            raise
        try:
            root, lines = _parse(fixed)
        except OpmlError:
            raise first from None
        return root, lines, warnings


def parse_xml(data: bytes) -> ET.Element:
    """An element tree from untrusted XML, refusing any DTD, entity declaration or external reference."""
    return _parse(data)[0]


def _parse(data: bytes) -> tuple[ET.Element, dict[int, int]]:
    """The element tree and the line of each element (by id), refusing DTDs and entities."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse_external
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        lines[id(builder.start(tag, attrs))] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
        return builder.close(), lines
    except expat.ExpatError as exc:
        raise OpmlError(f"not well-formed XML: {exc}") from None
    except AssertionError:  # TreeBuilder.close() on an empty document
        raise OpmlError("the file holds no XML element") from None


def _attr(element: ET.Element, *names: str) -> str:
    lowered = {k.lower(): v for k, v in element.attrib.items()}
    for name in names:
        value = lowered.get(name.lower(), "").strip()
        if value:
            return " ".join(value.split())
    return ""


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = base[: 80 - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def read_opml(
    data: bytes, config: WatchConfig | None = None, *, default_theme: str = DEFAULT_THEME
) -> OpmlImport:
    """The feeds of an OPML document that `config` lacks; outline folders become themes."""
    if not ID_RE.match(default_theme):
        raise OpmlError(f"'{default_theme}' is not a valid theme id")
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"the file is larger than {MAX_OPML_BYTES // 1_000_000} MB")
    root, lines, warnings = parse_xml_leniently(data)
    if root.tag.lower() != "opml":
        raise OpmlError(f"the root element is <{root.tag[:40]}>, not <opml>")
    body = next((child for child in root if child.tag.lower() == "body"), None)
    if body is None:
        raise OpmlError("the OPML file has no <body>")
    config = config or WatchConfig()
    labels = {theme.label.casefold(): theme_id for theme_id, theme in config.themes.items()}
    theme_ids = set(config.themes)
    feed_ids = {f.id for f in config.feeds}
    urls = {f.url for f in config.feeds}
    listed: dict[str, int] = {}  # the feeds of this file: url -> line of its first outline
    new_themes: dict[str, str] = {}
    feeds: list[Feed] = []
    skipped: list[str] = []
    count = 0

    def theme_for(folder: tuple[str, str] | None) -> str:
        if folder is None:  # a feed outside any folder
            theme_id, label = (
                default_theme,
                ("Imported" if default_theme == DEFAULT_THEME else default_theme),
            )
        else:
            label, wanted = folder
            known = labels.get(label.casefold())
            if known:
                return known
            theme_id = wanted or slugify(label, "") or _unique("theme", theme_ids | set(new_themes))
        if theme_id not in theme_ids and theme_id not in new_themes:
            new_themes[theme_id] = label
            labels[label.casefold()] = theme_id
        return theme_id

    def walk(element: ET.Element, folder: tuple[str, str] | None) -> None:
        nonlocal count
        for outline in element:
            if outline.tag.lower() != "outline":
                continue
            count += 1
            if count > MAX_OUTLINES:
                raise OpmlError(f"more than {MAX_OUTLINES} outlines")
            url = _attr(outline, "xmlUrl")
            title = _attr(outline, "title", "text")
            if not url:
                wanted = _attr(outline, RELAIS_THEME)
                walk(outline, (title, wanted if ID_RE.match(wanted) else "") if title else folder)
                continue
            problem = url_problem(url)
            if problem:
                skipped.append(f"{title or url}: {problem}")
                continue
            line = lines.get(id(outline), 0)
            if url in listed:
                skipped.append(
                    f"{title or url}: listed twice in this file (line {line}, first on line {listed[url]})"
                )
                continue
            listed[url] = line
            if url in urls:
                skipped.append(f"{title or url}: already in site_config.yml")
                continue
            urls.add(url)
            wanted = _attr(outline, RELAIS_ID)
            base = (
                (wanted if ID_RE.match(wanted) else "")
                or slugify(title, "")
                or slugify(urlsplit(url).hostname or "", "")
                or "feed"
            )
            feed_id = _unique(base, feed_ids)
            feeds.append(Feed(id=feed_id, url=url, theme=theme_for(folder), name=title or None))

    walk(body, None)
    return OpmlImport(new_themes, tuple(feeds), tuple(skipped), warnings)


def import_opml(
    path: Path | str, config: WatchConfig | None = None, *, default_theme: str = DEFAULT_THEME
) -> OpmlImport:
    """Read an OPML file: the new feeds and themes for `config` (feeds at the top go to `default_theme`)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_OPML_BYTES:
            raise OpmlError(f"{path.name} is larger than {MAX_OPML_BYTES // 1_000_000} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise OpmlError(f"cannot read {path}: {exc.strerror or exc}") from None
    return read_opml(data, config, default_theme=default_theme)


def export_opml(config: WatchConfig, title: str = "Relais watch feeds") -> str:
    """OPML 2.0: one folder outline per theme, one rss outline per feed."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for theme_id, theme in config.themes.items():
        folders[theme_id] = ET.SubElement(
            body, "outline", {"text": theme.label, "title": theme.label, RELAIS_THEME: theme_id}
        )
    for feed in config.feeds:
        parent = folders.get(feed.theme, body)
        name = feed.name or feed.id
        ET.SubElement(
            parent,
            "outline",
            {"type": "rss", "text": name, "title": name, "xmlUrl": feed.url, RELAIS_ID: feed.id},
        )
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
