"""What every section plans with: the Planner (translation, post views, links, search entries).

The planner of each feature area (calendar, kits, watch, ...) and the core pages of plan.py
receive one Planner. Pure: nothing is read or written here. This module imports no section
and no stage above it (see docs/contributor/architecture.md, "The import rule").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup

from . import networks as net
from . import search
from .brief import Converted, converted, keep
from .i18n import Translator
from .model import Post, Project, is_embargoed
from .render import front_matter

search_text = search.text  # what feature planners use for their pages' entries


def post_path(post: Post, now: datetime) -> str:
    """The docs path of a post's page; an embargoed post's slug could give it away, so its
    address is keyed with the site's secret instead (load.neutral_name)."""
    if is_embargoed(post, now):
        neutral = post.neutral or hashlib.sha256(post.slug.encode()).hexdigest()[:20]
        return f"posts/embargo-{neutral}.md"
    return f"posts/{post.slug}.md"


def post_url(post: Post, now: datetime) -> str:
    return post_path(post, now)[: -len(".md")] + "/"


@dataclass(frozen=True)
class PostView:
    """What templates show of a post, already translated, formatted and stripped under embargo."""

    slug: str
    url: str
    title: str
    status: str
    status_label: str
    networks: list[str]
    iso: str
    when: str
    when_long: str
    embargoed: bool
    format_label: str = ""
    due: str = ""
    owner_id: str | None = None
    owner_name: str | None = None
    owner_url: str | None = None
    campaign_id: str | None = None
    campaign_title: str | None = None
    campaign_color: str | None = None
    campaign_url: str | None = None
    key_date_title: str | None = None
    topics: list[str] = field(default_factory=list)
    lang: str | None = None
    link: str | None = None
    image: str | None = None
    image_alt: str | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    body: str = ""
    brief_html: str | None = None  # the body converted (brief.py), or None: MkDocs converts it
    edit_url: str | None = None
    blocks: list[str] = field(default_factory=list)


