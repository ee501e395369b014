"""`relais check --fix`: the safe typography fixes, written into the content files in place.

Only spaces and apostrophes change (a no-break space before a French ':', a straight
apostrophe made curly...); spelling never does, and neither does anything else of the
file: its bytes, line endings, byte order mark, comments, quotes and indentation stay
as they are. A fix inside a YAML value is made where the value's character is written
(`Text.source_index`), and a file is written only when, read again, its YAML holds the
same keys, lists and values but for the fixed texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Project
from ..source import parse_yaml, split_front_matter
from .texts import Text, published_texts
from .typography import findings

Edit = tuple[int, int, str]  # (start, end, new text) in a value
Placed = tuple[int, int, int, str]  # (line, column from 0, length, new text) in a file
Plans = dict[str, tuple["FilePlan", list[Placed]]]


@dataclass
class FilePlan:
    """The edits of one file and the values they change ((old, new) pairs)."""

    changes: set[tuple[str, str]] = field(default_factory=set)
    # What the file held when it was checked: (first line, text from that line on).
    read: set[tuple[int, str]] = field(default_factory=set)
    fixed: int = 0  # problems fixed


@dataclass(frozen=True, slots=True)
class Report:
    """What --fix did: problems fixed per file, and files left alone with the reason."""

    fixed: dict[str, int]
    refused: dict[str, str]

    @property
    def total(self) -> int:
        return sum(self.fixed.values())


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _text_edits(text: Text, value_edits: Iterable[Edit]) -> list[Placed] | None:
    """The edits of a value as (line, column from 0, length, new text) where the value is
    written, or None when one of them cannot be placed safely."""
    out: list[Placed] = []
    for start, end, new in value_edits:
        if text.lines is None:
            for i in range(start, end):
                if text.value[i] not in " \t'\u2019\u00a0\u202f":
                    return None
            line = text.first_line + text.value.count("\n", 0, start)
            line_start = text.value.rfind("\n", 0, start) + 1
            if text.value.count("\n", start, end):
                return None
            out.append((line, start - line_start, end - start, new))
            continue
        source = text.lines.text
        # The characters replaced, and the ones around an insertion, must be written side by
        # side on one line of the YAML: never an indentation or a folded line break.
        first = text.source_index(start) if end > start else text.source_index(start - 1)
        if first is None:
            return None
        if end > start:
            indexes = [text.source_index(i) for i in range(start, end)]
            if any(i is None for i in indexes):
                return None
            places = [i for i in indexes if i is not None]
            span_start, span_end = places[0], places[-1] + 1
            if text.value[start:end] == "'" and source.startswith("''", span_start):
                if _single_quoted(text):
                    span_end = span_start + 2  # '' is one apostrophe in a single-quoted value
            elif source[span_start:span_end] != text.value[start:end]:
                return None
            before = text.source_index(start - 1) if start > 0 else None
            after = text.source_index(end) if end < len(text.value) else None
            if (start > 0 and before != span_start - 1) or (
                end < len(text.value) and after != span_end
            ):
                return None  # a space of the indentation or of a folded line break
            if new == "'" and _single_quoted(text):
                new = "''"
        else:
            after = text.source_index(start)
            if after is None or after != first + 1:
                return None
            span_start = span_end = after
        if "\n" in source[span_start:span_end]:
            return None
        line, column = text.lines.position(span_start)
        out.append((line, column - 1, span_end - span_start, new))
    return out


def _single_quoted(text: Text) -> bool:
    assert text.lines is not None
    span = text.lines.spans.get(text.path)
    return span is not None and text.lines.text[span[0] : span[0] + 1] == "'"


def _apply_value(value: str, edits: Iterable[Edit]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        value = value[:start] + new + value[end:]
    return value


def plan(project: Project, files: frozenset[str] | None = None) -> Plans:
    """The fixes of every published text (of `files` only, when given), by file."""
    plans: Plans = {}
    for text in published_texts(project):
        if text.hashtag or (files is not None and text.file not in files):
            continue
        fixable = [f for f in findings(text.value, text.lang, text.markdown) if f.edits]
        if not fixable:
            continue
        placed: list[Placed] = []
        value_edits: list[Edit] = []
        taken: set[int] = set()
        count = 0
        for f in fixable:
            spots = {i for s, e, _ in f.edits for i in range(s, max(e, s + 1))}
            if spots & taken:
                continue  # two fixes of one place (a space that two rules see): the first wins
            where = _text_edits(text, f.edits)
            if where is None:
                continue
            taken |= spots
            placed += where
            value_edits += f.edits
            count += 1
        if not count:
            continue
        file_plan, file_edits = plans.setdefault(text.file, (FilePlan(), []))
        file_edits += [p for p in placed if p not in file_edits]  # an alias repeats its anchor
        if text.lines is not None:
            file_plan.read.add((text.lines.offset + 1, text.lines.text))
        else:
            file_plan.read.add((text.first_line, text.value))
        file_plan.changes.add((text.value, _apply_value(text.value, value_edits)))
        file_plan.fixed += count
    return plans


def _same_but(old: Any, new: Any, changes: set[tuple[str, str]]) -> bool:
    """Whether two YAML values have the same shape and values, but for the expected changes."""
    if type(old) is not type(new):
        return False
    if isinstance(old, dict):
        return list(old) == list(new) and all(_same_but(old[k], new[k], changes) for k in old)
    if isinstance(old, list):
        return len(old) == len(new) and all(
            _same_but(a, b, changes) for a, b in zip(old, new, strict=True)
        )
    if isinstance(old, str) and old != new:
        return (old, new) in changes
    return bool(old == new)


def _yaml_of(text: str, rel: str) -> tuple[Any, str]:
    """(YAML data, body) of a file's text: the front matter of a Markdown file, or the YAML."""
    if rel.endswith((".md", ".markdown")):
        if not text.startswith("---"):
            return None, text
        fm = split_front_matter(text, rel)
        data = parse_yaml(fm.yaml_text, rel, 1).data if fm.yaml_text is not None else None
        return data, fm.body
    return parse_yaml(text, rel).data, ""


