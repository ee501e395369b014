"""The models of moderation/: the reply library, the escalation directory, the feedback register.

Three files, in the style of the calendar's (field names equal the YAML keys; every value
remembers its line):

    moderation/replies.yml     the decision guide, the situations and the approved replies
    moderation/escalation.yml  who to alert, per topic; only fields listed in `public` reach the portal
    moderation/feedback.yml    what the community keeps asking or complaining about
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from ..model import Date, Frozen, Id, Lang, PostSpelling, Text, TextOrTexts

Action = Literal["answer", "hide", "delete", "escalate"]
ACTIONS: tuple[Action, ...] = ("answer", "hide", "delete", "escalate")


# --- moderation/replies.yml -------------------------------------------------------------------


class Guide(Frozen):
    """The charter's decision guide: when to answer, hide, delete or escalate, in the team's words."""

    answer: Text | None = Field(None, description="When to answer publicly (most messages)")
    hide: Text | None = Field(None, description="When to hide a message without deleting it")
    delete: Text | None = Field(None, description="When to delete a message (the charter's list)")
    escalate: Text | None = Field(None, description="When to pass a message to another service")


class Situation(Frozen):
    """A kind of message the community sends, and what the charter says to do with it."""

    label: Text = Field(description="The situation's name in the portal, e.g. Réclamation")
    actions: list[Action] = Field(
        min_length=1, description="What to do: answer, hide, delete and/or escalate"
    )
    when: Text | None = Field(None, description="How to recognise it, in one sentence")
    escalate: Id | None = Field(
        None, description="The topic of moderation/escalation.yml to alert, if any"
    )


class Reply(Frozen):
    """One approved reply: a text for every network (`text`), or per network (`networks`)."""

    id: Id = Field(description="Unique id of the reply, e.g. horaires (its anchor in the portal)")
    situation: Id = Field(description="The id of one of the situations above")
    title: Text = Field(description="What the reply answers, e.g. Horaires d'ouverture")
    when: Text = Field(description="When to use it")
    tone: Text | None = Field(None, description="The tone, e.g. chaleureux, factuel, bref")
    owner: Id = Field(description="The ambassador id of the person who keeps this reply right")
    review: Date = Field(description="The day by which the reply must be read again")
    text: TextOrTexts | None = Field(
        None, description="The reply for every network (or a list of variants); [[…]] to fill"
    )
    networks: dict[str, TextOrTexts] = Field(
        default_factory=dict,
        description="The reply per network id where length or habits differ (a text or variants)",
    )
    lang: Lang | None = Field(
        None,
        description="The reply's language, e.g. en (default: the file's lang, else the site's)",
    )
    spelling: PostSpelling | None = Field(
        None, description="Spelling check of this reply: {ignore: [words accepted here only]}"
    )

    @model_validator(mode="after")
    def _some_text(self) -> Reply:
        if self.text is None and not self.networks:
            raise PydanticCustomError(
                "relais_reply_text", "a reply needs a text, or a text per network", {}
            )
        return self

    def variants(self, network_id: str) -> list[str]:
        """The texts of this reply on one network: its own, else the common text, else none."""
        value = self.networks.get(network_id, self.text)
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)

    def texts(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every text of the reply with its path in the file (for checks)."""
        out: list[tuple[tuple[str | int, ...], str]] = []
        for path, value in [(("text",), self.text)] + [
            (("networks", n), v) for n, v in self.networks.items()
        ]:
            if isinstance(value, str):
                out.append((path, value))
            elif isinstance(value, list):
                out += [((*path, i), v) for i, v in enumerate(value)]
        return out


class Library(Frozen):
    """moderation/replies.yml."""

    charter: Text | None = Field(
        None, description="The slug of the charter's page in content/pages/ (its file name)"
    )
    guide: Guide = Field(
        default_factory=lambda: Guide.model_validate({}),
        description="The charter's decision guide: when to answer, hide, delete or escalate",
    )
    situations: dict[str, Situation] = Field(
        default_factory=dict, description="Situation id to its label, actions and escalation"
    )
    replies: list[Reply] = Field(default_factory=list, description="The approved replies")
    lang: Lang | None = Field(
        None, description="The language of the replies and the guide (default: the site's)"
    )
    spelling: PostSpelling | None = Field(
        None, description="Spelling check of this file: {ignore: [words accepted in every reply]}"
    )


