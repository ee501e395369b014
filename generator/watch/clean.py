"""Clean what feeds say: HTML through nh3's allow-list, links checked and untracked, text made plain."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import parse_qsl, quote, urljoin, urlsplit, urlunsplit

import nh3

from .markup import TOKEN
from .model import Entry
from .parse import ParsedFeed, RawEntry

TITLE_MAX = 300
SUMMARY_MAX = 1200  # characters of text; longer summaries are cut at a word, tags closed
URL_MAX = 2048
LINK_REL = "noopener noreferrer nofollow"

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "del",
    "em",
    "figcaption",
    "figure",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
    "u",
    "ul",
}
# Structure tags accepted by the first nh3 pass only: the second pass drops them but keeps a space
# where they were, so that "<td>a</td><td>b</td>" reads "a b", not "ab".
UNWRAP = {
    "address",
    "article",
    "aside",
    "caption",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "font",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "main",
    "nav",
    "section",
    "span",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
}
# Removed with everything inside them (other unknown tags are removed but keep their text).
DROP_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "noscript",
    "template",
    "form",
    "textarea",
    "select",
    "button",
    "svg",
    "math",
    "audio",
    "video",
    "canvas",
    "head",
    "title",
}
URL_SCHEMES = {"http", "https", "mailto"}
_BLOCKS = {"p", "br", "li", "ul", "ol", "blockquote", "pre", "figure", "figcaption", "hr"}
_VOID = {"br", "img", "hr"}
# Invisible controls and bidirectional overrides: they can disguise a title or a link.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_URL_WHITESPACE = re.compile(r"[\t\r\n]")
_URL_OTHER_SPACE = re.compile(r"(?! )\s")
_URL_UNSAFE = re.compile(r'[ <>"`{}|\\^]')
_SPACES = re.compile(r"\s+")
# Collapses runs of white space but keeps no-break spaces (French typography: « prix : … »).
_BREAKING_SPACES = re.compile(r"[^\S\u00a0\u202f]+")


def _squash(text: str) -> str:
    return _BREAKING_SPACES.sub(" ", text).strip()


# --- URLs ------------------------------------------------------------------------------------


def _is_google_redirect(host: str, path: str) -> bool:
    return (
        path == "/url"
        and re.fullmatch(r"(www\.)?google\.[a-z]{2,3}(\.[a-z]{2})?", host) is not None
    )


def clean_url(
    url: str | None,
    *,
    base: str | None = None,
    schemes: Iterable[str] = ("http", "https"),
    _depth: int = 0,
) -> str | None:
    """An absolute link with an allowed scheme, Google redirects unwrapped, utm_*/fbclid removed; else None."""
    if not url:
        return None
    # As browsers do: tabs and newlines vanish from URLs ("java\nscript:" is "javascript:").
    url = _URL_WHITESPACE.sub("", _INVISIBLE.sub("", url)).strip()
    if not url or len(url) > URL_MAX or _URL_OTHER_SPACE.search(url):
        return None
    # Characters never valid as such in a URL are percent-encoded, so no output context sees them raw.
    url = _URL_UNSAFE.sub(lambda m: quote(m.group(), safe=""), url)
    try:
        if base and not urlsplit(url).scheme:
            url = urljoin(base, url)
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in schemes:
            return None
        if scheme == "mailto":
            return url if parts.path and "@" in parts.path else None
        host = (parts.hostname or "").lower()
        if not host:
            return None
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return None
    query = parts.query
    if _is_google_redirect(host, parts.path) and _depth == 0:
        params = dict(parse_qsl(query))
        target = params.get("url") or params.get("q")
        return clean_url(target, schemes=("http", "https"), _depth=1) if target else None
    if query:
        kept = [p for p in query.split("&") if p and not _is_tracking(p.split("=", 1)[0])]
        query = "&".join(kept)
    return urlunsplit((scheme, parts.netloc, parts.path, query, parts.fragment))


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name == "fbclid"


def canonical_link(url: str) -> str:
    """A key for spotting the same article in two feeds: no scheme, www., fragment or trailing slash."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")


# --- HTML ------------------------------------------------------------------------------------