def _verified(old: str, new: str, rel: str, changes: set[tuple[str, str]]) -> bool:
    old_data, old_body = _yaml_of(old, rel)
    new_data, new_body = _yaml_of(new, rel)
    if not _same_but(old_data, new_data, changes):
        return False
    return old_body == new_body or (old_body, new_body) in changes


def _raw_line_starts(raw: str) -> list[int]:
    """Where each line starts in the file as written (\\r\\n, \\r or \\n line breaks)."""
    return [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", raw)]


def apply(root: Path | str, plans: Plans) -> Report:
    """Write the fixes; a file that changed since it was checked, or whose fix would change
    anything else, is left as it is."""
    from ..source import read_text

    fixed: dict[str, int] = {}
    refused: dict[str, str] = {}
    for rel, (file_plan, edits) in sorted(plans.items()):
        path = Path(root) / rel
        try:
            raw = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            refused[rel] = f"cannot read it ({exc})"
            continue
        text, _ = read_text(path, rel)
        if text is None:
            refused[rel] = "cannot read it"
            continue
        bom = 1 if raw.startswith("\ufeff") else 0
        raw_starts = _raw_line_starts(raw)
        starts = _line_starts(text)
        if any(
            line - 1 >= len(starts) or not text.startswith(part, starts[line - 1])
            for line, part in file_plan.read
        ):
            refused[rel] = "the file changed since it was checked"
            continue
        new_text, new_raw = text, raw
        ok = True
        for line, column, length, new in sorted(edits, reverse=True):
            if line - 1 >= len(starts) or line - 1 >= len(raw_starts):
                ok = False
                break
            at = starts[line - 1] + column
            raw_at = raw_starts[line - 1] + column + (bom if line == 1 else 0)
            old_part = text[at : at + length]
            if new_raw[raw_at : raw_at + length] != old_part:
                ok = False
                break
            new_text = new_text[:at] + new + new_text[at + length :]
            new_raw = new_raw[:raw_at] + new + new_raw[raw_at + length :]
        if not ok:
            refused[rel] = "the file changed since it was checked"
            continue
        if not _verified(text, new_text, rel, file_plan.changes):
            refused[rel] = "the fix would change more than spaces and apostrophes"
            continue
        path.write_bytes(new_raw.encode("utf-8"))
        fixed[rel] = file_plan.fixed
    return Report(fixed, refused)
