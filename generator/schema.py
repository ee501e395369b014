"""`relais schema`: JSON Schemas of every kind of content file, generated from the checker's models.

The schemas are for editors (VS Code's YAML extension completes and validates while
typing) and for CI tools such as check-jsonschema. They come from the same pydantic
models that `relais check` validates with, plus what pydantic cannot see: the formats
our validators accept (dates written like 2026-12-03T09:30, ids, colours) and the
few cross-field rules of one entry (a post needs a date unless it is an idea).
Rules across files (an owner must be an ambassador, a network must be enabled in
site_config.yml) stay with `relais check`.
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from . import networks as net
from .load import (
    AMBASSADORS_DIR,
    CAMPAIGNS_FILE,
    CONFIG_FILE,
    ESCALATION_FILE,
    FEEDBACK_FILE,
    KEY_DATES_FILE,
    POSTS_DIR,
    REPLIES_FILE,
    SLOTS_FILE,
)
from .model import ID_PATTERN, Ambassador, Campaign, KeyDate, Post, SiteConfig, Slot
from .moderation.model import Directory, Feedback, Library

# Draft 7 is the newest draft that every editor plugin and validator we target reads.
DRAFT = "http://json-schema.org/draft-07/schema#"

# A calendar date that exists (leap years included) in the years Relais handles (1900 to
# 2199, model.MIN_YEAR..MAX_YEAR), as `model.parse_date` accepts it; written out so that
# editors, which do not check "format", reject 2026-02-30 and 9999-06-01 too.
_DAY = (
    r"(?:(?:19|20|21)\d{2}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
    r"|02-(?:0[1-9]|1\d|2[0-8]))|(?:(?:19|20|21)(?:0[48]|[2468][048]|[13579][26])|2000)-02-29)"
)
DATE_PATTERN = f"^{_DAY}$"
# What `model.parse_datetime` accepts: a date, or a date and a time (T or a space), seconds
# and an offset optional; without an offset it is local time in site.timezone.
DATETIME_PATTERN = f"^{_DAY}(?:[T ](?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?(?:Z|[+-](?:[01]\\d|2[0-3]):?[0-5]\\d)?)?$"
TIME_PATTERN = r"^(?:[01]?\d|2[0-3]):[0-5]\d$"
LANG_PATTERN = r"^[a-z]{2,3}(?:-[A-Za-z]{2,4})?$"
COLOR_PATTERN = r"^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$"
# What `model.url_problem(base=True)` accepts: no space, quote, angle bracket or control
# character, a host, no user name, no query and no fragment (relais check says which is wrong).
SITE_URL_PATTERN = (
    r"^[hH][tT][tT][pP][sS]?://[^\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e"
    r"""\u2060-\u206f\ufeff"'<>\\^`{|}/?#@]+"""
    r"(?:/[^\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
    r""""'<>\\^`{|}?#]*)?$"""
)
ONE_LINE_PATTERN = (
    r"^[^\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]*$"
)
BRANCH_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}$"
EMBARGO_KEY_PATTERN = r"^[!-~]{16,}$"
LINK_PATTERN = r"^https?://[^/\s]+\S*$"
# What `stats.config._inside` accepts: relative segments, none empty, hidden, `.` or `..`.
_SEGMENT = r"[^/\\:.\u0000-\u001f\u007f][^/\\:\u0000-\u001f\u007f]*"
FOLDER_PATTERN = rf"^{_SEGMENT}(?:/{_SEGMENT})*/*$"

# Shown by VS Code and yaml-language-server instead of the bare pattern (`patternErrorMessage`
# is their extension of JSON Schema; validators ignore it). Same advice as the checker's hints.
PATTERN_MESSAGES = {
    ID_PATTERN.pattern: "Use 1 to 80 lowercase letters, digits and hyphens, starting with a letter or digit "
    "(e.g. hiver-2026)",
    DATE_PATTERN: "Write a date that exists as YYYY-MM-DD, e.g. 2026-12-03",
    DATETIME_PATTERN: "Write a local date-time as YYYY-MM-DDTHH:MM, e.g. 2026-12-03T09:30 (a time that exists)",
    TIME_PATTERN: 'Write the time in quotes as "HH:MM", e.g. "09:00"',
    LANG_PATTERN: "Write a language code like fr or en",
    COLOR_PATTERN: 'Write a colour in quotes like "#1e88e5"',
    SITE_URL_PATTERN: "Write the full address, starting with https://, without spaces, quotes, "
    "angle brackets, ?query or #fragment",
    ONE_LINE_PATTERN: "Write the text on one line, without control or invisible characters",
    BRANCH_PATTERN: "Write a branch name like main",
    EMBARGO_KEY_PATTERN: "Write 16 or more visible ASCII characters, e.g. a random token",
    LINK_PATTERN: "Write the full address, starting with https://, without spaces",
    FOLDER_PATTERN: "Write a folder inside the repository, e.g. stats, without '..', a leading "
    "'/' or a hidden folder",
}


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of content file: its schema's name, model, and the files it describes."""

    name: str
    model: type[BaseModel]
    many: bool  # the file is a YAML list of entries
    files: str  # a glob relative to the repository root
    title: str
    description: str

    @property
    def filename(self) -> str:
        return f"{self.name}.json"


