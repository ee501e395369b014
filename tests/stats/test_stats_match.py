"""Matching export rows to the plan, the published map and its checks, and the figures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.check import check
from generator.load import load
from generator.model import Project
from generator.stats.figures import compute, dead_hours, matching
from generator.stats.published import address_problem, post_key

from .conftest import LINKEDIN_HEADER, NOW, X_HEADER


def project(root: Path) -> Project:
    loaded = load(root)
    assert loaded.project is not None, loaded.diagnostics
    return loaded.project


LINKEDIN = LINKEDIN_HEADER + (
    # the address of levain's published map, written another way (share slug, query)
    "Le levain,https://www.linkedin.com/posts/maison_levain-activity-7000000000000000001-AbCd?utm_source=share,11/10/2026,2000,40,80,9,3\n"
    # the embargoed post's address: its numbers must not show before its date
    "Secret,https://www.linkedin.com/feed/update/urn:li:activity:7000000000000000099,11/20/2026,9999,1,1,1,1\n"
)
X = X_HEADER + (
    # no address in levain's map: matched by network and time (09:05 Paris = 08:05 UTC)
    '"1","https://x.com/m/status/1","Notre levain a 25 ans ! Farine, eau, patience.","2026-11-10 08:05 +0000","900","45","30"\n'
    # two hours and a half late: too far for the time, found by its message
    '"2","https://x.com/m/status/2","Les coulisses du croissant, de 4 h du matin à la vitrine.","2026-11-12 10:31 +0000","700","21","15"\n'
    # nothing like it in the plan
    '"3","https://x.com/m/status/3","Joyeux anniversaire à notre livreur","2026-11-20 17:00 +0000","300","5","3"\n'
)


def test_rows_match_by_address_then_time_then_message(repo: Callable[..., Path]) -> None:
    p = project(repo({"linkedin.csv": LINKEDIN, "x.csv": X}))
    found = matching(p, NOW)
    assert found.how[("levain", "linkedin")] == "url"
    assert found.how[("levain", "x")] == "time"
    assert found.how[("croissant", "x")] == "text"
    assert [(u.numbers.line, u.why) for u in found.unmatched] == [(4, "nothing-planned")]
    assert found.best[("levain", "linkedin")].impressions == 2000


def test_two_posts_at_one_time_are_told_apart_by_their_message(
    repo: Callable[..., Path],
) -> None:
    twin = """\
---
title: Jumeau
date: 2026-11-10T09:00
networks: [x]
status: published
messages:
  x: "Une tout autre histoire : la galette des rois arrive."
---
"""
    p = project(repo({"x.csv": X}, posts={"jumeau": twin}))
    found = matching(p, NOW)
    assert found.how[("levain", "x")] == "time"
    assert ("jumeau", "x") not in found.best


def test_ambiguous_rows_say_which_posts(repo: Callable[..., Path]) -> None:
    twin = POST_AT_NINE.format(text="Notre levain a 25 ans ! Farine, eau, patience.")
    p = project(repo({"x.csv": X}, posts={"jumeau": twin}))
    found = matching(p, NOW)
    (amb,) = [u for u in found.unmatched if u.why == "ambiguous"]
    assert set(amb.slugs) == {"levain", "jumeau"}


POST_AT_NINE = """\
---
title: Jumeau
date: 2026-11-10T09:00
networks: [x]
status: published
messages:
  x: "{text}"
