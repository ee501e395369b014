"""The moderation section: approved replies with the decision guide, who to alert, recurring feedback.

Replies reuse the kits' card (templates/kits/_macros.html.j2) and its script, relais-kits.js:
the same live counter, [[placeholder]] blocking and copy button; relais-moderation.js only
searches and filters. Counters use the limits of a reply (networks.reply_limit), not a post's.
The directory is published field by field from `Directory.public_fields`: a field that is not
marked public never reaches a page, a search entry or a data attribute.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from .. import networks as net
from ..kits.checks import fold
from ..kits.kit import prompts
from ..kits.pages import labels as kit_labels
from ..planner import Planner, search_text
from ..render import page_url, render
from ..site import Section
from .checks import reply_limit, reply_networks
from .model import ACTIONS, Directory, Feedback, Library, Moderation, Reply, Topic

REPLIES = "moderation/index.md"
ESCALATION = "moderation/escalation.md"
FEEDBACK = "moderation/feedback.md"
STATUS_ORDER = ("open", "in-progress", "solved", "declined")


def reply_anchor(reply_id: str) -> str:
    return f"reply-{reply_id}"


def topic_anchor(topic_id: str) -> str:
    return f"topic-{topic_id}"


def _json_attr(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def reply_rules(pl: Planner) -> dict[str, dict[str, Any]]:
    """Counting rules for the browser, with the limits of a reply on each network (a reply is
    shown whole: no "see more" fold)."""
    return {
        network_id: {**rule, "limit": reply_limit(pl.project, network_id), "fold": None}
        for network_id, rule in net.js_rules().items()
    }


def card_view(pl: Planner, reply: Reply, network_id: str) -> dict[str, Any]:
    """What the kits' card template shows of one network of a reply (no share link: a reply
    is pasted under the message it answers)."""
    variants = reply.variants(network_id)
    text = variants[0]
    m = net.measure(network_id, text, limit=reply_limit(pl.project, network_id))
    label = net.get(network_id).label  # type: ignore[union-attr]
    return {
        "reply": True,
        "skeleton": False,
        "anchor": f"{reply_anchor(reply.id)}-{network_id}",
        "network": network_id,
        "label": label,
        "share_kind": "none",
        "variants_json": _json_attr(variants),
        "variant_count": len(variants),
        "index": 0,
        "text": text,
        "rows": min(10, max(3, text.count("\n") + 2 + len(text) // 60)),
        "link": "",
        "link_template": "",
        "count": m.count,
        "limit": m.limit,
        "fold": None,  # a reply shows whole: the "see more" fold is a post's
        "bytes": m.bytes,
        "byte_limit": m.byte_limit,
        "over": m.over,
        "prompts": bool(prompts(text)),
        "share_url": "",
        "share_label": "",
        "note": "",
        "instance": "",
    }


def _owner(pl: Planner, owner_id: str | None) -> dict[str, str] | None:
    amb = pl.ambassadors.get(owner_id or "")
    if amb is None or not amb.public:
        return None
    return {"name": amb.name, "url": pl.ambassador_url(amb.id) or ""}


def _topic_link(directory: Directory | None, topic_id: str | None) -> dict[str, str] | None:
    topic = directory.topic_by_id(topic_id) if directory else None
    if topic is None:
        return None
    public = directory.public_fields(topic)  # type: ignore[union-attr]
    detail = [
        getattr(topic, f) for f in ("service", "contact") if f in public and getattr(topic, f)
    ]
    return {
        "label": topic.topic,
        "detail": ", ".join(detail),
        "url": page_url(ESCALATION) + "#" + topic_anchor(topic.id),
    }


def _reply_view(pl: Planner, reply: Reply, situation_label: str) -> dict[str, Any]:
    t = pl.t
    today = pl.now.date()
    networks = reply_networks(pl.project, reply)
    texts = [text for _, text in reply.texts()]
    return {
        "id": reply.id,
        "anchor": reply_anchor(reply.id),
        "situation": reply.situation,
        "title": reply.title,
        "when": reply.when,
        "tone": reply.tone or "",
        "owner": _owner(pl, reply.owner),
        "review": t.medium_day(reply.review),
        "review_iso": reply.review.isoformat(),
        "review_due": t("mod_review_due", date=t.medium_day(reply.review))
        if reply.review < today
        else "",
        "networks": networks,
        "cards": [card_view(pl, reply, n) for n in networks],
        "search": fold(
            " ".join([reply.title, reply.when, reply.tone or "", situation_label, *texts])
        ),
    }


def _situation_views(
    pl: Planner, library: Library, directory: Directory | None
) -> list[dict[str, Any]]:
    t = pl.t
    views = []
    for situation_id, situation in library.situations.items():
        replies = [r for r in library.replies if r.situation == situation_id]
        views.append(
            {
                "id": situation_id,
                "label": situation.label,
                "when": situation.when or "",
                "actions": [
                    {"id": a, "label": t(f"mod_action_{a}")}
                    for a in ACTIONS
                    if a in situation.actions
                ],
                "needs_reply": any(a in ("answer", "escalate") for a in situation.actions),
                "escalate": _topic_link(directory, situation.escalate),
                "replies": [_reply_view(pl, r, situation.label) for r in replies],
            }
        )
    return views


def _guide(pl: Planner, library: Library) -> list[dict[str, Any]]:
    """The four decisions of the charter, each with the team's words and its situations."""
    t = pl.t
    return [
        {
            "id": action,
            "label": t(f"mod_action_{action}"),
            "text": getattr(library.guide, action) or t(f"mod_guide_{action}"),
            "situations": [
                {"id": sid, "label": s.label}
                for sid, s in library.situations.items()
                if action in s.actions
            ],
        }
        for action in ACTIONS
    ]