KINDS: tuple[Kind, ...] = (
    Kind(
        "site-config",
        SiteConfig,
        False,
        CONFIG_FILE,
        "Relais site_config.yml",
        "The portal's settings: site, networks, scheduling rules, ambassador disclosure, tracking and watch feeds.",
    ),
    Kind(
        "post",
        Post,
        False,
        f"{POSTS_DIR}/*.md",
        "Relais post front matter",
        "The YAML block between the two '---' lines at the top of content/posts/<slug>.md "
        "(the file name is the slug).",
    ),
    Kind(
        "key-dates",
        KeyDate,
        True,
        KEY_DATES_FILE,
        "Relais key dates",
        "calendar/key-dates.yml: a list of key dates, each with a date, a start and an end, or an rrule.",
    ),
    Kind(
        "campaigns",
        Campaign,
        True,
        CAMPAIGNS_FILE,
        "Relais campaigns",
        "calendar/campaigns.yml: a list of campaigns, each with a start and an end.",
    ),
    Kind(
        "slots",
        Slot,
        True,
        SLOTS_FILE,
        "Relais publication slots",
        "calendar/slots.yml: recurring publication slots, per network.",
    ),
    Kind(
        "ambassador",
        Ambassador,
        False,
        f"{AMBASSADORS_DIR}/*.yml",
        "Relais ambassador",
        "ambassadors/<id>.yml: one ambassador (the file name is the id).",
    ),
    Kind(
        "moderation-replies",
        Library,
        False,
        REPLIES_FILE,
        "Relais approved replies",
        "moderation/replies.yml: the charter's decision guide, the situations and the approved "
        "replies, each with a text for every network or per network.",
    ),
    Kind(
        "moderation-escalation",
        Directory,
        False,
        ESCALATION_FILE,
        "Relais escalation directory",
        "moderation/escalation.yml: who to alert per topic; only the fields listed in 'public' "
        "are published.",
    ),
    Kind(
        "moderation-feedback",
        Feedback,
        True,
        FEEDBACK_FILE,
        "Relais recurring feedback",
        "moderation/feedback.yml: what the community keeps asking or complaining about.",
    ),
)