def _attribute_filter(base: str | None) -> Any:
    def keep(tag: str, name: str, value: str) -> str | None:
        if name == "href":
            return clean_url(value, base=base, schemes=("http", "https", "mailto"))
        if name == "src":
            return clean_url(
                value, base=base, schemes=("https",)
            )  # http images leak and mix content
        if name in ("width", "height"):
            value = value.strip().removesuffix("px")
            return value if value.isdigit() and len(value) <= 5 else None
        return value

    return keep


def sanitise(fragment: str, base: str | None = None, *, structure: bool = False) -> str:
    """nh3 with the explicit allow-list: no scripts, styles, forms, frames or event attributes.
    `structure` also keeps the UNWRAP tags (without attributes) for the second pass."""
    return nh3.clean(
        fragment,
        tags=TAGS | UNWRAP if structure else TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter(base),
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def recheck(safe_html: str) -> str:
    """The output allow-list applied again to HTML that was already cleaned: same tags, attributes
    and URL schemes, without the (slower) URL rewriting. Cheap insurance for the second pass and
    for HTML read back from the cache."""
    return nh3.clean(
        safe_html,
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=_recheck_filter,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _recheck_filter(tag: str, name: str, value: str) -> str | None:
    if name == "src" and not value.lower().startswith("https://"):
        return None
    if name in ("href", "src") and not value.lower().startswith(("https://", "http://", "mailto:")):
        return None  # relative URLs were resolved by the first pass; anything else is suspicious
    return value


_ATTR = re.compile(r'([^\s="/>]+)="([^"]*)"')


class _Pass:
    """Second pass over nh3's output: drops tracking pixels and source-less images, unwraps links
    without an address and structure tags (leaving a space), collapses whitespace, cuts long text
    at a word (closing open tags), and collects the plain text with spaces between blocks."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.out: list[str] = []
        self.text: list[str] = []
        self.length = 0
        self.open: list[tuple[str, bool]] = []  # (tag, written): unwrapped links are not written
        self.full = False

    def run(self, safe: str) -> tuple[str, str]:
        for m in TOKEN.finditer(safe):  # nh3's output tokenises exactly, faster than a parser
            closing, tag, attrs, data = m.groups()
            if self.full:
                break
            if data is not None:
                self.data(html.unescape(data))
            elif tag is None:
                self.data("<")  # not produced by nh3; kept as text
            elif tag.lower() in UNWRAP:
                self.space()
            elif closing:
                self.end(tag.lower())
            else:
                self.start(tag.lower(), m.group(0), attrs)
        closing_tags = "".join(f"</{tag}>" for tag, written in reversed(self.open) if written)
        return "".join(self.out).strip() + closing_tags, _squash("".join(self.text))

    def space(self) -> None:
        if self.out and not self.out[-1].endswith(" "):
            self.out.append(" ")
        self.text.append(" ")

    def start(self, tag: str, source: str, attrs: str) -> None:
        values = {k.lower(): html.unescape(v) for k, v in _ATTR.findall(attrs)}
        if tag == "img" and (
            not values.get("src") or _tiny(values.get("width")) or _tiny(values.get("height"))
        ):
            return
        if tag in _BLOCKS:
            self.text.append(" ")
        written = not (tag == "a" and not values.get("href"))
        if written:
            self.out.append(source)
        if tag not in _VOID:
            self.open.append((tag, written))

    def end(self, tag: str) -> None:
        if tag in _VOID or all(t != tag for t, _ in self.open):
            return
        while self.open:
            top, written = self.open.pop()
            if written:
                self.out.append(f"</{top}>")
            if top == tag:
                break
        if tag in _BLOCKS:
            self.text.append(" ")

    def data(self, data: str) -> None:
        if all(t != "pre" for t, _ in self.open):
            data = _SPACES.sub(" ", data)
            if (not self.out or self.out[-1].endswith((">", " "))) and (
                not self.text or self.text[-1].endswith(" ")
            ):
                data = data.lstrip(" ")
        if not data:
            return
        room = self.limit - self.length
        if len(data) > room:
            cut = data[:room]
            cut = cut[: cut.rfind(" ")] if " " in cut[room // 2 :] else cut
            data = cut.rstrip() + "…"
            self.full = True
        self.length += len(data)
        self.out.append(html.escape(data, quote=False))
        self.text.append(data)


def _tiny(value: str | None) -> bool:
    return value is not None and value.strip().isdigit() and int(value) <= 1


def clean_html(
    fragment: str, *, base: str | None = None, limit: int = SUMMARY_MAX
) -> tuple[str, str]:
    """(safe HTML, plain text) of an untrusted HTML fragment."""
    if not fragment or not fragment.strip():
        return "", ""
    safe, text = _Pass(limit).run(sanitise(_INVISIBLE.sub("", fragment), base, structure=True))
    return recheck(safe), text


def plain_text(value: str, *, is_html: bool, limit: int = TITLE_MAX) -> str:
    """One line of plain text (tags removed when it is HTML), invisible controls dropped, cut at `limit`."""
    # Text is text: "Introducing the <dialog> element" keeps its words (templates escape it).
    if is_html:
        value = html.unescape(nh3.clean(value, tags=set(), clean_content_tags={"script", "style"}))
    value = _squash(unicodedata.normalize("NFC", _INVISIBLE.sub("", value)))
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def text_as_html(value: str, limit: int = SUMMARY_MAX) -> tuple[str, str]:
    text = plain_text(value, is_html=False, limit=limit)
    return (f"<p>{html.escape(text, quote=False)}</p>" if text else ""), text


# --- entries ---------------------------------------------------------------------------------


def entry_id(raw: RawEntry, link: str | None, title: str) -> str:
    """Stable across fetches: the guid, else the link, else title and date."""
    if raw.guid:
        key = "guid:" + raw.guid[:2048]
    elif link:
        key = "link:" + link
    else:
        key = "hash:" + title + "|" + (raw.published.isoformat() if raw.published else "")
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:20]


def clean_entry(
    raw: RawEntry,
    *,
    feed_id: str,
    base_url: str,
    now: datetime,
    tz: tzinfo,
    feed_published: datetime | None = None,
) -> Entry:
    """A cache entry from a raw one: every field cleaned, the date in the site zone, never in the future."""
    link = clean_url(raw.link, base=base_url)
    title = plain_text(raw.title, is_html=raw.title_is_html)
    if raw.summary_is_html:
        # Relative addresses in the summary: its xml:base first (itself relative to the feed's
        # address), else the entry's link, else the feed's address.
        base = urljoin(base_url, raw.base) if raw.base else (link or base_url)
        summary_html, summary_text = clean_html(raw.summary, base=base)
    else:
        summary_html, summary_text = text_as_html(raw.summary)
    if not title:
        title = (
            summary_text[:80].rsplit(" ", 1)[0] + "…" if len(summary_text) > 80 else summary_text
        )
    now = now.astimezone(tz)
    # An entry without a readable date takes the feed's own date, else the time it was first
    # seen; `dated` stays False so that it is never presented as new.
    when = raw.published or feed_published
    published = when.astimezone(tz) if when else now
    return Entry(
        id=entry_id(raw, link, title),
        feed=feed_id,
        title=title or "—",
        link=link,
        summary_html=summary_html,
        summary_text=summary_text,
        author=plain_text(raw.author, is_html=False, limit=120),
        published=min(published, now),
        dated=raw.published is not None,
        first_seen=now,
    )


def clean_entries(
    parsed: ParsedFeed, *, feed_id: str, base_url: str, now: datetime, tz: tzinfo
) -> tuple[Entry, ...]:
    """Every entry cleaned; a repeated id (duplicate guid) keeps its first occurrence."""
    seen: dict[str, Entry] = {}
    for raw in parsed.entries:
        entry = clean_entry(
            raw,
            feed_id=feed_id,
            base_url=base_url,
            now=now,
            tz=tz,
            feed_published=parsed.published,
        )
        seen.setdefault(entry.id, entry)
    return tuple(seen.values())


def feed_title(parsed: ParsedFeed) -> str:
    return plain_text(parsed.title, is_html=True, limit=120)
