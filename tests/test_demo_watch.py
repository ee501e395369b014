"""The demo portal shows the shipped watch snapshot (demo-watch-cache/) without any network."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.load import load_site_config
from generator.watch.render import title_parts

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "demo-watch-cache"
BRAND = "Maison Exemple"


@dataclass
class Article:
    title: str = ""
    sources: list[str] = field(default_factory=list)
    stale: int = 0
    marks: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class _Entries(HTMLParser):
    """The watch entries of a page: title text, source names, stale badges, marked words, links."""

    def __init__(self) -> None:
        super().__init__()
        self.articles: list[Article] = []
        self._in: str | None = None  # "title", "source" or "mark"
        self._mark_outer: str | None = None
        self._article: Article | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "article" and "relais-watch-entry" in classes:
            self._article = Article()
            self.articles.append(self._article)
        if self._article is None:
            return
        if tag == "a" and dict(attrs).get("href"):
            self._article.links.append(dict(attrs)["href"] or "")
        # h2 on a theme's page, h3 under the home page's h2 (headings in order, issue 20).
        if tag in ("h2", "h3") and "relais-watch-title" in classes:
            self._in = "title"
        elif tag == "span" and "relais-watch-source" in classes:
            self._in = "source"
            self._article.sources.append("")
        elif tag == "span" and "relais-watch-stale" in classes:
            self._article.stale += 1
        elif tag == "mark":
            self._mark_outer, self._in = self._in, "mark"
            self._article.marks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._article = None
            self._in = None
        elif tag == "mark" and self._in == "mark":
            self._in = self._mark_outer
        elif tag in ("h2", "h3", "span") and self._in in ("title", "source"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._article is None:
            return
        if self._in == "mark":
            self._article.marks[-1] += data
            if self._mark_outer == "title":
                self._article.title += data
        elif self._in == "title":
            self._article.title += data
        elif self._in == "source":
            self._article.sources[-1] += data


def articles_from_text(text: str) -> list[Article]:
    parser = _Entries()
    parser.feed(text)
    return parser.articles


def articles(page: Path) -> list[Article]:
    return articles_from_text(page.read_text(encoding="utf-8"))


def _cached_entries() -> dict[str, list[dict]]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8"))["entries"]
        for p in sorted((CACHE / "feeds").glob("*.json"))
    }


def _states() -> dict[str, dict]:
    return json.loads((CACHE / "state.json").read_text(encoding="utf-8"))["feeds"]


@pytest.fixture(scope="module")
def watch_config():
    config, diagnostics = load_site_config(ROOT)
    assert config is not None, diagnostics
    return config.watch


def _source_name(watch_config, feed_id: str) -> str:
    feed = watch_config.feed(feed_id)
    return feed.name or _states()[feed_id]["title"] or feed_id


def test_the_snapshot_covers_every_demo_feed(watch_config) -> None:
    entries = _cached_entries()
    assert sorted(entries) == sorted(f.id for f in watch_config.feeds)
    assert all(4 <= len(items) <= 8 for items in entries.values()), {
        k: len(v) for k, v in entries.items()
    }
    states = _states()
    assert [s for s in states.values() if s["status"] == "error"], (
        "one feed should be failing (stale badge)"
    )
    for (
        feed
    ) in watch_config.feeds:  # reads as a fetch of the real addresses, not of the local server
        assert states[feed.id]["url"] == states[feed.id]["final_url"] == feed.url


def test_each_theme_page_lists_the_snapshot_entries(built_demo: Path, watch_config) -> None:
    assert (built_demo / "watch" / "index.html").is_file()
    entries = _cached_entries()
    for theme_id in watch_config.themes:
        page = built_demo / "watch" / theme_id / "index.html"
        # Shown without an aggregator's " - Publisher" tail (render.title_parts).
        expected = {
            title_parts(e["title"], e["summary_text"])[0]
            for f in watch_config.feeds
            if f.theme == theme_id
            for e in entries[f.id]
        }
        shown = [a.title for a in articles(page)]
        assert expected, theme_id
        # Every cached title once: the article found by two feeds of a theme is merged.
        assert sorted(shown) == sorted(expected), theme_id


def test_an_article_in_two_feeds_is_shown_once_with_both_sources(
    built_demo: Path, watch_config
) -> None:
    merged = [
        a
        for a in articles(built_demo / "watch" / "concurrence" / "index.html")
        if len(a.sources) > 1
    ]
    assert len(merged) == 1
    assert set(merged[0].sources) == {
        _source_name(watch_config, "boulangeries-lyon-actu"),
        _source_name(watch_config, "enseignes-boulangerie"),
    }


def test_the_home_page_shows_the_brand_in_the_watch(built_demo: Path) -> None:
    html = (built_demo / "index.html").read_text(encoding="utf-8")
    assert "La marque dans la veille" in html
    home = html[html.index("relais-watch-home") :]
    items = articles_from_text(home)
    mentions = sorted(
        (
            e
            for items_ in _cached_entries().values()
            for e in items_
            if BRAND in e["title"] + e["summary_text"]
        ),
        key=lambda e: e["published"],
        reverse=True,
    )
    assert len(mentions) >= 3
    assert [a.title for a in items] == [
        title_parts(e["title"], e["summary_text"])[0] for e in mentions
    ][:5]  # the five latest
    assert all(BRAND in a.marks for a in items)


def test_the_failing_feed_has_a_stale_badge(built_demo: Path, watch_config) -> None:
    failing = [feed_id for feed_id, s in _states().items() if s["status"] == "error"]
    for feed_id in failing:
        feed = watch_config.feed(feed_id)
        name = _source_name(watch_config, feed_id)
        shown = articles(built_demo / "watch" / feed.theme / "index.html")
        from_failing = [a for a in shown if name in a.sources]
        assert len(from_failing) == len(_cached_entries()[feed_id])
        assert all(a.stale == 1 for a in from_failing)
        assert not any(a.stale for a in shown if name not in a.sources)
    index = (built_demo / "watch" / "index.html").read_text(encoding="utf-8")
    assert index.count('<span class="relais-watch-stale">en échec</span>') == len(failing)


def test_keywords_are_highlighted(built_demo: Path) -> None:
    marks = [m for a in articles(built_demo / "watch" / "secteur" / "index.html") for m in a.marks]
    assert {"levain", "farine", "boulangerie"} <= {m.lower() for m in marks}


def _pages(site: Path) -> list[Path]:
    return [site / "index.html", *sorted((site / "watch").rglob("*.html"))]


def test_tracking_is_removed_from_the_links(built_demo: Path) -> None:
    for page in _pages(built_demo):
        html = page.read_text(encoding="utf-8")
        if page.name == "index.html" and page.parent == built_demo:
            # The home page's kits carry the ambassadors' tracking on purpose: its watch block only.
            html = html[html.index("relais-watch-home") :]
        for bad in ("utm_", "fbclid", "google.com/url", "pixel.gif", "127.0.0.1"):
            assert bad not in html, f"{page.relative_to(built_demo)} contains {bad}"
    links = [
        link
        for a in articles(built_demo / "watch" / "e-reputation" / "index.html")
        for link in a.links
    ]
    assert (
        "https://www.example.org/veille/rhone-exemple-info/avis-clients-maison-exemple-baguette"
        in links
    )


def test_watch_pages_load_nothing_from_another_host(built_demo: Path) -> None:
    for page in _pages(built_demo):
        for src in re.findall(
            r"""\bsrc\s*=\s*["']?([^"'\s>]*)""", page.read_text(encoding="utf-8")
        ):
            assert not re.match(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)", src), (
                f"{page.relative_to(built_demo)}: {src}"
            )
