"""The MkDocs hook that lifts raw HTML blocks out of Python-Markdown: same pages, less parsing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, ClassVar

import markdown
import pytest
from mkdocs.utils import meta

from generator.brief import portal_extensions
from generator.mkdocs_hooks import lift_raw_blocks, restore_raw_blocks
from generator.publish import HOOKS, mkdocs_config
from generator.render import page_url
from generator.site import Site

KEY = "relaisrawtestn"
SITE = Site(pages={}, files={}, copies={}, nav=[], language="fr", name="x", url="https://e.org/")


def convert(text: str) -> str:
    """Python-Markdown with the portal's extensions and their settings, as MkDocs runs it."""
    names, configs = portal_extensions(SITE.url)
    return markdown.Markdown(extensions=names, extension_configs=configs).convert(text)


def hooked(text: str) -> str:
    lifted, blocks = lift_raw_blocks(text, KEY)
    return restore_raw_blocks(convert(lifted), blocks, KEY)


@pytest.fixture(scope="module")
def staged_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built with its pages written into .relais/staging/docs/ (RELAIS_STAGING=disk),
    as `mkdocs build` can then be run on them without Relais; returns the site folder."""
    import os

    from generator.build import build
    from tests.conftest import DEMO_NOW, copy_demo

    root = copy_demo(tmp_path_factory.mktemp("staged") / "demo")
    os.environ["RELAIS_STAGING"] = "disk"
    try:
        result = build(root, now_option=DEMO_NOW)
    finally:
        del os.environ["RELAIS_STAGING"]
    assert result.ok, result.failure
    return result.out


def tree(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_pages_handed_over_in_memory_build_the_same_site_as_pages_on_disk(
    built_demo: Path, staged_demo: Path
) -> None:
    assert not any(
        (built_demo.parent / ".relais" / "staging" / "docs").iterdir()
    )  # nothing written
    assert len(list((staged_demo.parent / ".relais" / "staging" / "docs").rglob("*.md"))) > 50
    memory, disk = tree(built_demo), tree(staged_demo)
    assert sorted(memory) == sorted(disk)
    assert [str(p) for p in memory if memory[p] != disk[p]] == []


def test_the_portal_config_loads_the_hook() -> None:
    from generator.publish import FRAME_HOOKS

    assert mkdocs_config(SITE, Path("docs"), Path("site"))["hooks"] == [
        str(HOOKS),
        str(FRAME_HOOKS),
    ]
    assert HOOKS.is_file() and FRAME_HOOKS.is_file()


def test_every_demo_page_converts_to_the_same_html(staged_demo: Path) -> None:
    docs = staged_demo.parent / ".relais" / "staging" / "docs"
    pages = sorted(docs.rglob("*.md"))
    assert len(pages) > 50
    for path in pages:
        body, _ = meta.get_data(path.read_text(encoding="utf-8"))
        assert hooked(body) == convert(body), path.relative_to(docs)
        # Every raw block Relais writes is lifted: none is left to Python-Markdown's parser.
        left = lift_raw_blocks(body, KEY)[0]
        assert not re.search(r"^<(div|section|article|table|ul|nav)\b", left, re.MULTILINE), (
            path.relative_to(docs)
        )


CASES = {
    "one block then Markdown": '<div class="a" markdown="0">\n<p>x</p>\n</div>\n\n## Brief\n\nText *here*.\n',
    "nested same tags": '<div markdown="0">\n<div><div>a</div></div>\n<div>b</div>\n</div>\n\nafter\n',
    "two blocks": '<section markdown="0">\n<h2 id="a">A</h2>\n</section>\n\n<section markdown="0">\n<p>B</p>\n</section>\n',
    "one-line block": '<p class="x" markdown="0">Hello &amp; bye</p>\n\ntext\n',
    "a table without markdown attribute": '# T\n\n<table><tr><td>a &#58; b</td></tr></table>\n\n<div class="l">\n<p>x</p>\n</div>\n',
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_lifted_blocks_come_back_byte_for_byte(text: str) -> None:
    assert lift_raw_blocks(text, KEY)[1]
    assert hooked(text) == convert(text)


UNTOUCHED = {
    "inside a fence": 'Intro\n\n```\n<div markdown="0"><b>x</b></div>\n```\n',
    "inside a tilde fence": 'Intro\n\n~~~\n<div markdown="0">\n<b>x</b>\n</div>\n~~~\n',
    "no blank line before": 'Para\n<div markdown="0">\n<b>x</b>\n</div>\n',
    "no blank line after": '<div markdown="0">\n<b>x</b>\n</div>\nmore\n',
    "text after the closing tag": '<div markdown="0">\n<b>x</b>\n</div> tail\n',
    "never closed": '<div markdown="0">\n<b>x</b>\n',
    "Markdown inside (markdown=1)": '<div markdown="1">\n*x*\n</div>\n',
    "Markdown deeper inside": '<div>\n<p markdown="span">*x*</p>\n</div>\n',
    "an inline tag": '<span markdown="0">x</span>\n\ntext\n',
    "preformatted text": "<pre>\n<b>\n</pre>\n",
}


@pytest.mark.parametrize("text", UNTOUCHED.values(), ids=UNTOUCHED.keys())
def test_anything_unclear_is_left_to_python_markdown(text: str) -> None:
    lifted, blocks = lift_raw_blocks(text, KEY)
    assert blocks == [] and lifted == text


def test_a_lost_placeholder_fails_loudly() -> None:
    with pytest.raises(ValueError, match="lost its place"):
        restore_raw_blocks(f"<h1>{KEY}0</h1>", ["<div></div>"], KEY)


# --- shells ---------------------------------------------------------------------------------------


def test_shells_build_the_very_same_site(
    staged_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo built by MkDocs without the hooks is byte-identical to the one built with them."""
    import sys

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.clock import parse_now
    from tests.conftest import DEMO_NOW

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    # As `relais build` does: the sitemap is dated from --now.
    monkeypatch.setenv(
        "SOURCE_DATE_EPOCH", str(int(parse_now(DEMO_NOW, "Europe/Paris").timestamp()))
    )
    config_file = staged_demo.parent / ".relais" / "staging" / "mkdocs.yml"
    plain = tmp_path / "plain"
    # Without the hooks that save work; with those that make the portal's frame (frame_hooks.py,
    # what pages show, not how fast).
    from generator.publish import FRAME_HOOKS

    build(load_config(config_file=str(config_file), site_dir=str(plain), hooks=[str(FRAME_HOOKS)]))
    ours = {
        p.relative_to(staged_demo): p.read_bytes() for p in staged_demo.rglob("*") if p.is_file()
    }
    theirs = {p.relative_to(plain): p.read_bytes() for p in plain.rglob("*") if p.is_file()}
    assert sorted(ours) == sorted(theirs)
    different = [str(path) for path in ours if ours[path] != theirs[path]]
    # The search index differs by design: the hooks add the entries Relais writes itself.
    assert different == ["search/search_index.json"]
    found = json.loads(
        (staged_demo.parent / ".relais" / "staging" / "search-entries.json").read_text("utf-8")
    )
    urls = {page_url(path) for path in found}
    with_hooks = json.loads(ours[Path("search/search_index.json")])
    without = json.loads(theirs[Path("search/search_index.json")])
    assert with_hooks["config"] == without["config"]
    # Material's own entries are all there, in order, and the others belong to Relais' pages.
    assert [e for e in with_hooks["docs"] if e["location"].split("#")[0] not in urls] == without[
        "docs"
    ]
    assert {e["location"].split("#")[0] for e in with_hooks["docs"]} >= urls
    # And the shells did the work: rebuild with the hooks and look at the module MkDocs loaded.
    build(load_config(config_file=str(config_file), site_dir=str(tmp_path / "again")))
    shells = sys.modules[str(HOOKS)].shells
    # Most pages come from a shell; Material renders the navigation's own pages (one per section
    # and page of the menu, which grows with each feature) and two pages of each kind.
    assert shells.filled > 40 and shells.filled > shells.rendered


