"""Stage 1: read a content repository into typed models, with a diagnostic for every problem."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, did_you_mean, error
from .model import (
    ID_HINT,
    ID_PATTERN,
    Ambassador,
    Campaign,
    Frozen,
    KeyDate,
    Page,
    Post,
    Project,
    SiteConfig,
    Slot,
)
from .source import Lines, parse_yaml, read_text, split_front_matter

CONFIG_FILE = "site_config.yml"
POSTS_DIR = "content/posts"
PAGES_DIR = "content/pages"
MEDIA_DIR = "content/media"
KEY_DATES_FILE = "calendar/key-dates.yml"
CAMPAIGNS_FILE = "calendar/campaigns.yml"
SLOTS_FILE = "calendar/slots.yml"
AMBASSADORS_DIR = "ambassadors"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Loaded:
    project: Project | None
    diagnostics: list[Diagnostic]


# --- pydantic errors to diagnostics -----------------------------------------------------------


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that holds the last key of `loc`, to suggest its field names."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next(
                (f for name, f in current.model_fields.items() if name == part or f.alias == part), None
            )
            if field is None:
                return None
            current = field.annotation
        # Unwrap Optional[...], dict[str, X], list[X] down to a model.
        for _ in range(4):
            origin = get_origin(current)
            if origin is None:
                break
            args = [a for a in get_args(current) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            current = models[0] if models else (args[-1] if args else None)
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
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


def validation_diagnostics(exc: ValidationError, model: type[BaseModel], lines: Lines) -> list[Diagnostic]:
    """One diagnostic per pydantic error, at the line of the value concerned."""
    out: list[Diagnostic] = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))]
        # pydantic adds union branch names (e.g. 'str', 'list[str]') to loc: drop them.
        loc = [p for p in loc if not (isinstance(p, str) and p in {"str", "list[str]", "dict[str,any]"})]
        kind = err["type"]
        where = _dotted(loc)
        line = lines.of(tuple(loc))
        value = err.get("input")
        if kind == "missing":
            out.append(
                error(lines.file, lines.of(tuple(loc[:-1])), "missing-field", f"required field '{where}' is missing",
                      f"add a line '{loc[-1]}: …'")
            )
        elif kind == "extra_forbidden":
            key = str(loc[-1])
            hint = did_you_mean(key, _field_names(_model_at(model, loc[:-1])))
            known = ", ".join(_field_names(_model_at(model, loc[:-1])))
            out.append(
                error(lines.file, line, "unknown-field", f"unknown field '{where}'",
                      hint or (f"known fields here: {known}" if known else "remove it"))
            )
        elif kind == "relais_id":
            out.append(error(lines.file, line, "invalid-id", f"{where}: {err['msg']}", ID_HINT))
        elif kind == "literal_error" or kind == "enum":
            expected = err.get("ctx", {}).get("expected", "")
            choices = re.findall(r"'([^']*)'", expected)
            hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
            out.append(
                error(lines.file, line, "invalid-value", f"{where}: '{value}' is not allowed",
                      hint or f"use one of: {', '.join(choices) or expected}")
            )
        elif kind.startswith("relais_"):
            msg = err["msg"]
            code = kind.removeprefix("relais_").replace("_", "-")
            hints = {
                "date": "write dates as YYYY-MM-DD, e.g. 2026-12-03",
                "datetime": "write a local date-time as YYYY-MM-DDTHH:MM, e.g. 2026-12-03T09:30",
                "timezone": "use an IANA time zone name such as Europe/Paris",
                "str": "put the value in quotes if it is text, e.g. title: \"2026\"",
                "missing-date": "add 'date: YYYY-MM-DDTHH:MM', or set 'status: idea'",
                "url": "write the full address, starting with https://",
                "time": "write the time in quotes as \"HH:MM\"",
                "text-or-list": "write one text in quotes, or a list of texts, one per line starting with '- '",
            }
            out.append(error(lines.file, line, f"invalid-{code}" if not code.startswith("missing") else code,
                             f"{where}: {msg}" if where else msg, hints.get(code, "")))
        else:
            kind_names = {
                "list_type": "a list like [a, b]",
                "dict_type": "a mapping of keys and values",
                "model_type": "a mapping of keys and values",
                "bool_type": "true or false",
                "bool_parsing": "true or false",
                "int_type": "a whole number",
                "int_parsing": "a whole number",
                "float_parsing": "a number",
                "float_type": "a number",
                "string_type": "text",
                "too_short": "at least one item",
            }
            expected = kind_names.get(kind)
            msg = f"{where}: expected {expected}" if expected else f"{where}: {err['msg']}"
            hint = "check the value's type" if expected else ""
            if kind == "too_short":
                msg = f"{where}: must not be empty"
                hint = "add at least one item, e.g. networks: [linkedin]"
            out.append(error(lines.file, line, "invalid-type" if expected else "invalid-value",
                             msg.removeprefix(": "), hint))
    return out


def validate(model: type[M], data: Any, lines: Lines, tz: Any = None) -> tuple[M | None, list[Diagnostic]]:
    """Validate plain data into a frozen model that remembers its source lines."""
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {type(data).__name__}"
        return None, [
            error(lines.file, lines.root, "not-a-mapping", f"expected a mapping of fields, but the content is {what}",
                  "write one 'field: value' per line")
        ]
    try:
        obj = model.model_validate(data, context={"tz": tz})
    except ValidationError as exc:
        return None, validation_diagnostics(exc, model, lines)
    except (ValueError, TypeError, OverflowError) as exc:  # a validator beyond our own messages
        return None, [error(lines.file, lines.root, "invalid-value", str(exc))]
    _attach(obj, lines)
    return obj, []


def _attach(obj: Any, lines: Lines, path: tuple[str | int, ...] = ()) -> None:
    """Give every nested model its source: the same file, with paths relative to it."""
    if isinstance(obj, Frozen):
        sub = Lines(lines.file, lines.of(path), {k[len(path):]: v for k, v in lines.by_path.items() if k[: len(path)] == path})
        obj.__pydantic_private__["_src"] = sub
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


def _yaml_file(root: Path, rel: str) -> tuple[Any, Lines, list[Diagnostic]]:
    text, diags = read_text(root / rel, rel)
    if text is None:
        return None, Lines(rel), diags
    parsed = parse_yaml(text, rel)
    return parsed.data, parsed.lines, diags + parsed.diagnostics


def _stem_id(rel: str, stem: str, what: str) -> list[Diagnostic]:
    if ID_PATTERN.match(stem):
        return []
    return [error(rel, 1, "invalid-filename", f"'{stem}' is not a valid {what} (the file name is the {what})",
                  f"rename the file: {ID_HINT}")]


def load_site_config(root: Path | str) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Read and validate site_config.yml alone (the watch commands need nothing else)."""
    root = Path(root)
    if not (root / CONFIG_FILE).is_file():
        return None, [error(CONFIG_FILE, 1, "no-config", f"no {CONFIG_FILE} in {root.resolve()}",
                            "run relais in the root of a content repository, or pass --root")]
    data, lines, diags = _yaml_file(root, CONFIG_FILE)
    if diags and data is None:
        return None, diags
    config, more = validate(SiteConfig, data, lines)
    return config, diags + more


