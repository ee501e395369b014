"""Fetching from a real local server: every hostile or broken answer ends as a clear status."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import time

import pytest

from generator.watch.addresses import is_public
from generator.watch.cache import CacheState, apply_report
from generator.watch.fetch import fetch_all
from generator.watch.model import FetchOutcome, Status
from tests.helpers import LocalServer, cpu_seconds

from .conftest import (
    NOW,
    TZ,
    compressed,
    conditional,
    error,
    feed_bytes,
    file,
    garbage,
    gzip_bomb,
    huge,
    redirect,
    sleepy,
    static,
    trickle,
    watch_config,
)


def fetch_one(
    server: LocalServer, handler, path: str = "/feed", state=None, **overrides
) -> FetchOutcome:
    url = server.route(path, handler)
    config = watch_config([{"id": "f", "url": url}], **overrides)
    return fetch_all(config, state, now=NOW, timezone=TZ).outcomes[0]


def assert_failed(outcome: FetchOutcome, code: str) -> None:
    assert outcome.status is Status.ERROR, outcome
    assert outcome.error_code == code, outcome
    assert outcome.entries is None
    assert outcome.error  # a sentence, for the summary table and the portal


# --- good answers ----------------------------------------------------------------------------


def test_a_good_feed_is_parsed_cleaned_and_dated_in_the_site_zone(server):
    outcome = fetch_one(server, file("good.xml"))
    assert outcome.status is Status.OK
    assert outcome.title == "Actu Boulangerie"
    assert [e.title for e in outcome.entries] == [
        "La Maison Exemple ouvre une boulangerie à Lyon",
        "Le prix du blé recule",
        "Salon de la Boulangerie : les dates",
    ]
    first = outcome.entries[0]
    assert first.link == "https://news.example.org/2025/maison-exemple-lyon?id=7"  # utm_* removed
    assert first.published.isoformat() == "2025-12-15T09:30:00+01:00"
    assert (
        first.summary_html
        == "<p>Une nouvelle <strong>boulangerie</strong> et du pain au levain.</p>"
    )
    assert first.summary_text == "Une nouvelle boulangerie et du pain au levain."


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_compressed_feeds_are_decompressed(server, coding):
    outcome = fetch_one(server, compressed("good.xml", coding))
    assert outcome.status is Status.OK
    assert len(outcome.entries) == 3


def test_a_slow_server_within_the_deadline_is_fine(server):
    outcome = fetch_one(server, sleepy(0.5, feed_bytes("good.xml")))
    assert outcome.status is Status.OK


def test_a_redirect_is_followed_and_the_final_address_kept(server):
    target = server.route("/moved-here", file("good.xml"))
    outcome = fetch_one(server, redirect("/moved-here", 301))
    assert outcome.status is Status.OK
    assert outcome.final_url == target


def test_duplicate_guids_and_links_count_once(server):
    outcome = fetch_one(server, file("duplicates.xml"))
    assert [e.title for e in outcome.entries] == ["First copy", "No guid", "Neither guid nor link"]


def test_future_dates_are_clamped_and_undated_entries_dated_now(server):
    url = server.route("/future", file("future.xml"))
    config = watch_config([{"id": "f", "url": url}])
    fetched = fetch_all(config, None, now=NOW, timezone=TZ)
    published = {e.title: (e.published, e.dated) for e in fetched.outcomes[0].entries}
    assert published["From the future"] == (NOW, True)
    assert published["Undated"] == (NOW, False)
    state, _ = apply_report(CacheState(), fetched, config, now=NOW)
    assert [e.title for e in state.feed_entries("f")] == [
        "From the future",
        "Undated",
    ]  # "Too old" is dropped


# --- HTTP errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        (404, "http-404", "not found"),
        (410, "http-410", "gone"),
        (500, "http-500", "failed"),
        (403, "http-403", "refused"),
    ],
)
def test_http_errors(server, status, code, words):
    outcome = fetch_one(server, error(status))
    assert_failed(outcome, code)
    assert outcome.http_status == status
    assert words in outcome.error


def test_304_with_etag_keeps_the_cached_entries(server):
    url = server.route("/etag", conditional("good.xml"))
    config = watch_config([{"id": "f", "url": url}])
    first = fetch_all(config, None, now=NOW, timezone=TZ)
    assert first.outcomes[0].status is Status.OK
    assert first.outcomes[0].etag == '"v1"'
    state, _ = apply_report(CacheState(), first, config, now=NOW)
    second = fetch_all(config, state, now=NOW, timezone=TZ)
    assert second.outcomes[0].status is Status.NOT_MODIFIED
    assert server.requests[-1][1].get("If-None-Match") == '"v1"'
    assert server.requests[-1][1].get("If-Modified-Since") == "Mon, 15 Dec 2025 08:00:00 GMT"
    after, runs = apply_report(state, second, config, now=NOW)
    assert after.feed_entries("f") == state.feed_entries("f")
    assert runs[0].status is Status.NOT_MODIFIED and runs[0].new_entries == 0


def test_validators_of_another_address_are_not_sent(server):
    url = server.route("/etag", conditional("good.xml"))
    config = watch_config([{"id": "f", "url": url}])
    state, _ = apply_report(
        CacheState(), fetch_all(config, None, now=NOW, timezone=TZ), config, now=NOW
    )
    moved = watch_config([{"id": "f", "url": url + "?v=2"}])
    assert fetch_all(moved, state, now=NOW, timezone=TZ).outcomes[0].status is Status.OK
    assert "If-None-Match" not in server.requests[-1][1]


# --- not feeds -------------------------------------------------------------------------------


def test_an_html_page_is_not_a_feed_and_its_feed_link_is_suggested(server):
    outcome = fetch_one(server, file("page.html", "text/html; charset=utf-8"))
    assert_failed(outcome, "not-a-feed")
    assert "HTML page" in outcome.error
    assert "https://site.example/feed.xml" in outcome.error


def test_an_empty_body(server):
    assert_failed(fetch_one(server, static(b"")), "empty")


def test_a_wrong_charset_is_read_leniently(server):
    outcome = fetch_one(server, file("latin1_declared_utf8.xml"))
    assert outcome.status is Status.OK
    assert outcome.entries[0].title == "Crème brûlée à la boulangerie"
    assert outcome.entries[0].summary_text == "Déjà vu"
    assert outcome.warnings  # said, not hidden


@pytest.mark.parametrize("name", ["crash_overflow.xml", "crash_gml.xml"])
def test_inputs_that_make_feedparser_raise(server, name):
    outcome = fetch_one(server, file(name))
    assert_failed(outcome, "parse-error")
    assert "could not be parsed" in outcome.error


def test_a_garbage_answer(server):
    outcome = fetch_one(server, garbage)
    assert outcome.status is Status.ERROR
    assert outcome.error_code in ("protocol", "connection")


# --- XML attacks -----------------------------------------------------------------------------


def test_billion_laughs_is_refused_at_once(server):
    outcome, seconds = cpu_seconds(lambda: fetch_one(server, file("billion_laughs.xml")))
    assert_failed(outcome, "entities-refused")
    assert seconds < 1.5  # CPU time of this process (client and server): no entity expanded


@pytest.mark.parametrize("name", ["xxe.xml", "xxe_parameter.xml"])
def test_external_entities_are_refused(server, name):
    outcome = fetch_one(server, file(name))
    assert_failed(outcome, "entities-refused")
    assert "root:" not in repr(outcome)


def test_a_doctype_without_entities_is_dropped_and_never_fetched(server):
    outcome = fetch_one(server, file("doctype_only.xml"))
    assert outcome.status is Status.OK
    assert outcome.entries[0].title == "Café & croissants"
    assert outcome.entries[0].summary_text == "Un été au café"


# --- size, time, redirects -------------------------------------------------------------------


def test_an_announced_50_mb_body_is_refused_without_reading_it(server):
    outcome = fetch_one(server, huge(50_000_000, announce=True))
    assert_failed(outcome, "too-large")
    assert "announces" in outcome.error  # decided on the headers, before any byte of the body
    assert outcome.size == 0


def test_an_unannounced_50_mb_body_is_cut_at_max_bytes(server):
    outcome = fetch_one(server, huge(50_000_000, announce=False))
    assert_failed(outcome, "too-large")


def test_a_gzip_bomb_is_cut_at_max_bytes_decompressed(server):
    bomb = gzip_bomb()
    assert len(bomb) < 100_000  # about 50 kB on the wire...
    outcome = fetch_one(server, static(bomb, headers={"Content-Encoding": "gzip"}))
    assert_failed(outcome, "too-large")  # ...50 MB once inflated: stopped at 1 MB
    assert "decompressed" in outcome.error


def test_a_compressed_stream_is_cut_at_max_bytes_on_the_wire(server):
    """The cap counts the bytes that cross the network, not only those decompressed: a good
    feed followed by empty gzip members (2 MB on the wire, nothing once inflated), sent
    without Content-Length, is cut once max_bytes (1 MB here) have been received."""
    body = gzip.compress(feed_bytes("good.xml")) + gzip.compress(b"") * 100_000
    assert len(body) > 2_000_000

    def handle(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Encoding", "gzip")
        h.end_headers()
        h.wfile.write(body)

    outcome = fetch_one(server, handle)
    assert_failed(outcome, "too-large")
    assert "once decompressed" not in outcome.error  # the wire's cap, not the inflated one's


@pytest.mark.parametrize("headers_too", [False, True], ids=["trickling-body", "trickling-headers"])
def test_a_trickling_server_is_cut_at_the_total_deadline(server, headers_too):
    started = time.monotonic()
    outcome = fetch_one(server, trickle(0.1, headers_too=headers_too))
    elapsed = time.monotonic() - started
    assert_failed(outcome, "deadline")
    # The total deadline is 2 s; the server would trickle for a minute. Wall-clock bounds far
    # from both, so that a busy machine cannot make the test fail while a missing deadline does.
    assert 1.9 < elapsed < 30


def test_a_silent_server_hits_the_read_timeout(server):
    outcome = fetch_one(
        server, sleepy(1.6, b"late"), timeouts={"connect": 1, "read": 0.5, "total": 3}
    )
    assert_failed(outcome, "timeout")
    assert "silent" in outcome.error


def test_a_redirect_loop(server):
    server.route("/loop-b", redirect("/loop-a"))
    outcome = fetch_one(server, redirect("/loop-b"), path="/loop-a")
    assert_failed(outcome, "redirect-loop")


def test_a_redirect_without_location(server):
    def handle(h):
        h.send_response(302)
        h.send_header("Content-Length", "0")
        h.end_headers()

    outcome = fetch_one(server, handle)
    assert_failed(outcome, "bad-redirect")
    assert "302 without a Location" in outcome.error


def test_a_host_that_does_not_resolve(server):
    """.invalid never resolves (RFC 6761): whether the resolver answers at once or not at all,
    the feed fails with 'dns' within its connect timeout, naming the host."""
    config = watch_config(
        [{"id": "f", "url": "http://feed.relais-test.invalid/rss"}],
        allow_private_addresses=False,
    )
    outcome = fetch_all(config, None, now=NOW, timezone=TZ).outcomes[0]
    assert_failed(outcome, "dns")
    assert "feed.relais-test.invalid" in outcome.error


def test_a_server_that_never_accepts_hits_the_connect_timeout():
    """A listening socket whose queue is full: the kernel drops the next connection's SYNs,
    as a firewall that drops packets does; the fetch gives up after timeouts.connect."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(3):  # Linux accepts backlog + 1 before it drops SYNs
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.2)
        config = watch_config([{"id": "f", "url": f"http://127.0.0.1:{port}/feed"}])
        outcome = fetch_all(config, None, now=NOW, timezone=TZ).outcomes[0]
    finally:
        for s in (*fillers, listener):
            s.close()
    assert_failed(outcome, "timeout")
    assert "no connection within 1 s (timeouts.connect)" in outcome.error


