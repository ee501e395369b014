"""Memos (generator/memo.py): answers kept between runs are the answers a run without them gives,
they follow every input they depend on, and a memo file that is forged, damaged or a link is
never trusted."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from markupsafe import Markup

from generator import cache, memo, networks
from generator.diagnostics import Diagnostic
from generator.i18n import Translator
from generator.options import load_and_check
from tests.conftest import DEMO_NOW, copy_demo
from tests.helpers import yaml_composed

POST = "content/posts/calendrier-avent-boutiques.md"
TYPO = "Une phrase avec un mot mal écrit : boulangerrie , et un espace avant la virgule."


pytestmark = pytest.mark.usefixtures("cache_on")  # conftest: signed with this test's secret


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = copy_demo(tmp_path / "demo")
    path = root / POST
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n\n" + TYPO + "\n", encoding="utf-8")
    return root


def checked(root: Path, monkeypatch: pytest.MonkeyPatch, *, cached: bool = True) -> list[str]:
    with monkeypatch.context() as m:
        if not cached:
            m.setenv("RELAIS_CACHE", "off")
        _, found, _ = load_and_check(root, DEMO_NOW, memos=True)
    return [_line(d) for d in found]


def _line(d: Diagnostic) -> str:
    return f"{d.file}:{d.line}:{d.column} {d.severity.value} [{d.code}] {d.message} | {d.hint}"


def memo_files(root: Path, kind: str) -> list[Path]:
    return sorted((root / cache.FOLDER).glob(f"memo-{kind}-*.json"))


def test_a_check_from_the_memo_says_what_a_check_without_it_says(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = checked(repo, monkeypatch, cached=False)
    assert any("boulangerrie" in line and "[spelling]" in line for line in cold)
    assert any(POST in line and "space" in line.lower() for line in cold)
    networks.measure.cache_clear()  # kept in this process too (lru_cache, over the memo)
    first = checked(repo, monkeypatch)
    for kind in ("spelling", "typography", "measure"):
        assert memo_files(repo, kind), kind
    warm = checked(repo, monkeypatch)
    assert first == cold
    assert warm == cold


def test_a_declared_word_or_another_dictionary_is_not_answered_from_the_memo(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert any("'boulangerrie'" in line for line in checked(repo, monkeypatch))
    dictionary = repo / "dictionary.txt"
    before = dictionary.read_text(encoding="utf-8")
    dictionary.write_text(before + "boulangerrie\n", encoding="utf-8")
    assert not any("'boulangerrie'" in line for line in checked(repo, monkeypatch))
    dictionary.write_text(before, encoding="utf-8")
    assert any("'boulangerrie'" in line for line in checked(repo, monkeypatch))


def test_an_edited_text_is_checked_again(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked(repo, monkeypatch)
    path = repo / POST
    path.write_text(
        path.read_text(encoding="utf-8").replace("boulangerrie", "patisseriie"), encoding="utf-8"
    )
    found = checked(repo, monkeypatch)
    assert any("'patisseriie'" in line for line in found)
    assert not any("'boulangerrie'" in line for line in found)
    assert found == checked(repo, monkeypatch, cached=False)


def _entries(path: Path) -> tuple[bytes, bytes, dict[str, list[object]]]:
    head, mac, body = path.read_bytes().split(b"\n", 2)
    return head, mac, json.loads(body)["entries"]


def test_a_forged_or_damaged_memo_is_never_trusted(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = checked(repo, monkeypatch, cached=False)
    networks.measure.cache_clear()
    checked(repo, monkeypatch)
    files = memo_files(repo, "spelling")
    # Every answer replaced by "no unknown word", signed with another secret: ignored.
    for path in files:
        head, _, entries = _entries(path)
        body = json.dumps({"entries": {k: [v[0], []] for k, v in entries.items()}}).encode()
        path.write_bytes(
            head + b"\n" + cache._sign(b"x" * 32, path.name, body).encode() + b"\n" + body
        )
    assert checked(repo, monkeypatch) == cold
    # Signed with the right secret but not what Relais writes: refused by the reader, made again.
    secret = cache.secret()
    assert secret is not None
    for path in memo_files(repo, "spelling"):
        _, _, entries = _entries(path)
        forged = {"entries": {k: [v[0], [["x", "y", None, 1]]] for k, v in entries.items()}}
        cache._write_index(path.parent, path.name, secret, forged)
    assert checked(repo, monkeypatch) == cold
    # Truncated files, and a link where a memo file should be: ignored, never followed.
    for path in memo_files(repo, "typography"):
        path.write_bytes(path.read_bytes()[:100])
    victim = repo.parent / "victim.json"
    victim.write_text("do not touch", encoding="utf-8")
    target = memo_files(repo, "spelling")[0]
    target.unlink()
    os.symlink(victim, target)
    assert checked(repo, monkeypatch) == cold
    assert victim.read_text(encoding="utf-8") == "do not touch"
    assert not target.is_symlink()  # replaced by a file of its own, the link itself removed


def test_relais_check_reads_the_documents_from_the_yaml_memo(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`relais check` loads under the cache, as a build does: its second run composes no
    document that the first one kept, and says the same."""
    cold = checked(repo, monkeypatch, cached=False)
    assert checked(repo, monkeypatch) == cold
    assert memo_files(repo, "yaml")
    composed = yaml_composed(monkeypatch)
    assert checked(repo, monkeypatch) == cold
    assert POST not in composed
    posts = len(list((repo / "content" / "posts").glob("*.md")))
    assert not [rel for rel in composed if rel.startswith("content/posts/")], composed
    assert posts > 10


def test_without_a_cache_nothing_is_kept(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked(repo, monkeypatch, cached=False)
    assert not (repo / cache.FOLDER).exists() or not list((repo / cache.FOLDER).glob("memo-*"))


@dataclass(frozen=True)
class _View:
    title: str
    tags: list[str]


class _Opaque:
    pass


def test_a_fingerprint_holds_the_whole_value_and_its_types() -> None:
    fp = memo.fingerprint
    assert fp({"a": "<b>"}) != fp({"a": Markup("<b>")})  # escaped text is not safe HTML
    assert fp(["a", "b"]) != fp(("a", "b"))
    assert fp([1]) != fp(["1"]) != fp([True])
    assert fp({"a": 1, "b": 2}) != fp({"b": 2, "a": 1})  # templates see the order
    assert fp(["ab", "c"]) != fp(["a", "bc"])
    assert fp(_View("t", ["x"])) != fp(_View("t", ["y"]))
    assert fp(Translator("fr")) != fp(Translator("en"))
    paris = datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert fp(paris) != fp(paris.replace(tzinfo=None)) != fp(date(2026, 12, 1))
    for unknown in (_Opaque(), {1, 2}, lambda: 1, b"bytes"):
        with pytest.raises(memo.Unknown):
            fp({"value": unknown})
