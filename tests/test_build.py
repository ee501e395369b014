"""End-to-end builds with the real `mkdocs build` and the Material theme."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import yaml

from generator.build import build
from generator.i18n import LABELS, LANGUAGES
from tests.conftest import DEMO_NOW
from tests.helpers import post_text


def scheduled_post(title: str, date: str) -> str:
    """A scheduled post whose brief names its title."""
    return post_text(title, date=date, status="scheduled", body=f"Brief {title}.\n")


def test_demo_builds_with_home_posts_archive_and_pages(built_demo: Path) -> None:
    home = (built_demo / "index.html").read_text()
    assert "À venir (30 prochains jours)" in home
    assert (built_demo / "archive/index.html").is_file()
    assert list((built_demo / "archive").glob("2026-12/index.html"))
    assert (built_demo / "pages/charte-editoriale/index.html").is_file()
    index = json.loads((built_demo / "search/search_index.json").read_text())
    assert len(index["docs"]) > 30
    assert 'lang="fr"' in home


def test_upcoming_posts_are_the_next_30_days_in_order(make_repo) -> None:
    root = make_repo(
        {
            "content/posts/past.md": scheduled_post(title="Passé", date="2026-11-20T09:00"),
            "content/posts/later.md": scheduled_post(title="Plus tard", date="2026-12-20T09:00"),
            "content/posts/soon.md": scheduled_post(title="Bientôt", date="2026-12-02T09:00"),
            "content/posts/far.md": scheduled_post(title="Lointain", date="2027-02-01T09:00"),
        }
    )
    result = build(root, now_option=DEMO_NOW)
    assert result.ok, result.failure
    home = (result.out / "index.html").read_text()
    titles = re.findall(r'class="relais-post__title"[^>]*>([^<]+)<', home)
    assert titles == ["Bientôt", "Plus tard"]
    assert (result.out / "posts/past/index.html").is_file()
    assert (result.out / "posts/far/index.html").is_file()


def test_english_site(make_repo) -> None:
    config = (
        "site:\n  name: Example portal\n  url: https://portal.example.org/\n  language: en\n"
        "  timezone: America/New_York\nnetworks:\n  linkedin: {}\n"
    )
    root = make_repo(
        {"content/posts/a.md": scheduled_post(title="Launch", date="2026-12-03T09:30")},
        config=config,
    )
    result = build(root, now_option="2026-12-01T08:00")
    assert result.ok, result.failure
    home = (result.out / "index.html").read_text()
    assert "Coming up (next 30 days)" in home
    assert "Thursday, December 3, 2026" in home
    assert "9:30\u202fAM" in home or "9:30 AM" in home
    assert 'lang="en"' in home


def test_failed_build_leaves_the_previous_site(make_repo) -> None:
    root = make_repo({"content/posts/a.md": scheduled_post(title="Un", date="2026-12-03T09:30")})
    first = build(root, now_option=DEMO_NOW)
    assert first.ok
    before = sorted(p.relative_to(first.out).as_posix() for p in first.out.rglob("*"))
    (root / "content/posts/b.md").write_text("---\ntitle: [broken\n---\n")
    second = build(root, now_option=DEMO_NOW)
    assert not second.ok
    assert "content errors" in second.failure
    assert any(d.file == "content/posts/b.md" and d.line == 2 for d in second.diagnostics)
    after = sorted(p.relative_to(first.out).as_posix() for p in first.out.rglob("*"))
    assert after == before


def test_strict_refuses_warnings(make_repo) -> None:
    root = make_repo(
        {
            "content/posts/a.md": "---\ntitle: T\ndate: 2026-12-03T09:30\nnetworks: [linkedin, linkedin]\n---\n"
        }
    )
    assert build(root, now_option=DEMO_NOW).ok
    strict = build(root, now_option=DEMO_NOW, strict=True, out=root / "strict-site")
    assert not strict.ok and "--strict" in strict.failure
    assert not (root / "strict-site").exists()


def test_navigation_does_not_grow_with_posts(make_repo) -> None:
    posts = {
        f"content/posts/p{i}.md": scheduled_post(
            title=f"P{i}", date=f"2026-12-{1 + i % 28:02d}T09:00"
        )
        for i in range(40)
    }
    root = make_repo(posts)
    result = build(root, now_option=DEMO_NOW)
    assert result.ok
    config = yaml.safe_load((root / ".relais/staging/mkdocs.yml").read_text())
    flat = json.dumps(config["nav"])
    assert "posts/" not in flat
    page = (result.out / "posts/p1/index.html").read_text()
    assert page.count("relais-post__title") == 0  # a post page lists no other posts


def test_every_label_exists_in_both_languages() -> None:
    for key, texts in LABELS.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), key


def test_same_repository_and_now_give_byte_identical_sites(make_repo, tmp_path: Path) -> None:
    root = make_repo({"content/posts/a.md": scheduled_post(title="Un", date="2026-12-03T09:30")})
    first = build(root, now_option=DEMO_NOW, out=tmp_path / "one")
    second = build(root, now_option=DEMO_NOW, out=tmp_path / "two")
    assert first.ok and second.ok

    def files(folder: Path) -> dict[str, bytes]:
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*")
            if p.is_file()
        }

    assert files(first.out) == files(second.out)
    assert b"<lastmod>2026-12-01</lastmod>" in (first.out / "sitemap.xml").read_bytes()


def test_a_site_name_with_markup_characters_is_escaped_once_everywhere(make_repo) -> None:
    config = (
        'site:\n  name: "Dupont & Fils <l\'atelier>"\n  url: https://portal.example.org/\n  language: fr\n'
        "  timezone: Europe/Paris\nnetworks:\n  linkedin: {}\n"
    )
    root = make_repo(
        {"content/posts/a.md": scheduled_post(title="Lancement", date="2026-12-03T09:30")},
        config=config,
    )
    result = build(root, now_option=DEMO_NOW)
    assert result.ok, result.failure
    escaped = "Dupont &amp; Fils &lt;l&#x27;atelier&gt;"
    for page in ("index.html", "posts/a/index.html", "404.html"):
        html = (result.out / page).read_text(encoding="utf-8")
        assert "&amp;amp;" not in html and "&amp;lt;" not in html and "&amp;#x27;" not in html, page
        assert f'title="{escaped}"' in html and f'aria-label="{escaped}"' in html, page  # the logo
        title = re.search(r"<title>([^<]*)</title>", html)
        assert title and unescape(title.group(1)).endswith("Dupont & Fils <l'atelier>"), page
        assert "<l'atelier>" not in html, page


def test_upcoming_posts_are_compared_as_instants_on_a_dst_night(make_repo) -> None:
    # Now is 02:15 winter time, the second 02:15 of 25 October; 02:45 (read as the first 02:45,
    # summer time, as RFC 5545 does) was half an hour ago, 03:30 is still to come.
    root = make_repo(
        {
            "content/posts/earlier.md": scheduled_post(title="Passée", date="2026-10-25T02:45"),
            "content/posts/later.md": scheduled_post(title="Plus tard", date="2026-10-25T03:30"),
        }
    )
    result = build(root, now_option="2026-10-25T02:15+01:00")
    assert result.ok, result.failure
    home = (result.out / "index.html").read_text()
    assert re.findall(r'class="relais-post__title"[^>]*>([^<]+)<', home) == ["Plus tard"]
