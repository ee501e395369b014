"""Property-based tests: random text and random YAML structures fed to the readers, the loader,
the checker and the planner. The only possible outcomes are a loaded project or diagnostics;
never an exception, never a hang.

Each test is bounded (a few hundred examples, a SIGALRM guard per example) so that the
whole module stays well under a minute; failures print a reproducible example. For a
deeper search: RELAIS_HYPOTHESIS_SCALE=10 pytest tests/test_properties.py
"""

from __future__ import annotations

import os
import signal
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.check import check
from generator.diagnostics import Diagnostic, has_errors
from generator.load import load
from generator.plan import plan
from generator.source import parse_yaml, split_front_matter

# RELAIS_HYPOTHESIS_SCALE=10 runs ten times as many examples (a deeper search, e.g. nightly).
SCALE = float(os.environ.get("RELAIS_HYPOTHESIS_SCALE", "1"))


def examples(n: int) -> int:
    return max(1, int(n * SCALE))


BOUNDED = settings(
    max_examples=examples(150),
    deadline=None,  # a slow CI machine must not fail the suite; the alarm below catches hangs
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
EXAMPLE_SECONDS = 10
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))


@contextmanager
def time_limit(seconds: int = EXAMPLE_SECONDS, wall: int | None = None) -> Iterator[None]:
    """Fail (instead of hanging the suite) when one example runs away: after `seconds` of this
    process' CPU time (a blow-up; a busy machine does not bring it closer), or after `wall`
    seconds on the wall clock, six times `seconds` by default (a wait that never ends uses no
    CPU)."""
    wall = 6 * seconds if wall is None else wall

    def expire(signum: int, frame: object) -> None:
        clock = "of CPU time" if signum == signal.SIGPROF else "on the wall clock"
        limit = seconds if signum == signal.SIGPROF else wall
        raise TimeoutError(f"one example took more than {limit} s {clock}")

    previous = signal.signal(signal.SIGALRM, expire)
    previous_prof = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.alarm(wall)
    try:
        yield
    except TimeoutError as exc:
        # Say where it was stuck, in a traceback pytest can print (frames of C generators have no line).
        where = [
            f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}"
            for f in traceback.extract_tb(exc.__traceback__)
        ]
        raise AssertionError(f"{exc}, stuck in: " + " <- ".join(reversed(where[-6:-1]))) from None
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        signal.signal(signal.SIGPROF, previous_prof)


def assert_diagnostics(diagnostics: list[Diagnostic]) -> None:
    for d in diagnostics:
        assert isinstance(d, Diagnostic)
        assert isinstance(d.line, int) and d.line >= 1, d
        assert d.code and d.message, d
        assert "Traceback" not in d.message


# --- random text ---------------------------------------------------------------------------------

TOKENS = [
    "title",
    "date",
    "networks",
    "status",
    "share",
    "messages",
    "from",
    "until",
    "id",
    "rrule",
    ":",
    ": ",
    "- ",
    "\n",
    "\n",
    "  ",
    "    ",
    "\t",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "\\",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "!!str ",
    "!!python/object:os.system ",
    "!x ",
    "<<: ",
    "? ",
    "#",
    "---",
    "...",
    "|",
    ">-",
    "%YAML 1.1",
    "2026-12-03",
    "09:30",
    "2026-02-30T25:00",
    "yes",
    "no",
    "on",
    "null",
    "~",
    "1e309",
    "0x1F",
    "0o17",
    "1_000",
    "-.inf",
    ".nan",
    "é",
    "😀",
    "\u0000",
    "\u0007",
    "\ufeff",
    "\r",
    "\r\n",
    "\x85",
    "\u2028",
    "\U0010ffff",
    "\ud7ff",
]
yamlish = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=60).map(
    "".join
)


@BOUNDED
@given(text=st.one_of(yamlish, st.text(max_size=300)), offset=st.integers(min_value=0, max_value=3))
def test_parse_yaml_never_raises(text: str, offset: int) -> None:
    with time_limit():
        parsed = parse_yaml(text, "f.yml", line_offset=offset)
    assert_diagnostics(parsed.diagnostics)
    assert parsed.lines.file == "f.yml"
    if parsed.data is not None:
        assert parsed.lines.of(()) >= 1


