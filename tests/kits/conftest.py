"""Fixtures of the kit tests: a small content repository with share blocks, loaded or built."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.load import load
from generator.model import Project

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=PARIS)

KIT_CONFIG = """\
site:
  name: Test portal
  url: https://portal.example.org/
  language: fr
  timezone: Europe/Paris
networks:
  linkedin: {}
  x: {}
  instagram: {}
  mastodon: {instance: https://mastodon.social}
  bluesky: {}
  threads: {}
rules:
  blocked_words: ["gratuit à vie"]
ambassadors:
  disclosure: {default: "#Collaborateur", x: "#Collab"}
tracking:
  utm_source: "{network}"
  utm_medium: ambassador
  utm_campaign: "{campaign}"
  utm_content: "{ambassador}"
"""

CAMPAIGNS = """\
- id: hiver-2026
  title: Gamme d'hiver
  start: 2026-11-25
  end: 2027-01-15
"""

AMBASSADORS = {
    "ambassadors/ana-lopez.yml": """\
name: Ana Lopez
team: Boutiques
networks:
  mastodon: {handle: "@ana@piaille.fr", specialist: true}
  linkedin: {handle: ana-lopez-secret-handle}
  x: {handle: ana_secret_x}
topics: [produit, rse]
languages: [fr]
email: ana.lopez@private.example
public: true
""",
    "ambassadors/ben-marchand.yml": """\
name: Ben Marchand
team: Fournil
networks:
  instagram: {handle: ben.secret.insta}
  x: {handle: ben_secret_x}
topics: [savoir-faire]
languages: [en]
email: ben.marchand@private.example
public: true
""",
    "ambassadors/cleo-hidden.yml": """\
name: Cléo Cachée
networks:
  linkedin: {handle: cleo-secret}
topics: [produit]
email: cleo@private.example
public: false
""",
}


def post_file(front: str, body: str = "Le brief.") -> str:
    return f"---\n{front.strip()}\n---\n{body}\n"


HIVER = post_file("""
title: Gamme d'hiver
date: 2026-11-26T09:00
networks: [linkedin, x, instagram, mastodon]
status: published
campaign: hiver-2026
topics: [produit, saisonnier]
link: https://www.example.org/hiver
image: media/hiver.png
image_alt: Trois pains sur une table
messages:
  linkedin: La gamme d'hiver arrive.
share:
  from: 2026-11-26
  until: 2026-12-20
  hashtags: [MaisonExemple, Hiver]
  messages:
    linkedin:
      - Première suggestion LinkedIn.
      - "Mon préféré : [[votre pain préféré]]"
      - Troisième suggestion LinkedIn.
    x: La gamme d'hiver est là 🎉
    instagram: "Nouveau : la gamme d'hiver."
    mastodon: La gamme d'hiver est arrivée.
""")

VELO = post_file("""
title: Livraison à vélo
date: 2026-11-30T11:00
networks: [x, linkedin]
status: published
topics: [rse]
lang: en
link: https://www.example.org/velo
share:
  hashtags: [Lyon]
  messages:
    x: Bike delivery all over Lyon!
    linkedin: Bike delivery all over Lyon.
""")

SECRET = post_file(
    """
title: Projet secret
date: 2027-02-10T09:00
networks: [linkedin]
status: review
embargo: true
link: https://www.example.org/secret-launch
share:
  from: 2026-11-20
  messages:
    linkedin: Texte secret du lancement.
""",
    "Corps secret du brief.",
)

PAST = post_file("""
title: Ancien kit
date: 2026-11-01T09:00
networks: [linkedin]
status: published
link: https://www.example.org/ancien
share:
  messages:
    linkedin: Un ancien texte.
""")

CANCELLED = post_file("""
title: Opération annulée
date: 2026-11-28T09:00
networks: [linkedin]
status: cancelled
share:
  messages:
    linkedin: Texte annulé.
""")

# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def kit_files() -> dict[str, str | bytes]:
    return {
        "calendar/campaigns.yml": CAMPAIGNS,
        "content/posts/gamme-hiver.md": HIVER,
        "content/posts/livraison-velo.md": VELO,
        "content/posts/projet-secret.md": SECRET,
        "content/posts/ancien-kit.md": PAST,
        "content/posts/operation-annulee.md": CANCELLED,
        "content/media/hiver.png": PNG,
        **AMBASSADORS,
    }


@pytest.fixture
def kit_repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo(kit_files(), config=KIT_CONFIG)


def load_project(root: Path) -> Project:
    loaded = load(root)
    assert loaded.project is not None, loaded.diagnostics
    errors = [d for d in loaded.diagnostics if d.severity.value == "error"]
    assert not errors, errors
    return loaded.project


@pytest.fixture
def kit_project(kit_repo: Path) -> Project:
    return load_project(kit_repo)
