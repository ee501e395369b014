"""Accessibility in real Chromium (WCAG 2.2 AA): axe-core on every page of the demo at desktop and
phone size, a skip link on every page, keyboard walks of a personal page and a month page,
focus never on a control the reader cannot see, live regions, a table for every chart.

axe-core comes from the npm registry, pinned in tests/a11y/package-lock.json and installed
by `make test` (npm ci). It is given to each page as a Playwright init script: evaluated
through the DevTools protocol, which the portal's Content-Security-Policy does not govern,
so pages are audited with their real policy (no bypass_csp) and nothing is added to them.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: what RGAA 4 follows.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING = ("serious", "critical")
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n").slice(1, 2).join("")),
  }));
}"""

# What has focus, and why a sighted reader could not see it ("" when they can).
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {what: "body", why: "nothing has focus"};
  const what = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "")
    + " " + (el.getAttribute("href") || "") + " '" + (el.textContent || el.value || "").trim().slice(0, 40) + "'";
  for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
    const style = getComputedStyle(n);
    if (style.display === "none" || style.visibility === "hidden" || parseFloat(style.opacity) === 0) {
      return {what, why: "invisible (" + n.tagName.toLowerCase() + "." + String(n.className) + ")"};
    }
  }
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) return {what, why: "no size"};
  if (r.right <= 0 || r.bottom <= 0 || r.left >= innerWidth || r.top >= innerHeight) {
    return {what, why: `off-screen at ${Math.round(r.left)},${Math.round(r.top)}`};
  }
  // Covered by something else (WCAG 2.2, 2.4.11): what is at the middle of its visible part.
  const x = (Math.max(r.left, 0) + Math.min(r.right, innerWidth)) / 2;
  const y = (Math.max(r.top, 0) + Math.min(r.bottom, innerHeight)) / 2;
  const hit = document.elementFromPoint(x, y);
  if (hit && !el.contains(hit) && !hit.contains(el) && !(el.labels && [...el.labels].some(l => l.contains(hit)))) {
    return {what, why: "covered by " + hit.tagName.toLowerCase() + "." + String(hit.className)};
  }
  return {what, why: ""};
}"""


def page_paths(site: Path) -> list[str]:
    """Every HTML page of a built site, as the path a reader's browser asks for."""
    paths = []
    for file in sorted(site.rglob("*.html")):
        rel = file.relative_to(site).as_posix()
        paths.append(rel.removesuffix("index.html") if rel.endswith("index.html") else rel)
    return paths


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: `make test` installs it (npm ci in tests/a11y)")
    return AXE


def new_page(browser: Any, size: str, axe: Path | None = None, **options: Any) -> Any:
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="fr-FR",
        timezone_id="Europe/Paris",
        **options,
    )
    if axe is not None:
        context.add_init_script(path=str(axe))
    return context.new_page()


def skip_link_problem(page: Any) -> str:
    """Why the page's first Tab stop is not a working skip link to its content ("" if it is)."""
    page.keyboard.press("Tab")
    first = page.evaluate(
        """() => {
          const a = document.activeElement;
          if (!a || a.tagName !== "A") return "the first Tab stop is " + (a ? a.outerHTML.slice(0, 80) : "nothing");
          const href = a.getAttribute("href") || "";
          const target = href.startsWith("#") && document.getElementById(decodeURIComponent(href.slice(1)));
          if (!target) return "the first Tab stop is not a link to an element of the page: " + a.outerHTML.slice(0, 80);
          if (!document.querySelector("main").contains(target)) return "the skip link leads outside <main>";
          if (!a.textContent.trim()) return "the skip link has no text";
          return "";
        }"""
    )
    if first:
        return first
    page.keyboard.press("Enter")
    return page.evaluate(
        """() => document.activeElement && document.activeElement.id === "relais-content"
           ? "" : "after Enter on the skip link, focus is on " + (document.activeElement || {}).tagName"""
    )


HEADINGS = """() => [...document.querySelectorAll(
  'article h1, article h2, article h3, article h4, article h5, article h6')].map(h => +h.tagName[1])"""


def heading_problems(page: Any) -> list[str]:
    """One h1 first, and no level skipped (kits and watch theme pages used to jump to h3)."""
    levels: list[int] = page.evaluate(HEADINGS)
    problems = [f"h1s {levels[:4]}"] if levels.count(1) != 1 or levels[0] != 1 else []
    return problems + [f"h{a} then h{b}" for a, b in itertools.pairwise(levels) if b > a + 1]


