"""The watch pages as Markdown sources with raw HTML blocks: every feed-provided string escaped or re-sanitised.

Feed text is emitted inside raw HTML blocks only, HTML-escaped and with Markdown and
template syntax characters turned into character references (see markup.py), so neither
Markdown, its extensions nor a Jinja pass can reinterpret it. Summaries are cleaned again
with nh3 here: the cache is a file on disk, not a trusted source.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

import yaml
from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date, format_time

from ..i18n import Translator
from .cache import merge_duplicates
from .clean import clean_url, recheck
from .config import ID_RE, WatchConfig, slugify
from .keywords import Matcher, compile_terms, highlight, highlight_html
from .markup import attr, escape
from .model import FeedStatus, WatchItem, WatchSnapshot

if TYPE_CHECKING:
    from .alerts import Alert

REL = "noopener noreferrer nofollow"
_DUMPER = getattr(
    yaml, "CSafeDumper", yaml.SafeDumper
)  # libyaml when available: a thousand entries
PROPOSE_SUMMARY = 500  # characters of summary in a proposed post (the URL must stay short)

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "watch": "Veille",
        "intro": "Les flux suivis par l'équipe, par thème. Les titres mènent aux sites d'origine.",
        "updated": "Dernière récupération réussie : {when}.",
        "never_fetched": "Aucun flux n'a encore été récupéré (commande relais watch fetch).",
        "latest": "la plus récente le {when}",
        "no_entries": "Aucune entrée pour le moment.",
        "sources": "Sources",
        "source": "Source",
        "theme": "Thème",
        "status": "État",
        "last_success": "Dernier succès",
        "error": "Erreur",
        "stale": "en échec",
        "stale_since": "Source en échec : entrées de la dernière récupération réussie ({when}).",
        "stale_never": "Source en échec, jamais récupérée avec succès.",
        "status_ok": "à jour",
        "status_not-modified": "à jour (inchangé)",
        "status_error": "en échec",
        "status_never": "pas encore récupéré",
        "never": "jamais",
        "propose": "Proposer une publication",
        "undated": "date de première apparition (le flux n'en donne pas)",
        "new": "nouveau",
        "brand": "La marque dans la veille",
        "all_watch": "Toute la veille",
        "no_brand": "Aucune mention récente.",
        "proposal_source": "Source : {source} — {link}",
        "proposal_seen": "Repéré dans la veille « {theme} » le {when}.",
        "err_dns": "adresse introuvable : le nom du site ne répond pas",
        "err_timeout": "le site n'a pas répondu à temps",
        "err_deadline": "le téléchargement a pris trop de temps",
        "err_connection": "connexion au site impossible",
        "err_protocol": "le serveur a donné une réponse invalide",
        "err_blocked-address": "adresse d'intranet refusée (voir watch.allow_private_addresses)",
        "err_bad-url": "l'adresse du flux n'est pas valide",
        "err_redirect": "le site redirige vers une adresse impossible à suivre",
        "err_encoding": "le contenu compressé du flux est illisible",
        "err_too-large": "le flux est trop volumineux",
        "err_http-404": "flux introuvable (erreur 404) : vérifiez son adresse",
        "err_http-410": "le flux n'existe plus (erreur 410)",
        "err_http-denied": "le site refuse l'accès au flux (erreur {code})",
        "err_http-429": "le site demande d'attendre avant de réessayer (erreur 429)",
        "err_http-server": "le site est en panne (erreur {code})",
        "err_http": "le site a refusé la demande (erreur {code})",
        "err_not-a-feed": "l'adresse ne mène pas à un flux RSS ou Atom",
        "err_parse-error": "le flux est mal formé et n'a pas pu être lu",
        "err_empty": "le flux est vide",
        "err_other": "la récupération a échoué",
        "err_detail": "Détail technique",
        "lenient": "lu malgré de petites erreurs du flux",
    },
    "en": {
        "watch": "Watch",
        "intro": "The feeds the team follows, by theme. Titles lead to the original sites.",
        "updated": "Last successful fetch: {when}.",
        "never_fetched": "No feed has been fetched yet (command relais watch fetch).",
        "latest": "latest on {when}",
        "no_entries": "No entries yet.",
        "sources": "Sources",
        "source": "Source",
        "theme": "Theme",
        "status": "Status",
        "last_success": "Last success",
        "error": "Error",
        "stale": "stale",
        "stale_since": "Failing source: entries from the last successful fetch ({when}).",
        "stale_never": "Failing source, never fetched successfully.",
        "status_ok": "up to date",
        "status_not-modified": "up to date (unchanged)",
        "status_error": "failing",
        "status_never": "not fetched yet",
        "never": "never",
        "propose": "Propose a post",
        "undated": "first seen (the feed gives no date)",
        "new": "new",
        "brand": "The brand in the watch",
        "all_watch": "All watch items",
        "no_brand": "No recent mention.",
        "proposal_source": "Source: {source} — {link}",
        "proposal_seen": "Spotted in the “{theme}” watch on {when}.",
        "err_dns": "address not found: the site's name does not resolve",
        "err_timeout": "the site did not answer in time",
        "err_deadline": "the download took too long",
        "err_connection": "could not connect to the site",
        "err_protocol": "the server gave an invalid answer",
        "err_blocked-address": "intranet address refused (see watch.allow_private_addresses)",
        "err_bad-url": "the feed's address is not valid",
        "err_redirect": "the site redirects to an address that cannot be followed",
        "err_encoding": "the feed's compressed content cannot be read",
        "err_too-large": "the feed is too large",
        "err_http-404": "feed not found (error 404): check its address",
        "err_http-410": "the feed no longer exists (error 410)",
        "err_http-denied": "the site refuses access to the feed (error {code})",
        "err_http-429": "the site asks to wait before trying again (error 429)",
        "err_http-server": "the site is down (error {code})",
        "err_http": "the site refused the request (error {code})",
        "err_not-a-feed": "the address does not lead to an RSS or Atom feed",
        "err_parse-error": "the feed is malformed and could not be read",
        "err_empty": "the feed is empty",
        "err_other": "fetching failed",
        "err_detail": "Technical detail",
        "lenient": "read despite small errors in the feed",
    },
}


class _Text:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LABELS else "en"
        try:
            self.locale = Locale.parse(lang.replace("-", "_")) if lang else Locale("en")
        except (UnknownLocaleError, ValueError, TypeError):
            self.locale = Locale("en")

    def __call__(self, key: str, **values: object) -> str:
        return LABELS[self.lang][key].format(**values)

    def plural(self, key: str, n: int) -> str:
        """A label with a number, by the language's plural rules (generator.i18n.PLURALS)."""
        return Translator(self.lang).plural(key, n)

    def count(self, n: int) -> str:
        return self.plural("watch_entries", n)

    def error(self, code: str) -> str:
        """A fetch failure (its error_code) in a sentence of the reader's language."""
        key, values = _error_key(code)
        return self(key, **values)

    def when(self, moment: datetime) -> str:
        return f"{format_date(moment, 'medium', locale=self.locale)}, {format_time(moment, 'short', locale=self.locale)}"

    def day(self, moment: datetime) -> str:
        return format_date(moment, "medium", locale=self.locale)


