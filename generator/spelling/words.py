"""From a published text to the words a dictionary must know, each with its place in the text.

What is not a word is blanked out first, keeping every offset: addresses, e-mails,
@mentions (with their instance), code spans and blocks, `[[prompts]]`, HTML, Markdown
link targets and attributes, file names. Numbers and what is glued to them ("9h30",
"1er", "B2B") never form a word; hashtags are split at their capitals ("#PainDHiver":
"Pain", "Hiver") and marked, so that the check can read them leniently. Pure text work:
no dictionary is consulted here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Latin letters (with the combining accents of text typed in decomposed form): the
# dictionaries we load are for Latin-script languages; other scripts are left alone.
LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff\u0300-\u036f"
APOSTROPHES = "'\u2019"
# Not glued to a letter or a digit ("9h30", "B2B"), nor the rest of a handle, an entity or
# a compound number ("2-roues"); an underscore may touch it (Markdown's _emphasis_).
_WORD = re.compile(rf"(?<![^\W_]|[@#&\\-])[{LETTER}]+(?:[{APOSTROPHES}\-][{LETTER}]+)*(?![^\W_]|@)")
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
# A hashtag: '#' after a space, a bracket or the start, then letters, digits or '_'.
_HASHTAG = re.compile(r"(?<![\w&#/])#(\w+)")
_HASHTAG_PART = re.compile(rf"[{_UPPER}]?[^\W\d_{_UPPER}]+|[{_UPPER}]+(?![^\W\d_{_UPPER}])")

# Common top-level domains besides the two-letter country codes, for bare addresses
# such as maison-exemple.fr or clairemartin.bsky.social.
_GENERIC_TLDS = (
    "com|org|net|edu|gov|int|info|biz|name|pro|museum|coop|aero|app|dev|io|ai|co|tv|me|ly|"
    "shop|store|online|site|website|blog|news|media|social|tech|cloud|xyz|bzh|paris|lyon|"
    "alsace|corsica|eus|cat|brussels|berlin|london|nyc|swiss|immo|bio|eco|art|design|studio|"
    "agency|group|team|club|live|email|link|page|today|world|global|fund|fr|eu|uk"
)


@lru_cache(maxsize=1)
def _country_codes() -> str:
    from babel import Locale

    names = [str(c) for c in Locale("en").territories]
    codes = sorted(c.lower() for c in names if c.isalpha() and len(c) == 2)
    return "|".join(codes)


def _mask_patterns() -> list[tuple[str, bool, tuple[str, ...]]]:
    """What is not prose, as (pattern, Markdown only, what the text must hold for it to
    match), in order of preference where two start at one place (code before addresses,
    e-mails before mentions)."""
    tlds = f"(?:{_GENERIC_TLDS}|{_country_codes()})"
    dot = (".",)
    return [
        (r"(`+)(?:(?!\1)[\s\S])+?\1", False, ("`",)),  # code spans
        (r"\[\[[\s\S]*?\]\]", False, ("[[",)),  # prompts an ambassador fills in
        (r"<!--[\s\S]*?-->", False, ("<!--",)),  # HTML comments
        (r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)", False, ("](",)),  # link and image targets
        (r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\S.*$", True, ("]:",)),  # reference definitions
        (r"\[\^[^\]\s]+\]", False, ("[^",)),  # footnote references
        (r"<(?:https?://|mailto:)[^>\s]*>", False, ("<",)),  # autolinks
        (r"\b(?:https?|ftp|file)://[^\s<>\"']*", False, ("://",)),  # addresses
        (r"\b(?:mailto|tel|sms):[^\s<>\"']+", False, (":",)),
        (r"\bwww\.[^\s<>\"'\]\)]*[^\s<>\"'\]\).,;:!?…]", False, ("www.",)),
        (r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+", False, ("@",)),  # e-mails
        (r"(?<![\w@])@[\w.-]*\w(?:@[\w-]+(?:\.[\w-]+)+)?", False, ("@",)),  # @user@instance
        # Bare domains and file names: found from their dot (a word, a dot, a letter).
        (rf"(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?i:{tlds})\b(?:/[^\s<>\"')\]]*)?", False, dot),
        (
            (
                r"(?<![\w.-])[\w-]+\.(?i:png|jpe?g|gif|svg|webp|avif|pdf|mp4|mov|mp3|docx?|xlsx?|"
                r"pptx?|odt|ods|csv|zip|md|ya?ml|json|html?|ics|txt)\b"
            ),
            False,
            dot,
        ),
        (r"</?[A-Za-z][^<>]*>", False, ("<",)),  # HTML tags (the text between them stays prose)
        (r"&(?:#\d+|#x[0-9a-fA-F]+|\w+);", False, ("&",)),  # HTML entities
        (r"\{[ \t]*[:#.][^{}\n]*\}", True, ("{",)),  # attribute lists: { #id .class }
        (r"^(?:!!!|\?\?\?\+?)[ \t]+[\w-]+", True, ("!!!", "???")),  # admonition types
    ]


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, bool, tuple[str, ...]], ...]:
    return tuple(_mask_patterns())


_DOMAIN_HINT = re.compile(r"\w\.[A-Za-z]")


@lru_cache(maxsize=256)
def _mask(needed: tuple[int, ...]) -> re.Pattern[str]:
    """One pattern for the masks a text needs: one pass over it."""
    patterns = _patterns()
    # The code span's back-reference is numbered: it is only valid while it comes first.
    parts = [patterns[i][0] for i in needed]
    if 0 in needed and needed[0] != 0:
        raise ValueError("the code span pattern must come first")
    return re.compile("|".join(parts), re.MULTILINE)


# Any marker of any mask: most prose holds none, and one search tells.
_ANY_MARKER = re.compile(r"[`\[<@&{]|[a-z]:|www\.|!!!|\?\?\?|\w\.[A-Za-z]")


def _needed(text: str, markdown: bool) -> tuple[int, ...]:
    """The masks whose marker the text holds (a substring test each: most texts need few)."""
    if not _ANY_MARKER.search(text):
        return ()
    out = []
    for i, (_, md_only, markers) in enumerate(_patterns()):
        if md_only and not markdown:
            continue
        if markers == (".",):
            if "." in text and _DOMAIN_HINT.search(text):
                out.append(i)
        elif any(m in text for m in markers):
            out.append(i)
    return tuple(out)


_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*$")
_LIST_OR_QUOTE = re.compile(r"^\s*(?:[-*+]|\d+[.)]|>)\s")


def _blank(text: str, start: int, end: int, out: list[str]) -> None:
    for i in range(start, end):
        if out[i] != "\n":
            out[i] = " "


def code_blocks(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of Markdown code blocks: fenced (``` or ~~~) and indented
    by four spaces after a blank line (not inside a list)."""
    blocks: list[tuple[int, int]] = []
    offset = 0
    lines = text.split("\n")
    i = 0
    previous_blank = True
    in_list = False
    while i < len(lines):
        line = lines[i]
        start = offset
        m = _FENCE_OPEN.match(line)
        if m and not (m.group(2)[0] == "`" and "`" in line[m.end(2) :]):
            fence = m.group(2)
            j = i + 1
            end = start + len(line)
            while j < len(lines):
                end += 1 + len(lines[j])
                stripped = lines[j].strip()
                if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                    break
                j += 1
            blocks.append((start, min(end, len(text))))
            offset = end + 1
            i = j + 1
            previous_blank = False
            continue
        if line.startswith(("    ", "\t")) and previous_blank and not in_list and line.strip():
            end = start + len(line)
            j = i + 1
            while j < len(lines) and (lines[j].startswith(("    ", "\t")) or not lines[j].strip()):
                end += 1 + len(lines[j])
                j += 1
            blocks.append((start, end))
            offset = end + 1
            i = j
            previous_blank = True
            continue
        if line.strip():
            if _LIST_OR_QUOTE.match(line):
                in_list = True
            elif not line.startswith(" "):
                in_list = False
        previous_blank = not line.strip()
        offset += len(line) + 1
        i += 1
    return blocks


