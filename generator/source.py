"""Reading content files safely: bytes to text, YAML to plain data with a line for every value.

Everything here returns diagnostics instead of raising: a content file written by a
colleague, however broken, must never stop the checker or print a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import memo
from .diagnostics import Diagnostic, error

try:  # libyaml's composer is several times faster and keeps the same marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 2 * 1024 * 1024
# A YAML alias can point at a large node; past this many values we stop expanding
# (a "billion laughs" document would otherwise take minutes and gigabytes).
MAX_YAML_VALUES = 200_000
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Lines:
    """The line of each value of a YAML document, by its path of keys and indexes.

    `spans` holds where each text value is written (start and end index in `text`, the YAML
    document, whose first line is line `offset + 1` of the file): checks that point inside a
    text (a misspelt word in a folded paragraph) find the exact line and column there.
    """

    file: str
    root: int = 1
    by_path: Mapping[Path_, int] = field(default_factory=dict)
    spans: Mapping[Path_, tuple[int, int]] = field(default_factory=dict)
    text: str = ""
    offset: int = 0

    def of(self, path: Path_ = ()) -> int:
        """The line of `path`, or of its nearest parent that has one."""
        path = tuple(path)
        while path:
            if path in self.by_path:
                return self.by_path[path]
            path = path[:-1]
        return self.by_path.get((), self.root)

    def sub(self, prefix: Path_, root: int | None = None) -> Lines:
        """The lines of the value at `prefix`, with paths relative to it (an entry of a list file)."""
        n = len(prefix)
        return Lines(
            self.file,
            self.of(prefix) if root is None else root,
            {k[n:]: v for k, v in self.by_path.items() if k[:n] == prefix},
            {k[n:]: v for k, v in self.spans.items() if k[:n] == prefix},
            self.text,
            self.offset,
        )

    def position(self, index: int) -> tuple[int, int]:
        """The file's line and column (both from 1) of a character of `text`."""
        line_start = self.text.rfind("\n", 0, index) + 1
        return self.offset + self.text.count("\n", 0, index) + 1, index - line_start + 1