_ERROR_FAMILIES = {
    "bad-redirect": "err_redirect",
    "redirect-loop": "err_redirect",
    "too-many-redirects": "err_redirect",
    "bad-encoding": "err_encoding",
    "unsupported-encoding": "err_encoding",
}


def _error_key(code: str) -> tuple[str, dict[str, object]]:
    """The label (and its values) that explains a fetch error code (fetch.py, parse.py)."""
    if code in _ERROR_FAMILIES:
        return _ERROR_FAMILIES[code], {}
    if f"err_{code}" in LABELS["en"]:
        return f"err_{code}", {}
    if code.startswith("http-") and code[5:].isdigit():
        status = int(code[5:])
        if status in (401, 403, 407, 451):
            return "err_http-denied", {"code": status}
        if status >= 500:
            return "err_http-server", {"code": status}
        return "err_http", {"code": status}
    return "err_other", {}


# --- keywords --------------------------------------------------------------------------------


def highlighter(config: WatchConfig, item: WatchItem, extra: Sequence[str] = ()) -> Matcher:
    """The keywords marked in an item: the brand's, its theme's and those of each of its feeds,
    and `extra` (the terms of the alert rules it matched)."""
    terms: list[str] = [*config.keywords, *extra]
    theme = config.themes.get(item.theme)
    if theme is not None:
        terms += theme.keywords.highlighted()
    for feed_id in item.sources:
        feed = config.feed(feed_id)
        if feed is not None:
            terms += feed.keywords.highlighted()
    return compile_terms(tuple(terms))


