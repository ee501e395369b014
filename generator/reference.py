"""The content format's reference tables, made from the JSON Schemas, and the MkDocs hook that
puts them into the documentation (mkdocs-docs.yml loads this file through `hooks:`).

A page of docs/ asks for a table with a line of its own:

- `<!-- relais:keys KIND [KEY] -->`: every key of one kind of file (`post`, `site-config`,
  `key-dates`…: the names of `schema.KINDS`), or only those under KEY (`watch`);
- `<!-- relais:files -->`: the kinds of files, where they live and their schema;
- `<!-- relais:networks -->`: the networks Relais knows (`networks.NETWORKS`).

The tables are made at every build from `schema.schemas()`, the same schemas that `relais
schema` writes from the models `relais check` validates with: a key added to a model shows
up in the documentation with its type, default and description, and cannot drift from it.
A marker that names nothing fails the build.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from generator import networks, schema
from generator.model import ID_PATTERN

# How the patterns of the schemas read in a table.
_PATTERNS = {
    schema.DATE_PATTERN: "date",
    schema.DATETIME_PATTERN: "date or date-time",
    schema.TIME_PATTERN: 'time in quotes (`"09:00"`)',
    schema.LANG_PATTERN: "language code",
    schema.COLOR_PATTERN: "colour in quotes",
    schema.SITE_URL_PATTERN: "address (http or https)",
    schema.LINK_PATTERN: "address (http or https)",
}
_NETWORK_IDS = sorted(networks.NETWORKS)
# What stands for a key chosen by the writer, in the key column.
_ANY_NETWORK = "<network>"
_ANY_ID = "<id>"

# How each network's length is counted and what its share button does (networks.Network).
COUNTING = {
    "chars": "characters",
    "x": "weighted: every link counts 23, emoji and CJK characters 2 (after NFC)",
    "threads": "characters; an emoji counts as its UTF-8 bytes",
    "bluesky": "grapheme clusters, and at most the byte limit in UTF-8",
    "mastodon": "characters; every link counts 23, a remote mention `@user@host` as `@user`",
    "none": "no limit",
}
SHARE = {
    "text_url": "opens the network with the text and the link filled in",
    "text": "opens the network with the whole text filled in",
    "url_only": "copies the text, then opens the network's share window with the link "
    "(it takes no text)",
    "email": "opens an e-mail with the post's title as subject and the text as body",
    "none": "no share link: copy the text and download the visual",
}


@dataclass(frozen=True, slots=True)
class Row:
    """One key of a file: its dotted path, its type in words, its default and its meaning."""

    key: str
    type: str
    default: str
    meaning: str
    required: bool = False


class UnknownTable(ValueError):
    """A marker names a kind, a key or a table that does not exist."""


@lru_cache(maxsize=1)
def _schemas() -> dict[str, dict[str, Any]]:
    return {name.removesuffix(".json"): value for name, value in schema.schemas().items()}


class _Walker:
    """Reads one JSON Schema as rows of keys."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.definitions: dict[str, Any] = document.get("definitions", {})

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """The node with its `$ref` (or `allOf: [$ref]`) replaced by the definition."""
        ref = node.get("$ref")
        if ref is None and len(node.get("allOf", [])) == 1 and "$ref" in node["allOf"][0]:
            ref = node["allOf"][0]["$ref"]
        if ref is None:
            return node
        target = self.resolve(self.definitions[ref.removeprefix("#/definitions/")])
        outer = {k: v for k, v in node.items() if k not in ("$ref", "allOf")}
        return {**target, **outer}

    def branches(self, node: dict[str, Any]) -> list[dict[str, Any]]:
        """The forms a value may take, `null` left out (null reads as absent)."""
        node = self.resolve(node)
        if "anyOf" in node:
            found = []
            for branch in node["anyOf"]:
                found += self.branches(branch)
            return found
        kinds = node.get("type")
        if kinds == "null" or kinds == ["null"]:
            return []
        if isinstance(kinds, list) and "null" in kinds:
            return [{**node, "type": [k for k in kinds if k != "null"]}]
        return [node]

    @staticmethod
    def keyed_by_network(node: dict[str, Any]) -> bool:
        keys = sorted(node.get("properties", {}))
        return node.get("type") == "object" and set(_NETWORK_IDS) <= set(keys)

    @staticmethod
    def is_model(node: dict[str, Any]) -> bool:
        return "properties" in node and not _Walker.keyed_by_network(node)

    def describe(self, node: dict[str, Any]) -> str:
        """A value's type in words."""
        forms: list[str] = []
        for branch in self.branches(node):
            text = self._describe_one(branch)
            if text not in forms:
                forms.append(text)
        if "text" in forms and "number" in forms:  # a label written 2026 is read as text
            forms.remove("number")
        return " or ".join(forms) or "nothing"

    def _describe_one(self, node: dict[str, Any]) -> str:
        if "enum" in node:
            if sorted(node["enum"]) == _NETWORK_IDS:
                return "network id"
            return "one of " + ", ".join(f"`{value}`" for value in node["enum"])
        kind = node.get("type")
        if isinstance(kind, list):
            return "text" if "string" in kind else " or ".join(kind)
        if kind == "string":
            if node.get("pattern") == ID_PATTERN.pattern:
                return "id"
            return _PATTERNS.get(node.get("pattern", ""), "text")
        if kind in ("integer", "number"):
            return ("whole number" if kind == "integer" else "number") + _bounds(node)
        if kind == "boolean":
            return "`true` or `false`"
        if kind == "array":
            items = self.describe(node.get("items", {}))
            least = " (at least one)" if node.get("minItems", 0) >= 1 else ""
            return f"list of {_plural(items)}{least}"
        if self.keyed_by_network(node):
            extra = sorted(set(node["properties"]) - set(_NETWORK_IDS))
            keys = " or ".join([*(f"`{k}`" for k in extra), "network id"])
            value = self.describe(node["properties"][_NETWORK_IDS[0]])
            return f"{keys} → {value}"
        if self.is_model(node):
            return "mapping"
        if isinstance(node.get("additionalProperties"), dict):
            return "mapping: key → " + self.describe(node["additionalProperties"])
        return "mapping"

    def rows(self, node: dict[str, Any], prefix: str = "") -> list[Row]:
        """The rows of a model's keys, then of the keys nested in them, depth first."""
        node = self.resolve(node)
        required = set(node.get("required", []))
        found: list[Row] = []
        for key, value in node.get("properties", {}).items():
            path = prefix + key
            found.append(
                Row(
                    path,
                    self.describe(value),
                    _default(value, key in required),
                    _one_line(self.resolve(value).get("description", "")),
                    key in required,
                )
            )
            found += self.nested(value, path)
        return found

    def nested(self, node: dict[str, Any], path: str) -> list[Row]:
        """Rows of the models inside a value: `a.b`, `a.<network>.b`, `a.<id>.b`, `a[].b`."""
        found: list[Row] = []
        for branch in self.branches(node):
            if self.is_model(branch):
                found += self.rows(branch, path + ".")
            elif self.keyed_by_network(branch):
                found += self._inside(
                    branch["properties"][_NETWORK_IDS[0]], f"{path}.{_ANY_NETWORK}"
                )
            elif isinstance(branch.get("additionalProperties"), dict):
                found += self._inside(branch["additionalProperties"], f"{path}.{_ANY_ID}")
            elif branch.get("type") == "array" and "items" in branch:
                found += self._inside(branch["items"], f"{path}[]")
        return found

    def _inside(self, value: dict[str, Any], path: str) -> list[Row]:
        """An entry of a mapping or a list: its own row when it also has a short form."""
        forms = self.branches(value)
        if not any(self.is_model(form) for form in forms):
            return []
        own: list[Row] = []
        if len(forms) > 1:
            meaning = _one_line(self.resolve(value).get("description", ""))
            own = [Row(path, self.describe(value), "—", meaning)]
        return own + self.nested(value, path)


