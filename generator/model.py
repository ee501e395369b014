"""The typed, frozen models of content format v1: one class per kind of file.

Field names equal the YAML keys. Date-times without an offset are local time in
`site.timezone`, which validation receives through the pydantic context (`tz`).
Each model keeps where it came from in `src` (file and the line of every value).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .source import Lines
from .stats.config import StatsConfig
from .stats.model import Readout
from .watch.config import WatchConfig

# Inside the models with fields named `date` and `time` (the YAML keys), those names are the
# fields: annotations there use these.
Day = date
Clock = time

if TYPE_CHECKING:
    from .moderation.model import Moderation


def _parses(url: str) -> bool:
    """Whether a URL has a host that urllib can read (`http://[a]/` has not: brackets hold an IP)."""
    from urllib.parse import urlsplit

    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False


# Characters that no address written in site_config.yml may hold, even percent-encoding aside:
# they end an HTML attribute or a tag, or are read differently by browsers and servers.
_URL_ASCII_FORBIDDEN = frozenset("\"'<>\\^`{|}")
# Unicode categories that are invisible or control: a name or an address holding one shows
# something else than it is (bidirectional overrides, zero-width spaces, line separators).
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cn", "Zl", "Zp"})
BRANCH_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}")


def _unprintable(value: str, allow: str = "") -> str:
    """A description of the first control or invisible character of `value` ('' if none);
    the characters of `allow` are accepted (a line break in a multi-line text)."""
    import unicodedata

    for ch in value:
        if ch not in allow and unicodedata.category(ch) in _INVISIBLE:
            return f"the invisible character U+{ord(ch):04X}"
    return ""


def url_problem(value: str, *, base: bool = False) -> str:
    """What makes `value` not a plain absolute http(s) address ('' when it is one).

    With base=True (site.url, site.repo_url) a query or a fragment is refused too: other
    addresses are made by appending paths to it."""
    from urllib.parse import urlsplit

    if value != value.strip() or any(ch.isspace() for ch in value):
        return "it holds a space (write it as %20)"
    if bad := _unprintable(value):
        return f"it holds {bad}"
    forbidden = next((ch for ch in value if ch in _URL_ASCII_FORBIDDEN), "")
    if forbidden:
        return f"'{forbidden}' is not allowed in an address (write it as %{ord(forbidden):02X})"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return "its host or port cannot be read"
    if parts.scheme.lower() not in ("http", "https") or not value.lower().startswith(
        ("http://", "https://")
    ):
        return "it must start with https:// (or http://)"
    if not parts.hostname or "@" in parts.netloc:
        return "it needs a host name and no user name"
    if port == 0:
        return "port 0 does not exist"
    if base and (parts.query or parts.fragment or "?" in value or "#" in value):
        return "a base address has no ?query or #fragment"
    return ""


ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
ID_HINT = "use 1 to 80 lowercase letters, digits and hyphens, starting with a letter or digit (e.g. hiver-2026)"


def private(model: BaseModel) -> dict[str, Any]:
    """The private attributes of a model (a post's slug and body, where it was read): load.py
    sets them once, after validation."""
    found = model.__pydantic_private__
    if found is None:
        raise TypeError(f"{type(model).__name__} has no private attributes")
    return found


def suggest_id(value: str) -> str:
    """A valid id close to `value` ('Fête des Lumières' -> 'fete-des-lumieres'), or '' if none."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    candidate = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].rstrip("-")
    return candidate if candidate != value and ID_PATTERN.match(candidate) else ""


def _id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise PydanticCustomError("relais_id", "'{value}' is not a valid id", {"value": value})
    return value


def _strict_str(value: Any) -> Any:
    # YAML turns `title: 2026` into a number; a title must be written as text.
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, list, dict)):
        raise PydanticCustomError("relais_str", "expected text, got {kind}", {"kind": _kind(value)})
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        str: "text",
    }.get(type(value), type(value).__name__)


Text = Annotated[str, BeforeValidator(_strict_str)]


