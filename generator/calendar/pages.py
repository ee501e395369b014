"""Calendar pages: month grids, the agenda with free slots, the production board, campaigns, key dates.

Pure: from the planner (project, `now`, translator) to Markdown pages and .ics files.
Page count grows with months and campaigns, never with posts: each post appears on
the page of its month, on the board while in progress, and on its campaign's page.
"""

from __future__ import annotations

import calendar as pycalendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import get_day_names

from .. import contrast
from .. import networks as net
from ..model import IN_PROGRESS, Campaign, Post, Status
from ..planner import Planner, PostView, search_text, upper_first
from ..render import render
from ..site import Later, Section
from .ics import Feed, absolute, plan_feeds, write_feeds
from .recurrence import Occurrence, all_occurrences
from .schedule import NOT_READY, KeyDateLinks, campaign_posts, is_overdue
from .slots import SlotTime, free_slots

MONTHS_BACK = 3
MONTHS_AHEAD = 12
MONTHS_LIMIT = 24  # posts further than this from today are only in the archive
AGENDA_WEEKS = 8
# The board shows the work of the next quarter: a post dated later is counted under its
# column, with a link to its month, so that the page stays the same size whatever the plan
# holds (a team that plans years ahead, 10,000 posts: docs/contributor/performance.md).
BOARD_WEEKS = 13
KEY_DATES_DAYS = 365
KEY_DATE_NOTICE_DAYS = 14
HIDE = ["navigation", "toc"]
INDEX = "calendar/index.md"
BOARD = "calendar/board.md"
KEY_DATES = "calendar/key-dates.md"
CAMPAIGNS = "calendar/campaigns/index.md"


def month_path(month: date) -> str:
    return f"calendar/{month:%Y-%m}.md"


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Item:
    """A post as the calendar shows it: its view plus the bits the filters and grids need."""

    view: PostView
    clock: str
    at: datetime | None
    day: date | None
    owner: str  # filter value: the owner's id when public, else ''
    campaign: str


@dataclass(frozen=True)
class Slot:
    """A free slot in the agenda."""

    network: str
    clock: str
    at: datetime


