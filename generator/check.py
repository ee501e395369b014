"""Stage 2: check a loaded project against itself: references, media, networks.

Each check is a pure function of the project and `now` that yields diagnostics.
Feature areas (calendar, kits, watch, ...) contribute their own lists of checks, run after
these through the registry (features.py).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from . import features
from . import networks as net
from .diagnostics import Diagnostic, Severity, did_you_mean, error, sort_key, warning
from .media import kind as media_kind
from .model import Project

Check = Callable[[Project, datetime], Iterable[Diagnostic]]


def _site_networks(project: Project, now: datetime) -> Iterator[Diagnostic]:
    config = project.config
    for network_id in config.networks:
        if net.get(network_id) is None:
            yield error(
                "site_config.yml",
                config.line("networks", network_id),
                "unknown-network",
                f"unknown network '{network_id}'",
                did_you_mean(network_id, net.NETWORKS)
                or f"known networks: {', '.join(net.NETWORKS)}",
            )
    for rule in ("min_gap_hours", "max_silence_days"):
        for network_id in getattr(config.rules, rule):
            if network_id not in config.networks:
                yield error(
                    "site_config.yml",
                    config.line("rules", rule, network_id),
                    "unknown-network",
                    f"rules.{rule} names '{network_id}', which is not in networks",
                    did_you_mean(network_id, config.networks)
                    or "add it under networks, or remove the rule",
                )


def _network_ref(
    project: Project, file: str, line: int, network_id: str, where: str
) -> Diagnostic | None:
    declared = project.config.networks
    if network_id in declared:
        return None
    if net.get(network_id) is None:
        return error(
            file,
            line,
            "unknown-network",
            f"{where}: unknown network '{network_id}'",
            did_you_mean(network_id, list(declared) + list(net.NETWORKS))
            or f"use one of the site's networks: {', '.join(declared)}",
        )
    return error(
        file,
        line,
        "network-not-enabled",
        f"{where}: network '{network_id}' is not enabled in site_config.yml",
        f"add '{network_id}: {{}}' under networks in site_config.yml, or use one of: {', '.join(declared)}",
    )


def _post_networks(project: Project, now: datetime) -> Iterator[Diagnostic]:
    for post in project.posts:
        for i, network_id in enumerate(post.networks):
            d = _network_ref(project, post.file, post.line("networks", i), network_id, "networks")
            if d:
                yield d
        seen: set[str] = set()
        for i, network_id in enumerate(post.networks):
            if network_id in seen:
                yield warning(
                    post.file,
                    post.line("networks", i),
                    "duplicate-network",
                    f"network '{network_id}' is listed twice",
                    "remove the second one",
                )
            seen.add(network_id)
        for network_id in post.messages:
            if network_id not in post.networks:
                # Suggest only a real network: `networks: [facebok]` with a facebook message
                # means the list is misspelt, not the message key.
                known = [n for n in post.networks if net.get(n) is not None]
                unknown = [n for n in post.networks if net.get(n) is None]
                typo = (
                    difflib.get_close_matches(network_id, unknown, n=1)
                    if net.get(network_id)
                    else []
                )
                yield error(
                    post.file,
                    post.line("messages", network_id),
                    "message-network",
                    f"messages has a text for '{network_id}', which is not in this post's networks",
                    f"write '{network_id}' in networks instead of the unknown '{typo[0]}'"
                    if typo
                    else did_you_mean(network_id, known)
                    or f"add '{network_id}' to networks, or remove this message",
                )


def _references(project: Project, now: datetime) -> Iterator[Diagnostic]:
    owners = [a.id for a in project.ambassadors]
    campaigns = [c.id for c in project.campaigns]
    key_dates = [k.id for k in project.key_dates]
    for post in project.posts:
        # A reference to an entry that exists but is broken is not reported again: its own error is.
        if (
            post.owner
            and post.owner not in owners
            and not project.failed_to_load("ambassador", post.owner)
        ):
            yield error(
                post.file,
                post.line("owner"),
                "unknown-owner",
                f"owner '{post.owner}' is not an ambassador",
                did_you_mean(post.owner, owners)
                or f"create ambassadors/{post.owner}.yml, or use an existing id",
            )
        if (
            post.campaign
            and post.campaign not in campaigns
            and not project.failed_to_load("campaign", post.campaign)
        ):
            yield error(
                post.file,
                post.line("campaign"),
                "unknown-campaign",
                f"campaign '{post.campaign}' does not exist",
                did_you_mean(post.campaign, campaigns)
                or "add it to calendar/campaigns.yml, or fix the id",
            )
        if (
            post.key_date
            and post.key_date not in key_dates
            and not project.failed_to_load("key_date", post.key_date)
        ):
            yield error(
                post.file,
                post.line("key_date"),
                "unknown-key-date",
                f"key date '{post.key_date}' does not exist",
                did_you_mean(post.key_date, key_dates)
                or "add it to calendar/key-dates.yml, or fix the id",
            )
    for slot in project.slots:
        d = _network_ref(project, slot.src.file, slot.line("network"), slot.network, "slot")
        if d:
            yield d
    for amb in project.ambassadors:
        for network_id in amb.networks:
            if net.get(network_id) is None:
                yield error(
                    amb.src.file,
                    amb.line("networks", network_id),
                    "unknown-network",
                    f"unknown network '{network_id}'",
                    did_you_mean(network_id, net.NETWORKS)
                    or f"known networks: {', '.join(net.NETWORKS)}",
                )


def media_path(project: Project, image: str) -> Path | None:
    """The file an image path points at, or None when it leaves content/ (by `..` or a symlink)."""
    content = (Path(project.root) / "content").resolve()
    if os.path.isabs(image) or "\\" in image:
        return None
    target = (content / image).resolve()
    return target if target.is_relative_to(content) else None


def _media(project: Project, now: datetime) -> Iterator[Diagnostic]:
    targets: dict[str, Path | None] = {}  # posts share a few visuals: each path is resolved once
    for post in project.posts:
        if post.image is None:
            if post.image_alt:
                yield warning(
                    post.file,
                    post.line("image_alt"),
                    "alt-without-image",
                    "image_alt is set but there is no image",
                    "add 'image: media/…' or remove image_alt",
                )
            continue
        line = post.line("image")
        if post.image not in targets:
            targets[post.image] = media_path(project, post.image)
        target = targets[post.image]
        if "://" in post.image:
            yield error(
                post.file,
                line,
                "image-missing",
                f"image '{post.image}' is an address, not a file",
                "download the image into content/media/ and write 'image: media/<file>'",
            )
        elif target is None:
            yield error(
                post.file,
                line,
                "image-outside",
                f"image '{post.image}' points outside content/",
                "write the path with '/' separators, e.g. 'image: media/<file>'"
                if "\\" in post.image
                else "put the image in content/media/ and write 'image: media/<file>'",
            )
        elif not target.is_file():
            yield error(
                post.file,
                line,
                "image-missing",
                f"image '{post.image}' does not exist",
                did_you_mean(post.image, project.media)
                or "add the file under content/media/ or fix the path",
            )
        elif project.image(post.image) is None:
            yield error(
                post.file,
                line,
                "image-not-media",
                f"image '{post.image}' is not a visual that content/media/ publishes",
                "put the image (PNG, JPEG, GIF, WebP, AVIF or SVG) in content/media/; "
                "its own diagnostic says why this file is not published, if it is there",
            )
        elif not (kind := media_kind(project.image(post.image) or "")) or not kind.image:
            yield error(
                post.file,
                line,
                "image-not-media",
                f"image '{post.image}' is a {kind.label if kind else 'file'}, not an image",
                "link to a document or a video from the brief; 'image:' takes PNG, JPEG, GIF, "
                "WebP, AVIF or SVG",
            )
        if not (post.image_alt or "").strip():
            yield error(
                post.file,
                line,
                "alt-missing",
                "the image has no alternative text",
                "add 'image_alt: …' describing the picture for people who cannot see it",
            )


def _embargo_key(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """Embargoed posts without `site.embargo_key`: their addresses are keyed with the posts'
    own content (load.neutral_name), and change whenever the post is edited."""
    import secrets

    site = project.config.site
    embargoed = [p for p in project.posts if p.embargo and (p.date is None or p.date > now)]
    if embargoed and not site.embargo_key:
        yield warning(
            "site_config.yml",
            project.config.line("site"),
            "embargo-key-missing",
            "site.embargo_key is not set: the addresses of embargoed posts' pages are keyed "
            "with the posts themselves, and change whenever one is edited",
            f'add under site: embargo_key: "{secrets.token_urlsafe(24)}" (a new random value; '
            "keep it out of the portal, in the repository is fine), then commit it",
        )


def _comments(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """An HTML comment never closed: its note would be shown to every reader."""
    texts = [(p.file, p._body_line, p.body) for p in project.posts]
    texts += [(page.file, page.body_line, page.body) for page in project.pages]
    for file, first, body in texts:
        if "<!--" not in body:
            continue
        from .render import drop_comments  # Markdown and Jinja: imported only when needed

        for n in drop_comments(body)[1]:
            yield warning(
                file,
                first + n,
                "unclosed-comment",
                "this HTML comment is never closed: it is shown as text, note included",
                "close it with --> (on the same line or a later one, not after a ``` block)",
            )


def _topics(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """With a `topics:` list in site_config.yml, every topic of a post or an ambassador is one of it."""
    known = project.config.topics
    if not known:
        return
    folded = {k.casefold() for k in known}
    owners = [(p.file, p.line, p.topics) for p in project.posts]
    owners += [(a.src.file, a.line, a.topics) for a in project.ambassadors]
    for file, line, topics in owners:
        for i, topic in enumerate(topics):
            if topic.casefold() not in folded:
                yield error(
                    file,
                    line("topics", i),
                    "unknown-topic",
                    f"unknown topic '{topic}'",
                    did_you_mean(topic, known)
                    or f"use one of the topics of site_config.yml ({', '.join(known)}), or add it there",
                )


CHECKS: list[Check] = [
    _site_networks,
    _post_networks,
    _references,
    _media,
    _comments,
    _embargo_key,
    _topics,
]


def apply_severity(
    diagnostics: Iterable[Diagnostic], overrides: Mapping[str, str]
) -> list[Diagnostic]:
    """Apply `rules.severity` from site_config.yml: a code may become an error, a warning or be ignored."""
    out = []
    for d in diagnostics:
        level = overrides.get(d.code)
        if level == "ignore":
            continue
        if level in ("error", "warning"):
            d = replace(d, severity=Severity(level))
        out.append(d)
    return out


def check(project: Project, now: datetime) -> list[Diagnostic]:
    """Every diagnostic of every check, with the site's severity overrides, sorted by file and line."""
    found: list[Diagnostic] = []
    for fn in CHECKS + features.checks():
        found.extend(fn(project, now))
    return sorted(apply_severity(found, project.config.rules.severity), key=sort_key)
