"""Network knowledge in one place: limits, how length is counted, composing, share links."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType, SimpleNamespace
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import ada_url
import regex

from .memo import memoized

URL_LENGTH = 23  # what X and Mastodon count for a recognised link, whatever its length


@lru_cache(maxsize=1)
def _tt() -> Any:
    """twitter-text, imported when a text is first measured or searched for links.

    Importing it compiles its emoji and domain patterns (about 0.5 s, a third of Relais'
    start): a warm build finds every count in its memos (memo.py) and never needs it."""
    import twitter_text  # type: ignore[import-untyped]
    from twitter_text.extract_urls import idna_to_ascii  # type: ignore[import-untyped]
    from twitter_text.regexp.latin_accent_chars import (  # type: ignore[import-untyped]
        latin_accent_chars,
    )
    from twitter_text.regexp.valid_domain import valid_domain  # type: ignore[import-untyped]
    from twitter_text.regexp.valid_tco_url import valid_tco_url  # type: ignore[import-untyped]
    from twitter_text.regexp.valid_url_balanced_parens import (  # type: ignore[import-untyped]
        valid_url_balanced_parens,
    )
    from twitter_text.regexp.valid_url_preceding_chars import (  # type: ignore[import-untyped]
        valid_url_preceding_chars,
    )

    m_path_end = (
        f"(?:[^{_WHITE}()?!*\"'「」<>;:=,.$%\\[\\]~&|@]|(?:{valid_url_balanced_parens.pattern}))"
    )
    m_path = (
        f"(?:(?:{_M_PATH_CHAR}*(?:{_M_PARENS}{_M_PATH_CHAR}*)*{m_path_end})|(?:{_M_PATH_CHAR}+/))"
    )
    return SimpleNamespace(
        extract_urls_with_indices=twitter_text.extract_urls_with_indices,
        parse_tweet=twitter_text.parse_tweet,
        idna_to_ascii=idna_to_ascii,
        valid_tco_url=valid_tco_url,
        mastodon_url=re.compile(
            f"(?P<before>{valid_url_preceding_chars.pattern})"
            "(?P<url>"
            "(?P<protocol>(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://)?"
            f"(?P<domain>{valid_domain.pattern})"
            "(?::[0-9]+)?"
            f"(?:/{m_path}*)?"
            f"(?:\\?{_M_QUERY}*{_M_QUERY_END})?"
            ")",
            re.IGNORECASE,
        ),
        # twitter-text's end_mention_match: a mention followed by these is none.
        end_mention=re.compile(f"[@＠{latin_accent_chars.pattern}]|://"),
    )


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
    # False where a link in the text is not clickable (Instagram and TikTok captions): kits
    # leave the long tracking link out of such texts rather than have it typed by hand.
    clickable_links: bool = True


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
    invalid: tuple[str, ...] = ()  # characters the network refuses, as "U+FFFE"


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
_UNCLICKABLE_LINKS = frozenset({"instagram", "tiktok"})
NETWORKS: Mapping[str, Network] = MappingProxyType(
    {
        row[0]: Network(
            *row,
            prefills_text=row[-1] in ("text", "text_url", "email"),
            clickable_links=row[0] not in _UNCLICKABLE_LINKS,
        )
        for row in _ROWS
    }
)


# A reply (a comment under a post) has its own limit where it differs from a post's: LinkedIn
# comments stop at 1,250 characters, Facebook's at 8,000, YouTube's at 10,000, TikTok's at
# 150 (the networks' help pages and composer limits, December 2026). Elsewhere a reply is
# limited like a post (X, Threads, Bluesky, Mastodon, Instagram, Pinterest).
_REPLY_LIMITS: Mapping[str, int] = MappingProxyType(
    {"linkedin": 1250, "facebook": 8000, "youtube": 10000, "tiktok": 150}
)


def reply_limit(network_id: str, site_limit: int | None = None) -> int | None:
    """The length limit of a reply on a network: the site's override (a Mastodon instance's
    limit holds for replies too), else the network's limit for comments, else its post limit."""
    if site_limit is not None:
        return site_limit
    network = _network(network_id)
    return _REPLY_LIMITS.get(network_id, network.limit)


def get(network_id: str) -> Network | None:
    """The network with this id, or None when Relais does not know it."""
    return NETWORKS.get(network_id)


