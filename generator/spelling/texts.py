"""Every text the portal publishes, with its language and the exact place of each character.

A text is a YAML value (a title, a network message, a share variant, a hashtag, an
image's alternative text, a campaign's goal...) or a Markdown body (a post's brief, a free
page). For a YAML value, `Text.position` maps an offset in the value to the line and
column where that character is written, through block scalars, folded lines, quotes and
escapes (`scalar_offsets`). Pure: the loader kept the YAML text and each value's span.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..model import Post, Project, Status
from ..source import Lines, Path_


def scalar_offsets(source: str, start: int, end: int, value: str) -> list[int]:
    """For each character of a YAML scalar's value, its index in `source` (-1 for a
    space or line feed that folding made from a line break)."""
    out = [-1] * len(value)
    if start >= end:
        return out
    style = source[start]
    j = start
    if style in "|>":
        newline = source.find("\n", start, end)
        j = end if newline < 0 else newline + 1  # the header may hold a comment
    elif style in "'\"":
        j = start + 1
    else:
        style = ""
    i = 0
    n = len(value)
    while i < n and j < end:
        c, s = value[i], source[j]
        if style == '"' and s == "\\":
            nxt = source[j + 1] if j + 1 < end else ""
            if nxt == "\n":  # an escaped line break joins the lines: it makes no character
                j += 2
                while j < end and source[j] in " \t":
                    j += 1
                continue
            out[i] = j
            i += 1
            j += {"x": 4, "u": 6, "U": 10}.get(nxt, 2)
            continue
        if style == "'" and s == "'" and c == "'" and source[j + 1 : j + 2] == "'":
            out[i] = j
            i += 1
            j += 2
            continue
        if c == s:
            out[i] = j
            i += 1
            j += 1
        elif s in " \t\n":
            j += 1  # indentation, or a line break folded into the value
        elif c in " \n":
            i += 1  # a space or line feed made by folding
        else:
            j += 1
    return out


@dataclass(frozen=True, slots=True)
class Text:
    """One published text: where it is written, what it is, its language."""

    file: str
    value: str
    lang: str
    what: str  # for messages: "title", "messages.linkedin", "brief"...
    markdown: bool = False
    lines: Lines | None = None  # a YAML value: the document and the value's path in it
    path: Path_ = ()
    first_line: int = 1  # a Markdown body: the line of its first character
    ignore: frozenset[str] = frozenset()
    hashtag: bool = False  # one hashtag, written with or without '#'
    offsets: list[int] = field(default_factory=list, compare=False, repr=False)

    def source_index(self, offset: int) -> int | None:
        """Where the value's character at `offset` is written in `lines.text` (YAML values only)."""
        if self.lines is None:
            return None
        span = self.lines.spans.get(self.path)
        if span is None:
            return None
        if not self.offsets:
            self.offsets.extend(scalar_offsets(self.lines.text, span[0], span[1], self.value))
        if not 0 <= offset < len(self.offsets):
            return None
        index = self.offsets[offset]
        return None if index < 0 else index

    def position(self, offset: int) -> tuple[int, int]:
        """The file's line and column (from 1) of the value's character at `offset`."""
        if self.lines is None:
            line_start = self.value.rfind("\n", 0, offset) + 1
            return self.first_line + self.value.count("\n", 0, offset), offset - line_start + 1
        index = self.source_index(offset)
        if index is None:
            # Not found (a character made by an escape or by folding): the nearest one before.
            for before in range(min(offset, len(self.value)) - 1, -1, -1):
                index = self.source_index(before)
                if index is not None:
                    return self.lines.position(index)
            return self.lines.of(self.path), 0
        return self.lines.position(index)


def _yaml(
    file: str,
    lines: Lines,
    path: Path_,
    value: object,
    lang: str,
    what: str,
    ignore: frozenset[str] = frozenset(),
    hashtag: bool = False,
) -> Iterator[Text]:
    if isinstance(value, str) and value.strip():
        yield Text(file, value, lang, what, False, lines, path, ignore=ignore, hashtag=hashtag)


def post_texts(post: Post, site_language: str) -> Iterator[Text]:
    """What a post publishes: title, messages, share variants and hashtags, image text, brief."""
    lang = post.lang or site_language
    ignore = frozenset(post.spelling.ignore) if post.spelling else frozenset()
    file, src = post.file, post.src
    yield from _yaml(file, src, ("title",), post.title, lang, "title", ignore)
    for network_id, message in post.messages.items():
        yield from _yaml(
            file, src, ("messages", network_id), message, lang, f"messages.{network_id}", ignore
        )
    if post.share is not None:
        for network_id, value in post.share.messages.items():
            base = ("share", "messages", network_id)
            if isinstance(value, str):
                yield from _yaml(
                    file, src, base, value, lang, f"share.messages.{network_id}", ignore
                )
            else:
                for k, variant in enumerate(value):
                    what = f"share.messages.{network_id}[{k}]"
                    yield from _yaml(file, src, (*base, k), variant, lang, what, ignore)
        for k, tag in enumerate(post.share.hashtags):
            what = f"share.hashtags[{k}]"
            yield from _yaml(file, src, ("share", "hashtags", k), tag, lang, what, ignore, True)
    yield from _yaml(file, src, ("image_alt",), post.image_alt, lang, "image_alt", ignore)
    if post.body.strip():
        yield Text(file, post.body, lang, "brief", True, first_line=post.body_line, ignore=ignore)


