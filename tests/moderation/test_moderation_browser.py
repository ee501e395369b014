"""The moderation section in real Chromium on a 390 px phone: filter, copy, counters.

Expected texts and counts come from the demo's files and generator.networks (the authority
on counting), never from the page under test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from generator import networks as net
from tests.conftest import wait_until
from tests.moderation.conftest import PHONE, demo_yaml, phone_page, reply

pytestmark = pytest.mark.browser

SENTINEL = "clipboard untouched"


def text_of(reply_id: str, network: str) -> str:
    r = reply(reply_id)
    value = r.get("networks", {}).get(network, r.get("text"))
    value = value[0] if isinstance(value, list) else value
    # Folded lines joined as YAML joins them; no-break spaces stay (str.split would eat them).
    return re.sub(r"[ \t\n]+", " ", value) if "\n" not in value.strip() else value


@pytest.fixture
def phone(browser: Any, demo_url: str) -> Iterator[Any]:
    with phone_page(browser, demo_url, "fr-FR") as page:
        yield page


def open_replies(page: Any, url: str) -> None:
    page.goto(url)
    wait_until(page, "document.querySelector('.relais-moderation')?.dataset.ready === 'true'")
    wait_until(page, "document.querySelector('.relais-moderation')?.dataset.filters === 'ready'")


def visible(page: Any, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        selector, "els => els.filter(e => e.offsetParent !== null).map(e => e.id)"
    )


def test_filters_on_a_phone(phone: Any, demo_url: str) -> None:
    open_replies(phone, demo_url + "moderation/")
    count = phone.locator(".relais-moderation__count")
    all_replies = [r["id"] for r in demo_yaml("replies.yml")["replies"]]  # type: ignore[index]
    # One card per reply fits a phone: the site's first network until another is chosen.
    assert phone.locator(".relais-moderation__network").input_value() == "linkedin"
    assert count.inner_text() == f"{len(all_replies)} réponses affichées"
    assert visible(phone, ".relais-card") == [f"reply-{r}-linkedin" for r in all_replies]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The decision guide's link picks the situation.
    phone.locator("#action-escalate a", has_text="Signalement sanitaire").click()
    assert phone.locator(".relais-moderation__situation").input_value() == "securite-alimentaire"
    assert visible(phone, ".relais-reply") == ["reply-signalement-sanitaire"]
    assert count.inner_text() == "1 réponse affichée"

    phone.locator(".relais-moderation__network").select_option("x")
    assert visible(phone, ".relais-card") == ["reply-signalement-sanitaire-x"]

    # Words are found without accents or case; nothing found says so.
    phone.locator(".relais-moderation__situation").select_option("")
    phone.locator(".relais-moderation__search").fill("ALLERGENES")
    assert visible(phone, ".relais-reply") == ["reply-allergenes"]
    phone.locator(".relais-moderation__search").fill("zzz introuvable")
    assert visible(phone, ".relais-reply") == []
    assert phone.locator(".relais-moderation__none").is_visible()
    assert count.inner_text() == "0 réponse affichée"

    # The network is remembered on this device.
    phone.reload()
    open_replies(phone, demo_url + "moderation/")
    assert phone.locator(".relais-moderation__network").input_value() == "x"


def test_copy_is_blocked_until_the_placeholder_is_filled(phone: Any, demo_url: str) -> None:
    open_replies(phone, demo_url + "moderation/#situation-securite-alimentaire")
    phone.locator(".relais-moderation__network").select_option("x")
    phone.evaluate(f"navigator.clipboard.writeText({SENTINEL!r})")
    card = phone.locator("#reply-signalement-sanitaire-x")
    area = card.locator(".relais-card__text")
    original = text_of("signalement-sanitaire", "x")
    assert area.input_value() == original
    counter = card.locator(".relais-card__count")
    assert counter.inner_text() == f"{net.count('x', original)} / 280 caractères"

    card.locator(".relais-card__copy").click()
    status = card.locator(".relais-card__status")
    assert status.inner_text() == "Complétez d’abord le passage « prénom » (entre [[ ]])."
    assert phone.evaluate("navigator.clipboard.readText()") == SENTINEL

    # The refused placeholder is selected: typing replaces it, and the counter follows.
    phone.keyboard.type("Julie")
    filled = original.replace("[[prénom]]", "Julie")
    assert area.input_value() == filled
    assert counter.inner_text() == f"{net.count('x', filled)} / 280 caractères"
    card.locator(".relais-card__copy").click()
    wait_until(phone, f"navigator.clipboard.readText().then(t => t !== {SENTINEL!r})")
    assert phone.evaluate("navigator.clipboard.readText()") == filled
    assert status.inner_text() == "Texte copié."


def test_the_counter_turns_red_past_a_reply_limit(phone: Any, demo_url: str) -> None:
    open_replies(phone, demo_url + "moderation/")
    phone.locator(".relais-moderation__network").select_option("x")
    card = phone.locator("#reply-merci-x")
    area = card.locator(".relais-card__text")
    area.fill("a" * 281)
    counter = card.locator(".relais-card__count")
    assert counter.inner_text() == "281 / 280 caractères · Trop long pour X."
    assert "relais-count--over" in (counter.get_attribute("class") or "")
    # Another suggestion brings the second approved variant.
    card.locator(".relais-card__next").click()
    assert area.input_value() == reply("merci")["text"][1]
