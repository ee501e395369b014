"""The monthly report: the month's figures beside the previous month's, the best posts, the
campaigns and the ambassadors; as Markdown and printable HTML (`relais stats report`) and as a
page of the portal (pages.py), from one view."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import safefs
from ..render import render
from .figures import Figures, compute, previous
from .views import Formatter, colon, group_table, plan_table, ranked_view, traffic_tables


def _change(f: Formatter, now: float | None, before: float | None, rate: bool = False) -> str:
    if now is None or before is None:
        return "–"
    if rate:
        points = (now - before) * 100
        return f"{'+' if points >= 0 else '−'}{f.n(round(abs(points), 1))} pt"
    if not before:
        return "–"
    change = (now - before) / before
    return ("+" if change >= 0 else "−") + f.pct(abs(change))


def _sessions(figures: Figures) -> int:
    return sum(t.sessions for t in figures.traffic_network)


def view(pl: Any, f: Formatter, month: date, page: str = "") -> dict[str, Any]:
    """Everything the report shows of `month` (its first day)."""
    t = f.t
    now: datetime = pl.now
    project = pl.project
    this, last = compute(project, now, month), compute(project, now, previous(month))
    summary = [
        (t("stats_posts_measured"), this.total.posts, last.total.posts, False),
        (t("stats_impressions"), this.total.impressions, last.total.impressions, False),
        (
            t("stats_unplanned_impressions"),
            this.unplanned.impressions,
            last.unplanned.impressions,
            False,
        ),
        (t("stats_engagement"), this.total.engagement, last.total.engagement, False),
        (t("stats_rate"), this.total.rate, last.total.rate, True),
        (t("stats_sessions"), _sessions(this), _sessions(last), False),
        (t("stats_share"), this.ambassador_share, last.ambassador_share, True),
    ]
    rows = [
        [
            label,
            f.pct(a) if rate else f.n(a),
            f.pct(b) if rate else f.n(b),
            _change(f, a, b, rate),
        ]
        for label, a, b, rate in summary
    ]
    key = f"{month:%Y-%m}-"
    tables = [
        plan_table(f, this, key + "plan", chart=False),
        group_table(
            f,
            key + "networks",
            t("stats_by_network"),
            this.by_network,
            f.network,
            True,
            t("stats_network"),
        ),
        group_table(
            f,
            key + "campaigns",
            t("stats_by_campaign"),
            this.by_campaign,
            f.campaign,
            False,
            t("campaign"),
        ),
        *traffic_tables(f, this, key, chart=False),
    ]
    title = t("stats_report_title", month=t.month(month))
    return {
        "title": title[:1].upper() + title[1:],
        "intro": t("stats_report_intro", month=t.month(month), previous=t.month(previous(month))),
        "month": f.month(month),
        "previous": f.month(previous(month)),
        "summary": rows,
        "tables": [tb for tb in tables if tb.rows],
        "ranked": [(t("stats_top"), ranked_view(pl, f, this.top[:3], page))],
        "generated": t("stats_generated", date=t.medium_day(now)),
    }


def write(pl: Any, month: date, out: Path) -> list[Path]:
    """Write report-YYYY-MM.md and .html into `out`; returns their paths."""
    f = Formatter(pl.project)
    report = view(pl, f, month)
    for tb in report["tables"]:
        tb.csv = ""  # the CSV files are the portal's; a report file stands alone
    context = {
        "t": f.t,
        "r": report,
        "colon": colon(f.lang),
        "page": "report.md",
        "lang": f.lang,
        "site": pl.project.config.site.name,
        "ranked": report["ranked"],
    }
    # Never through a link (the folder may be in the repository, where a commit can put one).
    here, folder = Path.cwd(), Path(os.path.abspath(out))
    base = here if folder.is_relative_to(here) else folder.parent
    safefs.make_dirs(base, folder)
    md = out / f"report-{month:%Y-%m}.md"
    html = out / f"report-{month:%Y-%m}.html"
    safefs.write_bytes(
        folder / md.name, render("stats/report.md.j2", **context).encode("utf-8"), base=base
    )
    # The HTML report holds its charts: drawn for it alone, with the network table.
    safefs.write_bytes(
        folder / html.name, render("stats/report.html.j2", **context).encode("utf-8"), base=base
    )
    return [md, html]
