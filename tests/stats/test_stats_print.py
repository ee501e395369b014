"""The monthly report printed to PDF by Chromium, as a reader's Print › Save as PDF does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import monthly_report

pytestmark = pytest.mark.browser

A4_WIDTH_PX = 794  # 210 mm at 96 px per inch


def test_the_report_prints_to_a4_pdf(page, demo_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    monthly_report(demo_repo, out)
    page.goto((out / "report-2026-11.html").as_uri())
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_WIDTH_PX - 106, "height": 1000})  # less the margins
    # Nothing wider than the sheet; the download links, useless on paper, are not printed.
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH_PX - 106
    assert page.locator(".relais-stats-csv").first.is_hidden()
    widths = page.evaluate(
        "[...document.querySelectorAll('.relais-chart svg')].map(s => s.getBoundingClientRect().width)"
    )
    assert widths and all(0 < w <= A4_WIDTH_PX - 106 for w in widths)
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    assert pdf.startswith(b"%PDF-")
    sheets = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 1 <= sheets <= 8, sheets  # a few sheets for a month, not one per table
    # A4 as the report's @page asks: 595.3 x 841.9 points (Chromium rounds a little).
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf)
    assert boxes and all(
        abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in boxes
    ), boxes
