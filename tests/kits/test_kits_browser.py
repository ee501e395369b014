"""The kits in real Chromium: copy, share links, prompts, the Mastodon instance, personal pages.

Expected texts are composed from the demo's files with generator.networks (the authority on
composition), never read back from the page under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from generator import networks as net
from generator.build import build
from tests.conftest import ROOT, serve_folder, wait_until
from tests.kits.conftest import HIVER, KIT_CONFIG, kit_files

pytestmark = pytest.mark.browser

CONFIG = yaml.safe_load((ROOT / "site_config.yml").read_text(encoding="utf-8"))
SENTINEL = "clipboard untouched"


def demo_post(slug: str) -> dict[str, Any]:
    text = (ROOT / "content/posts" / f"{slug}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def expected(
    slug: str,
    network: str,
    variant: int = 0,
    ambassador: str | None = None,
    config: dict[str, Any] = CONFIG,
    post: dict[str, Any] | None = None,
) -> tuple[str, str]:
    """(composed text, tagged link) of a demo kit card, from the files."""
    post = post or demo_post(slug)
    share = post["share"]
    texts = share["messages"][network]
    text = texts[variant] if isinstance(texts, list) else texts
    values = {"network": network, "campaign": post.get("campaign") or slug}
    if ambassador:
        values["ambassador"] = ambassador
    link = net.tag_url(post["link"], config["tracking"], **values)
    disclosure = config["ambassadors"]["disclosure"]
    composed = net.compose(
        text, share.get("hashtags", []), disclosure.get(network, disclosure["default"]), link
    )
    return composed, link


def allow_clipboard(page: Any, url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))


def clipboard(page: Any) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def open_kits(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".relais-kits[data-ready]")


def test_the_copy_button_copies_exactly_the_composed_text(page: Any, demo_url: str) -> None:
    allow_clipboard(page, demo_url)
    open_kits(page, demo_url + "kits/")
    card = page.locator("#kit-lancement-gamme-hiver-x")
    card.locator(".relais-card__copy").click()
    wait_until(
        page,
        "document.querySelector('#kit-lancement-gamme-hiver-x .relais-card__status').textContent",
    )
    composed, _ = expected("lancement-gamme-hiver", "x")
    assert clipboard(page) == composed
    assert card.locator(".relais-card__status").inner_text() == "Texte copié."


def test_the_share_link_is_exactly_the_networks_link(page: Any, demo_url: str) -> None:
    open_kits(page, demo_url + "kits/")
    for slug, network in (
        ("lancement-gamme-hiver", "x"),
        ("livraison-velo-lyon", "bluesky"),
        ("livraison-velo-lyon", "linkedin"),
    ):
        composed, link = expected(slug, network)
        href = page.locator(f"#kit-{slug}-{network} .relais-card__share").get_attribute("href")
        assert href == net.share_url(network, composed, link)
    assert page.locator("#kit-lancement-gamme-hiver-instagram .relais-card__share").count() == 0


def test_the_counter_follows_the_network_rule_as_the_text_changes(page: Any, demo_url: str) -> None:
    open_kits(page, demo_url + "kits/")
    area = page.locator("#kit-lancement-gamme-hiver-x .relais-card__text")
    area.press("Control+Home")
    area.type("🎉 ")
    text = area.input_value()
    counter = page.locator("#kit-lancement-gamme-hiver-x .relais-card__count").inner_text()
    assert counter.startswith(f"{net.count('x', text)} / 280 caractères")


def test_a_personal_page_lists_that_ambassadors_kits_in_order(page: Any, demo_url: str) -> None:
    open_kits(page, demo_url + "ambassadors/claire-martin/")
    # Claire uses LinkedIn (her specialty), Instagram and Bluesky. "Share now" on the demo's
    # morning: the Advent calendar closes tomorrow night (within 48 h) so it comes first; then
    # the newest: bike delivery (opened on the 30th, closes on the 14th) before the winter
    # range (the 26th, closes on the 20th). Only her networks, her specialty first.
    kits = page.locator(".relais-kits__list .relais-kit")
    assert kits.evaluate_all("els => els.map(e => e.id)") == [
        "kit-calendrier-avent-boutiques",
        "kit-livraison-velo-lyon",
        "kit-lancement-gamme-hiver",
    ]
    networks = [
        kits.nth(i).locator(".relais-card").evaluate_all("els => els.map(e => e.dataset.network)")
        for i in range(3)
    ]
    assert networks == [["instagram"], ["linkedin", "bluesky"], ["linkedin", "instagram"]]
    assert page.locator(".relais-mykits").is_hidden()
    # Every card but the first is folded under "Texte pour …".
    assert kits.nth(1).locator("details.relais-kit__more summary").inner_text().strip() == (
        "Texte pour Bluesky"
    )
    assert kits.nth(0).locator(".relais-mark--soon").is_visible()
    assert kits.nth(1).locator(".relais-mark--soon").is_hidden()


def test_a_personal_page_tags_links_for_its_ambassador(page: Any, demo_url: str) -> None:
    allow_clipboard(page, demo_url)
    open_kits(page, demo_url + "ambassadors/thomas-nguyen/")
    card = page.locator("#kit-livraison-velo-lyon-x")
    composed, link = expected("livraison-velo-lyon", "x", ambassador="thomas-nguyen")
    assert "utm_content=thomas-nguyen" in link
    assert card.locator(".relais-card__share").get_attribute("href") == net.share_url(
        "x", composed, link
    )
    card.locator(".relais-card__copy").click()
    wait_until(
        page,
        "document.querySelector('#kit-livraison-velo-lyon-x .relais-card__status').textContent",
    )
    assert clipboard(page) == composed
    # Edited text: the share link follows it.
    area = card.locator(".relais-card__text")
    area.press("Control+Home")
    area.type("Bravo ! ")
    assert card.locator(".relais-card__share").get_attribute("href") == net.share_url(
        "x", "Bravo ! " + composed, link
    )


def test_a_prompt_blocks_copying_until_it_is_filled(page: Any, demo_url: str) -> None:
    allow_clipboard(page, demo_url)
    open_kits(page, demo_url + "ambassadors/claire-martin/")
    page.evaluate(f"navigator.clipboard.writeText({SENTINEL!r})")
    card = page.locator("#kit-lancement-gamme-hiver-linkedin")
    composed, _ = expected(
        "lancement-gamme-hiver", "linkedin", variant=1, ambassador="claire-martin"
    )
    assert card.locator(".relais-card__text").input_value() == composed
    assert (
        card.locator(".relais-card__backdrop mark").inner_text()
        == "[[votre pain d’hiver préféré et pourquoi]]"
    )
    card.locator(".relais-card__copy").click()
    status = card.locator(".relais-card__status")
    assert status.inner_text() == (
        "Complétez d’abord le passage « votre pain d’hiver préféré et pourquoi » (entre [[ ]])."
    )
    assert clipboard(page) == SENTINEL
    card.locator(".relais-card__share").click()  # LinkedIn: copy first, refused just the same
    assert clipboard(page) == SENTINEL and len(page.context.pages) == 1
    # The refused prompt is selected: typing replaces it.
    page.keyboard.type("la couronne au miel")
    assert card.locator(".relais-card__backdrop mark").count() == 0
    card.locator(".relais-card__copy").click()
    wait_until(page, f"navigator.clipboard.readText().then(t => t !== {SENTINEL!r})")
    assert clipboard(page) == composed.replace(
        "[[votre pain d’hiver préféré et pourquoi]]", "la couronne au miel"
    )
    assert status.inner_text() == "Texte copié."


def test_another_suggestion_cycles_through_the_variants(page: Any, demo_url: str) -> None:
    open_kits(page, demo_url + "kits/")
    card = page.locator("#kit-lancement-gamme-hiver-linkedin")
    seen = []
    for _ in range(4):
        seen.append(card.locator(".relais-card__text").input_value())
        card.locator(".relais-card__next").click()
    assert seen == [expected("lancement-gamme-hiver", "linkedin", i)[0] for i in (0, 1, 2, 0)]
    assert card.locator(".relais-card__which").inner_text() == "2/3"


def test_linkedin_copies_the_text_then_opens_its_share_window(page: Any, demo_url: str) -> None:
    allow_clipboard(page, demo_url)
    page.context.route(
        "https://www.linkedin.com/**", lambda route: route.fulfill(status=200, body="ok")
    )
    open_kits(page, demo_url + "kits/")
    composed, link = expected("livraison-velo-lyon", "linkedin")
    with page.context.expect_page() as popup:
        page.locator("#kit-livraison-velo-lyon-linkedin .relais-card__share").click()
    assert popup.value.url == net.share_url("linkedin", composed, link)
    assert clipboard(page) == composed


def test_picked_networks_are_remembered(page: Any, demo_url: str) -> None:
    open_kits(page, demo_url + "kits/")
    page.locator(".relais-kits__pick input[value=x]").uncheck()
    assert page.locator("#kit-lancement-gamme-hiver-x").is_hidden()
    page.reload()
    page.wait_for_selector(".relais-kits[data-ready]")
    assert not page.locator(".relais-kits__pick input[value=x]").is_checked()
    assert page.locator("#kit-lancement-gamme-hiver-x").is_hidden()
    assert page.locator("#kit-lancement-gamme-hiver-linkedin").is_visible()


def test_without_javascript_a_personal_page_still_lists_its_kits(
    browser: Any, demo_url: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(demo_url + "ambassadors/claire-martin/")
        links = page.locator(".relais-mykit a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
        assert links == [
            "../../kits/#kit-calendrier-avent-boutiques",
            "../../kits/#kit-livraison-velo-lyon",
            "../../kits/#kit-lancement-gamme-hiver",
        ]
        # Without JavaScript, "closes soon" as of the build's `now`.
        soon = page.locator(".relais-mykit .relais-mark--soon")
        assert soon.count() == 1 and soon.inner_text() == "Ferme bientôt"
    finally:
        context.close()


# ---------------------------------------------------------------- a small site with a Mastodon kit


@pytest.fixture(scope="module")
def mastodon_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("kits") / "repo"
    for rel, content in {"site_config.yml": KIT_CONFIG, **kit_files()}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = build(root, now_option="2026-12-01T08:00")
    assert result.ok, result.failure
    server, url = serve_folder(result.out)
    yield url
    server.stop()


def test_the_mastodon_instance_is_asked_once_and_remembered(page: Any, mastodon_site: str) -> None:
    config = yaml.safe_load(KIT_CONFIG)
    post = yaml.safe_load(HIVER.split("---\n")[1])
    composed, link = expected(
        "gamme-hiver", "mastodon", ambassador="ana-lopez", config=config, post=post
    )
    open_kits(page, mastodon_site + "ambassadors/ana-lopez/")
    card = page.locator("#kit-gamme-hiver-mastodon")
    host = card.locator(".relais-card__host")
    share = card.locator(".relais-card__share")
    # The default comes from Ana's profile (@ana@piaille.fr).
    assert host.input_value() == "piaille.fr"
    assert share.get_attribute("href") == net.share_url(
        "mastodon", composed, link, instance="piaille.fr"
    )
    host.fill("")
    assert share.get_attribute("href") is None
    host.fill("https://Eldritch.Cafe/")
    host.press("Tab")
    page.reload()
    page.wait_for_selector(".relais-kits[data-ready]")
    assert host.input_value() == "https://Eldritch.Cafe/"
    assert share.get_attribute("href") == net.share_url(
        "mastodon", composed, link, instance="https://Eldritch.Cafe/"
    )
    assert share.get_attribute("href").startswith("https://eldritch.cafe/share?text=")


# ---------------------------------------------------------------- "Share now" on the home page


def test_share_now_marks_new_kits_once_and_closing_ones_by_the_readers_clock(
    page: Any, demo_url: str
) -> None:
    page.goto(demo_url)
    page.wait_for_selector(".relais-kits[data-ready]")
    kits = page.locator(".relais-sharenow__list > .relais-kit")
    order = kits.evaluate_all("els => els.map(e => e.dataset.kit)")
    assert order == ["calendrier-avent-boutiques", "livraison-velo-lyon", "lancement-gamme-hiver"]
    # Never seen in this browser: all new; the Advent calendar closes within 48 h.
    assert kits.locator(".relais-mark--new:visible").count() == 3
    assert [kits.nth(i).locator(".relais-mark--soon").is_visible() for i in range(3)] == [
        True,
        False,
        False,
    ]
    # Seen once: no longer new (remembered in this browser, no account).
    page.reload()
    page.wait_for_selector(".relais-kits[data-ready]")
    assert kits.locator(".relais-mark--new:visible").count() == 0
    # Two days later by the reader's clock: the Advent calendar is closed and goes last, and
    # nothing else closes within 48 h yet.
    page.clock.set_fixed_time("2026-12-03T09:00:00+01:00")
    page.reload()
    page.wait_for_selector(".relais-kits[data-ready]")
    assert kits.evaluate_all("els => els.map(e => e.dataset.kit)") == [
        "livraison-velo-lyon",
        "lancement-gamme-hiver",
        "calendrier-avent-boutiques",
    ]
    assert kits.nth(2).locator(".relais-mark--ended").inner_text() == "Fermé"
    assert kits.locator(".relais-mark--soon:visible").count() == 0


def test_share_now_copies_from_the_home_page(page: Any, demo_url: str) -> None:
    allow_clipboard(page, demo_url)
    page.goto(demo_url)
    page.wait_for_selector(".relais-kits[data-ready]")
    card = page.locator(".relais-sharenow #kit-livraison-velo-lyon-x")
    card.locator(".relais-card__copy").click()
    wait_until(
        page,
        "document.querySelector('.relais-sharenow #kit-livraison-velo-lyon-x .relais-card__status').textContent",
    )
    composed, link = expected("livraison-velo-lyon", "x")
    assert clipboard(page) == composed
    assert card.locator(".relais-card__share").get_attribute("href") == net.share_url(
        "x", composed, link
    )


def test_a_link_deleted_from_the_box_is_not_added_back(page: Any, demo_url: str) -> None:
    open_kits(page, demo_url + "kits/")
    for network in ("bluesky", "x"):
        card = page.locator(f"#kit-livraison-velo-lyon-{network}")
        composed, link = expected("livraison-velo-lyon", network)
        area = card.locator(".relais-card__text")
        area.fill(composed.replace(link, "").rstrip())
        href = card.locator(".relais-card__share").get_attribute("href")
        assert "maison-exemple.fr" not in href, (network, href)
    # LinkedIn shares nothing but the link: it stays.
    card = page.locator("#kit-livraison-velo-lyon-linkedin")
    composed, link = expected("livraison-velo-lyon", "linkedin")
    card.locator(".relais-card__text").fill("Sans lien")
    assert card.locator(".relais-card__share").get_attribute("href") == net.share_url(
        "linkedin", "Sans lien", link
    )


def test_an_instagram_caption_carries_no_link_and_says_why(page: Any, demo_url: str) -> None:
    open_kits(page, demo_url + "kits/")
    card = page.locator("#kit-lancement-gamme-hiver-instagram")
    assert "https://" not in card.locator(".relais-card__text").input_value()
    assert "ne rend pas les liens cliquables" in card.locator(".relais-card__note").inner_text()