# --- proposing a post ------------------------------------------------------------------------


def propose_url(
    item: WatchItem,
    repo_url: str,
    *,
    source: str,
    theme: str,
    t: _Text,
    networks: Sequence[str] = (),
) -> str | None:
    """A GitHub "new file" URL that opens content/posts/<slug>.md pre-filled as an idea."""
    base = clean_url(repo_url)
    if base is None:
        return None
    front: dict[str, object] = {"title": item.title, "status": "idea", "networks": list(networks)}
    if item.link:
        front["link"] = item.link
    summary = item.summary_text
    if len(summary) > PROPOSE_SUMMARY:
        summary = summary[:PROPOSE_SUMMARY].rsplit(" ", 1)[0] + "…"
    # The body becomes Markdown in the portal once committed: the feed's words stay text.
    body_lines = [
        t("proposal_source", source=_md_text(source), link=f"<{item.link}>" if item.link else "—"),
        "",
        t("proposal_seen", theme=_md_text(theme), when=t.day(item.published)),
    ]
    if summary:
        body_lines += ["", "> " + _md_text(summary)]
    dumped = yaml.dump(front, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)
    value = "---\n" + dumped + "---\n" + "\n".join(body_lines) + "\n"
    slug = slugify(item.title, f"veille-{item.id[:10]}")
    return f"{base.rstrip('/')}/new/main/content/posts?filename={quote(slug + '.md')}&value={quote(value, safe='')}"


_IMG = re.compile(r"<img\b([^>]*)>")
_IMG_ATTR = re.compile(r'\b(src|alt)="([^"]*)"')


def offline_images(safe_html: str) -> str:
    """Feed images become links: the portal loads nothing from another host (privacy, CSP)."""

    def link(m: re.Match[str]) -> str:
        attrs = dict(_IMG_ATTR.findall(m.group(1)))
        src = attrs.get("src", "")
        if not src:
            return ""
        label = attrs.get("alt") or "image"
        return (
            f'<a class="relais-watch-image" href="{src}" rel="{REL}" target="_blank">[{label}]</a>'
        )

    return _IMG.sub(link, safe_html)


def _md_text(text: str) -> str:
    """Plain text for a Markdown body: HTML escaped and syntax characters backslash-escaped."""
    return re.sub(
        r"([\\`*_{}\[\]()#+!|~>])", r"\\\1", html.escape(" ".join(text.split()), quote=False)
    )


# --- one item --------------------------------------------------------------------------------


def _source_names(item: WatchItem, snapshot: WatchSnapshot) -> list[tuple[str, FeedStatus | None]]:
    out = []
    for feed_id in item.sources:
        status = snapshot.feed(feed_id)
        out.append((status.name if status else feed_id, status))
    return out


_WORDS = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.casefold())


def title_parts(title: str, summary: str) -> tuple[str, str, bool]:
    """(title to show, publisher, whether the summary only repeats the title).

    Aggregators (Google News...) title an item "Headline - Publisher" and give as summary
    the headline again with the publisher: shown as they come, the reader reads everything
    twice. The publisher is kept once, beside the source, and a summary that says nothing
    more than the title is left out.
    """
    said = _words(summary)
    head, sep, tail = title.rpartition(" - ")
    publisher = ""
    ending = _words(tail)
    if sep and _words(head) and ending and said[-len(ending) :] == ending:
        title, publisher = head.strip(), tail.strip()
    headline = _words(title)
    repeated = said in (headline, headline + _words(publisher))
    return title, publisher, repeated


def _stale_badge(status: FeedStatus, t: _Text) -> str:
    title = (
        t("stale_since", when=t.when(status.last_success))
        if status.last_success
        else t("stale_never")
    )
    return f' <span class="relais-watch-stale" title="{attr(title)}">{escape(t("stale"))}</span>'


