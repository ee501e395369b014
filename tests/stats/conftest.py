"""A small content repository with published posts and exports, written per test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from generator.cli import cli

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=PARIS)

CONFIG = """\
site:
  name: Test portal
  url: https://portal.example.org/
  language: {language}
  timezone: Europe/Paris
networks:
  linkedin: {{}}
  x: {{}}
  facebook: {{}}
  mastodon: {{instance: https://mastodon.social}}
  bluesky: {{}}
tracking:
  utm_source: "{{network}}"
  utm_medium: ambassador
  utm_campaign: "{{campaign}}"
  utm_content: "{{ambassador}}"
"""

POSTS = {
    "levain": """\
---
title: Le levain a 25 ans
date: 2026-11-10T09:00
networks: [linkedin, x]
status: published
campaign: hiver
messages:
  linkedin: "Notre levain fête ses 25 ans : une histoire de farine, d'eau et de patience."
  x: "Notre levain a 25 ans ! Farine, eau, patience."
published:
  linkedin: https://www.linkedin.com/feed/update/urn:li:activity:7000000000000000001
share: {}
---
""",
    "croissant": """\
---
title: Les coulisses du croissant
date: 2026-11-12T09:00
networks: [x, facebook]
status: published
messages:
  x: "Les coulisses du croissant, de 4 h du matin à la vitrine."
  facebook: "Les coulisses du croissant, de 4 h du matin à la vitrine."
---
""",
    "secret": """\
---
title: Lancement secret
date: 2026-12-20T09:00
networks: [linkedin]
status: scheduled
embargo: true
messages:
  linkedin: "Le grand lancement secret de décembre."
published:
  linkedin: https://www.linkedin.com/feed/update/urn:li:activity:7000000000000000099
---
""",
    "oublie": """\
---
title: Un post sans chiffres
date: 2026-11-05T09:00
networks: [mastodon]
status: published
messages:
  mastodon: "Un message que personne n'a mesuré."
---
""",
}

AMBASSADORS = {
    "ana": "name: Ana Lopez\nnetworks: {linkedin: {}}\npublic: true\n",
    "cleo": "name: Cléo Cachée\nnetworks: {linkedin: {}}\npublic: false\n",
}

LINKEDIN_HEADER = "Post title,Post link,Created date,Impressions,Clicks,Likes,Comments,Reposts\n"
X_HEADER = '"Tweet id","Tweet permalink","Tweet text","time","impressions","engagements","likes"\n'


@pytest.fixture
def repo(tmp_path: Path) -> Callable[..., Path]:
    """Write the repository with these exports (name: text) and posts (slug: text)."""

    def make(
        exports: dict[str, str | bytes] | None = None,
        posts: dict[str, str] | None = None,
        language: str = "fr",
    ) -> Path:
        (tmp_path / "site_config.yml").write_text(CONFIG.format(language=language))
        (tmp_path / "calendar").mkdir(exist_ok=True)
        (tmp_path / "calendar" / "campaigns.yml").write_text(
            "- id: hiver\n  title: Hiver\n  start: 2026-11-01\n  end: 2026-12-31\n"
        )
        (tmp_path / "calendar" / "slots.yml").write_text(
            '- network: x\n  days: [tue, thu]\n  time: "18:00"\n'
        )
        posts_dir = tmp_path / "content" / "posts"
        posts_dir.mkdir(parents=True, exist_ok=True)
        for slug, text in {**POSTS, **(posts or {})}.items():
            (posts_dir / f"{slug}.md").write_text(text)
        (tmp_path / "ambassadors").mkdir(exist_ok=True)
        for amb, text in AMBASSADORS.items():
            (tmp_path / "ambassadors" / f"{amb}.yml").write_text(text)
        stats = tmp_path / "stats" / "2026-11"
        stats.mkdir(parents=True, exist_ok=True)
        for name, data in (exports or {}).items():
            target = stats / name
            target.write_bytes(data if isinstance(data, bytes) else data.encode())
        return tmp_path

    return make


def monthly_report(root: Path, out: Path, month: str = "2026-11") -> Path:
    """`relais stats report --month` on `root` at the demo's moment, as a team runs it: the
    folder it wrote the report into (report-<month>.md and .html)."""
    result = CliRunner().invoke(
        cli,
        ["stats", "report", "--month", month, "--root", str(root), "--now",
         "2026-12-01T08:00", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out
