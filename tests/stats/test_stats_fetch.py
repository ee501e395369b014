"""`relais stats fetch` against a real HTTP server on 127.0.0.1 serving real-shaped API JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from tests.helpers import LocalServer

SAMPLES = Path(__file__).parent / "samples"


class Api:
    """The networks' public APIs on a local server: answers by path prefix, records each path."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.base = server.url("").rstrip("/")

    def answer(self, prefix: str, status: int, body: bytes) -> None:
        def handle(h: BaseHTTPRequestHandler) -> None:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)

        self.server.route(prefix, handle, prefix=True)

    @property
    def seen(self) -> list[str]:
        return [path for path, _ in self.server.requests]


@pytest.fixture
def api() -> Iterator[Api]:
    with LocalServer() as server:
        yield Api(server)


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


def test_fetch_writes_the_posts_own_counts(repo: Callable[..., Path], api: Api) -> None:
    thread = json.loads((SAMPLES / "bluesky-getPostThread.json").read_text())
    api.answer(
        "/api/v1/statuses/103270115826048975",
        200,
        (SAMPLES / "mastodon-status-docs-example.json").read_bytes(),
    )
    api.answer(
        "/xrpc/app.bsky.feed.getPosts",
        200,
        json.dumps({"posts": [thread["thread"]["post"]]}).encode(),
    )
    root = _repo(repo, api.base)
    out = _run(root, api.base)
    assert "2 posts, 0 failed" in out
    assert any("uris=at%3A%2F%2Fmaisonexemple.bsky.social" in p for p in api.seen)
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


def test_failures_keep_the_last_counts(repo: Callable[..., Path], api: Api) -> None:
    root = _repo(repo, api.base, max_bytes=4096)
    fetched = root / "stats" / "fetched"
    fetched.mkdir(parents=True)
    old = fetched / "mastodon-103270115826048975.json"
    old.write_text('{"id": "103270115826048975", "favourites_count": 3}')
    api.answer("/api/v1/statuses/", 200, b"[" * 100_000)  # larger than max_bytes
    api.answer("/xrpc/", 500, b"{}")
    out = _run(root, api.base)
    assert "too-large" in out and "http-500" in out
    assert "2 posts, 2 failed" in out
    assert old.read_text() == '{"id": "103270115826048975", "favourites_count": 3}'


def test_addresses_are_pinned_to_public_ones_by_default(
    repo: Callable[..., Path], api: Api
) -> None:
    root = _repo(repo, api.base.replace("http://", "https://"))  # https: the check allows it
    config = root / "site_config.yml"
    config.write_text(
        config.read_text().replace(
            "allow_private_addresses: true", "allow_private_addresses: false"
        )
    )
    out = _run(root, api.base)
    assert "blocked-address" in out and api.seen == []