@BOUNDED
@given(
    text=st.one_of(
        st.builds(
            lambda a, b, c: a + b + c,
            st.sampled_from(["---\n", "---", "--- \n", "", "\n---\n"]),
            yamlish,
            st.sampled_from(["\n---\n", "\n...\n", "---", "", "\n---"]),
        ),
        st.text(max_size=200),
    )
)
def test_split_front_matter_never_raises(text: str) -> None:
    fm = split_front_matter(text, "p.md")
    assert_diagnostics(fm.diagnostics)
    assert (fm.yaml_text is None) == bool(fm.diagnostics)
    assert fm.body_line >= 1


# --- random repositories -------------------------------------------------------------------------

FIELD_NAMES = [
    "title",
    "date",
    "networks",
    "status",
    "due",
    "format",
    "lang",
    "embargo",
    "owner",
    "campaign",
    "key_date",
    "topics",
    "link",
    "image",
    "image_alt",
    "messages",
    "share",
    "from",
    "until",
    "hashtags",
    "id",
    "start",
    "end",
    "yearly",
    "rrule",
    "category",
    "color",
    "goal",
    "name",
    "team",
    "handle",
    "public",
    "email",
    "site",
    "url",
    "timezone",
    "language",
    "linkedin",
    "x",
    "instagram",
    "mastodon",
    "instance",
]
ODD_SCALARS = [
    "2026-12-03",
    "2026-12-03T09:30",
    "2026-12-03T09:30+01:00",
    "2026-12-03T09:30Z",
    "9999-12-31",
    "9999-12-31T23:59",
    "0001-01-01",
    "0001-01-01T00:00",
    "2026-02-30",
    "2026-12-03T25:00",
    "09:00",
    "25:00",
    "linkedin",
    "linkdin",
    "x",
    "instagram",
    "mastodon",
    "bluesky",
    "email",
    "whatsapp",
    "idea",
    "draft",
    "scheduled",
    "published",
    "cancelled",
    "../x",
    "a/b",
    "Hiver 2026",
    "hiver-2026",
    "claire-martin",
    "fete-des-lumieres",
    "media/pain.png",
    "../../etc/passwd",
    "/etc/passwd",
    "https://example.org/",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "{{ config }}",
    "{% raw %}",
    "[[votre angle]]",
    "#Collaborateur",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=16",
    "FREQ=DAILY",
    "FREQ=SECONDLY;INTERVAL=1",
    "FREQ=YEARLY;COUNT=0",
    "FREQ=MONTHLY;BYMONTHDAY=-1;BYSETPOS=400",
    "RRULE:FREQ=WEEKLY;BYDAY=MO",
    "FREQ=YEARLY;UNTIL=00010101",
    "FREQ=",
    "Europe/Paris",
    "Mars/Olympus",
    "#1e88e5",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(ODD_SCALARS),
)
keys = st.one_of(
    st.sampled_from(FIELD_NAMES), st.text(max_size=8), st.integers(-5, 5), st.booleans()
)
junk = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=15,
)


def field(valid: st.SearchStrategy[Any], one_in: int = 25) -> st.SearchStrategy[Any]:
    """Mostly a plausible value (to reach deep code), now and then anything at all."""
    # (not one_of(valid, ..., junk): Hypothesis merges equal branches and favours the first)
    return st.integers(1, one_in).flatmap(lambda i: junk if i == one_in else valid)


ENABLED = ["linkedin", "x", "instagram", "mastodon", "bluesky"]
networks = st.sampled_from(ENABLED)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)).map(str)
datetimes = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)).map(
    lambda d: d.isoformat(timespec="minutes")
)
texts = st.one_of(st.text(min_size=1, max_size=60), st.sampled_from(ODD_SCALARS))


