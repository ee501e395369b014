"""Reading files and YAML: lines for every value, clear errors, nothing raised."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.source import parse_yaml, read_text, split_front_matter
from tests.helpers import cpu_seconds, yaml_composed


def test_lines_of_nested_values() -> None:
    parsed = parse_yaml("a: 1\nb:\n  c: [x, y]\n  d:\n    - e: 2\n", "f.yml")
    assert parsed.diagnostics == []
    assert parsed.data == {"a": 1, "b": {"c": ["x", "y"], "d": [{"e": 2}]}}
    assert parsed.lines.of(("a",)) == 1
    assert parsed.lines.of(("b", "c")) == 3
    assert parsed.lines.of(("b", "d", 0, "e")) == 5
    assert parsed.lines.of(("b", "missing")) == 2  # falls back to the nearest parent


def test_each_item_of_a_block_list_has_its_own_line() -> None:
    """Block style (one `- item` a line) is how editors write lists: a mistake in the third
    item is reported on the third item's line, not on the list's or the key's."""
    text = "title: T\nnetworks:\n  - linkedin\n\n  - instagram\n  - linkdin\ntopics:\n- a\n- b\n"
    parsed = parse_yaml(text, "f.yml")
    assert parsed.data == {
        "title": "T",
        "networks": ["linkedin", "instagram", "linkdin"],
        "topics": ["a", "b"],
    }
    assert [parsed.lines.of(("networks", i)) for i in range(3)] == [3, 5, 6]
    assert [parsed.lines.of(("topics", i)) for i in range(2)] == [8, 9]  # not indented
    # In a post's front matter, the YAML starts on the file's second line.
    parsed = parse_yaml(text, "content/posts/x.md", line_offset=1)
    assert [parsed.lines.of(("networks", i)) for i in range(3)] == [4, 6, 7]


def test_dates_and_times_stay_as_written() -> None:
    parsed = parse_yaml("date: 2026-12-03\nat: 2026-12-03T09:30\ntime: 09:00\nn: 010\n", "f.yml")
    assert parsed.data == {"date": "2026-12-03", "at": "2026-12-03T09:30", "time": "09:00", "n": 8}


def test_line_offset_for_front_matter() -> None:
    parsed = parse_yaml("title: x\nbad: [\n", "p.md", line_offset=1)
    assert len(parsed.diagnostics) == 1
    d = parsed.diagnostics[0]
    assert (d.file, d.code) == ("p.md", "yaml-syntax")
    assert d.line == 4  # the unclosed list is reported where the document ends (file line 4)


def test_duplicate_keys_reported_with_both_lines() -> None:
    parsed = parse_yaml("title: a\nx: 1\ntitle: b\n", "f.yml")
    [d] = parsed.diagnostics
    assert (d.line, d.code) == (3, "duplicate-key")
    assert "first on line 1" in d.message
    assert parsed.data["title"] == "a"


def test_tab_indentation_hint() -> None:
    parsed = parse_yaml("a:\n\tb: 1\n", "f.yml")
    [d] = parsed.diagnostics
    assert d.line == 2
    assert "tab" in d.hint


def test_alias_bomb_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    parsed, seconds = cpu_seconds(lambda: parse_yaml("\n".join(lines) + "\n", "bomb.yml"))
    assert seconds < 2  # CPU time: expanding the 9**10 aliases would take hours
    assert parsed.data is None
    assert [d.code for d in parsed.diagnostics] == ["yaml-too-large"]


def test_read_text_bom_crlf_and_invalid_utf8(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_bytes(b"\xef\xbb\xbf---\r\ntitle: a\r\n---\r\n")
    text, diags = read_text(good, "good.md")
    assert (text, diags) == ("---\ntitle: a\n---\n", [])
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"---\ntitle: caf\xe9\n---\n")
    text, [d] = read_text(bad, "bad.md")
    assert text is None
    assert (d.line, d.code) == (2, "encoding")


def test_read_text_refuses_huge_files(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"a" * (3 * 1024 * 1024))
    text, [d] = read_text(big, "big.md")
    assert text is None and d.code == "file-too-large"


def test_front_matter_split() -> None:
    fm = split_front_matter("---\ntitle: a\n---\nbody\n", "p.md")
    assert (fm.yaml_text, fm.body, fm.body_line) == ("title: a\n", "body\n", 4)
    unclosed = split_front_matter("---\ntitle: a\nbody\n", "p.md")
    assert [d.code for d in unclosed.diagnostics] == ["front-matter-unclosed"]
    missing = split_front_matter("title: a\n", "p.md")
    assert [d.code for d in missing.diagnostics] == ["front-matter-missing"]
    empty = split_front_matter("\n", "p.md")
    assert [d.code for d in empty.diagnostics] == ["empty-file"]


def test_deep_nesting_is_one_diagnostic_whoever_notices_it() -> None:
    # 100 levels pass libyaml and are refused by our own measure; 5,000 levels are refused
    # by libyaml's scanner itself (PyYAML 6.0.4 and later). The user sees the same thing.
    for depth in (100, 5000):
        parsed = parse_yaml("title: x\ntopics: " + "[" * depth + "]" * depth + "\n", "p.yml")
        [d] = parsed.diagnostics
        assert (d.line, d.code) == (2, "yaml-too-deep"), (depth, d)
        assert "nested more than 64 levels" in d.message


