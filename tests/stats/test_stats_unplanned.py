"""Posts that are not in the plan still reached people: the month's totals count them, apart."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .conftest import X_HEADER, monthly_report
from .test_stats_match import LINKEDIN, X
from .test_stats_pages import site

# An older cumulative export of the unplanned tweet (status 3): the same post, fewer numbers.
X_EARLIER = X_HEADER + (
    '"3","https://x.com/m/status/3","Joyeux anniversaire à notre livreur","2026-11-20 17:00 +0000","120","2","1"\n'
)


def _row(page: str, label: str) -> list[str]:
    """The cells of the table row whose first cell is `label`."""
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)
        ]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r}")


def test_unplanned_posts_count_in_the_network_and_month_totals(repo: Callable[..., Path]) -> None:
    s = site(repo({"linkedin.csv": LINKEDIN, "x.csv": X, "x-earlier.csv": X_EARLIER}))
    overview = s.pages["stats/index.md"]
    # Its own row under its network, counted once (the fuller of its two exports' rows).
    assert _row(overview, "X — hors plan")[1:3] == ["1", "300"]
    # The planned X posts keep their own row: plan against reality stays honest.
    assert _row(overview, "X")[1:3] == ["2", "1\u202f600"]
    # The month's impressions count it: LinkedIn 2,000 + planned X 1,600 + unplanned 300.
    assert re.search(r"Impressions hors plan\D*300\b", overview)
    assert "3\u202f900" in overview
    assert "hors plan" in s.pages["stats/data.md"]  # and the unmatched rows say so


def test_the_monthly_report_counts_them_too(repo: Callable[..., Path], tmp_path: Path) -> None:
    root = repo({"linkedin.csv": LINKEDIN, "x.csv": X, "x-earlier.csv": X_EARLIER}, language="en")
    out = tmp_path / "out"
    monthly_report(root, out)
    md = (out / "report-2026-11.md").read_text()
    assert re.search(r"\| X — not in the plan \| 1 \| 300 \|", md)
    assert re.search(r"\| Impressions not in the plan \| 300 \| 0 \|", md)
    assert re.search(r"\| Impressions \| 3,900 \| 0 \|", md)
