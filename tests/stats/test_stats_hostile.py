"""Exports from strangers, built for real: what their worst values do on the built portal."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from generator.build import build
from tests.helpers import LIVE_TAGS, HtmlScan

from .conftest import X_HEADER

HOSTILE_TEXT = (
    "Promo\n\n<img src=x onerror=alert(1)> [clic](javascript:alert(1)) {{ 7*7 }} {% if 1 %}"
    " **gras** <script>alert(2)</script>"
)
# Nothing planned near these rows: they are listed on the Data read page with their text.
X_ROWS = X_HEADER + (
    '"7","https://x.com/m/status/7","{text}","2026-11-21 03:00 +0000","10","1","1"\n'
    '"8","https://x.com/m/status/8","=HYPERLINK(""http://evil"",""x"")","2026-11-22 03:00 +0000","10","1","1"\n'
).format(text=HOSTILE_TEXT.replace('"', '""'))
GA4 = (
    "# Start date: 20261101\n# End date: 20261130\n"
    "Session source,Session campaign,Session manual ad content,Users,Sessions\n"
    'linkedin,"=HYPERLINK(""http://evil"")","<b>ana</b>",3,4\n'
    "linkedin,hiver,ana,10,12\n"
    '"@SUM(1+1)",hiver,"-2+3",1,1\n'
)


CONTENT_LIVE = LIVE_TAGS | {"img"}  # the statistics show no image (their charts are inline SVG)


def content(page: str) -> str:
    """The page's own content, inside the theme's frame (which has its scripts and forms)."""
    return page[page.index('<div class="relais-stats') : page.rindex("</article>")]


def test_hostile_export_values_stay_text_on_the_built_portal(
    repo: Callable[..., Path],
) -> None:
    root = repo({"x.csv": X_ROWS, "ga4.csv": GA4})
    result = build(root, now_option="2026-12-01T08:00")
    assert result.ok, result.failure
    site = result.out
    data = (site / "stats" / "data" / "index.html").read_text()
    page = content(data)[content(data).index('id="unmatched"') :]
    scan = HtmlScan.of(page)
    assert scan.dangers(live=CONTENT_LIVE) == []
    text = " ".join(" ".join(scan.text).split())
    # The stranger's text is shown as the characters it is: no markup, no Markdown, no template.
    assert "<img src=x onerror=alert(1)> [clic](javascript:alert(1)) {{ 7*7 }}" in text
    assert "{% if 1 %} **gras** <script>alert(2)</script>" in text
    assert "<strong>gras</strong>" not in page and "<em>" not in page
    assert '=HYPERLINK("http://evil","x")' in text
    for html_file in (site / "stats").rglob("*.html"):
        assert HtmlScan.of(content(html_file.read_text())).dangers(live=CONTENT_LIVE) == [], (
            html_file
        )
    # Every CSV download: no cell a spreadsheet would run as a formula, and no stranger's value
    # that the plan does not know (an unknown campaign or ambassador is never a row).
    csvs = list((site / "stats" / "csv").glob("*.csv"))
    assert csvs
    for path in csvs:
        downloaded = path.read_bytes().decode("utf-8-sig")
        assert (
            "HYPERLINK" not in downloaded and "SUM(" not in downloaded and "<b>" not in downloaded
        )
        for row in csv.reader(io.StringIO(downloaded)):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), (path.name, cell)
