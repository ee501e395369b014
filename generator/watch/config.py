"""The `watch:` section of site_config.yml: themes, feeds, keywords and the fetch limits."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..diagnostics import Diagnostic, did_you_mean, error, warning
from .keywords import term_problem

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
ID_HINT = "use 1 to 80 lowercase letters, digits and hyphens, starting with a letter or digit (e.g. secteur)"

LineOf = Callable[[tuple[str | int, ...]], int]


def slugify(text: str, fallback: str) -> str:
    """An id from free text ("Café & Co" → "cafe-co"), or `fallback` when nothing is left."""
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].rstrip("-")
    return slug if ID_RE.match(slug) else fallback


def _scalar_to_str(value: Any) -> Any:
    # YAML reads `keywords: [2026, yes]` as an int and a bool; a keyword is always text.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value


def _one_or_many(value: Any) -> Any:
    if value is None:
        return ()
    if isinstance(value, (str, int, float)):
        return (value,)
    return value


Term = Annotated[str, BeforeValidator(_scalar_to_str)]
Terms = Annotated[tuple[Term, ...], BeforeValidator(_one_or_many)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class KeywordRules(_Frozen):
    """Keyword filters: plain words (accent- and case-insensitive) or `/regex/`.

    A list (`keywords: [boulangerie, "pain au levain"]`) means `highlight` only.
    """

    include: Terms = Field(
        default=(), description="Keep only entries matching one of these (empty: keep all)"
    )
    exclude: Terms = Field(default=(), description="Drop entries matching one of these")
    highlight: Terms = Field(default=(), description="Highlight these words in the portal")

    @model_validator(mode="before")
    @classmethod
    def _list_means_highlight(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, (str, int, float)):
            return {"highlight": [value]}
        if isinstance(value, (list, tuple)):
            return {"highlight": list(value)}
        return value

    def terms(self) -> tuple[str, ...]:
        return (*self.include, *self.exclude, *self.highlight)

    def highlighted(self) -> tuple[str, ...]:
        """What the portal marks: the include and highlight terms (never the exclude terms)."""
        return (*self.include, *self.highlight)


class Theme(_Frozen):
    """A watch theme: `{id: "Label"}` or `{id: {label: ..., keywords: ...}}`."""

    label: str = Field(min_length=1, description="The theme's name in the portal")
    keywords: KeywordRules = Field(
        default_factory=KeywordRules, description="Filters for every feed of the theme"
    )

    @model_validator(mode="before")
    @classmethod
    def _label_only(cls, value: Any) -> Any:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return {"label": str(value)}
        return value


class Feed(_Frozen):
    """One RSS or Atom feed."""

    id: Term = Field(description="Unique id of the feed, e.g. actu-secteur")
    url: str = Field(description="http(s) address of the feed")
    theme: Term = Field(description="The id of one of watch.themes")
    name: str | None = Field(
        default=None, description="Name shown as the source (default: the feed's own title)"
    )
    keywords: KeywordRules = Field(
        default_factory=KeywordRules, description="Filters for this feed"
    )


class Timeouts(_Frozen):
    """Seconds; `total` bounds a whole download, redirects and slow servers included."""

    connect: float = Field(default=5.0, gt=0, le=120, description="Seconds to resolve and connect")
    read: float = Field(
        default=10.0, gt=0, le=300, description="Seconds of silence allowed while reading"
    )
    total: float = Field(
        default=30.0,
        gt=0,
        le=600,
        description="Seconds for the whole download of one feed, redirects included",
    )


Level = Literal["watch", "alert"]


class AlertRule(_Frozen):
    """An early-warning rule: a recent entry that matches one of `match` raises an alert."""

    match: Annotated[tuple[Term, ...], BeforeValidator(_one_or_many)] = Field(
        min_length=1, description="Keywords or /regular expressions/; one match raises the alert"
    )
    level: Level = Field(
        "alert", description="alert: tell the team at once; watch: keep an eye on it"
    )
    theme: Term | None = Field(
        None,
        description="A theme id: the rule reads that theme's entries; without it, the entries "
        "that mention the brand (watch.keywords), in any theme",
    )
    label: str | None = Field(
        None, description="What the alert is about, e.g. Sécurité alimentaire"
    )
    escalate: Term | None = Field(
        None, description="The topic of moderation/escalation.yml to alert, shown with the alert"
    )


class VolumeRule(_Frozen):
    """A spike of brand mentions: today's count against the median of the days before."""

    days: int = Field(14, ge=3, le=60, description="Days before today whose median is compared")
    factor: float = Field(
        3.0, ge=1, le=100, description="Today must reach this many times the median…"
    )
    minimum: int = Field(3, ge=1, le=10000, description="…and at least this many mentions")
    level: Level = Field("alert", description="The level of the spike's alert")


