"""The built demo: nothing private of the directory anywhere in the published files."""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import quote

from generator.build import build
from tests.conftest import RepoFactory
from tests.helpers import FRAME_TAGS, HtmlScan
from tests.moderation.conftest import private_values


def test_no_private_value_of_the_directory_is_published(built_demo: Path) -> None:
    secrets = private_values()
    assert len(secrets) >= 6  # names, phones, an e-mail, notes
    forms = set()
    for secret in secrets:
        forms |= {
            secret,
            html.escape(secret),
            html.escape(secret, quote=False),
            json.dumps(secret, ensure_ascii=False)[1:-1],
            json.dumps(secret)[1:-1],
            quote(secret),
        }
        digits = "".join(c for c in secret if c.isdigit())
        if len(digits) >= 9:  # a phone number written any other way
            forms.add(digits)
    files = [p for p in built_demo.rglob("*") if p.is_file()]
    assert any(p.as_posix().endswith("moderation/escalation/index.html") for p in files)
    for path in files:
        data = path.read_bytes()
        text = data.decode("utf-8", errors="ignore")
        squeezed = "".join(c for c in text if c.isdigit())
        for form in forms:
            where = squeezed if form.isdigit() else text
            assert form not in where, f"{path.relative_to(built_demo)} publishes {form!r}"


def test_the_public_fields_are_published(built_demo: Path) -> None:
    page = (built_demo / "moderation/escalation/index.html").read_text(encoding="utf-8")
    assert "Téléphone d’astreinte qualité (numéro dans le classeur de crise)" in page
    assert "Appeler l’astreinte qualité, même la nuit et le dimanche" in page


PAYLOAD = (
    '<iframe src="https://evil.example/frame"></iframe><img src="x" onerror="alert(1)">'
    '<a href="javascript:alert(2)">x</a> [lien](javascript:alert(3)) {{ 7*7 }} {% raw %}'
)


def test_a_hostile_moderation_folder_builds_into_inert_pages(make_repo: RepoFactory) -> None:
    quoted = PAYLOAD.replace("'", "''")
    files = {
        "ambassadors/claire-martin.yml": "name: Claire Martin\n",
        "moderation/replies.yml": (
            f"guide: {{answer: '{quoted}'}}\n"
            f"situations:\n  q: {{label: '{quoted}', actions: [answer, escalate], escalate: t, when: '{quoted}'}}\n"
            "replies:\n  - id: r\n    situation: q\n"
            f"    title: '{quoted}'\n    when: '{quoted}'\n    tone: '{quoted}'\n"
            "    owner: claire-martin\n    review: 2027-01-01\n"
            f"    text: '{quoted}'\n"
        ),
        "moderation/escalation.yml": (
            "public: [service, channel]\ntopics:\n"
            f"  - id: t\n    topic: '{quoted}'\n    service: '{quoted}'\n    channel: '{quoted}'\n"
        ),
        "moderation/feedback.yml": (
            f"- id: f\n  topic: '{quoted}'\n  first_seen: 2026-11-01\n  count: 2\n"
            f"  owner: claire-martin\n  replies: [r]\n  note: '{quoted}'\n"
        ),
    }
    result = build(make_repo(files), now_option="2026-12-01T08:00")
    assert result.ok, result.failure
    for rel in (
        "moderation/index.html",
        "moderation/escalation/index.html",
        "moderation/feedback/index.html",
    ):
        text = (result.out / rel).read_text(encoding="utf-8")
        scan = HtmlScan.of(text)
        assert scan.dangers(live=FRAME_TAGS) == [], rel
        images = [e.attrs.get("src") for e in scan.elements if e.tag == "img"]
        assert "x" not in images, rel  # the payload's image stays text
        assert "{{ 7*7 }}" in text or "{{ 7*7 }}" in html.unescape(text)  # shown as written
        assert ">49<" not in text
