"""The content format's tables of keys: every key of every model, with its type, default and a
description, and markers that fail loudly when they name nothing.

The keys are found here from the pydantic models themselves, apart from the JSON Schemas the
tables are made from: a key that the schema walk would miss, or a new model no table shows,
fails these tests.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from generator import reference, schema


def _models_in(annotation: Any, path: str) -> Iterator[tuple[type[BaseModel], str]]:
    """The models a field holds, with the path of their keys: `a.`, `a.*.`, `a[].`."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        yield from _models_in(args[0], path)
    elif origin in (typing.Union, types.UnionType):
        for arg in args:
            yield from _models_in(arg, path)
    elif origin is dict:
        yield from _models_in(args[1], path + ".*")
    elif origin in (list, tuple) or (isinstance(origin, type) and issubclass(origin, list)):
        yield from _models_in(args[0], path + "[]")
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, path + "."


def model_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every key a model takes, nested ones as dotted paths (`*`: a key the writer chooses)."""
    keys = []
    for name, field in model.model_fields.items():
        path = prefix + (field.alias or name)
        keys.append(path)
        for inner, inner_prefix in _models_in(field.annotation, path):
            keys += model_keys(inner, inner_prefix)
    return keys


def table_keys(kind: str) -> list[str]:
    """The keys of a kind's table, with `<network>` and `<id>` as `*`; rows of entries left out."""
    keys = [row.key.replace("<network>", "*").replace("<id>", "*") for row in reference.rows(kind)]
    return [key for key in keys if not key.endswith("*")]


@pytest.mark.parametrize("kind", schema.KINDS, ids=lambda kind: kind.name)
def test_every_key_of_the_model_is_in_its_table_once(kind: schema.Kind) -> None:
    expected = model_keys(kind.model)
    assert len(expected) >= 3
    assert table_keys(kind.name) == expected


def test_the_walk_sees_nested_keys() -> None:
    """The cross-check above is not vacuous: it reaches keys three models deep."""
    keys = model_keys(schema.KINDS[0].model)
    assert "watch.themes.*.keywords.include" in keys
    assert "watch.feeds[].url" in keys
    assert "networks.*.instance" in keys


@pytest.mark.parametrize("kind", reference.kinds())
def test_every_key_is_described(kind: str) -> None:
    undescribed = [row.key for row in reference.rows(kind) if not row.meaning]
    assert undescribed == [], (
        f"{kind}: give these keys a description, in the model (Field(description=...)) "
        "or in generator/schema.py's DESCRIPTIONS: they are shown to editors and in the docs"
    )


def test_rows_read_as_a_person_would_write_them() -> None:
    post = {row.key: row for row in reference.rows("post")}
    assert post["title"].default == "**required**" and post["title"].type == "text"
    assert post["date"].type == "date or date-time"
    assert post["networks"].type == "list of network ids (at least one)"
    assert post["status"].type.startswith("one of `idea`, `draft`")
    assert post["status"].default == "`draft`"
    assert post["embargo"].default == "`false`"
    assert post["owner"].type == "id"
    assert post["share.from"].type == "date"
    assert post["share.messages"].type == "network id → text or list of texts (at least one)"
    config = {row.key: row for row in reference.rows("site-config")}
    assert config["watch.timeouts.connect"].type == "number, above 0 up to 120"
    assert config["watch.timeouts.connect"].default == "`5`"
    assert config["watch.max_bytes"].type == "whole number, from 1,024 up to 100,000,000"
    assert config["ambassadors.disclosure"].type == "`default` or network id → text"
    assert config["watch.themes.<id>"].type == "text or mapping"
    slots = {row.key: row for row in reference.rows("slots")}
    assert slots["time"].type == 'time in quotes (`"09:00"`)'
    assert slots["days"].type.startswith("list of `mon`, `tue`")


def test_a_table_below_a_key() -> None:
    keys = [row.key for row in reference.rows("site-config", "watch")]
    assert keys[0] == "watch" and all(k == "watch" or k.startswith("watch.") for k in keys)
    assert "watch.timeouts.total" in keys
    with pytest.raises(reference.UnknownTable, match="no key 'wach'"):
        reference.rows("site-config", "wach")


def test_markers_are_replaced_and_wrong_ones_refused() -> None:
    page = "# Title\n\n<!-- relais:keys slots -->\n\ntext <!-- relais:keys post --> inline\n"
    out = reference.expand(page)
    assert "| `network` | network id | **required** |" in out
    assert "<!-- relais:keys slots -->" not in out
    assert "text <!-- relais:keys post --> inline" in out  # only a line of its own is a marker
    assert "| `linkedin` | LinkedIn | 3,000 | about 210 |" in reference.expand(
        "<!-- relais:networks -->"
    )
    assert "`schemas/post.json`" in reference.expand("<!-- relais:files -->")
    for wrong, message in [
        ("<!-- relais:keys postt -->", "no kind of file named 'postt'"),
        ("<!-- relais:tables -->", "unknown table marker"),
        ("<!-- relais:keys -->", "unknown table marker"),
        ("<!-- relais:networks x -->", "unknown table marker"),
    ]:
        with pytest.raises(reference.UnknownTable, match=message):
            reference.expand(wrong)


def test_cells_show_text_as_written() -> None:
    """A description is text: `<`, `&` and `|` cannot become HTML or break the table."""
    cell = reference._cell("content/posts/<slug>.md | a & b, `<code>`")
    assert cell == "content/posts/&lt;slug&gt;.md \\| a &amp; b, `<code>`"


def test_every_counting_rule_and_share_kind_is_worded() -> None:
    from generator.networks import NETWORKS

    assert {n.counting for n in NETWORKS.values()} <= set(reference.COUNTING)
    assert {n.share_kind for n in NETWORKS.values()} <= set(reference.SHARE)
