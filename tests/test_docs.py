"""The documentation site: built by the real `mkdocs build --strict`, every page in the nav,
no link that leaves the repository, nothing loaded from another host.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest
import yaml

from generator import reference
from tests.conftest import ROOT

CONFIG = ROOT / "mkdocs-docs.yml"
DOCS = ROOT / "docs"
SECTIONS = ("editor", "ambassador", "community-manager", "administrator", "contributor")

# [text](target), ![alt](target), [name]: target, <a href="target">, <img src="target">.
_INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_HTML = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`[^`\n]+`")


def mkdocs_build(config: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """The real `mkdocs build --strict`, in a fresh process, as `make docs` runs it."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="session")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation built once for the session; returns the site folder."""
    out = tmp_path_factory.mktemp("docs") / "site"
    done = mkdocs_build(CONFIG, out)
    assert done.returncode == 0, done.stdout + done.stderr
    # Strict already fails on warnings; say which ones if MkDocs ever only logs them.
    assert "WARNING" not in done.stderr, done.stderr
    return out


def nav_files(nav: Any) -> Iterator[str]:
    """Every page file that the `nav` setting lists."""
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from nav_files(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from nav_files(value)


def load_config() -> dict[str, Any]:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    assert isinstance(config, dict)
    return config


def pages() -> list[str]:
    return sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))


def links(text: str) -> list[str]:
    """The link targets of a Markdown text, outside code blocks and code spans."""
    text = _CODE.sub("", _FENCE.sub("", text))
    return [*_INLINE.findall(text), *_DEFINITION.findall(text), *_HTML.findall(text)]


def outside_links(path: Path, root: Path = ROOT) -> list[str]:
    """Links of a Markdown file that point at a file outside `root` or at none."""
    wrong = []
    for target in links(path.read_text(encoding="utf-8")):
        parts = urlsplit(target)
        if parts.scheme in ("http", "https", "mailto"):
            continue
        if parts.scheme or parts.netloc or target.startswith(("/", "\\")):
            wrong.append(f"{target} (an absolute address: link to a file of the repository)")
            continue
        if not parts.path:  # "#anchor" on the same page
            continue
        resolved = (path.parent / unquote(parts.path)).resolve()
        if not resolved.is_relative_to(root):
            wrong.append(f"{target} (outside the repository)")
        elif not resolved.exists():
            wrong.append(f"{target} (no such file)")
    return wrong


# --- the site ----------------------------------------------------------------------------------


def test_the_docs_build_strictly_with_one_page_per_file(docs_site: Path) -> None:
    built = sorted(p.relative_to(docs_site).as_posix() for p in docs_site.rglob("index.html"))
    expected = sorted(
        "index.html"
        if page == "index.md"
        else page.removesuffix("index.md") + "index.html"
        if page.endswith("/index.md")
        else page.removesuffix(".md") + "/index.html"
        for page in pages()
    )
    assert built == expected
    for section in SECTIONS:
        assert (docs_site / section / "index.html").is_file(), section


def test_every_page_is_in_the_nav_once() -> None:
    listed = list(nav_files(load_config()["nav"]))
    assert sorted(listed) == pages(), "add each page of docs/ to `nav` in mkdocs-docs.yml, once"
    assert len(listed) == len(set(listed))
    for section in SECTIONS:
        assert (DOCS / section / "index.md").is_file(), section


def test_the_docs_load_nothing_from_another_host(docs_site: Path) -> None:
    config = load_config()
    assert config["theme"]["font"] is False  # Material would load Google Fonts
    loading = re.compile(
        r"<(?:script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=\s*[\"']?([^\"'\s>]+)"
        r"|<link\b[^>]*\bhref\s*=\s*[\"']?([^\"'\s>]+)"
        r"|url\(\s*[\"']?([^\"')\s]+)",
        re.IGNORECASE,
    )
    found: list[str] = []
    files = [*docs_site.rglob("*.html"), *docs_site.rglob("*.css")]
    assert len(files) > len(pages())
    for file in files:
        for match in loading.finditer(file.read_text(encoding="utf-8", errors="replace")):
            url = next(g for g in match.groups() if g)
            if urlsplit(url).scheme in ("http", "https") or url.startswith("//"):
                found.append(f"{file.relative_to(docs_site)}: {url}")
    assert found == []


# --- links -------------------------------------------------------------------------------------


def test_no_link_leaves_the_repository() -> None:
    files = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
    wrong = {
        path.relative_to(ROOT).as_posix(): found for path in files if (found := outside_links(path))
    }
    assert wrong == {}


