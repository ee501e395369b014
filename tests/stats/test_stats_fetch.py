"""`relais stats fetch` against a real HTTP server on 127.0.0.1 serving real-shaped API JSON."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from generator.cli import cli

SAMPLES = Path(__file__).parent / "samples"


class _Api(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, bytes]]] = {}
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Api.seen.append(self.path)
        status, body = next(
            (v for k, v in self.routes.items() if self.path.startswith(k)), (404, b"{}")
        )
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client may hang up first
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Api.routes, _Api.seen = {}, []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _repo(repo: Callable[..., Path], base: str, max_bytes: int = 2_000_000) -> Path:
    post = f"""\
---
title: Anti-gaspi
date: 2026-11-23T11:00
networks: [mastodon, bluesky]
status: published
messages:
  mastodon: "Nos invendus"
  bluesky: "Nos invendus"
published:
  mastodon: {base}/@Gargron/103270115826048975
  bluesky: https://bsky.app/profile/maisonexemple.bsky.social/post/3lcxyzinvendus2
---
"""
    root = repo(posts={"anti-gaspi": post})
    config = root / "site_config.yml"
    config.write_text(
        config.read_text()
        + f"stats:\n  allow_private_addresses: true\n  max_bytes: {max_bytes}\n"
        + "  timeouts: {connect: 2, read: 2, total: 3}\n"
    )
    return root


def _run(root: Path, base: str) -> str:
    result = CliRunner().invoke(
        cli,
        ["stats", "fetch", "--root", str(root), "--now", "2026-12-01T08:00", "--bluesky-api", base],
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_fetch_writes_the_posts_own_counts(repo: Callable[..., Path], api: str) -> None:
    thread = json.loads((SAMPLES / "bluesky-getPostThread.json").read_text())
    _Api.routes = {
        "/api/v1/statuses/103270115826048975": (
            200,
            (SAMPLES / "mastodon-status-docs-example.json").read_bytes(),
        ),
        "/xrpc/app.bsky.feed.getPosts": (
            200,
            json.dumps({"posts": [thread["thread"]["post"]]}).encode(),
        ),
    }
    root = _repo(repo, api)
    out = _run(root, api)
    assert "2 posts, 0 failed" in out
    assert any("uris=at%3A%2F%2Fmaisonexemple.bsky.social" in p for p in _Api.seen)
    fetched = root / "stats" / "fetched"
    masto = json.loads((fetched / "mastodon-103270115826048975.json").read_text())
    assert masto["favourites_count"] == 11 and "account" not in masto  # no one's profile kept
    sky = (fetched / "bluesky-3lcxyzinvendus2.json").read_text()
    assert '"likeCount": 41' in sky and "Maison Exemple" not in sky  # not even a display name
    # The build reads them like any export: the numbers reach the post.
    from generator.load import load
    from generator.stats.figures import matching

    from .conftest import NOW

    project = load(root).project
    assert project is not None
    found = matching(project, NOW)
    assert found.best[("anti-gaspi", "mastodon")].reactions == 11
    assert found.best[("anti-gaspi", "bluesky")].reactions == 41


def test_failures_keep_the_last_counts(repo: Callable[..., Path], api: str) -> None:
    root = _repo(repo, api, max_bytes=4096)
    fetched = root / "stats" / "fetched"
    fetched.mkdir(parents=True)
    old = fetched / "mastodon-103270115826048975.json"
    old.write_text('{"id": "103270115826048975", "favourites_count": 3}')
    _Api.routes = {
        "/api/v1/statuses/": (200, b"[" * 100_000),  # larger than max_bytes
        "/xrpc/": (500, b"{}"),
    }
    out = _run(root, api)
    assert "too-large" in out and "http-500" in out
    assert "2 posts, 2 failed" in out
    assert old.read_text() == '{"id": "103270115826048975", "favourites_count": 3}'


def test_addresses_are_pinned_to_public_ones_by_default(
    repo: Callable[..., Path], api: str
) -> None:
    root = _repo(repo, api.replace("http://", "https://"))  # https: the check allows it
    config = root / "site_config.yml"
    config.write_text(
        config.read_text().replace(
            "allow_private_addresses: true", "allow_private_addresses: false"
        )
    )
    out = _run(root, api)
    assert "blocked-address" in out and _Api.seen == []