class FakePage:
    """What the shells read of a MkDocs page."""

    def __init__(self, n: int, title: str, toc: tuple[object, ...] = ()) -> None:
        self.meta = {"title": title, "hide": ["navigation"]}
        self.content = f"<h1>{title}</h1><p>post {n} &amp; more</p>"
        self.canonical_url = f"https://e.org/posts/p{n}/"
        self.url = f"posts/p{n}/"
        self.toc = toc
        self.is_homepage = False
        self.previous_page = self.next_page = self.edit_url = None


def run_shells(source: str, titles: list[str]) -> tuple[list[str], list[str], object]:
    import jinja2

    from generator.mkdocs_hooks import PageShells

    template = jinja2.Environment().from_string(source)
    shells = PageShells(set())
    pages = [FakePage(n, t) for n, t in enumerate(titles)]
    got = [shells.render(template, {"page": p}) for p in pages]
    want = [template.render({"page": p}) for p in pages]
    return got, want, shells


TITLES = ["Un", "Deux &amp; trois", "Quatre « cinq »", "Six", "Sept"]


def test_pages_of_one_kind_are_filled_from_a_shell() -> None:
    got, want, shells = run_shells(
        "<title>{{ page.meta.title }}</title><link href='{{ page.canonical_url }}'>"
        "{% if '<h1' not in page.content %}<h1>{{ page.meta.title }}</h1>{% endif %}<main>{{ page.content }}</main>",
        TITLES,
    )
    assert got == want
    assert shells.filled == len(TITLES) - 2  # type: ignore[attr-defined]