@st.composite
def posts(draw: st.DrawFn) -> dict[str, Any]:
    """A post whose fields are mostly right and agree with each other (messages for its networks...)."""
    chosen = draw(st.lists(networks, min_size=1, max_size=3, unique=True))
    per_network = st.dictionaries(st.sampled_from(chosen), texts, max_size=3)
    variants = st.dictionaries(
        st.sampled_from(chosen),
        st.one_of(texts, st.lists(texts, min_size=1, max_size=3)),
        max_size=3,
    )
    optional = {
        "status": field(
            st.sampled_from(
                ["idea", "draft", "review", "approved", "scheduled", "published", "cancelled"]
            )
        ),
        "due": field(dates),
        "format": field(st.sampled_from(["text", "image", "video", "carousel", "story"])),
        "lang": field(st.sampled_from(["fr", "en", "pt-BR"])),
        "embargo": field(st.booleans()),
        "owner": field(st.just("claire-martin")),
        "campaign": field(st.just("hiver-2026")),
        "key_date": field(st.just("fete-des-lumieres")),
        "topics": field(st.lists(texts, max_size=3)),
        "link": field(
            st.sampled_from(["https://example.org/x", "https://www.example.com/a?b=c&d=<e>"])
        ),
        "image": field(st.just("media/pain.png")),
        "image_alt": field(texts),
        "messages": field(per_network),
        "share": field(
            st.fixed_dictionaries(
                {},
                optional={
                    "from": field(dates),
                    "until": field(dates),
                    "hashtags": field(st.lists(texts, max_size=3)),
                    "messages": field(variants),
                },
            )
        ),
    }
    post = {
        "title": draw(field(texts)),
        "networks": draw(field(st.just(chosen))),
        "date": draw(field(datetimes)),
    }
    for key in draw(st.lists(st.sampled_from(sorted(optional)), unique=True)):
        post[key] = draw(optional[key])
    return post


rrules = st.builds(
    lambda parts: ";".join(parts),
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "FREQ=YEARLY",
                    "FREQ=MONTHLY",
                    "FREQ=WEEKLY",
                    "FREQ=DAILY",
                    "FREQ=HOURLY",
                    "FREQ=NEVER",
                ]
            ),
            st.integers(-20, 20).map(lambda n: f"BYMONTH={n}"),
            st.integers(-40, 40).map(lambda n: f"BYMONTHDAY={n}"),
            st.integers(-5, 10**6).map(lambda n: f"INTERVAL={n}"),
            st.integers(-5, 400).map(lambda n: f"COUNT={n}"),
            st.integers(-400, 400).map(lambda n: f"BYSETPOS={n}"),
            st.sampled_from(
                ["BYDAY=MO", "BYDAY=-1FR", "BYDAY=XX", "UNTIL=20261231", "UNTIL=0", "BYYEARDAY=366"]
            ),
        ),
        min_size=1,
        max_size=4,
    ),
)


@st.composite
def key_date(draw: st.DrawFn) -> dict[str, Any]:
    """A key date in one of its forms: a day (maybe yearly), a range (maybe with a rule), a rule."""
    entry: dict[str, Any] = {
        "id": draw(field(st.sampled_from(["fete-des-lumieres", "noel", "salon"]))),
        "title": draw(field(texts)),
    }
    form = draw(st.sampled_from(["date", "range", "rrule", "range+rrule"]))
    if form == "date":
        entry["date"] = draw(field(dates))
        entry["yearly"] = draw(field(st.booleans()))
    if form.startswith("range"):
        start = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)))
        entry["start"] = draw(field(st.just(str(start))))
        entry["end"] = draw(
            field(st.integers(0, 400).map(lambda n: str(start + timedelta(days=n))))
        )
    if form.endswith("rrule"):
        entry["rrule"] = draw(field(st.one_of(rrules, st.sampled_from(ODD_SCALARS[-14:]))))
    if draw(st.booleans()):
        entry["category"] = draw(field(texts))
    return entry


@st.composite
def campaign(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)))
    entry: dict[str, Any] = {
        "id": draw(field(st.sampled_from(["hiver-2026", "ete", "printemps"]))),
        "title": draw(field(texts)),
        "start": draw(field(st.just(str(start)))),
        "end": draw(field(st.integers(0, 400).map(lambda n: str(start + timedelta(days=n))))),
    }
    if draw(st.booleans()):
        entry["color"] = draw(field(st.sampled_from(["#1e88e5", "#fff", "#ABCDEF"])))
    if draw(st.booleans()):
        entry["goal"] = draw(field(texts))
    return entry