def _replies_entries(pl: Planner, views: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Search finds each reply by its title, situation and texts."""
    entries = [{"title": search_text(pl.t("mod_replies")), "text": ""}]
    for situation in views:
        for r in situation["replies"]:
            texts = [c["text"] for c in r["cards"]]
            entries.append(
                {
                    "anchor": r["anchor"],
                    "title": search_text(r["title"]),
                    "text": "<p>"
                    + search_text(situation["label"], r["when"], *dict.fromkeys(texts))
                    + "</p>",
                }
            )
    return entries


def _replies_page(pl: Planner, moderation: Moderation) -> str:
    t = pl.t
    library = moderation.library or Library.model_validate({})
    views = _situation_views(pl, library, moderation.directory)
    site_networks = [n for n in pl.project.config.networks if net.get(n) is not None]
    charter = library.charter
    charter_url = (
        f"pages/{charter}/" if charter and charter in {p.slug for p in pl.project.pages} else ""
    )
    box = {"rules": _json_attr(reply_rules(pl)), "labels": _json_attr(_labels(pl))}
    return render(
        "moderation/replies.md.j2",
        meta=pl.meta(
            t("mod_replies"), hide=["toc"], found_as=_replies_entries(pl, views), page=REPLIES
        ),
        page=REPLIES,
        t=t,
        guide=_guide(pl, library),
        charter_url=charter_url,
        situations=views,
        networks=[(n, net.get(n).label) for n in site_networks],  # type: ignore[union-attr]
        box=box,
        escalation_url=page_url(ESCALATION),
    )


def _labels(pl: Planner) -> dict[str, str]:
    """The kits' labels (copy, counters, placeholders) and the filter's own."""
    out = kit_labels(pl)
    for key in ("mod_shown_one", "mod_shown_other"):
        out[key] = pl.t(key, n="{n}")
    return out


def public_topic(directory: Directory, topic: Topic) -> dict[str, Any]:
    """What the portal may show of a topic: built field by field from the public list."""
    return {
        "id": topic.id,
        "anchor": topic_anchor(topic.id),
        "topic": topic.topic,
        "fields": [
            (name, getattr(topic, name))
            for name in directory.public_fields(topic)
            if getattr(topic, name)
        ],
    }


def _escalation_page(pl: Planner, moderation: Moderation) -> str:
    t = pl.t
    directory = moderation.directory
    if directory is None or moderation.failed_to_load("public", "*"):
        topics: list[dict[str, Any]] = []  # a broken `public` list publishes nothing
    else:
        topics = [public_topic(directory, topic) for topic in directory.topics]
    entries = [{"title": search_text(t("mod_who_to_alert")), "text": ""}] + [
        {
            "anchor": v["anchor"],
            "title": search_text(v["topic"]),
            "text": "<p>" + search_text(*(value for _, value in v["fields"])) + "</p>",
        }
        for v in topics
    ]
    return render(
        "moderation/escalation.md.j2",
        meta=pl.meta(t("mod_who_to_alert"), hide=["toc"], found_as=entries, page=ESCALATION),
        page=ESCALATION,
        t=t,
        topics=topics,
    )


def _feedback_view(pl: Planner, item: Feedback, moderation: Moderation) -> dict[str, Any]:
    t = pl.t
    replies = []
    for reply_id in item.replies:
        reply = moderation.reply(reply_id)
        if reply is not None:
            replies.append(
                {"title": reply.title, "url": page_url(REPLIES) + "#" + reply_anchor(reply_id)}
            )
    return {
        "id": item.id,
        "topic": item.topic,
        "first_seen": t.medium_day(item.first_seen),
        "first_iso": item.first_seen.isoformat(),
        "last_seen": t.medium_day(item.last_seen) if item.last_seen else "",
        "last_iso": item.last_seen.isoformat() if item.last_seen else "",
        "count": item.count,
        "count_label": t.plural("mod_times", item.count),
        "status": item.status,
        "status_label": t(f"feedback_{item.status}"),
        "owner": _owner(pl, item.owner),
        "replies": replies,
        "escalate": _topic_link(moderation.directory, item.escalate),
        "note": item.note or "",
    }


def _feedback_key(item: Feedback) -> tuple[int, int, date, str]:
    return (STATUS_ORDER.index(item.status), -item.count, item.first_seen, item.id)


def _feedback_page(pl: Planner, moderation: Moderation) -> str:
    t = pl.t
    items = [
        _feedback_view(pl, f, moderation) for f in sorted(moderation.feedback, key=_feedback_key)
    ]
    entries = [{"title": search_text(t("mod_feedback")), "text": ""}] + [
        {
            "anchor": f"feedback-{v['id']}",
            "title": search_text(v["topic"]),
            "text": "<p>" + search_text(v["status_label"], v["note"]) + "</p>",
        }
        for v in items
    ]
    return render(
        "moderation/feedback.md.j2",
        meta=pl.meta(t("mod_feedback"), hide=["toc"], found_as=entries, page=FEEDBACK),
        page=FEEDBACK,
        t=t,
        items=items,
    )


def plan(pl: Planner, snapshot: Any) -> Section:
    """The moderation section; nothing when moderation/ holds no file."""
    moderation = pl.project.moderation
    if moderation is None or moderation.empty:
        return Section()
    t = pl.t
    pages = {
        REPLIES: _replies_page(pl, moderation),
        ESCALATION: _escalation_page(pl, moderation),
        FEEDBACK: _feedback_page(pl, moderation),
    }
    return Section(
        pages=pages,
        nav=[
            {
                t("moderation"): [
                    {t("mod_replies"): REPLIES},
                    {t("mod_who_to_alert"): ESCALATION},
                    {t("mod_feedback"): FEEDBACK},
                ]
            }
        ],
    )
