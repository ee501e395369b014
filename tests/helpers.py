"""What several test modules need: a built site's digest, CPU-time bounds, a local HTTP server,
posts written from data and one scanner of built HTML."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import http.server
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

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


# --- one scanner of built HTML -----------------------------------------------------------------

URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "data",
        "poster",
        "background",
        "cite",
        "srcset",
        "ping",
        "manifest",
        "codebase",
    }
)
BAD_SCHEMES = ("javascript", "vbscript", "data", "file")
LIVE_TAGS = frozenset(
    {
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "form",
        "style",
        "base",
        "link",
        "meta",
    }
)
"""Elements that run, load or restyle something: never in content a stranger wrote. (<svg> is
not one: the portal draws its icons and charts with it; a script or handler inside one is.)"""
FRAME_TAGS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base"})
"""The live elements a whole portal page (with its theme's scripts, forms and icons) never has."""
RAW_NEEDLES = (
    "<script",
    "<iframe",
    "<form",
    "<svg",
    "<style",
    "<object",
    "<embed",
    "javascript:",
    "vbscript:",
    "file:",
    "data:",
    "{{",
    "{%",
    "onerror",
    "onclick",
    "onload",
    "onmouseover",
)
"""Text that must not appear at all in Markdown made from a stranger's HTML (a watch page)."""
_VOID = frozenset({"img", "input", "br", "hr", "meta", "link", "source", "wbr", "area", "col"})


def _scheme(value: str) -> str:
    """The scheme a browser reads in a URL: controls and spaces removed, lower case."""
    compact = re.sub(r"[\x00-\x20]", "", value).lower()
    return compact.split(":", 1)[0] if ":" in compact else ""


@dataclass(frozen=True)
class Element:
    """One start tag: its name, its attributes (entities decoded) and the tag as written."""

    tag: str
    attrs: dict[str, str | None]
    source: str


class HtmlScan(HTMLParser):
    """A built page (or one region of it) read as a browser reads it: its elements, scripts,
    links, visible text and code blocks; `dangers()` lists what would run or load.

    `region=("article", "md-content__inner")` keeps only what is inside the first element of
    that tag whose class holds that word (Material's content, without the theme's frame).
    <title> and <textarea> are text up to their closing tag; the bodies of <script>, <style>
    and <template> are not visible text.
    """

    def __init__(self, region: tuple[str, str] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.region = region
        self.depth = 0 if region else 1  # inside the region (and how deep)
        self.elements: list[Element] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.links: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.code: list[str] = []  # the text of each <pre><code>
        self._code_depth = 0
        self._in: list[str] = []

    @classmethod
    def of(cls, page: str, region: tuple[str, str] | None = None) -> HtmlScan:
        """The scan of `page`."""
        scan = cls(region)
        scan.feed(page)
        scan.close()
        return scan

    @property
    def tags(self) -> list[tuple[str, dict[str, str | None]]]:
        """(tag, attributes) of every element, in order."""
        return [(e.tag, e.attrs) for e in self.elements]

    @property
    def visible(self) -> str:
        """The visible text, its white space collapsed."""
        return re.sub(r"\s+", " ", "".join(self.text))

    def handle_starttag(
        self, tag: str, attrs: list[tuple[str, str | None]], closed: bool = False
    ) -> None:
        if self.region and self.depth == 0:
            if tag == self.region[0] and self.region[1] in (dict(attrs).get("class") or "").split():
                self.depth = 1
            return
        if self.region and not closed and tag not in _VOID:
            self.depth += 1
        self.elements.append(Element(tag, dict(attrs), self.get_starttag_text() or tag))
        if tag == "a":
            self.links.append(dict(attrs))
        if tag == "script" and not closed:
            self.scripts.append((dict(attrs), ""))
        if closed:
            return
        if tag in ("title", "textarea"):
            self.set_cdata_mode(tag)
        if tag in ("title", "textarea", "script", "style", "template"):
            self._in.append(tag)
        if tag == "code" and len(self.elements) > 1 and self.elements[-2].tag == "pre":
            self.code.append("")
            self._code_depth = self.depth

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()
        if self.region and self.depth:
            if self._code_depth == self.depth:
                self._code_depth = 0
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            return
        if not self._in:
            self.text.append(data)
            if self._code_depth:
                self.code[-1] += data
        elif self._in[-1] == "script":
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)

    def dangers(
        self,
        *,
        live: frozenset[str] = LIVE_TAGS,
        tags: set[str] | frozenset[str] | None = None,
        attributes: set[str] | frozenset[str] | None = None,
        own_scripts: bool = False,
        https_images: bool = False,
    ) -> list[str]:
        """What would run or load in a reader's browser, one line each.

        Always: an on* handler, a javascript:, vbscript:, data: or file: URL (in any URL
        attribute; javascript: and vbscript: in any attribute), <meta http-equiv=refresh>, a
        link opening a new tab without noopener. Then: a `live` element (LIVE_TAGS by default:
        content; FRAME_TAGS for a whole page), a tag outside `tags` or an attribute outside
        `attributes` (allow-lists), a script not from the site's own assets/ nor Material's JSON
        configuration (`own_scripts`, for a whole page), an image not on https (`https_images`).
        """
        found: list[str] = []
        for e in self.elements:
            if e.tag in live or (tags is not None and e.tag not in tags):
                found.append(f"<{e.tag}>: {e.source}")
            for name, raw in e.attrs.items():
                value = (raw or "").strip()
                scheme = _scheme(value)
                if name.startswith("on"):
                    found.append(f"handler {name}= on <{e.tag}>")
                elif attributes is not None and name not in attributes:
                    found.append(f"attribute {name}= on <{e.tag}>")
                if (name in URL_ATTRIBUTES and scheme in BAD_SCHEMES) or scheme in (
                    "javascript",
                    "vbscript",
                ):
                    found.append(f"{name}={value!r} on <{e.tag}>")
            if e.tag == "meta" and (e.attrs.get("http-equiv") or "").lower() == "refresh":
                found.append("<meta http-equiv=refresh>")
            rel = e.attrs.get("rel") or ""
            if e.tag == "a" and e.attrs.get("target") == "_blank" and "noopener" not in rel:
                found.append(f"target=_blank without noopener: {e.source}")
            image = re.sub(r"[\x00-\x20]", "", e.attrs.get("src") or "")
            if https_images and e.tag == "img" and not image.startswith("https://"):
                found.append(f"non-https image: {e.source}")
        if own_scripts:
            for attrs, body in self.scripts:
                src = attrs.get("src")
                if src:
                    if "assets/" not in src or urlsplit(src).scheme or src.startswith("//"):
                        found.append(f"script from {src}")
                elif not (
                    attrs.get("type") == "application/json" and attrs.get("id") == "__config"
                ):
                    found.append(f"inline <script> {body[:60]!r}")
        return found


def raw_dangers(text: str) -> list[str]:
    """RAW_NEEDLES found anywhere in `text`, and URL attributes whose decoded scheme is bad:
    for Markdown made from a stranger's HTML, where nothing of the kind belongs."""
    lowered = text.lower()
    found = [f"raw {needle!r}" for needle in RAW_NEEDLES if needle in lowered]
    for value in re.findall(r'(?:href|src)="([^"]*)"', text):
        if _scheme(html.unescape(value)) in BAD_SCHEMES:
            found.append(f"encoded scheme in {value!r}")
    return found


def retitle(post: Path, title: str) -> None:
    """Give the post in `post` another title (its first `title:` line), as an editor does."""
    text = re.sub(
        r"^title: .*$",
        f"title: {title}",
        post.read_text(encoding="utf-8"),
        count=1,
        flags=re.MULTILINE,
    )
    post.write_text(text, encoding="utf-8")


def yaml_composed(monkeypatch: Any) -> list[str]:
    """The files whose YAML is composed from now on (`source._parse_yaml`: not served by the
    yaml memo), in order, for the rest of the test."""
    from generator import source

    composed: list[str] = []
    real = source._parse_yaml

    def counted(text: str, rel: str, line_offset: int) -> source.Parsed:
        composed.append(rel)
        return real(text, rel, line_offset)

    monkeypatch.setattr(source, "_parse_yaml", counted)
    return composed