def _themes_in(value: Any) -> Any:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {str(k) if isinstance(k, (int, float)) else k: v for k, v in value.items()}
    return value


class WatchConfig(_Frozen):
    """The `watch:` section of site_config.yml."""

    themes: Annotated[dict[str, Theme], BeforeValidator(_themes_in)] = Field(
        default_factory=dict, description="Theme id to label (or to {label, keywords})"
    )
    feeds: Annotated[tuple[Feed, ...], BeforeValidator(_one_or_many)] = Field(
        default=(), description="The feeds to fetch"
    )
    keywords: Terms = Field(
        default=(),
        description="The brand's keywords: the home page lists the latest matching entries",
    )
    allow_private_addresses: bool = Field(
        default=False,
        description="Allow feeds on loopback, private and link-local addresses (intranet, tests)",
    )
    cache_dir: str = Field(
        default=".relais/watch",
        min_length=1,
        description="Cache folder, relative to the root and inside the repository",
    )
    max_entries_per_feed: int = Field(
        default=30, ge=1, le=1000, description="Entries kept per feed, newest first"
    )
    max_entries_per_theme: int = Field(
        default=100, ge=1, le=5000, description="Entries shown per theme page"
    )
    max_age_days: int = Field(default=90, ge=1, le=3650, description="Older entries are dropped")
    timeouts: Timeouts = Field(default_factory=Timeouts)
    max_bytes: int = Field(
        default=5_000_000,
        ge=1024,
        le=100_000_000,
        description="Largest feed accepted, once decompressed",
    )
    max_redirects: int = Field(default=5, ge=0, le=20, description="Redirects followed per feed")
    workers: int = Field(default=16, ge=1, le=64, description="Feeds fetched at the same time")
    alerts: tuple[AlertRule, ...] = Field(
        default=(), description="Early-warning rules: keywords that raise an alert"
    )
    volume: VolumeRule | None = Field(
        default=None, description="Raise an alert on a spike of brand mentions ({} for defaults)"
    )
    alert_days: int = Field(
        default=2,
        ge=1,
        le=30,
        description="Entries of the last N days raise alerts; the home page shows them that long",
    )

    def feed(self, feed_id: str) -> Feed | None:
        return next((f for f in self.feeds if f.id == feed_id), None)

    def theme_label(self, theme_id: str) -> str:
        theme = self.themes.get(theme_id)
        return theme.label if theme else theme_id


# --- checks -----------------------------------------------------------------------------------


