"""Keyword matching on plain text: accent- and case-insensitive words and phrases, or `/regex/`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

from .markup import attr as _attr
from .markup import escape

MAX_MARKS = 200  # per text: a silly regex must not turn a summary into thousands of <mark>


def fold(text: str) -> str:
    """Text without accents and case: NFKD, combining marks dropped, casefolded."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in stripped.casefold() if not unicodedata.combining(c))


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, the index of the original character."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for part in unicodedata.normalize("NFKD", ch):
            if unicodedata.combining(part):
                continue
            for c in part.casefold():
                if not unicodedata.combining(c):
                    out.append(c)
                    index.append(i)
    return "".join(out), index


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
            t.raw for t in self.terms
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
                    found.append((index[m.start()], index[m.end() - 1] + 1))
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


_VOID = {"br", "img", "hr", "wbr"}


class _Highlighter(HTMLParser):
    """Re-serialises sanitised HTML, marking keywords in its text nodes."""

    def __init__(self, matcher: Matcher) -> None:
        super().__init__(convert_charrefs=True)
        self.matcher = matcher
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        rendered = "".join(f' {name}="{_attr(value or "")}"' for name, value in attrs)
        self.out.append(f"<{tag}{rendered}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(highlight(data, self.matcher))


def highlight_html(safe_html: str, matcher: Matcher) -> str:
    """Sanitised HTML with the keywords of its text wrapped in <mark>; the markup is kept as it is."""
    if not matcher or not safe_html:
        return safe_html
    parser = _Highlighter(matcher)
    parser.feed(safe_html)
    parser.close()
    return "".join(parser.out)
