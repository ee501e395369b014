"""A hostile repository, built and opened in real Chromium: nothing runs, nothing leaks.

The repository is the one of test_safety.py: markup in every label and message, a brief full
of traps, attributes spelled with character references, HTML comments, a hostile SVG and an
embargoed post with an aliased visual, a watch feed written by a stranger. It is built with
the real `mkdocs build`, served on 127.0.0.1 by a server that applies the `_headers` file
Relais ships (as Netlify or Cloudflare Pages would), and every page is opened in headless
Chromium. Recorded: JavaScript dialogs (alert, confirm, prompt), page errors, console
messages about the Content-Security-Policy, and requests to any other host. Each must stay
empty; the first test shows that the recorder does catch a script that runs.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

import pytest

from generator.build import build
from generator.headers import headers_file
from tests.test_safety import NOW, X, seed_watch_cache, write_trap_repo

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def read_headers_file(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The rules of a `_headers` file: (path pattern, [(name, value)]), as Netlify reads it."""
    rules: ClassVar[list[tuple[str, list[tuple[str, str]]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def matches(pattern: str, path: str) -> bool:
    return path.startswith(pattern[:-1]) if pattern.endswith("*") else path == pattern


class HeadersHandler(http.server.SimpleHTTPRequestHandler):
    """A static host that applies the site's `_headers` file to every response."""

    rules: ClassVar[list[tuple[str, list[tuple[str, str]]]]] = []

    def end_headers(self) -> None:
        path = urlsplit(self.path).path
        for pattern, headers in self.rules:
            if matches(pattern, path):
                for name, value in headers:
                    self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_trap_repo(tmp_path_factory.mktemp("hostile") / "repo")
    seed_watch_cache(root)
    result = build(root, now_option=NOW)
    assert result.ok, result.failure + "\n" + "\n".join(map(str, result.diagnostics))
    return result.out


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    text = (hostile_site / "_headers").read_text(encoding="utf-8")
    assert text.encode() == headers_file()
    handler = type("Handler", (HeadersHandler,), {"rules": read_headers_file(text)})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(hostile_site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class Recorder:
    """Everything that shows that something ran, or tried to, or left the site."""

    def __init__(self, page: object) -> None:
        self.where = ""
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.policy: list[str] = []
        self.external: list[str] = []
        page.on("dialog", self._dialog)  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: self.errors.append(f"{self.where}: {e}"))  # type: ignore[attr-defined]
        page.on("console", self._console)  # type: ignore[attr-defined]
        page.context.route("**/*", self._route)  # type: ignore[attr-defined]

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(f"{self.where}: {dialog.type} {dialog.message}")  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    def _console(self, message: object) -> None:
        text = message.text  # type: ignore[attr-defined]
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.policy.append(f"{self.where}: {text}")
        elif message.type == "error":  # type: ignore[attr-defined]
            self.errors.append(f"{self.where}: {text}")

    def _route(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1":
            self.external.append(f"{self.where} -> {url}")
            route.abort()  # type: ignore[attr-defined]
        else:
            route.continue_()  # type: ignore[attr-defined]

    def everything(self) -> list[str]:
        return self.dialogs + self.errors + self.policy + self.external


def visit(page: object, recorder: Recorder, url: str) -> None:
    recorder.where = urlsplit(url).path
    page.goto(url, wait_until="load")  # type: ignore[attr-defined]
    page.evaluate("window.scrollTo(0, (document.body || document.documentElement).scrollHeight)")  # type: ignore[attr-defined]
    # Hover and focus what a reader would touch: handlers bound to them would fire.
    for selector in ("article a", "article img", "h1", "h2"):
        first = page.locator(selector).first  # type: ignore[attr-defined]
        if first.count() and first.is_visible():
            first.hover(timeout=5000, force=True)
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]


def test_the_recorder_sees_a_script_that_runs(browser: object, hostile_url: str) -> None:
    """The test below can fail: with the policy bypassed, a page's script that opens a
    dialog is recorded."""
    context = browser.new_context(bypass_csp=True)  # type: ignore[attr-defined]
    page = context.new_page()
    recorder = Recorder(page)
    page.goto(hostile_url)
    page.evaluate(
        "() => { const s = document.createElement('script'); "
        "s.textContent = 'alert(1)'; document.body.append(s); }"
    )
    assert recorder.dialogs, "the recorder missed a dialog"
    context.close()


def test_nothing_runs_on_any_page_of_a_hostile_build(
    page: object, hostile_site: Path, hostile_url: str
) -> None:
    recorder = Recorder(page)
    pages = sorted(
        p.relative_to(hostile_site).as_posix()
        for p in hostile_site.rglob("*.html")
        if p.name == "index.html" or p.name == "404.html"
    )
    assert len(pages) > 30
    for rel in pages:
        url = urljoin(hostile_url, rel.removesuffix("index.html"))
        visit(page, recorder, url)
    # The visual files opened on their own, as a link to them would open them.
    for rel in ("media/logo.svg", "media/pain.png"):
        visit(page, recorder, urljoin(hostile_url, rel))
    # The search box shows results as HTML: search for what the traps hold.
    visit(page, recorder, hostile_url)
    box = page.locator("input[data-md-component='search-query']")  # type: ignore[attr-defined]
    box.click()
    box.press_sequentially("Piège", delay=30)
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)  # type: ignore[attr-defined]
    shown = page.locator(".md-search-result").inner_text()  # type: ignore[attr-defined]
    assert "Piège" in shown, shown
    assert recorder.everything() == [], "\n".join(recorder.everything())


def test_the_traps_are_shown_as_text(page: object, hostile_url: str) -> None:
    """The scan above would pass on an empty page: the hostile text is there, as text."""
    recorder = Recorder(page)
    visit(page, recorder, urljoin(hostile_url, "posts/trap-post/"))
    assert X in page.locator("article h1").first.inner_text()  # type: ignore[attr-defined]
    title = page.title()  # type: ignore[attr-defined]
    assert "</title><script" in title
    assert recorder.everything() == []


def test_the_host_headers_reach_the_browser(page: object, hostile_url: str) -> None:
    response = page.goto(urljoin(hostile_url, "media/logo.svg"))  # type: ignore[attr-defined]
    headers = response.headers_array()
    policies = [h["value"] for h in headers if h["name"].lower() == "content-security-policy"]
    assert any("default-src 'none'" in p for p in policies)
    assert any("frame-ancestors 'self'" in p for p in policies)
    assert {"name": "X-Content-Type-Options", "value": "nosniff"} in headers
