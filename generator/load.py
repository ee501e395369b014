"""Stage 1: read a content repository into typed models, with a diagnostic for every problem."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .cache import key as cache_key
from .diagnostics import Diagnostic, Severity, did_you_mean, error, warning
from .model import (
    ID_HINT,
    ID_PATTERN,
    Ambassador,
    Campaign,
    Frozen,
    KeyDate,
    Page,
    Post,
    PostSpelling,
    Project,
    SiteConfig,
    Slot,
    private,
    suggest_id,
)
from .model import _kind as kind_of
from .moderation.model import (
    Directory,
    Feedback,
    Library,
    Moderation,
    Reply,
    Situation,
    Topic,
)
from .source import Lines, parse_yaml, read_text, split_front_matter

CONFIG_FILE = "site_config.yml"
POSTS_DIR = "content/posts"
PAGES_DIR = "content/pages"
MEDIA_DIR = "content/media"
KEY_DATES_FILE = "calendar/key-dates.yml"
CAMPAIGNS_FILE = "calendar/campaigns.yml"
SLOTS_FILE = "calendar/slots.yml"
DICTIONARY_FILE = "dictionary.txt"
AMBASSADORS_DIR = "ambassadors"
REPLIES_FILE = "moderation/replies.yml"
ESCALATION_FILE = "moderation/escalation.yml"
FEEDBACK_FILE = "moderation/feedback.yml"
MODERATION_FILES = (REPLIES_FILE, ESCALATION_FILE, FEEDBACK_FILE)

M = TypeVar("M", bound=BaseModel)
ID_RULE = "ids use lowercase letters, digits and hyphens"


@dataclass(frozen=True, slots=True)
class Loaded:
    project: Project | None
    diagnostics: list[Diagnostic]


# --- pydantic errors to diagnostics -----------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The model (or type) inside Optional/Annotated/list/dict, and whether a dict was crossed."""
    current, crossed_dict = annotation, False
    for _ in range(8):
        origin = get_origin(current)
        if origin is None:
            break
        if origin is Annotated:
            current = get_args(current)[0]
            continue
        crossed_dict = crossed_dict or origin is dict
        args = [a for a in get_args(current) if a is not type(None)]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        current = models[0] if models else (args[-1] if args else None)
    return current, crossed_dict


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that holds the last key of `loc`, to suggest its field names."""
    current: Any = model
    dict_key_next = (
        False  # in `networks.linkedin.handle`, 'linkedin' is a key of a dict, not a field
    )
    for part in loc:
        if dict_key_next or isinstance(part, int):
            dict_key_next = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = next(
            (f for name, f in current.model_fields.items() if name == part or f.alias == part), None
        )
        if field is None:
            return None
        current, dict_key_next = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _field_names(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _dotted(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_ENUM_HINTS = {"status": "idea, draft, review, approved, scheduled, published or cancelled"}


_RELAIS_HINTS = {
    "date": "write dates as YYYY-MM-DD, e.g. 2026-12-03",
    "datetime": "write a local date-time as YYYY-MM-DDTHH:MM, e.g. 2026-12-03T09:30",
    "timezone": "use an IANA time zone name such as Europe/Paris",
    "str": 'put the value in quotes if it is text, e.g. title: "2026"',
    "missing-date": "add 'date: YYYY-MM-DDTHH:MM', or set 'status: idea'",
    "url": "write the full address, starting with https://",
    "text": "retype the text on one line: it holds a character that cannot be shown",
    "branch": "write the name of the branch edit links open, e.g. main",
    "embargo-key": "write a long random value in quotes, e.g. the output of "
    "`python3 -c 'import secrets; print(secrets.token_urlsafe(24))'`",
    "time": 'write the time in quotes as "HH:MM"',
    "text-or-list": "write one text in quotes, or a list of texts, one per line starting with '- '",
    "range": "swap the two dates, or fix the one that is wrong",
    "keydate-form": "write either 'date: YYYY-MM-DD', or 'start:' and 'end:', or 'rrule: FREQ=YEARLY;…'",
    "color": 'write the colour in quotes as #rrggbb, e.g. color: "#1e88e5"',
    "lang": "use a language code such as fr, en or pt-BR",
    "reply-text": "add 'text: …' (for every network), or 'networks:' with a text per network id",
}

_TYPE_NAMES = {
    "list_type": "a list like [a, b]",
    "tuple_type": "a list like [a, b]",
    "dict_type": "a mapping of keys and values",
    "model_type": "a mapping of keys and values",
    "model_attributes_type": "a mapping of keys and values",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "string_type": "text",
}


def _type_hint(kind: str, key: str | int | None, value: Any = None) -> str:
    name = key if isinstance(key, str) else "value"
    if kind in ("list_type", "tuple_type"):
        example = f"[{value}]" if isinstance(value, (str, int, float)) and value != "" else "[a, b]"
        return f"write a list in brackets, e.g. {name}: {example}, or one '- item' per line below '{name}:'"
    if kind.startswith(("dict", "model")):
        return f"write one 'key: value' per line, indented below '{name}:'"
    if kind.startswith("bool"):
        return f"write {name}: true or {name}: false, without quotes"
    if kind.startswith(("int", "float")):
        return f"write a number without quotes, e.g. {name}: 20"
    return "put the text in quotes"


def _missing_is_misspelt(errors: list[Any], model: type[BaseModel]) -> set[tuple[Any, ...]]:
    """Required fields that an unknown key probably meant (`tilte:` for `title:`): one error is enough."""
    meant = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = tuple(err["loc"])
            hint = did_you_mean(str(loc[-1]), _field_names(_model_at(model, loc[:-1])))
            if hint:
                meant.add(loc[:-1] + (hint.split("'")[1],))
    return meant


def _path_in(data: Any, loc: Sequence[Any], missing: bool) -> list[str | int]:
    """The parts of a pydantic `loc` that are keys and indexes of the data; the others are
    union branches and validator names that pydantic adds ('str', 'list[str]', 'function-after[...]').
    Walking the data (rather than filtering names) keeps a user's key that happens to be 'str'."""
    out: list[str | int] = []
    current = data
    for i, part in enumerate(loc):
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            current = current[part]
        elif not (missing and i == len(loc) - 1):
            continue
        out.append(part)
    return out


