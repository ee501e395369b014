"""`relais serve`'s staging: an edited post's page first, unchanged files neither re-read nor rewritten."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from generator import serve
from generator.load import load
from generator.publish import write_tree
from generator.serve import Preview
from tests.conftest import DEMO_NOW
from tests.helpers import retitle

POST = "content/posts/lancement-gamme-hiver.md"
PAGE = "posts/lancement-gamme-hiver.md"


def staged(preview: Preview, rel: str) -> str:
    return (preview.staging / "docs" / rel).read_text(encoding="utf-8")


def test_an_edited_post_gets_its_page_first(demo_repo: Path) -> None:
    preview = Preview(demo_repo, DEMO_NOW)
    assert preview.stage() is not None
    before = {p: p.stat().st_mtime_ns for p in (preview.staging / "docs").rglob("*.md")}
    retitle(demo_repo / POST, "Un titre tout neuf")
    assert preview.stage_posts({(demo_repo / POST).resolve()})
    assert "<h1>Un titre tout neuf</h1>" in staged(preview, PAGE)
    changed = [p for p, t in before.items() if p.stat().st_mtime_ns != t]
    assert changed == [preview.staging / "docs" / PAGE]  # nothing else yet
    # Then the whole portal: the lists follow, and the page stays as the quick step wrote it.
    page = staged(preview, PAGE)
    assert preview.stage() is not None
    assert staged(preview, PAGE) == page
    assert "Un titre tout neuf" in staged(preview, "archive/2026-11.md")


def test_the_preview_never_writes_while_mkdocs_rebuilds(demo_repo: Path) -> None:
    """A dirty rebuild reads the pages, then writes those whose source is newer: a file staged
    in between made it write a page it had not read, and the preview stuck on a build error
    (seen at 2,000 posts). The staged docs wait for the rebuild's end (mkdocs_hooks)."""
    preview = Preview(demo_repo, DEMO_NOW)
    assert preview.stage() is not None
    retitle(demo_repo / POST, "Pendant la reconstruction")
    serve._serving.set()
    try:
        serve.rebuild_started()  # what mkdocs_hooks.on_pre_build does
        worker = threading.Thread(
            target=preview.stage_posts, args=({(demo_repo / POST).resolve()},)
        )
        worker.start()
        worker.join(1.0)
        assert worker.is_alive()  # waiting for the build
        assert "Pendant la reconstruction" not in staged(preview, PAGE)
        serve.rebuild_ended()  # on_post_build (or on_build_error)
        worker.join(30)
        assert not worker.is_alive()
        assert "Pendant la reconstruction" in staged(preview, PAGE)
    finally:
        serve.rebuild_ended()
        serve._serving.clear()
    serve.rebuild_started()  # not serving (relais build): no lock taken
    assert not serve._REBUILDING.locked()


def test_what_needs_the_whole_portal_is_left_to_it(demo_repo: Path) -> None:
    preview = Preview(demo_repo, DEMO_NOW)
    assert preview.stage() is not None
    page = staged(preview, PAGE)
    new = demo_repo / "content/posts/tout-nouveau.md"
    new.write_text(
        "---\ntitle: Nouveau\ndate: 2026-12-20T09:00\nnetworks: [linkedin]\n---\n", encoding="utf-8"
    )
    assert not preview.stage_posts({new.resolve()})  # a new post changes lists
    assert not preview.stage_posts({(demo_repo / "calendar/campaigns.yml").resolve()})
    broken = demo_repo / POST
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("networks:", "networks: [\n  oops:", 1),
        encoding="utf-8",
    )
    assert not preview.stage_posts({broken.resolve()})  # the full stage reports it, the page stays
    assert staged(preview, PAGE) == page


def test_the_load_cache_rereads_only_what_changed(demo_repo: Path) -> None:
    cache: dict = {}
    first = load(demo_repo, cache).project
    assert first is not None
    retitle(demo_repo / POST, "Autre titre")
    second = load(demo_repo, cache).project
    assert second is not None
    old = {p.slug: p for p in first.posts}
    for post in second.posts:
        if post.slug == "lancement-gamme-hiver":
            assert post is not old[post.slug] and post.title == "Autre titre"
        else:
            assert post is old[post.slug]  # not read again
    (demo_repo / POST).unlink()
    third = load(demo_repo, cache).project
    assert third is not None and "lancement-gamme-hiver" not in {p.slug for p in third.posts}
    assert (demo_repo / POST) not in cache
    assert load(demo_repo).project == load(demo_repo, cache).project


