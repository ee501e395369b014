"""Share kits as values: which posts offer one at `now`, and each network's card composed and tagged.

Pure: a function of the project and `now`. Python is the authority on what a kit says;
the browser (relais-kits.js) only swaps in an ambassador's tracking tag and counts live.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from .. import networks as net
from ..model import Ambassador, Post, Project, SiteConfig, Status, is_embargoed

PROMPT = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)
# Placeholders a `tracking` template may use; {campaign} falls back to the post's slug.
PLACEHOLDERS = ("network", "campaign", "ambassador", "post")
# Put where the ambassador's id goes in a tagged link: a slug-safe word that survives tag_url.
_TOKEN = "relaisambassadortoken"
AMBASSADOR_SLOT = "{ambassador}"


@dataclass(frozen=True, slots=True)
class Card:
    """One network of a kit: the suggestions and what is appended to them when posted."""

    network: str
    variants: tuple[str, ...]
    hashtags: tuple[str, ...]
    disclosure: str
    link: str
    link_template: str

    def composed(self, index: int = 0) -> str:
        """Variant `index` exactly as it will be posted."""
        return net.compose(self.variants[index], self.hashtags, self.disclosure, self.link)

    @property
    def label(self) -> str:
        network = net.get(self.network)
        return network.label if network else self.network

    @property
    def share_kind(self) -> str:
        """How the card shares: the network's kind, or "none" when it shares a link and there is none."""
        network = net.get(self.network)
        kind = network.share_kind if network else "none"
        return "none" if kind == "url_only" and not self.link else kind


@dataclass(frozen=True, slots=True)
class Kit:
    """The kit of one post: its window and one card per network with a suggestion."""

    post: Post
    start: date
    until: date
    cards: tuple[Card, ...]

    @property
    def slug(self) -> str:
        return self.post.slug

    @property
    def networks(self) -> tuple[str, ...]:
        return tuple(c.network for c in self.cards)

    def card(self, network_id: str) -> Card | None:
        return next((c for c in self.cards if c.network == network_id), None)


def offers_kit(post: Post, now: datetime) -> bool:
    """A post may offer a kit: a share block with a window, not cancelled, not under embargo."""
    return (
        post.share is not None
        and post.share_window() is not None
        and post.status is not Status.cancelled
        and not is_embargoed(post, now)
    )


def tag_values(post: Post, network_id: str, ambassador_id: str | None) -> dict[str, str]:
    """The values of the `tracking` placeholders for one post, network and (maybe) ambassador."""
    values = {"network": network_id, "campaign": post.campaign or post.slug, "post": post.slug}
    if ambassador_id:
        values["ambassador"] = ambassador_id
    return values


def tagged_link(
    config: SiteConfig, post: Post, network_id: str, ambassador_id: str | None = None
) -> str:
    """The post's link with the UTM tags of `tracking`; without an ambassador their tag is left out."""
    if not post.link:
        return ""
    return net.tag_url(post.link, config.tracking, **tag_values(post, network_id, ambassador_id))


def link_template(config: SiteConfig, post: Post, network_id: str) -> str:
    """The tagged link with "{ambassador}" where an ambassador's tag goes (for the browser)."""
    if not post.link:
        return ""
    return tagged_link(config, post, network_id, _TOKEN).replace(_TOKEN, AMBASSADOR_SLOT)


def ambassador_tag(ambassador_id: str) -> str:
    """What replaces "{ambassador}" in a link template: the id as tag_url writes it."""
    marked = net.tag_url(
        "https://relais.invalid/",
        {"t": f"{_TOKEN}{{ambassador}}{_TOKEN}"},
        ambassador=ambassador_id,
    )
    return marked.split(_TOKEN)[1] if marked.count(_TOKEN) == 2 else ""


def build_kit(config: SiteConfig, post: Post, ambassador_id: str | None = None) -> Kit | None:
    """The kit of a post (tagged for an ambassador, or generic), or None without share block."""
    window = post.share_window()
    if post.share is None or window is None:
        return None
    share = post.share
    cards = []
    # The post's own order of networks; a suggestion for a network the post does not target is
    # a check error (share-network) and is left out here.
    for network_id in dict.fromkeys(post.networks):
        variants = share.variants(network_id)
        network = net.get(network_id)
        if not variants or network is None:
            continue
        # Where links are not clickable (an Instagram caption), a tracking link is only noise.
        linked = network.clickable_links
        cards.append(
            Card(
                network=network_id,
                variants=tuple(variants),
                hashtags=tuple(share.hashtags),
                disclosure=config.disclosure(network_id),
                link=tagged_link(config, post, network_id, ambassador_id) if linked else "",
                link_template=link_template(config, post, network_id) if linked else "",
            )
        )
    return Kit(post, window[0], window[1], tuple(cards))


_offered: list[
    Any
] = []  # [project, now, kits]: the last project's kits (one plan asks several times)


def offered_kits(project: Project, now: datetime) -> dict[str, Kit]:
    """The generic kit of every post that offers one at `now`, by slug (built once per project)."""
    if _offered and _offered[0] is project and _offered[1] == now:
        return _offered[2]  # type: ignore[no-any-return]
    kits = {}
    for post in project.posts:
        if offers_kit(post, now):
            kit = build_kit(project.config, post)
            if kit is not None and kit.cards:
                kits[post.slug] = kit
    _offered[:] = [project, now, kits]  # holding the project keeps its id from being reused
    return kits


def _kits(project: Project, now: datetime, keep: Any) -> list[Kit]:
    return [kit for kit in offered_kits(project, now).values() if keep(kit)]


