"""The calendar in real Chromium: months, filters, the board, the phone view, copy buttons, no script errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import wait_until

pytestmark = pytest.mark.browser


def watch_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def test_moving_between_months(page: Any, demo_url: str) -> None:
    errors = watch_errors(page)
    page.goto(demo_url + "calendar/2026-12/")
    assert page.locator("h1").inner_text() == "Décembre 2026"
    today = page.locator('td[aria-current="date"]')
    assert today.count() == 1 and today.get_attribute("data-day") == "2026-12-01"
    page.locator('a[rel="next"]').first.click()
    page.wait_for_url("**/calendar/2027-01/")
    assert page.locator("h1").inner_text() == "Janvier 2027"
    assert page.locator('td[aria-current="date"]').count() == 0
    page.locator('a[rel="prev"]').first.click()
    page.locator('a[rel="prev"]').first.click()
    page.wait_for_url("**/calendar/2026-11/")
    assert page.locator("h1").inner_text() == "Novembre 2026"
    page.get_by_role("link", name="Ce mois-ci").click()
    page.wait_for_url("**/calendar/2026-12/")
    assert errors == []


def test_filtering_by_network_hides_the_others_and_follows_month_links(
    page: Any, demo_url: str
) -> None:
    errors = watch_errors(page)
    page.goto(demo_url + "calendar/2026-12/")
    items = page.locator("td .relais-cal-item")
    total = items.count()
    assert total > 10
    page.select_option('select[name="network"]', "linkedin")
    visible = [i for i in range(total) if items.nth(i).is_visible()]
    hidden = [i for i in range(total) if not items.nth(i).is_visible()]
    assert visible and hidden
    assert all("linkedin" in items.nth(i).get_attribute("data-networks").split() for i in visible)
    assert all(
        "linkedin" not in items.nth(i).get_attribute("data-networks").split() for i in hidden
    )
    assert page.locator(".relais-cal-count").inner_text() == f"{len(visible)} sur {total} affichés"
    assert page.url.endswith("/calendar/2026-12/?network=linkedin")
    page.locator('a[rel="next"]').first.click()
    page.wait_for_url("**/calendar/2027-01/?network=linkedin")
    assert page.locator('select[name="network"]').input_value() == "linkedin"
    january = page.locator("td .relais-cal-item")
    assert all(
        "linkedin" in january.nth(i).get_attribute("data-networks").split()
        for i in range(january.count())
        if january.nth(i).is_visible()
    )
    page.get_by_role("button", name="Tout afficher").click()
    wait_until(page, "document.querySelectorAll('td .relais-cal-item[hidden]').length === 0")
    assert page.url.endswith("/calendar/2027-01/")
    assert errors == []


def test_without_javascript_everything_is_listed(browser: Any, demo_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(demo_url + "calendar/2026-12/?network=linkedin")
        assert not page.locator("form[data-relais-filters]").is_visible()
        items = page.locator("td .relais-cal-item")
        assert items.count() > 10 and all(items.nth(i).is_visible() for i in range(items.count()))
    finally:
        context.close()


def test_the_board_shows_the_status_columns(page: Any, demo_url: str) -> None:
    page.goto(demo_url + "calendar/board/")
    columns = page.locator("[data-status-column]")
    assert [columns.nth(i).get_attribute("data-status-column") for i in range(columns.count())] == [
        "idea",
        "draft",
        "review",
        "approved",
        "scheduled",
    ]
    headings = [
        columns.nth(i).locator("h2 .relais-chip").inner_text() for i in range(columns.count())
    ]
    assert headings == ["Idée", "Brouillon", "En relecture", "Validé", "Programmé"]
    for i in range(columns.count()):
        column = columns.nth(i)
        status = column.get_attribute("data-status-column")
        cards = column.locator(".relais-task")
        assert cards.count() >= 1
        assert {cards.nth(j).get_attribute("data-status") for j in range(cards.count())} == {status}
    # Filtering by owner on the board keeps only that owner's cards.
    page.select_option('select[name="owner"]', "claire-martin")
    cards = page.locator(".relais-task")
    shown = [cards.nth(i) for i in range(cards.count()) if cards.nth(i).is_visible()]
    assert shown and all(c.get_attribute("data-owner") == "claire-martin" for c in shown)


def test_on_a_phone_the_agenda_is_the_calendar(browser: Any, demo_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(demo_url + "calendar/")
        assert not page.locator(".relais-cal-monthblock").is_visible()
        assert page.locator(".relais-cal-agenda").is_visible()
        assert page.get_by_role("link", name="Voir le mois en grille").is_visible()
        assert page.locator(".relais-cal-slot").first.is_visible()
    finally:
        context.close()
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = desktop.new_page()
        page.goto(demo_url + "calendar/")
        assert page.locator(".relais-cal-monthblock").is_visible()
        assert not page.get_by_role("link", name="Voir le mois en grille").is_visible()
    finally:
        desktop.close()


def test_a_copy_button_copies_the_absolute_subscription_url(page: Any, demo_url: str) -> None:
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=demo_url.rstrip("/")
    )
    page.goto(demo_url + "calendar/")
    button = page.locator('button.relais-cal-copy[data-copy$="/calendar/ics/network-linkedin.ics"]')
    assert button.is_visible()
    button.click()
    assert (
        page.evaluate("navigator.clipboard.readText()")
        == "https://portal.example.org/calendar/ics/network-linkedin.ics"
    )
    assert button.inner_text() == "Lien copié"
    # The .ics link itself is served.
    href = page.locator('a[download][href$="ics/all.ics"]').get_attribute("href")
    response = page.request.get(demo_url + "calendar/" + href)
    assert response.ok and response.body().startswith(b"BEGIN:VCALENDAR")


def test_the_today_badge_stays_inside_its_cell(browser: Any, demo_url: str) -> None:
    for width in (730, 800, 960, 1100, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
        try:
            page = context.new_page()
            page.goto(demo_url + "calendar/2026-12/")
            badge, cell = page.evaluate(
                "() => { const b = document.querySelector('.relais-cal-today');"
                " const r = b.getBoundingClientRect(), c = b.closest('td').getBoundingClientRect();"
                " return [[r.left, r.right], [c.left, c.right]]; }"
            )
            assert cell[0] <= badge[0] and badge[1] <= cell[1], (width, badge, cell)
        finally:
            context.close()


def test_the_board_jump_links_lead_to_their_column_on_a_phone(browser: Any, demo_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(demo_url + "calendar/board/")
        page.locator(".relais-board__jump a[href='#relais-board-scheduled']").click()
        heading = page.locator("#relais-board-scheduled")
        top = heading.evaluate("e => e.getBoundingClientRect().top")
        assert 0 <= top < 200
    finally:
        context.close()
