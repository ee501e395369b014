"""Parse downloaded feed bytes with feedparser, safely: bytes only, no DTD entities, crashes caught."""

from __future__ import annotations

import io
import json
import re
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
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
    base: str | None = None  # the xml:base in force for the summary or content, if any
    date_text: str = ""  # the entry's date as written, when it could not be read


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    link: str | None
    version: str
    entries: tuple[RawEntry, ...]
    warnings: tuple[str, ...] = ()
    published: datetime | None = None  # the feed's own date (UTC), for entries without one


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


_XML_ENCODING = re.compile(
    rb"""^(\xef\xbb\xbf)?(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._:-]{1,40})(["'])"""
)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
# One byte per character: any byte sequence is valid in them, so only the bytes can tell.
_SINGLE_BYTE = re.compile(r"(iso-?8859|latin|windows-?125|cp-?125|us-?ascii|ascii$)", re.IGNORECASE)


def _bytes_say_utf8(data: bytes, content_type: str | None) -> tuple[bytes, str | None, str]:
    """Bytes declared in a one-byte encoding that are valid UTF-8 (with non-ASCII characters)
    are UTF-8: text in Latin-1 or Windows-1252 is almost never valid UTF-8 by chance."""
    match = _XML_ENCODING.match(data)
    header = _CHARSET.search(content_type or "")
    declared = [m.group(3).decode() for m in (match,) if m] + [h.group(1) for h in (header,) if h]
    wrong = [d for d in declared if _SINGLE_BYTE.search(d)]
    if not wrong or data.isascii():
        return data, content_type, ""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data, content_type, ""
    if match:
        data = data[: match.start(3)] + b"utf-8" + data[match.end(3) :]
    if header and content_type:
        content_type = content_type[: header.start(1)] + "utf-8" + content_type[header.end(1) :]
    return (
        data,
        content_type,
        f"the feed declares {wrong[0]} but its bytes are UTF-8: read as UTF-8",
    )


def _utf8(data: bytes, content_type: str | None) -> tuple[bytes, list[str]]:
    data, content_type, relabelled = _bytes_say_utf8(data, content_type)
    if _to_utf8 is None:  # pragma: no cover
        return data.decode("utf-8", "replace").encode("utf-8"), []
    if relabelled:
        return data, [relabelled]
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