def _load_list(root: Path, rel: str, model: type[M], tz: Any) -> tuple[list[M], list[Diagnostic]]:
    if not (root / rel).is_file():
        return [], []
    data, lines, diags = _yaml_file(root, rel)
    if data is None:
        return [], diags
    if not isinstance(data, list):
        return [], diags + [error(rel, lines.root, "not-a-list", "expected a list of entries, each starting with '- id: …'",
                                  "start each entry with '- ' at the beginning of the line")]
    items: list[M] = []
    for i, entry in enumerate(data):
        sub = Lines(rel, lines.of((i,)), {k[1:]: v for k, v in lines.by_path.items() if k[:1] == (i,)})
        obj, more = validate(model, entry, sub, tz)
        diags += more
        if obj is not None:
            items.append(obj)
    return items, diags


def _duplicates(items: Iterable[Any], what: str) -> list[Diagnostic]:
    seen: dict[str, Any] = {}
    out = []
    for item in items:
        if item.id in seen:
            first = seen[item.id]
            out.append(error(item.src.file, item.src.root, "duplicate-id",
                             f"{what} id '{item.id}' is already defined in {first.src.file}:{first.src.root}",
                             "give each entry its own id"))
        else:
            seen[item.id] = item
    return out


def load_post(root: Path, path: Path, tz: Any) -> tuple[Post | None, list[Diagnostic]]:
    rel = _rel(root, path)
    diags = _stem_id(rel, path.stem, "slug")
    text, more = read_text(path, rel)
    if text is None:
        return None, diags + more
    fm = split_front_matter(text, rel)
    if fm.yaml_text is None:
        return None, diags + fm.diagnostics
    parsed = parse_yaml(fm.yaml_text, rel, line_offset=1)
    diags += parsed.diagnostics
    if parsed.data is None and not parsed.diagnostics:
        return None, diags + [error(rel, 2, "empty-front-matter", "the front matter is empty",
                                    "add at least title, date and networks")]
    if parsed.data is None:
        return None, diags
    post, more = validate(Post, parsed.data, parsed.lines, tz)
    if post is not None:
        post.__pydantic_private__.update(_slug=path.stem, _body=fm.body, _body_line=fm.body_line)
    # A post whose file name is not a valid slug is reported and left out: its URL would be unsafe.
    return (post if ID_PATTERN.match(path.stem) else None), diags + more


