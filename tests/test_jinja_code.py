"""Compiled templates kept in the build cache (generator/jinja_code.py): used again, and never
loaded unless this machine's cache secret signed them (Jinja runs the code it loads)."""

from __future__ import annotations

import hashlib
import marshal
import pickle
from pathlib import Path

import jinja2
import pytest

from generator import cache
from generator.jinja_code import FOLDER, SignedCode, _sign
from tests.conftest import MINIMAL_CONFIG

TEMPLATE = "Bonjour {{ name }} !"


def _env(folder: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.DictLoader({"hello.txt": TEMPLATE}), bytecode_cache=SignedCode()
    )


@pytest.fixture
def store(tmp_path: Path, cache_on: None) -> cache.Cache:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "site_config.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    found = cache.open_cache(root)
    assert found is not None
    return found


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from here on."""
    compiled: list[str] = []
    real = jinja2.Environment.compile

    def spy(self: jinja2.Environment, source: str, name: str | None = None, *a: object) -> object:
        compiled.append(str(name))
        return real(self, source, name, *a)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    return compiled


def test_a_template_compiled_once_is_loaded_by_the_next_build(
    store: cache.Cache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = _compiles(monkeypatch)
    with cache.using(store):
        assert _env(tmp_path).get_template("hello.txt").render(name="Léa") == "Bonjour Léa !"
        assert compiled == ["hello.txt"]
        files = list((store.folder / FOLDER).iterdir())
        assert len(files) == 1
        # A new process (a new environment): the code comes from the cache, not the compiler.
        assert _env(tmp_path).get_template("hello.txt").render(name="Noé") == "Bonjour Noé !"
        assert compiled == ["hello.txt"]


def _hostile(victim: Path) -> bytes:
    """A compiled template as Jinja writes one (its magic, the template's checksum, marshal
    code), whose code leaves a file behind when Jinja loads and runs it."""
    evil = compile(f"open({str(victim)!r}, 'w').close()", "evil", "exec")
    checksum = SignedCode().get_source_checksum(TEMPLATE)
    return jinja2.bccache.bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(evil)


def test_the_hostile_file_of_these_tests_runs_when_signed_by_this_machine(
    store: cache.Cache, tmp_path: Path
) -> None:
    """The control: signed with this machine's secret, the file below is loaded and run, so
    the refusals that follow are the signature's doing."""
    victim = tmp_path / "ran"
    with cache.using(store):
        _env(tmp_path).get_template("hello.txt")
        (path,) = (store.folder / FOLDER).iterdir()
        body = _hostile(victim)
        path.write_bytes(_sign(store.secret_key, path.name, body) + b"\n" + body)
        with pytest.raises(Exception):  # noqa: B017 (the code is no template)
            _env(tmp_path).get_template("hello.txt")
    assert victim.exists()


@pytest.mark.parametrize("forged", ["unsigned", "other secret", "altered", "link"])
def test_code_not_signed_by_this_machine_is_never_run(
    store: cache.Cache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forged: str
) -> None:
    """A `.relais/cache/jinja/` committed by a pull request, or restored from another branch's
    cache, holds code that would run when loaded: the template is compiled again instead."""
    victim = tmp_path / "ran"
    with cache.using(store):
        _env(tmp_path).get_template("hello.txt")  # the genuine file, to learn its name
        (path,) = (store.folder / FOLDER).iterdir()
        genuine_mac = path.read_bytes().partition(b"\n")[0]
        body = _hostile(victim)
        if forged == "unsigned":
            path.write_bytes(b"0" * 64 + b"\n" + body)
        elif forged == "other secret":
            other = hashlib.sha256(b"another machine").digest()
            path.write_bytes(_sign(other, path.name, body) + b"\n" + body)
        elif forged == "altered":  # the genuine signature over other bytes
            path.write_bytes(genuine_mac + b"\n" + body)
        else:  # a link to a file this machine signed: never followed
            planted = tmp_path / "planted"
            planted.write_bytes(_sign(store.secret_key, path.name, body) + b"\n" + body)
            path.unlink()
            path.symlink_to(planted)
        compiled = _compiles(monkeypatch)
        out = _env(tmp_path).get_template("hello.txt").render(name="Léa")
    assert out == "Bonjour Léa !"
    assert compiled == ["hello.txt"]  # compiled again: the file was not used
    assert not victim.exists()


def test_without_a_cache_templates_are_compiled_and_nothing_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELAIS_CACHE", "off")
    compiled = _compiles(monkeypatch)
    assert cache.active() is None
    for name in ("Léa", "Noé"):
        assert _env(tmp_path).get_template("hello.txt").render(name=name) == f"Bonjour {name} !"
    assert compiled == ["hello.txt", "hello.txt"]