---
"""


def test_published_without_numbers_after_a_week_is_listed(repo: Callable[..., Path]) -> None:
    p = project(repo({"x.csv": X}))
    assert ("oublie", "mastodon") in matching(p, NOW).missing


def test_embargoed_post_numbers_stay_hidden(repo: Callable[..., Path]) -> None:
    p = project(repo({"linkedin.csv": LINKEDIN}))
    figures = compute(p, NOW)
    assert "secret" not in figures.per_post
    assert figures.total.impressions == 2000  # not 2000 + 9999


def test_web_visits_name_only_public_ambassadors(repo: Callable[..., Path]) -> None:
    ga4 = (
        "# Start date: 20261101\n# End date: 20261130\n"
        "Session source,Session campaign,Session manual ad content,Users,Sessions\n"
        "linkedin,hiver,ana,10,12\nlinkedin,hiver,cleo,3,4\nlinkedin,hiver,(not set),50,60\n"
        "x,levain,(not set),5,6\n"
    )
    p = project(repo({"ga4.csv": ga4}))
    figures = compute(p, NOW)
    assert [(t.key, t.sessions) for t in figures.traffic_ambassador] == [("ana", 12), ("", 4)]
    assert figures.ambassador_sessions == 16 and figures.company_sessions == 82
    assert {t.key for t in figures.traffic_kit} == {"hiver", "levain"}


def test_plan_against_reality(repo: Callable[..., Path]) -> None:
    late = POST_AT_NINE.format(text="pas encore parti").replace(
        "status: published", "status: approved"
    )
    p = project(repo({"x.csv": X}, posts={"en-retard": late}))
    rows = {(r.month.month, r.network): r for r in compute(p, NOW).plan}
    assert rows[(11, "x")].planned == 3
    assert rows[(11, "x")].published == 2
    assert rows[(11, "x")].late == 2  # croissant went out 2½ hours late, en-retard never


def test_dead_hour_hint_for_a_slot(repo: Callable[..., Path]) -> None:
    rows = X_HEADER
    posts = {}
    for day, (rate_impr, eng) in zip(
        (3, 5, 10, 17, 19, 24),
        [(1000, 80), (1000, 70), (1000, 90), (1000, 2), (1000, 1), (1000, 85)],
        strict=True,
    ):
        hour = 17 if eng < 10 else 9  # 18:00 and 10:00 Paris
        slug = f"p{day}"
        posts[slug] = (
            f"---\ntitle: P{day}\ndate: 2026-11-{day:02d}T{hour + 1:02d}:00\nnetworks: [x]\n"
            f"status: published\nmessages:\n  x: texte {day}\n---\n"
        )
        rows += f'"{day}","https://x.com/m/status/{day}","texte {day}","2026-11-{day:02d} {hour:02d}:00 +0000","{rate_impr}","{eng}","1"\n'
    p = project(repo({"x.csv": rows}, posts=posts))
    assert ("x", 18) in dead_hours(p, NOW)
    hints = [d for d in check(p, NOW) if d.code == "slot-dead-hour"]
    assert len(hints) == 1 and hints[0].file == "calendar/slots.yml" and hints[0].line == 3
    assert "18:00" in hints[0].message


# ---------------------------------------------------------------- the published map


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://twitter.com/m/status/123?s=20", "x:123"),
        ("https://mobile.x.com/m/status/123/", "x:123"),
        ("https://www.linkedin.com/feed/update/urn:li:activity:42/", "linkedin:42"),
        ("https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A42", "linkedin:42"),
        ("https://www.instagram.com/reel/AbC_1/?igsh=x", "instagram:AbC_1"),
        ("https://bsky.app/profile/me.bsky.social/post/3kxyz", "bluesky:3kxyz"),
        ("at://did:plc:abc/app.bsky.feed.post/3kxyz", "bluesky:3kxyz"),
        ("https://piaille.fr/@ana/1234", "mastodon:piaille.fr:1234"),
        ("https://m.facebook.com/permalink.php?story_fbid=55&id=9", "facebook:55"),
        ("javascript:alert(1)", ""),
    ],
)
def test_post_keys(url: str, key: str) -> None:
    assert post_key(url) == key


@pytest.mark.parametrize(
    ("network", "url", "problem"),
    [
        ("linkedin", "https://x.com/m/status/1", "is not an address of linkedin"),
        ("x", "http://x.com/m/status/1", "is not an https address"),
        ("x", "https://x.com/m", "is not the address of one post"),
        ("mastodon", "https://piaille.fr/about", "is not the address of a Mastodon post"),
        ("email", "https://example.org/", "has no public address"),
        ("x", 'https://x.com/m/status/1"><script>', "is not an https address"),
    ],
)
def test_address_problems(network: str, url: str, problem: str) -> None:
    assert problem in (address_problem(network, url) or "")


def test_published_map_is_checked_with_file_and_line(repo: Callable[..., Path]) -> None:
    bad = """\
---
title: Mauvaise adresse
date: 2026-11-15T09:00
networks: [x]
status: published
messages:
  x: "bonjour"
published:
  x: https://www.facebook.com/m/posts/1
  linkdin: https://www.linkedin.com/feed/update/urn:li:activity:1
---
"""
    p = project(repo(posts={"mauvaise": bad}))
    found = [(d.line, d.code) for d in check(p, NOW) if d.file == "content/posts/mauvaise.md"]
    assert found == [(9, "published-url"), (10, "published-network")]
