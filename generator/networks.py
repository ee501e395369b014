"""Network knowledge in one place: limits, how length is counted, composing, share links."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import grapheme  # type: ignore[import-untyped]
from grapheme.grapheme_property_group import (  # type: ignore[import-untyped]
    GraphemePropertyGroup,
    get_group,
)
from twitter_text import extract_urls_with_indices, parse_tweet  # type: ignore[import-untyped]

URL_LENGTH = 23  # what X and Mastodon count for a recognised link, whatever its length


@dataclass(frozen=True, slots=True)
class Network:
    """What Relais knows about one network: its label, icon, length rule and share link."""

    id: str
    label: str
    icon: str
    limit: int | None
    fold: int | None
    counting: str
    byte_limit: int | None
    share_kind: str
    prefills_text: bool


@dataclass(frozen=True, slots=True)
class Measure:
    """A message measured by a network's rule; unlinked_urls: links counted character by character."""

    count: int
    limit: int | None
    bytes: int
    byte_limit: int | None
    fold: int | None
    over: bool
    unlinked_urls: tuple[str, ...] = ()


_Row = tuple[str, str, str, int | None, int | None, str, int | None, str]
_B = "fontawesome-brands-"
# id, label, icon, limit, fold, counting, byte_limit, share_kind
_ROWS: tuple[_Row, ...] = (
    ("linkedin", "LinkedIn", _B + "linkedin", 3000, 210, "chars", None, "url_only"),
    ("x", "X", _B + "x-twitter", 280, None, "x", None, "text_url"),
    ("facebook", "Facebook", _B + "facebook", 63206, 480, "chars", None, "url_only"),
    ("instagram", "Instagram", _B + "instagram", 2200, 125, "chars", None, "none"),
    ("threads", "Threads", _B + "threads", 500, None, "threads", None, "text_url"),
    ("bluesky", "Bluesky", _B + "bluesky", 300, None, "bluesky", 3000, "text"),
    ("mastodon", "Mastodon", _B + "mastodon", 500, None, "mastodon", None, "text"),
    ("youtube", "YouTube", _B + "youtube", 5000, None, "chars", None, "none"),
    ("tiktok", "TikTok", _B + "tiktok", 2200, None, "chars", None, "none"),
    # Pinterest's pin link needs an image URL and never takes free text: copy and pin by hand.
    ("pinterest", "Pinterest", _B + "pinterest", 500, None, "chars", None, "none"),
    ("whatsapp", "WhatsApp", _B + "whatsapp", None, None, "none", None, "text"),
    ("email", "E-mail", "fontawesome-solid-envelope", None, None, "none", None, "email"),
)
NETWORKS: Mapping[str, Network] = MappingProxyType(
    {row[0]: Network(*row, prefills_text=row[-1] in ("text", "text_url", "email")) for row in _ROWS}
)


def get(network_id: str) -> Network | None:
    """The network with this id, or None when Relais does not know it."""
    return NETWORKS.get(network_id)


def _network(network_id: str) -> Network:
    network = NETWORKS.get(network_id)
    if network is None:
        raise KeyError(f"unknown network {network_id!r}")
    return network


# ---------------------------------------------------------------- counting

_NEWLINE = re.compile(r"\r\n?")
_SURROGATE = re.compile("[\ud800-\udfff]")
# A rough http(s) URL, only to name the links that twitter-text does not recognise.
_ROUGH_URL = re.compile(r"(?<![A-Za-z0-9@＠$#＃])https?://[^\s<>\"'“”«»]+", re.IGNORECASE)
# Mastodon counts a remote mention "@user@host" as "@user".
_MENTION = re.compile(r"(?<![=/\w])@(\w+(?:[\w.-]*\w)?)@[\w-]+(?:\.[\w-]+)*\w")
# twitter-text's own spaces (its "spaces_group" but U+180E): no link or emoji spans one.
_SPACES = r"\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_WORD = re.compile(f"[^{_SPACES}]*[{_SPACES}]*")
_EMOJI_GROUPS = (
    GraphemePropertyGroup.EXTENDED_PICTOGRAPHIC,
    GraphemePropertyGroup.REGIONAL_INDICATOR,
)
# Text twitter-text weighs 1 per character, with no emoji: ASCII, Latin, IPA, ’ “ ” – — (not © ®).
_X_PLAIN = re.compile("[\t\n\x20-\x7e\xa0-\xa8\xaa-\xad\xaf-\u02ff\u2010-\u201f]*")
# Characters that never join a neighbour into one grapheme cluster (no CR, ZWJ, mark or Hangul).
_ONE_CLUSTER_EACH = re.compile("[\t\n\x20-\x7e\xa0-\u02ff\u2010-\u205e\u20ac]*")


def _normalise(text: str) -> str:
    """NFC, one "\\n" per line break, lone surrogates replaced so that nothing downstream raises."""
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _NEWLINE.sub("\n", unicodedata.normalize("NFC", text))


