"""The schedule checks: exact diagnostics (file, line, code, severity, message, hint) for each rule."""

from __future__ import annotations

from datetime import datetime

from generator.calendar.checks import CHECKS
from generator.check import check
from generator.diagnostics import Diagnostic
from generator.model import Project

from .conftest import CONFIG, NOW, PARIS, ProjectFactory, post

CODES = {
    "min-gap",
    "max-silence",
    "key-date-uncovered",
    "campaign-empty",
    "campaign-colour",
    "post-outside-campaign",
    "status-date",
    "due-after-date",
    "dst-nonexistent",
    "dst-ambiguous",
    "rrule-invalid",
    "rrule-never",
}
QUIET = CONFIG.replace("  max_silence_days: {linkedin: 7}\n", "")


def found(
    project: Project, now: datetime = NOW, codes: set[str] = CODES
) -> list[tuple[str, int, str, str, str, str]]:
    """The calendar diagnostics through the real checker (severity overrides applied), as tuples."""
    return [_row(d) for d in check(project, now) if d.code in codes]


def _row(d: Diagnostic) -> tuple[str, int, str, str, str, str]:
    return (d.file, d.line, d.severity.value, d.code, d.message, d.hint)


def test_every_check_has_a_docstring_and_the_list_is_complete() -> None:
    assert all(fn.__doc__ for fn in CHECKS)
    assert len(CHECKS) == 10


def test_min_gap_reports_the_later_post_with_the_earliest_valid_time(
    project: ProjectFactory,
) -> None:
    p = project(
        {
            "content/posts/a.md": post("A", "2026-12-03T09:00"),
            "content/posts/b.md": post("B", "2026-12-04T01:30"),
            "content/posts/c.md": post("Cancelled", "2026-12-03T10:00", status="cancelled"),
            "content/posts/d.md": post("Far enough", "2026-12-04T21:30"),
            "content/posts/old-1.md": post("Old 1", "2026-11-02T09:00", status="published"),
            "content/posts/old-2.md": post("Old 2", "2026-11-02T10:00", status="published"),
        },
        config=QUIET,
    )
    assert found(p) == [
        (
            "content/posts/b.md",
            3,
            "warning",
            "min-gap",
            "this LinkedIn post is 16 h 30 min after 'a' (2026-12-03T09:00), less than rules.min_gap_hours.linkedin (20 h)",
            "move it to 2026-12-04T05:00 or later, or move content/posts/a.md:3",
        )
    ]


def test_min_gap_counts_elapsed_time_across_a_daylight_saving_night(
    project: ProjectFactory,
) -> None:
    # 01:30 and 03:30 on 28 March 2027 in Paris are one hour apart: 02:00-03:00 does not exist.
    p = project(
        {
            "content/posts/a.md": post("A", "2027-03-28T01:30", networks=("x",)),
            "content/posts/b.md": post("B", "2027-03-28T03:30", networks=("x",)),
        },
        config=QUIET,
    )
    assert found(p) == [
        (
            "content/posts/b.md",
            3,
            "warning",
            "min-gap",
            "this X post is 1 h after 'a' (2027-03-28T01:30), less than rules.min_gap_hours.x (3 h)",
            "move it to 2027-03-28T05:30 or later, or move content/posts/a.md:3",
        )
    ]


def test_max_silence_counts_from_now_and_between_planned_posts(project: ProjectFactory) -> None:
    p = project(
        {
            "content/posts/first.md": post("First", "2026-12-09T09:00"),
            "content/posts/second.md": post("Second", "2026-12-15T09:00"),
            "content/posts/third.md": post("Third", "2026-12-25T09:00"),
            "content/posts/dropped.md": post("Dropped", "2026-12-20T09:00", status="cancelled"),
            "content/posts/past.md": post("Past", "2026-11-01T09:00", status="published"),
        }
    )
    assert found(p) == [
        (
            "content/posts/first.md",
            3,
            "warning",
            "max-silence",
            (
                "no LinkedIn post for 8 days 1 h between now (2026-12-01T08:00) and this post, more than "
                "rules.max_silence_days.linkedin (7)"
            ),
            'plan a LinkedIn post before 2026-12-08T08:00, e.g. in a free slot: relais new post "…" --network linkedin --next-slot',
        ),
        (
            "content/posts/third.md",
            3,
            "warning",
            "max-silence",
            (
                "no LinkedIn post for 10 days between 'second' (2026-12-15T09:00) and this post, more than "
                "rules.max_silence_days.linkedin (7)"
            ),
            'plan a LinkedIn post before 2026-12-22T09:00, e.g. in a free slot: relais new post "…" --network linkedin --next-slot',
        ),
    ]


