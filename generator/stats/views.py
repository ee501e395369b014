"""Figures made ready for templates: numbers formatted in the site's language, charts drawn,
tables and their CSV files; shared by the portal's pages and the monthly report."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from .. import networks as net
from ..i18n import Translator
from ..model import Post, Project
from . import charts
from .figures import Figures, Group

CSV_DIR = "stats/csv"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A cell safe to open in a spreadsheet: text that would start a formula is quoted by a '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_bytes(headers: list[str], rows: list[list[Any]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in headers])
    for row in rows:
        writer.writerow([csv_cell(c) for c in row])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")  # a BOM: Excel reads it as UTF-8


@dataclass
class Table:
    """A table of the page: display cells, and the raw values that its CSV holds."""

    id: str
    title: str
    headers: list[str]
    rows: list[list[str]]
    raw: list[list[Any]] = field(default_factory=list)
    chart: Markup | None = None
    csv: str = ""  # docs path of the CSV, "" without one


class Formatter:
    """Numbers, rates and labels in the site's language."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.lang = project.config.site.language
        self.t = Translator(self.lang)
        self.campaigns = {c.id: c.title for c in project.campaigns}
        self.key_dates = {k.id: k.title for k in project.key_dates}
        self.posts = {p.slug: p for p in project.posts}
        self.ambassadors = {a.id: a for a in project.ambassadors}

    def n(self, value: float | None) -> str:
        return "–" if value is None else format_decimal(value, locale=self.lang)

    def pct(self, value: float | None) -> str:
        return "–" if value is None else format_percent(value, "#,##0.0 %", locale=self.lang)

    def network(self, network_id: str) -> str:
        found = net.get(network_id)
        return found.label if found else network_id

    def month(self, value: date) -> str:
        text = self.t.month(value)
        return text[:1].upper() + text[1:]

    def campaign(self, key: str) -> str:
        if key in self.campaigns:
            return self.campaigns[key]
        post = self.posts.get(key)
        return post.title if post is not None else key

    def key_date(self, key: str) -> str:
        return self.key_dates.get(key, key)

    def weekday(self, day: int) -> str:
        return self.t(f"stats_weekday_{day}")

    def ambassador_label(self, key: str) -> str:
        """A public ambassador's name; the others are never named."""
        amb = self.ambassadors.get(key)
        return amb.name if amb is not None and amb.public else self.t("stats_others")


def group_table(
    f: Formatter,
    table_id: str,
    title: str,
    groups: tuple[Group, ...],
    label: Any,
    chart: bool,
    column: str = "",
) -> Table:
    t = f.t
    headers = [
        column or title,
        t("posts"),
        t("stats_impressions"),
        t("stats_engagement"),
        t("stats_rate"),
    ]

    def name(g: Group) -> str:
        return f"{label(g.key)} — {t('stats_not_in_plan')}" if g.unplanned else str(label(g.key))

    raw = [[name(g), g.posts, g.impressions, g.engagement, g.rate] for g in groups]
    rows = [
        [name(g), f.n(g.posts), f.n(g.impressions), f.n(g.engagement), f.pct(g.rate)]
        for g in groups
    ]
    svg = None
    if chart and groups:
        svg = Markup(
            charts.bars(
                table_id,
                f"{title} : {t('stats_impressions')}"
                if f.lang == "fr"
                else f"{title}: impressions",
                [name(g) for g in groups],
                [(t("stats_impressions"), [g.impressions or g.reach for g in groups])],
                number=f.n,
            )
        )
    return Table(table_id, title, headers, rows, raw, svg, f"{CSV_DIR}/{table_id}.csv")


def plan_table(f: Formatter, figures: Figures, table_id: str, chart: bool) -> Table:
    t = f.t
    headers = [
        t("stats_month"),
        t("stats_network"),
        t("stats_planned"),
        t("stats_published"),
        t("stats_cancelled"),
        t("stats_late"),
    ]
    raw = [
        [r.month.isoformat()[:7], r.network, r.planned, r.published, r.cancelled, r.late]
        for r in figures.plan
    ]
    rows = [
        [
            f.month(r.month),
            f.network(r.network),
            f.n(r.planned),
            f.n(r.published),
            f.n(r.cancelled),
            f.n(r.late),
        ]
        for r in figures.plan
    ]
    svg = None
    if chart and figures.plan:
        months = sorted({r.month for r in figures.plan})
        planned = [sum(r.planned for r in figures.plan if r.month == m) for m in months]
        done = [sum(r.published for r in figures.plan if r.month == m) for m in months]
        svg = Markup(
            charts.bars(
                table_id,
                t("stats_plan"),
                [f.month(m) for m in months],
                [(t("stats_planned"), planned), (t("stats_published"), done)],
                number=f.n,
            )
        )
    return Table(table_id, t("stats_plan"), headers, rows, raw, svg, f"{CSV_DIR}/{table_id}.csv")


def traffic_tables(f: Formatter, figures: Figures, prefix: str, chart: bool) -> list[Table]:
    t = f.t
    out = []
    specs = [
        ("ambassadors", t("stats_by_ambassador"), figures.traffic_ambassador, f.ambassador_label),
        ("traffic-networks", t("stats_traffic_network"), figures.traffic_network, f.network),
        ("kits", t("stats_by_kit"), figures.traffic_kit, f.campaign),
    ]
    for name, title, items, label in specs:
        if not items:
            continue
        table_id = f"{prefix}{name}"
        headers = [title, t("stats_sessions")]
        raw = [[label(i.key), i.sessions] for i in items]
        rows = [[label(i.key), f.n(i.sessions)] for i in items]
        svg = None
        if chart and name != "kits":
            svg = Markup(
                charts.bars(
                    table_id,
                    f"{title} ({t('stats_sessions').lower()})",
                    [label(i.key) for i in items],
                    [(t("stats_sessions"), [i.sessions for i in items])],
                    number=f.n,
                )
            )
        out.append(Table(table_id, title, headers, rows, raw, svg, f"{CSV_DIR}/{table_id}.csv"))
    return out


def csv_files(tables: list[Table]) -> dict[str, bytes]:
    """The CSV of every table that has one."""
    return {table.csv: csv_bytes(table.headers, table.raw) for table in tables if table.csv}


def colon(lang: str) -> str:
    """French puts a (no-break) space before a colon."""
    return "\u00a0: " if lang == "fr" else ": "


def ranked_view(pl: Any, f: Formatter, items: Any, page: str = "") -> list[dict[str, Any]]:
    """The best or worst posts as templates show them (none is under embargo: figures); their
    links relative to `page`, or absolute (the portal's address) without one: a report file."""
    from ..render import relative

    out = []
    for r in items:
        post: Post = r.post
        when = pl.local(post.date) if post.date else None
        out.append(
            {
                "title": post.title,
                "url": relative(page, pl.view(post).url)
                if page
                else f.project.config.site.url.rstrip("/") + "/" + pl.view(post).url,
                "when": f.t.medium_day(when) if when else "",
                "networks": ", ".join(f.network(n) for n in r.networks),
                "impressions": f.n(r.impressions),
                "engagement": f.n(r.engagement),
                "rate": f.pct(r.rate),
                "messages": [
                    {"network": n, "text": post.messages[n]}
                    for n in r.networks
                    if post.messages.get(n)
                ],
            }
        )
    return out
