"""Keyword matching on plain text: accent- and case-insensitive words and phrases, or `/regex/`.

A `/regex/` comes from content (site_config.yml, written by any colleague) and runs on text
from strangers (feeds): it is compiled by the `regex` module and every search has a time
limit, so that a pattern with catastrophic backtracking (`/(a|aa)+$/`) costs a fraction of a
second once, is then left out for the rest of the run, and is named (slow_terms). `relais
check` also tries each pattern on a few texts known to trip such patterns. A time limit
covers every kind of runaway pattern (nested or overlapping repeats, polynomial ones);
refusing nested quantifiers by their shape would miss `/(a|a)*b/`-like ones and refuse
harmless `(ab+)+`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any

import regex

from .markup import TOKEN, escape, neutral_tag

MAX_MARKS = 200  # per text: a silly regex must not turn a summary into thousands of <mark>
# Seconds one search of a /regex/ may take. The regex module checks its clock now and then:
# on a busy machine a runaway pattern is stopped after about ten times this.
REGEX_TIMEOUT = 0.02
# Texts on which runaway patterns show themselves (repeats of letters, digits, spaces, words).
_PROBES = tuple(
    body + tail
    for body in ("a" * 40, "1" * 40, " " * 40, "ab" * 20, "aa " * 20, "x." * 20)
    for tail in ("", "!", "\n")
)
_SLOW: set[str] = set()  # the /regex/ keywords that ran out of time in this process


def slow_terms() -> tuple[str, ...]:
    """The /regex/ keywords left out of matching because a search ran out of time."""
    return tuple(sorted(_SLOW))


def _search(term: Term, pattern: Any, text: str) -> bool:
    if pattern is None or term.raw in _SLOW:
        return False
    if not term.timed:
        return pattern.search(text) is not None
    try:
        return pattern.search(text, timeout=REGEX_TIMEOUT) is not None
    except TimeoutError:
        _SLOW.add(term.raw)
        return False


def _finditer(term: Term, pattern: Any, text: str) -> list[tuple[int, int]]:
    if pattern is None or term.raw in _SLOW:
        return []
    found = []
    try:
        matches = (
            pattern.finditer(text, timeout=REGEX_TIMEOUT) if term.timed else pattern.finditer(text)
        )
        for m in matches:
            if m.end() > m.start():
                found.append((m.start(), m.end()))
            if len(found) > MAX_MARKS:
                break
    except TimeoutError:
        _SLOW.add(term.raw)
        return []
    return found


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
            pattern = _compile_regex(term[1:-1])
        except (regex.error, ValueError, OverflowError) as exc:
            return f"keyword {term} is not a valid regular expression: {exc}"
        try:
            if pattern.search("", timeout=REGEX_TIMEOUT):
                return f"keyword {term} matches an empty text, so it would match everything"
            for probe in _PROBES:
                pattern.search(probe, timeout=REGEX_TIMEOUT)
        except TimeoutError:
            return (
                f"keyword {term} takes too long on some texts (catastrophic backtracking): "
                "avoid a repeat inside a repeat, such as (a+)+ or (a|aa)*"
            )
    return None


def _compile_regex(body: str) -> Any:
    return regex.compile(body, regex.IGNORECASE | regex.VERSION0)


@dataclass(frozen=True, slots=True)
class Term:
    """One compiled keyword: `folded` runs on fold(text), `original` (regexes only) on the text
    itself. `timed`: a colleague's /regex/, searched with a time limit (see the module's text)."""

    raw: str
    folded: Any
    original: Any = None
    timed: bool = False


def compile_term(raw: str) -> Term | None:
    """The compiled keyword, or None when it is empty or invalid (check_watch reports those)."""
    if term_problem(raw):
        return None
    if is_regex(raw):
        body = raw[1:-1]
        # On the original text `/café/` matches "Café"; on the folded text `/cafe/` matches "Café" too.
        return Term(raw, _compile_regex(body), _compile_regex(body), timed=True)
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
            if _search(t, t.folded, folded) or _search(t, t.original, text)
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
            found += [_original(index, a, b) for a, b in _finditer(t, t.folded, folded)]
            found += _finditer(t, t.original, text)
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
