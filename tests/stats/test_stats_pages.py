"""The Statistics section as planned: pages, numbers on the posts' pages, privacy, CSV, SVG."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from generator.load import load
from generator.plan import plan
from generator.site import Site

from .conftest import NOW
from .test_stats_match import LINKEDIN, X


def site(root: Path) -> Site:
    loaded = load(root)
    assert loaded.project is not None
    return plan(loaded.project, NOW)


GA4 = (
    "# Start date: 20261101\n# End date: 20261130\n"
    "Session source,Session campaign,Session manual ad content,Users,Sessions\n"
    "linkedin,hiver,ana,10,12\nlinkedin,hiver,cleo,3,4\n"
)


def test_section_pages_and_nav(repo: Callable[..., Path]) -> None:
    s = site(repo({"linkedin.csv": LINKEDIN, "x.csv": X, "ga4.csv": GA4}))
    for path in (
        "stats/index.md",
        "stats/ambassadors.md",
        "stats/data.md",
        "stats/reports/index.md",
        "stats/reports/2026-11.md",
    ):
        assert path in s.pages
    assert any("Statistiques" in item for item in s.nav if isinstance(item, dict))
    overview = s.pages["stats/index.md"]
    assert "Le levain a 25 ans" in overview  # the best post, with its message
    assert "Notre levain fête ses 25 ans" in overview
    assert "<svg" in overview and "<table" in overview
    data = s.pages["stats/data.md"]
    assert "stats/2026-11/x.csv:4" in data  # the unmatched row, with file and line
    assert "Un post sans chiffres" in data  # published without numbers


def test_a_post_page_shows_its_own_numbers(repo: Callable[..., Path]) -> None:
    s = site(repo({"linkedin.csv": LINKEDIN, "x.csv": X}))
    (block,) = s.post_blocks["levain"]
    assert "2\u202f000" in block or "2 000" in block  # LinkedIn impressions, in French
    assert "https://www.linkedin.com/feed/update/urn:li:activity:7000000000000000001" in block
    assert "réseau et heure" in block  # how the X row was found


def test_embargo_and_private_ambassadors_stay_out(repo: Callable[..., Path]) -> None:
    s = site(repo({"linkedin.csv": LINKEDIN, "ga4.csv": GA4}))
    everything = "\n".join(s.pages.values()) + "\n".join(
        b.decode("utf-8", "replace") for b in s.files.values()
    )
    assert "secret" not in s.post_blocks
    assert "9999" not in everything and "9\u202f999" not in everything
    assert "Lancement secret" not in "\n".join(
        v for k, v in s.pages.items() if k.startswith("stats/")
    )
    assert "Cléo" not in everything
    assert "Autres ambassadeurs" in s.pages["stats/ambassadors.md"]


def test_csv_downloads_cannot_start_a_formula(repo: Callable[..., Path]) -> None:
    root = repo({"linkedin.csv": LINKEDIN})
    campaigns = root / "calendar" / "campaigns.yml"
    campaigns.write_text(
        campaigns.read_text().replace("title: Hiver", 'title: \'=HYPERLINK("http://evil","x")\'')
    )
    s = site(root)
    data = s.files["stats/csv/campaigns.csv"].decode("utf-8-sig")
    assert "'=HYPERLINK" in data
    assert not re.search(r"(^|,)=", data, re.MULTILINE)


def test_charts_pass_the_csp_and_keep_ids_apart(repo: Callable[..., Path]) -> None:
    s = site(repo({"linkedin.csv": LINKEDIN, "x.csv": X, "ga4.csv": GA4}))
    for path, text in s.pages.items():
        for svg in re.findall(r"<svg class=\"relais-chart__svg.*?</svg>", text, re.DOTALL):
            assert "<script" not in svg and "style=" not in svg and "<style" not in svg
            assert not re.search(r"\son\w+=", svg)
            assert not re.search(r'(href|src)="(?!#)', svg)  # nothing from elsewhere
            assert 'role="img"' in svg and "<title" in svg
        ids = re.findall(r'\sid="([^"]+)"', text)
        assert len(ids) == len(set(ids)), path


def test_english_portal(repo: Callable[..., Path]) -> None:
    s = site(repo({"linkedin.csv": LINKEDIN}, language="en"))
    assert "Reach and engagement by network" in s.pages["stats/index.md"]
    assert "Report for November 2026" in s.pages["stats/reports/2026-11.md"]


def test_no_stats_folder_no_section(repo: Callable[..., Path], tmp_path: Path) -> None:
    root = repo()
    for post in (root / "content" / "posts").glob("*.md"):
        post.write_text(re.sub(r"published:\n(  .*\n)+", "", post.read_text()))
    s = site(root)
    assert not any(p.startswith("stats/") for p in s.pages)


def test_each_language_has_only_its_own_words(repo: Callable[..., Path]) -> None:
    # Every label exists in both languages, and no page of one language holds a label of the
    # other (a word left hard-coded in a template, or a key missing in one language).
    from generator.stats.labels import LABELS

    assert all(set(v) == {"fr", "en"} and all(v.values()) for v in LABELS.values())
    words = {
        lang: [v[lang].split("{")[0].strip() for v in LABELS.values() if v["fr"] != v["en"]]
        for lang in ("fr", "en")
    }
    for lang, other in (("fr", "en"), ("en", "fr")):
        s = site(repo({"linkedin.csv": LINKEDIN, "x.csv": X, "ga4.csv": GA4}, language=lang))
        pages = {p: text for p, text in s.pages.items() if p.startswith("stats/")}
        blocks = "\n".join(b for bs in s.post_blocks.values() for b in bs)
        for path, text in [*pages.items(), ("post blocks", blocks)]:
            visible = re.sub(r"<[^>]+>", " ", text)
            foreign = [w for w in words[other] if len(w) > 5 and w in visible]
            assert foreign == [], (lang, path, foreign)
