"""Publication slots: expansion, daylight-saving days, slots taken by posts, and `relais new post --next-slot`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import yaml
from click.testing import CliRunner

from generator.calendar.slots import expand, free_slots, next_free_slot
from generator.cli import cli

from .conftest import CONFIG, NOW, PARIS, ProjectFactory, post

SLOTS = """\
- network: linkedin
  days: [tue, thu]
  time: "09:00"
- network: x
  days: [sun]
  time: "02:30"
"""


def test_slots_expand_on_their_weekdays(project: ProjectFactory) -> None:
    p = project({"calendar/slots.yml": SLOTS})
    found = [
        (s.at.isoformat(), s.network)
        for s in expand(p.slots, p, date(2026, 12, 1), date(2026, 12, 7))
    ]
    assert found == [
        ("2026-12-01T09:00:00+01:00", "linkedin"),
        ("2026-12-03T09:00:00+01:00", "linkedin"),
        ("2026-12-06T02:30:00+01:00", "x"),
    ]


def test_a_slot_in_the_spring_gap_moves_forward_and_keeps_its_offset(
    project: ProjectFactory,
) -> None:
    p = project({"calendar/slots.yml": SLOTS})
    sunday = [s.at for s in expand(p.slots, p, date(2027, 3, 28), date(2027, 3, 28))]
    assert [s.isoformat() for s in sunday] == ["2027-03-28T03:30:00+02:00"]
    autumn = [s.at for s in expand(p.slots, p, date(2026, 10, 25), date(2026, 10, 25))]
    assert [s.isoformat() for s in autumn] == ["2026-10-25T02:30:00+02:00"]  # the first of the two


def test_a_post_takes_the_slots_closer_than_the_min_gap(project: ProjectFactory) -> None:
    p = project(
        {
            "calendar/slots.yml": SLOTS,
            # 14:00 is 5 h from Tuesday's 09:00 slot (< 20 h): taken. Thursday's slot is 43 h away: free.
            "content/posts/a.md": post("A", "2026-12-01T14:00"),
            "content/posts/b.md": post("B", "2026-12-08T09:00", status="cancelled"),
        }
    )
    free = free_slots(p, NOW, NOW + timedelta(days=8), "linkedin")
    assert [s.at.isoformat() for s in free] == [
        "2026-12-03T09:00:00+01:00",
        "2026-12-08T09:00:00+01:00",
    ]


def test_next_free_slot_skips_taken_ones_and_past_ones(project: ProjectFactory) -> None:
    p = project(
        {
            "calendar/slots.yml": SLOTS,
            "content/posts/a.md": post("A", "2026-12-03T09:00"),
        }
    )
    assert next_free_slot(p, "linkedin", NOW) == datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)
    # Strictly after `now`; Thursday's slot is taken by the post: the next is Tuesday 8.
    assert next_free_slot(p, "linkedin", datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)) == datetime(
        2026, 12, 8, 9, 0, tzinfo=PARIS
    )
    assert next_free_slot(p, "instagram", NOW) is None  # no slot for it
    assert next_free_slot(p, "x", NOW) == datetime(2026, 12, 6, 2, 30, tzinfo=PARIS)


def test_next_free_slot_gives_up_after_a_year_when_everything_is_taken(
    project: ProjectFactory,
) -> None:
    slots = '- network: linkedin\n  days: [tue]\n  time: "09:00"\n'
    files = {"calendar/slots.yml": slots}
    day = date(2026, 12, 1)
    for i in range(60):
        files[f"content/posts/p{i}.md"] = post(f"P{i}", f"{day + timedelta(weeks=i)}T09:00")
    p = project(files, config=CONFIG.replace("  max_silence_days: {linkedin: 7}\n", ""))
    assert next_free_slot(p, "linkedin", NOW) is None  # 60 weeks taken > the 366 days looked at


def test_new_post_next_slot_from_the_command_line(make_repo: object) -> None:
    root: Path = make_repo(
        {  # type: ignore[operator]
            "calendar/slots.yml": SLOTS,
            "content/posts/a.md": post("A", "2026-12-01T09:00"),
        },
        config=CONFIG,
    )
    result = CliRunner().invoke(
        cli,
        [
            "new",
            "post",
            "--root",
            str(root),
            "Le pain du jeudi",
            "--network",
            "linkedin",
            "--next-slot",
            "--now",
            "2026-12-01T08:00",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    created = root / "content/posts/le-pain-du-jeudi.md"
    meta = yaml.safe_load(created.read_text(encoding="utf-8").split("---\n")[1])
    assert meta["date"] == "2026-12-03T09:00" and meta["networks"] == ["linkedin"]
    # The slot is now taken: the next one is the following Tuesday.
    again = CliRunner().invoke(
        cli,
        [
            "new",
            "post",
            "--root",
            str(root),
            "Le pain du mardi",
            "--network",
            "linkedin",
            "--next-slot",
            "--now",
            "2026-12-01T08:00",
        ],
        catch_exceptions=False,
    )
    assert again.exit_code == 0, again.output
    meta = yaml.safe_load(
        (root / "content/posts/le-pain-du-mardi.md").read_text(encoding="utf-8").split("---\n")[1]
    )
    assert meta["date"] == "2026-12-08T09:00"


def test_new_post_next_slot_without_a_slot_is_a_clear_error(make_repo: object) -> None:
    root: Path = make_repo({"calendar/slots.yml": SLOTS}, config=CONFIG)  # type: ignore[operator]
    result = CliRunner().invoke(
        cli,
        [
            "new",
            "post",
            "--root",
            str(root),
            "Une story",
            "--network",
            "instagram",
            "--next-slot",
            "--now",
            "2026-12-01T08:00",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 1
    assert "no free slot for instagram" in result.output
