"""What changed since a Git revision: diagnostics of changed files first, and a pull-request summary.

A large repository's pull request can carry hundreds of old warnings; listing the
changed files' diagnostics first keeps the reviewer's attention (and GitHub's limited
number of inline annotations) on what the pull request touches. Git is asked with a
timeout; a missing git or an unknown revision gives a note, never a traceback.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, Severity, sort_key
from .load import POSTS_DIR
from .model import Project, parse_datetime
from .source import parse_yaml, split_front_matter

GIT_TIMEOUT_SECONDS = 30
# A GitHub comment holds at most 65,536 characters: list this many problems, then count.
MAX_LISTED = 30


@dataclass(frozen=True, slots=True)
class Changes:
    """Files changed since `rev`, relative to the content root, with Git's status letter."""

    rev: str
    status: dict[str, str] = field(default_factory=dict)  # path -> A (added or untracked), M, D
    problem: str = ""  # why Git could not tell (then status is empty)

    @property
    def ok(self) -> bool:
        return not self.problem

    @property
    def files(self) -> frozenset[str]:
        return frozenset(self.status)


class _GitError(Exception):
    """Git could not answer; the message is for the user."""


def _git(root: Path, *args: str) -> bytes:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise _GitError("git is not installed (or not on PATH)") from None
    except subprocess.TimeoutExpired:
        raise _GitError(f"git did not answer within {GIT_TIMEOUT_SECONDS} s") from None
    except OSError as exc:
        raise _GitError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _GitError(message[0] if message else f"git exited with status {done.returncode}")
    return done.stdout


WORK_FOLDER = ".relais/"
_NOT_WORK = ":(exclude).relais"  # relative to root (git runs there), as the names it gives


def _names(output: bytes) -> list[str]:
    return [p.decode("utf-8", "surrogateescape") for p in output.split(b"\0") if p]


def changes_since(root: Path, rev: str) -> Changes:
    """The files changed between `rev` and the working tree, plus untracked files."""
    if not rev or rev.startswith("-"):
        # A revision starting with '-' would be read as an option by git.
        return Changes(rev, problem=f"'{rev}' is not a revision")
    try:
        _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except _GitError as exc:
        text = str(exc)
        if "git is not installed" in text or "did not answer" in text or "cannot run" in text:
            return Changes(rev, problem=text)
        if "not a git repository" in text:
            return Changes(rev, problem=f"{root.resolve()} is not in a Git repository")
        detail = "" if text.startswith("git exited") else f" ({text})"
        return Changes(rev, problem=f"'{rev}' is not a revision of this repository{detail}")
    try:
        # -z: names as they are (no quoting of accents); --relative: relative to root, files
        # outside it left out; --no-renames: a moved file is a deletion and an addition.
        diff = _names(
            _git(
                root,
                "diff",
                "--name-status",
                "-z",
                "--no-renames",
                "--relative",
                "--end-of-options",
                rev,
                "--",
            )
        )
        # Relais' own work folder (.relais/: the build cache, the watch cache, a preview) is
        # never content, even in a repository whose .gitignore does not name it.
        untracked = _names(
            _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", ".", _NOT_WORK)
        )
    except _GitError as exc:
        return Changes(rev, problem=str(exc))
    status = {path: letter[:1] for letter, path in zip(diff[0::2], diff[1::2], strict=False)}
    for path in untracked:
        status.setdefault(path, "A")
    return Changes(
        rev, dict(sorted((k, v) for k, v in status.items() if not k.startswith(WORK_FOLDER)))
    )


def order_by_changed(
    root: Path, diagnostics: list[Diagnostic], rev: str, changes: Changes | None = None
) -> tuple[list[Diagnostic], str]:
    """Diagnostics of the files changed since `rev` first, then the rest; and a note for the user."""
    changes = changes if changes is not None else changes_since(Path(root), rev)
    ordered = sorted(diagnostics, key=sort_key)
    if not changes.ok:
        return (
            ordered,
            f"note: --changed {rev}: {changes.problem}; every diagnostic is listed in the usual order",
        )
    first = [d for d in ordered if d.file in changes.files]
    rest = [d for d in ordered if d.file not in changes.files]
    n = len(changes.files)
    note = (
        f"note: {n} file{'s' if n != 1 else ''} changed since {rev}; "
        f"{len(first)} diagnostic{'s' if len(first) != 1 else ''} in them listed first, {len(rest)} elsewhere"
    )
    return first + rest, note