def _date_text(entry: Any) -> str:
    """The date as the feed wrote it (for the warning when it cannot be read)."""
    for key in ("published", "updated", "created"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())[:80]
    return ""


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
    base = _str(detail.get("base")).strip() or None
    published = _date(entry)
    return RawEntry(
        guid=_str(entry.get("id")).strip() or None,
        link=_str(entry.get("link")).strip() or None,
        title=_str(entry.get("title")),
        title_is_html=_is_html(entry.get("title_detail")),
        summary=summary,
        summary_is_html=summary_html,
        author=_str(entry.get("author")),
        published=published,
        base=base,
        date_text="" if published else _date_text(entry),
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


# --- JSON Feed ----------------------------------------------------------------------------

JSON_FEED_VERSIONS = {
    "https://jsonfeed.org/version/1": "json1",
    "https://jsonfeed.org/version/1.1": "json11",
}


def _looks_like_json(data: bytes, content_type: str | None) -> bool:
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return start == b"{" or (start != b"<" and "json" in (content_type or "").lower())


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _json_date(value: Any) -> datetime | None:
    """RFC 3339, as JSON Feed requires; None when missing or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        try:  # real JSON feeds also write RSS's RFC 822 dates ("Fri, 31 May 2019 12:17:58 -0700")
            parsed = parsedate_to_datetime(value.strip())
        except (ValueError, TypeError, IndexError):
            return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _json_author(item: dict[str, Any], feed: dict[str, Any]) -> str:
    for holder in (item, feed):
        authors = holder.get("authors")  # 1.1
        people = authors if isinstance(authors, list) else [holder.get("author")]  # 1.0
        names = [_json_text(p.get("name")) for p in people if isinstance(p, dict)]
        if any(names):
            return ", ".join(n for n in names if n)
    return ""


def _json_entry(item: dict[str, Any], feed: dict[str, Any]) -> RawEntry:
    if _json_text(item.get("summary")).strip():
        summary, is_html = _json_text(item.get("summary")), False
    elif _json_text(item.get("content_html")).strip():
        summary, is_html = _json_text(item.get("content_html")), True
    else:
        summary, is_html = _json_text(item.get("content_text")), False
    ident = item.get("id")
    published = _json_date(item.get("date_published")) or _json_date(item.get("date_modified"))
    written = _json_text(item.get("date_published")) or _json_text(item.get("date_modified"))
    return RawEntry(
        guid=str(ident).strip() or None if isinstance(ident, (str, int)) else None,
        link=(_json_text(item.get("url")) or _json_text(item.get("external_url"))).strip() or None,
        title=_json_text(item.get("title")),
        title_is_html=False,  # JSON Feed titles are plain text
        summary=summary,
        summary_is_html=is_html,
        author=_json_author(item, feed),
        published=published,
        date_text="" if published else " ".join(written.split())[:80],
    )


def parse_json_feed(data: bytes) -> ParsedFeed:
    """A JSON Feed (1.0 or 1.1, https://jsonfeed.org/version/1.1); ParseError for other JSON."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))  # JSON Feed is UTF-8, as all JSON (RFC 8259)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ParseError("not-a-feed", f"JSON that cannot be read: {_describe(exc)}") from None
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise ParseError(
            "not-a-feed",
            "a JSON document, but not a JSON Feed (its 'version' should be "
            "'https://jsonfeed.org/version/1.1')",
        )
    assert isinstance(doc, dict)
    items = doc.get("items")
    if not isinstance(items, list):
        raise ParseError("not-a-feed", "a JSON Feed without its list of 'items'")
    warnings = []
    if version not in JSON_FEED_VERSIONS:
        warnings.append(f"JSON Feed version {version[:60]}, read as version 1.1")
    entries = tuple(_json_entry(i, doc) for i in items[:MAX_ENTRIES] if isinstance(i, dict))
    if len(items) > MAX_ENTRIES:
        warnings.append(
            f"the feed lists {len(items)} entries; only the first {MAX_ENTRIES} were read"
        )
    return _with_date_warning(
        ParsedFeed(
            title=_json_text(doc.get("title")),
            link=_json_text(doc.get("home_page_url")).strip() or None,
            version=JSON_FEED_VERSIONS.get(version, "json11"),
            entries=entries,
            warnings=tuple(warnings),
        )
    )


def parse_feed(data: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse feed bytes (never a URL or a path: feedparser would fetch or open it).

    RSS and Atom go through feedparser; JSON Feed 1.0 and 1.1 are read here.
    """
    if not data.strip():
        raise ParseError("empty", "the server sent an empty body")
    if _looks_like_json(data, content_type):
        return parse_json_feed(data)
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
    except Exception as exc:  # feedparser raises on some inputs; that feed fails alone
        raise ParseError(
            "parse-error", f"the feed could not be parsed: {type(exc).__name__}: {_describe(exc)}"
        ) from exc
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
    return _with_date_warning(
        ParsedFeed(
            title=_str(feed.get("title")),
            link=_str(feed.get("link")) or None,
            version=version,
            entries=tuple(entries),
            warnings=tuple(dict.fromkeys(warnings)),
            published=_date(feed),
        )
    )


def _with_date_warning(parsed: ParsedFeed) -> ParsedFeed:
    """The feed with a warning naming its entries whose date cannot be read or is missing."""
    undated = [e for e in parsed.entries if e.published is None]
    if not undated:
        return parsed
    unread = [e.date_text for e in undated if e.date_text]
    fallback = "the feed's own date" if parsed.published else "no date"
    if unread:
        text = (
            f"{len(unread)} of {len(parsed.entries)} entries have a date the watch cannot read "
            f"(e.g. '{unread[0]}'): they are shown with {fallback}, never as new"
        )
    else:
        text = (
            f"{len(undated)} of {len(parsed.entries)} entries have no date: "
            f"they are shown with {fallback}, never as new"
        )
    return replace(parsed, warnings=(*parsed.warnings, text))