def _plural(kind: str) -> str:
    """'list of ' + this: 'texts', 'network ids', '`mon`, `tue`…'."""
    if kind.startswith("one of "):
        return kind.removeprefix("one of ")
    if kind == "mapping":
        return "entries (keys below)"
    if " or " in kind or "," in kind or "(" in kind:
        return f"entries, each {kind}"
    return kind + "s"


def _bounds(node: dict[str, Any]) -> str:
    low = node.get("minimum")
    above = node.get("exclusiveMinimum")
    high = node.get("maximum")
    parts = []
    if low is not None:
        parts.append(f"from {_number(low)}")
    if above is not None:
        parts.append(f"above {_number(above)}")
    if high is not None:
        parts.append(f"up to {_number(high)}")
    return f", {' '.join(parts)}" if parts else ""


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def _default(node: dict[str, Any], required: bool) -> str:
    if required:
        return "**required**"
    if "default" not in node or node["default"] in (None, [], {}):
        return "—"
    value = node["default"]
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float, str)):
        return f"`{value}`"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    """Text for a Markdown table cell: `<` and `&` shown as written outside code, `|` escaped."""
    parts = text.split("`")
    for i in range(0, len(parts), 2):  # outside code spans
        parts[i] = parts[i].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts).replace("|", "\\|")