def item_html(
    item: WatchItem,
    snapshot: WatchSnapshot,
    config: WatchConfig,
    *,
    t: _Text,
    now: datetime,
    repo_url: str | None,
    networks: Sequence[str] = (),
    matcher: Matcher | None = None,
    alert: str | None = None,
    alert_terms: Sequence[str] = (),
    level: int = 3,
) -> str:
    """One entry as a single-line <article>: title out-link, sources, date, summary, actions.

    `alert` is the level of the alert rules it matches ("watch" or "alert"), if any, and
    `alert_terms` the terms they matched (marked like keywords). `level` is its heading's: one
    below the heading the entries come under (h2 on a theme's page, h3 under the home page's
    h2), so that headings go down one step at a time."""
    matcher = matcher if matcher is not None else highlighter(config, item, alert_terms)
    shown_title, publisher, repeated = title_parts(item.title, item.summary_text)
    title = highlight(shown_title, matcher)
    link = clean_url(item.link)
    heading = f'<a href="{attr(link)}" rel="{REL}" target="_blank">{title}</a>' if link else title
    sources = []
    for name, status in _source_names(item, snapshot):
        badge = _stale_badge(status, t) if status is not None and status.stale else ""
        sources.append(f'<span class="relais-watch-source">{escape(name)}</span>{badge}')
    stamp = f'<time datetime="{attr(item.published.isoformat())}"'
    stamp += "" if item.dated else f' title="{attr(t("undated"))}"'
    stamp += f">{escape(t.when(item.published))}</time>"
    meta = ", ".join(sources) + " · " + stamp
    if publisher:
        meta = f'<span class="relais-watch-publisher">{escape(publisher)}</span> · ' + meta
    if item.dated and timedelta(0) <= now - item.published < timedelta(hours=24):
        meta += f' <span class="relais-watch-new">{escape(t("new"))}</span>'
    if alert in ("watch", "alert"):
        meta = alert_badge(alert, t.lang) + " " + meta
    summary = (
        offline_images(recheck(item.summary_html)) if item.summary_html and not repeated else ""
    )  # the cache is not trusted
    summary = highlight_html(summary, matcher)
    marked = f" relais-watch-entry--{alert}" if alert in ("watch", "alert") else ""
    parts = [
        f'<article class="relais-watch-entry{marked}" id="watch-{attr(item.id)}">',
        f'<h{level} class="relais-watch-title">{heading}</h{level}>',
        f'<p class="relais-watch-meta">{meta}</p>',
    ]
    if summary:
        parts.append(f'<div class="relais-watch-summary">{summary}</div>')
    if repo_url:
        theme = config.theme_label(item.theme)
        names = [n for n, _ in _source_names(item, snapshot)]
        url = propose_url(
            item, repo_url, source=", ".join(names), theme=theme, t=t, networks=networks
        )
        if url:
            parts.append(
                f'<p class="relais-watch-actions"><a class="relais-watch-propose" href="{attr(url)}" '
                f'rel="noopener noreferrer" target="_blank">{escape(t("propose"))}</a></p>'
            )
    parts.append("</article>")
    return "".join(parts)


# --- pages -----------------------------------------------------------------------------------


def _sources_table(
    feeds: Sequence[FeedStatus], config: WatchConfig, t: _Text, *, with_theme: bool
) -> str:
    head = (
        [t("source")]
        + ([t("theme")] if with_theme else [])
        + [t("status"), t("last_success"), t("error")]
    )
    rows = []
    for f in feeds:
        status = escape(t(f"status_{f.status.value}"))
        if f.stale:
            status = f'<span class="relais-watch-stale">{status}</span>'
        cells = [escape(f.name)]
        if with_theme:
            cells.append(escape(config.theme_label(f.theme)))
        cells += [
            status,
            escape(t.when(f.last_success)) if f.last_success else escape(t("never")),
            _error_cell(f, t) if f.stale else _warning_cell(f, t),
        ]
        # data-label: on a phone the table becomes one block per source, each value named.
        rows.append(
            "<tr>"
            + "".join(
                f'<td data-label="{attr(h)}">{c}</td>' if c else "<td></td>"
                for h, c in zip(head, cells, strict=True)
            )
            + "</tr>"
        )
    header = "<tr>" + "".join(f'<th scope="col">{escape(h)}</th>' for h in head) + "</tr>"
    return f'<table class="relais-watch-sources"><thead>{header}</thead><tbody>{"".join(rows)}</tbody></table>'


def _error_cell(feed: FeedStatus, t: _Text) -> str:
    """Why a source fails, in the reader's language; the fetcher's own words for whoever fixes it."""
    text = escape(t.error(feed.error_code)) if feed.error_code else escape(t("err_other"))
    if feed.error:
        text += (
            f'<details class="relais-watch-detail"><summary>{escape(t("err_detail"))}</summary>'
            f"<code>{escape(feed.error)}</code></details>"
        )
    return text


