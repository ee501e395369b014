"""iCalendar (RFC 5545) subscriptions: all posts, per network, per campaign, per owner, key dates.

Written with the icalendar library. Builds are reproducible: DTSTAMP is `now`,
UIDs come from slugs and ids, events and feeds are sorted. Embargoed posts carry
nothing but their time and a neutral title.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .. import networks as net
from ..memo import fingerprint, recall
from ..model import Campaign, Post, Project, Status
from ..planner import Planner
from .recurrence import Occurrence, all_occurrences
from .zones import is_ambiguous, transitions

if TYPE_CHECKING:
    # Imported where events are made: its import costs about 0.3 s, which a warm build
    # (every post's event kept, memo "ics-event") pays only in the process writing the feeds.
    from icalendar import Event, Timezone

ICS_DIR = "calendar/ics"
POST_MINUTES = 30  # a post is a moment; calendars show it as a short event
KEY_DATES_BACK_DAYS = 365
# Post subscriptions hold the posts from a year ago on ("what did we post this time last
# year?"), not every post since the repository began: calendar apps slow down on large
# subscriptions, and the portal's archive keeps the older ones.
POSTS_BACK_DAYS = 365
KEY_DATES_AHEAD_DAYS = 2 * 365
REFRESH = timedelta(hours=12)
# A post's event is kept between builds (memo kind "ics-event") serialised with this DTSTAMP,
# the one line that changes at every build; the build's own is put in its place.
_UNSTAMPED = datetime(1970, 1, 1, tzinfo=UTC)
_STATUS = {
    Status.cancelled: "CANCELLED",
    Status.approved: "CONFIRMED",
    Status.scheduled: "CONFIRMED",
    Status.published: "CONFIRMED",
}


@dataclass(frozen=True, slots=True)
class Lines:
    """An event as a feed holds it: its sort key (start in UTC, UID), its start (a time in its
    zone, or a day) and its serialised lines."""

    key: tuple[str, str]
    start: datetime | date
    data: bytes


def _encode_lines(lines: Lines) -> list[str]:
    start = lines.start
    kind = "t" if isinstance(start, datetime) else "d"
    return [lines.key[0], lines.key[1], kind + start.isoformat(), lines.data.decode("utf-8")]


def _decode_lines(value: list[str]) -> Lines:
    stamp, uid, start, data = value
    if not all(isinstance(v, str) for v in value):
        raise TypeError("not an event")
    when: datetime | date
    if start[:1] == "t":
        when = datetime.fromisoformat(start[1:])
        if when.tzinfo is None:
            raise ValueError("a time without its zone")
    elif start[:1] == "d":
        when = date.fromisoformat(start[1:])
    else:
        raise ValueError("not a start")
    return Lines((stamp, uid), when, data.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Feed:
    """One subscription file: what it holds and where it is written (docs-relative path)."""

    kind: str  # all | network | campaign | key-dates | owner
    key: str
    title: str
    path: str
    events: int = 0


def host(site_url: str) -> str:
    return urlsplit(site_url).hostname or "relais.invalid"


def absolute(site_url: str, url: str) -> str:
    """A site-root-relative URL made absolute with site.url."""
    return site_url.rstrip("/") + "/" + url.lstrip("/")


@lru_cache(
    maxsize=16
)  # the same for every feed of a build: computed once (it walks the zone's changes)
def vtimezone(tz: tzinfo, name: str, first: date, last: date) -> Timezone:
    """A VTIMEZONE for `tz` valid from `first` to `last`, one observance per offset change.

    Each observance's DTSTART is the local time of the change read in the offset in force
    before it (RFC 5545, 3.6.5): 02:00 when Paris moves to summer time, 03:00 when it leaves it.
    """
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    component = Timezone()
    component.add("tzid", name)
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last, time(0), tz)
    # Begin with the last change before the window, so that the first observance is a real one
    # (readers guess the offset before an observance from the previous one).
    changes = transitions(tz, start - timedelta(days=366), end)
    earlier = [c for c in changes if c.at < start]
    changes = earlier[-1:] + [c for c in changes if c.at >= start]
    if not changes:
        offset = start.utcoffset() or timedelta(0)
        initial = TimezoneDaylight() if start.dst() else TimezoneStandard()
        initial.add("tzname", start.tzname() or name)
        initial.add("dtstart", start.replace(tzinfo=None))
        initial.add("tzoffsetfrom", offset)
        initial.add("tzoffsetto", offset)
        component.add_component(initial)
    for change in changes:
        observance = TimezoneDaylight() if change.dst else TimezoneStandard()
        observance.add("tzname", change.name or name)
        observance.add("dtstart", (change.at + change.before).replace(tzinfo=None))
        observance.add("tzoffsetfrom", change.before)
        observance.add("tzoffsetto", change.after)
        component.add_component(observance)
    return component


class Writer:
    """Builds the events of one portal (site, translator, embargo rule) and serialises feeds."""

    def __init__(self, planner: Planner) -> None:
        self.pl = planner
        self.project = planner.project
        self.now = planner.now
        self.t = planner.t
        self.site_url = self.project.config.site.url
        self.host = host(self.site_url)
        self.tz = self.project.tz
        # id(event) -> (event, its lines): a post is in several feeds. Holding the event keeps
        # its id from being reused by another one.
        self._ical: dict[int, tuple[Event, Lines]] = {}
        self._zones: dict[tuple[date, date], bytes] = {}
        self._stamps: tuple[bytes, bytes] | None = None

    # --- events -------------------------------------------------------------------------

    def post_event(self, post: Post, stamp: datetime | None = None) -> Event | None:
        """The event of a post, stamped `stamp` (the build's moment by default)."""
        if post.date is None:
            return None
        from icalendar import Event

        view = self.pl.view(post)
        start = post.date.astimezone(self.tz)
        end = (start.astimezone(UTC) + timedelta(minutes=POST_MINUTES)).astimezone(self.tz)
        event = Event()
        event.add("uid", f"{view.url.strip('/').rsplit('/', 1)[-1]}@{self.host}")
        event.add("dtstamp", (stamp or self.now).astimezone(UTC))
        event.add("dtstart", self._moment(start))
        event.add("dtend", self._moment(end))
        event.add("summary", view.title)
        event.add("status", _STATUS.get(post.status, "TENTATIVE"))
        event.add("transp", "TRANSPARENT")
        event.add("url", absolute(self.site_url, view.url))
        if view.embargoed:
            return event
        labels = [_label(n) for n in post.networks]
        event.add("categories", labels)
        lines = [
            f"{self.t('networks')} : {', '.join(labels)}"
            if self.t.lang == "fr"
            else f"{self.t('networks')}: {', '.join(labels)}",
            self._fact("status", view.status_label),
        ]
        if view.campaign_title:
            lines.append(self._fact("campaign", view.campaign_title))
        if view.owner_name:
            lines.append(self._fact("owner", view.owner_name))
        if post.due:
            lines.append(f"{self.t('due')} {self.t.medium_day(post.due)}")
        lines.append(absolute(self.site_url, view.url))
        event.add("description", "\n".join(lines))
        return event

    def post_lines(self, post: Post) -> Lines | None:
        """post_event(post) serialised. At 2,000 posts making and serialising the events is
        most of the .ics files' time, and a day's edit changes a few: each is kept between
        builds under all that it is made of, without its DTSTAMP (the build's moment)."""
        if post.date is None:
            return None
        view = self.pl.view(post)
        made_of = (
            view.url,
            view.title,
            view.embargoed,
            view.status_label,
            view.campaign_title,
            view.owner_name,
            post.date,
            str(post.status),
            list(post.networks),
            post.due,
            self.site_url,
            self.tz.key,
            self.t.lang,
        )
        unstamped, stamped = self._stamp_lines()

        def make() -> Lines:
            event = self.post_event(post, stamp=_UNSTAMPED)
            assert event is not None  # it has a date
            return self._lines(event)

        def decode(value: list[str]) -> Lines:
            lines = _decode_lines(value)
            if lines.data.count(unstamped) != 1:
                raise ValueError("not an unstamped event")
            return lines

        kept = recall("ics-event", (fingerprint(made_of),), make, _encode_lines, decode)
        return replace(kept, data=kept.data.replace(unstamped, stamped, 1))

    def _stamp_lines(self) -> tuple[bytes, bytes]:
        """The DTSTAMP line of a kept event, and this build's, as icalendar writes them."""
        if self._stamps is None:
            from icalendar import Event

            found = []
            for moment in (_UNSTAMPED, self.now.astimezone(UTC)):
                event = Event()
                event.add("dtstamp", moment)
                found.append(
                    next(
                        line
                        for line in event.to_ical().splitlines(True)
                        if line.startswith(b"DTSTAMP")
                    )
                )
            self._stamps = (found[0], found[1])
        return self._stamps

    def _moment(self, value: datetime) -> datetime:
        """A local time with the zone's TZID, or UTC for the second reading of a repeated hour:
        RFC 5545 reads an ambiguous local time as the first one."""
        wall = value.replace(tzinfo=None)
        if value.fold and is_ambiguous(wall, self.tz):
            return value.astimezone(UTC)
        return value

    def _fact(self, key: str, value: str) -> str:
        return f"{self.t(key)} : {value}" if self.t.lang == "fr" else f"{self.t(key)}: {value}"

    def key_date_event(self, occurrence: Occurrence) -> Event:
        from icalendar import Event

        key = occurrence.key_date
        event = Event()
        event.add("uid", f"key-date-{key.id}-{occurrence.start:%Y%m%d}@{self.host}")
        event.add("dtstamp", self.now.astimezone(UTC))
        event.add("dtstart", occurrence.start)
        event.add(
            "dtend", occurrence.end + timedelta(days=1)
        )  # DTEND of an all-day event is exclusive
        event.add("summary", key.title)
        event.add("transp", "TRANSPARENT")
        event.add("url", absolute(self.site_url, f"calendar/key-dates/#{key.id}"))
        if key.category:
            event.add("categories", [key.category])
        if key.description:
            event.add("description", key.description)
        return event

    def campaign_event(self, campaign: Campaign) -> Event:
        from icalendar import Event

        event = Event()
        event.add("uid", f"campaign-{campaign.id}@{self.host}")
        event.add("dtstamp", self.now.astimezone(UTC))
        event.add("dtstart", campaign.start)
        event.add("dtend", campaign.end + timedelta(days=1))
        event.add(
            "summary",
            f"{self.t('campaign')} : {campaign.title}"
            if self.t.lang == "fr"
            else f"{self.t('campaign')}: {campaign.title}",
        )
        event.add("transp", "TRANSPARENT")
        event.add("url", absolute(self.site_url, f"calendar/campaigns/{campaign.id}/"))
        if campaign.goal:
            event.add("description", campaign.goal)
        return event

    # --- calendars ----------------------------------------------------------------------

    def calendar(self, title: str, events: Iterable[Event | Lines]) -> bytes:
        """A VCALENDAR with its events sorted by start and UID, and a VTIMEZONE when one is used."""
        ordered = sorted(
            (e if isinstance(e, Lines) else self._serialised(e) for e in events),
            key=lambda item: item.key,
        )
        from icalendar import Calendar

        cal = Calendar()
        cal.add("prodid", "-//Relais//Editorial calendar//" + self.t.lang.upper())
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("name", title)
        cal.add("x-wr-calname", title)
        cal.add("x-wr-timezone", self.tz.key)
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT12H")  # the older, non-standard twin of REFRESH-INTERVAL
        timed = [e.start for e in ordered if isinstance(e.start, datetime)]
        zone = b""
        if timed:
            first = min(timed).date().replace(month=1, day=1)
            last = date(max(timed).year + 1, 1, 1)
            if (first, last) not in self._zones:
                self._zones[(first, last)] = vtimezone(self.tz, self.tz.key, first, last).to_ical()
            zone = self._zones[(first, last)]
        # Serialising the zone and each event once and splicing their lines in gives the bytes
        # cal.add_component(...) + cal.to_ical() would, without redoing them per feed.
        end = b"END:VCALENDAR\r\n"
        head: bytes = cal.to_ical()
        return head[: -len(end)] + zone + b"".join(e.data for e in ordered) + end

    def _serialised(self, event: Event) -> Lines:
        key = id(event)
        if key not in self._ical:
            self._ical[key] = (event, self._lines(event))
        return self._ical[key][1]

    @staticmethod
    def _lines(event: Event) -> Lines:
        return Lines(_event_key(event), event.decoded("dtstart"), event.to_ical())


def _label(network_id: str) -> str:
    network = net.get(network_id)
    return network.label if network else network_id


def _event_key(event: Event) -> tuple[str, str]:
    start = event.decoded("dtstart")
    if isinstance(start, datetime):
        stamp = start.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    else:
        stamp = start.strftime("%Y%m%d") + "T000000"
    return stamp, str(event.get("uid"))


@dataclass(frozen=True, slots=True)
class FeedPlan:
    """What one subscription file holds, before any event is made: its path, its title and
    its events as ("post", slug), ("campaign", id) or ("key-date", index of the occurrence)."""

    path: str
    title: str
    events: tuple[tuple[str, str | int], ...]


def plan_feeds(planner: Planner) -> tuple[list[Feed], list[FeedPlan]]:
    """Every subscription of the portal: its description, and what write_feeds() puts in it.

    Cheap: no iCalendar object is made, so that the calendar pages are planned at once and
    the files written later (by another process while MkDocs builds, see build.py)."""
    pl = planner
    t = pl.t
    project = pl.project
    dated = sorted(
        (p for p in project.posts if p.date is not None),
        key=lambda p: (p.date.timestamp() if p.date else 0.0, p.slug),
    )
    since = (pl.now - timedelta(days=POSTS_BACK_DAYS)).timestamp()
    posts = [p for p in dated if p.date.timestamp() >= since]  # type: ignore[union-attr]
    visible = [p for p in posts if not pl.view(p).embargoed]
    feeds: list[Feed] = []
    plans: list[FeedPlan] = []

    def add(
        kind: str, key: str, title: str, filename: str, events: list[tuple[str, str | int]]
    ) -> None:
        path = f"{ICS_DIR}/{filename}"
        plans.append(FeedPlan(path, title, tuple(events)))
        feeds.append(Feed(kind, key, title, path, len(events)))

    add("all", "", t("cal_feed_all"), "all.ics", [("post", p.slug) for p in posts])
    for network_id in project.config.networks:
        add(
            "network",
            network_id,
            _label(network_id),
            f"network-{network_id}.ics",
            [("post", p.slug) for p in posts if network_id in p.networks],
        )
    by_campaign: dict[str, list[tuple[str, str | int]]] = {}
    for p in visible:
        if p.campaign:
            by_campaign.setdefault(p.campaign, []).append(("post", p.slug))
    for campaign in sorted(project.campaigns, key=lambda c: (c.start, c.id)):
        add(
            "campaign",
            campaign.id,
            campaign.title,
            f"campaign-{campaign.id}.ics",
            [("campaign", campaign.id), *by_campaign.get(campaign.id, [])],
        )
    add(
        "key-dates",
        "",
        t("key_dates"),
        "key-dates.ics",
        [("key-date", i) for i in range(len(_key_date_occurrences(pl)))],
    )
    owned: dict[str, list[tuple[str, str | int]]] = {}  # grouped once: not ambassadors × posts
    for p in visible:
        if p.owner:
            owned.setdefault(p.owner, []).append(("post", p.slug))
    for amb in sorted(project.ambassadors, key=lambda a: a.id):
        if not amb.public:
            continue  # kept out of the directory, so out of the feeds' names too
        if owned.get(amb.id):
            add("owner", amb.id, amb.name, f"owner-{amb.id}.ics", owned[amb.id])
    return feeds, plans


def _key_date_occurrences(pl: Planner) -> list[Occurrence]:
    today = pl.now.date()
    return all_occurrences(
        pl.project.key_dates,
        today - timedelta(days=KEY_DATES_BACK_DAYS),
        today + timedelta(days=KEY_DATES_AHEAD_DAYS),
    )


def write_feeds(project: Project, now: datetime, plans: list[FeedPlan]) -> dict[str, bytes]:
    """The bytes of the subscription files planned by plan_feeds() for this project and `now`."""
    w = Writer(Planner(project, now))
    posts = {p.slug: p for p in project.posts}
    campaigns = {c.id: c for c in project.campaigns}
    occurrences = _key_date_occurrences(w.pl)
    made: dict[tuple[str, str | int], Event | Lines] = {}

    def event(ref: tuple[str, str | int]) -> Event | Lines:
        if ref not in made:
            kind, key = ref
            if kind == "post":
                made[ref] = w.post_lines(posts[str(key)])  # type: ignore[assignment]  # planned posts have a date
            elif kind == "campaign":
                made[ref] = w.campaign_event(campaigns[str(key)])
            else:
                made[ref] = w.key_date_event(occurrences[int(key)])
        return made[ref]

    name = project.config.site.name
    return {
        plan.path: w.calendar(f"{name} — {plan.title}", [event(ref) for ref in plan.events])
        for plan in sorted(plans, key=lambda plan: plan.path)
    }


def build_feeds(planner: Planner) -> tuple[list[Feed], dict[str, bytes]]:
    """Every subscription of the portal: its description and the bytes of its file."""
    feeds, plans = plan_feeds(planner)
    return feeds, write_feeds(planner.project, planner.now, plans)
