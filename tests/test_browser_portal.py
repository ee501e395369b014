"""The portal as its readers meet it, every kind of page in real Chromium, in French and English.

Measured as a reader would notice it: a page that scrolls sideways on a 360 px phone, the
first copy and share buttons out of the first screen of a phone, a plural written "kit(s)",
a raw code where words belong (an id, "#1e88e5", "fr, en"), and a word of the other
language. Each detector is shown to fail on a page made wrong on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build import build
from generator.i18n import LABELS, PLURALS
from generator.watch.render import LABELS as WATCH_LABELS
from tests.conftest import DEMO_INSTANT, DEMO_NOW, ROOT, copy_demo, serve_folder, wait_until

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PHONE_390 = {"width": 390, "height": 844}

# One page of every kind the portal makes, by a glob on the built site (first match).
KINDS = {
    "home": "index.html",
    "post": "posts/lancement-gamme-hiver/index.html",
    "embargoed post": "posts/embargo-*/index.html",
    "archive": "archive/index.html",
    "archive month": "archive/2026-12/index.html",
    "agenda": "calendar/index.html",
    "month grid": "calendar/2026-12/index.html",
    "board": "calendar/board/index.html",
    "key dates": "calendar/key-dates/index.html",
    "campaigns": "calendar/campaigns/index.html",
    "campaign": "calendar/campaigns/hiver-2026/index.html",
    "directory": "ambassadors/index.html",
    "personal page": "ambassadors/claire-martin/index.html",
    "kits": "kits/index.html",
    "kits archive": "kits/archive/index.html",
    "kits archive month": "kits/archive/*/index.html",
    "digest": "kits/digest/index.html",
    "watch": "watch/index.html",
    "watch theme": "watch/concurrence/index.html",
    "guide": "pages/charte-editoriale/index.html",
    "not found": "404.html",
}


def page_urls(site: Path) -> dict[str, str]:
    """{kind: URL path} for the kinds this site has."""
    found = {}
    for kind, pattern in KINDS.items():
        matches = sorted(site.glob(pattern))
        if matches:
            rel = matches[0].relative_to(site).as_posix()
            found[kind] = rel.removesuffix("index.html")
    return found


@pytest.fixture(scope="module")
def english_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with `site.language: en` (its content stays French, its interface English)."""
    root = copy_demo(tmp_path_factory.mktemp("english") / "demo")
    config = root / "site_config.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("language: fr", "language: en", 1),
        encoding="utf-8",
    )
    result = build(root, now_option=DEMO_NOW)
    assert result.ok, result.failure
    return result.out


@pytest.fixture(scope="module")
def sites(built_demo: Path, english_demo: Path) -> Iterator[dict[str, tuple[Path, str]]]:
    servers = {}
    for lang, folder in (("fr", built_demo), ("en", english_demo)):
        servers[lang] = (folder, *serve_folder(folder))
    yield {lang: (folder, url) for lang, (folder, _, url) in servers.items()}
    for _, server, _ in servers.values():
        server.stop()


def new_page(browser: Any, viewport: dict[str, int], lang: str = "fr") -> Any:
    context = browser.new_context(
        viewport=viewport,
        locale="fr-FR" if lang == "fr" else "en-GB",
        timezone_id="Europe/Paris",
        is_mobile=viewport["width"] < 500,
        has_touch=viewport["width"] < 500,
    )
    page = context.new_page()
    page.clock.install(time=DEMO_INSTANT)
    return page


