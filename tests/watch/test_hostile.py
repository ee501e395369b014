"""The whole story at once: one fetch of good and hostile feeds, the cache, the rendered pages."""

from __future__ import annotations

import re
import time
from pathlib import Path

from generator.watch.cache import load_snapshot
from generator.watch.model import Status
from generator.watch.refresh import refresh
from generator.watch.render import home_markdown, pages
from tests.helpers import HtmlScan, raw_dangers

from .conftest import (
    NOW,
    TZ,
    compressed,
    error,
    file,
    gzip_bomb,
    huge,
    redirect,
    static,
    trickle,
    watch_config,
)

ALLOWED_TAGS = {
    "a",
    "abbr",
    "article",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "del",
    "div",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "hr",
    "i",
    "img",
    "li",
    "details",  # a failing source's technical detail (escaped text)
    "summary",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
}
SAFE_ATTRIBUTES = {
    "href",
    "src",
    "alt",
    "title",
    "width",
    "height",
    "rel",
    "target",
    "class",
    "id",
    "datetime",
    "scope",  # the sources table's own headers
    "data-label",  # the sources table's own header, repeated in each cell for phones
}


def dangers(page: str) -> list[str]:
    """Everything a browser would run or load from a watch page (Markdown holding the cleaned
    HTML of strangers' feeds), and anything of the kind left as raw text."""
    scan = HtmlScan.of(page)
    found = scan.dangers(tags=ALLOWED_TAGS, attributes=SAFE_ATTRIBUTES, https_images=True)
    for element in scan.elements:
        if "href" not in element.attrs:
            continue
        link = re.sub(r"[\x00-\x20]", "", element.attrs["href"] or "").lower()
        if not link.startswith(("http://", "https://", "mailto:")) and not link.endswith(".md"):
            found.append(f"relative or odd link {element.source}")
    return found + raw_dangers(page)


HOSTILE = {
    # feed id: (route handler, expected status, expected error code)
    "good": (file("good.xml"), Status.OK, ""),
    "good-atom": (file("good_atom.xml", "application/atom+xml"), Status.OK, ""),
    "gzipped": (compressed("good.xml", "gzip"), Status.OK, ""),
    "xss": (file("xss.xml"), Status.OK, ""),
    "duplicates": (file("duplicates.xml"), Status.OK, ""),
    "future": (file("future.xml"), Status.OK, ""),
    "latin1": (file("latin1_declared_utf8.xml"), Status.OK, ""),
    "billion-laughs": (file("billion_laughs.xml"), Status.ERROR, "entities-refused"),
    "xxe": (file("xxe.xml"), Status.ERROR, "entities-refused"),
    "html-page": (file("page.html", "text/html"), Status.ERROR, "not-a-feed"),
    "crash": (file("crash_overflow.xml"), Status.ERROR, "parse-error"),
    "big": (huge(50_000_000, announce=False), Status.ERROR, "too-large"),
    "gzip-bomb": (
        static(gzip_bomb(), headers={"Content-Encoding": "gzip"}),
        Status.ERROR,
        "too-large",
    ),
    "trickle": (trickle(0.1), Status.ERROR, "deadline"),
    "loop": (redirect("/loop"), Status.ERROR, "redirect-loop"),
    "to-metadata": (
        redirect("http://169.254.169.254/latest/meta-data/"),
        Status.ERROR,
        "blocked-address",
    ),
    "not-found": (error(404), Status.ERROR, "http-404"),
    "gone": (error(410), Status.ERROR, "http-410"),
    "broken": (error(500), Status.ERROR, "http-500"),
}


