"""The calendar pages as planned (Markdown with raw HTML): ranges, today, escaping, embargo, board, agenda."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from generator.build import build
from generator.calendar.pages import plan as plan_calendar
from generator.plan import Planner
from generator.site import Section

from .conftest import AMBASSADORS, NOW, ProjectFactory, post

SLOTS = '- network: linkedin\n  days: [tue, thu]\n  time: "09:00"\n'
CAMPAIGNS = """\
- id: hiver
  title: Gamme <d'hiver>
  start: 2026-11-25
  end: 2027-01-15
  color: "#1e88e5"
  goal: Vendre {{ plus }} de *pain*
"""
KEY_DATES = "- id: lumieres\n  title: Fête des Lumières\n  date: 2026-12-08\n  yearly: true\n"
HOSTILE = "<script>alert(1)</script> {{ x }} *gras*"


def section(project: ProjectFactory, files: dict[str, str]) -> Section:
    return plan_calendar(Planner(project({**AMBASSADORS, **files}), NOW), None)


def months(s: Section) -> list[str]:
    return sorted(p for p in s.pages if re.fullmatch(r"calendar/\d{4}-\d{2}\.md", p))


def test_month_pages_cover_three_months_back_to_twelve_ahead(project: ProjectFactory) -> None:
    s = section(project, {})
    assert months(s)[0] == "calendar/2026-09.md" and months(s)[-1] == "calendar/2027-12.md"
    assert len(months(s)) == 16
    assert {
        "calendar/index.md",
        "calendar/board.md",
        "calendar/key-dates.md",
        "calendar/campaigns/index.md",
    } <= set(s.pages)
    assert s.nav == [
        {
            "Calendrier": [
                {"Agenda": "calendar/index.md"},
                {"Mois": "calendar/2026-12.md"},
                {"Tableau": "calendar/board.md"},
                {"Temps forts": "calendar/key-dates.md"},
                {"Campagnes": "calendar/campaigns/index.md"},
            ]
        }
    ]


def test_page_count_grows_with_months_not_posts(project: ProjectFactory) -> None:
    few = section(project, {"content/posts/a.md": post("A", "2026-12-03T09:00")})
    files = {
        f"content/posts/p{i}.md": post(f"P{i}", f"2027-01-{1 + i % 28:02d}T{8 + i % 10:02d}:00")
        for i in range(200)
    }
    many = plan_calendar(Planner(project(files), NOW), None)
    assert len(many.pages) == len(few.pages)
    # Posts further out extend the range, up to two years from today; beyond that only the archive has them.
    far = section(
        project,
        {
            "content/posts/a.md": post("A", "2028-06-03T09:00"),
            "content/posts/b.md": post("B", "2029-06-03T09:00"),
        },
    )
    assert months(far)[-1] == "calendar/2028-06.md"


def test_today_is_marked_once_and_months_link_to_each_other(project: ProjectFactory) -> None:
    s = section(project, {})
    december = s.pages["calendar/2026-12.md"]
    assert december.count('aria-current="date"') == 1
    assert re.search(
        r'<td class="relais-cal-day relais-cal-day--today[^"]*" aria-current="date" data-day="2026-12-01">',
        december,
    )
    assert 'aria-current="date"' not in s.pages["calendar/2027-01.md"]
    assert '<a href="../2026-11/" rel="prev" data-relais-keep>' in december
    assert '<a href="../2027-01/" rel="next" data-relais-keep>' in december
    assert (
        'rel="prev"' not in s.pages["calendar/2026-09.md"]
    )  # the first month has no previous link
    assert '<caption class="relais-sr">Décembre 2026</caption>' in december
    assert (
        december.count('<th scope="col">') == 7
        and december.count('<th scope="row" class="relais-cal-weekno">') == 5
    )


def test_a_post_in_its_day_cell_with_time_networks_status_and_link(project: ProjectFactory) -> None:
    s = section(
        project,
        {
            "calendar/campaigns.yml": CAMPAIGNS,
            "calendar/key-dates.yml": KEY_DATES,
            "content/posts/marrons.md": post(
                "Pain aux marrons",
                "2026-12-03T09:30",
                networks=("linkedin", "x"),
                owner="claire-martin",
                campaign="hiver",
            ),
        },
    )
    page = s.pages["calendar/2026-12.md"]
    cell = page.split('data-day="2026-12-03">')[1].split("</td>")[0]
    assert '<time datetime="2026-12-03T09:30:00+01:00">09:30</time>' in cell
    assert (
        'data-networks="linkedin x" data-status="scheduled" data-campaign="hiver" data-owner="claire-martin"'
        in cell
    )
    assert '<a href="../../posts/marrons/">Pain aux marrons</a>' in cell
    assert 'href="#relais-linkedin"' in cell and 'href="#relais-x"' in cell
    assert "relais-cal-item--scheduled" in cell
    assert "Gamme &lt;d&#39;hiver&gt;" in cell  # the campaign band, escaped
    lumieres = page.split('data-day="2026-12-08">')[1].split("</td>")[0]
    assert "Fête des Lumières" in lumieres


def test_user_text_is_escaped_everywhere(project: ProjectFactory) -> None:
    s = section(
        project,
        {
            "calendar/campaigns.yml": CAMPAIGNS,
            "content/posts/hostile.md": post(
                HOSTILE, "2026-12-03T09:30", campaign="hiver", status="draft"
            ),
        },
    )
    for path, text in s.pages.items():
        assert "<script>alert" not in text, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ x }} *gras*" in s.pages["calendar/board.md"]
    assert (
        "Vendre {{ plus }} de *pain*" in s.pages["calendar/campaigns/hiver.md"]
    )  # shown as written, in raw HTML


def test_embargoed_posts_show_only_the_neutral_label(project: ProjectFactory) -> None:
    s = section(
        project,
        {
            "calendar/campaigns.yml": CAMPAIGNS,
            "content/posts/secret.md": post(
                "Le grand secret",
                "2026-12-10T09:00",
                embargo=True,
                campaign="hiver",
                owner="claire-martin",
                status="review",
                due="2026-11-20",
            ),
        },
    )
    for path, text in s.pages.items():
        assert "Le grand secret" not in text and "posts/secret/" not in text, path
    assert "Publication sous embargo" in s.pages["calendar/2026-12.md"]
    assert "Publication sous embargo" in s.pages["calendar/board.md"]
    assert "Publication sous embargo" not in s.pages["calendar/campaigns/hiver.md"]
    assert 'data-campaign="" data-owner=""' in s.pages["calendar/2026-12.md"]


def test_the_board_columns_due_dates_and_overdue_flags(project: ProjectFactory) -> None:
    s = section(
        project,
        {
            "content/posts/late.md": post(
                "En retard",
                "2026-12-20T09:00",
                status="draft",
                due="2026-11-28",
                owner="claire-martin",
            ),
            "content/posts/fine.md": post(
                "À l'heure", "2026-12-20T10:00", status="review", due="2026-12-05"
            ),
            "content/posts/ready.md": post(
                "Prête", "2026-12-21T09:00", status="approved", due="2026-11-28"
            ),
            "content/posts/idea.md": post("Une idée", None, status="idea"),
            "content/posts/done.md": post("Publiée", "2026-11-20T09:00", status="published"),
        },
    )
    board = s.pages["calendar/board.md"]
    assert re.findall(r'data-status-column="(\w+)"', board) == [
        "idea",
        "draft",
        "review",
        "approved",
        "scheduled",
    ]
    columns = dict(re.findall(r'data-status-column="(\w+)"(.*?)</section>', board, re.DOTALL))
    assert "Une idée" in columns["idea"] and "Non daté" in columns["idea"]
    assert "En retard" in columns["draft"] and "relais-task--overdue" in columns["draft"]
    assert (
        '<time datetime="2026-11-28">28 nov. 2026</time> <strong class="relais-overdue">En retard</strong>'
        in columns["draft"]
    )
    assert "Claire Martin" in columns["draft"]
    assert (
        "relais-task--overdue" not in columns["review"]
        and "relais-task--overdue" not in columns["approved"]
    )
    assert "Publiée" not in board


def test_the_agenda_lists_posts_and_the_free_slots_only(project: ProjectFactory) -> None:
    s = section(
        project,
        {
            "calendar/slots.yml": SLOTS,
            "content/posts/thursday.md": post("Jeudi", "2026-12-03T09:00"),
        },
    )
    index = s.pages["calendar/index.md"]
    agenda = index.split('id="relais-cal-agenda"')[1].split('id="relais-cal-subscriptions"')[0]
    slots = re.findall(
        r'data-kind="slot" data-networks="linkedin"[^>]*><time datetime="([^"]+)"', agenda
    )
    assert slots[:3] == [
        "2026-12-01T09:00:00+01:00",
        "2026-12-08T09:00:00+01:00",
        "2026-12-10T09:00:00+01:00",
    ]
    assert len(slots) == 15  # 8 weeks x 2 slots, less Thursday 3 (taken)
    assert agenda.count("<h3>Semaine ") == 8
    assert "Jeudi" in agenda


def test_subscriptions_with_absolute_and_webcal_links(project: ProjectFactory) -> None:
    index = section(project, {"content/posts/a.md": post("A", "2026-12-03T09:00")}).pages[
        "calendar/index.md"
    ]
    assert '<a href="ics/all.ics" download>.ics</a>' in index
    assert '<a href="webcal://portal.example.org/calendar/ics/all.ics">' in index
    assert 'data-copy="https://portal.example.org/calendar/ics/all.ics"' in index
    assert "<script" not in index and " onclick" not in index


def test_campaign_and_key_dates_pages(project: ProjectFactory) -> None:
    s = section(
        project,
        {
            "calendar/campaigns.yml": CAMPAIGNS,
            "calendar/key-dates.yml": KEY_DATES
            + "- id: soon\n  title: Bientôt\n  date: 2026-12-05\n",
            "content/posts/live.md": post(
                "Live des Lumières", "2026-12-08T18:30", key_date="lumieres", campaign="hiver"
            ),
        },
    )
    campaign = s.pages["calendar/campaigns/hiver.md"]
    assert "du 25 nov. 2026 au 15 janv. 2027" in campaign and "En cours" in campaign
    assert "Live des Lumières" in campaign and "Fête des Lumières" in campaign
    assert "ics/campaign-hiver.ics" in campaign
    key_dates = s.pages["calendar/key-dates.md"]
    soon = key_dates.split('id="soon-20261205"')[1].split("</li>")[0]
    assert (
        '<p class="relais-empty relais-cal-warn">Aucune publication liée.</p>' in soon
    )  # within 14 days: flagged
    lumieres = key_dates.split('id="lumieres-20261208"')[1].split("</li>")[0]
    assert "Live des Lumières" in lumieres and "mar. 8 déc. 18:30" in lumieres
    assert 'id="lumieres-20271208"' not in key_dates  # the next twelve months only


def test_the_english_portal(project: ProjectFactory) -> None:
    from .conftest import CONFIG

    p = project(
        {"content/posts/a.md": post("A", "2026-12-03T09:00")},
        config=CONFIG.replace("language: fr", "language: en"),
    )
    s = plan_calendar(Planner(p, NOW), None)
    assert "Calendar" in s.nav[0]
    assert "<h1>December 2026</h1>" in s.pages["calendar/2026-12.md"]
    assert '<abbr title="Monday">Mon</abbr>' in s.pages["calendar/2026-12.md"]


def test_planning_twice_gives_identical_pages_and_files(project: ProjectFactory) -> None:
    p = project(
        {
            **AMBASSADORS,
            "calendar/slots.yml": SLOTS,
            "calendar/campaigns.yml": CAMPAIGNS,
            "content/posts/a.md": post("A", "2026-12-03T09:00", campaign="hiver"),
        }
    )
    first = plan_calendar(Planner(p, NOW), None)
    second = plan_calendar(Planner(p, NOW), None)
    assert first.pages == second.pages and first.files == second.files
    later = plan_calendar(Planner(p, NOW + timedelta(days=40)), None)
    assert later.pages["calendar/index.md"] != first.pages["calendar/index.md"]


def test_two_builds_of_the_demo_are_byte_identical(built_demo: Path, tmp_path: Path) -> None:
    from tests.conftest import DEMO_NOW, copy_demo

    root = copy_demo(tmp_path / "again")
    result = build(root, now_option=DEMO_NOW, out=tmp_path / "site")
    assert result.ok, result.failure
    ours = sorted(
        p.relative_to(built_demo) for p in (built_demo / "calendar").rglob("*") if p.is_file()
    )
    theirs = sorted(
        p.relative_to(result.out) for p in (result.out / "calendar").rglob("*") if p.is_file()
    )
    assert ours == theirs and len(ours) > 30
    different = [
        str(p) for p in ours if (built_demo / p).read_bytes() != (result.out / p).read_bytes()
    ]
    assert different == []


def test_the_agenda_shows_a_key_date_of_several_days_once_with_its_range(
    project: ProjectFactory,
) -> None:
    """Not on each of its days: a four-week sale is one line, on its first day, with its range;
    one that began before today is on today's line."""
    key_dates = (
        "- id: soldes\n  title: Soldes d'hiver\n  start: 2026-12-09\n  end: 2027-01-05\n"
        "- id: avent\n  title: Avent\n  start: 2026-11-28\n  end: 2026-12-24\n"
    )
    index = section(project, {"calendar/key-dates.yml": key_dates}).pages["calendar/index.md"]
    agenda = index.split('id="relais-cal-agenda"')[1].split('id="relais-cal-subscriptions"')[0]
    assert agenda.count("Soldes d&#39;hiver") == 1
    assert (
        'Soldes d&#39;hiver <span class="relais-cal-keydate__span">du mer. 9 déc. au mar. 5 janv.</span>'
        in agenda
    )
    assert agenda.count(">Avent <span") == 1  # on today's line (1 December), with its range
    today = agenda.split("relais-cal-agenda-day--today")[1].split("</li>\n</ol>")[0]
    assert "Avent" in today
    # The month grid still marks every day it lasts.
    month = section(project, {"calendar/key-dates.yml": key_dates}).pages["calendar/2026-12.md"]
    assert month.count("Soldes d&#39;hiver") >= 20


