"""content/media/ publishes passive files only: the SVG cleaner and the type checks of media.py.

The hostile SVGs below are written for these tests, after the kinds of vector that SVG
sanitisers' own suites exercise (scripts and handlers, javascript:/data: links in href and
xlink:href, remote url() in paint and styles, CDATA, entities, <use> bombs and loops,
foreignObject, animation that rewrites an href). The real material is Material for MkDocs'
own bundled icons (MIT): thousands of SVGs drawn by several tools, which must come out whole.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from xml.etree.ElementTree import fromstring

import pytest

from generator import media
from generator.media import SvgError, clean_svg

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
SVG = "{http://www.w3.org/2000/svg}"


def live(data: bytes) -> list[str]:
    """What in a cleaned SVG could run or load: read as a browser reads the document (parsed),
    not by searching its text (text that mentions `onerror=` is only text)."""
    root = fromstring(data)
    found = []
    for el in root.iter():
        tag = str(el.tag)
        if not tag.startswith(SVG) or tag[len(SVG) :] in (
            "script",
            "foreignObject",
            "a",
            "image",
            "animate",
            "set",
            "iframe",
            "feImage",
        ):
            found.append(tag)
        for name, value in el.attrib.items():
            local = name.rpartition("}")[2]
            if local.lower().startswith("on") or local == "base":
                found.append(f"{tag} {name}")
            if local == "href" and not value.startswith("#"):
                found.append(f"{tag} {name}={value}")
            if re.search(r"url\(\s*['\"]?\s*(?!#)", value):
                found.append(f"{tag} {name}={value}")
        if tag == f"{SVG}style" and re.search(r"@import|url\(\s*['\"]?\s*(?!#)|\\", el.text or ""):
            found.append(f"style {el.text}")
    if re.search(rb"<!ENTITY|<\?xml-stylesheet", data):
        found.append("entity or style sheet instruction")
    return found


HOSTILE = {
    "script": f"<svg {NS}><script>alert(1)</script><circle r='4'/></svg>",
    "script-cdata": f"<svg {NS}><script><![CDATA[alert(1)]]></script><circle r='4'/></svg>",
    "handlers": f"<svg {NS} onload='alert(1)'><rect width='2' height='2' onclick='x()' ONMOUSEOVER='y()'/></svg>",
    "link-javascript": f"<svg {NS}><a href='javascript:alert(1)'><text>t</text></a></svg>",
    "link-xlink-entity": f"<svg {NS}><a xlink:href='java&#x09;script:alert(1)'><text>t</text></a></svg>",
    "link-data": f"<svg {NS}><a href=\"data:image/svg+xml,%3Csvg onload='alert(1)'%3E\"><text>t</text></a></svg>",
    "use-remote": f"<svg {NS}><use href='https://evil.example/s.svg#x'/><use xlink:href='data:image/svg+xml,x#y'/></svg>",
    "paint-remote": f"<svg {NS}><rect fill=\"  url(  ' https://evil.example/p.svg '  ) \" width='1' height='1'/>"
    "<rect fill=\"url('//evil.example/p')\" width='1' height='1'/><rect stroke='url(/p.svg)' width='1' height='1'/></svg>",
    "style-import": f"<svg {NS}><style>@import url(https://evil.example/x.css); .a{{fill:red}}</style><rect class='a' width='1' height='1'/></svg>",
    "style-escape": f"<svg {NS}><style>.a{{background:u\\72l(https://evil.example/)}}</style><rect width='1' height='1'/></svg>",
    "style-attribute": f"<svg {NS}><rect style='fill:url(https://evil.example/t)' width='1' height='1'/></svg>",
    "foreign-object": f"<svg {NS}><foreignObject width='9' height='9'><iframe xmlns='http://www.w3.org/1999/xhtml' src='javascript:alert(1)'/></foreignObject></svg>",
    "xhtml-script": f"<svg {NS}><html:script xmlns:html='http://www.w3.org/1999/xhtml'>alert(1)</html:script></svg>",
    "animate-href": f"<svg {NS}><a><animate attributeName='href' values='javascript:alert(1)'/><text>t</text></a>"
    "<set attributeName='onmouseover' to='alert(1)'/></svg>",
    "image": f"<svg {NS}><image href='https://tracker.example.net/p.png' width='1' height='1'/></svg>",
    "stylesheet-pi": f"<?xml-stylesheet href='https://evil.example/x.css'?><svg {NS}><circle r='1'/></svg>",
    "xml-base": f"<svg {NS} xml:base='javascript:alert(1)//'><circle r='1'/></svg>",
    "cdata-text": f"<svg {NS}><text><![CDATA[ <img src onerror=alert(1)> ]]></text></svg>",
    "comment-trick": f"<svg {NS}><!--><img src onerror=alert(1)><!--><circle r='1'/></svg>",
    "use-loop": f"<svg {NS}><g id='ping'><text>a</text><use href='#pong'/></g><g id='pong'><use href='#ping'/></g></svg>",
    "use-self": f"<svg {NS}><g id='me'><use href='#me'/></g></svg>",
}


def use_bomb(levels: int = 9, width: int = 10) -> str:
    groups = ["<g id='l0'><circle r='1'/></g>"]
    for level in range(1, levels):
        uses = "".join(f"<use x='{i}' href='#l{level - 1}'/>" for i in range(width))
        groups.append(f"<g id='l{level}'>{uses}</g>")
    return f"<svg {NS}><defs>{''.join(groups)}</defs><use href='#l{levels - 1}'/></svg>"


@pytest.mark.parametrize("name", HOSTILE)
def test_nothing_that_runs_or_loads_survives(name: str) -> None:
    cleaned = clean_svg(HOSTILE[name].encode())
    assert live(cleaned.data) == [], cleaned.data.decode()
    if name not in ("comment-trick", "cdata-text"):  # nothing there to leave out
        assert cleaned.dropped, name  # the check reports what was left out
    root = fromstring(cleaned.data)  # still an SVG document
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_the_text_and_shapes_of_a_link_stay() -> None:
    text = clean_svg(HOSTILE["link-javascript"].encode()).data.decode()
    assert "<g><text>t</text></g>" in text


def test_text_that_looks_like_markup_stays_text() -> None:
    text = clean_svg(HOSTILE["cdata-text"].encode()).data.decode()
    assert "&lt;img src onerror=alert(1)&gt;" in text and "<img" not in text


def test_a_use_bomb_and_loops_are_cut_but_plain_uses_stay() -> None:
    bomb = clean_svg(use_bomb().encode())
    # Only the first level is left: ten uses of one circle, no use of a use.
    assert bomb.data.count(b"<use") == 10 and "<use> of a <use>" in bomb.dropped
    assert bomb.data.count(b'href="#l0"') == 10
    plain = clean_svg(
        f"<svg {NS}><defs><path id='p' d='M0 0h1'/></defs><use href='#p'/><use xlink:href='#p'/></svg>".encode()
    )
    assert plain.data.count(b"<use") == 2 and not plain.dropped


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><svg/>',
            "entities",
        ),
        (b'<!DOCTYPE svg SYSTEM "file:///etc/passwd" []><svg/>', "entities"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><text>&ext;</text></svg>", "well-formed"),
        (b"<html><body><script>alert(1)</script></body></html>", "root element"),
        (b"<svg><script>alert(1)</script></svg>", "root element"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><g>", "well-formed"),
        (b"not xml at all", "well-formed"),
        (f"<svg {NS}>".encode() + b"<g>" * 100 + b"</g>" * 100 + b"</svg>", "nested"),
        (b"<svg " + NS.encode() + b"><desc>" + b"x" * 5_000_001 + b"</desc></svg>", "larger"),
    ],
)
def test_an_svg_that_cannot_be_read_safely_is_refused(data: bytes, why: str) -> None:
    with pytest.raises(SvgError, match=why):
        clean_svg(data)


def test_a_plain_doctype_is_dropped_and_nothing_fetched() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 4 4'><circle r='2'/></svg>"
    )
    cleaned = clean_svg(data)
    assert b"DOCTYPE" not in cleaned.data and b'<circle r="2"></circle>' in cleaned.data


ICONS = Path(__import__("material").__file__).parent / "templates" / ".icons"


def test_real_icons_come_out_whole() -> None:
    """A sample of Material's bundled icons (several families, several tools): nothing is
    dropped, and every path's drawing is kept byte for byte."""
    files = sorted(ICONS.rglob("*.svg"))
    assert len(files) > 1000
    for path in random.Random(12).sample(files, 400):
        data = path.read_bytes()
        cleaned = clean_svg(data)
        assert cleaned.dropped == (), (path, cleaned.dropped)
        before = re.findall(rb'\sd="([^"]*)"', data)
        assert before == re.findall(rb'\sd="([^"]*)"', cleaned.data), path