class Planner:
    """Shared helpers for every section: translation, post views, links."""

    def __init__(self, project: Project, now: datetime) -> None:
        self.project = project
        self.now = now.astimezone(project.tz)
        self.t = Translator(project.config.site.language)
        self.campaigns = {c.id: c for c in project.campaigns}
        self.key_dates = {k.id: k for k in project.key_dates}
        self.ambassadors = {a.id: a for a in project.ambassadors}
        # A post is shown on several pages (its own, the archive, the calendar, feeds): build
        # its view once. Keyed by id: the project keeps every post alive while planning.
        self._views: dict[tuple[int, bool], PostView] = {}
        self.found: dict[str, list[dict[str, str]]] = {}  # search entries by docs path (see meta)
        # Briefs converted elsewhere, by slug (brief.convert_files); see brief().
        self.briefs: dict[str, Converted] = {}
        self._kept: set[str] = set()  # briefs of self.briefs given to the build cache

    def campaign_url(self, campaign_id: str | None) -> str | None:
        return f"calendar/campaigns/{campaign_id}/" if campaign_id in self.campaigns else None

    def ambassador_url(self, ambassador_id: str | None) -> str | None:
        amb = self.ambassadors.get(ambassador_id or "")
        return f"ambassadors/{amb.id}/" if amb and amb.public else None

    def local(self, value: datetime) -> datetime:
        return value.astimezone(self.project.tz)

    def view(self, post: Post, *, full: bool = False) -> PostView:
        """What templates show of `post` (everything with full=True); the same object each time."""
        key = (id(post), full)
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = self._view(post, full)
        return view

    def _view(self, post: Post, full: bool) -> PostView:
        t = self.t
        embargoed = is_embargoed(post, self.now)
        when = self.local(post.date) if post.date else None
        base: dict[str, Any] = dict(
            slug=post.slug,
            url=post_url(post, self.now),
            title=t("embargoed") if embargoed else post.title,
            status=post.status.value,
            status_label=t.status(post.status.value),
            networks=list(post.networks),
            iso=when.isoformat() if when else "",
            when=f"{t.short_day(when)} {t.clock(when)}" if when else t("unscheduled"),
            when_long=t.moment(when) if when else t("unscheduled"),
            embargoed=embargoed,
        )
        if embargoed:
            return PostView(**base)
        campaign = self.campaigns.get(post.campaign or "")
        owner = self.ambassadors.get(post.owner or "")
        key_date = self.key_dates.get(post.key_date or "")
        base.update(
            format_label=t.format(post.format),
            owner_id=post.owner if owner is None or owner.public else None,
            owner_name=owner.name
            if owner and owner.public
            else (post.owner if owner is None else None),
            owner_url=self.ambassador_url(post.owner),
            campaign_id=post.campaign,
            campaign_title=campaign.title if campaign else None,
            campaign_color=campaign.color if campaign else None,
            campaign_url=self.campaign_url(post.campaign),
            key_date_title=key_date.title if key_date else None,
        )
        if not full:
            return PostView(**base)
        config = self.project.config
        repo = config.site.repo_url
        messages = []
        for network_id in post.networks:
            text = post.messages.get(network_id)
            if text is None:
                continue
            # Counted as posted: the text and the post's link, as `relais check` counts it.
            measure = net.measure(
                network_id,
                net.compose(text, link=post.link or ""),
                limit=config.network_settings(network_id).limit,
            )
            limit = measure.limit
            messages.append(
                dict(
                    network=network_id,
                    text=text,
                    count=measure.count,
                    limit=limit,
                    over=bool(limit and measure.count > limit) or measure.over,
                )
            )
        base.update(
            due=self.t.medium_day(post.due) if post.due else "",
            topics=[config.topic_label(x) for x in post.topics],
            lang=t.language(post.lang) if post.lang else None,
            link=post.link,
            image=self.project.image(post.image),
            image_alt=post.image_alt,
            messages=messages,
            body=post.body.strip(),
            brief_html=self.brief(post),
            edit_url=f"{repo.rstrip('/')}/edit/{config.site.branch}/content/posts/{post.slug}.md"
            if repo
            else None,
        )
        return PostView(**base)

    def converted_brief(self, post: Post) -> Converted | None:
        """The brief of `post` converted (brief.converted), or None without a brief. One
        converted elsewhere is taken only if it was converted from the same text."""
        body = post.body.strip()
        if not body:
            return None
        site = self.project.config.site
        done = self.briefs.get(post.slug)
        if done is None or done[:3] != (site.language, site.url, body):
            done = self.briefs[post.slug] = converted(body, site.language, site.url)
            keep(done)
            self._kept.add(post.slug)
        elif post.slug not in self._kept:
            keep(done)  # converted in another process: kept in the cache from here
            self._kept.add(post.slug)
        return done

    def brief(self, post: Post) -> str | None:
        """The brief of `post` as HTML under its heading, or None (none, or MkDocs converts it)."""
        done = self.converted_brief(post)
        return done[3] if done is not None else None

    def brief_entry(self, post: Post) -> dict[str, str] | None:
        """The search entry of the brief of `post` when it is converted here (search.section)."""
        done = self.converted_brief(post)
        return done[4] if done is not None else None

    def meta(
        self,
        title: str,
        *,
        found_as: str | list[dict[str, str]] | None = None,
        page: str = "",
        **extra: Any,
    ) -> Markup:
        """A page's front matter.

        `found_as` is what search finds of the docs page `page`, written here rather than
        parsed again from the page by Material's search (see mkdocs_hooks): a text (HTML,
        escaped) for one entry under the page's title, or a list of entries.
        """
        if found_as is not None:
            if not page:
                raise ValueError("found_as needs the page's docs path")
            entries = (
                [{"title": search_text(title), "text": found_as}]
                if isinstance(found_as, str)
                else found_as
            )
            self.found[page] = entries
            extra["search"] = {"exclude": True}
        return Markup(front_matter({"title": title, **extra}))


def upper_first(text: str) -> str:
    """`text` with its first letter in capitals (a day or month name starting a line)."""
    return text[:1].upper() + text[1:]