def visit(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    # Personal pages build their cards from kits.json: measure the page as it ends up.
    if page.locator(".relais-kits[data-mode='ambassador']").count():
        wait_until(
            page,
            "document.querySelector('.relais-kits[data-ready], .relais-card__status--error') !== null",
        )


OVERFLOW = """() => {
  const doc = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > doc.clientWidth + 1)
    .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
  return {scroll: doc.scrollWidth - doc.clientWidth, wide: wide};
}"""


def overflow(page: Any) -> int:
    """How many pixels the page scrolls sideways."""
    return int(page.evaluate(OVERFLOW)["scroll"])


# --- no page scrolls sideways on a phone ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_page_scrolls_sideways_at_360_px(browser: Any, sites: Any, lang: str) -> None:
    folder, url = sites[lang]
    kinds = page_urls(folder)
    assert len(kinds) == len(KINDS), set(KINDS) - set(kinds)
    page = new_page(browser, PHONE, lang)
    wide = {}
    for kind, path in kinds.items():
        visit(page, url + path)
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > 0:
            wide[kind] = found
    page.context.close()
    assert wide == {}


def test_the_overflow_detector_sees_a_deliberately_wide_element(browser: Any, sites: Any) -> None:
    _, url = sites["fr"]
    page = new_page(browser, PHONE)
    visit(page, url + "calendar/")
    assert overflow(page) == 0
    page.evaluate(
        "() => { const d = document.createElement('div'); d.style.width = '900px';"
        " d.style.height = '10px'; document.querySelector('.md-content').appendChild(d); }"
    )
    assert overflow(page) > 0
    page.context.close()


# --- share first: the first copy and share buttons on a phone's first screen -----------------------

FIRST_CONTROL = """(selector) => {
  for (const e of document.querySelectorAll(selector)) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) return {top: r.top + scrollY, bottom: r.bottom + scrollY};
  }
  return null;
}"""


@pytest.mark.parametrize("viewport", [PHONE_390, PHONE], ids=["390x844", "360x740"])
@pytest.mark.parametrize("path", ["", "ambassadors/claire-martin/"], ids=["home", "personal"])
def test_the_first_copy_and_share_buttons_are_on_a_phones_first_screen(
    browser: Any, sites: Any, viewport: dict[str, int], path: str
) -> None:
    _, url = sites["fr"]
    page = new_page(browser, viewport)
    visit(page, url + path)
    if path:
        page.wait_for_selector(".relais-kits[data-ready]")
    copy = page.evaluate(FIRST_CONTROL, ".relais-card__copy")
    # The share button of that same card, when its network has one (Instagram has none).
    share = page.evaluate(
        "() => { const c = [...document.querySelectorAll('.relais-card__copy')]"
        ".find(e => e.getBoundingClientRect().height > 0);"
        " const s = c && c.closest('.relais-card').querySelector('.relais-card__share[href]');"
        " return s ? s.getBoundingClientRect().bottom + scrollY : null; }"
    )
    heading = page.get_by_role("heading", name="À partager maintenant")
    assert heading.count() == 1
    page.context.close()
    assert copy is not None
    assert copy["bottom"] <= viewport["height"], copy
    assert share is None or share <= viewport["height"], share


def test_the_position_detector_sees_a_button_pushed_down(browser: Any, sites: Any) -> None:
    _, url = sites["fr"]
    page = new_page(browser, PHONE_390)
    visit(page, url)
    page.evaluate(
        "() => { const d = document.createElement('div'); d.style.height = '2000px';"
        " const h = document.querySelector('.relais-home > h1'); h.after(d); }"
    )
    copy = page.evaluate(FIRST_CONTROL, ".relais-card__copy")
    page.context.close()
    assert copy["bottom"] > PHONE_390["height"]


# --- every word in the reader's language ---------------------------------------------------------

PLACEHOLDER = re.compile(r"\w\(s\)")
HEX = re.compile(r"(?<![\w&])#[0-9a-fA-F]{6}\b")
LANGUAGE_CODES = re.compile(r"\b(?:fr|en|de|es|it)(?:, (?:fr|en|de|es|it))+\b")
URL = re.compile(r"\bhttps?://\S+")


def visible_text(page: Any) -> str:
    """What the page says, without the addresses (tracking links carry ids by design)."""
    return URL.sub(" ", page.evaluate("() => document.body.innerText"))


# What colleagues and feeds wrote, in whatever language they wrote it: left out of the scan
# for the other language's interface words (the English demo keeps the French content).
CONTENT = (
    ".relais-brief, .relais-message__text, .relais-card__text, .relais-card__archived,"
    " .relais-watch-entry, .relais-digest__kit blockquote"
)


def interface_text(page: Any) -> str:
    return URL.sub(
        " ",
        page.evaluate(
            "(content) => { const body = document.body.cloneNode(true);"
            " body.querySelectorAll(content).forEach(e => e.remove());"
            " document.documentElement.appendChild(body); body.hidden = false;"
            " const text = body.innerText; body.remove(); return text; }",
            CONTENT,
        ),
    )


def _label_fragments(lang: str) -> set[str]:
    """Words of the interface in `lang` that the other language says differently: each label's
    text between its placeholders, long enough to mean something (4 characters or more)."""
    other = "en" if lang == "fr" else "fr"
    texts: list[tuple[str, str]] = [(t[lang], t[other]) for t in LABELS.values()]
    for forms in PLURALS.values():
        texts += [(forms[lang][k], forms[other].get(k, forms[other]["other"])) for k in forms[lang]]
    texts += [(WATCH_LABELS[lang][k], WATCH_LABELS[other][k]) for k in WATCH_LABELS[lang]]
    fragments = set()
    for mine, theirs in texts:
        for part in re.split(r"\{\w+\}", mine):
            part = part.strip(" :·,.()«»“”")
            if len(part) >= 4 and part not in theirs and " " in part:
                fragments.add(part)
    return fragments


def words_of_the_other_language(text: str, lang: str) -> list[str]:
    other = "en" if lang == "fr" else "fr"
    return sorted(f for f in _label_fragments(other) if f in text)


def raw_codes(text: str, ids: set[str]) -> list[str]:
    found = [m.group() for m in HEX.finditer(text)]
    found += [m.group() for m in LANGUAGE_CODES.finditer(text)]
    found += [i for i in ids if re.search(rf"(?<![\w#/-]){re.escape(i)}(?![\w/-])", text)]
    return found


def content_ids() -> set[str]:
    """Ids a reader should never read: campaigns, key dates, ambassadors, and topics whose
    label differs from their id (ids stay keys; people read labels)."""
    ids = set()
    for name in ("campaigns", "key-dates"):
        data = yaml.safe_load((ROOT / "calendar" / f"{name}.yml").read_text(encoding="utf-8"))
        ids |= {entry["id"] for entry in data}
    ids |= {p.stem for p in (ROOT / "ambassadors").glob("*.yml")}
    config = yaml.safe_load((ROOT / "site_config.yml").read_text(encoding="utf-8"))
    # A topic id that its label holds ("galette" in "Galette des rois") is an ordinary word.
    ids |= {
        i for i, label in config.get("topics", {}).items() if i.casefold() not in label.casefold()
    }
    return ids


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_speaks_the_readers_language_in_words(
    browser: Any, sites: Any, lang: str
) -> None:
    folder, url = sites[lang]
    ids = content_ids()
    page = new_page(browser, {"width": 1280, "height": 900}, lang)
    problems = {}
    for kind, path in page_urls(folder).items():
        visit(page, url + path)
        text = visible_text(page)
        found = {
            "plural placeholders": [m.group() for m in PLACEHOLDER.finditer(text)],
            "raw codes": raw_codes(text, ids),
            # The English demo keeps the French content: a guide is content, not interface.
            "other language": []
            if kind == "guide"
            else words_of_the_other_language(interface_text(page), lang),
        }
        found = {k: v for k, v in found.items() if v}
        if found:
            problems[kind] = found
    page.context.close()
    assert problems == {}


def test_the_word_detectors_see_what_they_look_for() -> None:
    text = "3 kit(s) · Couleur #1e88e5 · Langues fr, en · hiver-2026 · Share now"
    assert PLACEHOLDER.search(text)
    assert raw_codes(text, {"hiver-2026"}) == ["#1e88e5", "fr, en", "hiver-2026"]
    assert raw_codes("#MaisonExemple &#1234567; hiver-2026-bis", {"hiver-2026"}) == []
    assert "Share now" in words_of_the_other_language(text, "fr")
    assert words_of_the_other_language("À partager maintenant", "fr") == []


def test_a_localised_404_page_leads_home(browser: Any, sites: Any) -> None:
    for lang in ("fr", "en"):
        title, home = LABELS["not_found_title"][lang], LABELS["not_found_home"][lang]
        _, url = sites[lang]
        page = new_page(browser, PHONE, lang)
        page.goto(url + "no/such/page/")  # the test server answers 404 with its own page
        page.goto(url + "404.html")
        assert page.get_by_role("heading", level=1).inner_text() == title
        link = page.locator(".relais-notfound a").first
        assert link.inner_text() == home
        link.click()
        page.wait_for_load_state("load")
        assert page.url.rstrip("/") == url.rstrip("/")
        page.context.close()


# --- the same frame on every page of a section ------------------------------------------------


@pytest.mark.parametrize(
    ("path", "tab", "sidebar"),
    [
        ("ambassadors/claire-martin/", "Ambassadeurs", "Annuaire"),
        ("kits/archive/2026-11/", "Ambassadeurs", "Kits archivés"),
        ("archive/2026-12/", "Archives", "Archives"),
        ("ambassadors/", "Ambassadeurs", "Annuaire"),  # the section's own page, for comparison
    ],
)
def test_pages_outside_the_navigation_keep_their_sections_frame(
    browser: Any, sites: Any, path: str, tab: str, sidebar: str
) -> None:
    _, url = sites["fr"]
    page = new_page(browser, {"width": 1280, "height": 900})
    visit(page, url + path)
    active = page.locator(".md-tabs__item--active").inner_text().strip()
    links = page.locator(".md-sidebar--primary .md-nav__link").evaluate_all(
        "els => els.filter(e => e.getBoundingClientRect().width > 0).map(e => e.innerText.trim())"
    )
    page.context.close()
    assert active == tab
    assert sidebar in links, links


def test_the_footer_says_when_and_where_to_subscribe(browser: Any, sites: Any) -> None:
    _, url = sites["fr"]
    page = new_page(browser, PHONE)
    visit(page, url + "ambassadors/claire-martin/")
    footer = page.locator(".relais-footer")
    assert footer.locator("time").inner_text() == "Portail mis à jour le mardi 1 décembre 2026"
    links = footer.locator("a").evaluate_all("els => els.map(e => [e.innerText, e.href])")
    page.context.close()
    assert [text for text, _ in links] == [
        "S’abonner au calendrier",
        "Flux des kits (Atom)",
        "Le contenu sur Git",
    ]
    assert links[1][1] == url + "kits/feed.xml"