@pytest.mark.parametrize(
    ("name", "head", "ok"),
    [
        ("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 8, True),
        ("a.PNG", b"\x89PNG\r\n\x1a\n" + b"\0" * 8, True),
        ("a.png", b"<html><script>", False),
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 8, True),
        ("a.jpeg", b"GIF89a" + b"\0" * 8, False),
        ("a.gif", b"GIF89a" + b"\0" * 8, True),
        ("a.webp", b"RIFF\0\0\0\0WEBPVP8 ", True),
        ("a.avif", b"\0\0\0\x1cftypavif\0\0\0\0", True),
        ("a.avif", b"\0\0\0\x1cftypisom\0\0\0\0", False),
        ("a.mp4", b"\0\0\0\x18ftypmp42\0\0\0\0", True),
        ("a.webm", b"\x1a\x45\xdf\xa3\0\0", True),
        ("a.pdf", b"%PDF-1.7\n", True),
        ("a.pdf", b"<!doctype html>", False),
        ("a.html", b"<!doctype html>", False),
        ("a.js", b"alert(1)", False),
        ("a", b"\x89PNG\r\n\x1a\n", False),
    ],
)
def test_a_media_file_is_published_only_when_its_bytes_are_its_type(
    name: str, head: bytes, ok: bool
) -> None:
    assert (media.kind(name) is not None and media.bytes_match(name, head)) is ok


@pytest.mark.parametrize("name", sorted(set(HOSTILE) - {"comment-trick", "cdata-text"}))
def test_each_hostile_svg_is_live_before_cleaning(name: str) -> None:
    """The test above can fail: every hostile SVG has something live as written."""
    data = HOSTILE[name].encode()
    assert live(data) or b"<use" in data, name
