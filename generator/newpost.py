"""`relais new post`: scaffold a post file that `relais check` accepts."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from . import safefs
from .clock import parse_now
from .i18n import Translator
from .load import POSTS_DIR, load, load_site_config


class NewPostError(Exception):
    """A post that cannot be created; the message says why and what to do."""


def slugify(title: str, max_length: int = 80) -> str:
    """'Fête des Lumières : nos boutiques' -> 'fete-des-lumieres-nos-boutiques'."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.replace("'", "").replace("’", "")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or "post"


BODY = {
    "fr": "Objectif : …\n\nCible : …\n\nNotes pour l'équipe : …\n",
    "en": "Goal: …\n\nAudience: …\n\nNotes for the team: …\n",
}


def _parse_when(when: str, tz: object) -> datetime:
    from .model import parse_datetime

    try:
        return parse_datetime(when, tz)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - pydantic's error: reported in our words
        raise NewPostError(f"--date {when!r} is not a date-time like 2026-12-03T09:30") from None


def new_post(
    root: Path,
    title: str,
    *,
    when: str | None = None,
    networks: str | None = None,
    network: str | None = None,
    next_slot: bool = False,
    now_option: str | None = None,
) -> Path:
    """Write content/posts/<slug>.md and return its path; never overwrites a file."""
    config, diagnostics = load_site_config(root)
    if config is None:
        first = diagnostics[0] if diagnostics else None
        raise NewPostError(
            f"cannot read site_config.yml: {first.message if first else 'unknown error'}"
        )
    if not title.strip():
        raise NewPostError("the title is empty")
    tz = config.site.tz
    now = parse_now(now_option, config.site.timezone)

    chosen = [n.strip() for n in (networks or network or "").split(",") if n.strip()]
    if not chosen:
        chosen = list(config.networks)[:1]
    unknown = [n for n in chosen if n not in config.networks]
    if unknown:
        raise NewPostError(
            f"network '{unknown[0]}' is not in site_config.yml; use one of: {', '.join(config.networks)}"
        )
    if next_slot:
        if len(chosen) != 1:
            raise NewPostError("--next-slot needs exactly one network: --network linkedin")
        from .calendar.slots import next_free_slot

        loaded = load(root)
        if loaded.project is None:
            raise NewPostError("the repository has errors; run `relais check` first")
        slot = next_free_slot(loaded.project, chosen[0], now)
        if slot is None:
            raise NewPostError(f"no free slot for {chosen[0]}: add one to calendar/slots.yml")
        date = slot
    elif when:
        date = _parse_when(when, tz)
    else:
        date = (now + timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)

    slug = slugify(title)
    folder = Path(root) / POSTS_DIR
    path = folder / f"{slug}.md"
    if path.exists() or path.is_symlink():
        raise NewPostError(f"{path} already exists; choose another title or edit that file")
    t = Translator(config.site.language)
    meta = {
        "title": title.strip(),
        "date": date.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "networks": chosen,
        "status": "draft",
        "format": "text",
    }
    front = yaml.safe_dump(
        meta, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000
    )
    try:  # never through a link: a committed content/posts link, a dangling <slug>.md link
        safefs.write_bytes(
            path,
            f"---\n{front}---\n{BODY[t.lang]}".encode(),
            base=Path(root),
            exclusive=True,
        )
    except FileExistsError:
        raise NewPostError(
            f"{path} already exists; choose another title or edit that file"
        ) from None
    except safefs.UnsafePath as exc:
        raise NewPostError(str(exc)) from None
    return path
