"""The weekly digest: the week's kits as an e-mail-ready HTML file and as Markdown.

Pure: from the project, `now` and an ISO week to two texts. A kit belongs to a week when
its window overlaps it; an embargoed post is left out (the digest is written at `now`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from markupsafe import Markup

from .. import networks as net
from ..i18n import Translator
from ..model import Ambassador, Project
from ..render import render
from .data import absolute
from .kit import Kit, archive_url, kit_anchor, kits_between, kits_for, variant_index

_WEEK = re.compile(r"(\d{4})-[Ww](\d{1,2})")
_MD_INLINE = re.compile(r"([\\`*_\[\]<>])|&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"^(\s*(?:\d+)?)([#>+=|.)-])")


def md_inline(value: str) -> Markup:
    """Text for a Markdown line that reads naturally: only what Markdown would act on is escaped."""
    text = _MD_INLINE.sub(lambda m: "\\" + (m.group(1) or "&"), str(value))
    return Markup(_MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text))


@dataclass(frozen=True)
class Digest:
    """One week's digest, for everyone or for one ambassador."""

    week: str
    monday: date
    kits: tuple[Kit, ...]
    html: str
    markdown: str

    def filename(self, ambassador_id: str | None, suffix: str) -> str:
        return (
            f"relais-digest-{self.week}" + (f"-{ambassador_id}" if ambassador_id else "") + suffix
        )


def parse_week(text: str) -> date:
    """The Monday of an ISO week written YYYY-Www; ValueError with the reason otherwise."""
    m = _WEEK.fullmatch(text.strip())
    if not m:
        raise ValueError(f"'{text}' is not an ISO week like 2026-W49")
    try:
        return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        raise ValueError(f"week {int(m.group(2))} does not exist in {m.group(1)}") from None


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _item(
    project: Project,
    t: Translator,
    kit: Kit,
    networks: list[str],
    ambassador: Ambassador | None,
    first: date,
    today: date,
) -> dict[str, Any]:
    base = project.config.site.url
    public = ambassador is not None and ambassador.public
    page = f"ambassadors/{ambassador.id}/" if public else "kits/"  # type: ignore[union-attr]
    url = absolute(
        base, f"{page}#{kit_anchor(kit.slug)}" if kit.until >= today else archive_url(kit)
    )
    cards = []
    for network_id in networks:
        card = kit.card(network_id)
        if card is None:
            continue
        pick = (
            variant_index(ambassador.id, kit.slug, network_id, len(card.variants))
            if ambassador
            else 0
        )
        cards.append(dict(label=card.label, lines=card.variants[pick].strip().split("\n")))
    image = project.image(kit.post.image)
    path = f"{page}#{kit_anchor(kit.slug)}" if kit.until >= today else archive_url(kit)
    return dict(
        title=kit.post.title,
        url=url,
        path=path,  # the same place, from the site's root (the portal's own digest page)
        image_path=image or "",
        window=t("kit_window", start=t.medium_day(kit.start), end=t.medium_day(kit.until)),
        opens=t("digest_opens", date=t.medium_day(kit.start)) if kit.start > first else "",
        networks=", ".join(net.get(n).label for n in networks if net.get(n)),  # type: ignore[union-attr]
        image=absolute(base, image) if image else "",
        image_alt=kit.post.image_alt or "",
        cards=cards,
    )


def digest_context(
    project: Project, now: datetime, monday: date, ambassador: Ambassador | None = None
) -> dict[str, Any] | None:
    """What the digest of the week starting `monday` says (the e-mail, its Markdown and the
    portal's page render it), or None when it has no kit to share."""
    sunday = monday + timedelta(days=6)
    kits = kits_between(project, now, monday, sunday)
    if ambassador is not None:
        chosen = kits_for(kits, project.config, ambassador)
    else:
        chosen = [(k, list(k.networks)) for k in kits]
    if not chosen:
        return None
    t = Translator(project.config.site.language)
    site = project.config.site
    week = week_label(monday)
    context = dict(
        t=t,
        lang=site.language,
        site_name=site.name,
        title=t("digest_title", n=monday.isocalendar()[1], year=monday.isocalendar()[0]),
        hello=t("digest_hello", name=ambassador.name) if ambassador else "",
        intro=t(
            "digest_intro" if ambassador else "digest_intro_all",
            start=t.medium_day(monday),
            end=t.medium_day(sunday),
        ),
        md=md_inline,
        portal=absolute(
            site.url,
            f"ambassadors/{ambassador.id}/" if ambassador and ambassador.public else "kits/",
        ),
        kits=[
            _item(project, t, k, n, ambassador, monday, now.astimezone(project.tz).date())
            for k, n in chosen
        ],
        chosen=tuple(k for k, _ in chosen),
        week=week,
    )
    return context


def digest(
    project: Project, now: datetime, monday: date, ambassador: Ambassador | None = None
) -> Digest | None:
    """The digest of the week starting `monday`, or None when it has no kit to share.

    Links and images are absolute, on site.url: the e-mail is read outside the portal (an
    image on an intranet host shows wherever that host is reachable, its alt text elsewhere).
    """
    context = digest_context(project, now, monday, ambassador)
    if context is None:
        return None
    return Digest(
        context["week"],
        monday,
        context["chosen"],
        render("kits/digest.html.j2", **context),
        render("kits/digest.md.j2", **context),
    )