def active_kits(project: Project, now: datetime) -> list[Kit]:
    """Kits whose window holds today, the one closing first on top."""
    today = now.astimezone(project.tz).date()
    kits = _kits(project, now, lambda k: k.start <= today <= k.until)
    return sorted(kits, key=lambda k: (k.until, k.start, k.slug))


def archived_kits(project: Project, now: datetime) -> list[Kit]:
    """Kits whose window is over, the most recently closed first."""
    today = now.astimezone(project.tz).date()
    kits = _kits(project, now, lambda k: k.until < today)
    return sorted(kits, key=lambda k: (k.until, k.start, k.slug), reverse=True)


SOON = timedelta(hours=48)  # a kit closing within this is marked "closes soon"


def closes_at(kit: Kit, tz: tzinfo) -> datetime:
    """The instant a kit closes: the end of its last day (`until`) in the site's time zone."""
    return datetime.combine(kit.until + timedelta(days=1), time(0), tz)


def closes_soon(kit: Kit, now: datetime, tz: tzinfo) -> bool:
    """Whether the kit closes within SOON of `now` (the browser redoes it with the reader's clock)."""
    return timedelta(0) < closes_at(kit, tz) - now <= SOON


def share_order(kits: Iterable[Kit], now: datetime, tz: tzinfo) -> list[Kit]:
    """Kits as "Share now" lists them: those closing soon first (the first to close on top),
    then the newest (the last opened) first; relais-kits.js sorts the same way."""

    def key(kit: Kit) -> tuple[int, float, int, date, str]:
        soon = closes_soon(kit, now, tz)
        return (
            0 if soon else 1,
            closes_at(kit, tz).timestamp() if soon else 0.0,
            -kit.start.toordinal(),
            kit.until,
            kit.slug,
        )

    return sorted(kits, key=key)


def kits_between(project: Project, now: datetime, first: date, last: date) -> list[Kit]:
    """Kits whose window overlaps the days first..last (both included), as known at `now`."""
    kits = _kits(project, now, lambda k: k.start <= last and k.until >= first)
    return sorted(kits, key=lambda k: (k.start, k.until, k.slug))


def variant_index(ambassador_id: str, slug: str, network_id: str, count: int) -> int:
    """The variant an ambassador gets: stable across builds and machines (not Python's hash())."""
    if count <= 1:
        return 0
    digest = hashlib.sha256(f"{ambassador_id}\n{slug}\n{network_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % count


def post_lang(post: Post, config: SiteConfig) -> str:
    return post.lang or config.site.language


def match(post: Post, config: SiteConfig, ambassador: Ambassador) -> tuple[bool, list[str]]:
    """Whether the post's language is one the ambassador speaks, and the topics they share."""
    lang = post_lang(post, config)
    speaks = not ambassador.languages or any(
        lang.split("-")[0] == spoken.split("-")[0] for spoken in ambassador.languages
    )
    mine = {t.casefold() for t in ambassador.topics}
    return speaks, [t for t in post.topics if t.casefold() in mine]


def kits_for(
    kits: list[Kit], config: SiteConfig, ambassador: Ambassador
) -> list[tuple[Kit, list[str]]]:
    """An ambassador's kits with the networks they use, best match first.

    Order: posts in a language they speak first, then more shared topics, then the kit
    closing first, then the slug (a total order, so the page is reproducible).
    """
    chosen = []
    for kit in kits:
        networks = [n for n in kit.networks if n in ambassador.networks]
        if networks:
            chosen.append((kit, networks))

    def key(item: tuple[Kit, list[str]]) -> tuple[int, int, date, str]:
        speaks, topics = match(item[0].post, config, ambassador)
        return (0 if speaks else 1, -len(topics), item[0].until, item[0].slug)

    return sorted(chosen, key=key)


def mastodon_instance(ambassador: Ambassador | None, config: SiteConfig) -> str:
    """The Mastodon instance to share to: the ambassador's (profile or handle), else the site's."""
    if ambassador is not None:
        profile = ambassador.networks.get("mastodon")
        if profile is not None:
            if profile.instance:
                return profile.instance
            handle = (profile.handle or "").strip()
            if handle.count("@") >= 2 or (handle.count("@") == 1 and not handle.startswith("@")):
                return handle.rpartition("@")[2]
    return config.network_settings("mastodon").instance or ""


def prompts(text: str) -> list[str]:
    """The `[[…]]` prompts of a suggestion, in order."""
    return [m.group(1).strip() for m in PROMPT.finditer(text)]


def public_profile(ambassador: Ambassador) -> dict[str, Any]:
    """What the portal may show of an ambassador; built field by field so nothing private slips in."""
    return {
        "id": ambassador.id,
        "name": ambassador.name,
        "team": ambassador.team or "",
        "networks": [
            {
                "id": n,
                "label": network.label if (network := net.get(n)) else n,
                "specialist": bool(s and s.specialist),
            }
            for n, s in ambassador.networks.items()
            if net.get(n) is not None
        ],
        "topics": list(ambassador.topics),
        "languages": list(ambassador.languages),
    }


# --- where a kit is in the portal (kits/, the archive; pages.py and digest.py link to it) ---


def kit_anchor(slug: str) -> str:
    """The id of a kit on kits/ and on its archive month page (its cards add "-<network>")."""
    return f"kit-{slug}"


def archive_path(until: date) -> str:
    """The docs path of the archive page of the month a kit closed (`until`) in."""
    return f"kits/archive/{until:%Y-%m}.md"


def archive_url(kit: Kit) -> str:
    """Where a closed kit is: its anchor on its month's archive page (site-root-relative)."""
    from ..render import page_url  # Markdown and Jinja: not for `relais check`

    return page_url(archive_path(kit.until)) + "#" + kit_anchor(kit.slug)