def test_a_template_that_reads_more_of_the_page_is_rendered_as_usual() -> None:
    got, want, shells = run_shells(
        "<title>{{ page.meta.title }}</title><a href='{{ page.url }}'>{{ page.content }}", TITLES
    )
    assert got == want and shells.filled == 0  # type: ignore[attr-defined]


def test_a_filtered_title_is_rendered_as_usual() -> None:
    got, want, shells = run_shells(
        "<title>{{ page.meta.title | striptags }}</title>{{ page.content }}", TITLES
    )
    assert got == want and shells.filled == 0  # type: ignore[attr-defined]


# --- one converter per build ------------------------------------------------------------------------

# Pages that leave state in a converter if anything is not reset between pages: footnotes,
# heading ids (toc), reference links, abbreviations of md_in_html, definition lists, tables.
TRICKY = {
    "a.md": "# Un\n\nTexte[^1] et [lien][ref].\n\n[^1]: Note.\n\n[ref]: https://example.org/\n\n## Brief\n\n## Brief\n",
    "b.md": "## Brief\n\nAutre[^1].\n\n[^1]: Autre note.\n\nTerme\n:   Définition\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "c.md": '!!! note "Attention"\n    Dans une note.\n\n[ref] sans définition ici.\n\n<div markdown="1">\n*dedans*\n</div>\n',
    "d.md": '<article markdown="0">\n<h2 id="x">X</h2>\n</article>\n\n<section markdown="0">\n<p>y</p>\n</section>\n',
    "e.md": "[vers a](a.md) · [ancre](b.md#brief) · ![image](img.png){: .pic }\n\n```\n<b>code</b>\n```\n",
}


