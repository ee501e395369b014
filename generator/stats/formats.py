"""The export formats Relais reads, in one table: how each is recognised and what its columns mean.

A format is recognised by the names of its columns (never their position): every name is
normalised (accents, case and punctuation dropped: "Click through rate (CTR)" becomes
"click through rate ctr"), a header row is one that holds one of a format's signatures,
and each field is the first of its aliases found in the header. Names matched exactly
win over names that merely start with an alias ("Reactions" over "Reactions, comments
and shares"). Where the vendors' own documentation or real files were read for a format,
tests/stats/samples/README.md names them.

Also here: reading the values of a cell (counts written "1,234", "1 234" or "12,5";
dates written "11/26/2026", "Fri, Apr 26, 2024" or "2026-11-26 10:02 +0000").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any, NamedTuple

POSTS, WEB, IGNORED = "posts", "web", "ignored"

# Canonical fields of a network's per-post export.
POST_FIELDS = (
    "url",
    "post_id",
    "posted",
    "text",
    "impressions",
    "reach",
    "clicks",
    "reactions",
    "comments",
    "shares",
    "engagements",
)
COUNT_FIELDS = ("impressions", "reach", "clicks", "reactions", "comments", "shares", "engagements")
# Canonical fields of a web analytics export.
WEB_FIELDS = (
    "label",
    "source",
    "medium",
    "source_medium",
    "campaign",
    "content",
    "date",
    "sessions",
    "visitors",
)


@dataclass(frozen=True, slots=True)
class Format:
    """One export format: its id and label, what it holds, how to recognise and read it."""

    id: str
    label: str
    kind: str  # POSTS, WEB or IGNORED (recognised, holds nothing per post: a daily total)
    network: str  # the network of a POSTS format ("" when it depends on the columns)
    signatures: tuple[frozenset[str], ...]
    fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Where the day comes first in a date like 03/11/2026 (else the month; the values decide
    # when one of them is past 12).
    day_first: bool = False
    # Which network a POSTS format is, by a column it holds (Meta's two layouts).
    network_by_column: Mapping[str, str] = field(default_factory=dict)


def norm(name: Any) -> str:
    """A column name as it is compared: lowercase ASCII words separated by one space."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _sig(*names: str) -> frozenset[str]:
    return frozenset(norm(n) for n in names)


def _aliases(**fields: Sequence[str]) -> dict[str, tuple[str, ...]]:
    return {key: tuple(norm(a) for a in names) for key, names in fields.items()}


# Matomo translates its column names into the language of the person who exports:
# (label, visits, unique visitors) in the languages of its own lang/*.json files.
MATOMO_NAMES: tuple[tuple[str, str, str], ...] = (
    ("Label", "Visits", "Unique visitors"),
    ("Nom", "Visites", "Visiteurs uniques"),
    ("Libellé", "Visites", "Visiteurs uniques"),
    ("Bezeichnung", "Besuche", "Eindeutige Besucher"),
    ("Etiqueta", "Visitas", "Visitantes únicos"),
    ("Etichetta", "Visite", "Visitatori unici"),
    ("Label", "Bezoeken", "Unieke bezoekers"),
    ("Rótulo", "Visitas", "Visitantes únicos"),
    ("Etykieta", "Wizyty", "Unikalni odwiedzający"),
    ("label", "nb_visits", "nb_uniq_visitors"),  # the API's own names (translateColumnNames=0)
)

# GA4 names its columns in the language of the person who exports (the interface's language):
# the UTM dimensions and the sessions metric in English (first), then French, Spanish, German
# and Italian. No public export in those languages was found (tests/stats/samples/README.md):
# the translations are the interface's wordings as far as known, with two wordings where
# unsure; a header in another wording is named as an unknown format with its columns.
GA4_SOURCES = (
    "Session source",
    "Source de la session",
    "Source manuelle de la session",
    "Fuente de la sesión",
    "Sitzungsquelle",
    "Sorgente sessione",
)
GA4_CAMPAIGNS = (
    "Session campaign",
    "Campagne de la session",
    "Nom de la campagne manuelle de la session",
    "Campaña de la sesión",
    "Sitzungskampagne",
    "Campagna sessione",
)
GA4_CONTENTS = (
    "Session manual ad content",
    "Contenu publicitaire manuel de la session",
    "Contenu manuel de l'annonce de la session",
    "Contenu d'annonce manuel de la session",
    "Contenido del anuncio manual de la sesión",
    "Manueller Anzeigeninhalt der Sitzung",
    "Contenuto annuncio manuale sessione",
)
GA4_SESSIONS = ("Sessions", "Sesiones", "Sitzungen", "Sessioni")