def validation_diagnostics(
    exc: ValidationError, model: type[BaseModel], lines: Lines, data: Any = None
) -> list[Diagnostic]:
    """One diagnostic per pydantic error, at the line of the value concerned."""
    out: list[Diagnostic] = []
    errors = exc.errors(include_url=False)
    misspelt = _missing_is_misspelt(errors, model)
    for err in errors:
        if data is not None:
            loc = _path_in(data, err["loc"], err["type"] == "missing")
        else:
            loc = [
                p
                for p in err["loc"]
                if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))
            ]
            # pydantic adds union branch names (e.g. 'str', 'list[str]') to loc: drop them.
            loc = [
                p
                for p in loc
                if not (isinstance(p, str) and p in {"str", "list[str]", "dict[str,any]"})
            ]
        kind = err["type"]
        if kind in ("missing", "extra_forbidden") and not loc:
            loc = list(err["loc"][-1:])
        where = _dotted(loc)
        line = lines.of(tuple(loc))
        value = err.get("input")
        if kind == "missing" and tuple(err["loc"]) in misspelt:
            continue
        if kind == "missing":
            out.append(
                error(
                    lines.file,
                    lines.of(tuple(loc[:-1])),
                    "missing-field",
                    f"required field '{where}' is missing",
                    f"add a line '{loc[-1]}: …'",
                )
            )
        elif kind == "extra_forbidden":
            key = str(loc[-1])
            hint = did_you_mean(key, _field_names(_model_at(model, loc[:-1])))
            known = ", ".join(_field_names(_model_at(model, loc[:-1])))
            out.append(
                error(
                    lines.file,
                    line,
                    "unknown-field",
                    f"unknown field '{where}'",
                    hint or (f"known fields here: {known}" if known else "remove it"),
                )
            )
        elif kind == "relais_id":
            suggestion = suggest_id(str(value))
            hint = f"write '{suggestion}' instead ({ID_RULE})" if suggestion else ID_HINT
            out.append(error(lines.file, line, "invalid-id", f"{where}: {err['msg']}", hint))
        elif kind == "literal_error" or kind == "enum":
            expected = err.get("ctx", {}).get("expected", "")
            choices = re.findall(r"'([^']*)'", expected)
            hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
            message = (
                f"'{value}' is not allowed"
                if isinstance(value, (str, int, float))
                else f"expected one value, got {kind_of(value)}"
            )
            out.append(
                error(
                    lines.file,
                    line,
                    "invalid-value",
                    f"{where}: {message}",
                    hint or f"use one of: {', '.join(choices) or expected}",
                )
            )
        elif kind.startswith("relais_"):
            msg = err["msg"]
            code = kind.removeprefix("relais_").replace("_", "-")
            hint = _RELAIS_HINTS.get(code, "")
            name = loc[-1] if loc and isinstance(loc[-1], str) else "title"
            if code == "str" and isinstance(value, (list, dict)):
                hint = f"write a single text after '{name}:', not a list or a mapping (quote it if it starts with [ or {{)"
            elif code == "str" and isinstance(value, (bool, int, float)):
                hint = f'put the value in quotes if it is text, e.g. {name}: "{str(value).lower() if isinstance(value, bool) else value}"'
            ctx = err.get("ctx") or {}
            if not loc and isinstance(
                ctx.get("field"), str
            ):  # a rule about two fields: point at the one named
                line = lines.of((ctx["field"],))
            out.append(
                error(
                    lines.file,
                    line,
                    f"invalid-{code}" if not code.startswith("missing") else code,
                    f"{where}: {msg}" if where else msg,
                    hint,
                )
            )
        else:
            expected = _TYPE_NAMES.get(kind)
            if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
                rule = str(err["msg"]).removeprefix(
                    "Input "
                )  # "should be less than or equal to 3660"
                out.append(
                    error(
                        lines.file,
                        line,
                        "invalid-value",
                        f"{where}: {value} is out of range, it {rule}",
                        f"write a number {rule.removeprefix('should be ')}",
                    )
                )
                continue
            if expected:
                msg = f"{where}: expected {expected}, got {kind_of(value)}"
                hint = _type_hint(kind, loc[-1] if loc else None, value)
            else:
                msg = f"{where}: {str(err['msg']).removeprefix('Value error, ')}"
                hint = (
                    f"check the value of '{loc[-1]}'" if loc else "check the fields of this entry"
                )
            if kind == "too_short":
                msg = f"{where}: must not be empty"
                hint = "add at least one item, e.g. networks: [linkedin]"
            out.append(
                error(
                    lines.file,
                    line,
                    "invalid-type" if expected else "invalid-value",
                    msg.removeprefix(": "),
                    hint,
                )
            )
    return out