def _is_emoji(cluster: str) -> bool:
    return "\u20e3" in cluster or any(get_group(c) in _EMOJI_GROUPS for c in cluster)


def _words(text: str) -> Iterator[re.Match[str]]:
    """Text cut after each run of spaces; the counts are unchanged and stay fast."""
    # twitter-text's regexes are quadratic in what they scan: "1.2." * 500 takes 10 s at once.
    return _WORD.finditer(text)


@lru_cache(
    maxsize=65536
)  # the same links and words ("Lyon.", a post's link) in thousands of messages
def _links(word: str, bare_domains: bool) -> tuple[tuple[int, int], ...]:
    """Spans of the URLs twitter-text finds in one word."""
    return tuple(
        (a, b) for a, b in (u["indices"] for u in extract_urls_with_indices(word, bare_domains))
    )


def _url_spans(text: str, bare_domains: bool) -> list[tuple[int, int]]:
    """Spans of the URLs that twitter-text recognises (a public top-level domain is required)."""
    needed = "." if bare_domains else ":"  # what twitter-text itself checks first: skip its call
    return [
        (w.start() + a, w.start() + b)
        for w in _words(text)
        if needed in w.group()
        for a, b in _links(w.group(), bare_domains)
    ]


def _unlinked(text: str, spans: list[tuple[int, int]]) -> tuple[str, ...]:
    found = (m for m in _ROUGH_URL.finditer(text) if not any(a <= m.start() < b for a, b in spans))
    return tuple(m.group().rstrip(".,;:!?)]}") for m in found)


def _mastodon_text(text: str, spans: list[tuple[int, int]]) -> str:
    parts, last = [], 0
    for start, end in spans:
        parts += [text[last:start], "x" * URL_LENGTH]
        last = end
    return _MENTION.sub(r"@\1", "".join(parts) + text[last:])


def _x_weight(word: str) -> int:
    """twitter-text's weighted length of one word (NFC already applied)."""
    if not _X_PLAIN.fullmatch(word):
        return int(parse_tweet(word).weightedLength)
    # Fast path, same result: every character weighs 1 and none starts an emoji; links weigh 23.
    links = _links(word, True) if "." in word else ()
    return len(word) - sum(b - a for a, b in links) + URL_LENGTH * len(links)


def _graphemes(text: str) -> int:
    """The number of grapheme clusters (pure-Python grapheme is slow: skip it for plain text)."""
    return len(text) if _ONE_CLUSTER_EACH.fullmatch(text) else int(grapheme.length(text))


def _count(counting: str, text: str) -> int:
    if counting == "x":
        return sum(_x_weight(w.group()) for w in _words(text))
    if counting == "mastodon":
        # Mastodon only shortens links written with their protocol, and counts graphemes.
        return _graphemes(_mastodon_text(text, _url_spans(text, bare_domains=False)))
    if counting == "bluesky":
        return _graphemes(text)
    if counting == "threads":
        return sum(len(g.encode()) if _is_emoji(g) else len(g) for g in grapheme.graphemes(text))
    return len(text)


def count(network_id: str, text: str) -> int:
    """The length of text as the network counts it (after NFC); KeyError for an unknown id."""
    return _count(_network(network_id).counting, _normalise(text))


@lru_cache(maxsize=32768)  # the checker and the planner measure the same messages in one build
def measure(network_id: str, text: str, *, limit: int | None = None) -> Measure:
    """Count, bytes and limits of text on a network; limit replaces the default (Mastodon instances)."""
    network = _network(network_id)
    text = _normalise(text)
    size, nbytes = _count(network.counting, text), len(text.encode())
    limit = network.limit if limit is None else limit
    unlinked: tuple[str, ...] = ()
    if network.counting in ("x", "mastodon"):
        unlinked = _unlinked(text, _url_spans(text, bare_domains=network.counting == "x"))
    over = (limit is not None and size > limit) or (
        network.byte_limit is not None and nbytes > network.byte_limit
    )
    return Measure(size, limit, nbytes, network.byte_limit, network.fold, over, unlinked)


def js_rules() -> dict[str, dict[str, int | str | None]]:
    """The per-network data that relais-count.js needs to count in the browser."""
    return {
        n.id: {"limit": n.limit, "fold": n.fold, "counting": n.counting, "byte_limit": n.byte_limit}
        for n in NETWORKS.values()
    }


# ---------------------------------------------------------------- composing


def _has_tag(text: str, tag: str) -> bool:
    return re.search(rf"(?<![\w#]){re.escape(tag)}(?!\w)", text, re.IGNORECASE) is not None


def _holds_link(text: str, link: str) -> bool:
    """Whether text holds link as a word of its own (trailing punctuation allowed)."""
    # str.find, not a regex built from each link: thousands of links overflow re's cache.
    start = text.find(link)
    while start != -1:
        end = start + len(link)
        while end < len(text) and text[end] in ".,;:!?)":
            end += 1
        if (start == 0 or text[start - 1].isspace()) and (end == len(text) or text[end].isspace()):
            return True
        start = text.find(link, start + 1)
    return False