def _warning_cell(feed: FeedStatus, t: _Text) -> str:
    """A source read leniently: said in the reader's language, the reader's notes kept as detail."""
    if not feed.warnings:
        return ""
    return (
        f"{escape(t('lenient'))}"
        f'<details class="relais-watch-detail"><summary>{escape(t("err_detail"))}</summary>'
        f"<code>{escape('; '.join(feed.warnings))}</code></details>"
    )


def _last_success(snapshot: WatchSnapshot) -> datetime | None:
    times = [f.last_success for f in snapshot.feeds if f.last_success is not None]
    return max(times) if times else None


def index_page(snapshot: WatchSnapshot, config: WatchConfig, t: _Text) -> str:
    lines = [f"# {escape(t('watch'))}", "", escape(t("intro"))]
    updated = _last_success(snapshot)
    lines += ["", escape(t("updated", when=t.when(updated)) if updated else t("never_fetched")), ""]
    for theme in snapshot.themes:
        if not ID_RE.match(theme.id):
            continue
        facts = [t.count(len(theme.entries))]
        if theme.entries:
            facts.append(t("latest", when=t.day(theme.entries[0].published)))
        failing = sum(1 for f in snapshot.feeds if f.theme == theme.id and f.stale)
        if failing:
            facts.append(t.plural("watch_failing", failing))
        lines.append(f"- [{escape(theme.label)}]({theme.id}.md) — {escape(', '.join(facts))}")
    if snapshot.feeds:
        lines += [
            "",
            f"## {escape(t('sources'))}",
            "",
            _sources_table(snapshot.feeds, config, t, with_theme=True),
        ]
    return "\n".join(lines) + "\n"


def theme_page(
    snapshot: WatchSnapshot,
    config: WatchConfig,
    theme_id: str,
    t: _Text,
    *,
    now: datetime,
    repo_url: str | None,
    networks: Sequence[str] = (),
    alerts: Mapping[str, tuple[str, Sequence[str]]] | None = None,
) -> str:
    theme = snapshot.theme(theme_id)
    label = theme.label if theme else config.theme_label(theme_id)
    lines = [f"# {escape(label)}", ""]
    feeds = [f for f in snapshot.feeds if f.theme == theme_id]
    if feeds:
        lines += [_sources_table(feeds, config, t, with_theme=False), ""]
    entries = theme.entries if theme else ()
    if not entries:
        lines += [f'<p class="relais-watch-empty">{escape(t("no_entries"))}</p>']
    else:
        lines.append('<div class="relais-watch-list">')
        for item in entries:
            lines.append(
                item_html(
                    item,
                    snapshot,
                    config,
                    t=t,
                    now=now,
                    repo_url=repo_url,
                    networks=networks,
                    alert=(alerts or {}).get(item.id, ("", ()))[0] or None,
                    alert_terms=(alerts or {}).get(item.id, ("", ()))[1],
                    level=2,
                )
            )
        lines.append("</div>")
    return "\n".join(lines) + "\n"


def pages(
    snapshot: WatchSnapshot,
    config: WatchConfig,
    *,
    lang: str,
    now: datetime,
    repo_url: str | None,
    site_url: str,
    networks: Sequence[str] = (),
    alerts: Mapping[str, tuple[str, Sequence[str]]] | None = None,
) -> dict[str, str]:
    """`watch/index.md` and `watch/<theme-id>.md` for every theme, keyed by path in the docs folder.

    `networks` pre-fills the networks of a proposed post (default: none, to be chosen);
    `alerts` gives the level of the items that alert rules match and the terms they matched,
    by item id (a badge, and the terms marked).
    `site_url` is accepted for symmetry with the other sections (links here are relative).
    """
    t = _Text(lang)
    out = {"watch/index.md": index_page(snapshot, config, t)}
    for theme_id in config.themes:
        if ID_RE.match(theme_id):
            out[f"watch/{theme_id}.md"] = theme_page(
                snapshot,
                config,
                theme_id,
                t,
                now=now,
                repo_url=repo_url,
                networks=networks,
                alerts=alerts,
            )
    return out


# --- home page -------------------------------------------------------------------------------


