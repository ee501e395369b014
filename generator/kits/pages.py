"""The ambassador section: directory, personal pages, all active kits, the archive and kits.json.

Page weight stays linear in kits + ambassadors (never kits × ambassadors): the full cards are
rendered once, on kits/; a personal page only lists its kits (a small no-JS fallback) and
relais-kits.js builds that ambassador's cards from the one public data file, kits.json.
The archive is cut by the month a kit closed: an index of months, then one page per month.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup

from .. import networks as net
from ..model import Ambassador
from ..planner import Planner, post_path, post_url, search_text, upper_first
from ..render import page_url, relative, render
from ..site import Section
from . import data, feeds
from .kit import (
    Card,
    Kit,
    active_kits,
    ambassador_tag,
    archive_path,
    archive_url,
    archived_kits,
    closes_at,
    closes_soon,
    kit_anchor,
    kits_for,
    mastodon_instance,
    match,
    offered_kits,
    prompts,
    public_profile,
    share_order,
    variant_index,
)

DIRECTORY = "ambassadors/index.md"
KITS = "kits/index.md"
ARCHIVE = "kits/archive.md"  # the index of months; each month is archive_path(month)
DATA = "kits.json"
SHARE_LABELS = {"email": "share_email"}  # how a share button reads, when not "Share on {network}"


def ambassador_path(ambassador_id: str) -> str:
    """The docs path of a personal page (planner.ambassador_url gives its URL)."""
    return f"ambassadors/{ambassador_id}.md"


def _json_attr(value: Any) -> str:
    """Compact JSON for a data-* attribute (the template escapes it)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def rules(pl: Planner) -> dict[str, dict[str, Any]]:
    """Counting rules for the browser: networks.js_rules() with the site's limit overrides."""
    out = {}
    for network_id, rule in net.js_rules().items():
        limit = pl.project.config.network_settings(network_id).limit
        out[network_id] = {**rule, "limit": limit or rule["limit"]}
    return out


def labels(pl: Planner) -> dict[str, str]:
    """The strings relais-kits.js shows, in the site's language."""
    keys = (
        "copied",
        "copy_failed",
        "prompt_fill",
        "copied_paste",
        "copy_first_note",
        "share_on",
        "share_email",
        "copy_and_share",
        "no_share_link",
        "instance_bad",
        "characters",
        "bytes",
        "fold_note",
        "over_limit",
        "suggestion_n",
        "kits_load_failed",
        "alt_text",
        "no_link_in_text",
        "text_for",
    )
    return {k: pl.t(k) for k in keys}


def _share_label(pl: Planner, network_id: str, label: str, kind: str) -> str:
    if kind == "url_only":
        return pl.t("copy_and_share", network=label)
    return pl.t(SHARE_LABELS.get(network_id, "share_on"), network=label)


def _note(pl: Planner, label: str, kind: str, link_left_out: bool = False) -> str:
    """What a card says under its buttons: how its network shares, and a link left out."""
    notes = []
    if kind == "url_only":
        notes.append(pl.t("copy_first_note", network=label))
    if kind == "none":
        notes.append(pl.t("no_share_link", network=label))
    if link_left_out:
        notes.append(pl.t("no_link_in_text", network=label))
    return " ".join(notes)


