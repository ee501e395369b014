"""Add themes and feeds to the text of site_config.yml, leaving every other line as it was.

The YAML is composed (not loaded) to find where `watch.themes` and `watch.feeds` end;
new lines are inserted there in the list's own indentation (or before the closing
bracket of a flow collection). The result is loaded again and compared with what
was intended: if anything else changed, nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from .config import Feed


class ConfigEditError(Exception):
    """site_config.yml could not be edited safely; the message says what to add by hand."""


def _feed_data(feed: Feed) -> dict[str, Any]:
    data: dict[str, Any] = {"id": feed.id}
    if feed.name:
        data["name"] = feed.name
    data.update(url=feed.url, theme=feed.theme)
    return data


def _child(node: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None


def _last_mark(node: yaml.Node) -> yaml.Mark:
    """Where the last scalar inside `node` ends (the end of a block node itself may lie after comments)."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node.end_mark


def _after_line(text: str, mark: yaml.Mark) -> int:
    """The index where a new line can start after the line holding `mark`."""
    index = int(mark.index)
    if mark.column == 0 and index > 0:
        return index  # a block scalar's end mark is already at the start of the next line
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _indent(block: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in block.splitlines(keepends=True))


def _dump(data: Any) -> str:
    return str(
        yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
        )
    )


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _insert_in_flow(text: str, node: yaml.Node, items: Sequence[str]) -> tuple[int, str]:
    end = node.end_mark.index - 1
    if text[end] not in "]}":
        raise ConfigEditError("unexpected flow collection")
    empty = not node.value
    return end, ("" if empty else ", ") + ", ".join(items)


def add_to_config(text: str, themes: Mapping[str, str], feeds: Sequence[Feed]) -> str:
    """`text` with `themes` (id → label) added to watch.themes and `feeds` appended to watch.feeds."""
    if not themes and not feeds:
        return text
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        before = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigEditError(f"site_config.yml is not valid YAML: {exc}") from None
    feed_items = [_feed_data(f) for f in feeds]
    edits: list[tuple[int, str]] = []
    if root is None or (isinstance(root, yaml.ScalarNode) and root.value == ""):
        new_text = text + ("" if text.endswith("\n") or not text else "\n")
        return new_text + _dump({"watch": {"themes": dict(themes), "feeds": feed_items}})
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise ConfigEditError("site_config.yml is not a block mapping of sections")
    found = _child(root, "watch")
    section: dict[str, Any] = {}
    if themes:
        section["themes"] = dict(themes)
    if feed_items:
        section["feeds"] = feed_items
    if found is None:
        prefix = "" if text.endswith("\n") or not text else "\n"
        edits.append((len(text), prefix + _dump({"watch": section})))
    else:
        key, watch = found
        if (
            isinstance(watch, yaml.ScalarNode)
            and watch.value in ("", "~", "null")
            and not watch.style
        ):
            if watch.value:
                raise ConfigEditError("watch: is null; replace it with the new section by hand")
            edits.append(
                (
                    _after_line(text, key.end_mark),
                    _indent(_dump(section), key.start_mark.column + 2),
                )
            )
        elif not isinstance(watch, yaml.MappingNode) or watch.flow_style:
            raise ConfigEditError("watch: is not written as an indented block")
        else:
            column = (
                watch.value[0][0].start_mark.column if watch.value else key.start_mark.column + 2
            )
            edits += _edits_for(text, watch, "themes", dict(themes), column)
            edits += _edits_for(text, watch, "feeds", feed_items, column)
    new_text = text
    # From the end, so earlier indexes stay valid; at one index, the later edit goes in first
    # and the earlier one in front of it, keeping themes before feeds.
    for _seq, (index, insert) in sorted(
        enumerate(edits), key=lambda e: (e[1][0], e[0]), reverse=True
    ):
        new_text = new_text[:index] + insert + new_text[index:]
    _verify(before, new_text, themes, feed_items)
    return new_text


def _edits_for(
    text: str, watch: yaml.MappingNode, key: str, items: Any, column: int
) -> list[tuple[int, str]]:
    if not items:
        return []
    found = _child(watch, key)
    if found is None:
        return [(_after_line(text, _last_mark(watch)), _indent(_dump({key: items}), column))]
    key_node, node = found
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null") and node.style is None:
        # `feeds:` with nothing after it: put the block under the key.
        if node.value:
            raise ConfigEditError(f"watch.{key} is null; write the entries by hand")
        return [(_after_line(text, key_node.end_mark), _indent(_dump(items), column + 2))]
    if key == "themes" and isinstance(node, yaml.MappingNode):
        if node.flow_style:
            return [_insert_in_flow(text, node, [f"{k}: {_flow(v)}" for k, v in items.items()])]
        inner = node.value[0][0].start_mark.column if node.value else column + 2
        return [(_after_line(text, _last_mark(node)), _indent(_dump(items), inner))]
    if key == "feeds" and isinstance(node, yaml.SequenceNode):
        if node.flow_style:
            return [_insert_in_flow(text, node, [_flow(i) for i in items])]
        first = node.value[0].start_mark if node.value else None
        if first is not None:
            line_start = text.rfind("\n", 0, first.index) + 1
            dash = text.rfind("-", line_start, first.index)
            inner = dash - line_start if dash >= 0 else column
        else:
            inner = column
        return [(_after_line(text, _last_mark(node)), _indent(_dump(items), inner))]
    raise ConfigEditError(f"watch.{key} has an unexpected form")


def _verify(
    before: Any, new_text: str, themes: Mapping[str, str], feed_items: list[dict[str, Any]]
) -> None:
    try:
        after = yaml.safe_load(new_text)
    except yaml.YAMLError as exc:
        raise ConfigEditError(f"the edit would break the YAML ({exc})") from None
    expected = dict(before) if isinstance(before, dict) else {}
    watch = dict(expected.get("watch") or {})
    old_themes = watch.get("themes") or {}
    watch_themes = {**old_themes, **themes} if themes or "themes" in watch else None
    if watch_themes is not None:
        watch["themes"] = watch_themes
    if feed_items or "feeds" in watch:
        watch["feeds"] = list(watch.get("feeds") or []) + feed_items
    expected["watch"] = watch
    if after != expected:
        raise ConfigEditError("the edit would change more than the watch feeds")