def home_items(snapshot: WatchSnapshot, config: WatchConfig, limit: int = 5) -> list[WatchItem]:
    """The latest items, across themes, that match one of the brand's keywords (none without keywords).
    The same article seen in two themes is shown once."""
    brand = compile_terms(tuple(config.keywords))
    if not brand:
        return []
    matching = (
        item
        for theme in snapshot.themes
        for item in theme.entries
        if brand.matches(f"{item.title}\n{item.summary_text}")
    )
    return merge_duplicates(matching)[:limit]


def home_markdown(
    snapshot: WatchSnapshot,
    config: WatchConfig,
    *,
    lang: str,
    now: datetime,
    limit: int = 5,
    repo_url: str | None = None,
    watch_href: str = "watch/index.md",
    heading: bool = True,
) -> str:
    """The home-page block: a heading, the latest brand mentions, a link to the watch pages.
    Empty when no brand keyword is configured."""
    if not config.keywords:
        return ""
    t = _Text(lang)
    items = home_items(snapshot, config, limit)
    lines = [f"## {escape(t('brand'))}", ""] if heading else []
    if items:
        lines.append('<div class="relais-watch-list relais-watch-home">')
        brand = compile_terms(tuple(config.keywords))
        for item in items:
            lines.append(
                item_html(item, snapshot, config, t=t, now=now, repo_url=repo_url, matcher=brand)
            )
        lines.append("</div>")
    else:
        lines.append(f'<p class="relais-watch-empty">{escape(t("no_brand"))}</p>')
    lines += ["", f"[{escape(t('all_watch'))}]({watch_href})"]
    return "\n".join(lines) + "\n"


# --- alerts ------------------------------------------------------------------------------------


def alert_badge(level: str, lang: str) -> str:
    """The badge of an item that alert rules match: "Alerte" or "À surveiller"."""
    from ..i18n import Translator

    label = Translator(lang if lang in ("fr", "en") else "en")(f"alert_level_{level}")
    return (
        f'<span class="relais-watch-alert relais-watch-alert--{attr(level)}">{escape(label)}</span>'
    )


BANNER_ITEMS = 5


def alerts_banner(
    alerts: Sequence[Alert],
    config: WatchConfig,
    *,
    lang: str,
    who: Mapping[str, tuple[str, str]] | None = None,
    watch_href: str = "watch/",
    directory_href: str = "moderation/escalation/",
) -> str:
    """The home page's banner while alerts are recent: the spike, then the items, most serious
    first; `who` maps an escalation topic id to (what to show, anchor) from its public fields."""
    from ..i18n import Translator

    if not alerts:
        return ""
    tr = Translator(lang if lang in ("fr", "en") else "en")
    t = _Text(lang)
    level = "alert" if any(a.level == "alert" for a in alerts) else "watch"
    rows = []
    for a in alerts[:BANNER_ITEMS]:
        badge = alert_badge(a.level, lang)
        if a.kind == "volume":
            text = tr("alert_spike", count=a.count, median=f"{a.median:g}", days=a.days)
            rows.append(
                f'<li class="relais-alerts__item">{badge} {escape(text)} '
                f'<a href="{attr(watch_href)}">{escape(tr("alert_see_watch"))}</a></li>'
            )
            continue
        href = f"{watch_href}{a.theme}/#watch-{a.item}" if ID_RE.match(a.theme) else watch_href
        facts = [config.theme_label(a.theme), t.when(a.published), *a.labels]
        people = []
        for topic in a.escalate:
            shown = (who or {}).get(topic)
            if shown:
                people.append(
                    f'<a href="{attr(directory_href)}#{attr(shown[1])}">{escape(shown[0])}</a>'
                )
        tail = " · ".join(escape(f) for f in facts if f)
        if people:
            tail += " · " + escape(tr("mod_escalate_to")) + " " + ", ".join(people)
        rows.append(
            f'<li class="relais-alerts__item">{badge} <a href="{attr(href)}">{escape(a.title)}</a>'
            f' <span class="relais-alerts__meta">{tail}</span></li>'
        )
    more = ""
    if len(alerts) > BANNER_ITEMS:
        more = f'<p><a href="{attr(watch_href)}">{escape(tr("alert_see_watch"))}</a></p>'
    title = tr.plural("alerts", len(alerts))
    return (
        f'<section class="relais-alerts relais-alerts--{level}" aria-labelledby="relais-alerts">'
        f'<h2 id="relais-alerts">{escape(title)}</h2>'
        f'<ul class="relais-alerts__list">{"".join(rows)}</ul>{more}</section>'
    )