FORMATS: tuple[Format, ...] = (
    Format(
        "linkedin-content",
        "LinkedIn Page analytics, content export (All posts)",
        POSTS,
        "linkedin",
        (
            _sig("Post link", "Created date"),
            _sig("Update link", "Created date"),
            _sig("Post title", "Post link"),
            _sig("Update title", "Impressions"),
            _sig("Lien de la publication", "Date de création"),
        ),
        _aliases(
            url=["Post link", "Update link", "Lien de la publication", "Link"],
            posted=["Created date", "Date de création", "Date"],
            text=["Post title", "Update title", "Titre de la publication"],
            impressions=["Impressions"],
            clicks=["Clicks", "Clics"],
            reactions=["Reactions", "Likes", "Réactions", "J’aime"],
            comments=["Comments", "Commentaires"],
            shares=["Reposts", "Shares", "Republications", "Partages"],
        ),
    ),
    Format(
        "linkedin-metrics",
        "LinkedIn Page analytics, daily totals (Metrics)",
        IGNORED,
        "linkedin",
        (
            _sig("Date", "Impressions (organic)"),
            _sig("Date", "Impressions (total)"),
            _sig("Date", "Impressions (organiques)"),
        ),
    ),
    Format(
        "x-tweets",
        "X (Twitter) analytics, per-tweet export (legacy)",
        POSTS,
        "x",
        (
            _sig("Tweet id", "Tweet permalink", "time"),
            _sig("Tweet permalink", "impressions"),
            # The same export when the account's language is French (a real one is a sample).
            _sig("Identifiant du Tweet", "Permalien du Tweet"),
        ),
        _aliases(
            url=["Tweet permalink", "Permalien du Tweet"],
            post_id=["Tweet id", "Identifiant du Tweet"],
            posted=["time", "heure"],
            text=["Tweet text", "Texte du Tweet"],
            impressions=["impressions"],
            engagements=["engagements"],
            reactions=["likes", "favorites", "J'aime"],
            comments=["replies", "réponses"],
            shares=["retweets"],
            clicks=["url clicks", "clics sur l'URL"],
        ),
    ),
    Format(
        "x-posts",
        "X analytics, account content export (2024 and later)",
        POSTS,
        "x",
        (_sig("Post id", "Post link"), _sig("Post id", "Post text", "Impressions")),
        _aliases(
            url=["Post Link"],
            post_id=["Post id"],
            posted=["Date"],
            text=["Post text"],
            impressions=["Impressions"],
            engagements=["Engagements"],
            reactions=["Likes"],
            comments=["Replies"],
            shares=["Reposts"],
            clicks=["URL Clicks"],
        ),
    ),
    Format(
        "meta-posts",
        "Meta Business Suite, posts export (Facebook and Instagram)",
        POSTS,
        "",
        (
            _sig("Post ID", "Publish time", "Permalink"),
            _sig("Publish time", "Permalink", "Reach"),
            _sig("Heure de publication", "Lien permanent"),
        ),
        _aliases(
            url=["Permalink", "Lien permanent"],
            post_id=["Post ID", "Identifiant de la publication"],
            posted=["Publish time", "Heure de publication"],
            text=["Description", "Title", "Titre"],
            impressions=["Impressions", "Views", "Vues"],
            reach=["Reach", "Couverture", "Portée"],
            reactions=["Reactions", "Likes", "Réactions", "J’aime"],
            comments=["Comments", "Commentaires"],
            shares=["Shares", "Partages"],
            clicks=["Link Clicks", "Total clicks", "Clics sur un lien", "Total des clics"],
            engagements=[
                "Reactions, Comments and Shares",
                "Réactions, commentaires et partages",
            ],
        ),
        network_by_column={
            norm("Page ID"): "facebook",
            norm("Page name"): "facebook",
            norm("Identifiant de la Page"): "facebook",
            norm("Account ID"): "instagram",
            norm("Account username"): "instagram",
            norm("Identifiant du compte"): "instagram",
        },
    ),
    Format(
        "matomo",
        "Matomo report export (CSV or TSV, any language)",
        WEB,
        "",
        tuple(_sig(label, visits) for label, visits, _ in MATOMO_NAMES),
        {
            "label": tuple(dict.fromkeys(norm(n[0]) for n in MATOMO_NAMES)),
            "sessions": tuple(dict.fromkeys(norm(n[1]) for n in MATOMO_NAMES)),
            "visitors": tuple(dict.fromkeys(norm(n[2]) for n in MATOMO_NAMES)),
            # An export of several periods (date=last30, period=day) starts each row with its
            # period: "2026-11-03", "2026-11" (a month), "2026-11-02,2026-11-08" (a week, range).
            "date": tuple(norm(n) for n in ("date", "Datum", "Fecha", "Data", "Datum")),
        },
    ),
    Format(
        "ga4",
        "Google Analytics 4 report export (CSV)",
        WEB,
        "",
        # A UTM dimension of GA4 is enough: its metrics may carry a segment's name
        # ("Sessions (Totals)") or be in a language not listed here (said when read).
        tuple(
            _sig(dimension)
            for dimension in (
                "Session source",
                "Session manual source",
                "Session source / medium",
                "Session manual source / medium",
                "Session campaign",
                "Session manual campaign name",
                "Session manual ad content",
                "First user source",
                "First user manual ad content",
                *GA4_SOURCES[1:],
                *GA4_CAMPAIGNS[1:],
                *GA4_CONTENTS[1:],
            )
        ),
        _aliases(
            source=["Session source", "Session manual source", "First user source", *GA4_SOURCES],
            source_medium=[
                "Session source / medium",
                "Session manual source / medium",
                "First user source / medium",
                "Source/Support de la session",
                "Source/support manuel de la session",
                "Fuente/medio de la sesión",
                "Sitzungsquelle/-medium",
            ],
            medium=[
                "Session medium",
                "Session manual medium",
                "Support de la session",
                "Support manuel de la session",
                "Medio de la sesión",
                "Sitzungsmedium",
            ],
            campaign=[
                "Session campaign",
                "Session manual campaign name",
                "First user campaign",
                *GA4_CAMPAIGNS,
            ],
            content=["Session manual ad content", "First user manual ad content", *GA4_CONTENTS],
            # "Date", and by its first word "Date + hour (YYYYMMDDHH)", "Date + heure (AAAAMMJJHH)"
            date=["Date", "Fecha", "Datum", "Data"],
            sessions=list(GA4_SESSIONS),
            visitors=[
                "Total users",
                "Users",
                "Active users",
                "Utilisateurs",
                "Nombre total d'utilisateurs",
                "Utilisateurs totaux",
                "Utilisateurs actifs",
                "Usuarios totales",
                "Usuarios",
                "Usuarios activos",
                "Nutzer insgesamt",
                "Nutzer",
                "Aktive Nutzer",
                "Utenti totali",
                "Utenti",
                "Utenti attivi",
            ],
        ),
    ),
    Format(
        "plausible",
        "Plausible CSV export (zip of one CSV per dimension)",
        WEB,
        "",
        (_sig("name", "visitors", "visit_duration"), _sig("name", "visitors", "bounce_rate")),
        _aliases(label=["name"], visitors=["visitors"], sessions=["visits"]),
    ),
    Format(
        "plausible-imported",
        "Plausible CSV export for import (zip of imported_*.csv, 2024 and later)",
        WEB,
        "",
        # imported_sources_*.csv: Plausible.Exports.export_sources_q's columns; one row per day
        # and source, the UTM values of the visits in their own columns.
        (_sig("utm_source", "utm_campaign", "visits"),),
        _aliases(
            date=["date"],
            source=["utm_source"],
            medium=["utm_medium"],
            campaign=["utm_campaign"],
            content=["utm_content"],
            sessions=["visits"],
            visitors=["visitors"],
        ),
    ),
)

