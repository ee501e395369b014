"""Keyword matching on plain text: accent- and case-insensitive words and phrases, or `/regex/`."""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from .markup import TOKEN, escape, neutral_tag

MAX_MARKS = 200  # per text: a silly regex must not turn a summary into thousands of <mark>


# Combining marks of the Latin, Greek and Cyrillic accents (and their extensions): removed after NFKD.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Text without accents and case: NFKD, combining accents dropped, casefolded."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text).casefold())


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    return fold(ch)


def _fold_with_map(text: str) -> tuple[str, list[int] | None]:
    """fold(text) character by character, and where each original character starts in it
    (None stands for the identity: every character folds to exactly one)."""
    if text.isascii():
        return text.lower(), None
    pieces = list(map(_fold_char, text))
    folded = "".join(pieces)
    if len(folded) == len(text) and all(len(p) == 1 for p in set(pieces)):
        return folded, None
    return folded, list(accumulate(map(len, pieces), initial=0))


def _original(starts: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """The span of the original text behind folded[start:end]."""
    if starts is None:
        return start, end
    # The character holding a folded position is the last one starting at or before it.
    return bisect_right(starts, start) - 1, bisect_right(starts, end - 1)


def is_regex(term: str) -> bool:
    return len(term) >= 3 and term.startswith("/") and term.endswith("/")


def term_problem(term: str) -> str | None:
    """What is wrong with a keyword as written in site_config.yml, or None."""
    if not term.strip() or (term.startswith("/") and term.strip("/") == ""):
        return "empty keyword"
    if is_regex(term):
        try:
            pattern = re.compile(term[1:-1], re.IGNORECASE)
        except re.error as exc:
            return f"keyword {term} is not a valid regular expression: {exc}"
        if pattern.search(""):
            return f"keyword {term} matches an empty text, so it would match everything"
    return None


@dataclass(frozen=True, slots=True)
class Term:
    """One compiled keyword: `folded` runs on fold(text), `original` (regexes only) on the text itself."""

    raw: str
    folded: re.Pattern[str]
    original: re.Pattern[str] | None = None


def compile_term(raw: str) -> Term | None:
    """The compiled keyword, or None when it is empty or invalid (check_watch reports those)."""
    if term_problem(raw):
        return None
    if is_regex(raw):
        body = raw[1:-1]
        # On the original text `/café/` matches "Café"; on the folded text `/cafe/` matches "Café" too.
        return Term(raw, re.compile(body, re.IGNORECASE), re.compile(body, re.IGNORECASE))
    words = fold(raw).split()
    # Whole words: "pain" does not match "copain"; phrases tolerate any whitespace between words.
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"
    return Term(raw, re.compile(pattern))


@dataclass(frozen=True, slots=True)
class Matcher:
    """A set of keywords; empty matches nothing."""

    terms: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def matched(self, text: str) -> tuple[str, ...]:
        """The keywords (as written) found in `text`."""
        if not self.terms or not text:
            return ()
        folded = fold(text)
        return tuple(
            t.raw
            for t in self.terms
            if t.folded.search(folded) or (t.original is not None and t.original.search(text))
        )

    def matches(self, text: str) -> bool:
        return bool(self.matched(text))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Non-overlapping (start, end) spans of `text` matched by any keyword, in order."""
        if not self.terms or not text:
            return []
        folded, index = _fold_with_map(text)
        found: list[tuple[int, int]] = []
        for t in self.terms:
            for m in t.folded.finditer(folded):
                if m.end() > m.start():
                    found.append(_original(index, m.start(), m.end()))
                if len(found) > MAX_MARKS:
                    break
            if t.original is not None:
                for m in t.original.finditer(text):
                    if m.end() > m.start():
                        found.append((m.start(), m.end()))
                    if len(found) > MAX_MARKS:
                        break
        merged: list[tuple[int, int]] = []
        for start, end in sorted(found):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged[:MAX_MARKS]


@lru_cache(maxsize=512)
def _compiled(terms: tuple[str, ...]) -> Matcher:
    compiled = (compile_term(t) for t in dict.fromkeys(terms))
    return Matcher(tuple(t for t in compiled if t is not None))


def compile_terms(terms: tuple[str, ...] | list[str]) -> Matcher:
    """A Matcher for these keywords (cached: the same list compiles once)."""
    return _compiled(tuple(terms))


@dataclass(frozen=True, slots=True)
class Filter:
    """Include and exclude lists: kept when no include list or one include matches, and no exclude."""

    include: Matcher = Matcher()
    exclude: Matcher = Matcher()

    def accepts(self, text: str) -> bool:
        if self.include and not self.include.matches(text):
            return False
        return not (self.exclude and self.exclude.matches(text))


def highlight(text: str, matcher: Matcher) -> str:
    """Plain text as safe HTML (everything escaped), with the keywords wrapped in <mark>."""
    out: list[str] = []
    pos = 0
    for start, end in matcher.spans(text):
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def highlight_html(safe_html: str, matcher: Matcher) -> str:
    """Sanitised (nh3) HTML with its text re-escaped by markup.escape, inert for Markdown and
    templates, and the keywords of the text wrapped in <mark>; tags are kept as they are."""
    out: list[str] = []
    for m in TOKEN.finditer(safe_html):
        text = m.group(4)
        if text is not None:
            out.append(highlight(html.unescape(text), matcher))
        elif m.group(2) is None:
            out.append("&lt;")
        else:
            out.append(neutral_tag(m.group(0)))
    return "".join(out)