@pytest.mark.parametrize("size", SIZES)
def test_every_page_passes_axe_with_a_skip_link_and_headings_in_order(
    browser: Any, built_demo: Path, demo_url: str, axe_script: Path, size: str
) -> None:
    paths = page_paths(built_demo)
    assert len(paths) > 50 and "" in paths and "404.html" in paths
    page = new_page(browser, size, axe_script)
    problems: list[str] = []
    counts: Counter[str] = Counter()
    try:
        for path in paths:
            page.goto(demo_url + path)
            for v in page.evaluate(RUN_AXE, TAGS):
                if v["impact"] in FAILING:
                    counts[v["id"]] += len(v["nodes"])
                    problems.append(f"{path or '/'}: {v['id']} ({v['impact']}) {v['help']}")
                    problems += [f"    {node}" for node in v["nodes"][:5]]
            skip = skip_link_problem(page)
            if skip:
                problems.append(f"{path or '/'}: skip link: {skip}")
            if size == "desktop":  # the same markup at both sizes: one walk is enough
                problems += [f"{path or '/'}: headings: {p}" for p in heading_problems(page)]
    finally:
        page.context.close()
    assert not problems, f"{size}: {dict(counts)}\n" + "\n".join(problems)


def test_the_audit_sees_a_violation(browser: Any, demo_url: str, axe_script: Path) -> None:
    """The audit can fail: text made pale on a real page is reported as color-contrast."""
    page = new_page(browser, "desktop", axe_script)
    try:
        page.goto(demo_url + "calendar/2026-12/")
        page.evaluate("document.querySelector('h1').style.color = '#bbbbbb'")
        found = {v["id"]: v["impact"] for v in page.evaluate(RUN_AXE, TAGS)}
        assert found.get("color-contrast") == "serious"
        assert skip_link_problem(page) == ""
        page.goto(demo_url + "calendar/2026-12/")
        page.evaluate("document.querySelector('.relais-skip').remove()")
        assert skip_link_problem(page).startswith("the first Tab stop is")
        assert heading_problems(page) == []
        page.evaluate(
            "document.querySelector('article h1').insertAdjacentHTML('afterend', '<h3>x</h3>')"
        )
        assert heading_problems(page) == ["h1 then h3"]
    finally:
        page.context.close()


def focus_stop(page: Any) -> dict[str, str]:
    """What has focus and why it cannot be seen, given the time of a transition to show it
    (the skip link fades in, Material's search field on a phone opens when it has focus)."""
    stop: dict[str, str] = page.evaluate(FOCUS)
    if stop["why"]:
        page.wait_for_timeout(400)
        stop = page.evaluate(FOCUS)
    return stop