def test_files_without_anchors_skip_the_measure_and_get_the_same_answer() -> None:
    """parse_yaml measures a document before building it only when it could hold an alias;
    otherwise the builder refuses too-deep nesting itself, at the same node."""
    import random

    import yaml

    from generator.source import MAX_DEPTH

    rng = random.Random(7)

    def nested(depth: int) -> object:
        """`depth` levels of mappings and lists, with a short side branch on some levels."""
        if depth == 0:
            return rng.choice(["texte", 3, True, None, "2026-12-03"])
        side = rng.choice(["côté", [1, 2], {"a": "b"}])
        if rng.random() < 0.5:
            return (
                {f"k{depth}": nested(depth - 1), "autre": side}
                if rng.random() < 0.3
                else {f"k{depth}": nested(depth - 1)}
            )
        return [side, nested(depth - 1)] if rng.random() < 0.3 else [nested(depth - 1)]

    for depth in (1, 5, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 5):
        for flow in (False, True, None):
            text = yaml.safe_dump(
                {"title": "x", "data": nested(depth)}, default_flow_style=flow, width=80
            )
            fast = parse_yaml(text, "p.yml")
            measured = parse_yaml(
                text + "# & forces the measure\n", "p.yml"
            )  # a comment: same data
            assert (fast.data, fast.diagnostics) == (measured.data, measured.diagnostics), (
                depth,
                flow,
            )
            assert (fast.data is None) == (depth + 1 > MAX_DEPTH), (depth, flow)


# --- the yaml memo: a document parsed in an earlier build comes back exactly -----------------


def _documents() -> list[tuple[str, str, int]]:
    """Every YAML document of the demo and of the hostile corpus, as load.py reads them:
    whole .yml files, and the front matter of Markdown files (line offset 1)."""
    from tests.conftest import ROOT

    found = []
    folders = [ROOT / name for name in ("content", "calendar", "ambassadors", "moderation")]
    for path in [ROOT / "site_config.yml", *folders, ROOT / "tests" / "corpus"]:
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.suffix in (".yml", ".yaml"):
                found.append((str(file), file.read_text(encoding="utf-8", errors="replace"), 0))
            elif file.suffix == ".md":
                text = file.read_text(encoding="utf-8", errors="replace")
                front = split_front_matter(text, file.name)
                if front.yaml_text is not None:
                    found.append((str(file), front.yaml_text, 1))
    return found


def test_a_document_from_the_yaml_memo_is_the_document_parsed(
    tmp_path: Path, cache_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data (with its types: "1" is not 1, 1 is not 1.0 nor True), lines, text spans and
    diagnostics are the same whether a document is parsed or found in the memo, for every
    document of the demo and of the hostile corpus (aliases, bombs, duplicate keys, tabs...)."""
    from generator import cache, memo
    from tests.conftest import MINIMAL_CONFIG

    documents = _documents()
    assert len(documents) > 150
    (tmp_path / "site_config.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    first = [(parse_yaml(text, rel, offset), rel) for rel, text, offset in documents]
    with cache.using(cache.open_cache(tmp_path)):
        for rel, text, offset in documents:
            parse_yaml(text, rel, offset)
        memo.save_all(done=True)
    parsed_again = yaml_composed(monkeypatch)
    with cache.using(cache.open_cache(tmp_path)):
        again = [parse_yaml(text, rel, offset) for rel, text, offset in documents]
    kept = 0
    for (before, rel), after in zip(first, again, strict=True):
        assert memo.fingerprint(after.data) == memo.fingerprint(before.data), rel
        assert after.lines == before.lines, rel
        assert after.diagnostics == before.diagnostics, rel
        kept += rel not in parsed_again
    assert kept > 100  # most documents came from the memo
    # Not kept: documents with diagnostics (duplicate keys, tags) or anchors.
    assert any("duplicate" in rel for rel in parsed_again)


def test_only_documents_json_gives_back_exactly_are_kept(tmp_path: Path, cache_on: None) -> None:
    from generator import cache, memo
    from tests.conftest import MINIMAL_CONFIG

    (tmp_path / "site_config.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    texts = {
        "plain": "a: 1\nb: 1.0\nc: true\nd: ~\ne: '1'\nf: [x, 2, 2.5e3, .nan, -.inf, no]\n",
        "number keys": "1: un\n2.5: deux\n",
        "anchor": "a: &x [1]\nb: *x\n",
        "tag": "a: !!binary aGk=\n",
    }
    with cache.using(cache.open_cache(tmp_path)):
        parsed = {name: parse_yaml(text, f"{name}.yml") for name, text in texts.items()}
        found = memo.memo("yaml")
        assert found is not None
        kept = {name for name, text in texts.items() if found.get(found.key((text, "0")))[0]}
    assert kept == {"plain"}
    assert parsed["number keys"].data == {1: "un", 2.5: "deux"}  # not made texts by JSON


def test_a_kept_document_of_another_shape_is_parsed_again(tmp_path: Path, cache_on: None) -> None:
    """An entry of the yaml memo that is not what Relais writes (signed with the right secret:
    a bug, not an attacker) is refused by its reader and the document parsed again."""
    import json

    from generator import cache, memo
    from tests.conftest import MINIMAL_CONFIG

    (tmp_path / "site_config.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    text = "title: Un titre\nnetworks: [x, linkedin]\n"
    parsed = parse_yaml(text, "a.yml")
    good = [{"title": "Un titre", "networks": ["x", "linkedin"]}, 1]
    shapes = {
        "a path that is a text": [*good, [["title", 1]], []],
        "a path part that is a number with a point": [*good, [[[1.5], 1]], []],
        "a line that is a text": [*good, [[["title"], "1"]], []],
        "a span that is not a number": [*good, [], [[["title"], 7, None]]],
    }
    for name, forged in shapes.items():
        with cache.using(cache.open_cache(tmp_path)):
            found = memo.memo("yaml")
            assert found is not None
            found.put(found.key((text, "0")), json.dumps(forged))
            again = parse_yaml(text, "a.yml")
        assert again.lines == parsed.lines, name
        assert again.data == parsed.data, name
