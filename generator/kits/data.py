"""kits.json: the active kits as public data, for relais-kits.js, chat bots and newsletters.

Only what the kits page shows goes in: never an ambassador, never an embargoed post.
Format documented in docs-kits.md; `version` changes only on an incompatible change.
"""

from __future__ import annotations

import json
from typing import Any

from .. import networks as net
from ..planner import Planner, post_url
from .kit import Kit, post_lang, prompts

VERSION = 1


def absolute(base: str, path: str) -> str:
    """A site-root-relative path made absolute against site.url."""
    return base.rstrip("/") + "/" + path.lstrip("/")


def _card(kit: Kit, index: int, subject: str) -> dict[str, Any]:
    card = kit.cards[index]
    variants = []
    for i, text in enumerate(card.variants):
        composed = card.composed(i)
        # A variant with a [[prompt]] has no ready share link: the prompt must be filled first.
        share = (
            None
            if prompts(text)
            else net.share_url(card.network, composed, card.link, subject=subject)
        )
        variants.append(
            {"text": text, "composed": composed, "prompts": prompts(text), "share_url": share}
        )
    return {
        "network": card.network,
        "label": card.label,
        "share": card.share_kind,
        "hashtags": list(card.hashtags),
        "disclosure": card.disclosure,
        "link": card.link,
        "link_template": card.link_template,
        "variants": variants,
    }


def kit_record(pl: Planner, kit: Kit) -> dict[str, Any]:
    """One kit as kits.json holds it."""
    post = kit.post
    base = pl.project.config.site.url
    campaign = pl.campaigns.get(post.campaign or "")
    image = None
    visual = pl.project.image(post.image)
    if visual:
        image = {"path": visual, "url": absolute(base, visual), "alt": post.image_alt or ""}
    page = post_url(post, pl.now)
    return {
        "slug": kit.slug,
        "title": post.title,
        "date": pl.local(post.date).isoformat() if post.date else None,
        "from": kit.start.isoformat(),
        "until": kit.until.isoformat(),
        "lang": post_lang(post, pl.project.config),
        "topics": list(post.topics),
        "campaign": {"id": campaign.id, "title": campaign.title, "color": campaign.color}
        if campaign
        else None,
        "post": {"path": page, "url": absolute(base, page)},
        "kit": {"path": f"kits/#kit-{kit.slug}", "url": absolute(base, f"kits/#kit-{kit.slug}")},
        "link": post.link,
        "image": image,
        "cards": [_card(kit, i, post.title) for i in range(len(kit.cards))],
    }


def kits_json(pl: Planner, kits: list[Kit], rules: dict[str, dict[str, Any]]) -> bytes:
    """The bytes of kits.json: same project and `now`, same bytes."""
    used = sorted({c.network for k in kits for c in k.cards}, key=list(net.NETWORKS).index)
    document = {
        "version": VERSION,
        "generated": pl.now.isoformat(),
        "site": pl.project.config.site.url,
        "networks": {
            n: {
                "label": net.get(n).label,  # type: ignore[union-attr]
                "share": net.get(n).share_kind,  # type: ignore[union-attr]
                "links": net.get(n).clickable_links,  # type: ignore[union-attr]
                **rules[n],
            }
            for n in used
        },
        "kits": [kit_record(pl, k) for k in kits],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
