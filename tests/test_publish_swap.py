"""The swap that puts a new site in place: with or without renameat2, and after a killed build."""

from __future__ import annotations

import time
import types
from pathlib import Path

import pytest

from generator import publish
from generator.build import build
from tests.conftest import DEMO_NOW, copy_demo
from tests.helpers import site_digest


def _site(folder: Path, text: str) -> Path:
    (folder / "sub").mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    (folder / "sub" / "page.html").write_text(text * 2, encoding="utf-8")
    return folder


@pytest.mark.parametrize("renameat2", [True, False], ids=["renameat2", "no-renameat2"])
def test_the_new_site_replaces_the_old_one_and_nothing_is_left_beside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renameat2: bool
) -> None:
    out = _site(tmp_path / "site", "old")
    new = _site(tmp_path / ".site.tmp-1", "new")
    expected = site_digest(new)
    if not renameat2:
        # A C library without renameat2 (musl before 1.2.3, old glibc, macOS): two renames.
        monkeypatch.setattr(publish.ctypes, "CDLL", lambda *a, **k: types.SimpleNamespace())
        assert publish._renameat2_exchange(new, out) is False
    publish.swap_into_place(new, out)
    assert site_digest(out) == expected
    _removed_soon(tmp_path)


def _removed_soon(folder: Path) -> None:
    """The previous site is removed by a detached `rm` (publish._discard): give it 10 s."""
    deadline = time.monotonic() + 10
    while sorted(p.name for p in folder.iterdir()) != ["site"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sorted(p.name for p in folder.iterdir()) == ["site"]


def test_without_rm_the_previous_site_is_removed_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _site(tmp_path / "site", "old")
    new = _site(tmp_path / ".site.tmp-1", "new")
    monkeypatch.setattr(publish.shutil, "which", lambda name: None)
    publish.swap_into_place(new, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_removal_cut_short_is_finished_by_the_next_build(tmp_path: Path) -> None:
    """The machine stopped while the previous site was being removed: `.site.gone-PID` is
    left; the next build removes it (a link there is removed itself, never followed)."""
    out = _site(tmp_path / "site", "current")
    expected = site_digest(out)
    _site(tmp_path / ".site.gone-4242", "previous, half removed")
    victim = _site(tmp_path / "victim", "keep me")
    (tmp_path / ".site.gone-4243").symlink_to(victim)
    publish._clean_leftovers(out)
    assert site_digest(out) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "victim"]
    assert (victim / "index.html").read_text(encoding="utf-8") == "keep me"


def test_a_build_killed_between_the_two_renames_gets_its_previous_site_back(
    tmp_path: Path,
) -> None:
    """Without renameat2 the old site is moved aside before the new one moves in: a kill
    between the two leaves no site, only `.site.old-PID`. The next build's first step puts
    it back; once a site is in place, such leftovers and half-written `.site.tmp-*` go."""
    out = tmp_path / "site"
    old = _site(tmp_path / ".site.old-4242", "previous")
    expected = site_digest(old)
    _site(tmp_path / ".site.tmp-4242", "half written")
    publish._clean_leftovers(out)
    assert site_digest(out) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    _site(tmp_path / ".site.old-99", "older")
    publish._clean_leftovers(out)
    assert site_digest(out) == expected  # the site in place wins over a leftover
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_build_after_a_killed_swap_publishes_the_new_site(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    leftover = _site(root / ".site.old-4242", "previous")
    assert not (root / "site").exists()
    result = build(root, now_option=DEMO_NOW)
    assert result.ok, result.failure
    assert (root / "site" / "index.html").read_text(encoding="utf-8") != "previous"
    assert not leftover.exists()
    assert not [p.name for p in root.iterdir() if p.name.startswith((".site.old-", ".site.tmp-"))]
