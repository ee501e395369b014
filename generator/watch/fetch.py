"""Fetch every feed over HTTP with hard limits: time, size, redirects and allowed addresses.

Each feed gets its own client whose network backend resolves the host, refuses
non-public addresses (unless `allow_private_addresses`), connects to the very
address it checked (no second DNS lookup to rebind), and bounds every socket
operation by the feed's total deadline, so that a server trickling one byte at a
time (headers included) is cut at the deadline.
"""

from __future__ import annotations

import ssl
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import httpcore
import httpx

from .. import __version__
from .addresses import AddressPolicy, ResolveError, is_public, refusal, resolve
from .clean import clean_entries, feed_title
from .config import Feed, WatchConfig, url_problem
from .model import FeedState, FetchOutcome, FetchReport, Status
from .parse import ParseError, parse_feed

USER_AGENT = f"Relais/{__version__} (watch feeds)"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.8, */*;q=0.5"
)
REDIRECTS = {301, 302, 303, 307, 308}

Progress = Callable[[FetchOutcome, int, int], None]


class FetchError(Exception):
    """A feed could not be downloaded; `code` is short and stable, `message` says why in words."""

    def __init__(self, code: str, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status


class DeadlineExceeded(Exception):
    """The feed's total deadline passed (raised from inside the network stream)."""


class BlockedAddress(Exception):
    """The host resolves to an address feeds may not be fetched from."""


# --- the guarded network backend -------------------------------------------------------------


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation ends by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def _budget(self, timeout: float | None) -> float:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceeded()
        return remaining if timeout is None else min(timeout, remaining)

    def _past_deadline(self) -> bool:
        return time.monotonic() >= self._deadline - 0.01

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            return self._inner.read(max_bytes, self._budget(timeout))
        except httpcore.ReadTimeout:
            if self._past_deadline():
                raise DeadlineExceeded() from None
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        try:
            self._inner.write(buffer, self._budget(timeout))
        except httpcore.WriteTimeout:
            if self._past_deadline():
                raise DeadlineExceeded() from None
            raise

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        try:
            inner = self._inner.start_tls(ssl_context, server_hostname, self._budget(timeout))
        except httpcore.ConnectTimeout:
            if self._past_deadline():
                raise DeadlineExceeded() from None
            raise
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves, checks and connects to the checked address; TLS still verifies the host name."""

    def __init__(self, *, deadline: float, allow_private: bool, policy: AddressPolicy) -> None:
        self._deadline = deadline
        self._allow_private = allow_private
        self._policy = policy
        self._tcp = httpcore.SyncBackend()

    def _remaining(self, timeout: float | None) -> float:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceeded()
        return remaining if timeout is None else min(timeout, remaining)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve(host, port, self._remaining(timeout))
        if not self._allow_private:
            for ip in addresses:
                if not self._policy(ip):
                    why = refusal(ip) or "not allowed"
                    where = (
                        f"{ip} is" if host.strip("[]") == str(ip) else f"{host} resolves to {ip},"
                    )
                    raise BlockedAddress(f"{where} a {why} address")
        failure: Exception | None = None
        for ip in addresses:
            try:
                stream = self._tcp.connect_tcp(
                    str(ip), port, self._remaining(timeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        if failure is not None and time.monotonic() >= self._deadline:
            raise DeadlineExceeded()
        raise failure or httpcore.ConnectError(f"could not connect to {host}")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise BlockedAddress("unix sockets are not allowed")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        yield from self._inner

    def close(self) -> None:
        if hasattr(self._inner, "close"):
            self._inner.close()


class _GuardedTransport(httpx.BaseTransport):
    """An httpx transport over httpcore with the guarded backend (public APIs of both only)."""

    def __init__(self, *, ssl_context: ssl.SSLContext, backend: httpcore.NetworkBackend) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            network_backend=backend,
            max_connections=2,
            http1=True,
            http2=False,
            retries=0,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        req = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        resp = self._pool.handle_request(req)
        return httpx.Response(
            status_code=resp.status,
            headers=resp.headers,
            stream=_ResponseStream(resp.stream),
            extensions=resp.extensions,
        )

    def close(self) -> None:
        self._pool.close()


# --- bounded decompression -------------------------------------------------------------------


class _Body:
    """Collects a response body, decompressing gzip/deflate with a hard cap on the output."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        codings = [
            c.strip() for c in encoding.lower().split(",") if c.strip() not in ("", "identity")
        ]
        if len(codings) > 1:
            raise FetchError(
                "unsupported-encoding", f"stacked content encodings ({encoding}) are not supported"
            )
        self.coding = codings[0] if codings else ""
        if self.coding not in ("", "gzip", "x-gzip", "deflate"):
            raise FetchError(
                "unsupported-encoding", f"content encoding '{self.coding}' is not supported"
            )
        self._inflate: Any = None
        self._first = True

    def _new_inflater(self, data: bytes) -> Any:
        if self.coding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
        return zlib.decompressobj(
            zlib.MAX_WBITS if data[:1] and (data[0] & 0x0F) == 8 else -zlib.MAX_WBITS
        )

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchError(
                "too-large",
                f"the feed is larger than max_bytes ({_size(self.limit)}) once decompressed",
            )
        if data:
            self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if not self.coding:
            self._keep(chunk)
            return
        data = chunk
        try:
            while data:
                if self._inflate is None:
                    self._inflate = self._new_inflater(data)
                # max_length bounds what one step may produce: a gzip bomb never fills memory.
                self._keep(self._inflate.decompress(data, self.limit - self.size + 1))
                data = self._inflate.unconsumed_tail
                if self._inflate.eof:
                    data = self._inflate.unused_data  # another gzip member follows
                    self._inflate = None
        except zlib.error as exc:
            raise FetchError("bad-encoding", f"the {self.coding} body is corrupt: {exc}") from None

    def finish(self) -> bytes:
        if self._inflate is not None:
            try:
                self._keep(self._inflate.flush(self.limit - self.size + 1))
            except zlib.error as exc:
                raise FetchError(
                    "bad-encoding", f"the {self.coding} body is corrupt: {exc}"
                ) from None
        return b"".join(self.parts)


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} kB"


# --- one download ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Download:
    status: int
    url: str
    headers: httpx.Headers
    body: bytes = b""


def download(
    url: str,
    config: WatchConfig,
    *,
    headers: dict[str, str],
    ssl_context: ssl.SSLContext,
    policy: AddressPolicy = is_public,
    deadline: float | None = None,
) -> Download:
    """GET `url` following redirects by hand: every hop re-validated; raises FetchError."""
    t = config.timeouts
    deadline = deadline if deadline is not None else time.monotonic() + t.total
    backend = _GuardedBackend(
        deadline=deadline, allow_private=config.allow_private_addresses, policy=policy
    )
    # The transport is used directly, without httpx.Client: no environment proxy (it would bypass
    # the address checks), no cookies, and redirects are ours to follow and check.
    transport = _GuardedTransport(ssl_context=ssl_context, backend=backend)
    timeout = httpx.Timeout(connect=t.connect, read=t.read, write=t.read, pool=t.connect).as_dict()
    request_headers = {
        "User-Agent": USER_AGENT,
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip, deflate",
        **headers,
    }
    seen: set[str] = set()
    current = url
    try:
        with transport:
            for hop in range(config.max_redirects + 1):
                problem = url_problem(current)
                if problem:
                    raise FetchError("bad-redirect" if hop else "bad-url", problem)
                if current in seen:
                    raise FetchError(
                        "redirect-loop", f"redirect loop: {current} was already visited"
                    )
                seen.add(current)
                try:
                    request = httpx.Request(
                        "GET", current, headers=request_headers, extensions={"timeout": timeout}
                    )
                except (httpx.InvalidURL, ValueError) as exc:
                    raise FetchError(
                        "bad-redirect" if hop else "bad-url", f"invalid address: {_short(exc)}"
                    ) from None
                resp = transport.handle_request(request)
                try:
                    if resp.status_code in REDIRECTS:
                        location = resp.headers.get("location", "").strip()
                        if not location:
                            raise FetchError(
                                "bad-redirect",
                                f"redirect {resp.status_code} without a Location",
                                resp.status_code,
                            )
                        try:
                            current = urljoin(current, location)
                        except ValueError:
                            raise FetchError(
                                "bad-redirect", f"invalid redirect target {location[:200]!r}"
                            ) from None
                        continue
                    if resp.status_code == 304:
                        return Download(304, current, resp.headers)
                    if not 200 <= resp.status_code < 300:
                        raise _http_error(resp)
                    return Download(
                        resp.status_code, current, resp.headers, _read_body(resp, config, deadline)
                    )
                finally:
                    resp.close()
            raise FetchError(
                "too-many-redirects", f"more than {config.max_redirects} redirects (max_redirects)"
            )
    except FetchError:
        raise
    except DeadlineExceeded:
        raise FetchError(
            "deadline", f"stopped after the total deadline of {t.total:g} s (timeouts.total)"
        ) from None
    except BlockedAddress as exc:
        raise FetchError(
            "blocked-address",
            f"refused: {exc}; set watch.allow_private_addresses: true "
            "to fetch feeds from an intranet",
        ) from None
    except ResolveError as exc:
        raise FetchError("dns", str(exc)) from None
    except (httpcore.ConnectTimeout, httpx.ConnectTimeout, httpcore.PoolTimeout, httpx.PoolTimeout):
        raise FetchError(
            "timeout", f"no connection within {t.connect:g} s (timeouts.connect)"
        ) from None
    except (httpcore.ReadTimeout, httpx.ReadTimeout, httpcore.WriteTimeout, httpx.WriteTimeout):
        raise FetchError(
            "timeout", f"the server stayed silent for {t.read:g} s (timeouts.read)"
        ) from None
    except (httpcore.ConnectError, httpx.ConnectError) as exc:
        raise FetchError("connection", f"could not connect: {_short(exc)}") from None
    except (httpcore.ProtocolError, httpx.ProtocolError) as exc:
        raise FetchError("protocol", f"invalid HTTP response: {_short(exc)}") from None
    except (httpcore.NetworkError, httpx.NetworkError, httpx.TransportError, OSError) as exc:
        raise FetchError("connection", f"network error: {_short(exc)}") from None
    except (
        httpx.InvalidURL,
        httpcore.UnsupportedProtocol,
        httpx.UnsupportedProtocol,
        ValueError,
    ) as exc:
        raise FetchError("bad-url", f"invalid address: {_short(exc)}") from None


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _http_error(resp: httpx.Response) -> FetchError:
    code = resp.status_code
    phrase = resp.reason_phrase if resp.reason_phrase.isprintable() else ""
    said = f"{code} {phrase[:60]}".strip()
    if code == 410:
        return FetchError(
            "http-410",
            f"the server says the feed is gone ({said}): remove it from site_config.yml",
            code,
        )
    if code == 404:
        return FetchError("http-404", f"the feed was not found ({said}): check its address", code)
    if code == 429 or code >= 500:
        return FetchError(
            f"http-{code}",
            f"the server failed ({said}); it will be retried at the next fetch",
            code,
        )
    return FetchError(f"http-{code}", f"the server refused the request ({said})", code)


def _read_body(resp: httpx.Response, config: WatchConfig, deadline: float) -> bytes:
    length = resp.headers.get("content-length", "")
    if length.isdigit() and int(length) > config.max_bytes:
        raise FetchError(
            "too-large",
            f"the server announces {_size(int(length))}, more than max_bytes "
            f"({_size(config.max_bytes)})",
        )
    body = _Body(resp.headers.get("content-encoding", ""), config.max_bytes)
    received = 0
    for chunk in resp.iter_raw():
        received += len(chunk)
        if received > config.max_bytes:
            raise FetchError(
                "too-large", f"the feed is larger than max_bytes ({_size(config.max_bytes)})"
            )
        body.feed(chunk)
        if time.monotonic() > deadline:
            raise DeadlineExceeded()
    return body.finish()


# --- one feed, all feeds ---------------------------------------------------------------------


def _conditional_headers(feed: Feed, previous: FeedState | None) -> dict[str, str]:
    if previous is None or previous.url != feed.url or previous.status is Status.NEVER:
        return {}
    headers = {}
    if previous.etag and previous.etag.isprintable():
        headers["If-None-Match"] = previous.etag
    if previous.last_modified and previous.last_modified.isprintable():
        headers["If-Modified-Since"] = previous.last_modified
    return headers


def _header(headers: httpx.Headers, name: str) -> str | None:
    value = headers.get(name)
    return value[:512] if value and value.isprintable() else None


def fetch_feed(
    feed: Feed,
    previous: FeedState | None,
    config: WatchConfig,
    *,
    now: datetime,
    tz: tzinfo,
    ssl_context: ssl.SSLContext,
    policy: AddressPolicy = is_public,
) -> FetchOutcome:
    """Download, parse and clean one feed; never raises: every failure is an outcome."""
    started = time.monotonic()

    def failed(
        code: str, message: str, http_status: int | None = None, final_url: str = ""
    ) -> FetchOutcome:
        return FetchOutcome(
            feed.id,
            feed.url,
            Status.ERROR,
            None,
            code,
            message,
            http_status,
            final_url,
            seconds=time.monotonic() - started,
        )

    try:
        got = download(
            feed.url,
            config,
            headers=_conditional_headers(feed, previous),
            ssl_context=ssl_context,
            policy=policy,
        )
    except FetchError as exc:
        return failed(exc.code, exc.message, exc.http_status)
    except Exception as exc:  # noqa: BLE001 - one feed's surprise must not stop the others
        return failed("internal", f"unexpected error: {type(exc).__name__}: {_short(exc)}")
    etag, modified = _header(got.headers, "etag"), _header(got.headers, "last-modified")
    if got.status == 304:
        return FetchOutcome(
            feed.id,
            feed.url,
            Status.NOT_MODIFIED,
            None,
            http_status=304,
            final_url=got.url,
            etag=etag or (previous.etag if previous else None),
            last_modified=modified or (previous.last_modified if previous else None),
            seconds=time.monotonic() - started,
        )
    try:
        parsed = parse_feed(got.body, url=got.url, content_type=got.headers.get("content-type"))
        entries = clean_entries(parsed, feed_id=feed.id, base_url=got.url, now=now, tz=tz)
    except ParseError as exc:
        return failed(exc.code, exc.message, got.status, got.url)
    except Exception as exc:  # noqa: BLE001 - a parser crash on one feed is that feed's error
        return failed(
            "parse-error",
            f"the feed could not be parsed: {type(exc).__name__}: {_short(exc)}",
            got.status,
            got.url,
        )
    return FetchOutcome(
        feed.id,
        feed.url,
        Status.OK,
        entries,
        http_status=got.status,
        final_url=got.url,
        title=feed_title(parsed),
        etag=etag,
        last_modified=modified,
        warnings=parsed.warnings,
        seconds=time.monotonic() - started,
        size=len(got.body),
    )


@lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    """One verifying context for every feed (loading the CA bundle takes tens of milliseconds)."""
    return httpx.create_ssl_context()


def _zone(timezone: str | tzinfo) -> tzinfo:
    return ZoneInfo(timezone) if isinstance(timezone, str) else timezone


def fetch_all(
    config: WatchConfig,
    state: Any,
    *,
    now: datetime,
    timezone: str | tzinfo,
    progress: Progress | None = None,
    policy: AddressPolicy | None = None,
) -> FetchReport:
    """Fetch every configured feed concurrently (at most `workers` at a time).

    `state` is the cache's CacheState (or None): it gives each feed's ETag and Last-Modified.
    `progress(outcome, done, total)` is called in this thread as each feed finishes.
    `policy` decides which addresses are allowed when allow_private_addresses is false
    (default: public unicast only); tests inject a stricter or looser one.
    """
    tz = _zone(timezone)
    started = time.monotonic()
    ssl_context = _ssl_context()
    feeds = list(config.feeds)
    previous = {f.id: (state.feed_state(f.id) if state is not None else None) for f in feeds}
    outcomes: dict[str, FetchOutcome] = {}
    with ThreadPoolExecutor(
        max_workers=max(1, min(config.workers, len(feeds) or 1)), thread_name_prefix="watch"
    ) as pool:
        futures = {
            pool.submit(
                fetch_feed,
                f,
                previous[f.id],
                config,
                now=now,
                tz=tz,
                ssl_context=ssl_context,
                policy=policy or is_public,
            ): f
            for f in feeds
        }
        for future in as_completed(futures):
            feed = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - fetch_feed already catches; belt and braces
                outcome = FetchOutcome(
                    feed.id, feed.url, Status.ERROR, None, "internal", _short(exc)
                )
            outcomes[feed.id] = outcome
            if progress is not None:
                progress(outcome, len(outcomes), len(feeds))
    ordered = tuple(outcomes[f.id] for f in feeds if f.id in outcomes)
    return FetchReport(started=now, outcomes=ordered, seconds=time.monotonic() - started)