def test_the_board_shows_a_quarter_and_counts_what_is_planned_later(
    project: ProjectFactory,
) -> None:
    """A plan of years ahead (10,000 posts) must not make the board grow: a post dated past
    the next 13 weeks is counted under its column with a link to its month, unless overdue."""
    files = {
        f"content/posts/later-{i}.md": post(
            f"Plus tard {i}", f"2027-0{4 + i}-10T09:00", status="draft"
        )
        for i in range(3)
    }
    files["content/posts/soon.md"] = post("Bientôt", "2026-12-20T09:00", status="draft")
    files["content/posts/late-but-overdue.md"] = post(
        "Loin mais en retard", "2027-06-01T09:00", status="review", due="2026-11-20"
    )
    board = section(project, files).pages["calendar/board.md"]
    columns = dict(re.findall(r'data-status-column="(\w+)"(.*?)</section>', board, re.DOTALL))
    assert "Bientôt" in columns["draft"] and "Plus tard" not in board
    assert "Et 3 publications prévues à partir du" in columns["draft"]
    assert 'href="../2027-04/"' in columns["draft"] and "Voir avril 2027" in columns["draft"]
    assert "Loin mais en retard" in columns["review"]  # overdue work stays in sight
    assert "prévue" not in columns["review"]


def test_the_board_has_jump_links_to_its_columns(project: ProjectFactory) -> None:
    board = section(project, {}).pages["calendar/board.md"]
    jump = board.split('<nav class="relais-board__jump" aria-label="Colonnes du tableau">')[
        1
    ].split("</nav>")[0]
    targets = re.findall(r'href="#(relais-board-[a-z]+)"', jump)
    assert targets == [
        f"relais-board-{s}" for s in ("idea", "draft", "review", "approved", "scheduled")
    ]
    assert all(f'id="{t}"' in board for t in targets)