# --- the pull-request summary -----------------------------------------------------------------

LABELS: dict[str, dict[str, Any]] = {
    "fr": {
        "heading": "Relais : {errors}, {warnings}",
        "error": ("erreur", "erreurs"),
        "warning": ("avertissement", "avertissements"),
        "moved_item": "{title} : {before} → {after}",
        "added": "Publications ajoutées",
        "moved": "Publications déplacées",
        "removed": "Publications supprimées",
        "no_post_change": "Aucune publication ajoutée, déplacée ni supprimée.",
        "in_changed": "Problèmes dans les fichiers modifiés",
        "problem": ("problème", "problèmes"),
        "elsewhere": "Ailleurs dans le dépôt : {count}, voir le journal de la vérification.",
        "more": "… et {count} de plus, voir le journal de la vérification.",
        "clean": "Aucun problème dans les fichiers modifiés.",
        "idea": "idée, sans date",
        "no_git": "Les fichiers modifiés sont inconnus ({problem}).",
    },
    "en": {
        "heading": "Relais: {errors}, {warnings}",
        "error": ("error", "errors"),
        "warning": ("warning", "warnings"),
        "moved_item": "{title}: {before} → {after}",
        "added": "Posts added",
        "moved": "Posts moved",
        "removed": "Posts removed",
        "no_post_change": "No post added, moved or removed.",
        "in_changed": "Problems in the changed files",
        "problem": ("problem", "problems"),
        "elsewhere": "Elsewhere in the repository: {count}, see the check's log.",
        "more": "… and {count} more, see the check's log.",
        "clean": "No problem in the changed files.",
        "idea": "idea, no date",
        "no_git": "The changed files are unknown ({problem}).",
    },
}

# Inline text only (never at the start of a line), so '-', '+' and '.' need no escape; '#'
# is escaped so that "#12" does not link an issue.
_MD_SPECIAL = set("\\`*_{}[]()#!|~")


def md(text: str, limit: int = 200) -> str:
    """User text made inert in a Markdown comment: no markup, no HTML, no @mention pings."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    out = []
    for ch in text:
        if ch in _MD_SPECIAL:
            out.append("\\" + ch)
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == "&":
            out.append("&amp;")
        elif ch == "@":
            out.append("@\u200b")  # a zero-width space after @ stops GitHub from notifying anyone
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class PostChange:
    slug: str
    title: str
    before: datetime | None = None
    after: datetime | None = None


def _old_date(root: Path, rev: str, rel: str, project: Project) -> tuple[bool, datetime | None]:
    """The post's date at `rev` (found, date); (False, None) when it cannot be read."""
    try:
        text = _git(root, "show", "--end-of-options", f"{rev}:./{rel}").decode("utf-8", "replace")
    except _GitError:
        return False, None
    fm = split_front_matter(text, rel)
    if fm.yaml_text is None:
        return False, None
    data = parse_yaml(fm.yaml_text, rel).data
    if not isinstance(data, dict):
        return False, None
    if data.get("date") is None:
        return True, None
    try:
        return True, parse_datetime(data["date"], project.tz)
    except Exception:  # noqa: BLE001 - the old version had a broken date: treat it as unknown
        return False, None