key_dates = st.lists(key_date(), max_size=4, unique_by=lambda k: str(k.get("id")))
campaigns = st.lists(campaign(), max_size=3, unique_by=lambda c: str(c.get("id")))
ambassador_network = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {}, optional={"handle": field(texts), "specialist": field(st.booleans())}
    ),
)
ambassadors = st.fixed_dictionaries(
    {"name": field(texts)},
    optional={
        "team": field(texts),
        "networks": field(st.dictionaries(networks, ambassador_network, max_size=3)),
        "topics": field(st.lists(texts, max_size=3)),
        "email": field(texts),
        "public": field(st.booleans()),
    },
)
site_info = st.fixed_dictionaries(
    {
        "name": field(texts),
        "url": field(st.sampled_from(["https://portal.example.org/", "http://x", "portal"])),
    },
    optional={
        "language": field(st.sampled_from(["fr", "en"])),
        "timezone": field(
            st.sampled_from(["Europe/Paris", "UTC", "Pacific/Kiritimati", "Mars/Olympus"])
        ),
        "repo_url": field(st.sampled_from(["https://github.com/e/r", "javascript:alert(1)"])),
    },
)
network_settings = st.one_of(
    st.none(), st.just({}), st.fixed_dictionaries({"limit": field(st.integers(0, 10**6))})
)
per_network = st.dictionaries(networks, st.floats(-1e9, 1e9), max_size=2)
rules = st.fixed_dictionaries(
    {},
    optional={
        "min_gap_hours": field(per_network),
        "max_silence_days": field(per_network),
        "blocked_words": field(st.lists(texts, max_size=2)),
        "severity": field(
            st.dictionaries(
                st.text(max_size=12), st.sampled_from(["error", "warning", "ignore"]), max_size=2
            )
        ),
    },
)
disclosure = st.dictionaries(st.sampled_from(["default", "x", "linkedin"]), texts, max_size=2)
tracking = st.dictionaries(
    st.sampled_from(["utm_source", "utm_campaign", "utm_content"]),
    st.sampled_from(["{network}", "{campaign}", "{ambassador}", "{nope}", "{"]),
    max_size=3,
)
configs = st.fixed_dictionaries(
    {"site": field(site_info)},
    optional={
        "networks": field(
            st.dictionaries(
                st.sampled_from([*ENABLED, "facebook", "linkdin"]), network_settings, max_size=4
            )
        ),
        "rules": field(rules),
        "ambassadors": field(st.fixed_dictionaries({"disclosure": field(disclosure)})),
        "tracking": field(tracking),
    },
)

PNG = (Path(__file__).parent / "corpus/_base/content/media/pain.png").read_bytes()


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_repo(
    root: Path,
    config: Any,
    post: Any,
    key_date_list: Any,
    campaign_list: Any,
    ambassador: Any,
    raw: str | None,
) -> None:
    (root / "content/posts").mkdir(parents=True)
    (root / "content/media").mkdir()
    (root / "calendar").mkdir()
    (root / "ambassadors").mkdir()
    (root / "content/media/pain.png").write_bytes(PNG)
    (root / "site_config.yml").write_text(dump(config), encoding="utf-8")
    if post is not None:
        (root / "content/posts/random-post.md").write_text(
            f"---\n{dump(post)}---\nLe brief.\n", encoding="utf-8"
        )
    if raw is not None:
        (root / "content/posts/raw-post.md").write_text(
            raw, encoding="utf-8", errors="surrogatepass"
        )
    (root / "calendar/key-dates.yml").write_text(dump(key_date_list), encoding="utf-8")
    (root / "calendar/campaigns.yml").write_text(dump(campaign_list), encoding="utf-8")
    (root / "ambassadors/claire-martin.yml").write_text(dump(ambassador), encoding="utf-8")