def read_text(
    path: Path, rel: str, max_bytes: int = MAX_FILE_BYTES
) -> tuple[str | None, list[Diagnostic]]:
    """The text of a file as UTF-8 without BOM and with \\n line endings, or a diagnostic."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, [
                error(
                    rel,
                    1,
                    "file-too-large",
                    f"file is {size / 1024 / 1024:.1f} MB, more than the {max_bytes // 1024 // 1024} MB "
                    "Relais reads",
                    "split the content into smaller files, or move large media out of the text",
                )
            ]
        data = path.read_bytes()
    except OSError as exc:
        return None, [
            error(
                rel,
                1,
                "unreadable",
                f"cannot read the file: {exc.strerror or exc}",
                "check that the file exists and that you may read it",
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            error(
                rel,
                line,
                "encoding",
                f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                'save the file as UTF-8 in your editor ("Save with encoding" > UTF-8)',
            )
        ]
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, []


_TAB_HINT = "YAML indentation uses spaces only: replace the tab with spaces"


def _syntax_diagnostic(
    exc: yaml.YAMLError, rel: str, line_offset: int, text: str = ""
) -> Diagnostic:
    """A YAML syntax error at the line where the broken construct starts (an unclosed
    bracket or quote is reported where it was opened, not where the parser gave up)."""
    mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None) or ""
    where = mark or context_mark
    detail = ""
    another_document = "another document" in problem
    # Only an unclosed bracket or quote is worth reporting where it opened: the context of
    # other errors (a "block mapping") starts at the top of the file, far from the mistake.
    unclosed = any(k in context for k in ("flow sequence", "flow mapping", "quoted scalar"))
    if context_mark is not None and mark is not None and context_mark.line < mark.line and unclosed:
        detail = f", noticed on line {mark.line + 1 + line_offset}"
        where = context_mark
    line = (where.line + 1 if where is not None else 1) + line_offset
    column = where.column + 1 if where is not None else 0
    if "maximum nesting depth" in problem:
        # libyaml 0.2.6 (PyYAML 6.0.4 wheels) stops at 1,000 levels itself; below that,
        # _measure() refuses anything past MAX_DEPTH. Both are the same mistake for the user.
        code, message, hint = _REFUSED["deep"]
        return error(rel, line, code, message, hint, column)
    message = f"YAML syntax error: {problem}" + (f" ({context}{detail})" if context else detail)
    hint = "check the indentation and the quotes on this line and the one above"
    source_lines = text.split("\n")
    near = source_lines[max(mark.line - 1, 0) : mark.line + 1] if mark is not None else []
    if another_document:
        hint = "a file holds one YAML document: remove this '---' line (in a list, start each entry with '- ')"
    elif "\t" in problem or any(re.match(r"^ *\t", ln) for ln in near):
        hint = _TAB_HINT
    elif "mapping values are not allowed" in problem:
        hint = 'a value containing ": " must be quoted, for example title: "Ici : là"'
    elif "found character '@'" in problem or "found character '`'" in problem:
        hint = "a value starting with @ or ` must be quoted"
    elif context and ("flow sequence" in context or "flow mapping" in context):
        hint = "close the bracket on the same value, or quote the text if it is not a list"
    elif context and "quoted scalar" in context:
        hint = "close the quote, or use the other kind of quote around text that contains one"
    return error(rel, line, "yaml-syntax", message, hint, column)


class _TooLarge(Exception):
    pass


class _TooDeep(Exception):
    pass


# YAML 1.1 printable characters (libyaml refuses the others with an unhelpful position).
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "seq", "map", "merge", "timestamp")
}


def _control_character(text: str, rel: str, line_offset: int) -> Diagnostic | None:
    """A diagnostic at the first character YAML does not accept (NUL, BEL, ...), if any."""
    m = _NOT_PRINTABLE.search(text)
    if m is None:
        return None
    line = text.count("\n", 0, m.start()) + 1 + line_offset
    column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    return error(
        rel,
        line,
        "yaml-syntax",
        f"the file contains an invisible control character (U+{ord(m.group()):04X})",
        "delete it (it was probably pasted from another program) and save the file again",
        column,
    )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _measure(root: yaml.Node) -> tuple[str, yaml.Node] | None:
    """Refuse a document before building it: too deep, an alias inside itself, or more values
    than MAX_YAML_VALUES once aliases are expanded. Aliases share nodes, so sizes are memoised
    per node and a "billion laughs" is measured in a time linear in its text, never expanded."""
    sizes: dict[int, int] = {}
    ancestors: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            ancestors.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_YAML_VALUES:
                # Without aliases every value is its own node: then the file is simply too big.
                return ("large" if len(sizes) <= MAX_YAML_VALUES else "huge"), node
            continue
        if key in sizes:
            continue
        if key in ancestors:
            return "recursive", node
        if depth > MAX_DEPTH:
            return "deep", node
        children = _children(node)
        if not children:
            sizes[key] = 1
            continue
        ancestors.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in reversed(children))
    return None


_REFUSED = {
    "large": (
        "yaml-too-large",
        f"this value expands to more than {MAX_YAML_VALUES:,} values through YAML aliases (a 'billion laughs'?)",
        "write the values out instead of repeating anchors (&name) with aliases (*name)",
    ),
    "huge": (
        "yaml-too-large",
        f"the file holds more than {MAX_YAML_VALUES:,} values",
        "split it into several smaller files",
    ),
    "recursive": (
        "yaml-too-large",
        "this YAML alias refers to a value that contains it, so it never ends",
        "remove the alias (*name) or point it at another anchor",
    ),
    "deep": (
        "yaml-too-deep",
        f"the YAML is nested more than {MAX_DEPTH} levels deep",
        "close the brackets and flatten the structure: content files need only a few levels",
    ),
}


class _Builder:
    """Turns composed YAML nodes into plain Python values, keeping each value's line."""

    _NULL = frozenset({"", "~", "null", "Null", "NULL"})

    def __init__(self, rel: str, line_offset: int) -> None:
        self.rel = rel
        self.offset = line_offset
        self.lines: dict[Path_, int] = {}
        self.spans: dict[Path_, tuple[int, int]] = {}
        self.diagnostics: list[Diagnostic] = []
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()
        self.active: set[int] = set()

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1 + self.offset

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if len(path) > MAX_DEPTH:
            raise _TooDeep(node)
        if self.count > MAX_YAML_VALUES:
            raise _TooLarge(node)
        if id(node) in self.active:
            raise _TooLarge(node)  # an alias that contains itself
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.diagnostics.append(
                error(
                    self.rel,
                    self.line(node),
                    "yaml-tag",
                    f"the YAML tag '{tag}' is not supported",
                    "remove the tag: content files hold plain text, numbers, true/false, lists and mappings",
                )
            )
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node)
            if isinstance(value, str):
                self.spans[path] = (node.start_mark.index, node.end_mark.index)
            return value
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                items = []
                for i, item in enumerate(node.value):
                    self.lines[path + (i,)] = self.line(item)
                    items.append(self.build(item, path + (i,)))
                return items
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            raise TypeError(f"a YAML node of an unknown kind: {node!r}")  # the parser makes none
        finally:
            self.active.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        seen: dict[Any, int] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if len(path) >= MAX_DEPTH:
                raise _TooDeep(key_node)  # where _measure finds it: the key comes before its value
            if key_node.tag == "tag:yaml.org,2002:merge":
                source = self.build(value_node, path)
                for part in source if isinstance(source, list) else [source]:
                    if isinstance(part, dict):
                        for k, v in part.items():
                            merged.setdefault(k, v)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.diagnostics.append(
                    error(
                        self.rel,
                        self.line(key_node),
                        "yaml-key",
                        "a key must be a plain word, not a list or a mapping",
                        "write the key as a word followed by ':', e.g. title: …",
                    )
                )
                continue
            key = self.scalar(key_node)
            if isinstance(key, bool) or key is None:
                key = key_node.value  # `on:`/`no:`/`null:` as keys are names, not booleans
            key_line = self.line(key_node)
            if key in seen:
                self.diagnostics.append(
                    error(
                        self.rel,
                        key_line,
                        "duplicate-key",
                        f"key '{key}' appears twice in the same mapping (first on line {seen[key]})",
                        "keep one of them: YAML would silently keep only the last",
                    )
                )
                continue
            seen[key] = key_line
            self.lines[path + (key,)] = key_line
            result[key] = self.build(value_node, path + (key,))
        for k, v in merged.items():
            result.setdefault(k, v)
        return result

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        value = node.value
        if node.style or tag == "tag:yaml.org,2002:str":
            return value
        if tag == "tag:yaml.org,2002:null" or value in self._NULL:
            return None
        if tag == "tag:yaml.org,2002:bool":
            return self.constructor.construct_yaml_bool(node)
        # "09:00" would be a base-60 integer in YAML 1.1 and "2026-12-03" a date: we keep
        # such values as written and let the models parse them with clear messages.
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and ":" not in value:
            try:
                if tag == "tag:yaml.org,2002:int":
                    return self.constructor.construct_yaml_int(node)
                return self.constructor.construct_yaml_float(node)
            except (ValueError, yaml.YAMLError):
                return value
        return value