def _text_or_texts(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    raise PydanticCustomError(
        "relais_text_or_list",
        "expected a text or a list of texts (variants), got {kind}",
        {
            "kind": "an empty list"
            if value == []
            else _kind(value)
            if not isinstance(value, list)
            else "a list with non-text items"
        },
    )


TextOrTexts = Annotated[str | list[str], BeforeValidator(_text_or_texts)]
Id = Annotated[str, BeforeValidator(_strict_str), AfterValidator(_id)]


def _tz(info: ValidationInfo) -> tzinfo:
    ctx = info.context or {}
    return ctx.get("tz") or ZoneInfo("UTC")


# The years a date of the content may fall in. Every later stage must handle them: the .ics
# writer adds days and hours (year 10000 does not exist), a share window adds two weeks, time
# zones move a date-time across midnight (year 1 has no day before), and the calendar counts
# months from today. Wider than an editorial calendar needs, and far from either end.
MIN_YEAR, MAX_YEAR = 1900, 2199


def _in_years(day: date, value: Any, kind: str) -> None:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise PydanticCustomError(
            f"relais_{kind}",
            "'{value}' is outside the years Relais handles ({low} to {high})",
            {"value": str(value), "low": MIN_YEAR, "high": MAX_YEAR},
        )


def parse_date(value: Any) -> date:
    """An ISO date (YYYY-MM-DD), with a message that says what is wrong."""
    if isinstance(value, datetime):
        _in_years(value.date(), value, "date")
        return value.date()
    if isinstance(value, date):
        _in_years(value, value, "date")
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "relais_date", "expected a date like 2026-12-03, got {kind}", {"kind": _kind(value)}
        )
    text = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise PydanticCustomError(
            "relais_date", "'{value}' is not a date like 2026-12-03", {"value": value}
        )
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise PydanticCustomError(
            "relais_date", "'{value}' does not exist in the calendar", {"value": value}
        ) from None
    _in_years(day, value, "date")
    return day


def parse_datetime(value: Any, tz: tzinfo) -> datetime:
    """An ISO date-time; without an offset it is local time in the site's zone; a date means 00:00."""
    if isinstance(value, datetime):
        _in_years(value.date(), value, "datetime")
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        _in_years(value, value, "datetime")
        return datetime.combine(value, time(0, 0), tz)
    if not isinstance(value, str):
        raise PydanticCustomError(
            "relais_datetime",
            "expected a date-time like 2026-12-03T09:30, got {kind}",
            {"kind": _kind(value)},
        )
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return datetime.combine(parse_date(text), time(0, 0), tz)
    m = re.fullmatch(
        r"(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?", text
    )
    if not m:
        raise PydanticCustomError(
            "relais_datetime",
            "'{value}' is not a date-time like 2026-12-03T09:30",
            {"value": value},
        )
    day = parse_date(m.group(1))
    clock = m.group(2)
    try:
        hh, mm, *rest = clock.split(":")
        parsed = datetime.fromisoformat(
            f"{day.isoformat()}T{int(hh):02d}:{mm}" + (f":{rest[0]}" if rest else "")
        )
    except ValueError:
        raise PydanticCustomError(
            "relais_datetime", "'{value}' has a time that does not exist", {"value": value}
        ) from None
    offset = m.group(3)
    if offset:
        try:
            return datetime.fromisoformat(
                parsed.isoformat() + ("+00:00" if offset == "Z" else offset)
            )
        except ValueError:
            raise PydanticCustomError(
                "relais_datetime",
                "'{value}' has a time zone offset that does not exist",
                {"value": value},
            ) from None
    return parsed.replace(tzinfo=tz)


def _date_field(value: Any) -> date:
    return parse_date(value)


