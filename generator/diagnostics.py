"""Diagnostics: every problem Relais finds is a value, collected, sorted and printed."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "notice": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem at one place: file is relative to the repository root, lines start at 1."""

    severity: Severity
    file: str
    line: int
    code: str
    message: str
    hint: str = ""
    column: int = 0

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return {
            k: data[k] for k in ("severity", "file", "line", "column", "code", "message", "hint")
        }


def error(
    file: str, line: int, code: str, message: str, hint: str = "", column: int = 0
) -> Diagnostic:
    return Diagnostic(Severity.ERROR, file, line, code, message, hint, column)


def warning(
    file: str, line: int, code: str, message: str, hint: str = "", column: int = 0
) -> Diagnostic:
    return Diagnostic(Severity.WARNING, file, line, code, message, hint, column)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint for a misspelt key or id, or '' when nothing is close."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def sort_key(d: Diagnostic) -> tuple[str, int, int, int, str]:
    return (d.file, d.line, d.column, d.severity.rank, d.code)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)

    def plural(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def format_text(diagnostics: Sequence[Diagnostic]) -> str:
    """Compiler style: `file:line: severity: message [code]` then an indented hint."""
    lines = []
    for d in diagnostics:
        where = f"{d.file}:{d.line}" + (f":{d.column}" if d.column else "")
        lines.append(f"{where}: {d.severity.value}: {d.message} [{d.code}]")
        if d.hint:
            lines.append(f"    hint: {d.hint}")
    lines.append(summary(diagnostics))
    return "\n".join(lines)


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([d.to_json() for d in diagnostics], ensure_ascii=False, indent=2)


def _gh_escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_property(text: str) -> str:
    return _gh_escape_data(text).replace(":", "%3A").replace(",", "%2C")


# GitHub shows at most 10 annotations of each level (error, warning, notice) per step.
GITHUB_SHOWN = 10


def _github_groups(diagnostics: Sequence[Diagnostic]) -> list[list[Diagnostic]]:
    """The annotations to write, each a group of diagnostics, in the diagnostics' order.

    Every diagnostic is its own annotation while a level has no more than GitHub shows;
    past that, the diagnostics of one file and one code share an annotation (twelve
    misspelt words of a post: one annotation listing them), and past that again, those
    of one file."""
    groups: list[list[Diagnostic]] = []
    for severity in Severity:
        same = [d for d in diagnostics if d.severity is severity]
        keys: list[Callable[[Diagnostic], object]] = [
            lambda d: id(d),
            lambda d: (d.file, d.code),
            lambda d: d.file,
        ]
        for key in keys:
            by_key: dict[object, list[Diagnostic]] = {}
            for d in same:
                by_key.setdefault(key(d), []).append(d)
            if len(by_key) <= GITHUB_SHOWN:
                break
        groups += by_key.values()
    order = {id(d): i for i, d in enumerate(diagnostics)}
    return sorted(groups, key=lambda g: order[id(g[0])])


def format_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands, shown inline on the pull request's changed lines."""
    lines = []
    for group in _github_groups(diagnostics):
        d = group[0]
        props = [f"file={_gh_escape_property(d.file)}", f"line={max(d.line, 1)}"]
        if d.column:
            props.append(f"col={d.column}")
        codes = sorted({g.code for g in group})
        title = f"relais {', '.join(codes)}" + (f" ({len(group)})" if len(group) > 1 else "")
        props.append(f"title={_gh_escape_property(title)}")
        if len(group) == 1:
            message = d.message + (f"\n{d.hint}" if d.hint else "")
        else:
            message = "\n".join(
                f"line {g.line}: {g.message}" + (f" ({g.hint})" if g.hint else "") for g in group
            )
        lines.append(f"::{d.severity.value} {','.join(props)}::{_gh_escape_data(message)}")
    lines.append(summary(diagnostics))
    return "\n".join(lines)


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}
