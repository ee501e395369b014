"""The built demo: nothing private of the directory anywhere in the published files."""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import quote

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