Date = Annotated[date, BeforeValidator(_date_field)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    _src: Lines | None = PrivateAttr(default=None)

    @property
    def src(self) -> Lines:
        # The private dict directly: pydantic's __getattr__ for `self._src` is slow in hot loops.
        private = self.__pydantic_private__
        return (private.get("_src") if private else None) or Lines("", 1)

    def line(self, *path: str | int) -> int:
        return self.src.of(path)


# --- site_config.yml -------------------------------------------------------------------------


class SiteInfo(Frozen):
    name: Text
    url: Text = Field(
        description="Absolute base URL of the portal, used in .ics files, feeds and kits"
    )
    repo_url: Text | None = Field(
        None, description="Repository page: enables 'edit this post' links"
    )
    branch: Text = Field("main", description="Branch that edit links point at")
    language: Literal["fr", "en"] = "fr"
    timezone: Text = "Europe/Paris"
    description: Text | None = None
    embargo_key: Text | None = Field(
        None,
        description="Secret that keys the addresses of embargoed posts' pages, so that a "
        "guessed slug cannot be confirmed; 16 characters or more, never shown on the portal",
    )

    @field_validator("url", "repo_url")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        # These addresses are printed in every page's head, in .ics files and in kits.json:
        # anything but a plain absolute address (a quote, an angle bracket, a space, a control
        # character, a query) is refused here, and the templates escape them anyway.
        if value is None:
            return value
        problem = url_problem(value, base=True)
        if problem:
            raise PydanticCustomError(
                "relais_url",
                "'{value}' is not an absolute http(s) URL: {problem}",
                {"value": value, "problem": problem},
            )
        return value

    @field_validator("name", "description")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        # Printed in <title>, in the header and in .ics calendars' names: text on one line.
        if value is not None and (bad := _unprintable(value, allow="")):
            raise PydanticCustomError(
                "relais_text",
                "the text holds {what}, which a page title cannot show",
                {"what": bad},
            )
        return value

    @field_validator("embargo_key")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        if value is not None and (len(value) < 16 or not re.fullmatch(r"[!-~]+", value)):
            raise PydanticCustomError(
                "relais_embargo_key",
                "embargo_key must be 16 or more visible ASCII characters (no space)",
                {},
            )
        return value

    @field_validator("branch")
    @classmethod
    def _branch(cls, value: str) -> str:
        if not BRANCH_PATTERN.fullmatch(value) or ".." in value or "//" in value:
            raise PydanticCustomError(
                "relais_branch", "'{value}' is not a branch name like main", {"value": value}
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            import difflib

            close = difflib.get_close_matches(value, sorted(available_timezones()), n=1)
            raise PydanticCustomError(
                "relais_timezone",
                "unknown time zone '{value}'" + (f" (did you mean '{close[0]}'?)" if close else ""),
                {"value": value},
            ) from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class NetworkSettings(Frozen):
    instance: Text | None = Field(
        None, description="Mastodon: the organisation's instance, e.g. https://mastodon.social"
    )
    limit: int | None = Field(
        None, description="Override the network's length limit (e.g. a Mastodon instance with 1000)"
    )


Severity = Literal["error", "warning", "ignore"]


class Rules(Frozen):
    # Bounded: a year of gap or ten years of silence is already no rule (and a huge number
    # would overflow the date arithmetic of the schedule checks).
    min_gap_hours: dict[str, Annotated[float, Field(ge=0, le=24 * 366)]] = Field(
        default_factory=dict
    )
    max_silence_days: dict[str, Annotated[float, Field(gt=0, le=3660)]] = Field(
        default_factory=dict
    )
    blocked_words: list[Text] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(
        default_factory=dict,
        description="Override a check's severity by its code, e.g. {min-gap: error}",
    )


class AmbassadorSettings(Frozen):
    disclosure: dict[str, Text] = Field(
        default_factory=dict,
        description="Disclosure appended to shared messages: 'default' and per network id",
    )


class SpellingSettings(Frozen):
    words: list[Text] = Field(
        default_factory=list,
        description="Words the dictionaries lack that the site uses (brands, places, people), "
        "accepted in every text; dictionary.txt at the repository root can hold more",
    )
    variants: dict[str, Text] = Field(
        default_factory=dict,
        description="The one dictionary of a language, e.g. {en: en-GB} for British spelling only "
        "(by default English accepts British and American spellings)",
    )


class SiteConfig(Frozen):
    site: SiteInfo
    networks: dict[str, NetworkSettings | None] = Field(default_factory=dict)
    rules: Rules = Field(default_factory=Rules)
    ambassadors: AmbassadorSettings = Field(default_factory=AmbassadorSettings)
    tracking: dict[str, Text] = Field(default_factory=dict)
    watch: WatchConfig = Field(default_factory=WatchConfig)
    stats: StatsConfig = Field(default_factory=StatsConfig)
    spelling: SpellingSettings = Field(
        default_factory=SpellingSettings,
        description="Spelling check: words to accept everywhere, the one English of the site",
    )
    topics: dict[Text, Text] = Field(
        default_factory=dict,
        description="Topic id to its label in the portal, e.g. {rse: RSE, evenement: Événement};"
        " when given, the topics of posts and ambassadors must be among these ids",
    )

    def network_settings(self, network_id: str) -> NetworkSettings:
        return self.networks.get(network_id) or NetworkSettings()

    def disclosure(self, network_id: str) -> str:
        d = self.ambassadors.disclosure
        return d.get(network_id, d.get("default", ""))

    def topic_label(self, topic: str) -> str:
        """A topic as readers see it: its label from `topics`, else the id as written."""
        if topic in self.topics:
            return self.topics[topic]
        folded = topic.casefold()
        return next((v for k, v in self.topics.items() if k.casefold() == folded), topic)


# --- posts ------------------------------------------------------------------------------------


class Status(str, Enum):
    idea = "idea"
    draft = "draft"
    review = "review"
    approved = "approved"
    scheduled = "scheduled"
    published = "published"
    cancelled = "cancelled"


Format = Literal["text", "image", "video", "carousel", "story", "reel", "article", "live", "event"]
IN_PROGRESS = (Status.idea, Status.draft, Status.review, Status.approved, Status.scheduled)


class Share(Frozen):
    from_: Date | None = Field(
        None, alias="from", description="First day of the kit (default: the post's date)"
    )
    until: Date | None = Field(None, description="Last day of the kit (default: from + 14 days)")
    hashtags: list[Text] = Field(default_factory=list)
    messages: dict[str, TextOrTexts] = Field(default_factory=dict)

    def variants(self, network_id: str) -> list[str]:
        value = self.messages.get(network_id)
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)


class PostSpelling(Frozen):
    ignore: list[Text] = Field(
        default_factory=list, description="Words the spelling check accepts in this post only"
    )


def _lang(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", value):
        raise PydanticCustomError(
            "relais_lang", "'{value}' is not a language code like fr or en", {"value": value}
        )
    return value


# A language code as posts and replies write it: fr, en, fr-CA.
Lang = Annotated[Text, AfterValidator(_lang)]


class Post(Frozen):
    title: Text
    date: datetime | None = Field(
        None, description="Publication time; local time in site.timezone without an offset"
    )
    networks: list[Text] = Field(min_length=1)
    status: Status = Status.draft
    due: Date | None = Field(None, description="When the draft must be ready")
    format: Format = "text"
    lang: Lang | None = None
    embargo: bool = False
    owner: Id | None = None
    campaign: Id | None = None
    key_date: Id | None = None
    topics: list[Text] = Field(default_factory=list)
    link: Text | None = None
    image: Text | None = None
    image_alt: Text | None = None
    messages: dict[str, Text] = Field(default_factory=dict)
    share: Share | None = None
    published: dict[str, Text] = Field(
        default_factory=dict,
        description="Where the post went out: network id to the address of the post on it",
    )
    spelling: PostSpelling | None = Field(
        None, description="Spelling check of this post: {ignore: [words accepted here only]}"
    )

    # Not from the front matter: set by the loader.
    _slug: str = PrivateAttr(default="")
    _body: str = PrivateAttr(default="")
    _body_line: int = PrivateAttr(default=1)
    # The keyed part of an embargoed post's address (load.neutral_name), set by the loader.
    _neutral: str = PrivateAttr(default="")
    # A digest of all the loader made this post of (its path, its text, the site's time zone):
    # what the checks found in it is kept under it (memo.per_post). "" when not loaded.
    _source: str = PrivateAttr(default="")

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: Any, info: ValidationInfo) -> Any:
        return None if value is None else parse_datetime(value, _tz(info))

    @field_validator("link")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        if value is not None and (
            not re.match(r"^https?://[^/\s]+\S*$", value) or not _parses(value)
        ):
            raise PydanticCustomError(
                "relais_url", "'{value}' is not an http(s) link", {"value": value}
            )
        return value

    @model_validator(mode="after")
    def _date_required(self) -> Post:
        if self.date is None and self.status is not Status.idea:
            raise PydanticCustomError(
                "relais_missing_date", "a post needs a date unless its status is idea", {}
            )
        return self

    @property
    def slug(self) -> str:
        return str(self.__pydantic_private__.get("_slug", ""))  # type: ignore[union-attr]  # fast: hot in loops

    @property
    def neutral(self) -> str:
        """What an embargoed post's address shows instead of its slug (see load.neutral_name)."""
        return str(self.__pydantic_private__.get("_neutral", ""))  # type: ignore[union-attr]

    @property
    def body(self) -> str:
        return str(self.__pydantic_private__.get("_body", ""))  # type: ignore[union-attr]

    @property
    def source(self) -> str:
        """A digest of the file and settings the loader made this post of, or "" (see _source)."""
        return str(self.__pydantic_private__.get("_source", ""))  # type: ignore[union-attr]

    @property
    def body_line(self) -> int:
        """The line of the file where the body (the brief) starts."""
        return int(self.__pydantic_private__.get("_body_line", 1))  # type: ignore[union-attr]

    @property
    def file(self) -> str:
        return self.src.file

    def share_window(self) -> tuple[Day, Day] | None:
        """The days the kit is offered (`from`..`until` inclusive), or None without a share block."""
        if self.share is None:
            return None
        start = self.share.from_ or (self.date.date() if self.date else None)
        if start is None:
            return None
        return start, self.share.until or start + timedelta(days=14)


def is_embargoed(post: Post, now: datetime) -> bool:
    """An embargoed post shows nothing but its date until its publication time."""
    return post.embargo and (post.date is None or post.date > now)


# --- calendar ---------------------------------------------------------------------------------


class KeyDate(Frozen):
    id: Id
    title: Text
    date: Date | None = None
    start: Date | None = None
    end: Date | None = None
    yearly: bool = False
    rrule: Text | None = Field(
        None, description="RFC 5545 rule, e.g. FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=16"
    )
    category: Text | None = None
    description: Text | None = None

    @model_validator(mode="after")
    def _one_form(self) -> KeyDate:
        forms = sum(
            [
                self.date is not None,
                self.start is not None or self.end is not None,
                self.rrule is not None,
            ]
        )
        if forms == 0:
            raise PydanticCustomError(
                "relais_keydate_form", "a key date needs date, start and end, or rrule", {}
            )
        if self.date is not None and (self.start or self.end):
            raise PydanticCustomError(
                "relais_keydate_form",
                "use either date or start/end, not both",
                {"field": "start" if self.start else "end"},
            )
        if (self.start is None) != (self.end is None) and self.rrule is None:
            raise PydanticCustomError(
                "relais_keydate_form",
                "a range needs both start and end",
                {"field": "start" if self.start else "end"},
            )
        if self.start and self.end and self.end < self.start:
            raise PydanticCustomError(
                "relais_range",
                "end ({end}) is before start ({start})",
                {"end": str(self.end), "start": str(self.start), "field": "end"},
            )
        return self


class Campaign(Frozen):
    id: Id
    title: Text
    start: Date
    end: Date
    color: Annotated[Text, AfterValidator(lambda v: _color(v))] = "#546e7a"
    goal: Text | None = Field(None, description="What the campaign aims at, shown on its page")
    description: Text | None = None

    @model_validator(mode="after")
    def _order(self) -> Campaign:
        if self.end < self.start:
            raise PydanticCustomError(
                "relais_range",
                "end ({end}) is before start ({start})",
                {"end": str(self.end), "start": str(self.start), "field": "end"},
            )
        return self


def _color(value: str) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", value):
        raise PydanticCustomError(
            "relais_color", "'{value}' is not a colour like #1e88e5", {"value": value}
        )
    return value


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _clock(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", value):
        return value
    raise PydanticCustomError(
        "relais_time", "'{value}' is not a time like \"09:00\"", {"value": value}
    )


class Slot(Frozen):
    network: Text
    days: list[Weekday] = Field(min_length=1)
    time: Annotated[str, BeforeValidator(_clock)]

    @property
    def clock(self) -> Clock:
        hh, mm = self.time.split(":")
        return time(int(hh), int(mm))


# --- ambassadors ------------------------------------------------------------------------------


class AmbassadorNetwork(Frozen):
    handle: Text | None = None
    specialist: bool = False
    instance: Text | None = Field(
        None, description="Mastodon: the ambassador's instance, if not in the handle"
    )


class Ambassador(Frozen):
    name: Text
    team: Text | None = None
    networks: dict[str, AmbassadorNetwork | None] = Field(default_factory=dict)
    topics: list[Text] = Field(default_factory=list)
    languages: list[Text] = Field(default_factory=list)
    email: Text | None = Field(None, description="Private: never written into the site")
    public: bool = True

    _id: str = PrivateAttr(default="")

    @property
    def id(self) -> str:
        return str(self.__pydantic_private__.get("_id", ""))  # type: ignore[union-attr]  # fast: hot in loops


PRIVATE_AMBASSADOR_FIELDS = ("email",)


# --- pages and the project --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    """A free Markdown page of content/pages/."""

    slug: str
    title: str
    body: str
    file: str
    body_line: int = 1  # the line of the file the body starts on (after the front matter)
    # The front matter's values and their places, when the page has one (title, spelling).
    src: Lines | None = None
    spelling_ignore: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Project:
    """Everything loaded from one content repository."""

    root: str
    config: SiteConfig
    posts: tuple[Post, ...]
    pages: tuple[Page, ...]
    key_dates: tuple[KeyDate, ...]
    campaigns: tuple[Campaign, ...]
    slots: tuple[Slot, ...]
    ambassadors: tuple[Ambassador, ...]
    media: frozenset[str] = frozenset()
    # The identity (device, inode) of each media file once its links are followed, and the
    # media file each post's image designates, by the image as written (load._images).
    media_ids: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False, hash=False)
    images: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # (kind, id) of entries that exist but failed to load ("*": the whole file), e.g. ("campaign", "hiver-2026")
    unloaded: frozenset[tuple[str, str]] = frozenset()
    # What stats/ holds (exports read by stats.read), empty without the folder.
    stats: Readout = field(default_factory=Readout)
    # The project's word list (dictionary.txt): words the spelling check accepts everywhere.
    dictionary: tuple[str, ...] = ()
    # moderation/: the reply library, the escalation directory, the feedback register (or None)
    moderation: Moderation | None = None

    @property
    def tz(self) -> ZoneInfo:
        return self.config.site.tz

    def image(self, image: str | None) -> str | None:
        """The media file (relative to content/) a post's `image` designates, or None."""
        return self.images.get(image) if image else None

    def failed_to_load(self, kind: str, item_id: str | None) -> bool:
        """Whether `item_id` may exist but its entry was broken (already reported where it is written)."""
        return (kind, item_id or "") in self.unloaded or (kind, "*") in self.unloaded

    def post(self, slug: str) -> Post | None:
        return next((p for p in self.posts if p.slug == slug), None)

    def campaign(self, campaign_id: str | None) -> Campaign | None:
        return next((c for c in self.campaigns if c.id == campaign_id), None)

    def key_date(self, key_date_id: str | None) -> KeyDate | None:
        return next((k for k in self.key_dates if k.id == key_date_id), None)

    def ambassador(self, ambassador_id: str | None) -> Ambassador | None:
        return next((a for a in self.ambassadors if a.id == ambassador_id), None)
