"""The demo's Statistics section in real Chromium: on a phone, under the portal's CSP."""

from __future__ import annotations

import urllib.request

import pytest

pytestmark = pytest.mark.browser


def test_statistics_on_a_phone_without_csp_violations(page, demo_url: str) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_url + "stats/")
    charts = page.locator("svg.relais-chart__svg")
    assert charts.count() >= 2
    box = charts.first.bounding_box()
    assert box is not None and 200 < box["width"] <= 390
    assert page.locator("figure.relais-chart + .relais-stats-scroll table").count() >= 2
    # Tables scroll inside their box; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_role("img", name="Le plan et la réalité").count() == 1
    assert errors == []


def test_csv_download_and_post_numbers(page, demo_url: str) -> None:
    page.goto(demo_url + "stats/")
    href = page.locator(".relais-stats-csv a").first.get_attribute("href")
    assert href and href.endswith(".csv")
    with urllib.request.urlopen(demo_url + "stats/" + href) as answer:
        assert answer.read().startswith("\ufeffMois,Réseau".encode())
    page.goto(demo_url + "posts/lancement-gamme-hiver/")
    numbers = page.locator("#numbers")
    assert numbers.locator("table tbody tr").count() == 4  # LinkedIn, Instagram, Facebook, X
    assert "LinkedIn" in numbers.inner_text()


def test_monthly_report_page(page, demo_url: str) -> None:
    page.goto(demo_url + "stats/reports/2026-11/")
    assert page.locator("h1").first.inner_text() == "Rapport de novembre 2026"
    assert "Les coulisses du croissant" in page.content() or "lancement" in page.content()
