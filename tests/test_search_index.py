"""What the portal's search box can find: the entries Relais writes for its own pages.

Posts, personal pages, calendar and campaign pages are described by the planner (title,
facts, messages) and their brief by the MkDocs hook; Material's search plugin no longer
parses them. These tests read the built `search/search_index.json` as the search box does.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.build import build
from tests.conftest import DEMO_NOW, MINIMAL_CONFIG, RepoFactory


def index(site: Path) -> list[dict[str, str]]:
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return list(data["docs"])


def entries(site: Path, url: str) -> dict[str, dict[str, str]]:
    """The entries of one page, by anchor ('' for the page itself)."""
    return {
        e["location"].partition("#")[2]: e
        for e in index(site)
        if e["location"].partition("#")[0] == url
    }


def test_a_post_is_found_by_its_title_facts_messages_and_brief(built_demo: Path) -> None:
    found = entries(built_demo, "posts/bilan-carbone-2026/")
    assert sorted(found) == ["", "brief", "messages"]
    page = found[""]
    assert page["title"] == "Notre premier bilan carbone"
    assert "mardi 30 mars 2027, 09:00 · Brouillon · LinkedIn, Mastodon · Article" in page["text"]
    assert "RSE, Producteurs" in page["text"]  # topics by their labels
    assert found["messages"]["title"] == "Messages par réseau"
    assert "Nous publions aujourd’hui notre premier bilan carbone" in found["messages"]["text"]
    assert found["brief"]["title"] == "Brief"
    assert found["brief"]["text"].startswith(
        "<p>Objectif\u00a0: publier nos résultats en toute transparence"
    )
    # What the page shows around the content is not searched: counters, labels, buttons.
    assert "caractères" not in json.dumps(found, ensure_ascii=False)
    assert "Modifier cette publication" not in json.dumps(found, ensure_ascii=False)


def test_listing_pages_are_found_by_their_title_only(built_demo: Path) -> None:
    for url in ("calendar/2026-12/", "calendar/board/", "kits/archive/"):
        found = entries(built_demo, url)
        assert list(found) == [""], url
        assert found[""]["text"] == "", url
    month = entries(built_demo, "calendar/2026-12/")[""]
    assert month["title"] == "Calendrier de décembre 2026"


def test_personal_pages_are_found_by_the_public_profile_only(built_demo: Path) -> None:
    found = entries(built_demo, "ambassadors/claire-martin/")
    assert found[""]["title"] == "Claire Martin"
    assert "Marketing" in found[""]["text"] and "LinkedIn" in found[""]["text"]
    assert "@example.org" not in json.dumps(
        index(built_demo)
    )  # no private e-mail anywhere in the index


def test_profiles_and_kits_are_found_as_readable_sentences(built_demo: Path) -> None:
    """Not "Claire Martin ÉquipeMarketing et communicationRéseauxLinkedIn…": labels and values
    apart, topics by their labels, languages by their names."""
    person = entries(built_demo, "ambassadors/claire-martin/")[""]["text"]
    assert "<p>Équipe : Marketing et communication</p>" in person
    assert "<p>Sujets : Produits, RSE, Événements, Partenaires, Saisonnier</p>" in person
    assert "<p>Langues : français et anglais</p>" in person
    directory = entries(built_demo, "ambassadors/")
    assert directory["claire-martin"]["title"] == "Claire Martin"
    assert "Équipe : Marketing et communication" in directory["claire-martin"]["text"]
    kits = entries(built_demo, "kits/")
    kit = kits["kit-lancement-gamme-hiver"]
    assert kit["title"] == "Lancement de la gamme d’hiver"
    assert "À partager du 26 nov. 2026 au 20 déc. 2026 · LinkedIn, Instagram" in kit["text"]
    for entry in [*kits.values(), *directory.values()]:
        assert "ÉquipeMarketing" not in entry["text"] and "caractères" not in entry["text"]


def test_embargoed_posts_are_not_in_the_index(built_demo: Path) -> None:
    text = json.dumps(index(built_demo), ensure_ascii=False)
    assert "posts/embargo-" not in text
    assert "lancement-abonnement-pain" not in text
    assert "abonnement-premier-bilan" not in text


def test_text_written_by_the_team_is_escaped_in_the_index(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "content/posts/balises.md": (
                "---\ntitle: 'Un <b>titre</b> & co'\ndate: 2026-12-03T09:30\nnetworks: [linkedin]\nstatus: draft\n"
                'messages:\n  linkedin: "Un message <img src=x onerror=alert(1)>"\n---\n'
                "Un brief avec <script>alert(1)</script> et **du gras**.\n"
            ),
        },
        config=MINIMAL_CONFIG,
    )
    result = build(root, now_option=DEMO_NOW)
    assert result.ok, result.failure
    found = entries(result.out, "posts/balises/")
    assert found[""]["title"] == "Un &lt;b&gt;titre&lt;/b&gt; &amp; co"
    assert found["messages"]["text"] == "<p>Un message &lt;img src=x onerror=alert(1)&gt;</p>"
    assert (
        found["brief"]["text"]
        == "<p>Un brief avec &lt;script&gt;alert(1)&lt;/script&gt; et du gras.</p>"
    )


def test_a_post_older_than_a_year_is_found_by_its_title_and_facts_only(
    make_repo: RepoFactory,
) -> None:
    """The index every reader downloads must not grow with the whole history's texts: an old
    post keeps its title and facts, a recent one its messages and brief too."""

    def post(title: str, when: str) -> str:
        return (
            f"---\ntitle: {title}\ndate: {when}\nnetworks: [linkedin]\nstatus: published\n"
            f"messages:\n  linkedin: Le message de {title}\n---\nLe brief de {title}.\n"
        )

    root = make_repo(
        {
            "content/posts/ancienne.md": post("Ancienne fournée", "2025-10-01T09:00"),
            "content/posts/recente.md": post("Fournée récente", "2026-01-15T09:00"),
        },
        config=MINIMAL_CONFIG,
    )
    result = build(root, now_option=DEMO_NOW)
    assert result.ok, result.failure
    old = entries(result.out, "posts/ancienne/")
    assert list(old) == [""]
    assert old[""]["title"] == "Ancienne fournée"
    assert "mercredi 1 octobre 2025" in old[""]["text"] and "LinkedIn" in old[""]["text"]
    text = json.dumps(index(result.out), ensure_ascii=False)
    assert "Le message de Ancienne" not in text and "Le brief de Ancienne" not in text
    recent = entries(result.out, "posts/recente/")
    assert sorted(recent) == ["", "brief", "messages"]
    assert "Le message de Fournée récente" in recent["messages"]["text"]