BY_ID: Mapping[str, Format] = {f.id: f for f in FORMATS}

# Which UTM dimension a web export's label holds, by words of its file (or zip member) name:
# Plausible's utm_sources.csv..., Matomo's Referrers/MarketingCampaignsReporting reports.
DIMENSION_WORDS: tuple[tuple[str, str], ...] = (
    ("utm_sources", "source"),
    ("utm_source", "source"),
    ("getsource", "source"),
    ("utm_mediums", "medium"),
    ("getmedium", "medium"),
    ("utm_campaigns", "campaign"),
    ("utm_campaign", "campaign"),
    ("getcampaigns", "campaign"),
    ("getname", "campaign"),
    ("utm_contents", "content"),
    ("utm_content", "content"),
    ("getcontent", "content"),
    # Matomo names its file after the report, in the exporter's language ("Matomo Export _
    # Campaign Contents _ November 2026.csv", "Contenus de campagne"): "campaign" is in every
    # campaign report's name, so the other words are looked for first.
    ("source", "source"),
    ("fuente", "source"),
    ("medium", "medium"),
    ("support", "medium"),
    ("content", "content"),
    ("contenu", "content"),
    ("contenido", "content"),
    ("campaign", "campaign"),
    ("campagne", "campaign"),
    ("campaña", "campaign"),
    ("campana", "campaign"),
)


