"""The watch section of the portal, planned from the cached snapshot (never the network)."""

from __future__ import annotations

from typing import Any

from ..site import Section
from . import render
from .config import ID_RE


def plan(planner: Any, snapshot: Any) -> Section:
    """Theme pages, a navigation entry and the home block; nothing when no feed is configured."""
    config = planner.project.config
    watch = config.watch
    if snapshot is None or not watch.feeds:
        return Section()
    lang = config.site.language
    t = render._Text(lang)
    pages = render.pages(
        snapshot,
        watch,
        lang=lang,
        now=planner.now,
        repo_url=config.site.repo_url,
        site_url=config.site.url,
        networks=list(config.networks)[:1],
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
    return Section(
        pages=pages,
        nav=[{t("watch"): ["watch/index.md", *theme_nav]}],
        home=[home] if home else [],
    )
