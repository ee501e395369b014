"""Stage 3: plan the portal: from the project and `now`, the pages and files to write.

Pure: no file is read or written here, except the templates. Each feature area
(calendar, kits, watch, ...) contributes a Section, planned in the order of the registry
(features.py); this module owns the home page, the post pages, the monthly archive and the
free pages, and composes them with the sections. What every section plans with (the
Planner, post views and paths) lives below it, in planner.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import features, headers
from .brief import Converted
from .calendar.recurrence import all_occurrences
from .model import Post, Project, Status, is_embargoed
from .planner import (
    Planner,
    PostView,
    post_path,
    search_text,
    upper_first,
)
from .render import front_matter, network_label, render, safe_markdown
from .site import Section, Site

UPCOMING_DAYS = 30
KEY_DATES_DAYS = 60


def _home(
    pl: Planner, blocks: list[str], top: Sequence[str] = (), banners: Sequence[str] = ()
) -> dict[str, str]:
    t = pl.t
    now = pl.now
    # Compared as instants: Python compares two times of one zone by their wall clock, which is
    # an hour off for a post in the repeated hour of an autumn night.
    start, horizon = now.timestamp(), (now + timedelta(days=UPCOMING_DAYS)).timestamp()
    upcoming = sorted(
        (
            p
            for p in pl.project.posts
            if p.date and start <= p.date.timestamp() < horizon and p.status is not Status.cancelled
        ),
        key=lambda p: (p.date.timestamp(), p.slug),  # type: ignore[union-attr]
    )
    by_day: dict[date, list[PostView]] = defaultdict(list)
    for post in upcoming:
        by_day[pl.local(post.date).date()].append(pl.view(post))  # type: ignore[arg-type]
    today = now.date()
    key_dates = [
        dict(
            iso=o.start.isoformat(),
            when=(
                t.short_day(o.start)
                if o.days == 1
                else t("from_to", start=t.short_day(o.start), end=t.short_day(o.end))
            ),
            title=o.key_date.title,
            category=o.key_date.category,
        )
        for o in all_occurrences(
            pl.project.key_dates, today, today + timedelta(days=KEY_DATES_DAYS)
        )
    ]
    campaigns = [
        dict(
            title=c.title,
            color=c.color,
            url=pl.campaign_url(c.id),
            span=t("from_to", start=t.medium_day(c.start), end=t.medium_day(c.end)),
        )
        for c in sorted(pl.project.campaigns, key=lambda c: (c.start, c.id))
        if c.start <= today <= c.end
    ]
    text = render(
        "home.md.j2",
        meta=pl.meta(pl.project.config.site.name, hide=["navigation", "toc"]),
        page="index.md",
        t=t,
        site_name=pl.project.config.site.name,
        upcoming=[(upper_first(t.day(d)), views) for d, views in by_day.items()],
        key_dates=key_dates,
        campaigns=campaigns,
        blocks=blocks,
        top=top,
        banners=[Markup(b) for b in banners],
    )
    return {"index.md": text}


# Search finds a post's messages and brief for a year after its date; an older post by its
# title and facts only (date, networks, owner, campaign, key date, topics), so that the index
# every reader's browser downloads grows by about 0.6 kB a post of the history rather than
# 2.6 kB (3.1 MB instead of 5.25 MB at 2,000 posts, 7.9 MB at 10,000: performance.md).
SEARCH_WHOLE_DAYS = 365


def search_entries(pl: Planner, post: Post, view: PostView) -> list[dict[str, str]]:
    """What search finds of a post: its facts, its messages, its brief (when MkDocs converts
    the brief, the MkDocs hook adds it); of a post older than SEARCH_WHOLE_DAYS, its facts
    only (the hook is told to leave its brief out). Labels and counters are left out."""
    t = pl.t
    facts = [
        view.when_long,
        view.status_label,
        ", ".join(network_label(n) for n in view.networks),
        view.format_label,
        view.owner_name or "",
        view.campaign_title or "",
        view.key_date_title or "",
        ", ".join(view.topics),
    ]
    entries = [{"title": search_text(view.title), "text": f"<p>{search_text(*facts)}</p>"}]
    if post.date is not None and post.date < pl.now - timedelta(days=SEARCH_WHOLE_DAYS):
        entries[0]["brief"] = "no"  # read by mkdocs_hooks.search_entries, never indexed
        return entries
    if view.messages:
        entries.append(
            {
                "anchor": "messages",
                "title": search_text(t("messages")),
                "text": " ".join(f"<p>{search_text(m['text'])}</p>" for m in view.messages),
            }
        )
    brief = pl.brief_entry(post) if view.brief_html else None
    if brief is not None:  # else the hook indexes the brief MkDocs converts
        entries.append(brief)
    return entries


def post_page(pl: Planner, post: Post, blocks: list[str]) -> tuple[str, str]:
    """The docs path and Markdown of one post's page, with the feature blocks given."""
    path = post_path(post, pl.now)
    view = pl.view(post, full=True)
    if not view.embargoed and blocks:
        view = PostView(**{**view.__dict__, "blocks": blocks})
    # An embargoed post has nothing to find; the others bring their own entries (mkdocs_hooks).
    if view.embargoed:
        meta = pl.meta(view.title, hide=["navigation"], search={"exclude": True})
    else:
        meta = pl.meta(
            view.title, hide=["navigation"], found_as=search_entries(pl, post, view), page=path
        )
    return path, render("post.md.j2", meta=meta, page=path, t=pl.t, p=view)