KEY_DATES = """\
- id: noel
  title: Noël
  date: 2025-12-10
  yearly: true
- id: covered
  title: Covered
  date: 2026-12-05
- id: later
  title: Later
  date: 2027-01-20
- id: running
  title: Running
  start: 2026-11-25
  end: 2026-12-02
"""


def test_key_date_uncovered_in_the_next_14_days(project: ProjectFactory) -> None:
    p = project(
        {
            "calendar/key-dates.yml": KEY_DATES,
            "content/posts/c.md": post("C", "2026-12-04T09:00", key_date="covered"),
            "content/posts/last-year.md": post(
                "Last year", "2025-12-10T09:00", status="published", key_date="noel"
            ),
        },
        config=QUIET,
    )
    assert found(p) == [
        (
            "calendar/key-dates.yml",
            1,
            "warning",
            "key-date-uncovered",
            "key date 'noel' is on 2026-12-10, in 9 days and no post is linked to it",
            "add 'key_date: noel' to a post planned around it, or plan one: relais new post \"…\" --date 2026-12-10T09:00",
        ),
        (
            "calendar/key-dates.yml",
            11,
            "warning",
            "key-date-uncovered",
            "key date 'running' runs until 2026-12-02 and no post is linked to it",
            "add 'key_date: running' to a post planned around it, or plan one: relais new post \"…\" --date 2026-11-25T09:00",
        ),
    ]


CAMPAIGNS = """\
- id: hiver
  title: Hiver
  start: 2026-12-01
  end: 2026-12-31
- id: vide
  title: Vide
  start: 2027-01-01
  end: 2027-01-31
"""


def test_campaign_empty_and_post_outside_campaign(project: ProjectFactory) -> None:
    p = project(
        {
            "calendar/campaigns.yml": CAMPAIGNS,
            "content/posts/in.md": post("In", "2026-12-10T09:00", campaign="hiver"),
            "content/posts/out.md": post("Out", "2027-01-05T09:00", campaign="hiver"),
            "content/posts/dropped.md": post(
                "Dropped", "2027-01-10T09:00", status="cancelled", campaign="vide"
            ),
        },
        config=QUIET,
    )
    assert found(p, codes={"campaign-empty", "post-outside-campaign"}) == [
        (
            "calendar/campaigns.yml",
            5,
            "warning",
            "campaign-empty",
            "campaign 'vide' has no post",
            "add 'campaign: vide' to the posts that belong to it, or remove the campaign",
        ),
        (
            "content/posts/out.md",
            3,
            "warning",
            "post-outside-campaign",
            "the post is dated 2027-01-05 but campaign 'hiver' runs from 2026-12-01 to 2026-12-31",
            "move the post into the campaign, extend the campaign (calendar/campaigns.yml:4), or remove 'campaign:'",
        ),
    ]