def _network(network_id: str) -> Network:
    network = NETWORKS.get(network_id)
    if network is None:
        raise KeyError(f"unknown network {network_id!r}")
    return network


# ---------------------------------------------------------------- counting
#
# Each network counts as its own code does; the sources read are named where they are used:
# X: twitter-text v3 (its conformance file runs in tests/reference/twitter-text/);
# Mastodon: app/validators/status_length_validator.rb with Mastodon's URL pattern
# (config/initializers/twitter_regex.rb) and mention pattern (Account::MENTION_RE);
# Bluesky: the social-app composer, which counts the text with its links shortened
# (shortenLinks, toShortUrl) after atproto's link detection. Graphemes are Unicode's
# extended grapheme clusters as the `regex` module finds them (Unicode 18, checked against
# GraphemeBreakTest.txt in tests/reference/unicode/).

_NEWLINE = re.compile(r"\r\n?")
_LONE_SURROGATE = re.compile(
    "[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
# twitter-text's invalid characters (its "invalid_chars_group"); X refuses a post holding one.
_X_INVALID = re.compile("[\ufffe\ufeff\uffff]")
# A rough http(s) URL, only to name the links that twitter-text does not recognise.
_ROUGH_URL = re.compile(r"(?<![A-Za-z0-9@＠$#＃])https?://[^\s<>\"'“”«»]+", re.IGNORECASE)
# twitter-text's own spaces (its "spaces_group" but U+180E): no link or emoji spans one.
_SPACES = r"\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A word with the spaces before it: the one character twitter-text looks at before a link.
_WORD = re.compile(f"[{_SPACES}]*[^{_SPACES}]*")
_CLUSTER = regex.compile(r"\X")
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]")
# Text twitter-text weighs 1 per character, with no emoji: ASCII, Latin, IPA, ’ “ ” – — (not © ®).
_X_PLAIN = re.compile("[\t\n\x20-\x7e\xa0-\xa8\xaa-\xad\xaf-\u02ff\u2010-\u201f]*")
# Characters that never join a neighbour into one grapheme cluster (no CR, ZWJ, mark or Hangul).
_ONE_CLUSTER_EACH = re.compile("[\t\n\x20-\x7e\xa0-\u02ff\u2010-\u205e\u20ac]*")


def _normalise(text: str) -> str:
    """NFC, one "\\n" per line break, lone surrogates replaced so that nothing downstream raises."""
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _NEWLINE.sub("\n", unicodedata.normalize("NFC", text))


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("not a list of strings")
    return tuple(value)


def _optional_int(value: Any) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise ValueError("not an integer")
    return value


def _measure_from(value: Any) -> Measure:
    """A Measure read back from a memo (memo.py): exactly what _measure_to wrote, or ValueError."""
    if not isinstance(value, list) or len(value) != 8 or not isinstance(value[5], bool):
        raise ValueError("not a measure")
    count, limit, size, byte_limit, fold = (_optional_int(v) for v in value[:5])
    if count is None or size is None:
        raise ValueError("not a measure")
    return Measure(
        count, limit, size, byte_limit, fold, value[5], _strings(value[6]), _strings(value[7])
    )


def _measure_to(m: Measure) -> list[Any]:
    return [
        m.count, m.limit, m.bytes, m.byte_limit, m.fold, m.over,
        list(m.unlinked_urls), list(m.invalid),
    ]  # fmt: skip


def invalid_characters(network_id: str, text: str) -> tuple[str, ...]:
    """The characters that make text impossible to post on the network, as "U+FFFE" names.

    Half of a surrogate pair cannot be written in UTF-8 on any network; X also refuses
    twitter-text's invalid characters (U+FFFE, U+FEFF, U+FFFF).
    """
    found = [m.group() for m in _LONE_SURROGATE.finditer(text)] if _SURROGATE.search(text) else []
    if _network(network_id).counting == "x" and _X_INVALID.search(text):
        found += _X_INVALID.findall(text)
    return tuple(dict.fromkeys(f"U+{ord(c):04X}" for c in found))


def _clusters(text: str) -> list[str]:
    return _CLUSTER.findall(text)


def _graphemes(text: str) -> int:
    """The number of extended grapheme clusters (plain text skips the segmenter: one each)."""
    return len(text) if _ONE_CLUSTER_EACH.fullmatch(text) else len(_clusters(text))