@dataclass(frozen=True)
class Briefs:
    """Briefs converted elsewhere (build.py: in a second process, while this one loads): those
    of the posts in `slugs`, given by `get()` as brief.convert_files() makes them."""

    slugs: frozenset[str]
    get: Callable[[], dict[str, Converted]]


def _post_pages(
    pl: Planner, post_blocks: dict[str, list[str]], briefs: Sequence[Briefs] = ()
) -> dict[str, str]:
    """Every post's page. With `briefs` (converted elsewhere), the other posts come first, then
    each share in turn, so that its briefs are ready when its posts' turn comes."""
    pages = {}

    def render(posts: Iterable[Post]) -> None:
        for post in posts:
            path, text = post_page(pl, post, post_blocks.get(post.slug, []))
            pages[path] = text

    shared = frozenset().union(*(b.slugs for b in briefs))
    render(p for p in pl.project.posts if p.slug not in shared)
    for share in briefs:
        pl.briefs.update(share.get())
        render(p for p in pl.project.posts if p.slug in share.slugs)
    return pages


def _archive(pl: Planner) -> dict[str, str]:
    t = pl.t
    months: dict[date, list[Post]] = defaultdict(list)
    for post in pl.project.posts:
        if post.date:
            d = pl.local(post.date)
            months[date(d.year, d.month, 1)].append(post)
    ordered = sorted(months, reverse=True)
    infos = [
        dict(url=f"archive/{m:%Y-%m}/", label=upper_first(t.month(m)), count=len(months[m]))
        for m in ordered
    ]
    pages = {
        "archive/index.md": render(
            "archive_index.md.j2",
            meta=pl.meta(t("archive")),
            page="archive/index.md",
            t=t,
            months=infos,
        )
    }
    for i, m in enumerate(ordered):
        path = f"archive/{m:%Y-%m}.md"
        posts = sorted(months[m], key=lambda p: (p.date, p.slug))
        pages[path] = render(
            "archive_month.md.j2",
            # Left out of search: a month only lists posts whose own pages search finds.
            meta=pl.meta(t("month_posts", month=t.month(m)), search={"exclude": True}),
            page=path,
            t=t,
            month=t.month(m),
            posts=[pl.view(p) for p in posts],
            prev=infos[i + 1] if i + 1 < len(infos) else None,
            next=infos[i - 1] if i > 0 else None,
        )
    return pages


def _free_pages(pl: Planner) -> Section:
    pages = {}
    nav = []
    for page in sorted(pl.project.pages, key=lambda p: p.slug):
        path = f"pages/{page.slug}.md"
        pages[path] = front_matter({"title": page.title}) + safe_markdown(page.body)
        nav.append({page.title: path})
    return Section(pages=pages, nav=[{pl.t("guides"): nav}] if nav else [])


def _media(pl: Planner) -> Section:
    """The files of content/media/ (load checked them, see media.py), SVGs rewritten clean.

    An embargoed post's visual is withheld until its time, compared as files (the identity
    load gave each one), not as paths: `./media/x.png`, `media//x.png` and a link to it are
    the same file. A visual that a public post shows too is published."""
    from . import media

    project = pl.project
    embargoed: set[tuple[int, int] | None] = set()
    public: set[tuple[int, int] | None] = set()
    for post in project.posts:
        visual = project.image(post.image)
        if visual is not None:
            side = embargoed if is_embargoed(post, pl.now) else public
            side.add(project.media_ids.get(visual))
    withheld = embargoed - public
    content = Path(project.root) / "content"
    copies: dict[str, Path] = {}
    files: dict[str, bytes] = {}
    for rel in sorted(project.media):
        if project.media_ids.get(rel) in withheld:
            continue  # an embargoed visual must not be published before its time
        if rel.lower().endswith(".svg"):
            files[rel] = media.clean_svg((content / rel).read_bytes()).data
        else:
            copies[rel] = content / rel
    return Section(files=files, copies=copies)


