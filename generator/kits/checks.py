"""Kit checks: lengths as posted, share windows and networks, blocked words, tracking templates.

Every diagnostic has a stable code (documented in docs-kits.md) that `rules.severity` can
turn into an error or a warning, or ignore.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import partial

from .. import networks as net
from ..diagnostics import Diagnostic, did_you_mean, error, warning
from ..memo import config_key, per_post
from ..model import Post, Project, SiteConfig, Status, is_embargoed
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


def _length(
    file: str, line: int, code: str, what: str, network_id: str, text: str, limit: int | None
) -> Diagnostic | None:
    """A diagnostic when text is too long for the network, counted by its rule."""
    m = net.measure(network_id, text, limit=limit)
    label = net.get(network_id).label  # type: ignore[union-attr]
    hints = []
    if m.limit is not None and m.count > m.limit:
        message = (
            f"{what} is {m.count} characters on {label}, over its limit of {m.limit} as posted"
        )
        hints.append(
            f"shorten it by {m.count - m.limit} characters "
            "(text, hashtags, disclosure and link count together)"
        )
    elif m.byte_limit is not None and m.bytes > m.byte_limit:
        message = f"{what} is {m.bytes} bytes on {label}, over its limit of {m.byte_limit} bytes as posted"
        hints.append(
            f"shorten it by {m.bytes - m.byte_limit} bytes (emoji and accented letters take several)"
        )
    else:
        return None
    if m.unlinked_urls and network_id in ("x", "mastodon"):
        hints.append(
            f"{label} counts a link as 23 characters only when its host ends in a public domain: "
            + ", ".join(m.unlinked_urls)
            + " is counted character by character"
        )
    return error(file, line, code, message, "; ".join(hints))


def _invalid(file: str, line: int, what: str, network_id: str, text: str) -> Diagnostic | None:
    """An error when text holds a character the network refuses (X: twitter-text's list)."""
    invalid = net.invalid_characters(network_id, text)
    if not invalid:
        return None
    label = net.get(network_id).label  # type: ignore[union-attr]
    return error(
        file,
        line,
        "invalid-character",
        f"{what} holds {', '.join(invalid)}, which {label} refuses: the post would be rejected",
        "delete it: it is invisible, often pasted from another program "
        "(retype the words around it)",
    )


def _lengths(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """Official messages (text and link, as the brand posts them) and suggestions (as an ambassador posts them)."""
    config = project.config
    worst = _longest_ambassador(project)
    # All it reads besides the post: the settings and the longest ambassador id (not `now`).
    context = (config_key(config), repr(worst))
    for post in _checked_posts(project):
        yield from per_post(
            "check-lengths", post, context, partial(_post_lengths, config, worst, post)
        )


def _post_lengths(config: SiteConfig, worst: str | None, post: Post) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for network_id, text in post.messages.items():
        if net.get(network_id) is None:
            continue  # reported by the core checks
        posted = net.compose(text, link=post.link or "")
        bad = _invalid(
            post.file,
            post.line("messages", network_id),
            f"the {network_id} message",
            network_id,
            text,
        )
        if bad:
            found.append(bad)
        d = _length(
            post.file,
            post.line("messages", network_id),
            "message-too-long",
            f"the {network_id} message",
            network_id,
            posted,
            _limit(config, network_id),
        )
        if d:
            found.append(d)
    if post.share is None:
        return found
    for network_id in post.share.messages:
        if net.get(network_id) is None:
            continue
        variants = post.share.variants(network_id)
        link = tagged_link(config, post, network_id, worst)
        for i, text in enumerate(variants):
            posted = net.compose(text, post.share.hashtags, config.disclosure(network_id), link)
            path = ("share", "messages", network_id) + ((i,) if len(variants) > 1 else ())
            what = f"the {network_id} suggestion" + (
                f" (variant {i + 1})" if len(variants) > 1 else ""
            )
            bad = _invalid(post.file, post.line(*path), what, network_id, text)
            if bad:
                found.append(bad)
            d = _length(
                post.file,
                post.line(*path),
                "share-too-long",
                what,
                network_id,
                posted,
                _limit(config, network_id),
            )
            if d:
                found.append(d)
    return found


def _windows(project: Project, now: datetime) -> Iterator[Diagnostic]:
    for post in _checked_posts(project):
        window = post.share_window()
        if post.share is None or window is None:
            continue
        start, until = window
        if until < start:
            origin = "share.from" if post.share.from_ else "the post's date"
            yield error(
                post.file,
                post.line("share", "until"),
                "share-window",
                f"share.until ({until}) is before {origin} ({start})",
                "set share.until on or after the first day of the kit, or remove it (default: 14 days)",
            )


def _share_networks(project: Project, now: datetime) -> Iterator[Diagnostic]:
    for post in _checked_posts(project):
        if post.share is None:
            continue
        for network_id in post.share.messages:
            if network_id not in post.networks:
                yield error(
                    post.file,
                    post.line("share", "messages", network_id),
                    "share-network",
                    f"share.messages has a suggestion for '{network_id}', which is not in this post's networks",
                    did_you_mean(network_id, post.networks)
                    or f"add '{network_id}' to networks, or remove this suggestion",
                )
        for network_id in dict.fromkeys(post.networks):
            if network_id not in post.share.messages and net.get(network_id) is not None:
                yield warning(
                    post.file,
                    post.line("share"),
                    "share-message-missing",
                    f"the share block has no suggestion for '{network_id}', which this post targets",
                    f"add share.messages.{network_id}, or ambassadors get no {network_id} card",
                )
        if not post.link:
            yield warning(
                post.file,
                post.line("share"),
                "share-no-link",
                "the share block has no link to tag: the post has no link",
                "add 'link: https://…' to the post so that shares can be tracked",
            )
        for path, text in _share_texts(post):
            opened, closed = text.count("[["), text.count("]]")
            empty = any(not m.group(1).strip() for m in PROMPT.finditer(text))
            if opened != closed or empty:
                yield warning(
                    post.file,
                    post.line(*path),
                    "share-prompt",
                    "a [[…]] prompt is " + ("empty" if empty else "not closed"),
                    "write what the ambassador should fill in between [[ and ]], e.g. [[votre angle]]",
                )


def _share_texts(post: Post) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if post.share is None:
        return
    for network_id in post.share.messages:
        variants = post.share.variants(network_id)
        for i, text in enumerate(variants):
            yield ("share", "messages", network_id) + ((i,) if len(variants) > 1 else ()), text


_ABOVE_LATIN = re.compile("[^\x00-\u02ff]+")  # no combining mark is below U+0300: test only these


def _drop_marks(m: re.Match[str]) -> str:
    return "".join(c for c in m.group() if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Case- and accent-insensitive form of text, with runs of spaces as one."""
    plain = _ABOVE_LATIN.sub(_drop_marks, unicodedata.normalize("NFKD", text))
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
    # One search for all the words; each word only where the text holds one of them.
    anyone = re.compile("|".join(f"(?:{p.pattern})" for _, p in patterns))
    context = (config_key(project.config),)  # the words are in the settings
    for post in _checked_posts(project):
        yield from per_post(
            "check-blocked", post, context, partial(_post_blocked, patterns, anyone, post)
        )


def _post_blocked(
    patterns: list[tuple[str, re.Pattern[str]]], anyone: re.Pattern[str], post: Post
) -> list[Diagnostic]:
    texts: list[tuple[tuple[str | int, ...], str]] = [(("title",), post.title)]
    texts += [(("messages", n), t) for n, t in post.messages.items()]
    texts += list(_share_texts(post))
    if post.share:
        texts += [(("share", "hashtags", i), t) for i, t in enumerate(post.share.hashtags)]
    found = []
    for path, text in texts:
        folded = fold(text)
        if not anyone.search(folded):
            continue
        for word, pattern in patterns:
            if pattern.search(folded):
                found.append(
                    error(
                        post.file,
                        post.line(*path),
                        "blocked-word",
                        f"'{word}' is a blocked word (rules.blocked_words) and appears in {_where(path)}",
                        "rephrase it: the editorial charter rules it out",
                    )
                )
    return found


def _tracking(project: Project, now: datetime) -> Iterator[Diagnostic]:
    config = project.config
    for key, template in config.tracking.items():
        for m in _PLACEHOLDER.finditer(template):
            if m.group(1) not in PLACEHOLDERS:
                yield error(
                    "site_config.yml",
                    config.line("tracking", key),
                    "tracking-placeholder",
                    f"tracking.{key} uses an unknown placeholder '{{{m.group(1)}}}'",
                    did_you_mean(m.group(1), PLACEHOLDERS)
                    or "use " + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS),
                )


def _embargoed_links(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """A visible post linking to an embargoed post's link gives the secret away before its time."""
    secret = {p.link: p for p in _checked_posts(project) if p.link and is_embargoed(p, now)}
    for post in _checked_posts(project):
        hidden = secret.get(post.link or "")
        if hidden is None or is_embargoed(post, now) or hidden is post:
            continue
        when = hidden.date.isoformat(timespec="minutes") if hidden.date else "its publication"
        yield warning(
            post.file,
            post.line("link"),
            "embargo-link-shared",
            f"this post shows the link of an embargoed post ({hidden.file}) before {when}",
            "embargo this post too (embargo: true), or give it another link until then",
        )


def _line_in(text: str, index: int, first_line: int) -> int:
    return first_line + text.count("\n", 0, index)


def _private_emails(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """An ambassador's private e-mail typed into published text would reach the portal."""
    emails = {
        a.email.strip().casefold(): a.id for a in project.ambassadors if a.email and a.email.strip()
    }
    if not emails:
        return
    places: list[tuple[str, int, str]] = []  # (file, line of the text's start, text)
    for post in project.posts:
        places.append((post.file, post.line("title"), post.title))
        places += [(post.file, post.line("messages", n), t) for n, t in post.messages.items()]
        places += [(post.file, post.line(*path), t) for path, t in _share_texts(post)]
        places.append((post.file, post._body_line, post.body))
    for page in project.pages:
        # A page's body line is not kept by the loader: lines are counted from the body's start.
        places += [(page.file, 1, page.title), (page.file, 1, page.body)]
    for item in (*project.campaigns, *project.key_dates):
        for name in ("title", "description", "goal"):
            value = getattr(item, name, None)
            if isinstance(value, str):
                places.append((item.src.file, item.line(name), value))
    every_has_at = all("@" in email for email in emails)
    for file, first, text in places:
        folded = text.casefold()
        if every_has_at and "@" not in folded:
            continue  # most texts: one scan instead of one per ambassador
        for email, ambassador_id in emails.items():
            index = folded.find(email)
            if index >= 0:
                yield warning(
                    file,
                    _line_in(text, index, first),
                    "private-email",
                    f"the private e-mail of ambassador '{ambassador_id}' is written here "
                    "and would be published",
                    "ambassadors' e-mails stay out of the portal: write a team address instead",
                )


def _reserved_ids(project: Project, now: datetime) -> Iterator[Diagnostic]:
    for amb in project.ambassadors:
        if amb.id == "index":
            yield error(
                amb.src.file,
                1,
                "ambassador-id-reserved",
                "'index' cannot be an ambassador id: ambassadors/index/ is the directory",
                "rename the file, e.g. ambassadors/<first-name>-<last-name>.yml",
            )


def _hashtags(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """Each share hashtag as networks link it (twitter-text's rule: letters, digits and '_')."""
    for post in _checked_posts(project):
        if post.share is None:
            continue
        for i, tag in enumerate(post.share.hashtags):
            problem = net.hashtag_problem(tag)
            if problem is None:
                continue
            digits = "digits" in problem
            yield (warning if digits else error)(
                post.file,
                post.line("share", "hashtags", i),
                "hashtag-invalid",
                f"hashtag '{tag.strip()}' {problem}",
                "add a letter, or drop it"
                if digits
                else "write it in one word of letters, digits and '_', e.g. '#FeteDesLumieres'",
            )


def _messages_with_link(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """A message that already holds the post's link: the link is added when it is composed."""
    for post in _checked_posts(project):
        link = (post.link or "").strip()
        if not link:
            continue
        texts: list[tuple[tuple[str | int, ...], str, str]] = [
            (("messages", n), f"the {n} message", t) for n, t in post.messages.items()
        ]
        texts += [(path, f"the {path[2]} suggestion", t) for path, t in _share_texts(post)]
        for path, what, text in texts:
            if net.holds_link(text, link):
                shared = path[0] == "share"
                yield warning(
                    post.file,
                    post.line(*path),
                    "message-has-link",
                    f"{what} already holds the post's link {link}, which is added when "
                    "the message is composed"
                    + (" (tagged for each ambassador): it would appear twice" if shared else ""),
                    "remove the link from the text: 'link:' adds it on a line of its own",
                )


def _handles(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """Each ambassador's handle by its network's own rule for account names."""
    for amb in project.ambassadors:
        for network_id, settings in amb.networks.items():
            handle = settings.handle if settings else None
            problem = net.handle_problem(network_id, handle) if handle else None
            if problem is None:
                continue
            rule = net.HANDLE_RULES[network_id]
            yield error(
                amb.src.file,
                amb.line("networks", network_id, "handle"),
                "handle-invalid",
                f"the {net.get(network_id).label} handle '{handle}' {problem}",  # type: ignore[union-attr]
                f"write the account name only, e.g. '{rule.example}'",
            )


CHECKS: list[Check] = [
    _lengths,
    _hashtags,
    _messages_with_link,
    _handles,
    _windows,
    _share_networks,
    _blocked_words,
    _tracking,
    _embargoed_links,
    _private_emails,
    _reserved_ids,
]