# --- moderation/escalation.yml ----------------------------------------------------------------

# The fields of a topic that may be published; `id` and `topic` always are, `notes` never.
PublicField = Literal[
    "service", "contact", "channel", "response_time", "out_of_hours", "person", "phone", "email"
]


class Topic(Frozen):
    """One topic of the escalation directory: who owns it and how to reach them."""

    id: Id = Field(description="Unique id of the topic, e.g. qualite")
    topic: Text = Field(description="What the topic covers, e.g. Sécurité alimentaire")
    service: Text | None = Field(None, description="The service that owns the topic")
    contact: Text | None = Field(None, description="The role to contact, e.g. Responsable qualité")
    channel: Text | None = Field(None, description="How to reach them, e.g. Teams, téléphone")
    response_time: Text | None = Field(None, description="The expected response time, e.g. 1 h")
    out_of_hours: Text | None = Field(None, description="What to do at night and at weekends")
    person: Text | None = Field(None, description="A person's name (private unless in public)")
    phone: Text | None = Field(None, description="A phone number (private unless in public)")
    email: Text | None = Field(None, description="An e-mail address (private unless in public)")
    notes: Text | None = Field(None, description="Notes for the team: never published")
    public: list[PublicField] | None = Field(
        None, description="The fields of this topic the portal shows (default: the file's list)"
    )


class Directory(Frozen):
    """moderation/escalation.yml."""

    public: list[PublicField] = Field(
        default_factory=list,
        description="The fields the portal shows (id and topic always are); the others stay here",
    )
    topics: list[Topic] = Field(default_factory=list, description="The topics and who owns them")

    def public_fields(self, topic: Topic) -> tuple[str, ...]:
        """The fields of `topic` that may be published, in the directory's order."""
        chosen = topic.public if topic.public is not None else self.public
        return tuple(f for f in get_args(PublicField) if f in chosen)

    def topic_by_id(self, topic_id: str | None) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


# --- moderation/feedback.yml ------------------------------------------------------------------

FeedbackStatus = Literal["open", "in-progress", "solved", "declined"]
FEEDBACK_STATUSES: tuple[str, ...] = ("open", "in-progress", "solved", "declined")


class Feedback(Frozen):
    """One recurring question or complaint, for the team's regular review."""

    id: Id = Field(description="Unique id of the item, e.g. attente-dimanche")
    topic: Text = Field(description="What the community keeps asking or complaining about")
    first_seen: Date = Field(description="The day it was first noticed")
    count: int = Field(ge=1, description="How many times it came up so far")
    status: FeedbackStatus = Field(
        "open", description="Where it stands: open, in-progress, solved or declined"
    )
    owner: Id | None = Field(None, description="The ambassador id of the person following it")
    replies: list[Id] = Field(default_factory=list, description="Ids of the replies that answer it")
    escalate: Id | None = Field(None, description="The topic of moderation/escalation.yml, if any")
    last_seen: Date | None = Field(None, description="The last time it came up")
    note: Text | None = Field(None, description="Where it stands, in a sentence")


# --- what the project holds -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Moderation:
    """The three files of moderation/, each None when absent or broken beyond reading."""

    library: Library | None = None
    directory: Directory | None = None
    feedback: tuple[Feedback, ...] = ()
    # (kind, id) of entries that exist but did not load, so that references are not reported twice
    unloaded: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return self.library is None and self.directory is None and not self.feedback

    def failed_to_load(self, kind: str, item_id: str) -> bool:
        return (kind, item_id) in self.unloaded or (kind, "*") in self.unloaded

    def reply(self, reply_id: str) -> Reply | None:
        if self.library is None:
            return None
        return next((r for r in self.library.replies if r.id == reply_id), None)