def test_campaign_colour_too_pale_for_the_page(project: ProjectFactory) -> None:
    """A colour under 3:1 against white is reported at its line, with a darker one to use."""
    campaigns = (
        "- id: galette\n  title: Galette\n  start: 2026-12-01\n  end: 2026-12-31\n"
        '  color: "#f9a825"\n'
        "- id: hiver\n  title: Hiver\n  start: 2026-12-01\n  end: 2026-12-31\n"
        '  color: "#1565c0"\n'
        "- id: sans\n  title: Sans couleur\n  start: 2026-12-01\n  end: 2026-12-31\n"
    )
    posts = {
        f"content/posts/{c}.md": post(c, "2026-12-10T09:00", campaign=c)
        for c in ("galette", "hiver", "sans")
    }
    p = project({"calendar/campaigns.yml": campaigns, **posts}, config=QUIET)
    assert found(p, codes={"campaign-colour"}) == [
        (
            "calendar/campaigns.yml",
            5,
            "warning",
            "campaign-colour",
            (
                "campaign colour #f9a825 has a contrast of 1.97:1 with the white page: its bands "
                "and stripes need 3:1 to be seen (WCAG 2.2, 1.4.11); its text, black, has 10.66:1"
            ),
            'use a darker colour, e.g. color: "#c7861e"',
        )
    ]


def test_status_date_and_due_after_date(project: ProjectFactory) -> None:
    p = project(
        {
            "content/posts/early.md": post("Early", "2026-12-10T09:00", status="published"),
            "content/posts/late.md": post("Late", "2026-11-30T09:00", status="scheduled"),
            "content/posts/stale.md": post("Stale", "2026-11-30T18:00", status="approved"),
            "content/posts/ok.md": post("Ok", "2026-11-30T09:00", status="published"),
            "content/posts/due.md": post("Due", "2026-12-10T09:00", due="2026-12-11"),
            "content/posts/due-same-day.md": post(
                "Due same day", "2026-12-11T09:00", due="2026-12-11"
            ),
        },
        config=QUIET,
    )
    assert found(p, codes={"status-date", "due-after-date"}) == [
        (
            "content/posts/due.md",
            6,
            "error",
            "due-after-date",
            "due date 2026-12-11 is after the publication date 2026-12-10",
            "set 'due: 2026-12-09' or earlier (the day the draft must be ready), or move the date",
        ),
        (
            "content/posts/early.md",
            5,
            "warning",
            "status-date",
            "status is published but the date 2026-12-10T09:00 is still to come",
            "set 'status: scheduled' (or approved) until it is out, or correct the date",
        ),
        (
            "content/posts/late.md",
            5,
            "warning",
            "status-date",
            "status is scheduled but the date 2026-11-30T09:00 has passed",
            "set 'status: published' once it is out, 'cancelled' if it was dropped, or move the date",
        ),
        (
            "content/posts/stale.md",
            5,
            "warning",
            "status-date",
            "status is approved but the date 2026-11-30T18:00 has passed",
            "set 'status: published' once it is out, 'cancelled' if it was dropped, or move the date",
        ),
    ]


def test_daylight_saving_in_paris(project: ProjectFactory) -> None:
    p = project(
        {
            "content/posts/gap.md": post("Gap", "2027-03-28T02:30", networks=("instagram",)),
            "content/posts/twice.md": post(
                "Twice", "2026-10-25T02:30", networks=("instagram",), status="published"
            ),
            "content/posts/chosen.md": post(
                "Chosen", "2026-10-25T02:30+01:00", networks=("instagram",), status="published"
            ),
        },
        config=QUIET,
    )
    assert found(p, codes={"dst-nonexistent", "dst-ambiguous"}) == [
        (
            "content/posts/gap.md",
            3,
            "error",
            "dst-nonexistent",
            "2027-03-28T02:30 does not exist in Europe/Paris: clocks go forward from 02:00 to 03:00 that night",
            "use 2027-03-28T01:59 or 2027-03-28T03:00 (valid times around the change)",
        ),
        (
            "content/posts/twice.md",
            3,
            "warning",
            "dst-ambiguous",
            "2026-10-25T02:30 happens twice in Europe/Paris: clocks go back that night",
            (
                "add the offset to choose: 2026-10-25T02:30+02:00 (the first time) or 2026-10-25T02:30+01:00 (the second); "
                "without it, the first is used"
            ),
        ),
    ]


