"""Tell the team about new alerts, once: the alert log, the messages, the webhook post.

The log (`alerts.json` in the watch cache, which the nightly workflow restores and saves)
holds every alert raised lately, when it was raised and where it was delivered: `relais
watch fetch` adds the new ones, `relais watch notify` sends those not yet delivered on each
channel (a Markdown summary, an issue's text, a Teams, Slack or Mattermost incoming webhook)
and marks them delivered only once sent. A webhook that fails keeps its alerts for the next
run; nothing is ever sent twice on one channel.

Everything in an alert but its level comes from a feed, that is from strangers: every text is
escaped for the message's own format (Markdown, Slack's mrkdwn, an Adaptive Card), and an
`@` is followed by a word joiner so that "@channel" or "@someone" pings nobody.
The webhook address is a secret (its path is the key): it is read from the environment,
never printed, never put in an error message.
"""

from __future__ import annotations

import json
import re
import ssl
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpcore
import httpx

from ..i18n import Translator
from .addresses import is_public
from .alerts import Alert
from .cache import cache_path, write_atomic
from .clean import clean_url
from .config import Timeouts, WatchConfig
from .fetch import DeadlineExceeded, _GuardedBackend, _GuardedTransport

FORMAT = 1
LOG_FILE = "alerts.json"
NEW_FILE = "new-alerts.json"
KEEP_DAYS = 30  # the log remembers an alert this long, so that it is never raised twice
SEND_DAYS = 7  # an alert not delivered within a week (a webhook down) is not sent any more
CHANNELS = ("summary", "issue", "webhook")
FORMATS = ("slack", "teams", "mattermost")
MAX_RESPONSE = 64 * 1024


@dataclass(frozen=True, slots=True)
class Logged:
    """An alert in the log: when it was raised, and when it was delivered on each channel."""

    alert: dict[str, Any]
    raised: datetime
    delivered: Mapping[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return str(self.alert["id"])

    def to_json(self) -> dict[str, Any]:
        return {**self.alert, "raised": self.raised.isoformat(), "delivered": dict(self.delivered)}


# --- the log ----------------------------------------------------------------------------------


def log_path(root: Path | str, config: WatchConfig) -> Path:
    return cache_path(root, config) / LOG_FILE


def read_log(root: Path | str, config: WatchConfig) -> tuple[dict[str, Logged], list[str]]:
    """The alert log; an unreadable log is reported and read as empty (alerts may then repeat
    once, which is better than never alerting)."""
    path = log_path(root, config)
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}, []
    except (OSError, ValueError) as exc:
        return {}, [f"{LOG_FILE}: unreadable, ignored ({exc})"]
    out: dict[str, Logged] = {}
    problems: list[str] = []
    items = data.get("alerts") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return {}, [f"{LOG_FILE}: not a Relais alert log, ignored"]
    for raw in items:
        try:
            alert = {k: v for k, v in raw.items() if k not in ("raised", "delivered")}
            delivered = {str(k): str(v) for k, v in (raw.get("delivered") or {}).items()}
            logged = Logged(alert, datetime.fromisoformat(raw["raised"]), delivered)
            if not isinstance(alert["id"], str) or logged.raised.tzinfo is None:
                raise ValueError("id or time")
        except (AttributeError, KeyError, TypeError, ValueError):
            problems.append(f"{LOG_FILE}: an invalid alert was ignored")
            continue
        out[logged.id] = logged
    return out, problems


def write_log(root: Path | str, config: WatchConfig, log: Mapping[str, Logged]) -> None:
    items = sorted(log.values(), key=lambda e: (e.raised, e.id))
    data = {"format": FORMAT, "alerts": [e.to_json() for e in items]}
    write_atomic(log_path(root, config), _dumps(data))


