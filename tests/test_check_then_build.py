"""What `relais check` accepts, `relais build` builds: a property over generated content.

A post dated 9999-06-01 once passed the check and crashed the build's .ics writer, which would
have stopped every nightly publication after a green pull request. Here dates are drawn from
the whole range Python knows (year 1 to 9999), with the edges of what Relais accepts (1900,
2199), daylight-saving nights, offsets as far as they go, share windows, due days, key dates
with rules, campaigns, slots and moderation's review days, in zones from -12 h to +14 h. Whenever the check finds no
error, planning the whole portal (pages, kits, .ics files) must succeed; a few examples run
the real `mkdocs build`.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.build import build
from generator.check import check
from generator.diagnostics import has_errors
from generator.load import load
from generator.plan import plan

SCALE = float(os.environ.get("RELAIS_HYPOTHESIS_SCALE", "1"))
PNG = (Path(__file__).parent / "corpus/_base/content/media/pain.png").read_bytes()

EDGE_DAYS = [
    date(1, 1, 1),
    date(1899, 12, 31),
    date(1900, 1, 1),
    date(1900, 2, 28),
    date(2000, 2, 29),
    date(2026, 3, 29),  # summer time starts in Europe
    date(2026, 10, 25),  # and ends
    date(2026, 12, 31),
    date(2199, 12, 17),
    date(2199, 12, 31),
    date(2200, 1, 1),
    date(9999, 6, 1),
    date(9999, 12, 31),
]
INSIDE = [d for d in EDGE_DAYS if 1900 <= d.year <= 2199]
OUTSIDE = [d for d in EDGE_DAYS if d not in INSIDE]
# Mostly dates the check accepts (so that the build is reached), now and then any date at all.
days = st.integers(0, 9).flatmap(
    lambda n: (
        st.sampled_from(INSIDE)
        if n < 3
        else st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
        if n < 6
        else st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))
        if n < 9
        else st.one_of(st.sampled_from(OUTSIDE), st.dates())  # year 1 to 9999
    )
)
clocks = st.sampled_from(["00:00", "02:30", "03:30", "09:00", "23:59"])
offsets = st.sampled_from(["", "", "", "Z", "+14:00", "-12:00", "+05:45"])


@st.composite
def moments(draw: st.DrawFn) -> str:
    return f"{draw(days).isoformat()}T{draw(clocks)}{draw(offsets)}"


@st.composite
def post(draw: st.DrawFn, index: int) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "title": f"Post {index}",
        "date": draw(moments()),
        "networks": ["linkedin"],
        "status": draw(st.sampled_from(["draft", "scheduled", "published", "cancelled"])),
        "messages": {"linkedin": "Bonjour"},
    }
    if draw(st.booleans()):
        entry["due"] = draw(days).isoformat()
    if draw(st.booleans()):
        entry["embargo"] = True
    if draw(st.booleans()):
        entry["image"] = "media/pain.png"
        entry["image_alt"] = "Un pain"
    if draw(st.booleans()):
        entry["campaign"] = "hiver"
    if draw(st.booleans()):
        entry["key_date"] = "fete"
    if draw(st.booleans()):
        share: dict[str, Any] = {"messages": {"linkedin": ["Partagez", "Autre"]}}
        if draw(st.booleans()):
            share["from"] = draw(days).isoformat()
        if draw(st.booleans()):
            share["until"] = draw(days).isoformat()
        entry["share"] = share
    return entry


rules = st.sampled_from(
    [
        "FREQ=YEARLY",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "FREQ=WEEKLY;BYDAY=MO",
        "FREQ=DAILY;COUNT=3",
        "FREQ=YEARLY;UNTIL=99991231",
        "FREQ=YEARLY;UNTIL=19000101",
        "FREQ=DAILY;UNTIL=21991231",
        "FREQ=YEARLY;INTERVAL=100",
    ]
)


@st.composite
def key_date(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": "fete", "title": "Fête"}
    form = draw(st.sampled_from(["date", "yearly", "range", "rrule", "range+rrule"]))
    if form in ("date", "yearly"):
        entry["date"] = draw(days).isoformat()
        entry["yearly"] = form == "yearly"
    if form.startswith("range"):
        start = draw(days)
        entry["start"] = start.isoformat()
        span = draw(st.integers(0, 800))
        entry["end"] = (
            (start + timedelta(days=span)).isoformat() if start.year < 9997 else start.isoformat()
        )
    if form.endswith("rrule"):
        entry["rrule"] = draw(rules)
    return entry


@st.composite
def campaign(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(days)
    end = draw(st.one_of(st.just(start), days.filter(lambda d: d >= start)))
    return {"id": "hiver", "title": "Hiver", "start": start.isoformat(), "end": end.isoformat()}


@st.composite
def repository(draw: st.DrawFn) -> dict[str, str]:
    zone = draw(st.sampled_from(["Europe/Paris", "Pacific/Kiritimati", "Etc/GMT+12", "UTC"]))
    files = {
        "site_config.yml": yaml.safe_dump(
            {
                "site": {
                    "name": "Portail",
                    "url": "https://portal.example.org/",
                    "timezone": zone,
                    "embargo_key": "property-test-key-0123",
                },
                "networks": {"linkedin": {}},
            }
        ),
        "ambassadors/claire.yml": "name: Claire\nnetworks: {linkedin: {handle: claire}}\n",
    }
    for i in range(draw(st.integers(1, 3))):
        files[f"content/posts/post-{i}.md"] = (
            f"---\n{yaml.safe_dump(draw(post(i)), allow_unicode=True)}---\nLe brief.\n"
        )
    if draw(st.booleans()):
        files["calendar/key-dates.yml"] = yaml.safe_dump([draw(key_date())], allow_unicode=True)
    if draw(st.booleans()):
        files["calendar/campaigns.yml"] = yaml.safe_dump([draw(campaign())], allow_unicode=True)
    if draw(st.booleans()):
        slot = {"network": "linkedin", "days": ["sun", "mon"], "time": draw(clocks)}
        files["calendar/slots.yml"] = yaml.safe_dump([slot])
    if draw(st.booleans()):  # moderation/: a reply's review day, a feedback's days
        reply = {
            "id": "horaires",
            "situation": "question",
            "title": "Horaires",
            "when": "Une question",
            "owner": "claire",
            "review": draw(days).isoformat(),
            "text": "Bonjour",
        }
        situations = {"question": {"label": "Question", "actions": ["answer"]}}
        files["moderation/replies.yml"] = yaml.safe_dump(
            {"situations": situations, "replies": [reply]}, allow_unicode=True
        )
        first, last = draw(days), draw(days)
        feedback = {"id": "attente", "topic": "Attente", "count": 2, "replies": ["horaires"]}
        feedback |= {"first_seen": first.isoformat(), "last_seen": last.isoformat()}
        files["moderation/feedback.yml"] = yaml.safe_dump([feedback], allow_unicode=True)
    return files


nows = st.one_of(
    st.just(datetime(2026, 12, 1, 8, 0)),
    st.sampled_from(
        [datetime(1900, 1, 1, 0, 30), datetime(2199, 12, 31, 23, 30), datetime(2026, 3, 29, 2, 30)]
    ),
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2199, 12, 30)),
)


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "content/media").mkdir(parents=True, exist_ok=True)
    (root / "content/media/pain.png").write_bytes(PNG)


def accepted(root: Path, now: datetime) -> Any:
    """The loaded project when `relais check` would pass (no error), else None."""
    loaded = load(root)
    if loaded.project is None or has_errors(loaded.diagnostics):
        event("refused by the loader")
        return None
    local = now.replace(tzinfo=loaded.project.tz)
    if has_errors(check(loaded.project, local)):
        event("refused by the checks")
        return None
    event("accepted")
    return loaded.project, local


@settings(
    max_examples=max(1, int(150 * SCALE)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=repository(), now=nows)
def test_what_the_check_accepts_plans_whole(files: dict[str, str], now: datetime) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write(root, files)
        found = accepted(root, now)
        if found is None:
            return
        project, local = found
        site = plan(project, local).with_later(project, local)  # pages, kits, .ics files
        assert "index.md" in site.pages


@pytest.mark.slow
@settings(
    max_examples=max(1, int(10 * SCALE)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=repository(), now=nows)
def test_what_the_check_accepts_the_build_builds(files: dict[str, str], now: datetime) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        write(root, files)
        if accepted(root, now) is None:
            return
        result = build(root, now_option=now.isoformat(timespec="minutes"))
        assert result.ok, result.failure + "\n" + "\n".join(map(str, result.diagnostics))


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        (
            "content/posts/loin.md",
            "---\ntitle: Loin\ndate: 9999-06-01T09:00\nnetworks: [linkedin]\n---\n",
        ),
        ("content/posts/tot.md", "---\ntitle: Tôt\ndate: 0001-01-01\nnetworks: [linkedin]\n---\n"),
        (
            "content/posts/du.md",
            "---\ntitle: Dû\ndate: 2026-12-03T09:00\ndue: 9999-12-31\nnetworks: [linkedin]\n---\n",
        ),
        ("calendar/key-dates.yml", "- id: loin\n  title: Loin\n  date: 9999-12-31\n"),
        (
            "calendar/campaigns.yml",
            "- id: loin\n  title: Loin\n  start: 2026-01-01\n  end: 9999-12-31\n",
        ),
    ],
)
def test_a_date_beyond_the_years_relais_handles_is_refused_with_its_line(
    tmp_path: Path, rel: str, text: str
) -> None:
    write(
        tmp_path,
        {
            "site_config.yml": "site: {name: P, url: 'https://portal.example.org/'}\nnetworks: {linkedin: {}}\n",
            rel: text,
        },
    )
    errors = [d for d in load(tmp_path).diagnostics if d.severity.value == "error"]
    assert [(d.file, d.code) for d in errors][:1] in (
        [(rel, "invalid-date")],
        [(rel, "invalid-datetime")],
    ), errors
    assert "outside the years Relais handles (1900 to 2199)" in errors[0].message
    assert errors[0].line > 1 or rel.startswith("calendar/")


def test_a_clock_beyond_those_years_is_a_usage_error() -> None:
    from generator.clock import BadNow, parse_now

    with pytest.raises(BadNow, match="outside the years"):
        parse_now("9999-12-31T23:00", "Europe/Paris")
    os.environ["SOURCE_DATE_EPOCH"] = str(16_725_225_600)  # in the year 2500
    try:
        with pytest.raises(BadNow, match="outside the years"):
            parse_now(None, "Europe/Paris")
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def test_the_zones_of_the_edges_are_what_they_say() -> None:
    """The property's far zones are real: Kiritimati is UTC+14, Etc/GMT+12 is UTC-12."""
    noon = datetime(2026, 6, 1, 12, 0)
    assert noon.replace(tzinfo=ZoneInfo("Pacific/Kiritimati")).utcoffset() == timedelta(hours=14)
    assert noon.replace(tzinfo=ZoneInfo("Etc/GMT+12")).utcoffset() == timedelta(hours=-12)


@pytest.mark.slow
@pytest.mark.parametrize("now", ["1900-01-01T00:30", "1969-12-31T23:00", "2199-12-31T23:30"])
def test_a_clock_at_the_edges_of_the_years_builds(tmp_path: Path, now: str) -> None:
    """Found by the property above: MkDocs writes `now` into sitemap.xml.gz, whose header holds
    an unsigned 32-bit time; a clock before 1970 or after 2106 stopped the build."""
    root = tmp_path / "repo"
    write(
        root,
        {
            "site_config.yml": "site: {name: Portail, url: https://portal.example.org/, "
            "timezone: Europe/Paris}\nnetworks: {linkedin: {}}\n",
            "content/posts/p.md": "---\ntitle: P\ndate: 1900-01-01T00:00\nnetworks: [linkedin]\n"
            "status: draft\nmessages: {linkedin: Bonjour}\n---\nLe brief.\n",
        },
    )
    result = build(root, now_option=now)
    assert result.ok, result.failure
    assert (result.out / "sitemap.xml.gz").is_file()
