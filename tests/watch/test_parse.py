"""Parsing bytes only: DOCTYPEs removed, entity declarations refused, whatever the encoding."""

from __future__ import annotations

import pytest

from generator.watch.parse import ParseError, parse_feed, strip_doctype

from .conftest import feed_bytes

ENTITY_DOC = (
    '<?xml version="1.0" encoding="{enc}"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    '<rss version="2.0"><channel><title>&x;</title></channel></rss>'
)


def test_a_doctype_without_entities_is_removed():
    data, had = strip_doctype(
        b'<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE rss SYSTEM "x.dtd">\n<rss/>'
    )
    assert had and data == b'<?xml version="1.0"?>\n<!-- c -->\n\n<rss/>'
    data, had = strip_doctype(b"<rss><!DOCTYPE not-in-prolog></rss>")
    assert not had


def test_quotes_and_brackets_inside_a_doctype_are_understood():
    data, _ = strip_doctype(b"<!DOCTYPE x PUBLIC \"a>b\" 'c]d'><rss/>")
    assert data == b"<rss/>"
    with pytest.raises(ParseError) as caught:
        strip_doctype(b'<!DOCTYPE x [ <!-- > ] --> <!ENTITY a "b"> ]><rss/>')
    assert caught.value.code == "entities-refused"
    with pytest.raises(ParseError, match="not terminated"):
        strip_doctype(b"<!DOCTYPE x [ <!ENTITY a 'b'")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le", "utf-32"])
def test_entity_declarations_are_refused_in_any_encoding(encoding):
    label = "utf-16" if encoding.startswith("utf-16") else encoding
    data = ENTITY_DOC.format(enc=label).encode(encoding)
    with pytest.raises(ParseError) as caught:
        parse_feed(data, url="https://f.example/")
    assert caught.value.code == "entities-refused"


@pytest.mark.parametrize(
    "body", [b"/etc/passwd", b"http://127.0.0.1:9/feed.xml", b"file:///etc/passwd"]
)
def test_feedparser_never_opens_or_fetches_what_the_body_says(body):
    with pytest.raises(ParseError) as caught:
        parse_feed(body, url="https://f.example/")
    assert caught.value.code == "not-a-feed"


def test_guids_do_not_depend_on_the_address():
    a = parse_feed(feed_bytes("xss.xml"), url="https://one.example/feed")
    b = parse_feed(feed_bytes("xss.xml"), url="https://two.example/other/feed")
    assert (
        [e.guid for e in a.entries]
        == [e.guid for e in b.entries]
        == ["xss-1", "xss-2", "xss-3", "xss-4"]
    )


def test_atom_content_and_relative_links_are_read_raw():
    parsed = parse_feed(feed_bytes("good_atom.xml"), url="https://f.example/")
    assert parsed.version == "atom10"
    second = parsed.entries[1]
    assert second.link == "/2025/gamme-bio"  # resolved by clean.py, against the final address
    assert second.summary_is_html and "<em>bio</em>" in second.summary