def _dumps(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def record(
    log: Mapping[str, Logged], alerts: Iterable[Alert], now: datetime
) -> tuple[dict[str, Logged], list[Logged]]:
    """The log with the alerts not seen before added (raised now), and those new ones. Pure."""
    kept = {k: v for k, v in log.items() if v.raised >= now - timedelta(days=KEEP_DAYS)}
    new = []
    for alert in alerts:
        if alert.id in kept or alert.id in log:
            continue
        entry = Logged(alert.to_json(), now)
        kept[alert.id] = entry
        new.append(entry)
    return kept, new


def write_new(path: Path, new: Sequence[Logged], now: datetime) -> None:
    """The machine-readable list of the alerts a fetch raised."""
    data = {"format": FORMAT, "generated": now.isoformat(), "alerts": [e.to_json() for e in new]}
    write_atomic(path, _dumps(data))


def pending(log: Mapping[str, Logged], channel: str, now: datetime) -> list[Logged]:
    """The alerts not yet delivered on `channel`, raised in the last week, most serious first."""
    since = now - timedelta(days=SEND_DAYS)
    todo = [e for e in log.values() if channel not in e.delivered and e.raised >= since]
    return sorted(todo, key=lambda e: (e.alert.get("level") != "alert", e.raised, e.id))


def delivered(
    log: Mapping[str, Logged], entries: Iterable[Logged], channel: str, now: datetime
) -> dict[str, Logged]:
    """The log with `entries` marked delivered on `channel` at `now`. Pure."""
    done = {e.id for e in entries}
    return {
        k: (
            Logged(v.alert, v.raised, {**v.delivered, channel: now.isoformat()}) if k in done else v
        )
        for k, v in log.items()
    }


# --- the words --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """What a message needs beyond the alerts: the language, the portal, who to alert."""

    lang: str
    site_url: str
    themes: Mapping[str, str]  # theme id -> label
    who: Mapping[str, str]  # escalation topic id -> "service (contact)", public fields only


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")
_MENTION = re.compile(r"@(?=\w)")


def _unpinged(text: str) -> str:
    """'@channel' stays readable but pings nobody (a word joiner after the @)."""
    return _MENTION.sub("@\u2060", text)


def md(text: str) -> str:
    """A stranger's text for Markdown (GitHub, Mattermost): one line, inert."""
    return _unpinged(_MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split())))


def _safe_link(link: str | None) -> str:
    """An http(s) link with the characters that could end a Markdown or Slack link encoded."""
    url = clean_url(link) if link else None
    if not url:
        return ""
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._").replace("(", "%28").replace(")", "%29")


def _portal_link(ctx: Context, entry: Logged) -> str:
    base = ctx.site_url.rstrip("/") + "/"
    theme = str(entry.alert.get("theme") or "")
    item = str(entry.alert.get("item") or "")
    if theme and re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", theme):
        return f"{base}watch/{theme}/" + (f"#watch-{quote(item, safe='')}" if item else "")
    return f"{base}watch/"


def _level(t: Translator, entry: Logged) -> str:
    return t(f"alert_level_{entry.alert.get('level', 'alert')}")


def _facts(t: Translator, ctx: Context, entry: Logged) -> list[str]:
    """The plain-text facts of an alert (still to be escaped for the message's format)."""
    a = entry.alert
    if a.get("kind") == "volume":
        return [
            t(
                "alert_spike",
                count=a.get("count", 0),
                median=f"{float(a.get('median', 0)):g}",
                days=a.get("days", 0),
            )
        ]
    facts = []
    theme = str(a.get("theme") or "")
    if theme:
        facts.append(ctx.themes.get(theme, theme))
    labels = [str(x) for x in a.get("labels") or []]
    facts += labels
    terms = [str(x) for x in a.get("terms") or []]
    if terms:
        facts.append(t("alert_matched", terms=", ".join(terms)))
    who = [ctx.who[x] for x in a.get("escalate") or [] if x in ctx.who]
    if who:
        facts.append(t("notify_who", who="; ".join(who)))
    return facts


