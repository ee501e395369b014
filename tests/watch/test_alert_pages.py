"""Alerts in the portal: the badges on the watch pages and the home page's banner.

The expected alerts are computed from the demo's snapshot with generator.watch.alerts; the
built pages are read back as HTML.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.load import load_site_config
from generator.watch.alerts import Alert, evaluate, matches
from generator.watch.cache import load_snapshot
from generator.watch.markup import escape
from generator.watch.render import alerts_banner
from tests.conftest import ROOT

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))


def demo_alerts() -> tuple[list[Alert], dict[str, str]]:
    config, _ = load_site_config(ROOT)
    assert config is not None
    watch = config.watch.model_copy(update={"cache_dir": "demo-watch-cache"})
    snapshot = load_snapshot(ROOT, watch, now=NOW)
    marks = {k: v[0] for k, v in matches(snapshot, watch).items()}
    return evaluate(snapshot, watch, NOW), marks


def test_the_demo_rules_fire_on_the_demo_snapshot() -> None:
    alerts, marks = demo_alerts()
    kinds = [(a.kind, a.level) for a in alerts]
    assert kinds[0] == ("volume", "alert")  # three mentions on 1 December, none the days before
    assert ("keyword", "alert") in kinds and ("keyword", "watch") in kinds
    serious = [a for a in alerts if a.kind == "keyword" and a.level == "alert"]
    assert serious[0].escalate == ("qualite",) and "plastique" in serious[0].terms
    assert len(marks) > len(alerts) - 1  # older matches are marked too, not announced


def test_the_home_banner_lists_the_recent_alerts(built_demo: Path) -> None:
    alerts, _ = demo_alerts()
    page = (built_demo / "index.html").read_text(encoding="utf-8")
    banner = page[
        page.index('<section class="relais-alerts') : page.index(
            "</section>", page.index("relais-alerts")
        )
    ]
    assert f">{len(alerts)} alertes dans la veille</h2>" in banner
    # Above everything else on the page: before the posts to come.
    assert page.index("relais-alerts") < page.index('id="relais-upcoming"')
    items = re.findall(r'<li class="relais-alerts__item">(.*?)</li>', banner)
    assert len(items) == min(5, len(alerts))
    assert "Pic de mentions de la marque : 3 aujourd’hui" in html.unescape(items[0])
    first = next(a for a in alerts if a.kind == "keyword")
    assert f'href="watch/{first.theme}/#watch-{first.item}"' in items[1]
    assert f">{escape(first.title)}</a>" in items[1]
    assert (
        '<a href="moderation/escalation/#topic-qualite">Service qualité, Responsable qualité</a>'
        in banner
    )


def test_the_watch_pages_mark_every_matching_entry(built_demo: Path) -> None:
    _, marks = demo_alerts()
    for theme in ("e-reputation", "concurrence"):
        page = (built_demo / "watch" / theme / "index.html").read_text(encoding="utf-8")
        for item_id in re.findall(
            r'<article class="relais-watch-entry[^"]*" id="watch-([0-9a-f]+)"', page
        ):
            classes = re.search(rf'<article class="([^"]*)" id="watch-{item_id}"', page).group(1)  # type: ignore[union-attr]
            level = marks.get(item_id)
            assert (
                (f"relais-watch-entry--{level}" in classes)
                if level
                else classes == "relais-watch-entry"
            )
    reputation = (built_demo / "watch/e-reputation/index.html").read_text(encoding="utf-8")
    assert '<span class="relais-watch-alert relais-watch-alert--alert">Alerte</span>' in reputation
    assert (
        '<span class="relais-watch-alert relais-watch-alert--watch">À surveiller</span>'
        in reputation
    )


def test_the_banner_keeps_a_strangers_title_inert() -> None:
    from generator.watch.config import WatchConfig

    evil = Alert(
        id="item-x",
        kind="keyword",
        level="alert",
        title="<img src=x onerror=alert(1)> [lien](javascript:alert(1)) {{ 7*7 }}",
        published=NOW,
        theme="../../etc",
        item="x",
        labels=("<b>",),
    )
    banner = alerts_banner([evil], WatchConfig(), lang="fr")
    assert "<img" not in banner and "<b>" not in banner and "[lien]" not in banner
    assert "{{" not in banner
    assert 'href="watch/"' in banner  # an odd theme id never becomes a path
