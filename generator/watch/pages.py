"""The watch section of the portal, planned from the cached snapshot (never the network)."""

from __future__ import annotations

from typing import Any

from ..site import Section
from . import render
from .alerts import evaluate, matches
from .config import ID_RE


def plan(planner: Any, snapshot: Any) -> Section:
    """Theme pages, a navigation entry and the home block; nothing when no feed is configured."""
    config = planner.project.config
    watch = config.watch
    if snapshot is None or not watch.feeds:
        return Section()
    lang = config.site.language
    t = render._Text(lang)
    found = matches(snapshot, watch)
    marks = {item_id: (match[0], match[1]) for item_id, match in found.items()}
    pages = render.pages(
        snapshot,
        watch,
        lang=lang,
        now=planner.now,
        repo_url=config.site.repo_url,
        site_url=config.site.url,
        networks=list(config.networks)[:1],
        alerts=marks,
    )
    theme_nav = [
        {theme.label: f"watch/{theme_id}.md"}
        for theme_id, theme in watch.themes.items()
        if ID_RE.match(theme_id) and f"watch/{theme_id}.md" in pages
    ]
    home = render.home_markdown(
        snapshot,
        watch,
        lang=lang,
        now=planner.now,
        repo_url=config.site.repo_url,
        watch_href="watch/index.md",
    )
    banner = render.alerts_banner(
        evaluate(snapshot, watch, planner.now, found),
        watch,
        lang=lang,
        who=_who(planner.project),
        watch_href="watch/",
        directory_href="moderation/escalation/",
    )
    return Section(
        pages=pages,
        nav=[{t("watch"): ["watch/index.md", *theme_nav]}],
        home=[home] if home else [],
        banners=[banner] if banner else [],
    )


def _who(project: Any) -> dict[str, tuple[str, str]]:
    """Who to alert per escalation topic: its public service and contact, and its anchor."""
    moderation = project.moderation
    directory = moderation.directory if moderation is not None else None
    if directory is None or moderation.failed_to_load("public", "*"):
        return {}
    who = {}
    for topic in directory.topics:
        public = directory.public_fields(topic)
        parts = [
            getattr(topic, f) for f in ("service", "contact") if f in public and getattr(topic, f)
        ]
        if parts:
            who[topic.id] = (", ".join(parts), f"topic-{topic.id}")
    return who
