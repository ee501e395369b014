"""Feeds as real sites write them (tests/watch/feeds/real/, README there names each source):
xml:base, text that holds brackets, dates the watch cannot read, JSON Feed, wrong encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.watch.clean import clean_entries
from generator.watch.model import Entry
from generator.watch.parse import ParsedFeed, ParseError, parse_feed
from tests.watch.conftest import NOW, TZ

REAL = Path(__file__).parent / "feeds" / "real"
URL = "https://feeds.example.org/feed"


def read(
    name: str, data: bytes | None = None, content_type: str | None = None
) -> tuple[ParsedFeed, tuple[Entry, ...]]:
    parsed = parse_feed(
        data if data is not None else (REAL / name).read_bytes(), url=URL, content_type=content_type
    )
    return parsed, clean_entries(parsed, feed_id="real", base_url=URL, now=NOW, tz=TZ)


FEEDS = sorted(p.name for p in REAL.iterdir() if p.suffix in (".xml", ".json"))


def test_the_collection_is_whole() -> None:
    assert len(FEEDS) == 23
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in FEEDS)


@pytest.mark.parametrize("name", FEEDS)
def test_every_real_feed_is_read(name: str) -> None:
    parsed, entries = read(name)
    assert entries, name
    for entry in entries:
        assert entry.published <= NOW
        assert entry.link is None or entry.link.startswith(("https://", "http://"))
        assert 'src="/' not in entry.summary_html and 'href="/' not in entry.summary_html
    assert parsed.version


def test_xml_base_resolves_a_relative_image() -> None:
    # The image is relative to the content's xml:base, a folder below the entry's address.
    _, [entry] = read("atom_xml_base.xml")
    assert entry.link == "https://numi.st/post/2022/travel-uke"
    assert (
        entry.summary_html
        == '<p><img src="https://numi.st/post/2022/travel-uke/IMG_1232.jpeg"></p>'
    )


def test_xml_base_of_the_summary_overrides_its_parent() -> None:
    _, [entry] = read("feedparser_entry_summary_xml_base_inherit_2.xml")
    assert 'href="http://example.com/test/test.html"' in entry.summary_html
    _, [entry] = read("feedparser_rel_uri_with_unicode_character.xml")
    assert 'href="http://any.test/À"' in entry.summary_html


def test_text_keeps_brackets_as_words() -> None:
    _, [entry] = read("feedparser_entry_title_text_plain_brackets.xml")
    assert entry.title == "History of the <blink> tag"
    _, [entry] = read("feedparser_entry_content_text_plain_brackets.xml")
    assert entry.summary_text == "History of the <blink> tag"
    assert entry.summary_html == "<p>History of the &lt;blink&gt; tag</p>"


def test_dialog_in_an_atom_text_title_stays() -> None:
    feed = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><entry>'
        b'<title type="text">Introducing the &lt;dialog&gt; element</title>'
        b'<summary type="text">Use &lt;dialog&gt; for modals.</summary>'
        b"<updated>2025-12-01T10:00:00Z</updated><link href='https://e.org/d'/></entry></feed>"
    )
    _, [entry] = read("", feed)
    assert (entry.title, entry.summary_text) == (
        "Introducing the <dialog> element",
        "Use <dialog> for modals.",
    )


def test_an_unreadable_date_is_never_new() -> None:
    parsed, [entry] = read("rss_2.0_ilmessaggero.xml")
    assert not entry.dated
    assert entry.published.isoformat() == "2022-11-16T05:33:59+01:00"  # the feed's own date
    assert parsed.warnings == (
        (
            "1 of 1 entries have a date the watch cannot read (e.g. 'mer, 16 nov 2022 00:38:15 "
            "+0100'): they are shown with the feed's own date, never as new"
        ),
    )


def test_a_feed_without_dates_says_so() -> None:
    parsed, entries = read("rss_2.0_ghost_1.xml")
    assert all(not e.dated for e in entries)
    assert "have no date" in parsed.warnings[-1]


def test_json_feed_1_0_and_1_1_are_read() -> None:
    parsed, entries = read("jsonfeed_elastic_1.1.json")
    assert parsed.version == "json11" and len(entries) == 3
    assert entries[0].title == "InfluxDB vs. Graphite for Time Series Data & Metrics Benchmark"
    assert entries[0].published.isoformat() == "2019-05-31T21:17:58+02:00"  # an RFC 822 date
    parsed, entries = read("feedparser_json_example.json")
    assert parsed.version == "json1" and parsed.title == "My Example Feed"
    assert [e.title for e in entries] == ["post 2", "Hello, world!"]
    assert "script" not in entries[1].summary_html and "alert" not in entries[1].summary_html


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"title": "no version"}', "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "without its list of 'items'"),
        (b"{not json", "JSON that cannot be read"),
        (b'{"a": ' * 100_000 + b"1" + b"}" * 100_000, "JSON that cannot be read"),
    ],
)
def test_other_json_is_refused_by_name(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_feed(body, url=URL)


def test_a_wrong_declared_encoding_is_read_as_the_bytes_say() -> None:
    original = (REAL / "rss_2.0_spiegel.xml").read_bytes()
    assert original.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    relabelled = original.replace(b'encoding="utf-8"', b'encoding="windows-1252"', 1)
    _, right = read("", original)
    for data, content_type in (
        (relabelled, None),
        (original, "application/rss+xml; charset=ISO-8859-1"),
    ):
        parsed, entries = read("", data, content_type)
        assert [e.title for e in entries] == [e.title for e in right]
        assert parsed.warnings[0].endswith("but its bytes are UTF-8: read as UTF-8")
    assert any(not c.isascii() for e in right for c in e.title + e.summary_text)