def test_too_many_redirects(server):
    for n in range(10):
        server.route(f"/chain{n}", redirect(f"/chain{n + 1}"))
    outcome = fetch_one(server, redirect("/chain0"), path="/start")
    assert_failed(outcome, "too-many-redirects")
    assert (
        server.hits("/start") + sum(server.hits(f"/chain{n}") for n in range(10)) == 4
    )  # max_redirects 3


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://ftp.example/feed", "javascript:alert(1)"]
)
def test_a_redirect_to_another_scheme_is_refused(server, target):
    assert_failed(fetch_one(server, redirect(target)), "bad-redirect")


def test_connection_refused(server):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, never listening: refused
        config = watch_config([{"id": "f", "url": f"http://127.0.0.1:{port}/feed"}])
        outcome = fetch_all(config, None, now=NOW, timezone=TZ).outcomes[0]
    assert_failed(outcome, "connection")


# --- private addresses -----------------------------------------------------------------------


def test_the_default_configuration_refuses_loopback(server):
    url = server.route("/feed", file("good.xml"))
    config = watch_config(
        [{"id": "f", "url": url}, {"id": "g", "url": f"http://localhost:{server.port}/feed"}],
        allow_private_addresses=False,
    )
    outcomes = fetch_all(config, None, now=NOW, timezone=TZ).outcomes
    for outcome in outcomes:
        assert_failed(outcome, "blocked-address")
        assert "loopback" in outcome.error and "allow_private_addresses" in outcome.error
    assert server.requests == []  # refused before connecting


def only_127_0_0_1(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Stands in for 'public' so that the local server counts as the outside world."""
    return ip == ipaddress.ip_address("127.0.0.1") or is_public(ip)


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/feed.xml",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:80/feed",
        "http://0.0.0.0/feed",
        "http://127.0.0.2/feed",
        "http://192.168.1.1/admin",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(server, target):
    url = server.route("/to-private", redirect(target))
    config = watch_config([{"id": "f", "url": url}], allow_private_addresses=False)
    outcome = fetch_all(config, None, now=NOW, timezone=TZ, policy=only_127_0_0_1).outcomes[0]
    assert_failed(outcome, "blocked-address")
    assert server.hits("/to-private") == 1  # the first hop was allowed, the redirect was checked


def test_one_feed_failing_does_not_affect_the_others(server):
    good = server.route("/good", file("good.xml"))
    bad = server.route("/bad", trickle(0.1))
    config = watch_config([{"id": "bad", "url": bad}, {"id": "good", "url": good}])
    report = fetch_all(config, None, now=NOW, timezone=TZ)
    assert [o.status for o in report.outcomes] == [Status.ERROR, Status.OK]
    assert report.seconds < 3.5