def dimension_of(name: str) -> str | None:
    """The UTM dimension that a web export's labels hold, by its file name, or None."""
    squashed = name.lower().replace("-", "_").replace(" ", "_")
    if (
        "contents.get" in squashed
        or "getcontentnames" in squashed
        or "getcontentpieces" in squashed
    ):
        return None  # Matomo's Contents reports (content tracking), not UTM contents
    plain = squashed.replace("_", "").replace(".", "")
    for word, dimension in DIMENSION_WORDS:
        if word in squashed or word.replace("_", "") in plain:
            return dimension
    return None


@dataclass(frozen=True, slots=True)
class Header:
    """A recognised header row: the format, and the columns of each field (first found first)."""

    format: Format
    columns: Mapping[str, tuple[int, ...]]
    names: tuple[str, ...]  # the normalised names, in order

    def network(self) -> str:
        for name, network in self.format.network_by_column.items():
            if name in self.names:
                return network
        return self.format.network


def recognise(cells: Sequence[Any]) -> Header | None:
    """The format whose signature this row of column names holds, with its columns; else None."""
    names = tuple(norm(c) if c is not None else "" for c in cells)
    present = set(names)
    for fmt in FORMATS:
        if any(sig <= present for sig in fmt.signatures):
            return Header(fmt, _columns(fmt, names), names)
    return None


