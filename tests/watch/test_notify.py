"""Nightly alerts, end to end: `watch fetch` raises them, `watch notify` sends each one once.

Feeds come from a real HTTP server on 127.0.0.1 (tests.helpers.LocalServer); the team's incoming webhook is a
second real server on 127.0.0.1 that records what it receives, answers as told, or stalls.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner, Result

from generator.watch.cli import EXIT_NEW_ALERTS, EXIT_WEBHOOK_FAILED, watch
from generator.watch.notify import Context, Logged, guess_format, markdown, md, slack_payload
from tests.helpers import LocalServer

from .conftest import static

PARIS = ZoneInfo("Europe/Paris")
NIGHT = datetime(2026, 12, 1, 4, 17, tzinfo=PARIS)
SECRET = "T0KEN-ab12cd34-never-printed"

ALERTS = [
    {
        "match": ["intoxication", "plastique"],
        "level": "alert",
        "label": "Sécurité alimentaire",
        "escalate": "qualite",
    },
    {"match": ["attente"], "level": "watch"},
]


def alert_site(feed: str, alerts: list[dict[str, Any]] | None = None, **watch: Any) -> str:
    """Maison Exemple's site_config.yml watching one feed at `feed` with these `alerts` (no
    rules when None) and other `watch` keys; the feed servers are on 127.0.0.1."""
    config: dict[str, Any] = {
        "themes": {"reputation": "E-réputation"},
        "keywords": ["Maison Exemple"],
        "feeds": [{"id": "presse", "url": feed, "theme": "reputation"}],
    }
    if alerts is not None:
        config["alerts"] = alerts
    config |= watch | {
        "allow_private_addresses": True,
        "timeouts": {"connect": 1, "read": 1, "total": 2},
    }
    site = {
        "name": "Maison Exemple",
        "url": "https://portal.example.org/",
        "language": "fr",
        "timezone": "Europe/Paris",
    }
    return yaml.safe_dump(
        {"site": site, "networks": {"linkedin": {}}, "watch": config},
        allow_unicode=True,
        sort_keys=False,
    )


DIRECTORY = """\
public: [service, contact]
topics:
  - id: qualite
    topic: Sécurité alimentaire
    service: Service qualité
    contact: Responsable qualité
    phone: "+33 4 72 10 20 30"
"""


def rss(items: list[tuple[str, str, datetime]]) -> bytes:
    """An RSS feed of (guid, title, published) items."""
    body = "".join(
        f"<item><title>{title}</title><link>https://www.example.org/{guid}</link>"
        f'<guid isPermaLink="false">{guid}</guid><pubDate>{format_datetime(when)}</pubDate></item>'
        for guid, title, when in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Presse</title>'
        f"<link>https://www.example.org/</link><description>d</description>{body}</channel></rss>"
    ).encode()


class Receiver:
    """The team's incoming webhook: records each POST; answers `status`, or stalls."""

    def __init__(self) -> None:
        self.status = 200
        self.stall = 0.0
        self.server = LocalServer().start()
        self.url = self.server.route(f"/hooks/{SECRET}", self._answer, method="POST")

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        if self.stall:
            time.sleep(self.stall)
        h.send_response(self.status)
        h.send_header("Content-Length", "2")
        h.end_headers()
        h.wfile.write(b"ok")  # a hang-up by Relais (a stalled webhook) is the server's to ignore

    @property
    def posts(self) -> list[tuple[str, dict[str, str], bytes]]:
        """(path, headers, body) of every POST received, oldest first."""
        return [(r.path, r.headers, r.body) for r in self.server.received if r.method == "POST"]

    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, _, body in self.posts]

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture
def repo(tmp_path: Path, server: Any) -> Path:
    feed = server.url("/presse.xml")
    (tmp_path / "site_config.yml").write_text(
        alert_site(feed, ALERTS, volume={"minimum": 3}), encoding="utf-8"
    )
    (tmp_path / "moderation").mkdir()
    (tmp_path / "moderation/escalation.yml").write_text(DIRECTORY, encoding="utf-8")
    return tmp_path


def serve(server: Any, items: list[tuple[str, str, datetime]]) -> None:
    server.route("/presse.xml", static(rss(items)))


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(watch, list(args), env=env or {}, catch_exceptions=False)


def fetch(root: Path, now: datetime) -> Result:
    return run("fetch", "--root", str(root), "--now", now.isoformat(timespec="minutes"))


def notify(
    root: Path, now: datetime, receiver: Receiver | None, summary: Path, *extra: str
) -> Result:
    env = {"RELAIS_ALERTS_WEBHOOK": receiver.url if receiver else ""}
    return run(
        "notify",
        "--root",
        str(root),
        "--now",
        now.isoformat(timespec="minutes"),
        "--summary",
        str(summary),
        *extra,
        env=env,
    )