def moderation_texts(project: Project) -> Iterator[Text]:
    """What the moderation section publishes: the decision guide, the situations, every text
    of every reply (in the reply's language), the directory's public fields, the register."""
    moderation = project.moderation
    if moderation is None:
        return
    site_language = project.config.site.language
    library = moderation.library
    if library is not None:
        file = library.src.file
        lang = library.lang or site_language
        common = frozenset(library.spelling.ignore) if library.spelling else frozenset()
        guide = library.guide
        for action in ("answer", "hide", "delete", "escalate"):
            value = getattr(guide, action)
            yield from _yaml(file, guide.src, (action,), value, lang, f"guide.{action}", common)
        for situation_id, situation in library.situations.items():
            for name in ("label", "when"):
                what = f"situations.{situation_id}.{name}"
                value = getattr(situation, name)
                yield from _yaml(file, situation.src, (name,), value, lang, what, common)
        for reply in library.replies:
            reply_lang = reply.lang or lang
            ignore = common | frozenset(reply.spelling.ignore if reply.spelling else ())
            for name in ("title", "when", "tone"):
                what = f"reply {reply.id}, {name}"
                value = getattr(reply, name)
                yield from _yaml(file, reply.src, (name,), value, reply_lang, what, ignore)
            for path, value in reply.texts():
                what = f"reply {reply.id}, " + ".".join(
                    f"[{p + 1}]" if isinstance(p, int) else str(p) for p in path
                ).replace(".[", "[")
                yield from _yaml(file, reply.src, path, value, reply_lang, what, ignore)
    directory = moderation.directory
    if directory is not None and not moderation.failed_to_load("public", "*"):
        for topic in directory.topics:
            # Names, phones and e-mails are not prose; the other public fields are.
            shown = ("topic",) + tuple(
                f for f in directory.public_fields(topic) if f not in ("person", "phone", "email")
            )
            for name in shown:
                value = getattr(topic, name)
                what = f"topic {topic.id}, {name}"
                yield from _yaml(topic.src.file, topic.src, (name,), value, site_language, what)
    for item in moderation.feedback:
        for name in ("topic", "note"):
            value = getattr(item, name)
            what = f"feedback {item.id}, {name}"
            yield from _yaml(item.src.file, item.src, (name,), value, site_language, what)


def published_texts(project: Project) -> Iterator[Text]:
    """Every text of the project that the portal (or an ambassador's share) publishes.

    Titles of campaigns and key dates, ambassadors' names and the site's name are not
    here: they declare names (see `checks.declared_entries`). Cancelled posts are never
    published; topics and key date categories are labels, often identifiers, not prose.
    """
    language = project.config.site.language
    for post in published_posts(project):
        yield from post_texts(post, language)
    yield from other_texts(project)


def published_posts(project: Project) -> Iterator[Post]:
    """The posts whose texts are published: all but the cancelled ones."""
    return (post for post in project.posts if post.status is not Status.cancelled)


def other_texts(project: Project) -> Iterator[Text]:
    """The published texts that are not the posts' (published_texts, after those)."""
    config = project.config
    language = config.site.language
    for page in project.pages:
        ignore = frozenset(page.spelling_ignore)
        if page.src is not None:
            yield from _yaml(page.file, page.src, ("title",), page.title, language, "title", ignore)
        if page.body.strip():
            yield Text(
                page.file,
                page.body,
                language,
                "page",
                True,
                first_line=page.body_line,
                ignore=ignore,
            )
    for campaign in project.campaigns:
        for name in ("goal", "description"):
            value = getattr(campaign, name)
            yield from _yaml(campaign.src.file, campaign.src, (name,), value, language, name)
    for key in project.key_dates:
        yield from _yaml(
            key.src.file, key.src, ("description",), key.description, language, "description"
        )
    for amb in project.ambassadors:
        if amb.public:
            yield from _yaml(amb.src.file, amb.src, ("team",), amb.team, language, "team")
    for network_id, text in config.ambassadors.disclosure.items():
        path = ("ambassadors", "disclosure", network_id)
        yield from _yaml("site_config.yml", config.src, path, text, language, "disclosure")
    yield from moderation_texts(project)