# --- descriptions the models do not carry ----------------------------------------------------
# Shown by editors on hover and in completion lists; a field's own `Field(description=…)`
# in the models wins over these.

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "SiteConfig": {
        "site": "Name, address, language and time zone of the portal",
        "networks": "The networks this organisation uses, by id (linkedin, x, instagram, mastodon…)",
        "rules": "Scheduling rules and blocked words, checked by relais check",
        "ambassadors": "Settings of the ambassador programme",
        "tracking": "UTM tags added to post links in kits; {network}, {campaign} and {ambassador} are filled in",
        "watch": "Watch feeds: themes, RSS/Atom feeds and keywords",
        "stats": "Statistics: the exports' folder and time zones, matching and fetch limits",
    },
    "SiteInfo": {
        "name": "The portal's name, shown in its header",
        "language": "The portal's language: fr or en",
        "timezone": "IANA time zone of local date-times, e.g. Europe/Paris",
        "description": "One sentence about the portal, shown on its home page",
    },
    "WatchConfig": {
        "timeouts": "Seconds allowed to connect, to read, and for a whole feed",
    },
    "Rules": {
        "min_gap_hours": "Per network id: posts closer than this many hours on one network get a warning",
        "max_silence_days": "Per network id: a longer gap without posts in the planned horizon gets a warning",
        "blocked_words": "Words or phrases from the charter that no message may contain (an error)",
    },
    "Post": {
        "title": "The post's title, shown in the calendar and the kits",
        "date": "Publication time, e.g. 2026-12-03T09:30 (local time in site.timezone); required unless status is idea",
        "networks": "The networks the post is published on, e.g. [linkedin, x]",
        "status": "Where the post stands: idea, draft, review, approved, scheduled, published or cancelled",
        "format": "What is published: text, image, video, carousel, story, reel, article, live or event",
        "lang": "The post's language code, e.g. fr or en (default: site.language)",
        "embargo": "true: nothing but the date appears in the portal before publication",
        "owner": "The id of the ambassador who owns the post (a file in ambassadors/)",
        "campaign": "The id of a campaign of calendar/campaigns.yml",
        "key_date": "The id of a key date of calendar/key-dates.yml",
        "topics": "Topics, matched against the ambassadors' topics",
        "link": "The address the post promotes (https://…); tagged for ambassadors",
        "image": "The visual, relative to content/, e.g. media/hiver.jpg",
        "image_alt": "The visual's alternative text, for people who cannot see it (required with image)",
        "messages": "The official post, per network id",
        "share": "The ambassador kit; without it the post is not offered to ambassadors",
    },
    "Share": {
        "hashtags": "Hashtags added to every suggested message, without #",
        "messages": "Suggested messages per network id: a text, or a list of variants; [[…]] is a prompt to fill",
    },
    "KeyDate": {
        "id": "Unique id: lowercase letters, digits and hyphens, e.g. fete-des-lumieres",
        "title": "The key date's name",
        "date": "The day, e.g. 2026-12-08 (or use start and end, or rrule)",
        "start": "First day of a range, e.g. 2027-01-20",
        "end": "Last day of a range",
        "yearly": "true: repeats every year on the same day",
        "category": "A free category, e.g. fête, salon, journée thématique",
        "description": "A few words shown in the calendar",
    },
    "Campaign": {
        "id": "Unique id: lowercase letters, digits and hyphens, e.g. hiver-2026",
        "title": "The campaign's name",
        "start": "First day, e.g. 2026-11-25",
        "end": "Last day (not before start)",
        "color": 'Colour in the calendar, e.g. "#1e88e5" (in quotes: # starts a YAML comment)',
        "description": "A few words shown on the campaign's page",
    },
    "Slot": {
        "network": "The network id, e.g. linkedin",
        "days": "Days of the week: mon, tue, wed, thu, fri, sat, sun",
        "time": 'Local time in quotes, e.g. "09:00"',
    },
    "Ambassador": {
        "name": "Full name, shown in the directory",
        "team": "Team or department",
        "networks": "The networks the ambassador shares on, by id, each with an optional handle",
        "topics": "Topics of interest, matched against posts' topics",
        "languages": "Language codes the ambassador posts in, e.g. [fr, en]",
        "public": "false: kept out of the ambassador directory",
    },
    "AmbassadorNetwork": {
        "handle": "The account name on this network",
        "specialist": "true: the ambassador is a go-to person on this network",
    },
}


# --- pydantic's generator, taught our validators ------------------------------------------------


def _on_strings(schema: JsonSchemaValue, extra: dict[str, Any]) -> JsonSchemaValue:
    """Add keywords to the string branch of a schema (also inside anyOf, e.g. with null)."""
    if schema.get("type") == "string":
        return {**schema, **extra}
    if "anyOf" in schema:
        return {**schema, "anyOf": [_on_strings(branch, extra) for branch in schema["anyOf"]]}
    return schema


def _present(*keys: str) -> dict[str, Any]:
    """Every key is there with a value other than null (null reads as absent in the models)."""
    return {"required": list(keys), "properties": {k: {"not": {"type": "null"}} for k in keys}}


def _post_rules(schema: JsonSchemaValue) -> JsonSchemaValue:
    # Post._date_required: a date unless status is idea.
    return {
        **schema,
        "if": {"required": ["status"], "properties": {"status": {"const": "idea"}}},
        "else": _present("date"),
    }


def _key_date_rules(schema: JsonSchemaValue) -> JsonSchemaValue:
    # KeyDate._one_form: date, or start and end, or rrule; not date with a range.
    forms = {"anyOf": [_present("date"), _present("start"), _present("end"), _present("rrule")]}
    not_both = {
        "not": {"allOf": [_present("date"), {"anyOf": [_present("start"), _present("end")]}]}
    }
    whole_range = {"if": {"oneOf": [_present("start"), _present("end")]}, "then": _present("rrule")}
    return {**schema, "allOf": [forms, not_both, whole_range]}