def _columns(fmt: Format, names: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """Each field's columns: exact names first (in alias order), then names starting with an alias."""
    taken: set[int] = set()
    found: dict[str, list[int]] = {}
    for key, aliases in fmt.fields.items():
        for alias in aliases:
            hits = [i for i, n in enumerate(names) if n == alias and i not in taken]
            if hits:
                # A duplicated column name (Meta's files have some) gives several columns:
                # the first that holds a value is read.
                found.setdefault(key, []).extend(hits)
                taken.update(hits)
                break
    for key, aliases in fmt.fields.items():
        if key in found:
            continue
        for alias in aliases:
            hits = [
                i
                for i, n in enumerate(names)
                if i not in taken and n.startswith(alias + " ") and alias
            ]
            if hits:
                found[key] = hits[:1]
                taken.add(hits[0])
                break
    return {key: tuple(cols) for key, cols in found.items()}


# ---------------------------------------------------------------- cell values

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_GROUPED = re.compile(r"\d{1,3}(?:([,.])\d{3})(?:\1\d{3})*")
_PERCENT = re.compile(r"-?\d+(?:[.,]\d+)?\s*%")


def count(value: Any) -> int | None:
    """A count: None for an empty cell; raises ValueError for anything that is not a number."""
    if value is None:
        return None
    if type(value) is str and value.isdecimal():
        return _whole(value, value)
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("not a number")
        return round(value)
    text = _SPACES.sub("", str(value))
    if text in ("", "-", "--", "n/a", "N/A", "NA"):
        return None
    if text.isdecimal():
        return _whole(text, value)
    if _GROUPED.fullmatch(text):  # 1,234 or 1.234.567: thousands
        return _whole(re.sub(r"[,.]", "", text), value)
    if re.fullmatch(r"-?\d+[.,]\d+", text):  # 12,5 or 12.5: a decimal (an average, rounded)
        number = float(text.replace(",", "."))
        if math.isfinite(number):  # not past 1e308, which round() cannot make an int
            return round(number)
    raise ValueError(f"'{short(value)}' is not a number")


def _whole(digits: str, value: Any) -> int:
    """int() of a cell's digits; past int()'s 4,300 digits, a cell that is not a number (a
    stranger's file: its ValueError said as any other, never raised through)."""
    try:
        return int(digits)
    except ValueError:
        raise ValueError(f"'{short(value)}' is not a number") from None


def short(value: Any) -> str:
    """A cell as a diagnostic quotes it: on one line, at most 60 characters."""
    text = str(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:59] + "…"


_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "janv", "january", "janvier"),
            ("feb", "fev", "fevr", "february", "fevrier"),
            ("mar", "mars", "march"),
            ("apr", "avr", "april", "avril"),
            ("may", "mai"),
            ("jun", "juin", "june"),
            ("jul", "juil", "july", "juillet"),
            ("aug", "aou", "august", "aout"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "octobre"),
            ("nov", "november", "novembre"),
            ("dec", "december", "decembre"),
        ]
    )
    for m in names
}


def month_of(word: str) -> int | None:
    """The month a name gives ("November", "nov.", "décembre"), or None."""
    return _MONTHS.get(norm(word))


_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
_SLASHED = re.compile(
    r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
# GA4's 20261126, its "Date + hour (YYYYMMDDHH)" 2026112614 and "Date hour and minute"
# 202611261405: a day, or a moment to the hour or minute in the property's zone.
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})?)?")
# Month names in letters of any language ("déc.", "févr." from a French export): \w less digits.
_LETTERS = r"[^\W\d_]+"
_WORDS = re.compile(
    rf"(?:{_LETTERS}\.?,?\s+)?({_LETTERS})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})"
)  # Fri, Apr 26, 2024
_WORDS_DAY_FIRST = re.compile(
    rf"(?:{_LETTERS}\.?,?\s+)?(\d{{1,2}})\s+({_LETTERS})\.?,?\s+(\d{{4}})"
)  # lun. 7 déc. 2026


class When(NamedTuple):
    """When a post went out: an aware moment, or only its day when the export gives no time.

    A named tuple: made once per row of an export, four times faster than a frozen dataclass.
    """

    moment: datetime | None
    day: date


@lru_cache(maxsize=256)  # a file holds one or two offsets, over thousands of rows
def _offset(text: str) -> tzinfo:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def slashed_head(value: str) -> str:
    """What tells a slashed date's order: its first ten characters ("DD/DD/YYYY")."""
    return value.strip()[:10]


def slashed_orders(values: Iterable[Any]) -> tuple[frozenset[str], frozenset[str]]:
    """The heads (slashed_head) of the slashed dates among the values that can only put the day
    first (a first number past 12) and of those that can only put the month first (a second
    number past 12); a column's distinct cells share a few hundred heads (its days)."""
    days: set[str] = set()
    months: set[str] = set()
    for head in {slashed_head(v) for v in values if type(v) is str}:
        m = _SLASHED.match(head)
        if m:
            if int(m.group(1)) > 12:
                days.add(head)
            elif int(m.group(2)) > 12:
                months.add(head)
    return frozenset(days), frozenset(months)