def test_daylight_saving_in_new_york(project: ProjectFactory) -> None:
    config = CONFIG.replace("Europe/Paris", "America/New_York")
    p = project(
        {
            "content/posts/gap.md": post("Gap", "2027-03-14T02:15", networks=("instagram",)),
            "content/posts/twice.md": post(
                "Twice", "2026-11-01T01:45", networks=("instagram",), status="published"
            ),
            "content/posts/fine.md": post(
                "Fine", "2026-11-01T02:45", networks=("instagram",), status="published"
            ),
        },
        config=config,
    )
    now = datetime(2026, 12, 1, 8, tzinfo=PARIS)
    assert found(p, now, codes={"dst-nonexistent", "dst-ambiguous"}) == [
        (
            "content/posts/gap.md",
            3,
            "error",
            "dst-nonexistent",
            "2027-03-14T02:15 does not exist in America/New_York: clocks go forward from 02:00 to 03:00 that night",
            "use 2027-03-14T01:59 or 2027-03-14T03:00 (valid times around the change)",
        ),
        (
            "content/posts/twice.md",
            3,
            "warning",
            "dst-ambiguous",
            "2026-11-01T01:45 happens twice in America/New_York: clocks go back that night",
            (
                "add the offset to choose: 2026-11-01T01:45-04:00 (the first time) or 2026-11-01T01:45-05:00 (the second); "
                "without it, the first is used"
            ),
        ),
    ]


def test_invalid_and_never_happening_rules_are_errors_at_their_line(
    project: ProjectFactory,
) -> None:
    p = project(
        {
            "calendar/key-dates.yml": """\
- id: typo
  title: Typo
  rrule: FREQ=MONTLY;BYDAY=1TH
- id: impossible
  title: Impossible
  rrule: FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30
- id: fine
  title: Fine
  rrule: FREQ=MONTHLY;BYDAY=1TH
"""
        },
        config=QUIET,
    )
    rows = found(p, codes={"rrule-invalid", "rrule-never"})
    assert [r[:4] for r in rows] == [
        ("calendar/key-dates.yml", 3, "error", "rrule-invalid"),
        ("calendar/key-dates.yml", 6, "error", "rrule-never"),
    ]
    assert (
        rows[0][4]
        == "rrule 'FREQ=MONTLY;BYDAY=1TH' is not a valid RFC 5545 rule: invalid 'FREQ': MONTLY"
    )
    assert rows[0][5].startswith("e.g. FREQ=MONTHLY;BYDAY=1TH")


def test_severities_are_configurable_by_code(project: ProjectFactory) -> None:
    config = (
        QUIET + "  severity: {min-gap: error, campaign-empty: ignore, due-after-date: warning}\n"
    )
    p = project(
        {
            "calendar/campaigns.yml": CAMPAIGNS,
            "content/posts/a.md": post("A", "2026-12-03T09:00", campaign="hiver"),
            "content/posts/b.md": post("B", "2026-12-03T10:00", campaign="hiver", due="2026-12-05"),
        },
        config=config,
    )
    assert [(r[0], r[2], r[3]) for r in found(p)] == [
        ("content/posts/b.md", "error", "min-gap"),
        ("content/posts/b.md", "warning", "due-after-date"),
    ]


def test_the_demo_plan_passes_every_error_level_check(demo_repo: object) -> None:
    from generator.load import load

    loaded = load(demo_repo)  # type: ignore[arg-type]
    assert loaded.project is not None
    errors = [
        d for d in check(loaded.project, NOW) if d.code in CODES and d.severity.value == "error"
    ]
    assert errors == []


def test_a_daily_key_date_is_reported_once(project: ProjectFactory) -> None:
    p = project(
        {
            "calendar/key-dates.yml": "- id: chaque-jour\n  title: Chaque jour\n  rrule: FREQ=DAILY\n"
        },
        config=QUIET,
    )
    assert found(p) == [
        (
            "calendar/key-dates.yml",
            1,
            "warning",
            "key-date-uncovered",
            "key date 'chaque-jour' is today and no post is linked to it",
            "add 'key_date: chaque-jour' to a post planned around it, or plan one: relais new post \"…\" --date 2026-12-01T09:00",
        )
    ]