def card_view(
    pl: Planner, kit: Kit, card: Card, *, index: int = 0, instance: str = ""
) -> dict[str, Any]:
    """What the card template shows of one network of a kit (variant `index` first)."""
    composed = [card.composed(i) for i in range(len(card.variants))]
    text = composed[index]
    limit = pl.project.config.network_settings(card.network).limit
    m = net.measure(card.network, text, limit=limit)
    share = None
    if not prompts(text):  # a prompt must be filled first: without JS there is no share link then
        share = net.share_url(
            card.network, text, card.link, instance=instance, subject=kit.post.title
        )
    return dict(
        skeleton=False,
        anchor=f"{kit_anchor(kit.slug)}-{card.network}",
        network=card.network,
        label=card.label,
        share_kind=card.share_kind,
        variants_json=_json_attr(composed),
        variant_count=len(composed),
        index=index,
        text=text,
        rows=min(14, max(4, text.count("\n") + 2 + len(text) // 60)),
        link=card.link,
        link_template=card.link_template,
        count=m.count,
        limit=m.limit,
        fold=m.fold,
        bytes=m.bytes,
        byte_limit=m.byte_limit,
        over=m.over,
        prompts=bool(prompts(text)),
        share_url=share or "",
        share_label=_share_label(pl, card.network, card.label, card.share_kind),
        note=_note(pl, card.label, card.share_kind, bool(kit.post.link) and not card.link),
        instance=instance,
    )


def skeleton_card() -> dict[str, Any]:
    """The empty card relais-kits.js clones on personal pages (every optional part present)."""
    return dict(
        skeleton=True,
        anchor="",
        network="",
        label="",
        share_kind="text",
        variants_json="[]",
        variant_count=2,
        index=0,
        text="",
        rows=4,
        link="",
        link_template="",
        count=0,
        limit=0,
        fold=0,
        bytes=0,
        byte_limit=0,
        over=False,
        prompts=True,
        share_url="",
        share_label="",
        note=" ",
        instance="",
    )


def kit_view(pl: Planner, kit: Kit, **card_options: Any) -> dict[str, Any]:
    """What the kit template shows: the post's title, window, visual and cards."""
    post = kit.post
    t = pl.t
    campaign = pl.campaigns.get(post.campaign or "")
    image = pl.project.image(post.image)
    tz = pl.project.tz
    return dict(
        skeleton=False,
        slug=kit.slug,
        anchor=kit_anchor(kit.slug),
        title=post.title,
        url=post_url(post, pl.now),
        window=t("kit_window", start=t.medium_day(kit.start), end=t.medium_day(kit.until)),
        closing=t("kit_closes", date=t.medium_day(kit.until)),
        start=kit.start.isoformat(),
        closes=closes_at(kit, tz).isoformat(),
        soon=closes_soon(kit, pl.now, tz),
        until=kit.until.isoformat(),
        networks=list(kit.networks),
        campaign_title=campaign.title if campaign else "",
        campaign_color=campaign.color if campaign else "",
        image=image or "",
        image_alt=(post.image_alt or "") if image else "",
        cards=[card_view(pl, kit, c, **card_options) for c in kit.cards],
    )


def skeleton_kit() -> dict[str, Any]:
    """The empty kit relais-kits.js clones on personal pages."""
    return dict(
        skeleton=True,
        slug="",
        anchor="",
        title="",
        url="",
        window="",
        closing="",
        start="",
        closes="",
        soon=False,
        until="",
        networks=[],
        campaign_title="",
        campaign_color="",
        image="",
        image_alt="",
        cards=[],
    )


def _container(pl: Planner, **extra: Any) -> dict[str, str]:
    """The data-* attributes relais-kits.js reads on a kits container."""
    return dict(labels=_json_attr(labels(pl)), **extra)


def _kits_page(pl: Planner, kits: list[Kit]) -> str:
    t = pl.t
    instance = mastodon_instance(None, pl.project.config)
    networks = sorted({n for k in kits for n in k.networks}, key=list(net.NETWORKS).index)
    return render(
        "kits/kits.md.j2",
        meta=pl.meta(
            t("share_kits"),
            hide=["toc"],
            found_as=_kits_entries(pl, kits),
            page=KITS,
            feed={"href": "feed.xml", "title": t("footer_kits_feed")},
        ),
        page=KITS,
        t=t,
        kits=[kit_view(pl, k, instance=instance) for k in kits],
        networks=[(n, net.get(n).label) for n in networks],  # type: ignore[union-attr]
        box=_container(pl, instance=instance, rules=_json_attr(rules(pl))),
    )


def _kits_entries(pl: Planner, kits: list[Kit]) -> list[dict[str, str]]:
    """What search finds on kits/: one entry per kit (its window, networks and first text),
    written as sentences rather than the page's buttons and counters run together."""
    t = pl.t
    entries = [
        {"title": search_text(t("share_kits")), "text": f"<p>{search_text(t('kits_intro'))}</p>"}
    ]
    for kit in kits:
        window = t("kit_window", start=t.medium_day(kit.start), end=t.medium_day(kit.until))
        networks = ", ".join(c.label for c in kit.cards)
        first = kit.cards[0].variants[0] if kit.cards else ""
        entries.append(
            {
                "anchor": kit_anchor(kit.slug),
                "title": search_text(kit.post.title),
                "text": f"<p>{search_text(window, networks)}</p><p>{search_text(first)}</p>",
            }
        )
    return entries


def _archived_view(pl: Planner, kit: Kit) -> dict[str, Any]:
    t = pl.t
    return dict(
        title=kit.post.title,
        anchor=kit_anchor(kit.slug),
        url=post_url(kit.post, pl.now),
        window=t("kit_window", start=t.medium_day(kit.start), end=t.medium_day(kit.until)),
        closed=t("kit_closed", date=t.medium_day(kit.until)),
        cards=[
            dict(network=c.network, label=c.label, variants=list(c.variants)) for c in kit.cards
        ],
    )


def _archive_pages(pl: Planner, kits: list[Kit]) -> dict[str, str]:
    """The archive index (one line per month) and one page per month of closed kits.

    A month is the one its kits closed in; `kits` come most recently closed first, and so
    do the months and each month's kits.
    """
    t = pl.t
    months: dict[date, list[Kit]] = defaultdict(list)
    for kit in kits:
        months[kit.until.replace(day=1)].append(kit)
    ordered = sorted(months, reverse=True)
    infos = [
        dict(url=page_url(archive_path(m)), label=upper_first(t.month(m)), count=len(months[m]))
        for m in ordered
    ]
    # Listing pages: search finds them by their title only (the posts' own pages hold the texts).
    meta = pl.meta(t("kits_archive"), hide=["toc"], found_as="", page=ARCHIVE)
    pages = {ARCHIVE: render("kits/archive.md.j2", meta=meta, page=ARCHIVE, t=t, months=infos)}
    for i, m in enumerate(ordered):
        path = archive_path(m)
        title = t("kits_archive_month", month=t.month(m))
        pages[path] = render(
            "kits/archive_month.md.j2",
            meta=pl.meta(title, hide=["toc"], found_as="", page=path),
            page=path,
            t=t,
            title=title,
            index=page_url(ARCHIVE),
            kits=[_archived_view(pl, k) for k in months[m]],
            prev=infos[i + 1] if i + 1 < len(infos) else None,
            next=infos[i - 1] if i > 0 else None,
        )
    return pages


def _profile_view(pl: Planner, amb: Ambassador, count: int | None = None) -> dict[str, Any]:
    """The public profile as readers see it: topics by their labels, languages by their names."""
    profile = public_profile(amb)
    return {
        **profile,
        "topics": [pl.project.config.topic_label(x) for x in profile["topics"]],
        "languages": pl.t.languages(profile["languages"]),
        "url": pl.ambassador_url(amb.id),
        "kits": count,
    }


def _profile_text(pl: Planner, amb: Ambassador) -> str:
    """What search finds of a personal page: the public profile, never a private field, in
    sentences a reader can scan ("Team: Marketing · Networks: LinkedIn, Instagram")."""
    view = _profile_view(pl, amb)
    t = pl.t
    facts = []
    for key, value in (
        ("team", view["team"]),
        ("networks", ", ".join(n["label"] for n in view["networks"])),
        ("topics", ", ".join(view["topics"])),
        ("languages", view["languages"]),
    ):
        if value:
            facts.append(t("fact", label=t(key), value=value))
    return "".join(f"<p>{search_text(f)}</p>" for f in facts)


def _personal_page(pl: Planner, amb: Ambassador, kits: list[Kit], coming: list[Kit]) -> str:
    """A personal page: "Share now" first (this ambassador's open kits, built in the browser
    from kits.json with their tracked links), then the kits coming soon, then the profile."""
    t = pl.t
    page = ambassador_path(amb.id)
    config = pl.project.config
    tz = pl.project.tz
    mine = {kit.slug: networks for kit, networks in kits_for(kits, config, amb)}
    items = []
    for kit in share_order((k for k in kits if k.slug in mine), pl.now, tz):
        # Their specialist networks first (the card shown open is the one they use most), then
        # those with a share link.
        networks = sorted(
            mine[kit.slug],
            key=lambda n: (not _specialist(amb, n), net.get(n).share_kind == "none"),  # type: ignore[union-attr]
        )
        _, topics = match(kit.post, config, amb)
        picks = " ".join(
            f"{n}:{variant_index(amb.id, kit.slug, n, len(card.variants))}"
            for n in networks
            if (card := kit.card(n)) is not None
        )
        items.append(
            dict(
                slug=kit.slug,
                anchor=kit_anchor(kit.slug),
                title=kit.post.title,
                networks=networks,
                variants=picks,
                closing=t("kit_closes", date=t.medium_day(kit.until)),
                start=kit.start.isoformat(),
                closes=closes_at(kit, tz).isoformat(),
                soon=closes_soon(kit, pl.now, tz),
                topics=[config.topic_label(x) for x in topics],
            )
        )
    upcoming = [
        dict(
            title=kit.post.title,
            url=post_url(kit.post, pl.now),
            opens=t("kit_opens", date=t.medium_day(kit.start)),
        )
        for kit, _ in kits_for(coming, config, amb)
    ]
    # No counting rules here: the page reads them from kits.json with the kits.
    box = _container(
        pl,
        src=relative(page, DATA),
        tag=ambassador_tag(amb.id),
        instance=mastodon_instance(amb, config),
    )
    return render(
        "kits/ambassador.md.j2",
        meta=pl.meta(
            amb.name,
            hide=["toc"],
            found_as=_profile_text(pl, amb),
            page=page,
            feed={"href": "feed.xml", "title": t("feed_title", name=amb.name)},
        ),
        page=page,
        t=t,
        a=_profile_view(pl, amb),
        items=items,
        coming=upcoming,
        box=box,
        skeleton_kit=skeleton_kit(),
        skeleton_card=skeleton_card(),
    )


def _specialist(amb: Ambassador, network_id: str) -> bool:
    profile = amb.networks.get(network_id)
    return bool(profile and profile.specialist)


DIGEST = "kits/digest.md"


def _digest_page(pl: Planner) -> str:
    """The week's digest (what `relais digest` sends by e-mail) as a page of the portal."""
    from .digest import digest_context, parse_week, week_label

    t = pl.t
    monday = parse_week(week_label(pl.now.date()))
    context = digest_context(pl.project, pl.now, monday)
    title = (
        context["title"]
        if context
        else t("digest_title", n=monday.isocalendar()[1], year=monday.isocalendar()[0])
    )
    return render(
        "kits/digest_page.md.j2",
        meta=pl.meta(title, hide=["toc"], found_as="", page=DIGEST),
        page=DIGEST,
        t=t,
        title=title,
        d=context,
    )


COMING_DAYS = 14  # a personal page announces the kits opening within this many days


def coming_kits(pl: Planner) -> list[Kit]:
    """Kits that open after today and within COMING_DAYS, the first to open first."""
    today = pl.now.date()
    soon = [
        k
        for k in offered_kits(pl.project, pl.now).values()
        if today < k.start <= today + timedelta(days=COMING_DAYS)
    ]
    return sorted(soon, key=lambda k: (k.start, k.slug))


def _directory(pl: Planner, kits: list[Kit]) -> str:
    config = pl.project.config
    public = sorted(
        (a for a in pl.project.ambassadors if a.public), key=lambda a: (a.name.casefold(), a.id)
    )
    people = [_profile_view(pl, a, len(kits_for(kits, config, a))) for a in public]
    t = pl.t
    entries = [
        {
            "title": search_text(t("directory")),
            "text": f"<p>{search_text(t('directory_intro'))}</p>",
        }
    ]
    entries += [
        {"anchor": a.id, "title": search_text(a.name), "text": _profile_text(pl, a)} for a in public
    ]
    return render(
        "kits/directory.md.j2",
        meta=pl.meta(t("directory"), hide=["toc"], found_as=entries, page=DIRECTORY),
        page=DIRECTORY,
        t=pl.t,
        people=people,
    )


HOME_KITS = 5  # "Share now" on the home page: the first kits, then a link to all of them


def _quick(view: dict[str, Any]) -> dict[str, Any]:
    """A kit as "Share now" shows it on the home page: its title leads to the whole kit on
    kits/, and the cards with a share link come first, so that the open card has both its
    buttons (Instagram's has none)."""
    cards = sorted(view["cards"], key=lambda c: c["share_kind"] == "none")
    return {**view, "url": f"kits/#{view['anchor']}", "cards": cards}


def _share_now(pl: Planner, kits: list[Kit]) -> str:
    """The home page's first block: the open kits, ready to copy and share."""
    instance = mastodon_instance(None, pl.project.config)
    shown = share_order(kits, pl.now, pl.project.tz)[:HOME_KITS]
    return render(
        "kits/share_now.html.j2",
        page="index.md",
        t=pl.t,
        kits=[_quick(kit_view(pl, k, instance=instance)) for k in shown],
        total=len(kits),
        box=_container(pl, instance=instance, rules=_json_attr(rules(pl))),
    )


def _post_blocks(pl: Planner) -> dict[str, list[str]]:
    """A line on each post page with a kit: open (with a link), coming, or closed."""
    t = pl.t
    today = pl.now.date()
    blocks: dict[str, list[str]] = {}
    offered = offered_kits(pl.project, pl.now)
    for post in pl.project.posts:
        kit = offered.get(post.slug)
        if kit is None:
            continue
        if kit.until < today:
            text, target = t("kit_block_closed", date=t.medium_day(kit.until)), archive_url(kit)
        elif kit.start > today:
            text, target = t("kit_block_upcoming", date=t.medium_day(kit.start)), ""
        else:
            text = t("kit_block_open", date=t.medium_day(kit.until))
            target = page_url(KITS) + "#" + kit_anchor(post.slug)
        page = post_path(post, pl.now)
        blocks[post.slug] = [
            render(
                "kits/post_block.html.j2",
                t=t,
                text=text,
                link=relative(page, target) if target else "",
            )
        ]
    return blocks


def plan(pl: Planner, snapshot: Any) -> Section:
    """The ambassador section of the portal at `pl.now`."""
    project = pl.project
    kits = active_kits(project, pl.now)
    past = archived_kits(project, pl.now)
    coming = coming_kits(pl)
    pages = {
        DIRECTORY: _directory(pl, kits),
        KITS: _kits_page(pl, kits),
        DIGEST: _digest_page(pl),
        **_archive_pages(pl, past),
    }
    for amb in project.ambassadors:
        # Public profiles only; "index" would be the directory itself (relais check: ambassador-id-reserved).
        if pl.ambassador_url(amb.id) and amb.id != "index":
            pages[ambassador_path(amb.id)] = _personal_page(pl, amb, kits, coming)
    files = {DATA: data.kits_json(pl, kits, rules(pl)), feeds.ALL: feeds.all_kits_feed(pl, kits)}
    for amb in project.ambassadors:
        if pl.ambassador_url(amb.id) and amb.id != "index":
            files[feeds.ambassador_feed(amb.id)] = feeds.personal_feed(pl, amb, kits)
    t = pl.t
    return Section(
        pages=pages,
        files=files,
        nav=[
            {
                t("ambassadors"): [
                    {t("directory"): DIRECTORY},
                    {t("share_kits"): KITS},
                    {t("digest_page"): DIGEST},
                    {t("kits_archive"): ARCHIVE},
                ]
            }
        ],
        home_top=[Markup(_share_now(pl, kits))],
        not_in_nav=("/kits/archive/*",),  # the months, reached from the archive's index
    )


def post_blocks(pl: Planner, snapshot: Any) -> Section:
    """The kit block of each post's page ("share it"), planned with the posts' pages; the
    section itself (plan) is planned apart, beside them."""
    return Section(post_blocks=_post_blocks(pl))
