"""Moderation checks: replies measured per network as replies, placeholders, review dates,
situations without a reply, topics without an owner, references across the three files.

Every diagnostic has a stable code (docs/community-manager/moderation.md lists them) that
`rules.severity` can raise, lower or ignore, as for posts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from .. import networks as net
from ..diagnostics import Diagnostic, did_you_mean, error, warning
from ..kits.checks import fold
from ..kits.kit import PROMPT
from ..load import ESCALATION_FILE, REPLIES_FILE
from ..model import Project
from .model import Library, Moderation, Reply

Check = Callable[[Project, datetime], Iterable[Diagnostic]]


def _moderation(project: Project) -> Moderation:
    return project.moderation or Moderation()


def _library(project: Project) -> Library | None:
    return _moderation(project).library


def _where(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def reply_networks(project: Project, reply: Reply) -> list[str]:
    """The site's networks a reply has a text for, in the site's order (known networks only)."""
    return [n for n in project.config.networks if net.get(n) is not None and reply.variants(n)]


def reply_limit(project: Project, network_id: str) -> int | None:
    return net.reply_limit(network_id, project.config.network_settings(network_id).limit)


def _lengths(project: Project, now: datetime) -> Iterator[Diagnostic]:
    library = _library(project)
    if library is None:
        return
    for reply in library.replies:
        for network_id in reply_networks(project, reply):
            own = network_id in reply.networks
            variants = reply.variants(network_id)
            for i, text in enumerate(variants):
                base: tuple[str | int, ...] = ("networks", network_id) if own else ("text",)
                path = base + ((i,) if len(variants) > 1 else ())
                m = net.measure(network_id, text, limit=reply_limit(project, network_id))
                label = net.get(network_id).label  # type: ignore[union-attr]
                variant = f" (variant {i + 1})" if len(variants) > 1 else ""
                if m.limit is not None and m.count > m.limit:
                    size, limit, unit = m.count, m.limit, "characters"
                elif m.byte_limit is not None and m.bytes > m.byte_limit:
                    size, limit, unit = m.bytes, m.byte_limit, "bytes"
                else:
                    continue
                hint = f"shorten it by {size - limit} {unit}"
                if not own:
                    hint += f", or add networks.{network_id} with a shorter text for {label}"
                yield error(
                    REPLIES_FILE,
                    reply.line(*path),
                    "reply-too-long",
                    f"reply '{reply.id}'{variant} is {size} {unit} on {label}, over the "
                    f"{limit} {unit} of a reply there",
                    hint,
                )


def _networks(project: Project, now: datetime) -> Iterator[Diagnostic]:
    library = _library(project)
    if library is None:
        return
    declared = list(project.config.networks)
    for reply in library.replies:
        for network_id in reply.networks:
            line = reply.line("networks", network_id)
            if net.get(network_id) is None:
                yield error(
                    REPLIES_FILE,
                    line,
                    "unknown-network",
                    f"reply '{reply.id}': unknown network '{network_id}'",
                    did_you_mean(network_id, declared + list(net.NETWORKS))
                    or f"use one of the site's networks: {', '.join(declared)}",
                )
            elif network_id not in declared:
                yield warning(
                    REPLIES_FILE,
                    line,
                    "network-not-enabled",
                    f"reply '{reply.id}' has a text for '{network_id}', which is not enabled "
                    "in site_config.yml: the portal does not show it",
                    f"add '{network_id}: {{}}' under networks in site_config.yml, or remove this text",
                )


def _prompts(project: Project, now: datetime) -> Iterator[Diagnostic]:
    library = _library(project)
    if library is None:
        return
    for reply in library.replies:
        for path, text in reply.texts():
            opened, closed = text.count("[["), text.count("]]")
            empty = any(not m.group(1).strip() for m in PROMPT.finditer(text))
            if opened != closed or empty or text.find("]]") < text.find("[["):
                yield warning(
                    REPLIES_FILE,
                    reply.line(*path),
                    "reply-placeholder",
                    f"reply '{reply.id}': a [[…]] placeholder in {_where(path)} is "
                    + ("empty" if empty else "not closed"),
                    "write what to fill in between [[ and ]], e.g. [[prénom]]: the copy "
                    "button stays blocked until it is replaced",
                )


def _reviews(project: Project, now: datetime) -> Iterator[Diagnostic]:
    library = _library(project)
    if library is None:
        return
    today = now.astimezone(project.tz).date()
    for reply in library.replies:
        if reply.review < today:
            yield warning(
                REPLIES_FILE,
                reply.line("review"),
                "reply-review-due",
                f"reply '{reply.id}' was due for review on {reply.review.isoformat()}",
                f"read it again with {reply.owner}, then set review to the next date "
                "(the portal marks it as to be reviewed until then)",
            )


def _situations(project: Project, now: datetime) -> Iterator[Diagnostic]:
    moderation = _moderation(project)
    library = moderation.library
    if library is None:
        return
    known = list(library.situations)
    answered = {r.situation for r in library.replies}
    for reply in library.replies:
        if reply.situation not in library.situations and not moderation.failed_to_load(
            "situation", reply.situation
        ):
            yield error(
                REPLIES_FILE,
                reply.line("situation"),
                "unknown-situation",
                f"reply '{reply.id}': situation '{reply.situation}' is not under situations",
                did_you_mean(reply.situation, known)
                or f"add it under situations, or use one of: {', '.join(known) or 'none yet'}",
            )
    for situation_id, situation in library.situations.items():
        needs_reply = any(a in ("answer", "escalate") for a in situation.actions)
        if (
            needs_reply
            and situation_id not in answered
            and not moderation.failed_to_load("reply-situation", situation_id)
        ):
            yield warning(
                REPLIES_FILE,
                situation.line(),
                "situation-no-reply",
                f"situation '{situation_id}' has no approved reply",
                f"add a reply with 'situation: {situation_id}', or set its actions to hide or "
                "delete only",
            )
        if "escalate" in situation.actions and situation.escalate is None:
            yield warning(
                REPLIES_FILE,
                situation.line("actions"),
                "situation-no-topic",
                f"situation '{situation_id}' is escalated but names no topic to alert",
                "add 'escalate: <topic id>' from moderation/escalation.yml",
            )


def _topic_ref(
    project: Project, file: str, line: int, topic_id: str | None, where: str
) -> Diagnostic | None:
    moderation = _moderation(project)
    if topic_id is None or moderation.failed_to_load("topic", topic_id):
        return None
    directory = moderation.directory
    topics = [t.id for t in directory.topics] if directory else []
    if topic_id in topics:
        return None
    return error(
        file,
        line,
        "unknown-topic",
        f"{where}: topic '{topic_id}' is not in {ESCALATION_FILE}",
        did_you_mean(topic_id, topics)
        or (
            f"add it to {ESCALATION_FILE}, or use one of: {', '.join(topics)}"
            if topics
            else f"create {ESCALATION_FILE} with this topic: who owns it, how to reach them"
        ),
    )


def _references(project: Project, now: datetime) -> Iterator[Diagnostic]:
    moderation = _moderation(project)
    library = moderation.library
    owners = [a.id for a in project.ambassadors]

    def owner(file: str, line: int, owner_id: str | None, where: str) -> Iterator[Diagnostic]:
        if (
            owner_id
            and owner_id not in owners
            and not project.failed_to_load("ambassador", owner_id)
        ):
            yield error(
                file,
                line,
                "unknown-owner",
                f"{where}: owner '{owner_id}' is not an ambassador",
                did_you_mean(owner_id, owners)
                or f"create ambassadors/{owner_id}.yml, or use an existing id",
            )

    if library is not None:
        if library.charter and library.charter not in {p.slug for p in project.pages}:
            yield error(
                REPLIES_FILE,
                library.line("charter"),
                "unknown-page",
                f"charter: there is no page '{library.charter}' in content/pages/",
                did_you_mean(library.charter, [p.slug for p in project.pages])
                or f"write the charter in content/pages/{library.charter}.md, or fix the slug",
            )
        for situation_id, situation in library.situations.items():
            d = _topic_ref(
                project,
                REPLIES_FILE,
                situation.line("escalate"),
                situation.escalate,
                f"situation '{situation_id}'",
            )
            if d:
                yield d
        for reply in library.replies:
            yield from owner(REPLIES_FILE, reply.line("owner"), reply.owner, f"reply '{reply.id}'")
    config = project.config
    for n, rule in enumerate(config.watch.alerts):
        d = _topic_ref(
            project,
            "site_config.yml",
            config.line("watch", "alerts", n, "escalate"),
            rule.escalate,
            f"watch.alerts[{n + 1}]",
        )
        if d:
            yield d
    for item in moderation.feedback:
        where = f"feedback '{item.id}'"
        yield from owner(item.src.file, item.line("owner"), item.owner, where)
        d = _topic_ref(project, item.src.file, item.line("escalate"), item.escalate, where)
        if d:
            yield d
        replies = [r.id for r in library.replies] if library else []
        for i, reply_id in enumerate(item.replies):
            if reply_id not in replies and not moderation.failed_to_load("reply", reply_id):
                yield error(
                    item.src.file,
                    item.line("replies", i),
                    "unknown-reply",
                    f"{where}: reply '{reply_id}' is not in {REPLIES_FILE}",
                    did_you_mean(reply_id, replies) or "write the reply first, or fix the id",
                )


def _owners(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """A topic with no owner: nobody would know whom to call at 22:00."""
    moderation = _moderation(project)
    directory = moderation.directory
    if directory is not None:
        for topic in directory.topics:
            if not (topic.service or "").strip() and not (topic.contact or "").strip():
                yield error(
                    ESCALATION_FILE,
                    topic.line(),
                    "topic-no-owner",
                    f"topic '{topic.id}' has no owner: neither service nor contact is given",
                    "add 'service:' (the team that owns it) and 'contact:' (the role to call)",
                )
    today = now.astimezone(project.tz).date()
    for item in moderation.feedback:
        if item.status in ("open", "in-progress") and not item.owner:
            yield warning(
                item.src.file,
                item.line(),
                "feedback-no-owner",
                f"feedback '{item.id}' is {item.status} but has no owner",
                "add 'owner: <ambassador id>': the person who follows it until the next review",
            )
        if item.first_seen > today:
            yield warning(
                item.src.file,
                item.line("first_seen"),
                "feedback-date",
                f"feedback '{item.id}' was first seen on {item.first_seen.isoformat()}, after today",
                "write the day it was first noticed",
            )
        if item.last_seen is not None and item.last_seen < item.first_seen:
            yield error(
                item.src.file,
                item.line("last_seen"),
                "feedback-date",
                f"feedback '{item.id}': last_seen ({item.last_seen.isoformat()}) is before "
                f"first_seen ({item.first_seen.isoformat()})",
                "swap the two dates, or fix the one that is wrong",
            )


_DIGITS = re.compile(r"\D+")


def _private_values(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """A private value of the directory (a phone, a name) typed into a published text leaks it."""
    moderation = _moderation(project)
    directory = moderation.directory
    if directory is None:
        return
    secrets: list[tuple[str, str, str]] = []  # (what, folded value, topic id)
    for topic in directory.topics:
        public = directory.public_fields(topic)
        for name in ("person", "phone", "email"):
            value = getattr(topic, name)
            if value and name not in public and len(value.strip()) >= 4:
                secrets.append((name, fold(value).strip(), topic.id))
    if not secrets:
        return
    places: list[tuple[str, int, str]] = []
    for topic in directory.topics:
        for name in directory.public_fields(topic) + ("topic",):
            value = getattr(topic, name)
            if isinstance(value, str):
                places.append((ESCALATION_FILE, topic.line(name), value))
    library = moderation.library
    if library is not None:
        for reply in library.replies:
            places += [(REPLIES_FILE, reply.line(*p), t) for p, t in reply.texts()]
    for item in moderation.feedback:
        places += [(item.src.file, item.line(k), getattr(item, k) or "") for k in ("topic", "note")]
    for file, line, text in places:
        folded = fold(text)
        digits = _DIGITS.sub("", text)
        for name, value, topic_id in secrets:
            found = value in folded
            if name == "phone":
                number = _DIGITS.sub("", value)
                found = found or (len(number) >= 6 and number[-6:] in digits)
            if found:
                yield warning(
                    file,
                    line,
                    "private-value",
                    f"the private {name} of topic '{topic_id}' is written here and would be "
                    "published",
                    f"leave it in '{name}' only, or add '{name}' to the public list on purpose",
                )


def _blocked_words(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """The charter's blocked words are refused in replies as in posts."""
    library = _library(project)
    words = [(w, fold(w).strip()) for w in project.config.rules.blocked_words if fold(w).strip()]
    if library is None or not words:
        return
    patterns = [(w, re.compile(rf"(?<!\w){re.escape(f)}(?!\w)")) for w, f in words]
    for reply in library.replies:
        for path, text in [(("title",), reply.title), *reply.texts()]:
            folded = fold(text)
            for word, pattern in patterns:
                if pattern.search(folded):
                    yield error(
                        REPLIES_FILE,
                        reply.line(*path),
                        "blocked-word",
                        f"'{word}' is a blocked word (rules.blocked_words) and appears in "
                        f"reply '{reply.id}', {_where(path)}",
                        "rephrase it: the editorial charter rules it out",
                    )


CHECKS: list[Check] = [
    _lengths,
    _networks,
    _prompts,
    _reviews,
    _situations,
    _references,
    _owners,
    _private_values,
    _blocked_words,
]