def tab_until(page: Any, selector: str, limit: int = 80) -> list[dict[str, str]]:
    """Press Tab until an element matching `selector` has focus; every stop on the way."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(focus_stop(page))
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return stops
    raise AssertionError(f"{selector} never had focus in {limit} Tab stops: {stops}")


def hidden_stops(stops: list[dict[str, str]]) -> list[str]:
    return [f"{s['what']}: {s['why']}" for s in stops if s["why"]]


@pytest.fixture
def desktop(browser: Any, demo_url: str) -> Iterator[Any]:
    page = new_page(browser, "desktop")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_url[:-1])
    yield page
    page.context.close()


def test_keyboard_alone_copies_a_kit_text_on_a_personal_page(desktop: Any, demo_url: str) -> None:
    page = desktop
    page.goto(demo_url + "ambassadors/claire-martin/")
    page.wait_for_selector(".relais-kits[data-ready]")
    assert skip_link_problem(page) == ""
    # The first card whose text has a passage to fill in (its hint is shown); 'Share now'
    # may list cards without one first.
    stops = tab_until(page, ".relais-card:has(.relais-card__hint:not([hidden])) .relais-card__copy")
    assert hidden_stops(stops) == []
    card_id = page.evaluate("document.activeElement.closest('.relais-card').id")
    status = page.locator(f"#{card_id} .relais-card__status")
    assert status.get_attribute("role") == "status" and status.inner_text() == ""
    page.keyboard.press("Enter")
    wait_until(page, f"document.querySelector('#{card_id} .relais-card__status').textContent")
    # This text has a passage to fill in: the status says so, and nothing is copied.
    assert status.inner_text().startswith("Complétez d’abord le passage")
    # Focus went to the text, the passage selected: typing replaces it.
    assert page.evaluate("document.activeElement.matches('textarea')")
    selected = page.evaluate(
        "(a => a.value.slice(a.selectionStart, a.selectionEnd))(document.activeElement)"
    )
    assert selected.startswith("[[") and selected.endswith("]]")
    page.keyboard.type("la brioche aux pralines")
    # Back to the copy button, which stands before its text (and the next-suggestion button).
    back = []
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
        back.append(focus_stop(page))
        if page.evaluate(f"document.activeElement.matches('#{card_id} .relais-card__copy')"):
            break
    else:
        raise AssertionError(f"the copy button was not reached backwards: {back}")
    assert hidden_stops(back) == []
    page.keyboard.press("Enter")
    wait_until(
        page,
        f"document.querySelector('#{card_id} .relais-card__status').textContent === 'Texte copié.'",
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "la brioche aux pralines" in copied and "[[" not in copied
    # On to the share link of the same card, then out of the kits: never a hidden stop.
    stops = tab_until(page, ".relais-card__share")
    for _ in range(3):
        page.keyboard.press("Tab")
        stops.append(focus_stop(page))
    assert hidden_stops(stops) == []


def test_keyboard_alone_filters_a_month_and_reaches_its_days(desktop: Any, demo_url: str) -> None:
    page = desktop
    page.goto(demo_url + "calendar/2026-12/")
    assert skip_link_problem(page) == ""
    stops = tab_until(page, 'select[name="network"]')
    count = page.locator(".relais-cal-count")
    assert count.get_attribute("aria-live") == "polite"
    before = count.inner_text()
    total = page.locator("td .relais-cal-item").count()
    page.keyboard.press("ArrowDown")  # the first network; a closed <select> changes on arrows
    wait_until(page, "document.querySelector('select[name=network]').value !== ''")
    shown = page.locator("td .relais-cal-item:not([hidden])").count()
    assert 0 < shown < total
    assert count.inner_text() == f"{shown} sur {total} affichés" != before
    stops += tab_until(page, "button[type=reset]")
    page.keyboard.press("Enter")
    wait_until(page, "document.querySelectorAll('td .relais-cal-item[hidden]').length === 0")
    assert count.inner_text() == ""  # nothing filtered: nothing to announce
    # Into the grid: the days' posts are links in table cells, under their column headers.
    stops += tab_until(page, "table.relais-cal-grid td a[href]")
    assert hidden_stops(stops) == []
    cell = page.locator("td:has(a:focus)")
    assert (
        page.evaluate(
            "document.activeElement.closest('table').querySelectorAll('thead th[scope=col]').length"
        )
        == 8
    )
    assert cell.get_attribute("data-day", timeout=1000)


@pytest.mark.parametrize("path", ["", "calendar/2026-12/", "ambassadors/claire-martin/"])
def test_on_a_phone_focus_never_lands_on_what_is_off_screen(
    browser: Any, demo_url: str, path: str
) -> None:
    """Tab through the whole page at phone size: every stop visible, the closed drawer skipped;
    the menu button opens the drawer, whose links are then reachable, and Escape closes it."""
    page = new_page(browser, "phone")
    try:
        page.goto(demo_url + path)
        stops = []
        for _ in range(400):
            page.keyboard.press("Tab")
            stop = focus_stop(page)
            if stop["what"] == "body":
                break
            stops.append(stop)
        assert len(stops) < 400
        assert not [s for s in stops if "md-nav__link" in s["what"]], "the closed drawer took focus"
        assert hidden_stops(stops) == []
        # The drawer: a button in the header, named, that says whether it is open.
        page.goto(demo_url + path)
        menu = page.locator('.md-header label[for="__drawer"]')
        assert menu.get_attribute("role") == "button" and menu.get_attribute("aria-label")
        assert menu.get_attribute("aria-expanded") == "false"
        tab_until(page, '.md-header label[for="__drawer"]', limit=5)
        page.keyboard.press("Enter")
        wait_until(page, "document.activeElement.closest('.md-sidebar--primary') !== null")
        assert menu.get_attribute("aria-expanded") == "true"
        page.wait_for_timeout(300)  # the drawer slides in
        inside = tab_until(page, ".md-sidebar--primary .md-nav__link[href]", limit=10)
        assert hidden_stops(inside) == []
        page.keyboard.press("Escape")
        wait_until(page, "!document.getElementById('__drawer').checked")
        assert page.evaluate("document.activeElement.getAttribute('for')") == "__drawer"
        assert menu.get_attribute("aria-expanded") == "false"
    finally:
        page.context.close()


# The first element of the content a keyboard reaches: a link, a control or a scrolling table.
CONTENT_STOP = (
    "#relais-content :is(a[href], button, input, select, textarea, summary, [tabindex='0'])"
)


@pytest.mark.parametrize(
    "path", ["", "calendar/2026-12/", "moderation/", "stats/", "watch/", "kits/archive/"]
)
def test_on_a_phone_the_content_is_a_few_tab_stops_away(
    browser: Any, demo_url: str, path: str
) -> None:
    """Before the content, only the skip link and the header's controls: the closed drawer
    (30 and more links on the demo before issue 20) takes none of the reader's Tab presses."""
    page = new_page(browser, "phone")
    try:
        page.goto(demo_url + path)
        stops = tab_until(page, CONTENT_STOP, limit=12)
        before = stops[:-1]
        assert hidden_stops(stops) == []
        assert len(before) <= 4, before
        # Not in the site's header or drawer (a card's own <header> in the content is content).
        assert page.evaluate("document.activeElement.closest('.md-header, .md-sidebar')") is None
    finally:
        page.context.close()