def _scalar_or_many(schema: JsonSchemaValue) -> JsonSchemaValue:
    # watch.config._one_or_many: null means none, a single scalar means a list of one.
    items = schema.get("items", {})
    branches = [{"type": "null"}] + ([] if "$ref" in items else [items]) + [schema]
    return {"anyOf": branches}


def _reply_rules(schema: JsonSchemaValue) -> JsonSchemaValue:
    # Reply._some_text: a text for every network, or texts per network.
    per_network = {"required": ["networks"], "properties": {"networks": {"minProperties": 1}}}
    return {**schema, "allOf": [{"anyOf": [_present("text"), per_network]}]}


Adjust = Callable[[JsonSchemaValue], JsonSchemaValue]


def _same(schema: JsonSchemaValue) -> JsonSchemaValue:
    return schema


_SAME: Adjust = _same

# Every validator of the models, by module and qualified name, with what it means for the
# schema. A validator missing here is reported by `unmapped_validators()` (and a test), so
# that a new rule in the models is either mirrored here or knowingly left to `relais check`.
VALIDATORS: dict[str, Adjust] = {
    "generator.model._strict_str": _SAME,
    "generator.model._date_field": _SAME,
    "generator.model.Post._date": _SAME,
    "generator.model._id": lambda s: _on_strings(s, {"pattern": ID_PATTERN.pattern}),
    "generator.model._lang": lambda s: _on_strings(s, {"pattern": LANG_PATTERN}),
    "generator.model._clock": lambda s: {"type": "string", "pattern": TIME_PATTERN},
    "generator.model._text_or_texts": lambda s: {
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]
    },
    "generator.model.<lambda>:_color": lambda s: _on_strings(s, {"pattern": COLOR_PATTERN}),
    "generator.model.SiteInfo._absolute": lambda s: _on_strings(s, {"pattern": SITE_URL_PATTERN}),
    "generator.model.SiteInfo._one_line": lambda s: _on_strings(s, {"pattern": ONE_LINE_PATTERN}),
    "generator.model.SiteInfo._secret": lambda s: _on_strings(s, {"pattern": EMBARGO_KEY_PATTERN}),
    "generator.model.SiteInfo._branch": lambda s: _on_strings(s, {"pattern": BRANCH_PATTERN}),
    "generator.model.SiteInfo._zone": lambda s: _on_strings(s, {"examples": ["Europe/Paris"]}),
    "generator.model.Post._link": lambda s: _on_strings(s, {"pattern": LINK_PATTERN}),
    "generator.model.Post._date_required": _post_rules,
    "generator.model.KeyDate._one_form": _key_date_rules,
    "generator.moderation.model.Reply._some_text": _reply_rules,
    # relais check only: comparing two dates is beyond JSON Schema.
    "generator.model.Campaign._order": _SAME,
    "generator.stats.config._zone": lambda s: _on_strings(s, {"examples": ["Europe/Paris"]}),
    "generator.stats.config._inside": lambda s: _on_strings(s, {"pattern": FOLDER_PATTERN}),
    "generator.watch.config._scalar_to_str": lambda s: {"type": ["string", "number", "boolean"]},
    "generator.watch.config._one_or_many": _scalar_or_many,
    "generator.watch.config._themes_in": lambda s: {"anyOf": [{"type": "null"}, s]},
    # Model-level: widened in _WIDEN_DEFS below, once the model has its definition.
    "generator.watch.config.KeywordRules._list_means_highlight": _SAME,
    "generator.watch.config.Theme._label_only": _SAME,
}

_TERM = {"type": ["string", "number", "boolean"]}
# Definitions whose model takes a shorter form too (a `before` model validator).
_WIDEN_DEFS: dict[str, list[JsonSchemaValue]] = {
    "Theme": [{"type": "string", "minLength": 1}, {"type": "number"}],
    "KeywordRules": [{"type": "null"}, _TERM, {"type": "array", "items": _TERM}],
}


def _validator_name(function: Any) -> str:
    function = getattr(function, "__func__", function)
    name = f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', repr(function))}"
    if name.endswith("<lambda>"):
        # A lambda has no name of its own: name it by the functions it calls.
        name = f"{function.__module__}.<lambda>:" + ",".join(sorted(function.__code__.co_names))
    return name


