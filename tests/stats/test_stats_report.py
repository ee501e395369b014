"""`relais stats report`: the month's report as Markdown and printable HTML, from the demo."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli

from .conftest import monthly_report


def test_monthly_report_of_the_demo(demo_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    monthly_report(demo_repo, out)
    md = (out / "report-2026-11.md").read_text()
    html = (out / "report-2026-11.html").read_text()
    assert md.startswith("# Rapport de novembre 2026")
    assert "octobre 2026" in md  # compared with the month before
    assert ("LinkedIn" in md and "Lancement de la gamme d’hiver" in md) or "gamme" in md
    assert "Claire Martin" in md  # a public ambassador
    assert "Lucas Bernard" not in md + html  # not public: counted with the others
    assert "<svg" in html and "<script" not in html
    assert "default-src 'none'" in html  # self-contained: nothing is fetched when it opens
    assert not re.search(r'src="https?://|<link[^>]+href="https?://', html)  # no resource
    assert 'href="https://portal.example.org/posts/' in html  # the best posts link to the portal


def test_report_month_must_be_a_month(demo_repo: Path) -> None:
    result = CliRunner().invoke(
        cli, ["stats", "report", "--month", "novembre", "--root", str(demo_repo)]
    )
    assert result.exit_code == 2 and "not a month like 2026-11" in result.output