def load_page(root: Path, path: Path) -> tuple[Page | None, list[Diagnostic]]:
    rel = _rel(root, path)
    text, diags = read_text(path, rel)
    if text is None:
        return None, diags
    title = None
    body = text
    if text.startswith("---"):
        fm = split_front_matter(text, rel)
        if fm.yaml_text is None:
            return None, fm.diagnostics
        parsed = parse_yaml(fm.yaml_text, rel, line_offset=1)
        diags += parsed.diagnostics
        if isinstance(parsed.data, dict):
            unknown = [k for k in parsed.data if k not in ("title",)]
            for k in unknown:
                diags.append(error(rel, parsed.lines.of((k,)), "unknown-field", f"unknown field '{k}'",
                                   "a page's front matter only takes 'title'"))
            if isinstance(parsed.data.get("title"), str):
                title = parsed.data["title"]
        body = fm.body
    if title is None:
        m = re.search(r"^#\s+(.+?)\s*#*\s*$", body, re.MULTILINE)
        title = m.group(1) if m else path.stem.replace("-", " ").capitalize()
    return Page(path.stem, title, body, rel), diags + _stem_id(rel, path.stem, "page slug")


def load_ambassador(root: Path, path: Path) -> tuple[Ambassador | None, list[Diagnostic]]:
    rel = _rel(root, path)
    data, lines, diags = _yaml_file(root, rel)
    diags = _stem_id(rel, path.stem, "ambassador id") + diags
    if data is None and diags:
        return None, diags
    amb, more = validate(Ambassador, data, lines)
    if amb is not None:
        amb.__pydantic_private__["_id"] = path.stem
    return (amb if ID_PATTERN.match(path.stem) else None), diags + more


def _files(root: Path, folder: str, suffixes: tuple[str, ...]) -> list[Path]:
    base = root / folder
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.suffix in suffixes and p.is_file() and not p.name.startswith("."))


def _media(root: Path) -> frozenset[str]:
    base = root / MEDIA_DIR
    if not base.is_dir():
        return frozenset()
    return frozenset(p.relative_to(root / "content").as_posix() for p in base.rglob("*") if p.is_file())


def _fallback_tz(root: Path) -> Any:
    """The zone to read dates in when site_config.yml is broken, so other files still get checked."""
    from zoneinfo import ZoneInfo

    data, _, _ = _yaml_file(root, CONFIG_FILE) if (root / CONFIG_FILE).is_file() else (None, None, None)
    try:
        return ZoneInfo(data["site"]["timezone"])
    except Exception:  # noqa: BLE001 - any broken shape falls back to UTC
        return ZoneInfo("UTC")


def load(root: Path | str) -> Loaded:
    """Load everything; a file that fails is reported and left out, the others still load."""
    root = Path(root)
    config, diags = load_site_config(root)
    if config is None and not (root / CONFIG_FILE).is_file():
        return Loaded(None, diags)
    tz = config.site.tz if config is not None else _fallback_tz(root)

    posts: list[Post] = []
    for path in _files(root, POSTS_DIR, (".md", ".markdown")):
        post, more = load_post(root, path, tz)
        diags += more
        if post is not None:
            posts.append(post)
    for path in _files(root, POSTS_DIR, (".yml", ".yaml", ".txt")):
        diags.append(error(_rel(root, path), 1, "wrong-extension", "posts are Markdown files",
                           f"rename it to {path.stem}.md"))

    pages: list[Page] = []
    for path in _files(root, PAGES_DIR, (".md",)):
        page, more = load_page(root, path)
        diags += more
        if page is not None:
            pages.append(page)

    key_dates, more = _load_list(root, KEY_DATES_FILE, KeyDate, tz)
    diags += more + _duplicates(key_dates, "key date")
    campaigns, more = _load_list(root, CAMPAIGNS_FILE, Campaign, tz)
    diags += more + _duplicates(campaigns, "campaign")
    slots, more = _load_list(root, SLOTS_FILE, Slot, tz)
    diags += more

    ambassadors: list[Ambassador] = []
    for path in _files(root, AMBASSADORS_DIR, (".yml", ".yaml")):
        amb, more = load_ambassador(root, path)
        diags += more
        if amb is not None:
            ambassadors.append(amb)

    if config is None:
        return Loaded(None, diags)
    project = Project(
        root=str(root),
        config=config,
        posts=tuple(posts),
        pages=tuple(pages),
        key_dates=tuple(key_dates),
        campaigns=tuple(campaigns),
        slots=tuple(slots),
        ambassadors=tuple(ambassadors),
        media=_media(root),
    )
    return Loaded(project, diags)