def test_moderation_filters_and_copy_are_announced(desktop: Any, demo_url: str) -> None:
    """The moderation page's filter count and its cards' copy result are live regions that a
    screen reader reads when they change, reached and used with the keyboard alone."""
    page = desktop
    page.goto(demo_url + "moderation/")
    page.wait_for_selector('.relais-moderation[data-filters="ready"]')
    count = page.locator(".relais-moderation__count")
    assert count.get_attribute("role") == "status"
    assert count.get_attribute("aria-live") == "polite"
    total = page.locator(".relais-reply").count()
    tab_until(page, ".relais-moderation__situation")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("horaires")
    wait_until(page, "document.querySelectorAll('.relais-reply:not([hidden])').length < 3")
    shown = page.locator(".relais-reply:not([hidden])").count()
    assert 0 < shown < total
    reply = "réponse affichée" if shown == 1 else "réponses affichées"
    assert count.inner_text() == f"{shown} {reply}"
    # Copy the first reply shown: its status, a live region too, says what happened.
    stops = tab_until(
        page, ".relais-reply:not([hidden]) .relais-card:not([hidden]) .relais-card__copy"
    )
    assert hidden_stops(stops) == []
    card_id = page.evaluate("document.activeElement.closest('.relais-card').id")
    status = page.locator(f"#{card_id} .relais-card__status")
    assert status.get_attribute("role") == "status" and status.inner_text() == ""
    page.keyboard.press("Enter")
    wait_until(page, f"document.querySelector('#{card_id} .relais-card__status').textContent")
    said = status.inner_text()
    assert said.startswith(("Texte copié", "Complétez d’abord le passage")), said


def test_the_search_dialog_is_named(browser: Any, demo_url: str) -> None:
    page = new_page(browser, "desktop")
    try:
        page.goto(demo_url)
        dialog = page.locator('.md-search[role="dialog"]')
        assert dialog.get_attribute("aria-label") == "Rechercher"
    finally:
        page.context.close()


def test_landmarks_and_the_month_grid_keep_their_semantics(browser: Any, demo_url: str) -> None:
    page = new_page(browser, "desktop")
    try:
        page.goto(demo_url + "calendar/2026-12/")
        assert page.locator("header.md-header").count() == 1
        assert page.locator("main").count() == 1
        assert page.locator("main #relais-content").count() == 1
        grid = page.locator("table.relais-cal-grid")
        assert grid.locator("caption").inner_text() == "Décembre 2026"
        assert grid.locator("thead th[scope=col]").count() == 8
        assert grid.locator("tbody th[scope=row]").count() == grid.locator("tbody tr").count()
        assert grid.locator('td[aria-current="date"]').count() == 1
        # The accessibility tree (what a screen reader gets) still sees a table with headers.
        tree = page.locator("table.relais-cal-grid").aria_snapshot()
        assert "- table" in tree and "columnheader" in tree and "rowheader" in tree
    finally:
        page.context.close()


def test_every_chart_has_its_table(browser: Any, built_demo: Path, demo_url: str) -> None:
    """A chart is an image to a screen reader: the same figures are in a table beside it."""
    charts = [
        path
        for path in page_paths(built_demo)
        if re.search(
            r'role="img"',
            (
                built_demo / (path + "index.html" if path.endswith("/") or not path else path)
            ).read_text(encoding="utf-8"),
        )
    ]
    stats = (built_demo / "stats").is_dir()
    assert charts or not stats, "the statistics section has no chart to check"
    page = new_page(browser, "desktop")
    problems = []
    try:
        for path in charts:
            page.goto(demo_url + path)
            problems += [
                f"{path}: {p}"
                for p in page.evaluate(
                    """() => [...document.querySelectorAll("article svg[role=img]")]
                      .filter(svg => !svg.closest(".relais-icon, .md-icon, .relais-sprite"))
                      .map(svg => {
                        const block = svg.closest("section") || svg.parentElement;
                        const table = block.querySelector("table");
                        if (!svg.getAttribute("aria-labelledby") && !svg.getAttribute("aria-label")) return "a chart without a name";
                        if (!table) return "a chart without a table: " + (svg.textContent || "").slice(0, 60);
                        if (!table.querySelector("th")) return "a chart's table without headers";
                        return "";
                      }).filter(Boolean)"""
                )
            ]
    finally:
        page.context.close()
    assert problems == []
