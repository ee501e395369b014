"""Kits as values: which posts offer one, composition, tracking tags, variants, matching."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from generator import networks as net
from generator.kits.kit import (
    active_kits,
    ambassador_tag,
    archived_kits,
    build_kit,
    kits_between,
    kits_for,
    link_template,
    mastodon_instance,
    prompts,
    public_profile,
    tagged_link,
    variant_index,
)
from generator.model import Project
from tests.kits.conftest import NOW

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"


def test_active_archived_and_weekly_kits(kit_project: Project) -> None:
    assert [k.slug for k in active_kits(kit_project, NOW)] == ["livraison-velo", "gamme-hiver"]
    assert [k.slug for k in archived_kits(kit_project, NOW)] == ["ancien-kit"]
    week = kits_between(kit_project, NOW, date(2026, 11, 30), date(2026, 12, 6))
    assert [k.slug for k in week] == ["gamme-hiver", "livraison-velo"]


def test_an_embargoed_post_has_no_kit_before_its_publication(kit_project: Project) -> None:
    # Its share window opened on 2026-11-20, but the post is under embargo until 2027-02-10 09:00.
    ever = kits_between(kit_project, NOW, date(2026, 1, 1), date(2028, 1, 1))
    slugs = {k.slug for k in active_kits(kit_project, NOW) + ever}
    assert "projet-secret" not in slugs
    # From its publication on, the kit exists (here already closed: 2026-11-20 + 14 days).
    after = NOW.replace(year=2027, month=2, day=10, hour=9)
    assert "projet-secret" in {k.slug for k in archived_kits(kit_project, after)}


def test_a_cancelled_post_has_no_kit(kit_project: Project) -> None:
    ever = kits_between(kit_project, NOW, date(2026, 1, 1), date(2028, 1, 1))
    assert "operation-annulee" not in {k.slug for k in ever}


def test_the_window_defaults_to_the_post_date_and_fourteen_days(kit_project: Project) -> None:
    velo = next(k for k in active_kits(kit_project, NOW) if k.slug == "livraison-velo")
    assert (velo.start, velo.until) == (date(2026, 11, 30), date(2026, 11, 30) + timedelta(days=14))


def test_cards_follow_the_post_networks_with_their_disclosure(kit_project: Project) -> None:
    kit = build_kit(kit_project.config, kit_project.post("gamme-hiver"))
    assert kit is not None
    assert kit.networks == ("linkedin", "x", "instagram", "mastodon")
    assert kit.card("x").disclosure == "#Collab"
    assert kit.card("linkedin").disclosure == "#Collaborateur"
    assert len(kit.card("linkedin").variants) == 3


def test_a_card_is_composed_exactly_as_posted(kit_project: Project) -> None:
    kit = build_kit(kit_project.config, kit_project.post("gamme-hiver"), "ana-lopez")
    assert kit.card("x").composed() == (
        "La gamme d'hiver est là 🎉\n\n#MaisonExemple #Hiver #Collab\n"
        "https://www.example.org/hiver?utm_source=x&utm_medium=ambassador&utm_campaign=hiver-2026&utm_content=ana-lopez"
    )
    assert kit.card("linkedin").composed(1) == (
        "Mon préféré : [[votre pain préféré]]\n\n#MaisonExemple #Hiver #Collaborateur\n"
        "https://www.example.org/hiver?utm_source=linkedin&utm_medium=ambassador&utm_campaign=hiver-2026&utm_content=ana-lopez"
    )


def test_without_an_ambassador_the_link_has_no_personal_tag(kit_project: Project) -> None:
    post = kit_project.post("gamme-hiver")
    assert tagged_link(kit_project.config, post, "linkedin") == (
        "https://www.example.org/hiver?utm_source=linkedin&utm_medium=ambassador&utm_campaign=hiver-2026"
    )


def test_without_a_campaign_the_post_slug_is_the_campaign_tag(kit_project: Project) -> None:
    post = kit_project.post("livraison-velo")
    assert tagged_link(kit_project.config, post, "x", "ben-marchand") == (
        "https://www.example.org/velo?utm_source=x&utm_medium=ambassador&utm_campaign=livraison-velo&utm_content=ben-marchand"
    )


def test_the_link_template_gives_the_ambassadors_link_in_the_browser(kit_project: Project) -> None:
    post = kit_project.post("gamme-hiver")
    template = link_template(kit_project.config, post, "mastodon")
    assert template.endswith("&utm_content={ambassador}")
    assert template.replace("{ambassador}", ambassador_tag("ana-lopez")) == tagged_link(
        kit_project.config, post, "mastodon", "ana-lopez"
    )


@given(st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True))
def test_the_link_template_agrees_with_tag_url_for_any_id(ambassador_id: str) -> None:
    template = {
        "utm_source": "{network}",
        "utm_content": "amb-{ambassador}",
        "utm_term": "{campaign}",
    }
    link = "https://www.example.org/p?a=1#top"
    values = {"network": "x", "campaign": "c"}
    with_token = net.tag_url(link, template, ambassador="relaisambassadortoken", **values)
    in_json = with_token.replace("relaisambassadortoken", "{ambassador}")
    browser = in_json.replace("{ambassador}", ambassador_tag(ambassador_id))
    assert browser == net.tag_url(link, template, ambassador=ambassador_id, **values)


def test_variant_choice_is_stable_across_runs_and_machines() -> None:
    # Pinned values (a SHA-256 of id, slug and network): a change here would change every
    # ambassador's suggestion, and the browser tests rely on Claire getting the prompt variant.
    picks = {
        i: variant_index(i, "lancement-gamme-hiver", "linkedin", 3)
        for i in ("claire-martin", "karim-benali", "thomas-nguyen", "ana-lopez", "ben-marchand")
    }
    assert picks == {
        "claire-martin": 1,
        "karim-benali": 2,
        "thomas-nguyen": 2,
        "ana-lopez": 0,
        "ben-marchand": 1,
    }
    assert variant_index("anyone", "any-post", "x", 1) == 0


def test_variants_spread_evenly_across_ambassadors() -> None:
    chosen = Counter(
        variant_index(f"ambassadeur-{i}", "gamme-hiver", "linkedin", 3) for i in range(600)
    )
    assert set(chosen) == {0, 1, 2}
    assert all(160 <= n <= 240 for n in chosen.values()), chosen


def test_variants_differ_between_posts_and_networks() -> None:
    picks = {
        (slug, network): variant_index("ana-lopez", slug, network, 4)
        for slug in ("a", "b", "c", "d")
        for network in ("linkedin", "x")
    }
    assert len(set(picks.values())) > 1


def test_an_ambassadors_kits_are_ordered_by_language_then_topics(kit_project: Project) -> None:
    kits = active_kits(kit_project, NOW)
    ana = kit_project.ambassador("ana-lopez")
    ben = kit_project.ambassador("ben-marchand")
    # Ana speaks French (the hiver kit) and shares "rse" with the English vélo kit: French first.
    assert [(k.slug, n) for k, n in kits_for(kits, kit_project.config, ana)] == [
        ("gamme-hiver", ["linkedin", "x", "mastodon"]),
        ("livraison-velo", ["x", "linkedin"]),
    ]
    # Ben speaks English only: the English kit comes first, and only his networks.
    assert [(k.slug, n) for k, n in kits_for(kits, kit_project.config, ben)] == [
        ("livraison-velo", ["x"]),
        ("gamme-hiver", ["x", "instagram"]),
    ]


def test_the_mastodon_instance_comes_from_the_profile_then_the_site(kit_project: Project) -> None:
    config = kit_project.config
    assert mastodon_instance(kit_project.ambassador("ana-lopez"), config) == "piaille.fr"
    assert (
        mastodon_instance(kit_project.ambassador("ben-marchand"), config)
        == "https://mastodon.social"
    )
    assert mastodon_instance(None, config) == "https://mastodon.social"


def test_prompts_are_found_in_order() -> None:
    assert prompts("A [[votre angle]] et [[ un exemple ]].") == ["votre angle", "un exemple"]
    assert prompts("Pas de [[ ouvert") == []


def test_a_public_profile_holds_no_private_field(kit_project: Project) -> None:
    profile = public_profile(kit_project.ambassador("ana-lopez"))
    assert profile == {
        "id": "ana-lopez",
        "name": "Ana Lopez",
        "team": "Boutiques",
        "networks": [
            {"id": "mastodon", "label": "Mastodon", "specialist": True},
            {"id": "linkedin", "label": "LinkedIn", "specialist": False},
            {"id": "x", "label": "X", "specialist": False},
        ],
        "topics": ["produit", "rse"],
        "languages": ["fr"],
    }


# ---------------------------------------------------------------- counting a kit as posted


def _x_card_count(
    kit_project: Project, text: str, link: str = "https://www.example.org/hiver"
) -> int:
    return net.count("x", net.compose(text, ["Hiver"], "#Collab", link))


def test_x_counts_the_tagged_link_as_23_whatever_its_length(kit_project: Project) -> None:
    long_link = (
        "https://www.example.org/" + "a" * 200 + "?utm_source=x&utm_content=someone-with-a-long-id"
    )
    assert _x_card_count(kit_project, "Salut", long_link) == _x_card_count(kit_project, "Salut")
    # "Salut" 5 + "\n\n" 2 + "#Hiver #Collab" 14 + "\n" 1 + link 23
    assert _x_card_count(kit_project, "Salut") == 45


def test_x_counts_emoji_and_cjk_as_two(kit_project: Project) -> None:
    base = _x_card_count(kit_project, "")
    assert (
        _x_card_count(kit_project, "🎉") - base == 2 + 2
    )  # the emoji and the blank line before the tags
    assert _x_card_count(kit_project, "日本語") - base == 6 + 2
    assert _x_card_count(kit_project, FAMILY) - base == 2 + 2


def test_bluesky_counts_grapheme_clusters_and_bytes_as_posted() -> None:
    text = net.compose(FAMILY * 10, ["Lyon"], "#Collab", "https://www.example.org/x")
    m = net.measure("bluesky", text)
    # Bluesky's composer counts and posts the link shortened: "www.example.org/x".
    assert m.count == 10 + 2 + len("#Lyon #Collab") + 1 + len("www.example.org/x")
    assert m.bytes == 250 + 2 + 13 + 1 + 17
    assert not m.over


def test_threads_counts_emoji_by_their_utf8_bytes() -> None:
    assert net.count("threads", net.compose("🎉", [], "#Collab", "")) == 4 + 2 + 7
