"""Loading a content repository into frozen models, with every problem as a diagnostic."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from generator.diagnostics import format_text
from generator.load import load

POST = """\
---
title: Lancement de la gamme d'hiver
date: 2026-12-03T09:30
networks: [linkedin, x]
status: scheduled
due: 2026-11-28
format: carousel
topics: [produit]
messages:
  linkedin: "Bonjour"
share:
  hashtags: [Hiver]
  messages:
    linkedin:
      - "Variante A"
      - "Variante B"
---
Le brief.
"""


def test_a_valid_post_loads_with_local_time_and_lines(make_repo) -> None:
    root = make_repo({"content/posts/hiver.md": POST})
    loaded = load(root)
    assert loaded.diagnostics == []
    [post] = loaded.project.posts
    assert post.slug == "hiver"
    assert post.date == datetime(2026, 12, 3, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert post.body.strip() == "Le brief."
    assert post.share.variants("linkedin") == ["Variante A", "Variante B"]
    assert post.line("networks") == 4
    assert post.line("share", "messages", "linkedin", 1) == 16
    assert post.share.line("hashtags") == 12
    assert post.file == "content/posts/hiver.md"


def test_models_are_frozen(make_repo) -> None:
    root = make_repo({"content/posts/hiver.md": POST})
    post = load(root).project.posts[0]
    with pytest.raises(ValidationError):
        post.title = "x"


def test_every_error_of_a_file_is_collected(make_repo) -> None:
    root = make_repo(
        {
            "content/posts/bad.md": "---\ntitle: 2026\ndate: 2026-02-30T09:30\nnetworks: linkedin\n"
            "status: sheduled\nowner: Claire Martin\nshare:\n  untill: 2026-12-03\n---\n",
        }
    )
    text = format_text(sorted(load(root).diagnostics, key=lambda d: d.line))
    assert text.splitlines() == [
        "content/posts/bad.md:2: error: title: expected text, got a number [invalid-str]",
        '    hint: put the value in quotes if it is text, e.g. title: "2026"',
        "content/posts/bad.md:3: error: date: '2026-02-30' does not exist in the calendar [invalid-date]",
        "    hint: write dates as YYYY-MM-DD, e.g. 2026-12-03",
        "content/posts/bad.md:4: error: networks: expected a list like [a, b], got text [invalid-type]",
        "    hint: write a list in brackets, e.g. networks: [linkedin], or one '- item' per line below 'networks:'",
        "content/posts/bad.md:5: error: status: 'sheduled' is not allowed [invalid-value]",
        "    hint: did you mean 'scheduled'?",
        "content/posts/bad.md:6: error: owner: 'Claire Martin' is not a valid id [invalid-id]",
        "    hint: write 'claire-martin' instead (ids use lowercase letters, digits and hyphens)",
        "content/posts/bad.md:8: error: unknown field 'share.untill' [unknown-field]",
        "    hint: did you mean 'until'?",
        "6 errors, 0 warnings",
    ]


def test_date_required_unless_idea(make_repo) -> None:
    root = make_repo(
        {
            "content/posts/idea.md": "---\ntitle: Une idée\nnetworks: [x]\nstatus: idea\n---\n",
            "content/posts/draft.md": "---\ntitle: Un brouillon\nnetworks: [x]\n---\n",
        }
    )
    loaded = load(root)
    assert [p.slug for p in loaded.project.posts] == ["idea"]
    [d] = loaded.diagnostics
    assert (d.file, d.line, d.code) == ("content/posts/draft.md", 2, "missing-date")


def test_broken_config_still_checks_other_files(make_repo) -> None:
    root = make_repo(
        {"content/posts/x.md": "---\ntitle: x\nnetworks: [x]\ndate: nope\n---\n"},
        config="site:\n  name: T\n  url: https://e.org/\n  timezone: Europe/Pariss\n",
    )
    loaded = load(root)
    assert loaded.project is None
    assert [(d.file, d.line, d.code) for d in loaded.diagnostics] == [
        ("site_config.yml", 4, "invalid-timezone"),
        ("content/posts/x.md", 4, "invalid-datetime"),
    ]
    assert "did you mean 'Europe/Paris'?" in loaded.diagnostics[0].message


def test_calendar_and_ambassador_files(make_repo) -> None:
    root = make_repo(
        {
            "calendar/key-dates.yml": "- id: noel\n  title: Noël\n  date: 2026-12-25\n  yearly: true\n"
            "- id: noel\n  title: Encore\n  date: 2026-12-26\n",
            "calendar/campaigns.yml": "- id: hiver\n  title: Hiver\n  start: 2026-12-01\n  end: 2026-11-01\n",
            "calendar/slots.yml": "- network: linkedin\n  days: [tue, thu]\n  time: '09:00'\n",
            "ambassadors/claire.yml": "name: Claire\nnetworks:\n  linkedin: {handle: claire}\nemail: c@e.org\n",
            "ambassadors/Bad Name.yml": "name: X\n",
        }
    )
    loaded = load(root)
    codes = [(d.file, d.line, d.code) for d in loaded.diagnostics]
    assert ("calendar/key-dates.yml", 5, "duplicate-id") in codes
    assert ("calendar/campaigns.yml", 4, "invalid-range") in codes
    assert ("ambassadors/Bad Name.yml", 1, "invalid-filename") in codes
    project = loaded.project
    assert [a.id for a in project.ambassadors] == ["claire"]
    assert project.slots[0].clock.hour == 9
    assert project.key_dates[0].yearly is True


def test_pages_take_their_title_from_the_heading(make_repo) -> None:
    root = make_repo({"content/pages/charte.md": "# Charte éditoriale\n\nTexte.\n"})
    [page] = load(root).project.pages
    assert (page.slug, page.title) == ("charte", "Charte éditoriale")


def test_no_config(tmp_path) -> None:
    loaded = load(tmp_path)
    assert loaded.project is None
    assert [d.code for d in loaded.diagnostics] == ["no-config"]