@lru_cache(maxsize=65536)
def prose(text: str, markdown: bool = False) -> str:
    """The text with everything that is not prose replaced by spaces (same length, same lines).

    Cached: the spelling and the typography checks read the same texts."""
    blocks = []
    if markdown and ("```" in text or "~~~" in text or "    " in text or "\t" in text):
        blocks = code_blocks(text)
    needed = _needed(text, markdown)
    matches = list(_mask(needed).finditer(text)) if needed else []
    if not blocks and not matches:
        return text
    out = list(text)
    for start, end in blocks:
        _blank(text, start, end, out)
    for m in matches:
        _blank(text, m.start(), m.end(), out)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Word:
    """A word as written, at text[start:end]; `hashtag` marks a part of a hashtag."""

    text: str
    start: int
    end: int
    hashtag: bool = False


def words(text: str, markdown: bool = False) -> list[Word]:
    """The words of a text to look up, in order (hashtag parts included)."""
    clean = prose(text, markdown)
    found: list[Word] = []
    tags = list(_HASHTAG.finditer(clean))
    if tags:
        chars = list(clean)
        for m in tags:
            body_start = m.start(1)
            for part in _HASHTAG_PART.finditer(m.group(1)):
                if len(part.group()) > 1:
                    s = body_start + part.start()
                    found.append(Word(part.group(), s, s + len(part.group()), hashtag=True))
            _blank(clean, m.start(), m.end(), chars)
        clean = "".join(chars)
    for m in _WORD.finditer(clean):
        found.append(Word(m.group(), m.start(), m.end()))
    if tags:
        found.sort(key=lambda w: w.start)
    return found


def plain_words(text: str, markdown: bool = False) -> list[str] | None:
    """The words of a text as strings, without their places: the fast path of a check that
    looks each distinct word up once. None when the text holds a hashtag (see `words`)."""
    clean = prose(text, markdown)
    if "#" in clean:
        return None
    return _WORD.findall(clean)


def words_among(text: str, wanted: set[str], markdown: bool = False) -> list[Word]:
    """The places of the given words in a text without hashtags (see `plain_words`)."""
    return [
        Word(m.group(), m.start(), m.end())
        for m in _WORD.finditer(prose(text, markdown))
        if m.group() in wanted
    ]


def hashtag_body(text: str) -> str:
    """A hashtag without its '#' ('#PainDHiver' -> 'PainDHiver')."""
    return text.removeprefix("#")


def hashtag_words(tag: str) -> list[Word]:
    """The words of one hashtag written without '#' (share.hashtags), split at its capitals."""
    return [w for w in words("#" + hashtag_body(tag)) if w.hashtag] if tag else []
