"""Shared fixtures: content repositories in temporary folders, built sites, a real browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers import LocalServer

# Property tests check results, not speed (the benchmark measures speed): Hypothesis' default
# 200 ms deadline per example fails them at random on a busy machine.
settings.register_profile("relais", deadline=None)
settings.load_profile("relais")

ROOT = Path(__file__).resolve().parent.parent
DEMO_NOW = "2026-12-01T08:00"
CHROMIUM = os.environ.get("RELAIS_CHROMIUM", "/usr/bin/chromium")

MINIMAL_CONFIG = """\
site:
  name: Test portal
  url: https://portal.example.org/
  language: fr
  timezone: Europe/Paris
networks:
  linkedin: {}
  x: {}
  instagram: {}
"""


def copy_demo(target: Path) -> Path:
    """A copy of the demo content repository (without generated folders)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in (
        "site_config.yml",
        "dictionary.txt",
        "content",
        "calendar",
        "ambassadors",
        "stats",
        "moderation",
    ):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, target / name)
        elif src.is_file():
            shutil.copy2(src, target / name)
    watch_demo = ROOT / "demo-watch-cache"
    if watch_demo.is_dir():
        shutil.copytree(watch_demo, target / ".relais" / "watch")
    return target


RepoFactory = Callable[..., Path]


@pytest.fixture
def cache_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The build cache on, signed with this test's own secret, its user folder in tmp_path."""
    monkeypatch.delenv("RELAIS_CACHE", raising=False)
    monkeypatch.delenv("RELAIS_CACHE_MB", raising=False)
    monkeypatch.setenv("RELAIS_CACHE_SECRET", "the secret of this test")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


@pytest.fixture
def make_repo(tmp_path: Path) -> RepoFactory:
    """make_repo({"content/posts/a.md": "...", ...}, config=...) -> root of a new content repository."""

    def make(
        files: dict[str, str | bytes] | None = None, *, config: str | None = MINIMAL_CONFIG
    ) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        if config is not None:
            (root / "site_config.yml").write_text(config, encoding="utf-8")
        for rel, content in (files or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture
def demo_repo(tmp_path: Path) -> Path:
    return copy_demo(tmp_path / "demo")


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built once for the session at the demo's 'now'; returns the site folder."""
    from generator.build import build

    root = copy_demo(tmp_path_factory.mktemp("built") / "demo")
    result = build(root, now_option=DEMO_NOW)
    assert result.ok, result.failure + "\n" + "\n".join(map(str, result.diagnostics))
    return result.out


def serve_folder(folder: Path) -> tuple[LocalServer, str]:
    """A started local server of `folder`'s files, and its address."""
    server = LocalServer.folder(folder).start()
    return server, server.url("/")


@pytest.fixture(scope="session")
def demo_url(built_demo: Path) -> Iterator[str]:
    """The built demo served over HTTP on 127.0.0.1."""
    server, url = serve_folder(built_demo)
    yield url
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Real headless Chromium (Debian's package) driven by Playwright. Fails, never skips, when missing."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package (see .ci/run)"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


# The demo is built for this morning (DEMO_NOW in Paris): browser tests read it at that moment,
# so that what depends on the reader's clock ("closes soon", a closed kit) does not depend on
# the day the tests run.
DEMO_INSTANT = "2026-12-01T08:00:00+01:00"


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.clock.install(time=DEMO_INSTANT)  # from then on, time runs (Material times its search)
    yield pg
    context.close()


def wait_until(page: object, expression: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression (a promise is awaited) until it is truthy.

    Playwright's wait_for_function polls with a function made from a string in the page,
    which the portal's Content-Security-Policy (no 'unsafe-eval') refuses now and then;
    page.evaluate goes through the DevTools protocol, which the CSP does not govern.
    """
    import time

    from playwright.sync_api import Error as PlaywrightError

    def holds() -> bool:
        try:
            return bool(page.evaluate(expression))  # type: ignore[attr-defined]
        except PlaywrightError as exc:
            # A click that opens another page destroys the document being asked: ask the
            # next one (the expression is about the page the test is going to).
            if "context was destroyed" in str(exc) or "navigat" in str(exc):
                return False
            raise

    deadline = time.monotonic() + timeout
    while not holds():
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(0.05)