def _table(header: tuple[str, ...], lines: Sequence[tuple[str, ...]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    out += ["| " + " | ".join(line) + " |" for line in lines]
    return "\n".join(out)


# --- the tables --------------------------------------------------------------------------------


def kinds() -> tuple[str, ...]:
    """The kinds of files that have a table of keys (`schema.KINDS`' names)."""
    return tuple(kind.name for kind in schema.KINDS)


def rows(kind: str, under: str = "") -> list[Row]:
    """Every key of one kind of file, or those below the dotted key `under`."""
    document = _schemas().get(kind)
    if document is None:
        raise UnknownTable(f"no kind of file named {kind!r}; known: {', '.join(kinds())}")
    walker = _Walker(document)
    root = document.get("items", document)
    found = walker.rows(root)
    if not under:
        return found
    inside = [row for row in found if row.key.startswith(under + ".") or row.key == under]
    if not inside:
        raise UnknownTable(f"{kind} has no key {under!r}")
    return inside


def keys_table(kind: str, under: str = "") -> str:
    """The Markdown table of `rows(kind, under)`."""
    return _table(
        ("key", "type", "default", "meaning"),
        [
            (f"`{row.key}`", _cell(row.type), row.default, _cell(row.meaning))
            for row in rows(kind, under)
        ],
    )


def files_table() -> str:
    """The kinds of content files: where they are, their JSON Schema, what they hold."""
    return _table(
        ("file", "schema", "holds"),
        [
            (f"`{kind.files}`", f"`schemas/{kind.filename}`", _cell(kind.description))
            for kind in schema.KINDS
        ],
    )


def networks_table() -> str:
    """The networks Relais knows, with their length rule and share button."""
    lines = []
    for network in networks.NETWORKS.values():
        limit = "—" if network.limit is None else _number(network.limit)
        if network.byte_limit is not None:
            limit += f" and {_number(network.byte_limit)} bytes"
        fold = "—" if network.fold is None else f"about {_number(network.fold)}"
        lines.append(
            (
                f"`{network.id}`",
                network.label,
                limit,
                fold,
                _cell(COUNTING[network.counting]),
                _cell(SHARE[network.share_kind]),
            )
        )
    return _table(
        ("id", "network", "limit", "“see more” fold", "length counted as", "share button"), lines
    )


_MARKER = re.compile(
    r"^<!-- relais:(?P<table>[\w-]+)(?P<args>(?: [\w.-]+)*) -->[ \t]*$", re.MULTILINE
)


def expand(markdown: str) -> str:
    """The Markdown with every table marker replaced by its table (UnknownTable if one is wrong)."""

    def table(match: re.Match[str]) -> str:
        name, args = match["table"], match["args"].split()
        if name == "keys" and 1 <= len(args) <= 2:
            return keys_table(*args)
        if name == "files" and not args:
            return files_table()
        if name == "networks" and not args:
            return networks_table()
        raise UnknownTable(f"unknown table marker {match.group().strip()!r}")

    return _MARKER.sub(table, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """MkDocs hook: the page's table markers replaced by their tables."""
    from generator.engine import plugin_error  # absolute: MkDocs loads this file by its path

    try:
        return expand(markdown)
    except UnknownTable as exc:
        raise plugin_error(f"{page.file.src_uri}: {exc}") from None
