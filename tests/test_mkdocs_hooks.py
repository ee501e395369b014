"""The MkDocs hook that lifts raw HTML blocks out of Python-Markdown: same pages, less parsing."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from mkdocs.utils import meta

from generator.mkdocs_hooks import lift_raw_blocks, restore_raw_blocks
from generator.publish import HOOKS, mkdocs_config
from generator.site import Site

KEY = "relaisrawtestn"
SITE = Site(pages={}, files={}, copies={}, nav=[], language="fr", name="x", url="https://e.org/")


def convert(text: str) -> str:
    """Python-Markdown with the portal's extensions and their settings, as MkDocs runs it."""
    names, configs = [], {}
    for ext in mkdocs_config(SITE, Path("docs"), Path("site"))["markdown_extensions"]:  # type: ignore[attr-defined]
        name = ext if isinstance(ext, str) else next(iter(ext))
        names.append(name)
        if isinstance(ext, dict):
            configs[name] = ext[name]
    return markdown.Markdown(extensions=names, extension_configs=configs).convert(text)


def hooked(text: str) -> str:
    lifted, blocks = lift_raw_blocks(text, KEY)
    return restore_raw_blocks(convert(lifted), blocks, KEY)


def test_the_portal_config_loads_the_hook() -> None:
    assert mkdocs_config(SITE, Path("docs"), Path("site"))["hooks"] == [str(HOOKS)]
    assert HOOKS.is_file()


def test_every_demo_page_converts_to_the_same_html(built_demo: Path) -> None:
    docs = built_demo.parent / ".relais" / "staging" / "docs"
    pages = sorted(docs.rglob("*.md"))
    assert len(pages) > 50
    for path in pages:
        body, _ = meta.get_data(path.read_text(encoding="utf-8"))
        assert hooked(body) == convert(body), path.relative_to(docs)
        # Every raw block Relais writes is lifted: none is left to Python-Markdown's parser.
        left = lift_raw_blocks(body, KEY)[0]
        assert not re.search(r"^<(div|section|article|table|ul|nav)\b", left, re.MULTILINE), path.relative_to(docs)


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
    "preformatted text": '<pre>\n<b>\n</pre>\n',
}


@pytest.mark.parametrize("text", UNTOUCHED.values(), ids=UNTOUCHED.keys())
def test_anything_unclear_is_left_to_python_markdown(text: str) -> None:
    lifted, blocks = lift_raw_blocks(text, KEY)
    assert blocks == [] and lifted == text


def test_a_lost_placeholder_fails_loudly() -> None:
    with pytest.raises(ValueError, match="lost its place"):
        restore_raw_blocks(f"<h1>{KEY}0</h1>", ["<div></div>"], KEY)


# --- shells ---------------------------------------------------------------------------------------


def test_shells_build_the_very_same_site(built_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo built by MkDocs without the hooks is byte-identical to the one built with them."""
    import sys

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.cli import parse_now
    from tests.conftest import DEMO_NOW

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    # As `relais build` does: the sitemap is dated from --now.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(parse_now(DEMO_NOW, "Europe/Paris").timestamp())))
    config_file = built_demo.parent / ".relais" / "staging" / "mkdocs.yml"
    plain = tmp_path / "plain"
    build(load_config(config_file=str(config_file), site_dir=str(plain), hooks=[]))
    ours = {p.relative_to(built_demo): p.read_bytes() for p in built_demo.rglob("*") if p.is_file()}
    theirs = {p.relative_to(plain): p.read_bytes() for p in plain.rglob("*") if p.is_file()}
    assert sorted(ours) == sorted(theirs)
    different = [str(path) for path in ours if ours[path] != theirs[path]]
    assert different == []
    # And the shells did the work: rebuild with the hooks and look at the module MkDocs loaded.
    build(load_config(config_file=str(config_file), site_dir=str(tmp_path / "again")))
    shells = sys.modules[str(HOOKS)].shells
    assert shells.filled > 40 and shells.rendered < 40


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
    got, want, shells = run_shells("<title>{{ page.meta.title }}</title><a href='{{ page.url }}'>{{ page.content }}", TITLES)
    assert got == want and shells.filled == 0  # type: ignore[attr-defined]


def test_a_filtered_title_is_rendered_as_usual() -> None:
    got, want, shells = run_shells("<title>{{ page.meta.title | striptags }}</title>{{ page.content }}", TITLES)
    assert got == want and shells.filled == 0  # type: ignore[attr-defined]
