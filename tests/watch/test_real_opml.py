"""OPML as real exporters write it (tests/watch/opml/real/, README there names each source):
raw "&" recovered with a warning naming the line, feeds listed twice in one file named."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.watch.config import WatchConfig
from generator.watch.opml import OpmlError, read_opml

REAL = Path(__file__).parent / "opml" / "real"
FILES = sorted(p.name for p in REAL.glob("*.opml"))


def test_the_collection_is_whole() -> None:
    assert len(FILES) == 7
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in FILES)


@pytest.mark.parametrize(
    ("name", "feeds", "themes"),
    [
        ("feedly_awesome-french-devops.opml", 97, 6),
        ("personal-websites-rss.opml", 314, 1),
        ("netnewswire_subs.opml", 207, 5),
        ("netnewswire_default_feeds.opml", 10, 1),
        ("google-reader_aramzs.opml", 664, 40),
        ("feedreader_issue960.opml", 1, 1),
        ("pocketcasts_issue51.opml", 1, 1),
    ],
)
def test_every_real_export_imports(name: str, feeds: int, themes: int) -> None:
    found = read_opml((REAL / name).read_bytes())
    assert (len(found.feeds), len(found.themes)) == (feeds, themes)
    assert all(f.url.startswith(("http://", "https://")) for f in found.feeds)


def test_a_raw_ampersand_is_recovered_with_a_warning_naming_its_line() -> None:
    found = read_opml((REAL / "feedreader_issue960.opml").read_bytes())
    assert found.warnings == ("line 10: a raw '&' (exporters should write '&amp;'), read as '&'",)
    [feed] = found.feeds
    assert (feed.name, feed.url, feed.theme) == (
        "NYT > Top Stories",
        "http://rss.nytimes.com/services/xml/rss/nyt/HomePage.xml",
        "news",
    )
    found = read_opml((REAL / "pocketcasts_issue51.opml").read_bytes())
    assert found.warnings == ("line 10: a raw '&' (exporters should write '&amp;'), read as '&'",)
    assert [f.name for f in found.feeds] == ["Left, Right & Center"]


def test_a_raw_ampersand_in_a_feed_address_is_kept_whole() -> None:
    # Feeder's export (spacecowboy/Feeder issue #11): the feed address itself holds "&".
    data = (
        b'<opml version="1.0"><body>\n'
        b'<outline title="OpenELEC" text="OpenELEC" type="rss" '
        b'xmlUrl="http://openelec.tv/news?format=feed&type=rss"/>\n'
        b"</body></opml>"
    )
    found = read_opml(data)
    assert [f.url for f in found.feeds] == ["http://openelec.tv/news?format=feed&type=rss"]
    assert found.warnings == ("line 2: a raw '&' (exporters should write '&amp;'), read as '&'",)


@pytest.mark.parametrize(
    "data",
    [
        # Entities stay refused, even in a file that also has a raw "&" to recover.
        (
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "x">]>'
            b'<opml><body><outline title="a & b" xmlUrl="https://e.org/f"/></body></opml>'
        ),
        b'<!DOCTYPE opml SYSTEM "file:///etc/passwd"><opml><body title="&"/></opml>',
    ],
)
def test_recovery_never_lets_a_doctype_through(data: bytes) -> None:
    with pytest.raises(OpmlError, match="DOCTYPE"):
        read_opml(data)


def test_other_faults_are_still_reported_as_such() -> None:
    with pytest.raises(OpmlError, match="not well-formed"):
        read_opml(b'<opml><body><outline title="a & b" xmlUrl="https://e.org/f"></body></opml>')


def test_a_feed_listed_twice_in_the_file_is_named_as_such() -> None:
    found = read_opml((REAL / "google-reader_aramzs.opml").read_bytes())
    twice = [s for s in found.skipped if "listed twice in this file" in s]
    assert len(twice) == 40
    assert twice[0] == (
        "George Mason University - Google News: listed twice in this file "
        "(line 132, first on line 45)"
    )
    assert not any("already in site_config.yml" in s for s in found.skipped)
    config = WatchConfig.model_validate(
        {
            "themes": {"t": "T"},
            "feeds": [{"id": "dg", "url": found.feeds[0].url, "theme": "t"}],
        }
    )
    again = read_opml((REAL / "google-reader_aramzs.opml").read_bytes(), config)
    assert any(s.endswith("already in site_config.yml") for s in again.skipped)
