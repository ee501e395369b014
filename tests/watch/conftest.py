"""A real HTTP server on 127.0.0.1 serving good, hostile and broken feeds, and config helpers."""

from __future__ import annotations

import contextlib
import gzip
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import lru_cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from generator.watch.config import WatchConfig
from tests.helpers import LocalServer

FEEDS = Path(__file__).parent / "feeds"
TZ = ZoneInfo("Europe/Paris")
NOW = datetime(2025, 12, 16, 12, 0, tzinfo=TZ)
RSS = "application/rss+xml; charset=utf-8"

Handler = Callable[[BaseHTTPRequestHandler], None]


def feed_bytes(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def _quietly(write: Callable[[], None]) -> None:
    # The client hung up, as it should with hostile answers.
    with contextlib.suppress(
        BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError
    ):
        write()


def static(
    body: bytes, content_type: str = RSS, status: int = 200, headers: dict[str, str] | None = None
) -> Handler:
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        _quietly(lambda: h.wfile.write(body))

    return handle


def file(name: str, content_type: str = RSS, **kw: Any) -> Handler:
    return static(feed_bytes(name), content_type, **kw)


def redirect(location: str, status: int = 302) -> Handler:
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return handle


def error(status: int) -> Handler:
    return static(f"<h1>{status}</h1>".encode(), "text/html", status=status)


def trickle(interval: float = 0.1, headers_too: bool = False) -> Handler:
    """One byte every `interval` seconds for up to a minute (of the body, or of the status line)."""

    def handle(h: BaseHTTPRequestHandler) -> None:
        def run() -> None:
            if headers_too:
                data = b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n" + b"<" * 1000
            else:
                h.send_response(200)
                h.send_header("Content-Type", RSS)
                h.end_headers()
                h.wfile.flush()
                data = b"<rss>" + b" " * 1000
            deadline = time.monotonic() + 60
            for byte in data:
                if time.monotonic() > deadline or h.server.stopping.is_set():  # type: ignore[attr-defined]
                    return
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(interval)

        _quietly(run)

    return handle


def sleepy(seconds: float, body: bytes) -> Handler:
    inner = static(body)

    def handle(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        inner(h)

    return handle


def huge(size: int, announce: bool) -> Handler:
    """`size` bytes of a feed-looking body, with or without Content-Length."""
    chunk = b"<!-- padding -->" * 4096

    def handle(h: BaseHTTPRequestHandler) -> None:
        def run() -> None:
            h.send_response(200)
            h.send_header("Content-Type", RSS)
            if announce:
                h.send_header("Content-Length", str(size))
            h.end_headers()
            h.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>')
            sent = 0
            while sent < size:
                h.wfile.write(chunk)
                sent += len(chunk)

        _quietly(run)

    return handle


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """50 MB of zeros compressed to about 50 kB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1_000_000)
    return b"".join([compressor.compress(block) for _ in range(50)] + [compressor.flush()])


def compressed(name: str, coding: str) -> Handler:
    data = feed_bytes(name)
    body = gzip.compress(data) if coding == "gzip" else zlib.compress(data)
    return static(body, headers={"Content-Encoding": coding})


def conditional(
    name: str, etag: str = '"v1"', last_modified: str = "Mon, 15 Dec 2025 08:00:00 GMT"
) -> Handler:
    body = feed_bytes(name)

    def handle(h: BaseHTTPRequestHandler) -> None:
        if (
            h.headers.get("If-None-Match") == etag
            or h.headers.get("If-Modified-Since") == last_modified
        ):
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        static(body, headers={"ETag": etag, "Last-Modified": last_modified})(h)

    return handle


def garbage(h: BaseHTTPRequestHandler) -> None:
    _quietly(lambda: h.wfile.write(b"this is not HTTP at all\r\n\r\n"))


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer().start()
    try:
        yield srv
    finally:
        srv.stop()


def watch_config(feeds: list[dict[str, Any]], **overrides: Any) -> WatchConfig:
    """A test configuration: small limits and timeouts, private addresses allowed (the server is on 127.0.0.1)."""
    themes = {t: t.capitalize() for t in sorted({f.get("theme", "secteur") for f in feeds})}
    data: dict[str, Any] = {
        "themes": themes,
        "feeds": [{"theme": "secteur", **f} for f in feeds],
        "allow_private_addresses": True,
        "timeouts": {"connect": 1, "read": 1, "total": 2},
        "max_bytes": 1_000_000,
        "max_redirects": 3,
        "keywords": ["Maison Exemple"],
    }
    data.update(overrides)
    return WatchConfig.model_validate(data)
