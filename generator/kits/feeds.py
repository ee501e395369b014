"""Atom feeds of the open kits: one for all kits, one per public ambassador.

A feed reader, or a Teams or Slack feed connector, announces a kit when it opens. Pure: a
function of the planner (project and `now`). An entry's id never changes for a kit (a tag
URI of the site's host, the day the kit opens and its slug), and every date comes from the
kit or from `now`, never from the clock, so that the same project and `now` give the same
bytes. Written with ElementTree, which escapes every text and attribute.
"""

from __future__ import annotations

from datetime import datetime, time
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from ..model import Ambassador
from ..planner import Planner
from .data import absolute
from .kit import Card, Kit, kits_for

ATOM = "http://www.w3.org/2005/Atom"
XML = "http://www.w3.org/XML/1998/namespace"
ALL = "kits/feed.xml"
PREVIEW = 280  # characters of a card's first text in an entry's summary


def ambassador_feed(ambassador_id: str) -> str:
    """The path of an ambassador's feed, beside their personal page."""
    return f"ambassadors/{ambassador_id}/feed.xml"


def _tag(pl: Planner, specific: str, day: str) -> str:
    """A tag URI (RFC 4151): stable as long as the site keeps its host."""
    host = urlsplit(pl.project.config.site.url).hostname or "relais.invalid"
    return f"tag:{host},{day}:{specific}"


def _stamp(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _preview(card: Card) -> str:
    text = " ".join(card.variants[0].split())
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1].rstrip() + "…"


def _entry(pl: Planner, feed: ET.Element, kit: Kit, page_url: str, networks: list[str]) -> None:
    t = pl.t
    tz = pl.project.tz
    opened = datetime.combine(kit.start, time(0), tz)
    entry = _sub(feed, "entry")
    _sub(entry, "id", _tag(pl, f"kits/{kit.slug}", kit.start.isoformat()))
    _sub(entry, "title", kit.post.title)
    # When it opened (never later than `now`): a reader announces it once, not every night.
    _sub(entry, "updated", _stamp(min(opened, pl.now)))
    _sub(entry, "published", _stamp(min(opened, pl.now)))
    _sub(entry, "link", rel="alternate", type="text/html", href=f"{page_url}#kit-{kit.slug}")
    cards = [c for c in kit.cards if c.network in networks]
    window = t("kit_window", start=t.medium_day(kit.start), end=t.medium_day(kit.until))
    lines = [window + " · " + ", ".join(c.label for c in cards)]
    lines += [t("fact", label=c.label, value=_preview(c)) for c in cards]
    _sub(entry, "summary", "\n".join(lines), type="text")


def _feed(pl: Planner, path: str, title: str, page_url: str) -> ET.Element:
    config = pl.project.config
    feed = ET.Element(f"{{{ATOM}}}feed", {f"{{{XML}}}lang": config.site.language})
    _sub(feed, "id", absolute(config.site.url, path))  # the feed's own address: stable
    _sub(feed, "title", title)
    _sub(feed, "updated", _stamp(pl.now))
    _sub(_sub(feed, "author"), "name", config.site.name)
    _sub(
        feed, "link", rel="self", type="application/atom+xml", href=absolute(config.site.url, path)
    )
    _sub(feed, "link", rel="alternate", type="text/html", href=page_url)
    _sub(feed, "generator", "Relais")
    return feed


def _bytes(feed: ET.Element) -> bytes:
    ET.register_namespace("", ATOM)
    ET.indent(feed)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True)) + b"\n"


def all_kits_feed(pl: Planner, kits: list[Kit]) -> bytes:
    """kits/feed.xml: every open kit, the newest first."""
    base = pl.project.config.site.url
    page = absolute(base, "kits/")
    feed = _feed(pl, ALL, f"{pl.t('share_kits')} · {pl.project.config.site.name}", page)
    for kit in sorted(kits, key=lambda k: (k.start, k.slug), reverse=True):
        _entry(pl, feed, kit, page, list(kit.networks))
    return _bytes(feed)


def personal_feed(pl: Planner, ambassador: Ambassador, kits: list[Kit]) -> bytes:
    """An ambassador's feed: their open kits, for the networks they use, the newest first.
    Entries link to their personal page, where the texts carry their tracking link."""
    base = pl.project.config.site.url
    page = absolute(base, f"ambassadors/{ambassador.id}/")
    title = f"{pl.t('share_kits')} · {ambassador.name}"
    feed = _feed(pl, ambassador_feed(ambassador.id), title, page)
    mine = kits_for(kits, pl.project.config, ambassador)
    for kit, networks in sorted(mine, key=lambda m: (m[0].start, m[0].slug), reverse=True):
        _entry(pl, feed, kit, page, networks)
    return _bytes(feed)