def no_secret(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text and "/hooks/" not in text


FIRST_NIGHT = [
    (
        "a1",
        "Maison Exemple : une cliente dit avoir trouvé du plastique",
        NIGHT - timedelta(hours=3),
    ),
    ("w1", "Maison Exemple : l'attente du dimanche", NIGHT - timedelta(hours=4)),
    ("q1", "Maison Exemple ouvre une boutique", NIGHT - timedelta(hours=2)),
    ("old", "Maison Exemple : attente record", NIGHT - timedelta(days=5)),
]


def test_each_alert_is_sent_once_night_after_night(
    repo: Path, server: Any, receiver: Receiver, tmp_path: Path
) -> None:
    serve(server, FIRST_NIGHT)
    summary = tmp_path / "summary.md"

    first = fetch(repo, NIGHT)
    assert first.exit_code == EXIT_NEW_ALERTS, first.output
    assert "3 new alerts, 2 at level alert" in first.output
    listed = json.loads((repo / ".relais/watch/new-alerts.json").read_text(encoding="utf-8"))
    assert [(a["id"], a["level"]) for a in listed["alerts"]] == [
        ("volume-2026-12-01", "alert"),  # 3 mentions today, none before: a spike
        ("item-" + _item_id(repo, "a1"), "alert"),
        ("item-" + _item_id(repo, "w1"), "watch"),
    ]  # "old" is five days old: marked in the portal, never sent

    sent = notify(repo, NIGHT, receiver, summary)
    assert sent.exit_code == 0, sent.output
    assert len(receiver.posts) == 1
    _, headers, _ = receiver.posts[0]
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    text = receiver.payloads()[0]["text"]  # 127.0.0.1: Mattermost's format, Markdown
    assert text.startswith("### Relais : 3 nouvelles alertes de veille\n")
    assert "plastique" in text and "qui alerter : Service qualité, Responsable qualité" in text
    assert "+33 4 72" not in text  # the directory's private phone stays private
    assert "Pic de mentions de la marque : 3 aujourd’hui" in text
    assert summary.read_text(encoding="utf-8") == text
    no_secret(sent.output, summary.read_text(encoding="utf-8"))

    # The same night again, then the next night with the same feed: nothing is sent twice.
    again = notify(repo, NIGHT, receiver, summary)
    assert again.exit_code == 0 and len(receiver.posts) == 1
    assert summary.read_text(encoding="utf-8").endswith(
        "### Relais : aucune nouvelle alerte de veille\n"
    )
    next_night = NIGHT + timedelta(days=1)
    assert fetch(repo, next_night).exit_code == 0
    assert json.loads((repo / ".relais/watch/new-alerts.json").read_text())["alerts"] == []
    assert notify(repo, next_night, receiver, summary).exit_code == 0
    assert len(receiver.posts) == 1

    # A new article the night after: only it is sent.
    serve(
        server,
        [
            ("a2", "Maison Exemple : soupçon d'intoxication", next_night - timedelta(hours=1)),
            *FIRST_NIGHT,
        ],
    )
    assert fetch(repo, next_night + timedelta(hours=1)).exit_code == EXIT_NEW_ALERTS
    assert notify(repo, next_night + timedelta(hours=1), receiver, summary).exit_code == 0
    assert len(receiver.posts) == 2
    second = receiver.payloads()[1]["text"]
    assert second.startswith("### Relais : 1 nouvelle alerte de veille\n")
    assert "intoxication" in second and "plastique" not in second


def _item_id(root: Path, guid: str) -> str:
    entries = json.loads((root / ".relais/watch/feeds/presse.json").read_text())["entries"]
    return next(e["id"] for e in entries if e["link"].endswith("/" + guid))


def test_a_failing_webhook_keeps_its_alerts_for_the_next_run(
    repo: Path, server: Any, receiver: Receiver, tmp_path: Path
) -> None:
    serve(server, FIRST_NIGHT)
    summary = tmp_path / "summary.md"
    assert fetch(repo, NIGHT).exit_code == EXIT_NEW_ALERTS
    receiver.status = 500
    failed = notify(repo, NIGHT, receiver, summary)
    assert failed.exit_code == EXIT_WEBHOOK_FAILED
    assert (
        "error: the webhook refused the alerts (HTTP 500); 3 alerts kept for the next run"
        in failed.output
    )
    no_secret(failed.output)
    # The summary took them (once); the webhook gets them, once, when it works again.
    receiver.status = 204
    later = notify(repo, NIGHT + timedelta(days=1), receiver, summary)
    assert later.exit_code == 0, later.output
    assert len(receiver.posts) == 2 and receiver.payloads()[1] == receiver.payloads()[0]
    assert summary.read_text(encoding="utf-8").count("une cliente dit avoir trouvé") == 1
    assert notify(repo, NIGHT + timedelta(days=1), receiver, summary).exit_code == 0
    assert len(receiver.posts) == 2


def test_a_stalled_webhook_is_cut_by_the_watch_timeouts(
    repo: Path, server: Any, receiver: Receiver, tmp_path: Path
) -> None:
    serve(server, FIRST_NIGHT)
    assert fetch(repo, NIGHT).exit_code == EXIT_NEW_ALERTS
    receiver.stall = 5
    started = time.monotonic()
    result = notify(repo, NIGHT, receiver, tmp_path / "s.md")
    assert time.monotonic() - started < 4  # timeouts: read 1 s, total 2 s
    assert result.exit_code == EXIT_WEBHOOK_FAILED
    assert "error: the webhook stayed silent for 1 s (timeouts.read)" in result.output
    no_secret(result.output)


def test_an_unreachable_or_malformed_webhook_says_so_without_its_address(
    repo: Path, server: Any, tmp_path: Path
) -> None:
    serve(server, FIRST_NIGHT)
    assert fetch(repo, NIGHT).exit_code == EXIT_NEW_ALERTS
    for url, message in (
        (f"http://127.0.0.1:9/hooks/{SECRET}", "could not connect to the webhook"),
        (f"ftp://example.org/hooks/{SECRET}", "the webhook secret is not an http(s) address"),
        (f"http://[::1/hooks/{SECRET}", "the webhook secret is not a valid address"),
    ):
        result = run(
            "notify",
            "--root",
            str(repo),
            "--now",
            "2026-12-01T04:17",
            env={"RELAIS_ALERTS_WEBHOOK": url},
        )
        assert result.exit_code == EXIT_WEBHOOK_FAILED, result.output
        assert message in result.output
        no_secret(result.output)


def test_no_webhook_no_post_and_the_issue_text(
    repo: Path, server: Any, receiver: Receiver, tmp_path: Path
) -> None:
    serve(server, FIRST_NIGHT)
    assert fetch(repo, NIGHT).exit_code == EXIT_NEW_ALERTS
    issue = tmp_path / "issue.md"
    result = notify(repo, NIGHT, None, tmp_path / "s.md", "--issue", str(issue))
    assert result.exit_code == 0 and receiver.posts == []
    assert issue.read_text(encoding="utf-8").startswith(
        "### Relais : 3 nouvelles alertes de veille"
    )
    notify(repo, NIGHT, None, tmp_path / "s.md", "--issue", str(issue))
    assert issue.read_text(encoding="utf-8") == ""  # already in an issue: no second issue


def test_without_rules_fetch_exits_0_and_writes_no_alert(tmp_path: Path, server: Any) -> None:
    serve(server, FIRST_NIGHT)
    (tmp_path / "site_config.yml").write_text(
        alert_site(server.url("/presse.xml")), encoding="utf-8"
    )
    assert fetch(tmp_path, NIGHT).exit_code == 0
    assert not (tmp_path / ".relais/watch/alerts.json").exists()


# --- the messages: strangers' text is inert in every format -------------------------------


HOSTILE = "@channel [x](https://evil.example/) <!here> *gras* `code` | > fin"


def _logged(title: str = HOSTILE, link: str = "https://www.example.org/a?b=(c)|d") -> Logged:
    alert = {
        "id": "item-x",
        "kind": "keyword",
        "level": "alert",
        "title": title,
        "link": link,
        "theme": "reputation",
        "item": "x",
        "terms": ["@all"],
        "labels": [],
        "escalate": [],
    }
    return Logged(alert, datetime(2026, 12, 1, tzinfo=PARIS))


CTX = Context("fr", "https://portal.example.org/", {"reputation": "E-réputation"}, {})


def test_markdown_neutralises_mentions_links_and_markup() -> None:
    text = markdown([_logged()], CTX)
    assert "@channel" not in text and "@\u2060channel" in text and "@\u2060all" in text
    assert "[x](https://evil.example/)" not in text and "\\[x\\]\\(https://evil" in text
    assert "<!here>" not in text and "\\<\\!here\\>" in text
    assert "(https://www.example.org/a?b=%28c%29%7Cd)" in text
    assert md("a\nb  c") == "a b c"


def test_slack_escapes_its_three_control_characters() -> None:
    text = slack_payload([_logged()], CTX)["text"]
    assert "<!here>" not in text and "&lt;!here&gt;" in text
    assert "<https://www.example.org/a?b=%28c%29%7Cd|" in text
    assert "¦" in text  # a | in a title would end Slack's link text


def test_teams_gets_an_adaptive_card_with_inert_text_and_buttons() -> None:
    from generator.watch.notify import teams_payload

    payload = teams_payload([_logged()], CTX)
    card = payload["attachments"][0]["content"]
    assert payload["type"] == "message" and card["type"] == "AdaptiveCard"
    texts = [b["text"] for b in card["body"] if b["type"] == "TextBlock"]
    assert texts[1].startswith("**Alerte** — @\u2060channel ［x］（https://evil.example/） ‹!here›")
    buttons = next(b for b in card["body"] if b["type"] == "ActionSet")["actions"]
    assert [a["url"] for a in buttons] == [
        "https://www.example.org/a?b=%28c%29%7Cd",
        "https://portal.example.org/watch/reputation/#watch-x",
    ]


def test_the_format_follows_the_webhook_host() -> None:
    assert guess_format("https://hooks.slack.com/services/T/B/X") == "slack"
    assert guess_format("https://prod-01.westeurope.logic.azure.com:443/workflows/x") == "teams"
    assert guess_format("https://maisonexemple.webhook.office.com/webhookb2/x") == "teams"
    assert guess_format("https://chat.example.org/hooks/x") == "mattermost"
    assert guess_format("https://hooks.slack.com.evil.example/x") == "mattermost"