def markdown(entries: Sequence[Logged], ctx: Context) -> str:
    """The alerts as Markdown (a job summary, an issue, Mattermost)."""
    t = Translator(ctx.lang)
    if not entries:
        return f"### {t('notify_none')}\n"
    lines = [f"### {t.plural('notify_title', len(entries))}", ""]
    for e in entries:
        marker = "🔴" if e.alert.get("level") == "alert" else "🟠"
        head = f"{marker} **{md(_level(t, e))}**"
        if e.alert.get("kind") == "volume":
            lines.append(f"- {head} — " + " · ".join(md(f) for f in _facts(t, ctx, e)))
            continue
        link = _safe_link(e.alert.get("link"))
        title = md(str(e.alert.get("title", "")))
        title = f"[{title}]({link})" if link else title
        facts = " · ".join(md(f) for f in _facts(t, ctx, e))
        portal = f"[{md(t('alert_see_watch'))}]({_safe_link(_portal_link(ctx, e))})"
        lines.append(f"- {head} — {title}" + (f" · {facts}" if facts else "") + f" · {portal}")
    return "\n".join(lines) + "\n"


def _slack_text(text: str) -> str:
    # Slack's mrkdwn: only &, < and > are control characters (<!channel> needs a "<").
    return (
        " ".join(str(text).split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    )


def slack_payload(entries: Sequence[Logged], ctx: Context) -> dict[str, Any]:
    t = Translator(ctx.lang)
    lines = [f"*{_slack_text(t.plural('notify_title', len(entries)))}*"]
    for e in entries:
        marker = ":red_circle:" if e.alert.get("level") == "alert" else ":large_orange_circle:"
        facts = " · ".join(_slack_text(f) for f in _facts(t, ctx, e))
        if e.alert.get("kind") == "volume":
            lines.append(f"{marker} *{_slack_text(_level(t, e))}* — {facts}")
            continue
        title = _slack_text(str(e.alert.get("title", ""))).replace("|", "¦")
        link = _safe_link(e.alert.get("link")).replace("|", "%7C").replace(">", "%3E")
        shown = f"<{link}|{title}>" if link else title
        portal = _safe_link(_portal_link(ctx, e)).replace("|", "%7C")
        lines.append(
            f"{marker} *{_slack_text(_level(t, e))}* — {shown}"
            + (f" · {facts}" if facts else "")
            + f" · <{portal}|{_slack_text(t('alert_see_watch'))}>"
        )
    return {"text": "\n".join(lines)}


def mattermost_payload(entries: Sequence[Logged], ctx: Context) -> dict[str, Any]:
    return {"text": markdown(entries, ctx), "username": "Relais"}


_PLAIN = str.maketrans(
    {
        "*": "∗",
        "_": "＿",
        "[": "［",
        "]": "］",
        "(": "（",
        ")": "）",
        "`": "ʻ",
        "~": "∼",
        "#": "＃",
        "<": "‹",
        ">": "›",
        "|": "¦",
        "\\": "⧵",
    }
)


def plain(text: str) -> str:
    """A stranger's text for an Adaptive Card's TextBlock, whose Markdown has no escape: the few
    characters it reads are swapped for look-alikes."""
    return _unpinged(" ".join(str(text).split()).translate(_PLAIN))


def teams_payload(entries: Sequence[Logged], ctx: Context) -> dict[str, Any]:
    """An Adaptive Card, as Teams' Workflows ("When a Teams webhook request is received") take:
    per alert, its level and title, its facts, and buttons to the article and the watch page."""
    t = Translator(ctx.lang)
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": plain(t.plural("notify_title", len(entries))),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    for e in entries:
        volume = e.alert.get("kind") == "volume"
        title = "" if volume else " — " + plain(str(e.alert.get("title", "")))
        body.append(
            {
                "type": "TextBlock",
                "text": f"**{plain(_level(t, e))}**{title}",
                "wrap": True,
                "color": "Attention" if e.alert.get("level") == "alert" else "Warning",
                "separator": True,
            }
        )
        facts = " · ".join(plain(f) for f in _facts(t, ctx, e))
        if facts:
            body.append({"type": "TextBlock", "text": facts, "wrap": True, "isSubtle": True})
        actions = []
        link = _safe_link(e.alert.get("link"))
        if link and not volume:
            actions.append(
                {"type": "Action.OpenUrl", "title": plain(t("notify_open")), "url": link}
            )
        actions.append(
            {
                "type": "Action.OpenUrl",
                "title": plain(t("alert_see_watch")),
                "url": _safe_link(_portal_link(ctx, e)),
            }
        )
        body.append({"type": "ActionSet", "actions": actions})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


PAYLOADS = {"slack": slack_payload, "teams": teams_payload, "mattermost": mattermost_payload}


def guess_format(url: str) -> str:
    """The webhook's kind from its host: Slack's and Microsoft's are known; else Mattermost's
    {"text": Markdown} (which Rocket.Chat and most others take too)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return "mattermost"
    if host == "hooks.slack.com":
        return "slack"
    microsoft = ("webhook.office.com", "logic.azure.com", "powerplatform.com", "powerautomate.com")
    if any(host == d or host.endswith("." + d) for d in microsoft):
        return "teams"
    return "mattermost"


# --- posting ----------------------------------------------------------------------------------


class NotifyError(Exception):
    """The webhook did not take the alerts; the message never holds the webhook's address."""


def post(url: str, payload: Mapping[str, Any], timeouts: Timeouts) -> int:
    """POST the payload as JSON with the watch fetch's limits; returns the HTTP status (2xx).
    Redirects are not followed: a webhook that moves must be configured again."""
    try:
        parts = urlsplit(url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise NotifyError("the webhook secret is not a valid address") from None
    if not usable:
        raise NotifyError("the webhook secret is not an http(s) address")
    deadline = time.monotonic() + timeouts.total
    # The address is the administrator's own secret: an intranet Mattermost is allowed.
    backend = _GuardedBackend(deadline=deadline, allow_private=True, policy=is_public)
    transport = _GuardedTransport(ssl_context=_ssl(), backend=backend)
    timeout = httpx.Timeout(
        connect=timeouts.connect, read=timeouts.read, write=timeouts.read, pool=timeouts.connect
    ).as_dict()
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        request = httpx.Request(
            "POST",
            url,
            content=body,
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "Relais"},
            extensions={"timeout": timeout},
        )
        with transport:
            response = transport.handle_request(request)
            try:
                received = 0
                for chunk in response.iter_raw():
                    received += len(chunk)
                    if received > MAX_RESPONSE or time.monotonic() > deadline:
                        break
            finally:
                response.close()
    except DeadlineExceeded:
        raise NotifyError(
            f"the webhook did not answer within {timeouts.total:g} s (timeouts.total)"
        ) from None
    except (httpcore.TimeoutException, httpx.TimeoutException):
        raise NotifyError(
            f"the webhook stayed silent for {timeouts.read:g} s (timeouts.read)"
        ) from None
    except (httpcore.ConnectError, httpx.ConnectError):
        raise NotifyError("could not connect to the webhook") from None
    except (httpx.InvalidURL, ValueError):
        raise NotifyError("the webhook secret is not a valid address") from None
    except (httpcore.NetworkError, httpcore.ProtocolError, httpx.HTTPError, OSError) as exc:
        raise NotifyError(f"network error while posting ({type(exc).__name__})") from None
    if not 200 <= response.status_code < 300:
        raise NotifyError(f"the webhook refused the alerts (HTTP {response.status_code})")
    return response.status_code


def _ssl() -> ssl.SSLContext:
    from .fetch import _ssl_context

    return _ssl_context()