def _with_link(text: str, link: str) -> str:
    """text with link on a line of its own after it, unless the text already holds that link."""
    if not link or _holds_link(text, link):
        return text
    return f"{text}\n{link}" if text else link


def compose(text: str, hashtags: Sequence[str] = (), disclosure: str = "", link: str = "") -> str:
    """The message exactly as it will be posted.

    Layout: the text (outer whitespace stripped); a blank line; the hashtags on one line
    as "#Tag #Other" ("#" added when missing, a tag already in the text or listed twice is
    left out, case-insensitive) followed on that line by the disclosure; without hashtags,
    the disclosure stands after a blank line. Last, the link on a line of its own right
    after. Empty parts are skipped with their separators; the disclosure and the link are
    left out when the text already holds them. Nothing trails at the end.
    """
    body = text.strip()
    tags: list[str] = []
    for raw in hashtags:
        tag = "#" + raw.strip().lstrip("#")
        if tag != "#" and not _has_tag(body, tag) and not _has_tag(" ".join(tags), tag):
            tags.append(tag)
    disclosure = disclosure.strip()
    if disclosure and not _has_tag(f"{body} {' '.join(tags)}", disclosure):
        tags.append(disclosure)
    message = "\n\n".join(part for part in (body, " ".join(tags)) if part)
    return _with_link(message, link.strip())


# ---------------------------------------------------------------- links

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})+")


def _instance_host(instance: str | None) -> str | None:
    """The host of a Mastodon instance given as "host", "https://host/" or "@user@host"."""
    value = (instance or "").strip()
    if "://" in value:
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https"):
            return None
        value = parts.netloc.rpartition("@")[2]
    else:
        value = value.rpartition("@")[2].split("/")[0]
    host, _, port = value.rstrip(".").partition(":")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    if not _HOST.fullmatch(host) or (port and not (port.isdigit() and 0 < int(port) < 65536)):
        return None
    return f"{host}:{port}" if port else host


def _link(base: str, **params: str) -> str:
    """base with the non-empty params, each percent-encoded with nothing left safe."""
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items() if v)
    return f"{base}?{query}" if query else base


def share_url(
    network_id: str, text: str, url: str, *, instance: str | None = None, subject: str = ""
) -> str | None:
    """The share link that opens the network with the message, or None when it has none.

    text may end with url or not: networks with a url= parameter get the text without it,
    the others get the link on its own line after the text (as compose() lays it out).
    """
    kind, text, url = _network(network_id).share_kind, _normalise(text).strip(), url.strip()
    if url and text.endswith(url):
        text = text[: -len(url)].rstrip()
    full = _with_link(text, url)
    if network_id == "x":
        return _link("https://x.com/intent/post", text=text, url=url)
    if network_id == "threads":
        return _link("https://www.threads.com/intent/post", text=text, url=url)
    if kind == "url_only":
        if not url:
            return None
        if network_id == "facebook":
            return _link("https://www.facebook.com/sharer/sharer.php", u=url)
        return _link("https://www.linkedin.com/sharing/share-offsite/", url=url)
    if network_id == "bluesky":
        return _link("https://bsky.app/intent/compose", text=full)
    if network_id == "mastodon":
        host = _instance_host(instance)
        return _link(f"https://{host}/share", text=full) if host else None
    if network_id == "whatsapp":
        return _link("https://api.whatsapp.com/send", text=full)
    if kind == "email":
        # RFC 6068: line breaks in a body are CRLF, spaces %20 (never "+").
        body = full.replace("\n", "\r\n")
        return _link("mailto:", subject=_normalise(subject).strip(), body=body)
    return None


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@lru_cache(
    maxsize=16384
)  # network ids, campaign ids, slugs: the same values for every link of a build
def _slug(value: str) -> str:
    """Lowercase, accents dropped, every run of other characters turned into one "-"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "-", plain.lower()).strip("-")


@lru_cache(maxsize=256)
def _placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


def _fill(template: str, values: Mapping[str, str]) -> str:
    """The template with each {name} replaced by its slugified value; "" when one is missing."""
    slugs = {name: _slug(values.get(name) or "") for name in _placeholders(template)}
    return _PLACEHOLDER.sub(lambda m: slugs[m.group(1)], template) if all(slugs.values()) else ""


def tag_url(url: str, template: Mapping[str, str], **values: str) -> str:
    """url with the UTM parameters of template (e.g. {"utm_source": "{network}"}) filled from values.

    A parameter whose placeholder has no value is left out; a parameter already in the URL
    under the same name is replaced; others and the fragment are kept, in their order,
    followed by the template's in template order.
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        return url
    tags = {key: v for key, raw in template.items() if (v := _fill(raw, values))}
    kept = [p for p in parts.query.split("&") if p and unquote(p.partition("=")[0]) not in tags]
    query = "&".join(kept + [f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in tags.items()])
    return urlunsplit(parts._replace(query=query))