def test_a_shared_converter_gives_the_same_pages_as_a_fresh_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Accueil\n", encoding="utf-8")
    for round_ in range(2):  # the same pages twice: the second pass runs on a used converter
        for name, text in TRICKY.items():
            (docs / f"{round_}{name}").write_text(
                text.replace("a.md", f"{round_}a.md").replace("b.md", f"{round_}b.md"),
                encoding="utf-8",
            )
    (docs / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    config = mkdocs_config(SITE, docs, tmp_path / "site")
    config["nav"] = ["index.md"]
    config["not_in_nav"] = "/*.md"
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    sites = {}
    for name, hooks in (("plain", []), ("hooked", [str(HOOKS)])):
        build(
            load_config(
                config_file=str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / name), hooks=hooks
            )
        )
        sites[name] = {
            p.relative_to(tmp_path / name): p.read_bytes()
            for p in (tmp_path / name).rglob("*.html")
        }
    assert len(sites["plain"]) == 12
    assert [str(p) for p in sites["plain"] if sites["plain"][p] != sites["hooked"][p]] == []
    # The fixture does exercise the converter: footnotes, unique heading ids, a rewritten link.
    page = sites["hooked"][Path("1a/index.html")].decode()
    assert 'id="fn:1"' in page and 'id="brief_1"' in page
    assert 'href="../1a/"' in sites["hooked"][Path("1e/index.html")].decode()


def test_a_page_of_raw_blocks_only_skips_the_converter() -> None:
    from generator.mkdocs_hooks import placeholders_only

    assert placeholders_only(f"{KEY}0\n\n{KEY}1\n", KEY) == 2
    assert placeholders_only("\n\n", KEY) == 0
    assert (
        placeholders_only(f"{KEY}0\n{KEY}1\n", KEY) is None
    )  # one paragraph: Python-Markdown decides
    assert placeholders_only(f"{KEY}0\n\ntext\n", KEY) is None
    assert placeholders_only(f"{KEY}1\n", KEY) is None  # out of order: not a page the hook lifted


def test_a_block_inside_fenced_code_stays_in_even_past_a_shorter_fence() -> None:
    # ```` opens the code; ``` inside does not close it: the <div> is code, not a raw block.
    text = "Intro\n\n````\n```\n\n<div>x</div>\n\n````\n\nAfter\n"
    assert lift_raw_blocks(text, KEY) == (text, [])
    assert hooked(text) == convert(text)
    assert "&lt;div&gt;x&lt;/div&gt;" in hooked(text)


def test_a_block_that_lifting_would_put_into_fenced_code_stays_in() -> None:
    # The first block holds a fence-like line that pairs, in the page as it is, with the ``` of
    # line 7. Once the first block is lifted, that ``` opens a fence closed on line 11, around
    # the second block: that one must stay in, or its placeholder would be lost in the code.
    text = '<div markdown="0">\n```\n</div>\n\ntext\n\n```\n\n<div markdown="0">\n<b>y</b>\n</div>\n\n```\n'
    _, blocks = lift_raw_blocks(text, KEY)
    assert blocks == ['<div markdown="0">\n```\n</div>']
    html = hooked(text)  # does not raise "lost its place"
    assert KEY not in html and "&lt;b&gt;y&lt;/b&gt;" in html


