"""The watch pages: Markdown with inert raw HTML, links out, dates per language, proposals, home block."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import markdown
import pytest
import yaml

from generator.watch.model import FeedStatus, Status, ThemeEntries, WatchItem, WatchSnapshot
from generator.watch.render import home_items, home_markdown, pages

from .conftest import NOW, watch_config
from .test_hostile import dangers

GOLDEN = Path(__file__).parent / "golden"
REPO = "https://github.com/example/editorial"

CONFIG = watch_config(
    [
        {
            "id": "actu",
            "url": "https://actu.example/feed",
            "name": "Actu *Boulangerie*",
            "keywords": ["boulangerie"],
        },
        {"id": "alertes", "url": "https://alertes.example/feed", "theme": "e-reputation"},
    ],
    themes={"secteur": "Secteur {{ x }}", "e-reputation": "E-réputation", "vide": "Vide"},
)


def item(
    n: int,
    *,
    theme: str = "secteur",
    title: str = "Titre",
    summary: str = "",
    hours_ago: float = 0,
    sources: tuple[str, ...] = ("actu",),
    link: str | None = "https://news.example/a",
    dated: bool = True,
) -> WatchItem:
    return WatchItem(
        id=f"id{n}",
        theme=theme,
        title=title,
        link=link,
        summary_html=summary,
        summary_text=re.sub("<[^>]+>", "", summary),
        published=NOW - timedelta(hours=hours_ago),
        dated=dated,
        sources=sources,
    )


SNAPSHOT = WatchSnapshot(
    now=NOW,
    themes=(
        ThemeEntries(
            "secteur",
            "Secteur {{ x }}",
            (
                item(
                    1,
                    title="Une boulangerie *ouvre* {{ 7*7 }}",
                    summary="<p>Du pain de la <b>Maison Exemple</b></p>",
                    hours_ago=2,
                ),
                item(2, title="Sans lien <script>", link=None, hours_ago=30, dated=False),
            ),
        ),
        ThemeEntries(
            "e-reputation",
            "E-réputation",
            (
                item(
                    3,
                    theme="e-reputation",
                    title="Maison Exemple citée",
                    sources=("alertes",),
                    hours_ago=5,
                    link="https://press.example/x?y=1&z=2",
                ),
            ),
        ),
        ThemeEntries("vide", "Vide", ()),
    ),
    feeds=(
        FeedStatus(
            "actu",
            "Actu *Boulangerie*",
            "secteur",
            "https://actu.example/feed",
            Status.OK,
            last_success=NOW - timedelta(hours=1),
        ),
        FeedStatus(
            "alertes",
            "Alertes",
            "e-reputation",
            "https://alertes.example/feed",
            Status.ERROR,
            error_code="http-500",
            error="the server failed (500) <b>",
            last_success=NOW - timedelta(days=2),
        ),
    ),
)


def render(lang: str = "fr", repo_url: str | None = REPO) -> dict[str, str]:
    return pages(
        SNAPSHOT,
        CONFIG,
        lang=lang,
        now=NOW,
        repo_url=repo_url,
        site_url="https://portal.example.org/",
    )


def test_one_page_per_theme_and_an_index():
    assert sorted(render()) == [
        "watch/e-reputation.md",
        "watch/index.md",
        "watch/secteur.md",
        "watch/vide.md",
    ]


@pytest.mark.parametrize("path", ["watch/index.md", "watch/secteur.md", "watch/e-reputation.md"])
def test_golden_pages(path):
    page = render()[path]
    golden = GOLDEN / path.replace("/", "__")
    if os.environ.get("RELAIS_REGENERATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(page, encoding="utf-8")
    assert page == golden.read_text(encoding="utf-8")


def test_every_page_is_inert():
    for lang in ("fr", "en"):
        for path, page in render(lang).items():
            assert dangers(page) == [], path


def test_markdown_leaves_the_raw_html_alone():
    """Through Python-Markdown as MkDocs configures it: nothing becomes emphasis, links or templates."""
    page = render()["watch/secteur.md"]
    html = markdown.markdown(page, extensions=["md_in_html", "attr_list", "tables"])
    assert "<em>" not in html and "{{" not in html
    assert html.count('<article class="relais-watch-entry"') == 2
    assert "&#123;&#123; 7&#42;7 &#125;&#125;" in html
    assert "<h1>Secteur &#123;&#123; x &#125;&#125;</h1>" in html
    assert dangers(html) == []


def test_an_entry_links_out_with_rel_and_target_and_marks_keywords():
    page = render()["watch/secteur.md"]
    assert (
        '<a href="https://news.example/a" rel="noopener noreferrer nofollow" target="_blank">Une '
        "<mark>boulangerie</mark> &#42;ouvre&#42;"
    ) in page
    assert "<b><mark>Maison Exemple</mark></b>" in page  # brand keyword in the summary
    assert "Sans lien &lt;script&gt;" in page  # no link: plain, escaped text
    assert 'title="date de première apparition' in page


def test_dates_follow_the_language():
    assert "16 déc. 2025, 10&#58;00" in render("fr")["watch/secteur.md"]
    assert "Dec 16, 2025, 10&#58;00" in render("en")["watch/secteur.md"]
    assert "Veille" in render("fr")["watch/index.md"] and "Watch" in render("en")["watch/index.md"]
    assert (
        "Last successful fetch" in render("de")["watch/index.md"]
    )  # unknown language: English labels


def test_a_failing_feed_has_a_stale_badge_with_its_last_success():
    page = render()["watch/e-reputation.md"]
    assert 'class="relais-watch-stale" title="Source en échec' in page
    assert "14 déc. 2025, 12&#58;00" in page
    assert "the server failed (500) &lt;b&gt;" in page


def test_propose_a_post_opens_a_prefilled_file_on_github():
    page = render()["watch/e-reputation.md"]
    href = (
        re.search(r'class="relais-watch-propose" href="([^"]+)"', page)
        .group(1)
        .replace("&amp;", "&")
    )
    href = href.replace("&#95;", "_")
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{REPO}/new/main/content/posts"
    query = parse_qs(parts.query)
    assert query["filename"] == ["maison-exemple-citee.md"]
    value = query["value"][0]
    front = yaml.safe_load(value.split("---")[1])
    assert front == {
        "title": "Maison Exemple citée",
        "status": "idea",
        "networks": [],
        "link": "https://press.example/x?y=1&z=2",
    }
    assert "Source : Alertes — <https://press.example/x?y=1&z=2>" in value
    assert unquote(parts.query).count("\n") < 20


def test_no_proposal_link_without_repo_url():
    assert "relais-watch-propose" not in "".join(render(repo_url=None).values())
    assert "relais-watch-propose" not in "".join(render(repo_url="javascript:alert(1)").values())


def test_the_index_lists_themes_with_links_and_failing_sources():
    index = render()["watch/index.md"]
    assert "- [Secteur &#123;&#123; x &#125;&#125;](secteur.md) — 2 entrées" in index
    assert (
        "- [E-réputation](e-reputation.md) — 1 entrée, la plus récente le 16 déc. 2025, 1 source en échec"
        in index
    )
    assert "- [Vide](vide.md) — 0 entrée" in index  # French: zero takes the singular


def test_home_items_are_brand_matches_newest_first():
    assert [i.id for i in home_items(SNAPSHOT, CONFIG)] == ["id1", "id3"]
    assert [i.id for i in home_items(SNAPSHOT, CONFIG, limit=1)] == ["id1"]
    block = home_markdown(SNAPSHOT, CONFIG, lang="en", now=NOW)
    assert block.startswith("## The brand in the watch\n")
    assert block.rstrip().endswith("[All watch items](watch/index.md)")
    assert dangers(block) == []
    no_brand = CONFIG.model_copy(update={"keywords": ()})
    assert (
        home_items(SNAPSHOT, no_brand) == []
        and home_markdown(SNAPSHOT, no_brand, lang="fr", now=NOW) == ""
    )


def test_an_empty_theme_says_so():
    assert "Aucune entrée pour le moment." in render()["watch/vide.md"]


def test_fetch_errors_read_as_sentences_in_the_portals_language() -> None:
    from generator.watch.render import _Text

    fr, en = _Text("fr"), _Text("en")
    assert fr.error("timeout") == "le site n'a pas répondu à temps"
    assert en.error("timeout") == "the site did not answer in time"
    assert fr.error("http-404").startswith("flux introuvable (erreur 404)")
    assert fr.error("http-503") == "le site est en panne (erreur 503)"
    assert en.error("http-403") == "the site refuses access to the feed (error 403)"
    assert en.error("http-418") == "the site refused the request (error 418)"
    assert fr.error("too-many-redirects") == fr.error("redirect-loop")
    assert en.error("something-new") == "fetching failed"


def test_an_aggregators_title_and_summary_are_not_read_twice() -> None:
    from generator.watch.render import title_parts

    title = "Galette des rois : les précommandes - Lyon Exemple Matin"
    summary = "Galette des rois : les précommandes Lyon Exemple Matin"
    assert title_parts(title, summary) == (
        "Galette des rois : les précommandes",
        "Lyon Exemple Matin",
        True,
    )
    # A real summary stays, and a dash inside a title is not a publisher.
    assert title_parts("Lyon - Villeurbanne : le tram", "Les travaux commencent lundi.") == (
        "Lyon - Villeurbanne : le tram",
        "",
        False,
    )
    assert title_parts("Le pain", "")[2] is False
