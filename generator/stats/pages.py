"""The Statistics section of the portal: overview, ambassador programme, monthly reports, data
read; and each post's own numbers on its page. Planned from the project (exports read by
`load`), never from the network."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..model import Project
from ..render import render
from ..site import Section
from . import report
from .figures import Figures, compute, months
from .published import post_key
from .views import (
    Formatter,
    Table,
    colon,
    csv_files,
    group_table,
    plan_table,
    ranked_view,
    traffic_tables,
)

OVERVIEW, AMBASSADORS, DATA, REPORTS = (
    "stats/index.md",
    "stats/ambassadors.md",
    "stats/data.md",
    "stats/reports/index.md",
)


def report_path(month: date) -> str:
    return f"stats/reports/{month:%Y-%m}.md"


def _times(f: Formatter, project: Project, figures: Figures) -> list[dict[str, Any]]:
    from .figures import DEAD_SHARE, MIN_BUCKET

    out = []
    for network in sorted({b.network for b in figures.hours} | {b.network for b in figures.days}):
        mid = figures.medians.get(network)
        hours = [
            {
                "label": f"{b.slot:02d}:00",
                "posts": f.n(b.posts),
                "rate": f.pct(b.rate),
                "dead": bool(mid and b.posts >= MIN_BUCKET and b.rate < DEAD_SHARE * mid),
            }
            for b in figures.hours
            if b.network == network
        ]
        days = [
            {"label": f.weekday(b.slot), "posts": f.n(b.posts), "rate": f.pct(b.rate)}
            for b in figures.days
            if b.network == network
        ]
        slots = [
            f"{', '.join(f.weekday(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].index(d)) for d in s.days)} {s.time}"
            for s in project.slots
            if s.network == network
        ]
        out.append(
            {
                "network": network,
                "label": f.network(network),
                "hours": hours,
                "days": days,
                "slots": slots,
            }
        )
    return out


def _post_blocks(pl: Any, f: Formatter, figures: Figures) -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = {}
    for post in pl.project.posts:
        if pl.view(post).embargoed:
            continue
        rows = []
        for network, n, how in figures.per_post.get(post.slug, ()):
            seen = n.impressions or n.reach
            engagement = n.engagement()
            rows.append(
                {
                    "network": network,
                    "cells": [
                        f.n(n.impressions),
                        f.n(n.reach),
                        f.n(n.reactions),
                        f.n(n.comments),
                        f.n(n.shares),
                        f.n(n.clicks),
                        f.pct(engagement / seen if seen and engagement is not None else None),
                        f.t(f"stats_how_{how}"),
                    ],
                }
            )
        published = [
            {"network": n, "url": url}
            for n, url in post.published.items()
            if n in post.networks and post_key(url, n)
        ]
        if rows or published:
            blocks[post.slug] = [
                render(
                    "stats/post_block.html.j2",
                    t=f.t,
                    colon=colon(f.lang),
                    rows=rows,
                    published=published,
                )
            ]
    return blocks


def plan(pl: Any, snapshot: Any = None) -> Section:
    """The Statistics section; nothing when the repository has no stats/ folder."""
    project: Project = pl.project
    if not project.stats.files and not any(p.published for p in project.posts):
        return Section()
    f = Formatter(project)
    t = f.t
    now: datetime = pl.now
    figures = compute(project, now)
    tables: list[Table] = []
    plan_t = plan_table(f, figures, "plan", chart=True)
    groups = [
        group_table(
            f,
            "networks",
            t("stats_by_network"),
            figures.by_network,
            f.network,
            True,
            t("stats_network"),
        ),
        group_table(
            f,
            "campaigns",
            t("stats_by_campaign"),
            figures.by_campaign,
            f.campaign,
            False,
            t("campaign"),
        ),
        group_table(
            f,
            "key-dates",
            t("stats_by_key_date"),
            figures.by_key_date,
            f.key_date,
            False,
            t("key_date"),
        ),
        group_table(
            f,
            "formats",
            t("stats_by_format"),
            figures.by_format,
            lambda k: t.format(k),
            False,
            t("format"),
        ),
        group_table(
            f,
            "topics",
            t("stats_by_topic"),
            figures.by_topic,
            project.config.topic_label,  # ids stay keys; readers read the labels
            False,
            t("topics"),
        ),
    ]
    groups = [g for g in groups if g.rows]
    total = figures.total
    cards = [
        (t("stats_posts_measured"), f.n(total.posts)),
        (t("stats_impressions"), f.n(total.impressions)),
        (t("stats_engagement"), f.n(total.engagement)),
        (t("stats_rate"), f.pct(total.rate)),
    ]
    if figures.unplanned.posts:
        cards.append((t("stats_unplanned_impressions"), f.n(figures.unplanned.impressions)))
    if figures.ambassador_share is not None:
        cards.append((t("stats_share"), f.pct(figures.ambassador_share)))
    pages = {
        OVERVIEW: render(
            "stats/index.md.j2",
            meta=pl.meta(t("stats"), hide=["navigation"]),
            page=OVERVIEW,
            t=t,
            colon=colon(f.lang),
            measured=bool(total.posts),
            cards=cards,
            plan=plan_t,
            groups=groups,
            times=_times(f, project, figures),
            ranked=[
                (t("stats_top"), ranked_view(pl, f, figures.top, OVERVIEW)),
                (t("stats_bottom"), ranked_view(pl, f, figures.bottom, OVERVIEW)),
            ],
        )
    }
    traffic = traffic_tables(f, figures, "", chart=True)
    pages[AMBASSADORS] = render(
        "stats/ambassadors.md.j2",
        meta=pl.meta(t("stats_ambassadors"), hide=["navigation"]),
        page=AMBASSADORS,
        t=t,
        share=f.pct(figures.ambassador_share) if figures.ambassador_share is not None else "",
        tables=traffic,
    )
    files = Table(
        "files",
        t("stats_files"),
        [t("stats_file"), t("stats_format"), t("stats_rows")],
        [[e.file, e.format or t("stats_unknown"), f.n(e.rows)] for e in figures.files],
        [[e.file, e.format_id, e.rows] for e in figures.files],
        csv="",
    )
    pages[DATA] = render(
        "stats/data.md.j2",
        meta=pl.meta(t("stats_data"), hide=["navigation"], search={"exclude": True}),
        page=DATA,
        t=t,
        files=files,
        unmatched=[
            {
                "file": u.numbers.file,
                "line": u.numbers.line,
                "network": f.network(u.numbers.network),
                "when": t.medium_day(u.numbers.day) if u.numbers.day else "",
                "text": u.numbers.text[:200],
                "why": t(f"stats_why_{u.why}", slugs=", ".join(u.slugs)),
            }
            for u in figures.unmatched
        ],
        missing_intro=t("stats_missing_intro", days=project.config.stats.missing_after_days),
        missing=_missing(pl, f, figures),
    )
    month_list = months(project, now)
    reports = []
    for month in month_list:
        path = report_path(month)
        view = report.view(pl, f, month, page=path)
        tables.extend(view["tables"])
        pages[path] = render(
            "stats/report_page.md.j2",
            meta=pl.meta(view["title"], hide=["navigation"]),
            page=path,
            t=t,
            colon=colon(f.lang),
            r=view,
            ranked=view["ranked"],
        )
        reports.append({"url": path[: -len(".md")] + "/", "label": f.month(month)})
    pages[REPORTS] = render(
        "stats/reports.md.j2",
        meta=pl.meta(t("stats_reports"), hide=["navigation"]),
        page=REPORTS,
        t=t,
        months=reports,
    )
    tables.extend([plan_t, *groups, *traffic])
    return Section(
        pages=pages,
        files=csv_files(tables),
        nav=[
            {
                t("stats"): [
                    {t("stats_overview"): OVERVIEW},
                    {t("stats_ambassadors"): AMBASSADORS},
                    {t("stats_reports"): REPORTS},
                    {t("stats_data"): DATA},
                ]
            }
        ],
    )


def post_numbers(pl: Any, snapshot: Any = None) -> Section:
    """Each post's own numbers and published addresses, as a block of its page."""
    project: Project = pl.project
    if not project.stats.files and not any(p.published for p in project.posts):
        return Section()
    return Section(post_blocks=_post_blocks(pl, Formatter(project), compute(project, pl.now)))


def _missing(pl: Any, f: Formatter, figures: Figures) -> list[dict[str, str]]:
    by_post: dict[str, list[str]] = {}
    for slug, network in figures.missing:
        by_post.setdefault(slug, []).append(f.network(network))
    out = []
    for slug, networks in by_post.items():
        post = f.posts[slug]
        view = pl.view(post)
        out.append({"title": view.title, "url": view.url, "networks": ", ".join(networks)})
    return out