def post_changes(root: Path, project: Project, changes: Changes) -> dict[str, list[PostChange]]:
    """Posts added, moved (date changed) and removed since the revision."""
    out: dict[str, list[PostChange]] = {"added": [], "moved": [], "removed": []}
    if not changes.ok:
        return out
    for rel, letter in changes.status.items():
        if (
            not (rel.startswith(POSTS_DIR + "/") and rel.endswith(".md"))
            or "/" in rel[len(POSTS_DIR) + 1 :]
        ):
            continue
        slug = rel[len(POSTS_DIR) + 1 : -3]
        post = project.post(slug)
        if letter == "D":
            out["removed"].append(PostChange(slug, slug))
        elif post is None:
            continue  # the new version does not load: its diagnostics say why
        elif letter == "A":
            out["added"].append(PostChange(slug, post.title, after=post.date))
        else:
            found, before = _old_date(root, changes.rev, rel, project)
            if found and before != post.date:
                out["moved"].append(PostChange(slug, post.title, before, post.date))
    return out


def code(text: str) -> str:
    """A file name or slug as inline code (a backtick in it would end the code span)."""
    return "`" + text.replace("`", "'")[:200] + "`"


def summary_markdown(
    root: Path, project: Project | None, diagnostics: Sequence[Diagnostic], changes: Changes | None
) -> str:
    """A short Markdown summary for a pull request: posts added or moved, problems in changed files."""
    from .i18n import Translator

    lang = project.config.site.language if project else "en"
    labels = LABELS[lang]
    t = Translator(lang)

    def when(value: datetime | None) -> str:
        return md(t.moment(value) if value else labels["idea"])

    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)

    def count(n: int, key: str) -> str:
        singular = n == 1 or (n == 0 and lang == "fr")  # « 0 erreur », but "0 errors"
        return f"{n} {labels[key][0 if singular else 1]}"

    lines = [
        f"### {labels['heading'].format(errors=count(errors, 'error'), warnings=count(warnings, 'warning'))}",
        "",
    ]
    if project is not None and changes is not None:
        if not changes.ok:
            lines += [labels["no_git"].format(problem=md(changes.problem)), ""]
        posts = post_changes(root, project, changes)
        for key in ("added", "moved", "removed"):
            if not posts[key]:
                continue
            lines.append(f"**{labels[key]}**")
            for p in posts[key]:
                if key == "added":
                    lines.append(f"- {md(p.title)} ({when(p.after)}) {code(p.slug)}")
                elif key == "moved":
                    item = labels["moved_item"].format(
                        title=md(p.title), before=when(p.before), after=when(p.after)
                    )
                    lines.append(f"- {item} {code(p.slug)}")
                else:
                    lines.append(f"- {code(p.slug)}")
            lines.append("")
        if not any(posts.values()) and changes.ok:
            lines += [labels["no_post_change"], ""]
    touched = changes.files if changes is not None and changes.ok else None
    mine = [d for d in sorted(diagnostics, key=sort_key) if touched is None or d.file in touched]
    mine.sort(key=lambda d: (d.severity.rank, *sort_key(d)))
    if touched is not None:
        lines.append(f"**{labels['in_changed']}**" if mine else labels["clean"])
    icons = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.NOTICE: "ℹ️"}
    for d in mine[:MAX_LISTED]:
        lines.append(
            f"- {icons[d.severity]} {code(f'{d.file}:{d.line}')} {md(d.message, 300)} ({code(d.code)})"
        )
    if len(mine) > MAX_LISTED:
        lines.append(labels["more"].format(count=count(len(mine) - MAX_LISTED, "problem")))
    elsewhere = len(diagnostics) - len(mine)
    if elsewhere:
        lines += ["", labels["elsewhere"].format(count=count(elsewhere, "problem"))]
    return "\n".join(lines).rstrip() + "\n"


def write_summary(
    path: Path,
    root: Path,
    project: Project | None,
    diagnostics: Sequence[Diagnostic],
    rev: str | None,
) -> str:
    """Write the summary to `path`; returns what went wrong, or ''."""
    changes = changes_since(Path(root), rev) if rev is not None else None
    try:
        from . import safefs

        text = summary_markdown(Path(root), project, diagnostics, changes)
        safefs.write_bytes(path, text.encode("utf-8"))  # never through a link
    except OSError as exc:
        return f"cannot write the summary to {path}: {exc.strerror or exc}"
    return ""