def check_watch(
    config: WatchConfig, file: str = "site_config.yml", line_of: LineOf | None = None
) -> list[Diagnostic]:
    """Every problem of the watch section: ids, themes, urls, keywords; paths start with 'watch'."""
    where: LineOf = line_of or (lambda _path: 1)
    out: list[Diagnostic] = []

    def at(*path: str | int) -> int:
        try:
            return int(where(("watch", *path)))
        except Exception:  # noqa: BLE001 - a line number is a nicety, never a reason to fail
            return 1

    for theme_id, theme in config.themes.items():
        if not ID_RE.match(theme_id):
            out.append(
                error(
                    file,
                    at("themes", theme_id),
                    "watch-theme-id",
                    f"'{theme_id}' is not a valid theme id",
                    ID_HINT,
                )
            )
        out += _check_rules(
            theme.keywords, file, lambda *p, t=theme_id: at("themes", t, "keywords", *p)
        )

    counts = Counter(f.id for f in config.feeds)
    urls: dict[str, str] = {}
    for i, feed in enumerate(config.feeds):
        if not ID_RE.match(feed.id):
            out.append(
                error(
                    file,
                    at("feeds", i, "id"),
                    "watch-feed-id",
                    f"'{feed.id}' is not a valid feed id",
                    ID_HINT,
                )
            )
        if counts[feed.id] > 1:
            out.append(
                error(
                    file,
                    at("feeds", i, "id"),
                    "watch-duplicate-feed",
                    f"feed id '{feed.id}' is used by {counts[feed.id]} feeds",
                    "give each feed its own id",
                )
            )
        if feed.theme not in config.themes:
            known = ", ".join(sorted(config.themes)) or "none"
            hint = (
                did_you_mean(feed.theme, config.themes)
                or f"add it to watch.themes (known themes: {known})"
            )
            out.append(
                error(
                    file,
                    at("feeds", i, "theme"),
                    "watch-unknown-theme",
                    f"feed '{feed.id}' has unknown theme '{feed.theme}'",
                    hint,
                )
            )
        problem = url_problem(feed.url)
        if problem:
            out.append(
                error(
                    file,
                    at("feeds", i, "url"),
                    "watch-feed-url",
                    f"feed '{feed.id}': {problem}",
                    "write an address like https://example.org/feed.xml",
                )
            )
        elif feed.url in urls:
            out.append(
                warning(
                    file,
                    at("feeds", i, "url"),
                    "watch-duplicate-url",
                    f"feed '{feed.id}' has the same address as feed '{urls[feed.url]}'",
                    "remove one of them",
                )
            )
        else:
            urls[feed.url] = feed.id
        out += _check_rules(feed.keywords, file, lambda *p, n=i: at("feeds", n, "keywords", *p))

    for n, term in enumerate(config.keywords):
        problem = term_problem(term)
        if problem:
            out.append(error(file, at("keywords", n), "watch-keyword", problem, _TERM_HINT))

    for n, rule in enumerate(config.alerts):
        for k, term in enumerate(rule.match):
            problem = term_problem(term)
            if problem:
                out.append(
                    error(file, at("alerts", n, "match", k), "watch-keyword", problem, _TERM_HINT)
                )
        if rule.theme is not None and rule.theme not in config.themes:
            known = ", ".join(sorted(config.themes)) or "none"
            out.append(
                error(
                    file,
                    at("alerts", n, "theme"),
                    "watch-unknown-theme",
                    f"alert rule {n + 1} has unknown theme '{rule.theme}'",
                    did_you_mean(rule.theme, config.themes) or f"known themes: {known}",
                )
            )
        elif rule.theme is None and not config.keywords:
            out.append(
                warning(
                    file,
                    at("alerts", n),
                    "watch-alert-no-brand",
                    f"alert rule {n + 1} has no theme, so it reads the brand's mentions, but "
                    "watch.keywords is empty: it can never fire",
                    "add the brand's names to watch.keywords, or give the rule a theme",
                )
            )
    if config.volume is not None and not config.keywords:
        out.append(
            warning(
                file,
                at("volume"),
                "watch-alert-no-brand",
                "the volume rule counts the brand's mentions, but watch.keywords is empty",
                "add the brand's names to watch.keywords, or remove volume",
            )
        )

    if config.timeouts.total < config.timeouts.connect:
        out.append(
            warning(
                file,
                at("timeouts", "total"),
                "watch-timeouts",
                "timeouts.total is shorter than timeouts.connect",
                "make total the largest timeout",
            )
        )
    cache_dir = config.cache_dir.strip().replace("\\", "/")
    if (
        cache_dir in ("", ".")
        or cache_dir.startswith("/")
        or ":" in cache_dir
        or ".." in cache_dir.split("/")
    ):
        out.append(
            error(
                file,
                at("cache_dir"),
                "watch-cache-dir",
                f"cache_dir '{config.cache_dir}' must be a folder inside the repository",
                "keep the default .relais/watch",
            )
        )
    return out


_TERM_HINT = "write a word or phrase, or a regular expression between slashes like /boulangeries?/"


def _check_rules(rules: KeywordRules, file: str, at: Callable[..., int]) -> list[Diagnostic]:
    out = []
    for key in ("include", "exclude", "highlight"):
        for n, term in enumerate(getattr(rules, key)):
            problem = term_problem(term)
            if problem:
                out.append(error(file, at(key, n), "watch-keyword", problem, _TERM_HINT))
    return out


def url_problem(url: str) -> str | None:
    """Why `url` cannot be fetched, or None: http or https with a host, nothing else."""
    if not url or url != url.strip() or any(ord(c) < 33 for c in url):
        return f"address {url!r} is empty or contains spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        return f"address {url!r} is not a valid URL ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"address {url!r} must start with http:// or https://"
    if not parts.hostname:
        return f"address {url!r} has no host name"
    return None


# --- line numbers -----------------------------------------------------------------------------


def line_finder(yaml_text: str) -> LineOf:
    """A `line_of(path)` for check_watch from the YAML text: the line of a key or of its nearest parent."""
    import yaml

    lines: dict[tuple[str | int, ...], int] = {}

    def walk(node: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*path, key.value if isinstance(key, yaml.ScalarNode) else str(key))
                lines[sub] = key.start_mark.line + 1
                walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for n, item in enumerate(node.value):
                lines[(*path, n)] = item.start_mark.line + 1
                walk(item, (*path, n))

    try:
        root = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        root = None
    if root is not None:
        lines[()] = root.start_mark.line + 1
        walk(root, ())

    def line_of(path: Iterable[str | int]) -> int:
        p = tuple(path)
        while p:
            if p in lines:
                return lines[p]
            p = p[:-1]
        return lines.get((), 1)

    return line_of