def test_nothing_tracked_points_outside_the_repository() -> None:
    """No file of the repository names a file of the machine it was written on."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    outside = re.compile(r"\.\./shared/|(?<![\w.])/work/")
    here = Path(__file__).resolve()
    found = []
    for name in filter(None, listed.split("\0")):
        path = ROOT / name
        if path.resolve() == here or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{name}: {m.group()}" for m in outside.finditer(text)]
    assert found == []


def test_the_link_check_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "[spec](../shared/DESIGN.md) [abs](/etc/passwd) [file](file:///etc/passwd)\n"
        "[ok](page.md#top) [web](https://example.org/) `[code](../nope.md)`\n"
        "[missing]: nope.md\n",
        encoding="utf-8",
    )
    assert outside_links(page, root=tmp_path) == [
        "../shared/DESIGN.md (outside the repository)",
        "/etc/passwd (an absolute address: link to a file of the repository)",
        "file:///etc/passwd (an absolute address: link to a file of the repository)",
        "nope.md (no such file)",
    ]


def build_with_page(tmp_path: Path, text: str, in_nav: bool) -> subprocess.CompletedProcess[str]:
    """Build a copy of the documentation with one more page, editor/extra.md."""
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    (docs / "editor" / "extra.md").write_text(text, encoding="utf-8")
    config = load_config()
    config["docs_dir"] = str(docs)
    config["hooks"] = [str(ROOT / h) for h in config.get("hooks", [])]
    if in_nav:
        config["nav"].append("editor/extra.md")
    path = tmp_path / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return mkdocs_build(path, tmp_path / "site")


def test_a_page_left_out_of_the_nav_fails_the_build(tmp_path: Path) -> None:
    done = build_with_page(tmp_path, "# Forgotten\n", in_nav=False)
    assert done.returncode != 0
    assert "editor/extra.md" in done.stderr and 'not included in the "nav"' in done.stderr


def test_a_broken_link_or_a_wrong_table_marker_fails_the_build(tmp_path: Path) -> None:
    done = build_with_page(tmp_path, "# Extra\n\n[spec](../../shared/DESIGN.md)\n", in_nav=True)
    assert done.returncode != 0 and "../../shared/DESIGN.md" in done.stderr
    done = build_with_page(tmp_path / "2", "# Extra\n\n<!-- relais:keys postt -->\n", in_nav=True)
    assert done.returncode != 0
    assert "editor/extra.md: no kind of file named 'postt'" in done.stderr


# --- the content format ------------------------------------------------------------------------

CONTENT_FORMAT = DOCS / "editor" / "content-format.md"
# A fenced example that names its file: ```yaml title="calendar/slots.yml"
_EXAMPLE = re.compile(r'^```\w+ title="([^"]+)"\n(.*?)^```$', re.MULTILINE | re.DOTALL)


def test_every_kind_of_file_has_its_table(docs_site: Path) -> None:
    text = CONTENT_FORMAT.read_text(encoding="utf-8")
    page = (docs_site / "editor" / "content-format" / "index.html").read_text(encoding="utf-8")
    for kind in reference.kinds():
        assert f"<!-- relais:keys {kind} -->" in text, f"add a section for {kind} with its table"
        for row in reference.rows(kind):
            assert f"<td><code>{html.escape(row.key, quote=False)}</code></td>" in page, row.key
    assert "<!-- relais:" not in page  # every marker was replaced
    assert "<td><code>mastodon</code></td>" in page  # the networks table


def test_the_examples_of_the_content_format_pass_relais_check(tmp_path: Path) -> None:
    """The titled examples, put together as a repository, load and check without errors."""
    from generator.check import check
    from generator.load import load

    examples = _EXAMPLE.findall(CONTENT_FORMAT.read_text(encoding="utf-8"))
    files = {name for name, _ in examples}
    assert {"site_config.yml", "calendar/key-dates.yml", "calendar/slots.yml"} <= files
    assert any(name.startswith("content/posts/") for name in files)
    assert any(name.startswith("ambassadors/") for name in files)
    for name, body in examples:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(body, encoding="utf-8")
    shutil.copytree(ROOT / "content" / "media", tmp_path / "content" / "media")
    loaded = load(tmp_path)
    assert loaded.project is not None, loaded.diagnostics
    assert len(loaded.project.posts) == 1 and len(loaded.project.key_dates) == 3
    now = datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))
    found = [*loaded.diagnostics, *check(loaded.project, now)]
    assert [str(d) for d in found if d.severity.value == "error"] == []


@pytest.mark.browser
def test_no_page_of_the_docs_asks_another_host(docs_site: Path, page: Any) -> None:
    """In real Chromium, every page of the site and a search load only from 127.0.0.1."""
    from tests.conftest import serve_folder

    server, home = serve_folder(docs_site)
    requests: list[str] = []
    external: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        requests.append(url)
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and (
            urlsplit(url).hostname != "127.0.0.1"
        ):
            external.append(url)
            route.abort()
        else:
            route.continue_()

    try:
        page.context.route("**/*", route)
        urls = [
            home + p.relative_to(docs_site).as_posix().removesuffix("index.html")
            for p in sorted(docs_site.rglob("index.html"))
        ]
        assert len(urls) == len(pages())
        for url in urls:
            page.goto(url, wait_until="networkidle")
            assert page.locator("h1").count() >= 1, url
        box = page.locator("input[data-md-component='search-query']")
        box.click()
        box.press_sequentially("ambassador", delay=30)
        page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    finally:
        server.stop()
    assert any(u.endswith("search_index.json") for u in requests)
    assert any(u.endswith(".png") for u in requests)  # the screenshot
    assert external == []