@dataclass(frozen=True, slots=True)
class Parsed:
    data: Any
    lines: Lines
    diagnostics: list[Diagnostic]


def parse_yaml(text: str, rel: str, line_offset: int = 0) -> Parsed:
    """Parse one YAML document into plain data (dates stay strings), with lines and diagnostics.

    A document parsed cleanly is kept in the `yaml` memo (memo.py) under its text and line
    offset: loading 2,000 posts spends most of its time composing and walking YAML nodes,
    and a day's edit changes a handful of them. A document with anchors, a key that is not a
    text, or a diagnostic is parsed each time (its answer is not plain enough to keep)."""
    kept = memo.memo("yaml") if "&" not in text else None
    if kept is None:
        return _parse_yaml(text, rel, line_offset)
    entry_key = kept.key((text, str(line_offset)))
    hit, value = kept.get(entry_key)
    if hit:
        try:
            return _decode(value, text, rel, line_offset)
        except (TypeError, ValueError, KeyError, IndexError):
            kept.drop(entry_key)  # not what _encode writes: parsed again
    parsed = _parse_yaml(text, rel, line_offset)
    encoded = _encode(parsed)
    if encoded is not None:
        kept.put(entry_key, encoded)
    return parsed


def _encode(parsed: Parsed) -> str | None:
    """A clean parse as JSON text, or None when JSON would not give it back exactly."""
    if parsed.diagnostics or parsed.data is None or not _json_exact(parsed.data):
        return None
    lines = parsed.lines
    return json.dumps(
        [
            parsed.data,
            lines.root,
            [[list(path), line] for path, line in lines.by_path.items()],
            [[list(path), a, b] for path, (a, b) in lines.spans.items()],
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _json_exact(value: Any) -> bool:
    """Whether JSON gives `value` back with the same types: text keys only (YAML's `1:` or
    `1.5:` keys would come back as texts), and no value JSON cannot write."""
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and _json_exact(v) for k, v in value.items())
    if kind is list:
        return all(_json_exact(v) for v in value)
    return kind in (str, int, float, bool) or value is None


def _decode(value: Any, text: str, rel: str, line_offset: int) -> Parsed:
    if type(value) is not str:
        raise ValueError("not a kept document")
    data, root, by_path, spans = json.loads(value)
    if type(root) is not int or data is None:
        raise ValueError("not a kept document")
    # Loops rather than a helper per value: 2,000 posts have 100,000 paths to check.
    paths: dict[Path_, int] = {}
    for parts, line in by_path:
        if type(line) is not int:
            raise ValueError("not a line")
        paths[_path(parts)] = line
    where: dict[Path_, tuple[int, int]] = {}
    for parts, a, b in spans:
        if type(a) is not int or type(b) is not int:
            raise ValueError("not a span")
        where[_path(parts)] = (a, b)
    return Parsed(data, Lines(rel, root, paths, where, text, line_offset), [])


def _path(parts: Any) -> Path_:
    if type(parts) is not list:
        raise ValueError("not a path")
    for part in parts:
        if type(part) is not str and type(part) is not int:
            raise ValueError("not a path")
    return tuple(parts)


def _parse_yaml(text: str, rel: str, line_offset: int) -> Parsed:
    root_line = 1 + line_offset
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError:
        control = _control_character(text, rel, line_offset)
        if control is None:
            raise
        return Parsed(None, Lines(rel, root_line), [control])
    except yaml.YAMLError as exc:
        return Parsed(
            None, Lines(rel, root_line), [_syntax_diagnostic(exc, rel, line_offset, text)]
        )
    except (ValueError, RecursionError) as exc:  # libyaml refuses some control characters
        return Parsed(
            None,
            Lines(rel, root_line),
            [
                error(
                    rel,
                    root_line,
                    "yaml-syntax",
                    f"YAML error: {exc}",
                    "check the indentation and the quotes of this file",
                )
            ],
        )
    if node is None:
        return Parsed(None, Lines(rel, root_line), [])
    # Without an anchor there is no alias, and a short text cannot hold MAX_YAML_VALUES values:
    # then only the depth can be refused, and the builder, which walks the nodes in the same
    # order as _measure, refuses it at the same node. Most files skip the measure.
    plain = "&" not in text and len(text) < MAX_YAML_VALUES // 4
    refused = None if plain else _measure(node)
    if refused is not None:
        kind, where = refused
        code, message, hint = _REFUSED[kind]
        return Parsed(
            None,
            Lines(rel, root_line),
            [error(rel, where.start_mark.line + 1 + line_offset, code, message, hint)],
        )
    builder = _Builder(rel, line_offset)
    try:
        data = builder.build(node, ())
    except _TooDeep as exc:
        code, message, hint = _REFUSED["deep"]
        return Parsed(
            None,
            Lines(rel, root_line),
            [error(rel, builder.line(exc.args[0]), code, message, hint)],
        )
    except (_TooLarge, RecursionError) as exc:
        line = (
            builder.line(exc.args[0])
            if exc.args and isinstance(exc.args[0], yaml.Node)
            else root_line
        )
        return Parsed(
            None,
            Lines(rel, root_line),
            [
                error(
                    rel,
                    line,
                    "yaml-too-large",
                    "the YAML expands to too many values (anchors and aliases used as a 'billion laughs' bomb?)",
                    "write the values out instead of repeating large anchors with aliases",
                )
            ],
        )
    builder.lines[()] = builder.line(node)
    lines = Lines(rel, builder.line(node), builder.lines, builder.spans, text, line_offset)
    return Parsed(data, lines, builder.diagnostics)


_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_END = re.compile(r"^(---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    yaml_text: str | None
    body: str
    body_line: int
    diagnostics: list[Diagnostic]


def split_front_matter(text: str, rel: str) -> FrontMatter:
    """Split `---\\n yaml \\n---\\n body`; the YAML starts on line 2 of the file."""
    if not text.strip():
        return FrontMatter(
            None,
            "",
            1,
            [
                error(
                    rel,
                    1,
                    "empty-file",
                    "the file is empty",
                    "start with a front matter block between two '---' lines",
                )
            ],
        )
    if not _FENCE.match(text):
        return FrontMatter(
            None,
            text,
            1,
            [
                error(
                    rel,
                    1,
                    "front-matter-missing",
                    "the file does not start with a front matter block",
                    "put '---' on the first line, the fields (title, date, networks…), then '---'",
                )
            ],
        )
    first_nl = text.find("\n")
    if first_nl < 0:
        first_nl = len(text)
    end = _END.search(text, first_nl + 1) if first_nl < len(text) else None
    if end is None:
        return FrontMatter(
            None,
            "",
            1,
            [
                error(
                    rel,
                    1,
                    "front-matter-unclosed",
                    "the front matter opened on line 1 is never closed",
                    "add a line with only '---' after the last field",
                )
            ],
        )
    yaml_text = text[first_nl + 1 : end.start()]
    body_start = end.end() + 1
    body_line = text.count("\n", 0, min(body_start, len(text))) + 1
    return FrontMatter(yaml_text, text[body_start:], body_line, [])