@dataclass
class Day:
    """One day cell of a month grid or one day of the agenda."""

    day: date
    label: str
    in_month: bool = True
    today: bool = False
    key_dates: list[dict[str, Any]] = field(default_factory=list)
    bands: list[dict[str, Any]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    entries: list[Item | Slot] = field(default_factory=list)  # agenda: posts and free slots by time


class Calendar:
    """Everything the calendar pages share, computed once."""

    def __init__(self, pl: Planner) -> None:
        self.pl = pl
        self.t = pl.t
        self.project = pl.project
        self.tz = pl.project.tz
        self.today = pl.now.date()
        self.this_month = self.today.replace(day=1)
        self.items: dict[str, Item] = {}
        self.by_day: dict[date, list[Item]] = defaultdict(list)
        for post in sorted(self.project.posts, key=_post_order):
            item = self._item(post)
            self.items[post.slug] = item
            if item.day is not None:
                self.by_day[item.day].append(item)
        self.months = self._months()
        first = self.months[0] - timedelta(days=7)
        last = _add_months(self.months[-1], 1) + timedelta(days=7)
        self.occurrences = all_occurrences(
            self.project.key_dates, first, max(last, self.today + timedelta(days=KEY_DATES_DAYS))
        )
        self.key_dates_by_day: dict[date, list[Occurrence]] = defaultdict(list)
        for occ in self.occurrences:
            day = max(occ.start, first)
            while day <= min(occ.end, last):
                self.key_dates_by_day[day].append(occ)
                day += timedelta(days=1)
        self.campaigns = sorted(self.project.campaigns, key=lambda c: (c.start, c.id))
        self.feeds, self.feed_plans = plan_feeds(pl)

    def _item(self, post: Post) -> Item:
        view = self.pl.view(post)
        local = post.date.astimezone(self.tz) if post.date else None
        return Item(
            view=view,
            clock=self.t.clock(local) if local else "",
            at=local,
            day=local.date() if local else None,
            owner=(view.owner_id or "") if view.owner_url else "",
            campaign=view.campaign_id or "",
        )

    def _months(self) -> list[date]:
        first = _add_months(self.this_month, -MONTHS_BACK)
        last = _add_months(self.this_month, MONTHS_AHEAD)
        floor = _add_months(self.this_month, -MONTHS_LIMIT)
        ceiling = _add_months(self.this_month, MONTHS_LIMIT)
        for day in self.by_day:
            month = day.replace(day=1)
            if floor <= month < first:
                first = month
            if last < month <= ceiling:
                last = month
        months = []
        month = first
        while month <= last:
            months.append(month)
            month = _add_months(month, 1)
        return months

    # --- pieces shared by the templates ---------------------------------------------------

    def day_cell(self, day: date, *, in_month: bool = True) -> Day:
        cell = Day(
            day=day, label=upper_first(self.t.day(day)), in_month=in_month, today=day == self.today
        )
        for occ in self.key_dates_by_day.get(day, []):
            cell.key_dates.append(
                dict(
                    id=occ.key_date.id,
                    title=occ.key_date.title,
                    category=occ.key_date.category,
                    first=day == occ.start or day.weekday() == 0 or day.day == 1,
                    starts=day == occ.start,
                    # A key date of several days says its range where it is shown whole.
                    span=self.t(
                        "from_to", start=self.t.short_day(occ.start), end=self.t.short_day(occ.end)
                    )
                    if occ.end > occ.start
                    else "",
                )
            )
        for c in self.campaigns:
            if c.start <= day <= c.end:
                cell.bands.append(
                    dict(
                        id=c.id,
                        title=c.title,
                        color=c.color,
                        # Black or white text, whichever reads best on the campaign's colour.
                        ink=contrast.ink(c.color),
                        url=self.pl.campaign_url(c.id),
                        first=day == c.start or day.weekday() == 0 or day.day == 1,
                    )
                )
        cell.items = list(self.by_day.get(day, []))
        return cell

    def weekday_names(self) -> list[tuple[str, str]]:
        """(abbreviated, full) weekday names, Monday first."""
        short = get_day_names("abbreviated", locale=self.t.lang)
        wide = get_day_names("wide", locale=self.t.lang)
        return [(short[i], wide[i]) for i in range(7)]

    def month_weeks(self, month: date) -> list[tuple[int, list[Day]]]:
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
            number = week[0].isocalendar()[1]
            weeks.append(
                (number, [self.day_cell(d, in_month=d.month == month.month) for d in week])
            )
        return weeks

    def month_link(self, month: date) -> dict[str, str] | None:
        if month not in self.months:
            return None
        return dict(url=f"calendar/{month:%Y-%m}/", label=self.t.month(month))

    def common(self, page: str, view: str) -> dict[str, Any]:
        """Context every calendar template receives."""
        config = self.project.config
        return dict(
            page=page,
            t=self.t,
            view=view,
            views=[
                ("agenda", self.t("cal_agenda"), "calendar/"),
                ("month", self.t("cal_month"), f"calendar/{self.this_month:%Y-%m}/"),
                ("board", self.t("cal_board"), "calendar/board/"),
                ("key-dates", self.t("key_dates"), "calendar/key-dates/"),
                ("campaigns", self.t("campaigns"), "calendar/campaigns/"),
            ],
            filters=dict(
                networks=[(n, net.get(n).label if net.get(n) else n) for n in config.networks],  # type: ignore[union-attr]
                campaigns=[(c.id, c.title) for c in self.campaigns],
                owners=sorted(
                    ((a.id, a.name) for a in self.project.ambassadors if a.public),
                    key=lambda o: o[1],
                ),
                statuses=[(s.value, self.t.status(s.value)) for s in Status],
            ),
            statuses=[(s.value, self.t.status(s.value)) for s in Status],
        )

    # --- pages ---------------------------------------------------------------------------

    def month_page(self, month: date) -> str:
        i = self.months.index(month)
        page = month_path(month)
        return render(
            "calendar/month.md.j2",
            meta=self.pl.meta(
                self.t("cal_month_title", month=self.t.month(month)),
                hide=HIDE,
                found_as="",
                page=page,
            ),
            **self.common(page, "month"),
            month_label=upper_first(self.t.month(month)),
            weekdays=self.weekday_names(),
            weeks=self.month_weeks(month),
            prev=self.month_link(self.months[i - 1]) if i > 0 else None,
            next=self.month_link(self.months[i + 1]) if i + 1 < len(self.months) else None,
            current=self.month_link(self.this_month),
            is_current=month == self.this_month,
        )

    def agenda(self) -> list[dict[str, Any]]:
        """The coming weeks, Monday to Sunday, from today: posts, key dates and free slots per day."""
        monday = self.today - timedelta(days=self.today.weekday())
        end = monday + timedelta(weeks=AGENDA_WEEKS)
        slots_by_day: dict[date, list[SlotTime]] = defaultdict(list)
        until = datetime.combine(end, datetime.min.time(), self.tz)
        for st in free_slots(self.project, self.pl.now, until):
            slots_by_day[st.at.date()].append(st)
        weeks = []
        for w in range(AGENDA_WEEKS):
            start = monday + timedelta(weeks=w)
            days = []
            for offset in range(7):
                day = start + timedelta(days=offset)
                if day < self.today:
                    continue
                cell = self.day_cell(day)
                # A key date of several days once, on its first day (or today's, when it began
                # earlier) with its range: not on every row of the weeks it lasts.
                cell.key_dates = [k for k in cell.key_dates if k["starts"] or day == self.today]
                slots = [
                    Slot(st.network, self.t.clock(st.at), st.at) for st in slots_by_day.get(day, [])
                ]
                entries: list[tuple[datetime, int, Item | Slot]] = [
                    (i.at, 0, i) for i in cell.items if i.at
                ]
                entries += [(s.at, 1, s) for s in slots]
                cell.entries = [e for _, _, e in sorted(entries, key=lambda e: (e[0], e[1]))]
                if cell.entries or cell.key_dates:
                    days.append(cell)
            running = [
                c for c in self.campaigns if c.start <= start + timedelta(days=6) and c.end >= start
            ]
            weeks.append(
                dict(
                    number=start.isocalendar()[1],
                    label=self.t(
                        "cal_week",
                        n=start.isocalendar()[1],
                        start=self.t.short_day(start),
                        end=self.t.short_day(start + timedelta(days=6)),
                    ),
                    days=days,
                    campaigns=[
                        dict(title=c.title, color=c.color, url=self.pl.campaign_url(c.id))
                        for c in running
                    ],
                )
            )
        return weeks

    def index_page(self) -> str:
        config = self.project.config
        return render(
            "calendar/index.md.j2",
            meta=self.pl.meta(self.t("calendar"), hide=HIDE, found_as="", page=INDEX),
            **self.common(INDEX, "agenda"),
            weeks=self.agenda(),
            agenda_weeks=AGENDA_WEEKS,
            month_label=upper_first(self.t.month(self.this_month)),
            month_url=f"calendar/{self.this_month:%Y-%m}/",
            weekdays=self.weekday_names(),
            month_weeks=self.month_weeks(self.this_month),
            prev=self.month_link(_add_months(self.this_month, -1)),
            next=self.month_link(_add_months(self.this_month, 1)),
            feeds=self.feed_groups(),
            site_url=config.site.url,
        )

    def feed_groups(self) -> list[tuple[str, list[dict[str, Any]]]]:
        site_url = self.project.config.site.url
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for feed in self.feeds:
            groups[feed.kind].append(_feed_view(feed, site_url, self.t))
        titles = [
            ("all", self.t("cal_feeds_all")),
            ("network", self.t("cal_feeds_networks")),
            ("campaign", self.t("cal_feeds_campaigns")),
            ("key-dates", self.t("key_dates")),
            ("owner", self.t("cal_feeds_owners")),
        ]
        return [(title, groups[kind]) for kind, title in titles if groups.get(kind)]

    def board_page(self) -> str:
        columns = []
        horizon = self.today + timedelta(weeks=BOARD_WEEKS)
        for status in IN_PROGRESS:
            cards = []
            later: list[Post] = []
            for post in sorted(
                (p for p in self.project.posts if p.status is status), key=_post_order
            ):
                if (
                    post.date is not None
                    and self.pl.local(post.date).date() >= horizon
                    and not is_overdue(post, self.today)
                ):
                    later.append(post)
                    continue
                item = self.items[post.slug]
                hidden = item.view.embargoed
                cards.append(
                    dict(
                        item=item,
                        due=self.t.medium_day(post.due) if post.due and not hidden else "",
                        due_iso=post.due.isoformat() if post.due and not hidden else "",
                        overdue=not hidden and is_overdue(post, self.today),
                    )
                )
            first = self.pl.local(later[0].date).date() if later and later[0].date else None
            columns.append(
                dict(
                    status=status.value,
                    label=self.t.status(status.value),
                    cards=cards,
                    overdue=sum(1 for c in cards if c["overdue"]),
                    later=len(later),
                    later_link=self.month_link(first.replace(day=1)) if first else None,
                )
            )
        return render(
            "calendar/board.md.j2",
            meta=self.pl.meta(self.t("cal_board_title"), hide=HIDE, found_as="", page=BOARD),
            **self.common(BOARD, "board"),
            columns=columns,
            not_ready=[s.value for s in NOT_READY],
            horizon=self.t.medium_day(horizon),
        )

    def key_dates_page(self) -> str:
        end = self.today + timedelta(days=KEY_DATES_DAYS - 1)
        months: dict[date, list[dict[str, Any]]] = defaultdict(list)
        links = KeyDateLinks(self.project)
        for occ, previous in links.occurrences(self.today, end):
            posts = [self.items[p.slug] for p in links.posts(occ, previous)]
            posts = [i for i in posts if not i.view.embargoed]
            months[max(occ.start, self.today).replace(day=1)].append(
                dict(
                    anchor=f"{occ.key_date.id}-{occ.start:%Y%m%d}",
                    id=occ.key_date.id,
                    iso=occ.start.isoformat(),
                    when=self._span(occ.start, occ.end),
                    title=occ.key_date.title,
                    category=occ.key_date.category,
                    description=occ.key_date.description,
                    posts=posts,
                    soon=occ.start <= self.today + timedelta(days=KEY_DATE_NOTICE_DAYS),
                )
            )
        return render(
            "calendar/key_dates.md.j2",
            meta=self.pl.meta(self.t("cal_key_dates_title"), hide=HIDE),
            **self.common(KEY_DATES, "key-dates"),
            months=[
                (upper_first(self.t.month(m)), entries) for m, entries in sorted(months.items())
            ],
            feed=next(
                (
                    _feed_view(f, self.project.config.site.url, self.t)
                    for f in self.feeds
                    if f.kind == "key-dates"
                ),
                None,
            ),
        )

    def _span(self, start: date, end: date) -> str:
        if start == end:
            return upper_first(self.t.day(start))
        return self.t("from_to", start=self.t.medium_day(start), end=self.t.medium_day(end))

    def _campaign_state(self, campaign: Campaign) -> tuple[str, str]:
        if campaign.end < self.today:
            return "past", self.t("cal_campaign_past")
        if campaign.start > self.today:
            return "upcoming", self.t("cal_campaign_upcoming")
        return "running", self.t("cal_campaign_running")

    def campaign_pages(self) -> dict[str, str]:
        site_url = self.project.config.site.url
        pages = {}
        rows = []
        for c in self.campaigns:
            path = f"calendar/campaigns/{c.id}.md"
            posts = [self.items[p.slug] for p in campaign_posts(self.project, c)]
            posts = [i for i in posts if not i.view.embargoed]
            state, state_label = self._campaign_state(c)
            span = self._span(c.start, c.end)
            info = dict(
                id=c.id,
                title=c.title,
                color=c.color,
                colour_name=self.t.colour(c.color),
                goal=c.goal,
                description=c.description,
                span=span,
                start=c.start.isoformat(),
                end=c.end.isoformat(),
                state=state,
                state_label=state_label,
                url=self.pl.campaign_url(c.id),
                count=sum(i.view.status != Status.cancelled.value for i in posts),
            )
            rows.append(info)
            feed = next((f for f in self.feeds if f.kind == "campaign" and f.key == c.id), None)
            key_dates = [
                dict(
                    when=self._span(o.start, o.end), title=o.key_date.title, iso=o.start.isoformat()
                )
                for o in all_occurrences(self.project.key_dates, c.start, c.end)
            ]
            pages[path] = render(
                "calendar/campaign.md.j2",
                meta=self.pl.meta(
                    self.t("cal_campaign_title", title=c.title),
                    hide=HIDE,
                    found_as=f"<p>{search_text(span, c.goal or '', c.description or '')}</p>",
                    page=path,
                ),
                **self.common(path, "campaigns"),
                c=info,
                posts=posts,
                key_dates=key_dates,
                feed=_feed_view(feed, site_url, self.t) if feed else None,
            )
        pages[CAMPAIGNS] = render(
            "calendar/campaigns.md.j2",
            meta=self.pl.meta(self.t("campaigns"), hide=HIDE),
            **self.common(CAMPAIGNS, "campaigns"),
            campaigns=rows,
        )
        return pages


def _feed_view(feed: Feed, site_url: str, t: Any) -> dict[str, Any]:
    url = absolute(site_url, feed.path)
    rest = url.partition("://")[2]
    return dict(
        title=feed.title,
        path=feed.path,
        url=url,
        webcal=f"webcal://{rest}",
        count=t.plural("cal_events", feed.events),
        kind=feed.kind,
        key=feed.key,
    )


def _post_order(post: Post) -> tuple[int, float, str]:
    return (0, post.date.timestamp(), post.slug) if post.date else (1, 0.0, post.slug)


def plan(planner: Planner, snapshot: Any) -> Section:
    """The calendar section: pages, .ics files and the 'Calendar' navigation entry."""
    cal = Calendar(planner)
    t = planner.t
    pages = {INDEX: cal.index_page(), BOARD: cal.board_page(), KEY_DATES: cal.key_dates_page()}
    for month in cal.months:
        pages[month_path(month)] = cal.month_page(month)
    pages.update(cal.campaign_pages())
    nav = [
        {
            t("calendar"): [
                {t("cal_agenda"): INDEX},
                {t("cal_month"): month_path(cal.this_month)},
                {t("cal_board"): BOARD},
                {t("key_dates"): KEY_DATES},
                {t("campaigns"): CAMPAIGNS},
            ]
        }
    ]
    later = Later(tuple(sorted(f.path for f in cal.feed_plans)), write_feeds, (cal.feed_plans,))
    return Section(pages=pages, nav=nav, later=[later])