def test_hostile_feeds_end_with_a_status_and_nothing_dangerous_is_rendered(server, tmp_path: Path):
    feeds = []
    for feed_id, (handler, _, _) in HOSTILE.items():
        path = "/loop" if feed_id == "loop" else f"/{feed_id}"
        feeds.append(
            {
                "id": feed_id,
                "url": server.route(path, handler),
                "theme": "secteur" if feed_id.startswith("good") else "risques",
            }
        )
    config = watch_config(feeds, allow_private_addresses=False, max_age_days=365)
    local = __import__("ipaddress").ip_address("127.0.0.1")

    started = time.monotonic()
    result = refresh(tmp_path, config, now=NOW, timezone=TZ, policy=lambda ip: ip == local)
    elapsed = time.monotonic() - started

    # Each hostile server would hold a fetch for up to a minute; the deadlines end them in
    # seconds. A bound far from both: a busy machine cannot fail it, a missing deadline does.
    assert elapsed < 30, f"the whole fetch must stay bounded, took {elapsed:.1f} s"
    runs = {r.feed: r for r in result.runs}
    for feed_id, (_, status, code) in HOSTILE.items():
        assert runs[feed_id].status is status, (feed_id, runs[feed_id])
        assert runs[feed_id].error_code == code, (feed_id, runs[feed_id])
        if code:
            assert runs[feed_id].error, feed_id

    snapshot = load_snapshot(tmp_path, config, now=NOW)
    assert snapshot.problems == ()
    site = pages(
        snapshot,
        config,
        lang="fr",
        now=NOW,
        repo_url="https://github.com/example/editorial",
        site_url="https://portal.example.org/",
    )
    site["index.md"] = home_markdown(
        snapshot, config, lang="fr", now=NOW, repo_url="https://github.com/example/editorial"
    )
    for path, page in site.items():
        assert dangers(page) == [], path

    everything = "\n".join(site.values()) + "".join(p.read_text() for p in tmp_path.rglob("*.json"))
    assert "root:" not in everything  # /etc/passwd never leaked
    assert "lollollol" not in everything  # no entity was expanded
    assert "kept photo" in site["watch/risques.md"]  # the https image survived cleaning
    assert "tracker.example" not in everything  # 1×1 pixels are gone
    assert "alert link" in site["watch/risques.md"]
    assert (
        "https://article.example/story?page=2" in everything
    )  # Google Alerts link unwrapped, untracked
    assert "https://press.example/maison-exemple" in everything
    # the failing feeds of the theme are listed with a stale badge
    assert site["watch/risques.md"].count('class="relais-watch-stale"') >= 10


def test_a_failed_feed_keeps_its_last_good_entries_marked_stale(server, tmp_path: Path):
    handlers = {"/feed": file("good.xml")}
    url = server.route("/feed", lambda h: handlers["/feed"](h))
    config = watch_config([{"id": "actu", "url": url}])
    first = refresh(tmp_path, config, now=NOW, timezone=TZ)
    assert first.runs[0].new_entries == 3

    handlers["/feed"] = error(500)
    later = NOW.replace(hour=18)
    second = refresh(tmp_path, config, now=later, timezone=TZ)
    assert second.runs[0].status is Status.ERROR
    assert second.runs[0].stale_since == NOW

    snapshot = load_snapshot(tmp_path, config, now=later)
    status = snapshot.feed("actu")
    assert status.stale and status.last_success == NOW and status.error_code == "http-500"
    assert len(snapshot.theme("secteur").entries) == 3
    page = pages(snapshot, config, lang="en", now=later, repo_url=None, site_url="")[
        "watch/secteur.md"
    ]
    assert "relais-watch-stale" in page
    assert "last successful fetch" in page.lower()


# --- the cache is a file on disk, not a trusted source --------------------------------------------

POISON = (
    "<script>alert(1)</script>"
    '<img src="https://img.example/a.png" onerror="alert(2)">'
    '<a href="javascript:alert(3)">a link</a>'
    '<iframe src="https://evil.example/"></iframe>'
    '<p style="color:red" onclick="alert(4)">words kept</p>'
    '<svg onload="alert(5)"></svg><form action="https://evil.example/"><input></form>'
    '<a href="https://ok.example/" target="_blank">fine link</a>'
)


def test_a_poisoned_cache_is_cleaned_again_when_rendered(tmp_path: Path) -> None:
    """HTML written into the cache directly, past the fetch's cleaning (a hand edit, a
    restored backup, another tool), is cleaned again by the render: no script, handler,
    frame, form or javascript: URL reaches a page; the words and safe links stay."""
    import json

    config = watch_config(
        [{"id": "poisoned", "url": "https://feed.example/rss", "theme": "risques"}]
    )
    entry = {
        "id": "0123456789abcdef0123",
        "feed": "poisoned",
        "title": "Maison Exemple dans la presse",
        "link": "https://press.example/article",
        "summary_html": POISON,
        "summary_text": "words kept",
        "author": "",
        "published": "2025-12-16T09:00:00+01:00",
        "dated": True,
        "first_seen": "2025-12-16T09:00:00+01:00",
    }
    feeds = tmp_path / config.cache_dir / "feeds"
    feeds.mkdir(parents=True)
    (feeds / "poisoned.json").write_text(
        json.dumps({"format": 1, "feed": "poisoned", "entries": [entry]}), encoding="utf-8"
    )
    snapshot = load_snapshot(tmp_path, config, now=NOW)
    assert snapshot.problems == ()  # valid as a file: only its HTML is hostile
    site = pages(
        snapshot,
        config,
        lang="fr",
        now=NOW,
        repo_url="https://github.com/example/editorial",
        site_url="https://portal.example.org/",
    )
    page = site["watch/risques.md"]
    assert dangers(page) == []
    assert "alert(" not in page and "evil.example" not in page
    assert "words kept" in page and "https://ok.example/" in page