def validate(
    model: type[M], data: Any, lines: Lines, tz: Any = None
) -> tuple[M | None, list[Diagnostic]]:
    """Validate plain data into a frozen model that remembers its source lines."""
    if not isinstance(data, dict):
        what = "empty" if data is None else kind_of(data)
        return None, [
            error(
                lines.file,
                lines.root,
                "not-a-mapping",
                f"expected a mapping of fields, but the content is {what}",
                "write one 'field: value' per line",
            )
        ]
    try:
        obj = model.model_validate(data, context={"tz": tz})
    except ValidationError as exc:
        return None, validation_diagnostics(exc, model, lines, data)
    except (ValueError, TypeError, OverflowError) as exc:  # a validator beyond our own messages
        return None, [
            error(
                lines.file, lines.root, "invalid-value", str(exc), "check the values of this entry"
            )
        ]
    _attach(obj, lines)
    return obj, []


def _attach(obj: Any, lines: Lines, path: tuple[str | int, ...] = ()) -> None:
    """Give every nested model its source: the same file, with paths relative to it."""
    if isinstance(obj, Frozen):
        private(obj)["_src"] = lines.sub(path) if path else lines
        for name, field in type(obj).model_fields.items():
            _attach(getattr(obj, name), lines, path + (field.alias or name,))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _attach(v, lines, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            _attach(v, lines, path + (i,))


# --- files ------------------------------------------------------------------------------------


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _outside(root: Path, path: Path) -> bool:
    """Whether `path` is a symlink that leads out of the repository (to /etc/passwd, a CI secret...)."""
    try:
        if not path.is_symlink() and _folder_inside(
            str(root), str(path.parent), path.parent.stat().st_ino
        ):
            return (
                False  # a plain file in a folder of the repository (most files: no realpath walk)
            )
        return not path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return True


@lru_cache(maxsize=256)
def _folder_inside(root: str, folder: str, inode: int) -> bool:
    """Whether a folder, once its links are followed, is inside the repository (by inode:
    a folder replaced by a link while `relais serve` runs is looked at again)."""
    return Path(folder).resolve().is_relative_to(Path(root).resolve())


@lru_cache(maxsize=256)
def _folder_in(base: str, folder: str, inode: int) -> bool:
    """Whether a folder, once its links are followed, is `base` or inside it (`base` already
    resolved; by inode, as _folder_inside)."""
    return Path(folder).resolve().is_relative_to(Path(base))


def _area(rel: str) -> str:
    """The folder of the repository a content file belongs to ('' for the top level)."""
    if rel.startswith(MEDIA_DIR + "/"):
        return MEDIA_DIR
    return rel.rpartition("/")[0]


def _elsewhere(root: Path, path: Path, area: str) -> bool:
    """Whether `path`, its links followed, is not a file of the folder `area` (of the top level
    for ''): a page that links to a private ambassador's file, a media file that links to an
    embargoed post. A link to a file of the same folder (one post to another) is fine."""
    try:
        top = root.resolve()
        base = top / area if area else top
        if not path.is_symlink() and _folder_in(
            str(base), str(path.parent), path.parent.stat().st_ino
        ):
            return False  # a plain file in a plain folder of its area (most files)
        target = path.resolve()
        return not target.is_relative_to(base) if area else target.parent != top
    except (OSError, RuntimeError):  # a symlink loop
        return True


def link_problem(root: Path, path: Path, rel: str, area: str | None = None) -> Diagnostic | None:
    """The error of a content file that is a link out of the repository, or out of its own
    folder (`area`, by default the folder `rel` is in); None for a file that may be read."""
    if _outside(root, path):
        return error(
            rel,
            1,
            "link-outside",
            "this file is a symbolic link to a file outside the repository",
            "replace the link with the file itself: Relais only reads files of the repository",
        )
    area = _area(rel) if area is None else area
    if _elsewhere(root, path, area):
        where = f"{area}/" if area else "the top of the repository"
        return error(
            rel,
            1,
            "link-elsewhere",
            f"this file is a symbolic link to a file outside {where}",
            "replace the link with the file itself: a link may only lead to a file of its own "
            "folder (a page to a page, a post to a post, a visual to a visual)",
        )
    return None


def _read(root: Path, path: Path, rel: str) -> tuple[str | None, list[Diagnostic]]:
    """The text of a content file, refusing links out of the repository and out of the
    file's own folder (their text is never shown)."""
    problem = link_problem(root, path, rel)
    if problem is not None:
        return None, [problem]
    if not path.is_file():  # a folder, a pipe or a device would fail or block
        return None, [
            error(
                rel,
                1,
                "unreadable",
                "this is not a regular file",
                "replace it with a text file (UTF-8), or remove it",
            )
        ]
    return read_text(path, rel)


def _present(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _yaml_file(root: Path, rel: str) -> tuple[Any, Lines, list[Diagnostic]]:
    text, diags = _read(root, root / rel, rel)
    if text is None:
        return None, Lines(rel), diags
    parsed = parse_yaml(text, rel)
    return parsed.data, parsed.lines, diags + parsed.diagnostics


def _stem_id(rel: str, stem: str, what: str) -> list[Diagnostic]:
    if ID_PATTERN.match(stem):
        return []
    suggestion = suggest_id(stem)
    suffix = Path(rel).suffix
    hint = (
        f"rename the file to '{suggestion}{suffix}' ({ID_RULE})"
        if suggestion
        else f"rename the file: {ID_HINT}"
    )
    return [
        error(
            rel,
            1,
            "invalid-filename",
            f"'{stem}' is not a valid {what} (the file name is the {what})",
            hint,
        )
    ]


def load_site_config(root: Path | str) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Read and validate site_config.yml alone (the watch commands need nothing else)."""
    root = Path(root)
    if not _present(root / CONFIG_FILE):
        return None, [
            error(
                CONFIG_FILE,
                1,
                "no-config",
                f"no {CONFIG_FILE} in {root.resolve()}",
                "run relais in the root of a content repository, or pass --root",
            )
        ]
    data, lines, diags = _yaml_file(root, CONFIG_FILE)
    if diags and data is None:
        return None, diags
    config, more = validate(SiteConfig, data, lines)
    return config, diags + more


def _load_list(
    root: Path, rel: str, model: type[M], tz: Any, failed: set[str] | None = None
) -> tuple[list[M], list[Diagnostic]]:
    """The entries of a list file; `failed` collects the ids of entries that did not load ('*': all)."""
    failed = set() if failed is None else failed
    if not _present(root / rel):
        return [], []
    data, lines, diags = _yaml_file(root, rel)
    if data is None:
        if diags:
            failed.add("*")
        return [], diags
    if not isinstance(data, list):
        failed.add("*")
        return [], diags + [
            error(
                rel,
                lines.root,
                "not-a-list",
                "expected a list of entries, each starting with '- id: …'",
                "start each entry with '- ' at the beginning of the line",
            )
        ]
    items: list[M] = []
    for i, entry in enumerate(data):
        obj, more = validate(model, entry, lines.sub((i,)), tz)
        diags += more
        if obj is not None:
            items.append(obj)
        elif isinstance(entry, dict) and isinstance(entry.get("id"), str):
            failed.add(entry["id"])
    return items, diags


def _duplicates(items: Iterable[Any], what: str) -> list[Diagnostic]:
    seen: dict[str, Any] = {}
    out = []
    for item in items:
        if item.id in seen:
            first = seen[item.id]
            out.append(
                error(
                    item.src.file,
                    item.src.root,
                    "duplicate-id",
                    f"{what} id '{item.id}' is already defined in {first.src.file}:{first.src.root}",
                    "give each entry its own id",
                )
            )
        else:
            seen[item.id] = item
    return out


def _same_stem(root: Path, paths: list[Path], what: str) -> list[Diagnostic]:
    """Two files that give one slug or id (`a.md` and `a.markdown`): an error on the second."""
    first: dict[str, str] = {}
    out = []
    for path in paths:
        rel = _rel(root, path)
        if path.stem in first:
            out.append(
                error(
                    rel,
                    1,
                    "duplicate-id",
                    f"{what} '{path.stem}' is already used by {first[path.stem]}",
                    "keep one of the two files: rename or remove the other",
                )
            )
        else:
            first[path.stem] = rel
    return out


def load_post(root: Path, path: Path, tz: Any) -> tuple[Post | None, list[Diagnostic]]:
    rel = _rel(root, path)
    diags = _stem_id(rel, path.stem, "slug")
    text, more = _read(root, path, rel)
    if text is None:
        return None, diags + more
    fm = split_front_matter(text, rel)
    if fm.yaml_text is None:
        return None, diags + fm.diagnostics
    parsed = parse_yaml(fm.yaml_text, rel, line_offset=1)
    diags += parsed.diagnostics
    if parsed.data is None and not parsed.diagnostics:
        return None, diags + [
            error(
                rel,
                2,
                "empty-front-matter",
                "the front matter is empty",
                "add at least title, date and networks",
            )
        ]
    if parsed.data is None:
        return None, diags
    post, more = validate(Post, parsed.data, parsed.lines, tz)
    if post is not None:
        # Everything the post is made of: the loader's code is in the memos' context (memo.py).
        source = cache_key(rel, text, str(tz))
        private(post).update(
            _slug=path.stem, _body=fm.body, _body_line=fm.body_line, _source=source
        )
    # A post whose file name is not a valid slug is reported and left out: its URL would be unsafe.
    return (post if ID_PATTERN.match(path.stem) else None), diags + more


def load_page(root: Path, path: Path) -> tuple[Page | None, list[Diagnostic]]:
    rel = _rel(root, path)
    text, diags = _read(root, path, rel)
    if text is None:
        return None, diags
    title = None
    body = text
    body_line = 1
    src = None
    ignore: tuple[str, ...] = ()
    if text.startswith("---"):
        fm = split_front_matter(text, rel)
        if fm.yaml_text is None:
            return None, fm.diagnostics
        parsed = parse_yaml(fm.yaml_text, rel, line_offset=1)
        diags += parsed.diagnostics
        if isinstance(parsed.data, dict):
            unknown = [k for k in parsed.data if k not in ("title", "spelling")]
            for k in unknown:
                diags.append(
                    error(
                        rel,
                        parsed.lines.of((k,)),
                        "unknown-field",
                        f"unknown field '{k}'",
                        "a page's front matter only takes 'title' and 'spelling'",
                    )
                )
            if isinstance(parsed.data.get("title"), str):
                title = parsed.data["title"]
            if "spelling" in parsed.data:
                spelling, more = validate(
                    PostSpelling, parsed.data["spelling"], parsed.lines.sub(("spelling",))
                )
                diags += more
                ignore = tuple(spelling.ignore) if spelling is not None else ()
            src = parsed.lines
        body, body_line = fm.body, fm.body_line
    if title is None:
        # Not a heading inside an internal note (an HTML comment is never published). Without
        # one, render (Markdown, Jinja: slow to import for `relais check`) is not needed.
        if "<!--" in body:
            from .render import drop_comments

            body_shown = drop_comments(body)[0]
        else:
            body_shown = body
        m = re.search(r"^#\s+(.+?)\s*#*\s*$", body_shown, re.MULTILINE)
        title = m.group(1) if m else path.stem.replace("-", " ").capitalize()
    page = Page(path.stem, title, body, rel, body_line, src, ignore)
    return page, diags + _stem_id(rel, path.stem, "page slug")


def load_ambassador(root: Path, path: Path) -> tuple[Ambassador | None, list[Diagnostic]]:
    rel = _rel(root, path)
    data, lines, diags = _yaml_file(root, rel)
    diags = _stem_id(rel, path.stem, "ambassador id") + diags
    if data is None and diags:
        return None, diags
    amb, more = validate(Ambassador, data, lines)
    if amb is not None:
        private(amb)["_id"] = path.stem
    return (amb if ID_PATTERN.match(path.stem) else None), diags + more


def load_dictionary(root: Path) -> tuple[tuple[str, ...], list[Diagnostic]]:
    """The project's word list: one word or name per line, '#' starts a comment."""
    if not _present(root / DICTIONARY_FILE):
        return (), []
    text, diags = _read(root, root / DICTIONARY_FILE, DICTIONARY_FILE)
    if text is None:
        return (), diags
    entries = (re.sub(r"(?:^|\s)#.*$", "", line).strip() for line in text.split("\n"))
    return tuple(e for e in entries if e), diags


def post_files(root: Path | str) -> list[Path]:
    """The post files of a repository, in the order load() reads them."""
    return _files(Path(root), POSTS_DIR, (".md", ".markdown"))


def post_body(root: Path | str, path: Path) -> str | None:
    """The Markdown body of a post file as load() gives it to the post (None if unreadable)."""
    root = Path(root)
    text, _ = _read(root, path, _rel(root, path))
    if text is None:
        return None
    fm = split_front_matter(text, _rel(root, path))
    return fm.body if fm.yaml_text is not None else None


def _files(root: Path, folder: str, suffixes: tuple[str, ...]) -> list[Path]:
    base = root / folder
    if not base.is_dir():
        return []
    # Links are listed too, so that one leading out of the repository is reported, not skipped.
    return sorted(
        p
        for p in base.iterdir()
        if p.suffix in suffixes and (p.is_file() or p.is_symlink()) and not p.name.startswith(".")
    )


def _media(root: Path) -> tuple[dict[str, tuple[int, int]], list[Diagnostic]]:
    """The files content/media/ publishes, relative to content/, with the identity (device,
    inode) of the file each one is once its links are followed; a diagnostic for every other
    file (see media.py): a type it does not publish, bytes that are not of the type the name
    says, an SVG that cannot be read, a link out of content/media/. Hidden files are skipped."""
    from . import media

    base = root / MEDIA_DIR
    if not base.is_dir():
        return {}, []
    found: dict[str, tuple[int, int]] = {}
    diags: list[Diagnostic] = []
    for path in sorted(base.rglob("*")):
        relative = path.relative_to(base)
        if any(part.startswith(".") for part in relative.parts) or path.name in media.IGNORED_NAMES:
            continue  # .git, .gitkeep, .DS_Store, .htaccess: never published
        if path.is_dir() and not path.is_symlink():
            continue
        rel = _rel(root, path)
        problem = link_problem(root, path, rel, MEDIA_DIR)
        if problem is not None:
            diags.append(problem)
            continue
        if not path.is_file():
            continue  # a link to a folder of content/media/ (its files are listed there)
        problem = _media_problem(path, rel)
        if problem is not None:
            diags.append(problem)
            if problem.severity is not Severity.WARNING:
                continue
        st = path.stat()
        found[path.relative_to(root / "content").as_posix()] = (st.st_dev, st.st_ino)
    return found, diags


def _media_problem(path: Path, rel: str) -> Diagnostic | None:
    """Why a file of content/media/ is not published (or what of an SVG is left out)."""
    from . import media

    odd = media.name_problem(rel.removeprefix(MEDIA_DIR + "/"))
    if odd:
        return error(
            rel,
            1,
            "media-name",
            f"this file is not published: its name {odd}",
            "rename it with letters, digits, spaces, dots, hyphens and underscores",
        )
    kind = media.kind(path.name)
    if kind is None:
        what = f"{path.suffix} files" if path.suffix else "files without an extension"
        return error(
            rel,
            1,
            "media-type",
            f"this file is not published: content/media/ does not publish {what}",
            f"{media.PUBLISHED_HINT}; move this file out of content/media/",
        )
    try:
        if path.suffix.lower() == ".svg":
            cleaned = media.clean_svg(path.read_bytes())
            if cleaned.dropped:
                return warning(
                    rel,
                    1,
                    "media-svg-cleaned",
                    "this SVG is published without what could run or load from elsewhere: "
                    + ", ".join(cleaned.dropped[:6])
                    + (f" and {len(cleaned.dropped) - 6} more" if len(cleaned.dropped) > 6 else ""),
                    "export the drawing again as plain SVG (shapes and text) to silence this",
                )
            return None
        with path.open("rb") as handle:
            head = handle.read(32)
    except media.SvgError as exc:
        return error(
            rel,
            1,
            "media-svg",
            f"this SVG is not published: {exc}",
            "export the drawing again as plain SVG (shapes and text), or as PNG",
        )
    except OSError as exc:
        return error(rel, 1, "unreadable", f"this file cannot be read ({exc.strerror})", "")
    if media.bytes_match(path.name, head):
        return None
    looks = media.what_it_looks_like(head)
    return error(
        rel,
        1,
        "media-content",
        f"this file is not published: its name says it is a {kind.label}, but "
        + (looks or "its bytes are not of that type"),
        "export the file again in the type its name says, or give it the extension of its type",
    )


def _images(root: Path, posts: list[Post], media_ids: dict[str, tuple[int, int]]) -> dict[str, str]:
    """{a post's image as written: the media file it is}, whatever its spelling (`./media/x.png`,
    `media//x.png`, a link): the embargo and the pages compare files, never strings."""
    by_identity: dict[tuple[int, int], str] = {}
    for rel in sorted(media_ids):
        by_identity.setdefault(media_ids[rel], rel)
    content = root.resolve() / "content"
    images: dict[str, str] = {}
    for image in {p.image for p in posts if p.image}:
        if "\\" in image or "://" in image or image.startswith("/"):
            continue
        try:
            target = (content / image).resolve()
            if not target.is_relative_to(content / "media"):
                continue
            st = target.stat()
        except (OSError, RuntimeError, ValueError):
            continue
        found = by_identity.get((st.st_dev, st.st_ino))
        if found is not None:
            images[image] = found
    return images


def neutral_name(post: Post, key: str | None) -> str:
    """What an embargoed post's address shows instead of its slug: an HMAC of the slug keyed
    with `site.embargo_key`, so that a reader who guesses a slug cannot confirm it offline.
    The same on every machine and in every build (the nightly CI publishes the same address).

    Without a key (`relais check` warns), the key is the post's own unpublished content (its
    front matter and brief): as hard to guess as the post, but the address changes when the
    post is edited."""
    import hashlib
    import hmac

    secret = (key or "").encode("utf-8")
    if not secret:
        secret = hashlib.sha256(
            post.model_dump_json(by_alias=True).encode("utf-8") + b"\0" + post.body.encode("utf-8")
        ).digest()
    return hmac.new(secret, b"relais-embargo\0" + post.slug.encode("utf-8"), "sha256").hexdigest()[
        :20
    ]


def _fallback_tz(root: Path) -> Any:
    """The zone to read dates in when site_config.yml is broken, so other files still get checked."""
    from zoneinfo import ZoneInfo

    data: Any
    data, _, _ = (
        _yaml_file(root, CONFIG_FILE) if (root / CONFIG_FILE).is_file() else (None, None, None)
    )
    try:
        return ZoneInfo(data["site"]["timezone"])
    except Exception:  # noqa: BLE001 - any broken shape falls back to UTC
        return ZoneInfo("UTC")


# --- moderation/ -------------------------------------------------------------------------------
# Three files, each optional (see moderation/model.py); the entries of each list are validated
# one by one, so that one broken reply hides nothing else.


def _sub(lines: Lines, *prefix: str | int) -> Lines:
    """The lines of the value at `prefix`, with paths relative to it (and the spans of its
    texts, so that the spelling check points inside a reply)."""
    return lines.sub(prefix)


def _mapping(data: Any, lines: Lines) -> list[Diagnostic]:
    if isinstance(data, dict):
        return []
    what = "empty" if data is None else type(data).__name__
    return [
        error(
            lines.file,
            lines.root,
            "not-a-mapping",
            f"expected a mapping of fields, but the content is {what}",
            "write one 'field: value' per line, e.g. 'replies:' followed by the list of replies",
        )
    ]


def _top_level(
    model: type[BaseModel], data: dict[str, Any], lines: Lines, nested: tuple[str, ...]
) -> tuple[Any, list[Diagnostic]]:
    """The file's own fields, validated with the nested lists left out (validated one by one)."""
    head = {k: v for k, v in data.items() if k not in nested}
    return validate(model, head, lines)


def _entries(
    model: type[M], value: Any, lines: Lines, key: str, failed: set[str], tz: Any = None
) -> tuple[list[M], list[Diagnostic]]:
    """The entries of the list at `key`, each validated alone."""
    if value is None:
        return [], []
    if not isinstance(value, list):
        failed.add("*")
        return [], [
            error(
                lines.file,
                lines.of((key,)),
                "not-a-list",
                f"{key}: expected a list of entries, each starting with '- id: …'",
                f"write each entry below '{key}:' on a line starting with '- '",
            )
        ]
    items: list[M] = []
    diags: list[Diagnostic] = []
    for i, entry in enumerate(value):
        obj, more = validate(model, entry, _sub(lines, key, i), tz)
        diags += more
        if obj is not None:
            items.append(obj)
        elif isinstance(entry, dict) and isinstance(entry.get("id"), str):
            failed.add(entry["id"])
    return items, diags


def _situations(
    value: Any, lines: Lines, failed: set[str]
) -> tuple[dict[str, Situation], list[Diagnostic]]:
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        failed.add("*")
        return {}, [
            error(
                lines.file,
                lines.of(("situations",)),
                "not-a-mapping",
                "situations: expected a mapping of situation ids to their label and actions",
                "write one 'id: {label: …, actions: [answer]}' per line below 'situations:'",
            )
        ]
    out: dict[str, Situation] = {}
    diags: list[Diagnostic] = []
    for key, entry in value.items():
        sub = _sub(lines, "situations", key)
        if not isinstance(key, str) or not ID_PATTERN.match(key):
            # The id becomes an anchor, a filter value and a data attribute of the page.
            suggestion = suggest_id(str(key))
            diags.append(
                error(
                    lines.file,
                    lines.of(("situations", key)),
                    "invalid-id",
                    f"situations: '{key}' is not a valid situation id",
                    f"write '{suggestion}' instead ({ID_RULE})" if suggestion else ID_HINT,
                )
            )
            failed.add(str(key))
            continue
        obj, more = validate(Situation, entry, sub)
        diags += [_prefixed(d, f"situations.{key}") for d in more]
        if obj is not None:
            out[str(key)] = obj
        else:
            failed.add(str(key))
    return out, diags


def _prefixed(d: Diagnostic, where: str) -> Diagnostic:
    return replace(d, message=f"{where}: {d.message}")


def _with_source(model: BaseModel, lines: Lines) -> None:
    """The file's lines for a model put together by model_copy (which validates nothing)."""
    private = model.__pydantic_private__
    if private is not None:
        private["_src"] = lines


def load_library(root: Path) -> tuple[Library | None, list[Diagnostic], set[tuple[str, str]]]:
    """moderation/replies.yml (None when absent or unreadable), and what failed to load."""
    unloaded: set[tuple[str, str]] = set()
    if not _present(root / REPLIES_FILE):
        return None, [], unloaded
    data, lines, diags = _yaml_file(root, REPLIES_FILE)
    if data is None and diags:
        return None, diags, {("situation", "*"), ("reply", "*")}
    problems = _mapping(data, lines)
    if problems:
        return None, diags + problems, {("situation", "*"), ("reply", "*")}
    head, more = _top_level(Library, data, lines, ("situations", "replies"))
    diags += more
    failed_situations: set[str] = set()
    failed_replies: set[str] = set()
    situations, more = _situations(data.get("situations"), lines, failed_situations)
    diags += more
    replies, more = _entries(Reply, data.get("replies"), lines, "replies", failed_replies)
    diags += more + _duplicates(replies, "reply")
    unloaded |= {("situation", s) for s in failed_situations}
    unloaded |= {("reply", r) for r in failed_replies}
    # The situations named by replies that did not load: "no reply" would blame them twice.
    for entry in data.get("replies") or []:
        if isinstance(entry, dict) and entry.get("id") in failed_replies:
            unloaded.add(("reply-situation", str(entry.get("situation"))))
    base = head if head is not None else Library.model_validate({})
    library = base.model_copy(update={"situations": situations, "replies": replies})
    _with_source(library, lines)
    return library, diags, unloaded


def load_directory(root: Path) -> tuple[Directory | None, list[Diagnostic], set[tuple[str, str]]]:
    """moderation/escalation.yml (None when absent or unreadable), and what failed to load."""
    if not _present(root / ESCALATION_FILE):
        return None, [], set()
    data, lines, diags = _yaml_file(root, ESCALATION_FILE)
    if data is None and diags:
        return None, diags, {("topic", "*")}
    problems = _mapping(data, lines)
    if problems:
        return None, diags + problems, {("topic", "*")}
    head, more = _top_level(Directory, data, lines, ("topics",))
    diags += more
    failed: set[str] = set()
    topics, more = _entries(Topic, data.get("topics"), lines, "topics", failed)
    diags += more + _duplicates(topics, "topic")
    base = head if head is not None else Directory.model_validate({})
    directory = base.model_copy(update={"topics": topics})
    _with_source(directory, lines)
    unloaded = {("topic", t) for t in failed}
    if head is None:  # a broken `public` list: publish nothing rather than guess
        unloaded.add(("public", "*"))
    return directory, diags, unloaded


def load_moderation(root: Path | str, tz: Any = None) -> tuple[Moderation, list[Diagnostic]]:
    """The three files of moderation/, each optional; every problem as a diagnostic."""
    root = Path(root)
    library, diags, unloaded = load_library(root)
    directory, more, failed_topics = load_directory(root)
    diags += more
    unloaded |= failed_topics
    failed_feedback: set[str] = set()
    feedback, more = _load_list(root, FEEDBACK_FILE, Feedback, tz, failed_feedback)
    diags += more + _duplicates(feedback, "feedback")
    unloaded |= {("feedback", f) for f in failed_feedback}
    diags += _stray_files(root)
    return Moderation(library, directory, tuple(feedback), frozenset(unloaded)), diags


def _stray_files(root: Path) -> list[Diagnostic]:
    """A file of moderation/ that Relais does not read (a typo in its name) is reported."""
    folder = root / "moderation"
    if not folder.is_dir():
        return []
    names = [Path(f).name for f in MODERATION_FILES]
    out = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name in names or path.suffix not in (".yml", ".yaml"):
            continue
        rel = f"moderation/{path.name}"
        out.append(
            error(
                rel,
                1,
                "unknown-file",
                f"Relais does not read {rel}",
                did_you_mean(path.name, names)
                or f"moderation/ holds {', '.join(names)}; rename or move this file",
            )
        )
    return out


LoadCache = dict[Path, tuple[tuple[object, ...], tuple[object, list[Diagnostic]]]]


def _cached(cache: LoadCache | None, path: Path, context: object, read: Any) -> Any:
    """read(), or what it gave last time for this file when the file did not change since
    (same modification time, size and inode): `relais serve` reloads only what was edited."""
    if cache is None:
        return read()
    try:
        st = path.stat()
    except OSError:
        return read()
    stamp = (st.st_mtime_ns, st.st_size, st.st_ino, context)
    hit = cache.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    result = read()
    cache[path] = (stamp, result)
    return result


def load(root: Path | str, cache: LoadCache | None = None) -> Loaded:
    """Load everything; a file that fails is reported and left out, the others still load.

    `cache` (a dict kept by the caller between loads) skips re-reading unchanged posts and
    ambassadors; models are frozen, so sharing them between loads is safe.
    """
    root = Path(root)
    config, diags = load_site_config(root)
    if config is None and not _present(root / CONFIG_FILE):
        return Loaded(None, diags)
    tz = config.site.tz if config is not None else _fallback_tz(root)

    posts: list[Post] = []
    files = post_files(root)
    diags += _same_stem(root, files, "slug")
    for path in files:
        post, more = _cached(cache, path, ("post", str(tz)), lambda: load_post(root, path, tz))  # noqa: B023
        diags += more
        if post is not None:
            posts.append(post)
    for path in _files(root, POSTS_DIR, (".yml", ".yaml", ".txt")):
        diags.append(
            error(
                _rel(root, path),
                1,
                "wrong-extension",
                "posts are Markdown files",
                f"rename it to {path.stem}.md",
            )
        )

    pages: list[Page] = []
    for path in _files(root, PAGES_DIR, (".md",)):
        page, more = load_page(root, path)
        diags += more
        if page is not None:
            pages.append(page)

    # What exists but did not load, so that references to it are not reported a second time.
    failed_key_dates: set[str] = set()
    failed_campaigns: set[str] = set()
    key_dates, more = _load_list(root, KEY_DATES_FILE, KeyDate, tz, failed_key_dates)
    diags += more + _duplicates(key_dates, "key date")
    campaigns, more = _load_list(root, CAMPAIGNS_FILE, Campaign, tz, failed_campaigns)
    diags += more + _duplicates(campaigns, "campaign")
    slots, more = _load_list(root, SLOTS_FILE, Slot, tz)
    diags += more

    ambassadors: list[Ambassador] = []
    failed_ambassadors: set[str] = set()
    ambassador_files = _files(root, AMBASSADORS_DIR, (".yml", ".yaml"))
    diags += _same_stem(root, ambassador_files, "ambassador id")
    for path in ambassador_files:
        amb, more = _cached(cache, path, ("ambassador",), lambda: load_ambassador(root, path))  # noqa: B023
        diags += more
        if amb is not None:
            ambassadors.append(amb)
        else:
            failed_ambassadors.add(path.stem)

    if cache is not None:  # forget the files that are gone
        for gone in set(cache) - set(files) - set(ambassador_files):
            del cache[gone]
    media_ids, more = _media(root)
    diags += more
    dictionary, more = load_dictionary(root)
    diags += more
    moderation, more = load_moderation(root, tz)
    diags += more
    if config is None:
        return Loaded(None, diags)
    for post in posts:
        if post.embargo:
            private = post.__pydantic_private__
            assert private is not None  # a model with private attributes always has them
            private["_neutral"] = neutral_name(post, config.site.embargo_key)
    from .stats.read import read_cached

    stats = read_cached(root, config.stats, config.site.timezone)
    diags += stats.diagnostics
    project = Project(
        root=str(root),
        config=config,
        posts=tuple(posts),
        pages=tuple(pages),
        key_dates=tuple(key_dates),
        campaigns=tuple(campaigns),
        slots=tuple(slots),
        ambassadors=tuple(ambassadors),
        media=frozenset(media_ids),
        media_ids=media_ids,
        images=_images(root, posts, media_ids),
        dictionary=dictionary,
        moderation=moderation,
        unloaded=frozenset(
            [("key_date", i) for i in failed_key_dates]
            + [("campaign", i) for i in failed_campaigns]
            + [("ambassador", i) for i in failed_ambassadors]
        ),
        stats=stats,
    )
    return Loaded(project, diags)