def _is_emoji(cluster: str) -> bool:
    return _EMOJI.search(cluster) is not None


def _words(text: str) -> Iterator[re.Match[str]]:
    """Text cut before each run of spaces; twitter-text counts each piece as in the whole text."""
    # twitter-text's regexes are quadratic in what they scan: "1.2." * 500 takes 10 s at once.
    # A link never spans a space and twitter-text only looks at the one character before it,
    # which each piece keeps: the sum over the pieces is twitter-text's count of the whole.
    return _WORD.finditer(text)


@lru_cache(
    maxsize=65536
)  # the same links and words ("Lyon.", a post's link) in thousands of messages
def _links(word: str, bare_domains: bool) -> tuple[tuple[int, int], ...]:
    """Spans of the URLs twitter-text finds in one word."""
    return tuple(
        (a, b)
        for a, b in (u["indices"] for u in _tt().extract_urls_with_indices(word, bare_domains))
    )


def _url_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the URLs that twitter-text recognises (a public top-level domain is required)."""
    return [
        (w.start() + a, w.start() + b)
        for w in _words(text)
        if "." in w.group()  # what twitter-text itself checks first: skip its call
        for a, b in _links(w.group(), True)
    ]


def _unlinked(text: str, spans: list[tuple[int, int]]) -> tuple[str, ...]:
    found = (m for m in _ROUGH_URL.finditer(text) if not any(a <= m.start() < b for a, b in spans))
    return tuple(m.group().rstrip(".,;:!?)]}") for m in found)


def _x_weight(word: str) -> int:
    """twitter-text's weighted length of one word (NFC already applied)."""
    if not _X_PLAIN.fullmatch(word):
        return int(_tt().parse_tweet(word).weightedLength)
    # Fast path, same result: every character weighs 1 and none starts an emoji; links weigh 23.
    links = _links(word, True) if "." in word else ()
    return len(word) - sum(b - a for a, b in links) + URL_LENGTH * len(links)


# --- Mastodon: its URL pattern (twitter-text's, widened by Mastodon) and its mentions

# Ruby's \p{White_Space}.
_WHITE = "\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Mastodon's UCHARS: the IRI characters it accepts in a query.
_UCHARS = (
    "\xa0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd"
    "\U00030000-\U0003fffd\U00040000-\U0004fffd\U00050000-\U0005fffd\U00060000-\U0006fffd"
    "\U00070000-\U0007fffd\U00080000-\U0008fffd\U00090000-\U0009fffd\U000a0000-\U000afffd"
    "\U000b0000-\U000bfffd\U000c0000-\U000cfffd\U000d0000-\U000dfffd\U000e1000-\U000efffd"
    "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
)
_M_PATH_CHAR = f"[^{_WHITE}<>()?]"
_M_PARENS = rf"\((?:{_M_PATH_CHAR}+|(?:{_M_PATH_CHAR}*\({_M_PATH_CHAR}+\){_M_PATH_CHAR}*))\)"
# Ruby interpolated twitter-text's own balanced parentheses at the path's end, before
# redefining them; the pattern that needs them is made with twitter-text's (_tt).
_M_QUERY = f"[a-z0-9!?*'();:&=+$/%#\\[\\]\\-_.,~|@^{_UCHARS}]"
_M_QUERY_END = f"[a-z0-9_&=#/\\-{_UCHARS}]"
_RUBY_WORDS = re.compile(f"[{_WHITE}]*[^{_WHITE}]*")
_MAX_URL_LENGTH = 4096  # twitter-text: a longer match is no link
_MAX_TCO_SLUG = 40
# Account::MENTION_RE: [[:word:]] is Ruby's letters, marks, decimal digits and connectors.
_RUBY_WORD = r"[\p{L}\p{M}\p{Nd}\p{Pc}]"
_MASTODON_MENTION = regex.compile(
    rf"(?<![=/]|{_RUBY_WORD})@(?P<name>(?P<user>(?i:[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*))"
    rf"(?:@(?P<domain>{_RUBY_WORD}+(?:[.-]+{_RUBY_WORD}+)*))?)"
)
_MAX_DOMAIN_LENGTH = 253  # Mastodon's Extractor: a longer domain is no mention


