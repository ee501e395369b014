"""The .ics subscriptions, parsed back by two independent readers: icalendar and vobject."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import vobject

from generator.calendar.ics import build_feeds
from generator.load import load
from generator.plan import Planner

from .conftest import AMBASSADORS, NOW, ProjectFactory, post

KEY_DATES = """\
- id: noel
  title: Noël
  date: 2026-12-25
  yearly: true
  category: fête
- id: soldes
  title: Soldes d'hiver
  start: 2027-01-13
  end: 2027-02-09
"""
CAMPAIGNS = """\
- id: hiver
  title: Gamme d'hiver
  start: 2026-11-25
  end: 2027-01-15
  goal: Faire connaître la gamme
"""
SECRET = "Le lancement secret de l'abonnement"


@pytest.fixture
def feeds(project: ProjectFactory) -> dict[str, bytes]:
    p = project(
        {
            **AMBASSADORS,
            "calendar/key-dates.yml": KEY_DATES,
            "calendar/campaigns.yml": CAMPAIGNS,
            "content/posts/pain-aux-marrons.md": post(
                "Le pain aux marrons; enfin",
                "2026-12-03T09:00",
                networks=("linkedin", "x"),
                owner="claire-martin",
                campaign="hiver",
                due="2026-11-27",
            ),
            "content/posts/black-friday.md": post(
                "Black Friday", "2026-11-27T11:00", networks=("instagram",), status="cancelled"
            ),
            "content/posts/abonnement.md": post(
                SECRET, "2027-02-10T09:00", owner="claire-martin", campaign="hiver", embargo=True
            ),
            "content/posts/discret.md": post(
                "Discret", "2026-12-10T09:00", networks=("x",), owner="discret"
            ),
            "content/posts/printemps.md": post("Printemps", "2027-03-28T03:30", networks=("x",)),
            "content/posts/heure-repetee.md": post(
                "Heure répétée", "2026-10-25T02:30+01:00", networks=("x",), status="published"
            ),
            "content/posts/idee.md": post("Idée", None, status="idea"),
        }
    )
    return build_feeds(Planner(p, NOW))[1]


def icalendar_events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def vobject_events(data: bytes) -> list[object]:
    return list(vobject.readOne(data.decode("utf-8")).vevent_list)


def test_the_feeds_written(feeds: dict[str, bytes]) -> None:
    assert sorted(feeds) == [
        "calendar/ics/all.ics",
        "calendar/ics/campaign-hiver.ics",
        "calendar/ics/key-dates.ics",
        "calendar/ics/network-instagram.ics",
        "calendar/ics/network-linkedin.ics",
        "calendar/ics/network-x.ics",
        "calendar/ics/owner-claire-martin.ics",  # not the private ambassador's
    ]


def test_both_parsers_read_the_same_events_at_the_same_instants(feeds: dict[str, bytes]) -> None:
    data = feeds["calendar/ics/all.ics"]
    first = {str(e["uid"]): e.decoded("dtstart").astimezone(UTC) for e in icalendar_events(data)}
    second = {e.uid.value: e.dtstart.value.astimezone(UTC) for e in vobject_events(data)}  # type: ignore[attr-defined]
    expected = {
        "heure-repetee@portal.example.org": datetime(
            2026, 10, 25, 1, 30, tzinfo=UTC
        ),  # the second 02:30
        "black-friday@portal.example.org": datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
        "pain-aux-marrons@portal.example.org": datetime(2026, 12, 3, 8, 0, tzinfo=UTC),
        "discret@portal.example.org": datetime(2026, 12, 10, 8, 0, tzinfo=UTC),
        "printemps@portal.example.org": datetime(
            2027, 3, 28, 1, 30, tzinfo=UTC
        ),  # 03:30 summer time
    }
    # The embargoed post's UID is its neutral address: keyed (load.neutral_name), never a
    # digest of the slug alone that a guessed slug would confirm.
    [neutral] = [uid for uid in first if uid.startswith("embargo-")]
    assert re.fullmatch(r"embargo-[0-9a-f]{20}@portal\.example\.org", neutral)
    assert _digest("abonnement") not in neutral
    expected[neutral] = datetime(2027, 2, 10, 8, 0, tzinfo=UTC)
    assert first == expected
    assert second == expected


def _digest(slug: str) -> str:
    import hashlib

    return hashlib.sha256(slug.encode()).hexdigest()[:12]


def test_event_fields(feeds: dict[str, bytes]) -> None:
    events = {
        str(e["uid"]).split("@")[0]: e for e in icalendar_events(feeds["calendar/ics/all.ics"])
    }
    marrons = events["pain-aux-marrons"]
    assert str(marrons["summary"]) == "Le pain aux marrons; enfin"
    assert marrons.decoded("dtend") - marrons.decoded("dtstart") == timedelta(minutes=30)
    assert marrons.decoded("dtstamp") == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    assert str(marrons["url"]) == "https://portal.example.org/posts/pain-aux-marrons/"
    assert str(marrons["status"]) == "CONFIRMED"
    assert marrons["categories"].cats == ["LinkedIn", "X"]
    assert str(marrons["description"]).splitlines() == [
        "Réseaux : LinkedIn, X",
        "Statut : Programmé",
        "Campagne : Gamme d'hiver",
        "Responsable : Claire Martin",
        "À rendre le 27 nov. 2026",
        "https://portal.example.org/posts/pain-aux-marrons/",
    ]
    assert str(events["black-friday"]["status"]) == "CANCELLED"
    assert b"DTSTART;TZID=Europe/Paris:20261203T090000" in feeds["calendar/ics/all.ics"]
    assert (
        b"DTSTART:20261025T013000Z" in feeds["calendar/ics/all.ics"]
    )  # a repeated hour is written in UTC


def test_embargoed_posts_are_neutral_everywhere(feeds: dict[str, bytes]) -> None:
    for path, data in feeds.items():
        assert SECRET.encode() not in data, path
        assert b"abonnement@" not in data, path
    embargoed = [
        e
        for e in icalendar_events(feeds["calendar/ics/all.ics"])
        if str(e["uid"]).startswith("embargo-")
    ]
    assert [str(e["summary"]) for e in embargoed] == ["Publication sous embargo"]
    assert "description" not in embargoed[0] and "categories" not in embargoed[0]
    # Its campaign and owner are not revealed either: it is not in their feeds.
    for path in ("calendar/ics/campaign-hiver.ics", "calendar/ics/owner-claire-martin.ics"):
        assert [
            str(e["uid"]) for e in icalendar_events(feeds[path]) if "embargo" in str(e["uid"])
        ] == []


def test_feed_contents_by_network_campaign_owner(feeds: dict[str, bytes]) -> None:
    def uids(path: str) -> list[str]:
        return sorted(str(e["uid"]).split("@")[0] for e in icalendar_events(feeds[path]))

    assert uids("calendar/ics/network-x.ics") == [
        "discret",
        "heure-repetee",
        "pain-aux-marrons",
        "printemps",
    ]
    assert uids("calendar/ics/network-instagram.ics") == ["black-friday"]
    assert uids("calendar/ics/campaign-hiver.ics") == ["campaign-hiver", "pain-aux-marrons"]
    assert uids("calendar/ics/owner-claire-martin.ics") == ["pain-aux-marrons"]


def test_key_dates_are_all_day_events_without_a_timezone(feeds: dict[str, bytes]) -> None:
    data = feeds["calendar/ics/key-dates.ics"]
    assert b"BEGIN:VTIMEZONE" not in data
    first = [
        (e.decoded("dtstart"), e.decoded("dtend"), str(e["summary"]))
        for e in icalendar_events(data)
    ]
    second = [(e.dtstart.value, e.dtend.value, e.summary.value) for e in vobject_events(data)]  # type: ignore[attr-defined]
    expected = [
        (date(2026, 12, 25), date(2026, 12, 26), "Noël"),
        (date(2027, 1, 13), date(2027, 2, 10), "Soldes d'hiver"),  # DTEND is exclusive
        (date(2027, 12, 25), date(2027, 12, 26), "Noël"),  # the window ends two years after now
    ]
    assert first == expected
    assert second == expected


def test_the_calendar_header_and_timezone(feeds: dict[str, bytes]) -> None:
    cal = icalendar.Calendar.from_ical(feeds["calendar/ics/all.ics"])
    assert str(cal["version"]) == "2.0"
    assert str(cal["x-wr-calname"]) == "Test portal — Toutes les publications"
    zones = list(cal.walk("VTIMEZONE"))
    assert [str(z["tzid"]) for z in zones] == ["Europe/Paris"]
    assert feeds["calendar/ics/all.ics"].count(b"\r\n") > 10  # RFC 5545 line endings


def test_feeds_are_byte_identical_for_the_same_now_and_only_dtstamp_moves_with_it(
    project: ProjectFactory,
) -> None:
    files = {
        "calendar/key-dates.yml": KEY_DATES,
        "content/posts/a.md": post("A", "2026-12-03T09:00"),
    }
    p = project(files)
    first = build_feeds(Planner(p, NOW))[1]
    again = build_feeds(Planner(load(Path(p.root)).project, NOW))[1]  # type: ignore[arg-type]
    assert first == again
    later = build_feeds(Planner(p, NOW + timedelta(hours=1)))[1]["calendar/ics/all.ics"]
    changed = set(first["calendar/ics/all.ics"].split(b"\r\n")) ^ set(later.split(b"\r\n"))
    assert changed == {b"DTSTAMP:20261201T070000Z", b"DTSTAMP:20261201T080000Z"}


def test_the_built_demo_feeds_read_by_both_parsers(built_demo: Path) -> None:
    from tests.conftest import ROOT

    loaded = load(ROOT)
    assert loaded.project is not None
    dated = [p for p in loaded.project.posts if p.date is not None]
    data = (built_demo / "calendar/ics/all.ics").read_bytes()
    assert len(icalendar_events(data)) == len(vobject_events(data)) == len(dated)
    linkedin = (built_demo / "calendar/ics/network-linkedin.ics").read_bytes()
    expected = len([p for p in dated if "linkedin" in p.networks])
    assert len(icalendar_events(linkedin)) == len(vobject_events(linkedin)) == expected
    by_uid = {e.uid.value: e.dtstart.value for e in vobject_events(data)}  # type: ignore[attr-defined]
    assert by_uid["pain-aux-marrons@portal.example.org"].astimezone(UTC) == datetime(
        2026, 12, 3, 8, 0, tzinfo=UTC
    )


def test_post_feeds_start_a_year_ago(project: ProjectFactory) -> None:
    p = project(
        {
            **AMBASSADORS,
            "calendar/campaigns.yml": "- id: lancement\n  title: Lancement\n  start: 2025-01-01\n  end: 2025-12-31\n",
            "content/posts/il-y-a-un-an.md": post(
                "Il y a un an",
                "2025-12-02T09:00",
                status="published",
                owner="claire-martin",
                campaign="lancement",
            ),
            "content/posts/trop-ancien.md": post(
                "Trop ancien",
                "2025-11-30T09:00",
                status="published",
                owner="claire-martin",
                campaign="lancement",
            ),
        }
    )
    feeds = build_feeds(Planner(p, NOW))[1]

    def uids(path: str) -> list[str]:
        return sorted(str(e["uid"]).split("@")[0] for e in icalendar_events(feeds[path]))

    for path in (
        "calendar/ics/all.ics",
        "calendar/ics/network-linkedin.ics",
        "calendar/ics/owner-claire-martin.ics",
    ):
        assert uids(path) == ["il-y-a-un-an"], path
    # The campaign itself is always there, with its posts of the last year.
    assert uids("calendar/ics/campaign-lancement.ics") == ["campaign-lancement", "il-y-a-un-an"]


def test_events_kept_between_builds_give_the_feeds_made_without_them_and_never_a_stale_one(
    project: ProjectFactory, cache_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A post's event is kept in the build cache (memo kind ics-event) without its DTSTAMP:
    a later build, at another moment, writes the feeds from the kept events, byte for byte
    the feeds made without the cache; an edit of anything an event shows (the post, its
    campaign's title) makes that event again, and only it."""
    from generator import cache, memo
    from generator.calendar import ics

    p = project(
        {
            **AMBASSADORS,
            "calendar/campaigns.yml": CAMPAIGNS,
            "content/posts/marrons.md": post(
                "Marrons",
                "2026-12-03T09:00",
                owner="claire-martin",
                campaign="hiver",
                due="2026-11-27",
            ),
            "content/posts/secret.md": post(SECRET, "2027-02-10T09:00", embargo=True),
            "content/posts/annule.md": post("Annulé", "2026-12-05T11:00", status="cancelled"),
        }
    )
    root = Path(p.root)
    made: list[str] = []
    real = ics.Writer.post_event

    def post_event(self: ics.Writer, post: object, stamp: datetime | None = None) -> object:
        made.append(post.slug)  # type: ignore[attr-defined]
        return real(self, post, stamp)  # type: ignore[arg-type]

    monkeypatch.setattr(ics.Writer, "post_event", post_event)

    def cached(now: datetime) -> dict[str, bytes]:
        store = cache.open_cache(root)
        assert store is not None
        with cache.using(store):
            feeds = build_feeds(Planner(load(root).project, now))[1]  # type: ignore[arg-type]
            memo.save_all(store, done=True)
        return feeds

    def uncached(now: datetime) -> dict[str, bytes]:
        return build_feeds(Planner(load(root).project, now))[1]  # type: ignore[arg-type]

    assert cached(NOW) == uncached(NOW)
    later = NOW + timedelta(days=1, hours=3, minutes=7)
    made.clear()
    feeds = cached(later)
    assert made == []  # every event from the cache
    assert feeds == uncached(later)
    assert b"DTSTAMP:20261202T100700Z" in feeds["calendar/ics/all.ics"]

    marrons = root / "content/posts/marrons.md"
    marrons.write_text(marrons.read_text().replace("Marrons", "Marrons glacés", 1))
    made.clear()
    feeds = cached(later)
    assert made == ["marrons"]
    assert feeds == uncached(later) and b"Marrons glac" in feeds["calendar/ics/all.ics"]

    campaigns = root / "calendar/campaigns.yml"
    campaigns.write_text(campaigns.read_text().replace("Gamme d'hiver", "Gamme de Noël"))
    made.clear()
    feeds = cached(later)
    assert made == ["marrons"]  # the one post of that campaign
    unfolded = feeds["calendar/ics/all.ics"].replace(b"\r\n ", b"")  # RFC 5545 folds lines
    assert feeds == uncached(later) and "Campagne : Gamme de Noël".encode() in unfolded