@dataclass(frozen=True)
class Apart:
    """The sections planned apart from the posts' pages (see plan_apart), by their place in
    features.FEATURES, and the search entries their pages brought."""

    sections: dict[int, Section]
    found: dict[str, list[dict[str, str]]]
    briefs: dict[str, Converted] = field(default_factory=dict)


def plan_apart(
    pl: Planner, snapshot: Any = None, brief_slugs: frozenset[str] = frozenset()
) -> Apart:
    """The sections that the posts' pages do not need (calendar, watch), and the briefs of
    the posts in `brief_slugs`: `relais build` plans them in a second process while this
    one plans the posts (jobs.py)."""
    briefs = {
        p.slug: done
        for p in pl.project.posts
        if p.slug in brief_slugs and not is_embargoed(p, pl.now) and (done := pl.converted_brief(p))
    }
    sections = {
        i: section(pl, snapshot) for i, (section, apart) in enumerate(features.sections()) if apart
    }
    return Apart(sections, dict(pl.found), briefs)


def chrome(pl: Planner) -> dict[str, Any]:
    """The words around every page (the theme's footer and 404 page), in the site's language.
    The day only, not the hour: `relais serve` would otherwise restage every page each time."""
    t = pl.t
    config = pl.project.config
    links = [
        {"text": t("footer_subscribe"), "url": "calendar/#relais-cal-subscriptions"},
        {"text": t("footer_kits_feed"), "url": "kits/feed.xml"},
    ]
    if config.site.repo_url:
        links.append({"text": t("footer_repo"), "url": config.site.repo_url})
    return {
        "footer": {
            "label": t("footer_label"),
            "built": t("generated", date=t.day(pl.now)),
            "built_iso": pl.now.date().isoformat(),
            "links": links,
        },
        "preview": {"title": t("preview_errors"), "text": t("preview_errors_text")},
        "not_found": {
            "title": t("not_found_title"),
            "text": t("not_found_text"),
            "home": t("not_found_home"),
            "search": t("not_found_search"),
        },
    }


def plan(
    project: Project,
    now: datetime,
    snapshot: Any = None,
    *,
    apart: Callable[[], Apart] | None = None,
    briefs: Sequence[Briefs] = (),
    posts: bool = True,
) -> Site:
    """The whole portal for this project at `now`; `snapshot` is the watch cache (or None).

    `apart` gives the sections of plan_apart() and `briefs` some briefs, computed elsewhere
    for the same project and `now` (build.py does it in other processes); without them
    they are computed here. With posts=False the posts' pages are there by their paths
    only, each empty (what `relais serve` builds its first page with, see serve.py): the
    pages that link to them are the same, and their own cost (the briefs) comes later.
    """
    pl = Planner(project, now)
    near = {
        i: section(pl, snapshot)
        for i, (section, apart) in enumerate(features.sections())
        if not apart
    }
    post_blocks: dict[str, list[str]] = defaultdict(list)
    for s in near.values():
        for slug, blocks in s.post_blocks.items():
            post_blocks[slug].extend(blocks)
    post_pages = (
        _post_pages(pl, post_blocks, briefs)
        if posts
        else {post_path(p, now): "" for p in project.posts}
    )
    archive = _archive(pl)
    guides = _free_pages(pl)
    far = apart() if apart is not None else plan_apart(pl, snapshot)
    if any(s.post_blocks for s in far.sections.values()):
        raise ValueError("a section planned apart gives the posts' pages a block: see features.py")
    pl.found.update(far.found)
    sections = [
        near[i] if i in near else far.sections[i] for i in range(len(near) + len(far.sections))
    ]
    home_blocks = [block for s in sections for block in s.home]
    home_top = [block for s in sections for block in s.home_top]
    banners = [banner for s in sections for banner in s.banners]
    visuals = _media(pl)
    core = Section(
        pages={**_home(pl, home_blocks, home_top, banners), **post_pages, **archive},
        # The security headers for hosts that read a `_headers` file (headers.py).
        files={**visuals.files, headers.HEADERS_FILE: headers.headers_file()},
        copies=visuals.copies,
        nav=[{pl.t("home"): "index.md"}],
    )
    archive_nav = Section(nav=[{pl.t("archive"): "archive/index.md"}])
    config = project.config
    return Site.merge(
        [core, *sections, archive_nav, guides],
        language=config.site.language,
        name=config.site.name,
        url=config.site.url,
        repo_url=config.site.repo_url,
        not_in_nav=("/posts/", "/archive/*-*.md"),
        extra={"networks": list(config.networks), "chrome": chrome(pl)},
        post_blocks=dict(post_blocks),
        search=pl.found,
    )