class _Generator(GenerateJsonSchema):
    """pydantic's JSON Schema generator, with our date formats and validators."""

    unmapped: set[str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unmapped = set()

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN}

    def datetime_schema(self, schema: core_schema.DatetimeSchema) -> JsonSchemaValue:
        # Not "format: date-time": RFC 3339 wants seconds and an offset, we do not.
        return {"type": "string", "pattern": DATETIME_PATTERN}

    def _adjust(self, schema: Any, inner: JsonSchemaValue) -> JsonSchemaValue:
        name = _validator_name(schema["function"]["function"])
        adjust = VALIDATORS.get(name)
        if adjust is None:
            self.unmapped.add(name)
            return inner
        return adjust(inner)

    def function_before_schema(
        self, schema: core_schema.BeforeValidatorFunctionSchema
    ) -> JsonSchemaValue:
        return self._adjust(schema, super().function_before_schema(schema))

    def function_after_schema(
        self, schema: core_schema.AfterValidatorFunctionSchema
    ) -> JsonSchemaValue:
        return self._adjust(schema, super().function_after_schema(schema))

    def function_plain_schema(
        self, schema: core_schema.PlainValidatorFunctionSchema
    ) -> JsonSchemaValue:
        return self._adjust(schema, super().function_plain_schema(schema))

    def function_wrap_schema(
        self, schema: core_schema.WrapValidatorFunctionSchema
    ) -> JsonSchemaValue:
        return self._adjust(schema, super().function_wrap_schema(schema))


# --- after generation: names, descriptions, network ids --------------------------------------

_NETWORK_IDS = list(net.NETWORKS)
# (definition, field): the field is a mapping keyed by network id, or a list of network ids.
_BY_NETWORK = {
    ("SiteConfig", "networks"),
    ("Post", "messages"),
    ("Share", "messages"),
    ("Ambassador", "networks"),
    ("Rules", "min_gap_hours"),
    ("Rules", "max_silence_days"),
    ("Reply", "networks"),
}
_NETWORK_LISTS = {("Post", "networks"), ("Slot", "network")}


def _short_name(name: str) -> str:
    # pydantic names a definition like generator__watch__config__Theme-Input__1 when its
    # input and output schemas differ; editors show the name, so keep the class name.
    return re.sub(r"-(Input|Output)(__\d+)?$", "", name.split("__")[-1] if "__" in name else name)


