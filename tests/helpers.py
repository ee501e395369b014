"""What several test modules need: a built site's digest, CPU-time bounds, a local HTTP server,
posts written from data and one scanner of built HTML."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import yaml

T = TypeVar("T")


def site_digest(site: Path) -> dict[str, str]:
    """Every file of a built site (its path, relative and with /) with the SHA-256 of its bytes:
    two sites are the same, byte for byte, when their digests are equal."""
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def differing(a: dict[str, str], b: dict[str, str]) -> list[str]:
    """The paths whose bytes differ, or that only one of two digests has."""
    return sorted(p for p in a.keys() | b.keys() if a.get(p) != b.get(p))


def cpu_seconds(fn: Callable[[], T]) -> tuple[T, float]:
    """The value of `fn()` and the CPU time it took in this process (every thread of it).

    A bound on CPU time, not on the wall clock, for work done here: other processes on a
    busy machine (a shared CI runner, other builds) slow the clock down, not the work.
    """
    started = time.process_time()
    value = fn()
    return value, time.process_time() - started


# --- posts: front matter dumped from data -----------------------------------------------------


class _FrontDumper(yaml.SafeDumper):
    """The content format's look: mappings in block style, lists of scalars in flow style."""


_FrontDumper.add_representer(
    dict,
    lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=False),
)
_FrontDumper.add_representer(
    list,
    lambda dumper, data: dumper.represent_sequence(
        "tag:yaml.org,2002:seq",
        data,
        flow_style=not any(isinstance(item, dict | list) for item in data),
    ),
)


def front_matter(**keys: Any) -> str:
    """YAML front matter (between its two `---` lines) dumped from `keys`, in their order."""
    text = yaml.dump(keys, Dumper=_FrontDumper, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{text}---\n"


def post_text(
    title: str = "Brief",
    *,
    date: str | None = "2026-12-03T09:30",
    networks: tuple[str, ...] | list[str] | None = ("linkedin",),
    body: str = "Brief.\n",
    **keys: Any,
) -> str:
    """A post file: title (line 2), date (3), networks (4), then `keys` in their order, then the body.

    A key given as None is left out (`date=None`: a post without a date).
    """
    meta: dict[str, Any] = {"title": title, "date": date}
    meta["networks"] = None if networks is None else list(networks)
    meta.update(keys)
    return front_matter(**{k: v for k, v in meta.items() if v is not None}) + body


def write_post(root: Path, slug: str, title: str = "Brief", **keys: Any) -> Path:
    """Write `content/posts/<slug>.md` in the repository `root` (see `post_text`); its path."""
    path = root / "content" / "posts" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(post_text(title, **keys), encoding="utf-8")
    return path


# --- a real HTTP server on 127.0.0.1 ------------------------------------------------------------

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]
"""Answers one request: writes the status, headers and body on the request handler it gets."""


@dataclass(frozen=True)
class Request:
    """One request the server received, as the test reads it back."""

    method: str
    path: str  # with its query
    headers: dict[str, str]
    body: bytes


class _Routed(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # http.server's names
        self.server.owner.answer(self)  # type: ignore[attr-defined]

    def do_POST(self) -> None:
        self.server.owner.answer(self)  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Folder(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Httpd(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # fifty simultaneous clients in the watch's benchmark
    block_on_close = False


def not_found(h: http.server.BaseHTTPRequestHandler) -> None:
    """404 with a short HTML body."""
    body = b"<h1>404</h1>"
    h.send_response(404)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


class LocalServer:
    """A real HTTP server on 127.0.0.1, on a port the system picks, served by a thread.

    Routes by method and path (the query is ignored; a route may also own every path under a
    prefix); any other path gets `fallback` (404 by default). Every request is recorded.
    `LocalServer.folder(path)` serves a folder's files instead, as a static host would.
    """

    def __init__(
        self,
        fallback: Handler = not_found,
        handler_class: type[http.server.BaseHTTPRequestHandler] | Any = _Routed,
    ) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.prefixes: dict[tuple[str, str], Handler] = {}
        self.fallback = fallback
        self.received: list[Request] = []
        self.lock = threading.Lock()
        self.httpd = _Httpd(("127.0.0.1", 0), handler_class)
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.stopping = threading.Event()  # slow handlers stop when the test is over
        self.httpd.stopping = self.stopping  # type: ignore[attr-defined]
        self.port: int = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @classmethod
    def folder(cls, folder: Path) -> LocalServer:
        """A server of the files of `folder` (not started)."""
        return cls(handler_class=functools.partial(_Folder, directory=str(folder)))

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler, method: str = "GET", prefix: bool = False) -> str:
        """Answer `method path` (or every path starting with `path`) with `handler`; its URL."""
        (self.prefixes if prefix else self.routes)[(method, path)] = handler
        return self.url(path)

    @property
    def requests(self) -> list[tuple[str, dict[str, str]]]:
        """(path, headers) of every request, oldest first."""
        return [(r.path, r.headers) for r in self.received]

    def hits(self, path: str, method: str = "GET") -> int:
        """How many requests asked for `path` (query ignored)."""
        return sum(1 for r in self.received if r.method == method and r.path.split("?")[0] == path)

    def answer(self, h: http.server.BaseHTTPRequestHandler) -> None:
        size = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(size) if size else b""
        with self.lock:
            self.received.append(Request(h.command, h.path, dict(h.headers), body))
        path = h.path.split("?")[0]
        handler = self.routes.get((h.command, path)) or next(
            (
                v
                for (method, start), v in self.prefixes.items()
                if method == h.command and path.startswith(start)
            ),
            self.fallback,
        )
        with contextlib.suppress(OSError):  # the client hung up, as it should with hostile answers
            handler(h)

    def start(self) -> LocalServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
