"""What a reader sees in a real browser: the home page, a post page, the search box."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml

from tests.conftest import ROOT

pytestmark = pytest.mark.browser


def expected_upcoming() -> list[str]:
    """The demo's posts of the next 30 days after 2026-12-01T08:00, read straight from the files."""
    tz = ZoneInfo("Europe/Paris")
    now = datetime(2026, 12, 1, 8, 0, tzinfo=tz)
    found = []
    for path in sorted((ROOT / "content/posts").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if "date" not in meta or meta.get("status") == "cancelled" or meta.get("embargo"):
            continue
        when = datetime.fromisoformat(str(meta["date"])).replace(tzinfo=tz)
        if now <= when < now + timedelta(days=30):
            found.append((when, path.stem, meta["title"]))
    return [title for _, _, title in sorted(found)]


def test_home_shows_upcoming_posts_in_order(page, demo_url: str) -> None:
    page.goto(demo_url)
    titles = page.locator(".relais-upcoming .relais-post__title").all_inner_texts()
    expected = expected_upcoming()
    assert len(expected) >= 8
    assert titles == expected


def test_open_a_post_page(page, demo_url: str) -> None:
    page.goto(demo_url)
    first = page.locator(".relais-upcoming .relais-post__title").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert page.locator("article h1").first.inner_text() == title
    assert page.locator(".relais-facts").is_visible()
    assert "/posts/" in page.url


def test_search_finds_a_post(page, demo_url: str) -> None:
    page.goto(demo_url)
    box = page.locator("input[data-md-component='search-query']")
    box.click()
    box.press_sequentially("marrons", delay=30)
    result = page.locator(".md-search-result__item").first
    result.wait_for(timeout=10_000)
    assert "marrons" in result.inner_text().lower()
    result.locator("a").first.click()
    page.wait_for_load_state()
    assert "/posts/pain-aux-marrons/" in page.url


def test_no_console_errors_on_home(page, demo_url: str) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(demo_url)
    page.wait_for_load_state("networkidle")
    assert errors == []