def test_write_tree_with_known_files_touches_only_changes(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    known: dict = {}
    assert write_tree(root, {"a.md": "A", "b/c.md": "C"}, {"d.json": b"{}"}, {}, known) == 3
    stamps = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}
    os.utime(root / "a.md", ns=(1, 1))  # proves a.md is not rewritten below
    assert write_tree(root, {"a.md": "A", "b/c.md": "C2"}, {}, {}, known) == 1
    assert (root / "a.md").stat().st_mtime_ns == 1
    assert (root / "b/c.md").read_text() == "C2" and (root / "b/c.md").stat().st_mtime_ns >= stamps[
        root / "b/c.md"
    ]
    assert not (root / "d.json").exists()
    assert set(known) == {"a.md", "b/c.md"}


def test_a_first_stage_with_errors_says_why_and_stages_nothing(
    demo_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first stage checks in a second process while it plans: an error it finds (here one
    that the plan itself would accept) still keeps the preview from starting, with its
    diagnostic and no traceback."""
    post = demo_repo / POST
    post.write_text(
        post.read_text(encoding="utf-8").replace("networks: [", "networks: [linkdin, ", 1),
        encoding="utf-8",
    )
    preview = Preview(demo_repo, DEMO_NOW)
    assert preview.stage() is None
    err = capsys.readouterr().err
    assert "lancement-gamme-hiver.md" in err and "linkdin" in err
    assert "keeps the last good version" in err
    assert not (preview.staging / "docs").exists()


def test_a_second_preview_takes_the_briefs_from_the_build_cache(
    demo_repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from generator import brief, cache

    monkeypatch.setenv("RELAIS_CACHE_SECRET", "the secret of this test")
    monkeypatch.setenv("RELAIS_JOBS", "1")
    with cache.using(cache.open_cache(demo_repo)) as store:
        first = Preview(demo_repo, DEMO_NOW)
        assert first.stage() is not None and store is not None
        store.save()
    page = staged(first, PAGE)

    def refuse(text: str, url: str) -> str | None:
        raise AssertionError("a brief converted again although the cache holds it")

    monkeypatch.setattr(brief, "convert", refuse)
    with cache.using(cache.open_cache(demo_repo)):
        second = Preview(demo_repo, DEMO_NOW)
        assert second.stage() is not None
    assert staged(second, PAGE) == page


def test_content_errors_make_a_banner_until_fixed(demo_repo: Path) -> None:
    """The preview keeps the last good version, and says why on every page (not only in a
    terminal the editor may not be looking at): the server puts this banner into each page it
    sends (tests/test_serve_start.py shows it served)."""
    preview = Preview(demo_repo, DEMO_NOW)
    config_file = preview.stage()
    assert config_file is not None and preview.banner == ""
    staged_config = config_file.read_text(encoding="utf-8")
    post = demo_repo / POST
    good = post.read_text(encoding="utf-8")
    # A misspelt network, and one that is markup: the banner shows it as text.
    post.write_text(
        good.replace("networks: [", "networks: [linkdin, '<img src=x onerror=alert(1)>', ", 1),
        encoding="utf-8",
    )
    assert preview.stage() is None
    assert preview.banner.startswith('<div class="relais-preview-errors" role="alert">')
    assert "Le contenu a des erreurs." in preview.banner
    assert "content/posts/lancement-gamme-hiver.md:" in preview.banner
    assert "unknown network &#39;linkdin&#39;" in preview.banner
    assert "<img src=x" not in preview.banner
    assert "&lt;img src=x onerror=alert(1)&gt;" in preview.banner
    # The staged portal stays the last good one (the page cache keeps its pages).
    assert config_file.read_text(encoding="utf-8") == staged_config
    post.write_text(good, encoding="utf-8")
    assert preview.stage() is not None
    assert preview.banner == ""


@pytest.mark.slow
def test_relais_serve_prints_an_address_that_serves_the_portal(demo_repo: Path) -> None:
    """What `make demo` tells a newcomer to do works: the printed address answers with the portal."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "serve",
            "--root",
            str(demo_repo),
            "--now",
            DEMO_NOW,
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        address = ""
        deadline = time.monotonic() + 180
        assert process.stderr is not None
        while not address and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                break
            if "the portal is at " in line:
                address = line.split("the portal is at ")[1].split()[0]
        assert address == f"http://127.0.0.1:{port}/"
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(address, timeout=5) as response:
                    body = response.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(0.5)
        assert "À partager maintenant" in body
    finally:
        process.terminate()
        process.wait(timeout=30)
