"""Kit checks: lengths as posted, share windows and networks, blocked words, tracking templates.

Every diagnostic has a stable code (documented in docs-kits.md) that `rules.severity` can
turn into an error or a warning, or ignore.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from .. import networks as net
from ..diagnostics import Diagnostic, did_you_mean, error, warning
from ..model import Post, Project, SiteConfig, Status
from .kit import PLACEHOLDERS, PROMPT, tagged_link

Check = Callable[[Project, datetime], Iterable[Diagnostic]]
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _checked_posts(project: Project) -> Iterator[Post]:
    # A cancelled post is never shared: its texts no longer matter.
    return (p for p in project.posts if p.status is not Status.cancelled)


def _limit(config: SiteConfig, network_id: str) -> int | None:
    return config.network_settings(network_id).limit


def _longest_ambassador(project: Project) -> str | None:
    """The id whose tag makes links longest: kits are checked for the worst case."""
    ids = sorted((a.id for a in project.ambassadors), key=lambda i: (-len(i), i))
    return ids[0] if ids else None


def _length(file: str, line: int, code: str, what: str, network_id: str, text: str, limit: int | None) -> Diagnostic | None:
    """A diagnostic when text is too long for the network, counted by its rule."""
    m = net.measure(network_id, text, limit=limit)
    label = net.get(network_id).label  # type: ignore[union-attr]
    hints = []
    if m.limit is not None and m.count > m.limit:
        message = f"{what} is {m.count} characters on {label}, over its limit of {m.limit} as posted"
        hints.append(f"shorten it by {m.count - m.limit} characters (text, hashtags, disclosure and link count together)")
    elif m.byte_limit is not None and m.bytes > m.byte_limit:
        message = f"{what} is {m.bytes} bytes on {label}, over its limit of {m.byte_limit} bytes as posted"
        hints.append(f"shorten it by {m.bytes - m.byte_limit} bytes (emoji and accented letters take several)")
    else:
        return None
    if m.unlinked_urls and network_id in ("x", "mastodon"):
        hints.append(
            f"{label} counts a link as 23 characters only when its host ends in a public domain: "
            + ", ".join(m.unlinked_urls) + " is counted character by character"
        )
    return error(file, line, code, message, "; ".join(hints))


def _lengths(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """Official messages (text and link, as the brand posts them) and suggestions (as an ambassador posts them)."""
    config = project.config
    worst = _longest_ambassador(project)
    for post in _checked_posts(project):
        for network_id, text in post.messages.items():
            if net.get(network_id) is None:
                continue  # reported by the core checks
            posted = net.compose(text, link=post.link or "")
            d = _length(post.file, post.line("messages", network_id), "message-too-long",
                        f"the {network_id} message", network_id, posted, _limit(config, network_id))
            if d:
                yield d
        if post.share is None:
            continue
        for network_id in post.share.messages:
            if net.get(network_id) is None:
                continue
            variants = post.share.variants(network_id)
            link = tagged_link(config, post, network_id, worst)
            for i, text in enumerate(variants):
                posted = net.compose(text, post.share.hashtags, config.disclosure(network_id), link)
                path = ("share", "messages", network_id) + ((i,) if len(variants) > 1 else ())
                what = f"the {network_id} suggestion" + (f" (variant {i + 1})" if len(variants) > 1 else "")
                d = _length(post.file, post.line(*path), "share-too-long", what, network_id, posted,
                            _limit(config, network_id))
                if d:
                    yield d


def _windows(project: Project, now: datetime) -> Iterator[Diagnostic]:
    for post in _checked_posts(project):
        window = post.share_window()
        if post.share is None or window is None:
            continue
        start, until = window
        if until < start:
            origin = "share.from" if post.share.from_ else "the post's date"
            yield error(post.file, post.line("share", "until"), "share-window",
                        f"share.until ({until}) is before {origin} ({start})",
                        "set share.until on or after the first day of the kit, or remove it (default: 14 days)")


def _share_networks(project: Project, now: datetime) -> Iterator[Diagnostic]:
    for post in _checked_posts(project):
        if post.share is None:
            continue
        for network_id in post.share.messages:
            if network_id not in post.networks:
                yield error(post.file, post.line("share", "messages", network_id), "share-network",
                            f"share.messages has a suggestion for '{network_id}', which is not in this post's networks",
                            did_you_mean(network_id, post.networks)
                            or f"add '{network_id}' to networks, or remove this suggestion")
        for network_id in dict.fromkeys(post.networks):
            if network_id not in post.share.messages and net.get(network_id) is not None:
                yield warning(post.file, post.line("share"), "share-message-missing",
                              f"the share block has no suggestion for '{network_id}', which this post targets",
                              f"add share.messages.{network_id}, or ambassadors get no {network_id} card")
        if not post.link:
            yield warning(post.file, post.line("share"), "share-no-link",
                          "the share block has no link to tag: the post has no link",
                          "add 'link: https://…' to the post so that shares can be tracked")
        for path, text in _share_texts(post):
            opened, closed = text.count("[["), text.count("]]")
            empty = any(not m.group(1).strip() for m in PROMPT.finditer(text))
            if opened != closed or empty:
                yield warning(post.file, post.line(*path), "share-prompt",
                              "a [[…]] prompt is " + ("empty" if empty else "not closed"),
                              "write what the ambassador should fill in between [[ and ]], e.g. [[votre angle]]")


def _share_texts(post: Post) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if post.share is None:
        return
    for network_id in post.share.messages:
        variants = post.share.variants(network_id)
        for i, text in enumerate(variants):
            yield ("share", "messages", network_id) + ((i,) if len(variants) > 1 else ()), text


def fold(text: str) -> str:
    """Case- and accent-insensitive form of text, with runs of spaces as one."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain.casefold())


def _where(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _blocked_words(project: Project, now: datetime) -> Iterator[Diagnostic]:
    words = [(w, fold(w).strip()) for w in project.config.rules.blocked_words if fold(w).strip()]
    if not words:
        return
    patterns = [(w, re.compile(rf"(?<!\w){re.escape(f)}(?!\w)")) for w, f in words]
    for post in _checked_posts(project):
        texts: list[tuple[tuple[str | int, ...], str]] = [(("title",), post.title)]
        texts += [(("messages", n), t) for n, t in post.messages.items()]
        texts += list(_share_texts(post))
        if post.share:
            texts += [(("share", "hashtags", i), t) for i, t in enumerate(post.share.hashtags)]
        for path, text in texts:
            folded = fold(text)
            for word, pattern in patterns:
                if pattern.search(folded):
                    yield error(post.file, post.line(*path), "blocked-word",
                                f"'{word}' is a blocked word (rules.blocked_words) and appears in {_where(path)}",
                                "rephrase it: the editorial charter rules it out")


def _tracking(project: Project, now: datetime) -> Iterator[Diagnostic]:
    config = project.config
    for key, template in config.tracking.items():
        for m in _PLACEHOLDER.finditer(template):
            if m.group(1) not in PLACEHOLDERS:
                yield error("site_config.yml", config.line("tracking", key), "tracking-placeholder",
                            f"tracking.{key} uses an unknown placeholder '{{{m.group(1)}}}'",
                            did_you_mean(m.group(1), PLACEHOLDERS)
                            or "use " + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS))


CHECKS: list[Check] = [_lengths, _windows, _share_networks, _blocked_words, _tracking]
