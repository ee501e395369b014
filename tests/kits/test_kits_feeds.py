"""The kits' Atom feeds, read back by feedparser (the parser feed readers are built on) and
checked against the rules of RFC 4287 that a validator checks; the digest as a portal page."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser

from generator.plan import plan
from tests.kits.conftest import NOW, load_project

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")


def rfc4287_problems(data: bytes) -> list[str]:
    """What RFC 4287 requires of a feed and its entries (section 4.1), as a validator checks it."""
    problems = []
    root = ET.fromstring(data)
    if root.tag != f"{ATOM}feed":
        return ["the root is not atom:feed"]

    def one(parent: ET.Element, name: str, where: str) -> ET.Element | None:
        found = parent.findall(f"{ATOM}{name}")
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} atom:{name}, one expected")
            return None
        return found[0]

    for name in ("id", "title", "updated"):
        one(root, name, "feed")
    if not root.findall(f"{ATOM}author"):
        problems.append("feed: no atom:author (every entry would need one)")
    selfs = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if len(selfs) != 1:
        problems.append("feed: a feed should have one link rel=self")
    ids = set()
    for n, entry in enumerate(root.findall(f"{ATOM}entry")):
        where = f"entry {n}"
        for name in ("id", "title", "updated"):
            one(entry, name, where)
        entry_id = entry.findtext(f"{ATOM}id") or ""
        if entry_id in ids:
            problems.append(f"{where}: id {entry_id} repeated")
        ids.add(entry_id)
        if not re.match(r"^[a-z][a-z0-9+.-]*:", entry_id):
            problems.append(f"{where}: id {entry_id!r} is not an IRI")
        alternates = [
            link
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if not alternates and entry.find(f"{ATOM}content") is None:
            problems.append(f"{where}: no alternate link and no content")
    for element in root.iter():
        dated = element.tag in (f"{ATOM}updated", f"{ATOM}published")
        if dated and not RFC3339.match(element.text or ""):
            problems.append(f"date {element.text!r} is not RFC 3339")
    return problems


def test_the_feeds_are_valid_atom_with_stable_ids(kit_repo: Path) -> None:
    site = plan(load_project(kit_repo), NOW)
    feeds = {path: data for path, data in site.files.items() if path.endswith("feed.xml")}
    assert sorted(feeds) == [
        "ambassadors/ana-lopez/feed.xml",
        "ambassadors/ben-marchand/feed.xml",
        "kits/feed.xml",
    ]  # no feed for a profile that is not public
    for path, data in feeds.items():
        assert rfc4287_problems(data) == [], path
        parsed = feedparser.parse(data)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
        assert parsed.feed.updated_parsed[:5] == (2026, 12, 1, 7, 0)  # `now`, in UTC
    parsed = feedparser.parse(feeds["kits/feed.xml"])
    assert [e.title for e in parsed.entries] == ["Livraison à vélo", "Gamme d'hiver"]
    winter = parsed.entries[1]
    assert winter.id == "tag:portal.example.org,2026-11-26:kits/gamme-hiver"
    assert winter.link == "https://portal.example.org/kits/#kit-gamme-hiver"
    assert datetime(*winter.updated_parsed[:6]).isoformat() == "2026-11-25T23:00:00"
    assert "À partager du 26 nov. 2026 au 20 déc. 2026" in winter.summary
    # An ambassador's feed: the same entries (same ids), for their networks, to their page.
    ana = feedparser.parse(feeds["ambassadors/ana-lopez/feed.xml"])
    assert {e.id for e in ana.entries} <= {e.id for e in parsed.entries}
    assert all(
        e.link.startswith("https://portal.example.org/ambassadors/ana-lopez/#kit-")
        for e in ana.entries
    )
    # Same project and `now`, same bytes: a feed reader sees nothing new without a new kit.
    again = plan(load_project(kit_repo), NOW)
    assert {p: again.files[p] for p in feeds} == feeds


def test_the_validity_check_sees_a_broken_feed() -> None:
    broken = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
        b"<updated>yesterday</updated><entry><id>a b</id><title>t</title>"
        b"<updated>2026-12-01T08:00:00+01:00</updated></entry></feed>"
    )
    problems = rfc4287_problems(broken)
    assert "feed: 0 atom:id, one expected" in problems
    assert "date 'yesterday' is not RFC 3339" in problems
    assert any("no alternate link" in p for p in problems)


def test_the_weekly_digest_is_a_page_linked_from_each_personal_page(kit_repo: Path) -> None:
    site = plan(load_project(kit_repo), NOW)
    page = site.pages["kits/digest.md"]
    assert "Les kits à partager, semaine 49 de 2026" in page
    assert '<a href="../#kit-gamme-hiver">Gamme d&#39;hiver</a>' in page
    assert 'src="../../media/hiver.png"' in page  # the portal's own copy, relative
    personal = site.pages["ambassadors/ana-lopez.md"]
    assert '<a href="../../kits/digest/">' in personal and '<a href="feed.xml"' in personal


def test_the_e_mail_digest_has_absolute_images_on_an_intranet_host(
    make_repo, kit_repo: Path
) -> None:
    from generator.kits.digest import digest, parse_week

    config = (kit_repo / "site_config.yml").read_text(encoding="utf-8")
    intranet = config.replace(
        "https://portal.example.org/", "http://intranet.example.local/portail/"
    )
    (kit_repo / "site_config.yml").write_text(intranet, encoding="utf-8")
    result = digest(load_project(kit_repo), NOW, parse_week("2026-W49"))
    assert result is not None
    images = re.findall(r'<img src="([^"]+)"', result.html)
    assert images == ["http://intranet.example.local/portail/media/hiver.png"]
    assert all(
        link.startswith("http://intranet.example.local/portail/")
        for link in re.findall(r'href="([^"]+)"', result.html)
    )