def when(value: Any, zone: tzinfo, day_first: bool = False) -> When | None:
    """The moment a cell holds, in its own offset when it gives one, else in `zone`; None for an
    empty cell; raises ValueError when the cell is not a date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
        return When(moment, moment.astimezone(zone).date())
    if isinstance(value, date):
        return When(None, value)
    text = str(value).strip()
    if not text:
        return None
    return _when_text(text, zone, day_first)


def read_dates(
    values: Iterable[Any], zone: tzinfo, day_first: bool = False
) -> dict[Any, When | str | None]:
    """when() of each of the values, or why it is not a date (ValueError's message): a loop
    over a column's distinct cells rather than three calls per cell."""
    out: dict[Any, When | str | None] = {}
    for value in values:
        if type(value) is not str:
            try:
                out[value] = when(value, zone, day_first)
            except ValueError as exc:
                out[value] = str(exc)
            continue
        text = value.strip()
        if not text:
            out[value] = None
            continue
        try:
            out[value] = _when_text(text, zone, day_first)
        except ValueError as exc:
            out[value] = str(exc)
    return out


@lru_cache(maxsize=65536)  # exports repeat dates (a day, a time) over thousands of rows
def _when_text(text: str, zone: tzinfo, day_first: bool) -> When:
    if len(text) > 10 and text[4] == "-" and text[10] in "T ":
        # A date and a time in ISO order (X's "2026-11-26 10:02 +0000", GA4, the APIs):
        # the C parser first, ten times faster than the patterns below, which it falls back to.
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
            return When(moment, moment.astimezone(zone).date())
    if (
        len(text) == 16
        and text[2] == text[5] == "/"
        and text[10] == " "
        and text[13] == ":"
        and (text[:2] + text[3:5] + text[6:10] + text[11:13] + text[14:]).isdecimal()
    ):
        # Meta's "11/26/2026 10:02" (or day first), read by position: the patterns below give
        # the same, three times slower.
        first, second, hour, minute = (
            int(text[:2]),
            int(text[3:5]),
            int(text[11:13]),
            int(text[14:]),
        )
        day, month = (first, second) if day_first or first > 12 else (second, first)
        try:
            moment = datetime(int(text[6:10]), month, day, hour, minute, tzinfo=zone)
        except ValueError:
            raise ValueError(f"'{short(text)}' is not a date") from None
        return When(moment, moment.date())
    try:
        m = _ISO.fullmatch(text)
        if m:
            y, mo, d, hh, mm, ss, off = m.groups()
            return _made(int(y), int(mo), int(d), hh, mm, ss, None, off, zone)
        m = _SLASHED.fullmatch(text)
        if m:
            a, b, y, hh, mm, ss, ampm, off = m.groups()
            first, second = int(a), int(b)
            day, month = (first, second) if day_first or first > 12 else (second, first)
            return _made(int(y), month, day, hh, mm, ss, ampm, off, zone)
        m = _COMPACT.fullmatch(text)
        if m:
            y, mo, d, hh, mm = m.groups()
            if hh is None:
                return When(None, date(int(y), int(mo), int(d)))
            return _made(int(y), int(mo), int(d), hh, mm or "0", None, None, None, zone)
        m = _WORDS.fullmatch(text)
        if m and norm(m.group(1)) in _MONTHS:
            return When(None, date(int(m.group(3)), _MONTHS[norm(m.group(1))], int(m.group(2))))
        m = _WORDS_DAY_FIRST.fullmatch(text)
        if m and norm(m.group(2)) in _MONTHS:
            return When(None, date(int(m.group(3)), _MONTHS[norm(m.group(2))], int(m.group(1))))
    except (ValueError, OverflowError):
        pass
    raise ValueError(f"'{short(text)}' is not a date")


def _made(
    y: int,
    month: int,
    day: int,
    hh: str | None,
    mm: str | None,
    ss: str | None,
    ampm: str | None,
    off: str | None,
    zone: tzinfo,
) -> When:
    if hh is None:
        return When(None, date(y, month, day))
    hour = int(hh)
    if ampm:
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    naive = datetime(y, month, day, hour, int(mm or 0), int(ss or 0))
    moment = naive.replace(tzinfo=_offset(off) if off else zone)
    return When(moment, moment.astimezone(zone).date())