def test_cached_pages_are_placed_and_skipped_unless_a_dirty_rebuild_keeps_them(
    tmp_path: Path, cache_on: None
) -> None:
    """PageCache.skip_cached places a cached page in a thread and leaves it out of MkDocs'
    loops (it is excluded until the build ends, then a page of the site again); a page whose
    stored file is altered is never placed (settle then renders it: test_cache.py); in a
    preview's dirty rebuild, a page whose built file is newer than its source is left as it
    is (MkDocs skips it too), never removed and written again while the server reads it."""
    import os

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files, InclusionLevel

    from generator import cache
    from generator.mkdocs_hooks import PageCache
    from tests.conftest import MINIMAL_CONFIG

    (tmp_path / "site_config.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    docs, site = tmp_path / "docs", tmp_path / "site"
    (docs / "posts").mkdir(parents=True)
    source = docs / "posts" / "a.md"
    source.write_text("# A\n", encoding="utf-8")
    config = MkDocsConfig()
    config.load_dict({"site_name": "T", "docs_dir": str(docs), "site_dir": str(site)})
    config.validate()
    store = cache.open_cache(tmp_path)
    assert store is not None
    file = File("posts/a.md", str(docs), str(site), use_directory_urls=True)
    other = File("posts/b.md", str(docs), str(site), use_directory_urls=True)
    (docs / "posts" / "b.md").write_text("# B\n", encoding="utf-8")
    pages = PageCache(store, "context")
    store.keep_page(pages.keyed(file), b"<html>cached</html>", {"title": "A"})

    def skipped() -> bool:
        """Whether the page was left out of MkDocs' work, and placed."""
        pages.skip_cached(Files([file, other]), config)
        excluded = file.inclusion is InclusionLevel.EXCLUDED
        assert other.inclusion is not InclusionLevel.EXCLUDED  # not in the cache: MkDocs' own
        assert [f.src_uri for f in pages.every_page] == ["posts/a.md", "posts/b.md"]
        placed = [skipped.placing.result() for skipped in pages.skipped]
        if excluded:
            assert file.page is not None and file.page.meta == {"title": "A"}
            assert file.page.url == "posts/a/"  # what the sitemap and search are given
        pages.finish()
        assert file.inclusion is not InclusionLevel.EXCLUDED  # a page of the site again
        return excluded and placed == [True]

    assert skipped()  # a full build: nothing there yet
    target = Path(file.abs_dest_path)
    assert target.read_bytes() == b"<html>cached</html>"
    inode = target.stat().st_ino
    assert not skipped()  # a dirty rebuild: the built page is newer than its source
    assert target.stat().st_ino == inode
    later = target.stat().st_mtime + 10
    os.utime(source, (later, later))  # the source edited since
    assert skipped()
    target.unlink()
    for blob in (tmp_path / cache.FOLDER / "blobs").iterdir():
        os.chmod(blob, 0o644)
        blob.write_bytes(b"<html>altered</html>")
    assert not skipped()  # altered in the cache: rendered by MkDocs, never placed
    assert not target.exists()


def skipped_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A PageCache of five pages in MkDocs' order, a to e: a, c and e skipped from the cache
    (with their entries found by Relais), b and d left to MkDocs."""
    from concurrent.futures import Future
    from types import SimpleNamespace

    from generator import cache
    from generator.mkdocs_hooks import PageCache, Skipped
    from tests.conftest import MINIMAL_CONFIG

    (tmp_path / "site_config.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    store = cache.open_cache(tmp_path)
    assert store is not None
    pages = PageCache(store, "context")
    names = ["a", "b", "c", "d", "e"]
    pages.every_page = [SimpleNamespace(src_uri=f"{n}.md") for n in names]
    pages.position = {f"{n}.md": i for i, n in enumerate(names)}
    for i in (0, 2, 4):
        page = SimpleNamespace(url=f"{names[i]}/", file=SimpleNamespace(src_uri=f"{names[i]}.md"))
        placed: Future[bool] = Future()
        placed.set_result(True)
        pages.skipped.append(Skipped(i, page, None, placed))
    found = {f"{n}.md": [{"title": n.upper(), "text": n}] for n in names}
    monkeypatch.setattr("generator.mkdocs_hooks._found", found)
    return pages


def test_the_search_entries_of_skipped_pages_come_in_their_turn(
    tmp_path: Path, cache_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entries of pages skipped from the cache go into the index before those of the first
    page MkDocs builds after them, and the last ones before the index is written, as
    MkDocs' order would have put them."""
    pages = skipped_pages(tmp_path, monkeypatch)

    def told(before: str | None) -> list[str]:
        return [e["location"] for e in pages.skipped_entries(before=before)]

    assert told("b.md") == ["a/"]
    assert told("b.md") == []  # told once
    assert told("d.md") == ["c/"]
    assert told(None) == ["e/"]
    assert told(None) == []


def test_the_last_skipped_pages_are_in_the_index_before_the_search_plugin_writes_it(
    tmp_path: Path, cache_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hooks that put skipped pages' entries into the index run before the search plugin's
    events of the same name (which add a page's own entries, then write the index)."""
    from types import SimpleNamespace

    from generator import mkdocs_hooks

    pages = skipped_pages(tmp_path, monkeypatch)
    monkeypatch.setattr("generator.mkdocs_hooks._page_cache", [pages])
    index = SimpleNamespace(entries=[])

    class Config(dict[str, Any]):
        plugins: ClassVar[dict[str, Any]] = {"material/search": SimpleNamespace(search_index=index)}

    config = Config(theme=SimpleNamespace(name="material"))
    for name in ("b", "d"):  # the pages MkDocs builds: the hook first, then the plugin
        page = SimpleNamespace(url=f"{name}/", file=SimpleNamespace(src_uri=f"{name}.md"))
        mkdocs_hooks.on_page_context({}, page=page, config=config)
        index.entries.append({"location": f"{name}/", "title": "by the plugin", "text": ""})
    mkdocs_hooks.on_post_build(config=config)
    assert [e["location"] for e in index.entries] == ["a/", "b/", "c/", "d/", "e/"]
    for event in (mkdocs_hooks.on_page_context, mkdocs_hooks.on_post_build):
        assert getattr(event, "mkdocs_priority", 0) > 0  # the search plugin's are at 0


def test_pages_kept_in_a_build_are_written_by_threads_every_one_before_it_ends(
    tmp_path: Path, cache_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a whole build, PageCache.keep hands each page to a thread that writes it into the new
    site and stores it (MkDocs then writes nothing); finish() returns once every page is
    written, even those still waiting in the queue, and a page that cannot be written fails
    the build. Outside a whole build (a preview's single-page rebuild) nothing is left to a
    thread: MkDocs writes the page."""
    import os
    import time

    from mkdocs.structure.files import File

    from generator import cache
    from generator.mkdocs_hooks import WRITES_AHEAD, PageCache, on_post_page
    from tests.conftest import MINIMAL_CONFIG

    (tmp_path / "site_config.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    docs, site = tmp_path / "docs", tmp_path / "site"
    store = cache.open_cache(tmp_path)
    assert store is not None
    slow = store.keep_page

    def slow_keep(*args: Any) -> None:
        time.sleep(0.005)  # a busy disk: the queue is full when the build ends
        slow(*args)

    monkeypatch.setattr(store, "keep_page", slow_keep)

    class Page:
        relais_raw = True

        def __init__(self, n: int) -> None:
            self.meta = {"title": "T", "search": {"exclude": True}}
            self.file = File(f"posts/p{n}.md", str(docs), str(site), use_directory_urls=True)
            self.relais_key = f"key-{n}"

    pages = PageCache(store, "context")
    monkeypatch.setattr("generator.mkdocs_hooks._page_cache", [pages])
    made = [Page(n) for n in range(3 * WRITES_AHEAD)]
    pages.start()
    for page in made:
        assert on_post_page(f"<html>page {page.relais_key}</html>", page) == ""
    pages.finish()
    for page in made:
        target = Path(page.file.abs_dest_path)
        data = f"<html>page {page.relais_key}</html>".encode()
        assert target.read_bytes() == data, page.relais_key
        found = store.page(page.relais_key)
        assert found is not None
        blob = tmp_path / cache.FOLDER / "blobs" / found[0]
        assert blob.read_bytes() == data
        assert os.stat(blob).st_ino == target.stat().st_ino  # one write: two names

    # A page that cannot be written (a file stands where its folder goes) fails the build.
    (site / "posts" / "p999").write_text("a file, not a folder")
    pages.start()
    assert on_post_page("<html>x</html>", Page(999)) == ""
    with pytest.raises(OSError):
        pages.finish()

    # Outside a whole build, MkDocs writes the page; the cache keeps it all the same.
    single = Page(1000)
    assert on_post_page("<html>one</html>", single) == "<html>one</html>"
    assert not Path(single.file.abs_dest_path).exists()
    assert store.page("key-1000") is not None
