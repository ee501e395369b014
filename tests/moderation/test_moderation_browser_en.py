"""The demo with site.language: en, in real Chromium on a 390 px phone: the moderation section,
the live counters of each network, the directory, the register, the alerts banner and badges.

The French interface has its own tests (test_moderation_browser.py, tests/watch/); here the
same portal speaks English. Expected texts come from the demo's files, generator.networks and
generator.watch.alerts, never from the page under test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from generator import networks as net
from generator.load import load
from generator.moderation.checks import reply_limit
from tests.conftest import DEMO_NOW, ROOT, copy_demo, serve_folder, wait_until
from tests.moderation.conftest import PHONE, demo_yaml, phone_page, reply
from tests.watch.test_alert_pages import demo_alerts

pytestmark = pytest.mark.browser

SENTINEL = "clipboard untouched"


@pytest.fixture(scope="module")
def english_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo built with site.language: en, served on 127.0.0.1. Its content stays French:
    the spelling check is switched off so that French words are not looked up in English."""
    from generator.build import build

    root = copy_demo(tmp_path_factory.mktemp("english") / "demo")
    config = yaml.safe_load((root / "site_config.yml").read_text(encoding="utf-8"))
    config["site"]["language"] = "en"
    config["rules"]["severity"] = {"spelling": "ignore", "french-spacing": "ignore"}
    (root / "site_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    result = build(root, now_option=DEMO_NOW)
    assert result.ok, result.failure
    server, url = serve_folder(result.out)
    yield url
    server.stop()


@pytest.fixture
def phone(browser: Any, english_url: str) -> Iterator[Any]:
    with phone_page(browser, english_url, "en-GB") as page:
        yield page


def first_text(reply_id: str, network: str) -> str:
    r = reply(reply_id)
    value = r.get("networks", {}).get(network, r.get("text"))
    return str(value[0] if isinstance(value, list) else value)


def open_replies(page: Any, url: str) -> None:
    page.goto(url)
    wait_until(page, "document.querySelector('.relais-moderation')?.dataset.filters === 'ready'")


def visible(page: Any, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        selector, "els => els.filter(e => e.offsetParent !== null).map(e => e.id)"
    )


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_guide_and_the_filters_speak_english(phone: Any, english_url: str) -> None:
    open_replies(phone, english_url + "moderation/")
    no_sideways_scroll(phone)
    assert phone.locator("h1").first.inner_text() == "Approved replies"
    assert phone.locator("#relais-guide").inner_text() == "What to do with a message?"
    headings = phone.locator(".relais-guide__action h3").all_inner_texts()
    assert headings == ["Answer", "Hide", "Delete", "Escalate"]
    count = phone.locator(".relais-moderation__count")
    total = len(demo_yaml("replies.yml")["replies"])  # type: ignore[index]
    assert count.inner_text() == f"{total} replies shown"

    # Each situation of the guide leads to its replies.
    situations = demo_yaml("replies.yml")["situations"]  # type: ignore[index]
    phone.locator("#action-hide a", has_text=situations["troll"]["label"]).click()
    assert phone.locator(".relais-moderation__situation").input_value() == "troll"
    shown = visible(phone, ".relais-reply")
    expected = [r["id"] for r in demo_yaml("replies.yml")["replies"] if r["situation"] == "troll"]  # type: ignore[index]
    assert shown == [f"reply-{r}" for r in expected]
    assert count.inner_text() == (
        f"{len(expected)} reply shown" if len(expected) == 1 else f"{len(expected)} replies shown"
    )
    phone.locator(".relais-moderation__situation").select_option("")
    phone.locator(".relais-moderation__search").fill("nothing like this anywhere")
    assert count.inner_text() == "0 replies shown"  # English plural for zero
    assert phone.locator(".relais-moderation__none").is_visible()


def counted(network_id: str, text: str, limit: int | None) -> str:
    """What the counter says, from generator.networks (Bluesky counts bytes too)."""
    m = net.measure(network_id, text, limit=limit)
    out = f"{m.count} / {limit} characters"
    if m.byte_limit is not None:
        out += f" · {m.bytes} / {m.byte_limit} bytes"
    return out


def test_live_counters_count_as_each_network_counts(phone: Any, english_url: str) -> None:
    loaded = load(ROOT)
    assert loaded.project is not None
    open_replies(phone, english_url + "moderation/")
    network = phone.locator(".relais-moderation__network")
    for network_id in ("linkedin", "x", "instagram", "bluesky"):
        network.select_option(network_id)
        card = phone.locator(f"#reply-horaires-{network_id}")
        assert visible(phone, "#reply-horaires .relais-card") == [f"reply-horaires-{network_id}"]
        text = first_text("horaires", network_id)
        limit = reply_limit(loaded.project, network_id)
        counter = card.locator(".relais-card__count")
        assert card.locator(".relais-card__text").input_value() == text
        assert counter.inner_text() == counted(network_id, text, limit)
        # Typing counts live, by the network's rules (X counts a link as 23).
        typed = "Thanks! https://www.maison-exemple.fr/a/very/long/address/to/count/as/a/link"
        card.locator(".relais-card__text").fill(typed)
        assert counter.inner_text() == counted(network_id, typed, limit)
        no_sideways_scroll(phone)
    assert net.count("x", "https://www.maison-exemple.fr/a/very/long/address") == 23


def test_copy_waits_for_the_placeholder_in_english(phone: Any, english_url: str) -> None:
    open_replies(phone, english_url + "moderation/")
    phone.locator(".relais-moderation__network").select_option("linkedin")
    phone.evaluate(f"navigator.clipboard.writeText({SENTINEL!r})")
    card = phone.locator("#reply-horaires-linkedin")
    card.locator(".relais-card__copy").click()
    status = card.locator(".relais-card__status")
    assert status.inner_text() == "First fill in the part “prénom” (between [[ ]])."
    assert phone.evaluate("navigator.clipboard.readText()") == SENTINEL
    phone.keyboard.type("Sam")
    card.locator(".relais-card__copy").click()
    wait_until(phone, f"navigator.clipboard.readText().then(t => t !== {SENTINEL!r})")
    assert phone.evaluate("navigator.clipboard.readText()") == first_text(
        "horaires", "linkedin"
    ).replace("[[prénom]]", "Sam")


def test_the_directory_shows_public_fields_only(phone: Any, english_url: str) -> None:
    phone.goto(english_url + "moderation/escalation/")
    no_sideways_scroll(phone)
    data = demo_yaml("escalation.yml")
    assert isinstance(data, dict)
    labels = {
        "service": "Service",
        "contact": "Contact",
        "channel": "Channel",
        "response_time": "Response time",
        "out_of_hours": "Out of hours",
        "person": "Person",
        "phone": "Phone",
        "email": "E-mail",
    }
    for topic in data["topics"]:
        section = phone.locator(f"#topic-{topic['id']}")
        assert section.locator("h2").inner_text() == topic["topic"]
        public = topic.get("public", data["public"])
        shown = section.locator("dt").all_inner_texts()
        assert shown == [labels[k] for k in labels if k in public and topic.get(k)]
        body = section.inner_text()
        for key, value in topic.items():
            if key not in public and key not in ("id", "topic", "public"):
                assert str(value) not in body, (topic["id"], key)


def test_the_register_opens_the_review_with_open_items_first(phone: Any, english_url: str) -> None:
    phone.goto(english_url + "moderation/feedback/")
    no_sideways_scroll(phone)
    items = demo_yaml("feedback.yml")
    assert isinstance(items, list)
    order = ["open", "in-progress", "solved", "declined"]
    expected = sorted(items, key=lambda f: (order.index(f.get("status", "open")), -f["count"]))
    topics = phone.locator(".relais-feedback__topic").all_inner_texts()
    assert topics == [f["topic"] for f in expected]
    first = phone.locator(".relais-feedback__item").first
    count = expected[0]["count"]
    assert first.locator(".relais-feedback__count").inner_text() == (
        f"raised {count} time" if count == 1 else f"raised {count} times"
    )
    labels = {
        "open": "Open",
        "in-progress": "In progress",
        "solved": "Solved",
        "declined": "Declined",
    }
    statuses = phone.locator(".relais-feedback__status").all_inner_texts()
    assert statuses == [labels[f.get("status", "open")] for f in expected]
    # A linked reply opens the replies page at that reply.
    linked = next(f for f in expected if f.get("replies"))
    item = phone.locator(f"#feedback-{linked['id']}")
    item.locator("a", has_text=reply(linked["replies"][0])["title"]).click()
    wait_until(phone, "document.querySelector('.relais-moderation')?.dataset.filters === 'ready'")
    assert phone.url.endswith(f"moderation/#reply-{linked['replies'][0]}")
    assert phone.locator(f"#reply-{linked['replies'][0]}").is_visible()


def test_the_alert_banner_leads_to_the_marked_entry(phone: Any, english_url: str) -> None:
    alerts, _ = demo_alerts()
    phone.goto(english_url)
    no_sideways_scroll(phone)
    banner = phone.locator(".relais-alerts")
    assert banner.is_visible()
    assert banner.locator("h2").inner_text() == f"{len(alerts)} alerts in the watch"
    spike = alerts[0]
    assert spike.kind == "volume"
    assert banner.locator(".relais-alerts__item").first.inner_text().startswith("Alert")
    assert re.search(r"Spike in brand mentions: \d+ today", banner.inner_text())
    first = next(a for a in alerts if a.kind == "keyword")
    banner.locator(f'a[href$="#watch-{first.item}"]').click()
    entry = phone.locator(f"#watch-{first.item}")
    entry.wait_for()
    assert entry.is_visible()
    assert entry.locator(".relais-watch-alert").inner_text() == (
        "Alert" if first.level == "alert" else "To watch"
    )
    no_sideways_scroll(phone)