def _rename_refs(node: Any, names: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = "#/definitions/" + names.get(
                    value.removeprefix("#/$defs/"), value.removeprefix("#/$defs/")
                )
            else:
                out[key] = _rename_refs(value, names)
        return out
    if isinstance(node, list):
        return [_rename_refs(v, names) for v in node]
    return node


def _keyed_by_network(field: JsonSchemaValue) -> JsonSchemaValue:
    """A mapping keyed by network id: one property per known id, so that editors complete them."""
    if field.get("type") != "object" or "additionalProperties" not in field:
        return field
    value = field["additionalProperties"]
    out = {k: v for k, v in field.items() if k != "additionalProperties"}
    out["properties"] = {n: copy.deepcopy(value) for n in _NETWORK_IDS}
    out["additionalProperties"] = False
    return out


def _network_list(field: JsonSchemaValue) -> JsonSchemaValue:
    if field.get("type") == "array":
        return {**field, "items": {**field.get("items", {}), "enum": _NETWORK_IDS}}
    if field.get("type") == "string":
        return {**field, "enum": _NETWORK_IDS}
    return field


def _finish_definition(name: str, schema: JsonSchemaValue) -> JsonSchemaValue:
    """Descriptions, network ids and short forms of one model's schema."""
    props = schema.get("properties", {})
    for field, value in list(props.items()):
        if "description" not in value and field in DESCRIPTIONS.get(name, {}):
            value = {**value, "description": DESCRIPTIONS[name][field]}
        if (name, field) in _BY_NETWORK:
            value = _keyed_by_network(value)
        if (name, field) in _NETWORK_LISTS:
            value = _network_list(value)
        if "$ref" in value and len(value) > 1:
            # Draft 7 ignores keywords beside $ref: wrap it so that editors show the description.
            value = {
                "allOf": [{"$ref": value["$ref"]}],
                **{k: v for k, v in value.items() if k != "$ref"},
            }
        if (name, field) == ("Library", "situations"):
            # The keys are ids (anchors and filter values of the page), as the loader checks.
            value = {**value, "propertyNames": {"pattern": ID_PATTERN.pattern}}
        if (name, field) == ("AmbassadorSettings", "disclosure"):
            # Suggest 'default' and the network ids, without refusing other keys.
            value = {
                **value,
                "properties": {k: {"type": "string"} for k in ["default", *_NETWORK_IDS]},
            }
        props[field] = value
    if name in _WIDEN_DEFS:
        head: dict[str, Any] = {k: schema[k] for k in ("title", "description") if k in schema}
        body = {k: v for k, v in schema.items() if k not in ("title", "description")}
        schema = {**head, "anyOf": [*_WIDEN_DEFS[name], body]}
    return schema


def _explain_patterns(node: Any) -> Any:
    """Give every pattern its plain-language message."""
    if isinstance(node, dict):
        out = {k: _explain_patterns(v) for k, v in node.items()}
        if isinstance(node.get("pattern"), str) and node["pattern"] in PATTERN_MESSAGES:
            out["patternErrorMessage"] = PATTERN_MESSAGES[node["pattern"]]
        return out
    if isinstance(node, list):
        return [_explain_patterns(v) for v in node]
    return node


def _schema_of(kind: Kind) -> tuple[JsonSchemaValue, set[str]]:
    generator = _Generator(ref_template="#/$defs/{model}")
    raw = generator.generate(kind.model.__pydantic_core_schema__, mode="validation")
    defs = raw.pop("$defs", {})
    names = {old: _short_name(old) for old in defs}
    if len(set(names.values())) != len(names):  # two classes share a name: keep pydantic's
        names = {old: old for old in defs}
    root_name = kind.model.__name__
    definitions = {
        names[old]: _finish_definition(names[old], _rename_refs(d, names))
        for old, d in defs.items()
    }
    definitions[root_name] = _finish_definition(root_name, _rename_refs(raw, names))
    entry = {"$ref": f"#/definitions/{root_name}"}
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "title": kind.title,
        "description": kind.description,
    }
    if kind.many:
        schema.update({"type": ["array", "null"], "items": entry})
    else:
        schema.update(entry)
    schema["definitions"] = _explain_patterns(dict(sorted(definitions.items())))
    return schema, generator.unmapped


def schemas() -> dict[str, JsonSchemaValue]:
    """Every schema, by file name (e.g. 'post.json')."""
    return {kind.filename: _schema_of(kind)[0] for kind in KINDS}


def unmapped_validators() -> set[str]:
    """Validators of the models that this module does not know (see VALIDATORS)."""
    found: set[str] = set()
    for kind in KINDS:
        found |= _schema_of(kind)[1]
    return found


def render(schema: JsonSchemaValue) -> str:
    """The file's text: stable order and indentation, so that regenerating changes nothing."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write(out: Path) -> list[Path]:
    """Write every schema into `out`; returns the files written. Never through a link (the
    folder may be the repository's, where a commit can put one): safefs.UnsafePath."""
    from . import safefs

    here = Path.cwd()
    absolute = Path(os.path.abspath(out))
    base = here if absolute.is_relative_to(here) else absolute.parent
    safefs.make_dirs(base, absolute)
    for name in schemas():  # all refused before any is written
        safefs.check_no_links(base, absolute / name)
    written = []
    for name, schema in schemas().items():
        path = out / name
        safefs.write_bytes(absolute / name, render(schema).encode("utf-8"), base=base)
        written.append(path)
    return written


def stale(out: Path) -> list[str]:
    """The schema files of `out` that are missing or differ from what `write` would write."""
    problems = []
    for name, schema in schemas().items():
        path = out / name
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif path.read_text(encoding="utf-8") != render(schema):
            problems.append(f"{path}: out of date")
    return problems


@click.command("schema")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Folder to write the JSON Schemas into.",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; exit 1 if a schema in the folder is missing or out of date (for CI).",
)
def schema_command(out: Path, check_only: bool) -> None:
    """Write JSON Schemas of every content file, for editors and CI."""
    if check_only:
        problems = stale(out)
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        if problems:
            click.echo("run `relais schema --out " + str(out) + "` and commit the result", err=True)
            sys.exit(1)
        click.echo(f"{len(KINDS)} schemas in {out} are up to date.")
        return
    try:
        written = write(out)
    except OSError as exc:  # safefs.UnsafePath: a link where a schema goes
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Wrote {len(written)} schemas into {out}: " + ", ".join(p.name for p in written))