def _mastodon_urls(text: str) -> Iterator[tuple[int, int, str]]:
    """Links as Mastodon's extract_urls_with_indices finds them (a protocol is required)."""
    if "://" not in text:  # only links written with their protocol count
        return
    # As for X: no link spans a space and the pattern looks at one character before a link,
    # so each word with the spaces before it is scanned alone, and only if it may hold one.
    for word in _RUBY_WORDS.finditer(text):
        if "://" in word.group():
            for a, b in _mastodon_links(word.group()):
                yield word.start() + a, word.start() + b, "x" * URL_LENGTH


@lru_cache(maxsize=16384)  # a post's link comes back in every message that carries it
def _mastodon_links(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the links Mastodon's extractor finds in one word (with the spaces before it)."""
    spans = []
    tt = _tt()
    for m in tt.mastodon_url.finditer(text):
        if not m.group("protocol"):
            continue
        start, url = m.start("url"), m.group("url")
        tco = tt.valid_tco_url.match(url)
        if tco:
            if len(tco.group(1)) > _MAX_TCO_SLUG:
                continue
            url = tco.group(0)
        domain = m.group("domain")
        ascii_domain = tt.idna_to_ascii(domain)
        if not ascii_domain or len(url) + max(0, len(ascii_domain) - len(domain)) > _MAX_URL_LENGTH:
            continue
        spans.append((start, start + len(url)))
    return tuple(spans)


def _mastodon_mentions(text: str) -> Iterator[tuple[int, int, str]]:
    """Mentions as Mastodon's extractor finds them, each counted as "@user"."""
    if "@" not in text and "＠" not in text:
        return
    for m in _MASTODON_MENTION.finditer(text):
        if _tt().end_mention.match(text, m.end()):
            continue
        if len(m.group("domain") or "") > _MAX_DOMAIN_LENGTH:
            continue
        yield m.start(), m.end(), "@" + m.group("user")


def _rewrite(text: str, entities: Iterable[tuple[int, int, str]]) -> str:
    """text with each entity's span replaced, overlapping ones dropped as twitter-text does."""
    parts, last = [], 0
    for start, end, replacement in sorted(entities):
        if start < last:
            continue
        parts += [text[last:start], replacement]
        last = end
    return "".join(parts) + text[last:]


def _mastodon_text(text: str) -> str:
    return _rewrite(text, [*_mastodon_urls(text), *_mastodon_mentions(text)])


# --- Bluesky: the composer counts the text with its links shortened

# JavaScript's \\s, which atproto's link pattern uses.
_JS_SPACE = "\t-\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# atproto's URL_REGEX (packages/api/src/rich-text/util.ts): a link starts the text, a line,
# or follows a space or "("; with a protocol it runs to the next space.
_BLUESKY_LINK = re.compile(
    f"(?:^|[{_JS_SPACE}(])(?P<url>[hH][tT][tT][pP][sS]?://[^{_JS_SPACE}]+"
    f"|[a-zA-Z][a-zA-Z0-9]*(?:\\.[a-zA-Z0-9]+)+[^{_JS_SPACE}]*)"
)


_JS_WORDS = re.compile(f"[{_JS_SPACE}]*[^{_JS_SPACE}]*")


@lru_cache(maxsize=16384)  # the same links in many messages
def bluesky_short_url(url: str) -> str:
    """The composer's toShortUrl: host and at most 13 characters of the rest, then "..."."""
    try:
        parsed = ada_url.URL(url)  # a WHATWG URL parser, as the browser's `new URL`
    except (ValueError, UnicodeError):
        return url
    if parsed.protocol not in ("http:", "https:"):
        return url
    rest = ("" if parsed.pathname == "/" else parsed.pathname) + parsed.search + parsed.hash
    return parsed.host + (rest[:13] + "..." if len(rest) > 15 else rest)


def _bluesky_links(text: str) -> Iterator[tuple[int, int, str]]:
    """The links the composer shortens: written with "http(s)://" (others count as written)."""
    if "://" not in text:
        return
    # No link spans a space and the pattern looks at one character before it: each word with
    # the spaces before it is scanned alone (the first one also starts the text).
    for word in _JS_WORDS.finditer(text):
        if "://" in word.group():
            for a, b, short in _bluesky_word_links(word.group(), word.start() == 0):
                yield word.start() + a, word.start() + b, short


@lru_cache(maxsize=16384)  # a post's link comes back in every message that carries it
def _bluesky_word_links(word: str, at_start: bool) -> tuple[tuple[int, int, str], ...]:
    found = []
    for m in _BLUESKY_LINK.finditer(word if at_start else "\x00" + word):
        url, start = m.group("url"), m.start("url") - (0 if at_start else 1)
        if not url.startswith("http") or "://" not in url[:8]:
            continue  # detectFacets: a protocol other than lower-case "http" makes no link
        if url[-1] in ".,;:!?":
            url = url[:-1]
        if url.endswith(")") and "(" not in url:
            url = url[:-1]
        found.append((start, start + len(url), bluesky_short_url(url)))
    return tuple(found)


def _bluesky_text(text: str) -> str:
    return _rewrite(text, _bluesky_links(text))


def _count(counting: str, text: str) -> int:
    if counting == "x":
        return sum(_x_weight(w.group()) for w in _words(text))
    if counting == "mastodon":
        return _graphemes(_mastodon_text(text))
    if counting == "bluesky":
        return _graphemes(_bluesky_text(text))
    if counting == "threads":
        return sum(len(g.encode()) if _is_emoji(g) else len(g) for g in _clusters(text))
    return len(text)


def count(network_id: str, text: str) -> int:
    """The length of text as the network counts it (after NFC); KeyError for an unknown id."""
    return _count(_network(network_id).counting, _normalise(text))


@lru_cache(maxsize=32768)  # the checker and the planner measure the same messages in one build
@memoized("measure", _measure_to, _measure_from)
def measure(network_id: str, text: str, *, limit: int | None = None) -> Measure:
    """Count, bytes and limits of text on a network; limit replaces the default (Mastodon instances)."""
    network = _network(network_id)
    invalid = invalid_characters(network_id, text)
    text = _normalise(text)
    if network.counting == "bluesky":
        # Bluesky posts the text with its links shortened: both limits apply to that text.
        posted = _bluesky_text(text)
        size, nbytes = _graphemes(posted), len(posted.encode())
    else:
        size, nbytes = _count(network.counting, text), len(text.encode())
    limit = network.limit if limit is None else limit
    unlinked: tuple[str, ...] = ()
    if network.counting == "x":
        unlinked = _unlinked(text, _url_spans(text))
    elif network.counting == "mastodon":
        unlinked = _unlinked(text, [(a, b) for a, b, _ in _mastodon_urls(text)])
    over = (limit is not None and size > limit) or (
        network.byte_limit is not None and nbytes > network.byte_limit
    )
    return Measure(size, limit, nbytes, network.byte_limit, network.fold, over, unlinked, invalid)


# ---------------------------------------------------------------- handles and hashtags

# twitter-text's hashtag characters: letters, marks, digits and a few joiners; one letter needed.
_TAG_CHARS = r"\p{L}\p{M}\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7"
_HASHTAG = regex.compile(rf"(?![\ufe0f\u20e3])[{_TAG_CHARS}]*[\p{{L}}\p{{M}}][{_TAG_CHARS}]*")
_TAG_STOP = regex.compile(rf"[^{_TAG_CHARS}]")


def hashtag_problem(tag: str) -> str | None:
    """Why networks would not link "#tag" whole (twitter-text's hashtag rule), or None."""
    body = tag.strip()
    body = body[1:] if body[:1] in ("#", "＃") else body
    if _HASHTAG.fullmatch(body):
        return None
    if not body:
        return "is empty"
    stop = _TAG_STOP.search(body)
    if stop is None:
        return "holds only digits, which networks never link as a hashtag"
    what = "a space" if stop.group().isspace() else f"'{stop.group()}'"
    linked = body[: stop.start()]
    return f"holds {what}, where networks end the hashtag" + (
        f" (only '#{linked}' would be linked)" if _HASHTAG.fullmatch(linked) else ""
    )


@dataclass(frozen=True, slots=True)
class HandleRule:
    """What a network accepts as an account name, in words for the hint."""

    pattern: re.Pattern[str]
    example: str
    words: str


_DOMAIN_HANDLE = (
    r"(?=.{1,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
    r"[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
)
# atproto's handle syntax; these top-level domains are refused by its specification.
_BLUESKY_REFUSED_TLDS = (
    "alt",
    "arpa",
    "example",
    "internal",
    "invalid",
    "local",
    "localhost",
    "onion",
)
HANDLE_RULES: Mapping[str, HandleRule] = MappingProxyType(
    {
        # X: 1 to 15 letters, digits or "_" (twitter-text's usernames; X's own length limit).
        "x": HandleRule(
            re.compile(r"@?[A-Za-z0-9_]{1,15}"), "@maison_exemple", "1 to 15 letters, digits or '_'"
        ),
        "bluesky": HandleRule(
            re.compile(f"@?{_DOMAIN_HANDLE}"),
            "claire.bsky.social",
            "a domain name, e.g. name.bsky.social",
        ),
        # Mastodon: Account::USERNAME_RE, then the instance's host.
        "mastodon": HandleRule(
            re.compile(rf"@?[A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*(?:@{_DOMAIN_HANDLE})?"),
            "@claire@mastodon.social",
            "@user@instance (letters, digits, '_', '.', '-')",
        ),
        # LinkedIn: the profile's public URL slug (linkedin.com/in/<slug>), 3 to 100 characters.
        "linkedin": HandleRule(
            re.compile(r"(?=.{3,100}$)(?:[^\W_]|-)+"),
            "claire-martin",
            "the end of the profile address linkedin.com/in/…, 3 to 100 letters, digits or '-'",
        ),
        # Instagram and Threads share the account: 30 letters, digits, '.' or '_', no '.' at the end.
        "instagram": HandleRule(
            re.compile(r"@?(?!.*\.\.)(?=[\w.]{1,30}$)[\w.]*[\w]"),
            "claire.aufournil",
            "up to 30 letters, digits, '.' or '_', not ending with '.'",
        ),
        "threads": HandleRule(
            re.compile(r"@?(?!.*\.\.)(?=[\w.]{1,30}$)[\w.]*[\w]"),
            "claire.aufournil",
            "up to 30 letters, digits, '.' or '_', not ending with '.'",
        ),
        # Facebook usernames: at least 5 letters, digits or '.'.
        "facebook": HandleRule(
            re.compile(r"(?=[A-Za-z0-9.]{5,50}$)[A-Za-z0-9.]+"),
            "maison.exemple",
            "5 to 50 letters, digits or '.'",
        ),
        "tiktok": HandleRule(
            re.compile(r"@?(?=[\w.]{2,24}$)[\w.]*[\w]"),
            "@maison.exemple",
            "2 to 24 letters, digits, '_' or '.', not ending with '.'",
        ),
        "youtube": HandleRule(
            re.compile(r"@?[\w.-]{3,30}"),
            "@MaisonExemple",
            "3 to 30 letters, digits, '_', '-' or '.'",
        ),
        "pinterest": HandleRule(
            re.compile(r"@?\w{3,30}"), "maisonexemple", "3 to 30 letters, digits or '_'"
        ),
    }
)


def handle_problem(network_id: str, handle: str) -> str | None:
    """Why handle is not an account name on the network (its own rule), or None."""
    rule = HANDLE_RULES.get(network_id)
    value = handle
    if rule is None or not value.strip():
        return None
    if "://" in value or value.lower().startswith(("www.", "linkedin.com/", "x.com/")):
        return "is an address, not an account name"
    if not rule.pattern.fullmatch(value):
        return f"is not an account name on {_network(network_id).label} ({rule.words})"
    if network_id == "bluesky" and value.rsplit(".", 1)[-1].lower() in _BLUESKY_REFUSED_TLDS:
        return f"ends in .{value.rsplit('.', 1)[-1]}, which Bluesky refuses in a handle"
    return None


def js_rules() -> dict[str, dict[str, int | str | None]]:
    """The per-network data that relais-count.js needs to count in the browser."""
    return {
        n.id: {"limit": n.limit, "fold": n.fold, "counting": n.counting, "byte_limit": n.byte_limit}
        for n in NETWORKS.values()
    }


# ---------------------------------------------------------------- composing


def _has_tag(text: str, tag: str) -> bool:
    return re.search(rf"(?<![\w#]){re.escape(tag)}(?!\w)", text, re.IGNORECASE) is not None


def holds_link(text: str, link: str) -> bool:
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
    if not link or holds_link(text, link):
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
