"""Typography of a text: French spacing, doubled words, mixed apostrophes, space before punctuation.

French typography puts a no-break space before ; : ! ? (a narrow one, U+202F, before
; ! ?, a normal one, U+00A0, before :) and inside « », so that the sign never starts a
line on a phone; either no-break space is accepted. English puts no space before
punctuation. Each finding says where it is in the text and, when the change is safe
(spaces, apostrophes), the edits that fix it: `relais check --fix` applies them. Pure.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..memo import memoized
from .words import APOSTROPHES, LETTER, prose

NBSP, NNBSP = "\u00a0", "\u202f"
NO_BREAK = NBSP + NNBSP
# French puts a space before these (and before the closing guillemet); two of them in a
# row ("?!") take one space, before the first.
_HIGH = re.compile(r"[;:!?]+")
# A colon or semicolon that is part of something else: a time (9:30), a ratio (16:9), a
# smiley, a Markdown table's alignment (|:--|), an emoji short code (:croissant:).
_SMILEY = re.compile(r"[:;]'?-?[)(\]\[DPpOo/|*3]+(?![^\W\d_])")
_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")
_DOUBLED = re.compile(
    rf"(?<![^\W_]|[#@'\u2019&-])([{LETTER}]+)([^\S\n]+|[^\S\n]*\n[^\S\n]*)(\1)(?![^\W_]|['\u2019-])",
    re.IGNORECASE,
)
_APOSTROPHE = re.compile(rf"(?<=[{LETTER}])[{APOSTROPHES}](?=[{LETTER}])")
_BEFORE_EN = re.compile(r"[ \t\u00a0\u202f]+([,.;:!?])(?=[\s\"')\]\u201d\u2019»]|$)")
_BEFORE_FR = re.compile(r"[ \t\u00a0\u202f]+([,.])(?=[\s\"')\]\u201d\u2019»]|$)")

# Repeated words that are right: French reflexive pronouns ("vous vous inscrivez"), "that
# that" and "had had" in English, interjections and onomatopoeia ("miam miam", "ho ho ho").
ALLOWED_DOUBLES = {
    "fr": {"vous", "nous"},
    "en": {"that", "had"},
    "": {
        "ha",
        "hi",
        "ho",
        "hé",
        "hop",
        "miam",
        "bla",
        "blah",
        "glou",
        "toc",
        "tic",
        "tac",
        "bye",
        "knock",
        "chop",
        "yum",
        "tut",
        "ding",
        "dong",
        "bravo",
    },
}


@dataclass(frozen=True, slots=True)
class Finding:
    """A typography problem at text[start:end]; `edits` fix it, (start, end, new text) each."""

    code: str
    start: int
    end: int
    message: str
    hint: str
    edits: tuple[tuple[int, int, str], ...] = ()


def _space_for(sign: str) -> str:
    return NBSP if sign in ":«»" else NNBSP


def _name(char: str) -> str:
    return {NBSP: "no-break space", NNBSP: "narrow no-break space"}.get(char, repr(char))


def _french_spacing(text: str, clean: str) -> Iterator[Finding]:
    skip: set[int] = set()
    for pattern in (_SMILEY, _SHORTCODE):
        for m in pattern.finditer(clean):
            skip.update(range(m.start(), m.end()))
    for m in _HIGH.finditer(clean):
        i = m.start()
        sign = clean[i]
        if i in skip or i == 0:
            continue
        before, after = text[i - 1], text[m.end() : m.end() + 1]
        if sign in ":;" and before.isdigit() and after.isdigit():
            continue  # 9:30, 16:9
        if sign == ":" and (before in "|-" or after in "-|"):
            continue  # a Markdown table's alignment row
        if sign == "!" and after == "[":
            continue  # a Markdown image: ![text](file)
        if before in NO_BREAK or before == "\n":
            continue
        space = _space_for(sign)
        if before in " \t":
            start = i - 1
            while start > 0 and text[start - 1] in " \t":
                start -= 1
            if start == 0 or text[start - 1] == "\n":
                continue  # a sign at the start of a line
            yield Finding(
                "french-spacing",
                i,
                i + 1,
                f"ordinary space before '{sign}': French uses a no-break space there",
                f"type a {_name(space)} before '{sign}' so that it never starts a line "
                "(relais check --fix does it)",
                ((start, i, space),),
            )
        elif before not in "([{«\"'\u201c\u2018.…,;:!? ":
            yield Finding(
                "french-spacing",
                i,
                i + 1,
                f"no space before '{sign}': French puts a no-break space there",
                f"type a {_name(space)} before '{sign}' (relais check --fix does it)",
                ((i, i, space),),
            )
    for m in re.finditer("[«»]", clean):
        i = m.start()
        if m.group() == "«":
            j = i + 1
            if j >= len(text) or text[j] in NO_BREAK or text[j] == "\n":
                continue
            end = j
            while end < len(text) and text[end] in " \t":
                end += 1
            problem = "an ordinary space" if end > j else "no space"
            edit = (j, end, NBSP)
        else:
            if i == 0 or text[i - 1] in NO_BREAK or text[i - 1] == "\n":
                continue
            start = i
            while start > 0 and text[start - 1] in " \t":
                start -= 1
            problem = "an ordinary space" if start < i else "no space"
            edit = (start, i, NBSP)
        side = "after" if m.group() == "«" else "before"
        yield Finding(
            "french-spacing",
            i,
            i + 1,
            f"{problem} {side} '{m.group()}': French puts a no-break space inside guillemets",
            f"type a no-break space {side} '{m.group()}' (relais check --fix does it)",
            (edit,),
        )


def _space_before(text: str, clean: str, lang: str) -> Iterator[Finding]:
    pattern = _BEFORE_FR if lang == "fr" else _BEFORE_EN
    for m in pattern.finditer(clean):
        sign_at = m.start(1)
        start = sign_at
        while start > 0 and text[start - 1] in " \t\u00a0\u202f":
            start -= 1  # the spaces as written (masked code or a prompt is no space)
        if start == sign_at or start == 0 or text[start - 1] == "\n":
            continue
        if text.startswith("..", sign_at) or _SMILEY.match(clean, sign_at):
            continue
        if text[start - 1] in "([{«\"'\u201c\u2018-–—":
            continue
        sign = m.group(1)
        yield Finding(
            "space-before-punctuation",
            sign_at,
            sign_at + 1,
            f"space before '{sign}'",
            f"remove the space before '{sign}' (relais check --fix does it)",
            ((start, sign_at, ""),),
        )


_TOKEN = re.compile(rf"[{LETTER}]+")


def _doubled(text: str, clean: str, lang: str) -> Iterator[Finding]:
    tokens = _TOKEN.findall(clean.lower())
    if not any(a == b for a, b in itertools.pairwise(tokens)):
        return  # most texts: no word follows itself, the slower search is not needed
    allowed = ALLOWED_DOUBLES.get(lang, set()) | ALLOWED_DOUBLES[""]
    for m in _DOUBLED.finditer(clean):
        word = m.group(1)
        if not text[m.end(1) : m.start(3)].isspace():
            continue  # something masked (code, a link) stands between them
        if word.casefold() in allowed or (len(word) == 1 and not word.isalpha()):
            continue
        yield Finding(
            "doubled-word",
            m.start(3),
            m.end(3),
            f"'{word}' is written twice in a row",
            f"remove the second '{m.group(3)}'",
        )


def _apostrophes(text: str, clean: str) -> Iterator[Finding]:
    if "'" not in clean or "\u2019" not in clean:
        return
    found = [m.start() for m in _APOSTROPHE.finditer(clean)]
    straight = [i for i in found if text[i] == "'"]
    curly = [i for i in found if text[i] != "'"]
    if not straight or not curly:
        return
    # The kind used most wins (a tie goes to the typographic one): the fewest changes.
    to, fewer = ("'", curly) if len(straight) > len(curly) else ("\u2019", straight)
    first = fewer[0]
    yield Finding(
        "mixed-apostrophes",
        first,
        first + 1,
        f"this text mixes straight (') and curly (’) apostrophes: {len(straight)} "
        f"straight, {len(curly)} curly",
        f"write every apostrophe as {to} (relais check --fix does it)",
        tuple((i, i + 1, to) for i in fewer),
    )


def _findings_to(found: list[Finding]) -> list[Any]:
    return [[f.code, f.start, f.end, f.message, f.hint, [list(e) for e in f.edits]] for f in found]


def _findings_from(value: Any) -> list[Finding]:
    """Findings read back from a memo (memo.py): exactly what _findings_to wrote, or ValueError."""
    out = []
    for item in value:
        code, start, end, message, hint, edits = item
        if not (
            isinstance(code, str)
            and isinstance(message, str)
            and isinstance(hint, str)
            and all(type(n) is int for n in (start, end))
            and all(
                len(e) == 3 and type(e[0]) is int and type(e[1]) is int and isinstance(e[2], str)
                for e in edits
            )
        ):
            raise ValueError("not a finding")
        out.append(Finding(code, start, end, message, hint, tuple((a, b, c) for a, b, c in edits)))
    return out


@memoized("typography", _findings_to, _findings_from)
def findings(text: str, lang: str, markdown: bool = False) -> list[Finding]:
    """The typography problems of a text in a language (fr, en, en-GB...), in order."""
    base = lang.partition("-")[0].partition("_")[0].lower()
    if base not in ("fr", "en"):
        return []
    clean = prose(text, markdown)
    found: list[Finding] = []
    if base == "fr" and any(sign in clean for sign in ";:!?«»"):
        found += _french_spacing(text, clean)
    found += _space_before(text, clean, base)
    found += _doubled(text, clean, base)
    found += _apostrophes(text, clean)
    return sorted(found, key=lambda f: f.start)
