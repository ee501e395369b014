"""Parse downloaded feed bytes with feedparser, safely: bytes only, no DTD entities, crashes caught."""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

try:  # the same transcoding feedparser applies, so the DOCTYPE scan sees what its parser will see
    from feedparser.encodings import convert_to_utf8 as _to_utf8
except ImportError:  # pragma: no cover - feedparser moved it; fall back to a plain decode
    _to_utf8 = None

MAX_ENTRIES = 2000  # a feed listing more is truncated (the cache keeps far fewer anyway)


class ParseError(Exception):
    """The bytes are not a usable feed; `code` is short and stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class RawEntry:
    """An entry as feedparser read it: untrusted strings, HTML not yet cleaned."""

    guid: str | None
    link: str | None
    title: str
    title_is_html: bool
    summary: str
    summary_is_html: bool
    author: str
    published: datetime | None  # UTC


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    link: str | None
    version: str
    entries: tuple[RawEntry, ...]
    warnings: tuple[str, ...] = ()


# --- DOCTYPE and entities --------------------------------------------------------------------


def _skip(data: bytes, i: int, end: bytes) -> int:
    j = data.find(end, i)
    if j < 0:
        raise ParseError("parse-error", "the XML prolog is not terminated")
    return j + len(end)


def _doctype_end(data: bytes, i: int) -> int:
    """The index just after the DOCTYPE declaration that starts at `i` (quotes and [subset] aware)."""
    depth = 0
    n = len(data)
    j = i + 9
    while j < n:
        c = data[j]
        if c in b"\"'":
            j = _skip(data, j + 1, bytes([c]))
            continue
        if data.startswith(b"<!--", j):
            j = _skip(data, j + 4, b"-->")
            continue
        if c == ord("["):
            depth += 1
        elif c == ord("]"):
            depth -= 1
        elif c == ord(">") and depth <= 0:
            return j + 1
        j += 1
    raise ParseError("parse-error", "the DOCTYPE declaration is not terminated")


def strip_doctype(data: bytes) -> tuple[bytes, bool]:
    """The document without its DOCTYPE; refuses one that declares entities.

    Entity declarations are what billion-laughs and external-entity (XXE) attacks need,
    and real feeds do not declare any, so such a document is refused outright. A DOCTYPE
    without them (old RSS 0.91, an HTML page) is removed, so nothing is ever looked up.
    """
    i = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    n = len(data)
    while i < n:
        while i < n and data[i] in b" \t\r\n":
            i += 1
        if data.startswith(b"<?", i):
            i = _skip(data, i + 2, b"?>")
        elif data.startswith(b"<!--", i):
            i = _skip(data, i + 4, b"-->")
        elif data[i : i + 9].upper() == b"<!DOCTYPE":
            end = _doctype_end(data, i)
            if re.search(rb"<!\s*ENTITY", data[i:end], re.IGNORECASE):
                raise ParseError(
                    "entities-refused",
                    "the feed declares XML entities (a billion-laughs or external "
                    "entity attack, or a very unusual feed): refused",
                )
            return data[:i] + data[end:], True
        else:
            break
    return data, False


# --- feedparser ------------------------------------------------------------------------------


def _utf8(data: bytes, content_type: str | None) -> tuple[bytes, list[str]]:
    if _to_utf8 is None:  # pragma: no cover
        return data.decode("utf-8", "replace").encode("utf-8"), []
    result: dict[str, Any] = {}
    converted = _to_utf8({"content-type": content_type} if content_type else {}, data, result)
    warnings = []
    if result.get("bozo_exception") is not None:
        warnings.append(_describe(result["bozo_exception"]))
    if not result.get("encoding"):
        converted = data.decode("utf-8", "replace").encode("utf-8")
    return converted, warnings


def _describe(exc: Any) -> str:
    text = str(exc) or type(exc).__name__
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _is_html(detail: Any) -> bool:
    kind = detail.get("type", "") if isinstance(detail, dict) else ""
    return kind in ("text/html", "application/xhtml+xml")


def _date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            try:
                return datetime(*value[:6], tzinfo=UTC)
            except (ValueError, OverflowError, TypeError):
                continue
    return None


def _raw_entry(entry: Any) -> RawEntry:
    content = entry.get("content")
    first = (
        content[0]
        if isinstance(content, list) and content and isinstance(content[0], dict)
        else None
    )
    summary, detail = _str(entry.get("summary")), entry.get("summary_detail")
    if not summary.strip() and first is not None:
        summary, detail = _str(first.get("value")), first
    # feedparser copies the content into `summary` without a summary_detail when there is no summary.
    detail = detail if isinstance(detail, dict) else (first or {"type": "text/html"})
    summary_html = _is_html(detail)
    return RawEntry(
        guid=_str(entry.get("id")).strip() or None,
        link=_str(entry.get("link")).strip() or None,
        title=_str(entry.get("title")),
        title_is_html=_is_html(entry.get("title_detail")),
        summary=summary,
        summary_is_html=summary_html,
        author=_str(entry.get("author")),
        published=_date(entry),
    )


_FEED_LINK = re.compile(
    rb"<link\b[^>]*type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.IGNORECASE
)
_HREF = re.compile(rb"href=[\"']([^\"'<>]{1,500})[\"']", re.IGNORECASE)


def _not_a_feed(data: bytes, content_type: str | None, bozo: str) -> ParseError:
    head = data[:65536]
    if "html" in (content_type or "").lower() or re.search(rb"<html[\s>]", head, re.IGNORECASE):
        message = "the address returned an HTML page, not an RSS or Atom feed"
        link = _FEED_LINK.search(head)
        href = _HREF.search(link.group(0)) if link else None
        if href:
            message += f"; the page announces a feed at {href.group(1).decode('utf-8', 'replace')}"
        return ParseError("not-a-feed", message)
    return ParseError("not-a-feed", "not an RSS or Atom feed" + (f" ({bozo})" if bozo else ""))


def parse_feed(data: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse feed bytes (never a URL or a path: feedparser would fetch or open it)."""
    if not data.strip():
        raise ParseError("empty", "the server sent an empty body")
    utf8, warnings = _utf8(data, content_type)
    utf8, _had_doctype = strip_doctype(utf8)
    try:
        result = feedparser.parse(
            io.BytesIO(utf8),  # a stream: feedparser reads it and nothing else
            # No content-location: feedparser would resolve guids against it, and ids must not
            # change with the address; links are resolved by clean.py instead.
            response_headers={"content-type": "application/xml; charset=utf-8"},
            sanitize_html=False,  # nh3 cleans every HTML field with our allow-list instead
            resolve_relative_uris=False,
        )
    except Exception as exc:  # noqa: BLE001 - feedparser raises on some inputs; that feed fails alone
        raise ParseError(
            "parse-error", f"the feed could not be parsed: {type(exc).__name__}: {_describe(exc)}"
        )
    bozo = _describe(result.get("bozo_exception")) if result.get("bozo") else ""
    raw = result.get("entries") or []
    version = _str(result.get("version"))
    if not version and not raw:
        raise _not_a_feed(data, content_type, bozo)
    if bozo:
        warnings.append(f"malformed feed, read leniently: {bozo}")
    entries = []
    for entry in raw[:MAX_ENTRIES]:
        if isinstance(entry, dict):
            entries.append(_raw_entry(entry))
    if len(raw) > MAX_ENTRIES:
        warnings.append(
            f"the feed lists {len(raw)} entries; only the first {MAX_ENTRIES} were read"
        )
    feed = result.get("feed") if isinstance(result.get("feed"), dict) else {}
    return ParsedFeed(
        title=_str(feed.get("title")),
        link=_str(feed.get("link")) or None,
        version=version,
        entries=tuple(entries),
        warnings=tuple(dict.fromkeys(warnings)),
    )