def run_pipeline(root: Path, now: datetime) -> None:
    """load -> check -> plan (only for a project without errors, as `relais build` does)."""
    loaded = load(root)
    assert_diagnostics(loaded.diagnostics)
    if loaded.project is None:
        assert has_errors(loaded.diagnostics)
        event("not loaded")
        return
    found = check(loaded.project, now)
    assert_diagnostics(found)
    if not has_errors(loaded.diagnostics + found):
        local = now.astimezone(loaded.project.tz)
        site = plan(loaded.project, local).with_later(loaded.project, local)  # the .ics files too
        assert "index.md" in site.pages
        event(
            f"planned with {len(loaded.project.posts)} post(s), {len(loaded.project.key_dates)} key date(s)"
        )
    else:
        event(f"checked, {len(loaded.project.posts)} post(s) loaded")


@settings(BOUNDED, max_examples=examples(120))
@given(
    config=field(configs, 4),
    post=field(posts(), 4),
    key_date_list=field(key_dates, 4),
    campaign_list=field(campaigns, 4),
    ambassador=field(ambassadors, 4),
    raw=st.one_of(st.none(), st.builds(lambda t: "---\n" + t + "\n---\n", yamlish)),
    now=st.one_of(
        st.just(NOW),
        st.datetimes(
            min_value=datetime(1971, 1, 1),
            max_value=datetime(2200, 1, 1),
            timezones=st.just(ZoneInfo("UTC")),
        ),
    ),
)
def test_random_repository_loads_checks_and_plans(
    config: Any,
    post: Any,
    key_date_list: Any,
    campaign_list: Any,
    ambassador: Any,
    raw: str | None,
    now: datetime,
) -> None:
    with tempfile.TemporaryDirectory() as tmp, time_limit():
        root = Path(tmp)
        write_repo(root, config, post, key_date_list, campaign_list, ambassador, raw)
        run_pipeline(root, now)


VALID_CONFIG = {
    "site": {"name": "P", "url": "https://portal.example.org/", "timezone": "Europe/Paris"},
    "networks": {"linkedin": {}, "x": {}, "instagram": {}, "mastodon": {}, "bluesky": {}},
}


@settings(BOUNDED, max_examples=examples(120))
@given(
    post=posts(),
    key_date_list=key_dates,
    campaign_list=campaigns,
    ambassador=ambassadors,
    now=st.one_of(
        st.just(NOW),
        st.datetimes(
            min_value=datetime(2000, 1, 1),
            max_value=datetime(2100, 1, 1),
            timezones=st.just(ZoneInfo("Europe/Paris")),
        ),
    ),
)
def test_plausible_repository_with_a_valid_config(
    post: Any, key_date_list: Any, campaign_list: Any, ambassador: Any, now: datetime
) -> None:
    """Same, with a clean site_config.yml: reaches the checks and the planner far more often."""
    with tempfile.TemporaryDirectory() as tmp, time_limit():
        root = Path(tmp)
        write_repo(root, VALID_CONFIG, post, key_date_list, campaign_list, ambassador, None)
        run_pipeline(root, now)


@settings(BOUNDED, max_examples=examples(100))
@given(
    key_date_list=st.lists(
        key_date(), min_size=1, max_size=3, unique_by=lambda k: str(k.get("id"))
    ),
    now=st.one_of(
        st.just(NOW),
        st.datetimes(
            min_value=datetime(1950, 1, 1),
            max_value=datetime(2150, 1, 1),
            timezones=st.just(ZoneInfo("Europe/Paris")),
        ),
    ),
)
def test_random_key_dates_and_rules(key_date_list: Any, now: datetime) -> None:
    """Key dates alone (days, ranges, random RFC 5545 rules): checked and planned, never stuck."""
    with tempfile.TemporaryDirectory() as tmp, time_limit():
        root = Path(tmp)
        write_repo(root, VALID_CONFIG, None, key_date_list, [], {"name": "Claire"}, None)
        run_pipeline(root, now)


def test_the_example_limit_catches_a_runaway_computation() -> None:
    """The guard above fires on CPU time spent, whatever else the machine does (the wall
    clock's guard given room: on a machine at a load of 10, a second of CPU took 6 s)."""
    with pytest.raises(AssertionError, match="more than 1 s of CPU time"), time_limit(1, wall=120):
        while True:
            sum(range(10_000))
