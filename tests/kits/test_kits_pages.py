"""The planned ambassador section: which pages, what they hold, escaping, size and reproducibility."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from generator.plan import plan
from generator.site import Site

from tests.kits.conftest import AMBASSADORS, KIT_CONFIG, NOW, kit_files, load_project, post_file

KIT_PAGES = ("ambassadors/index.md", "kits/index.md", "kits/archive.md")


def planned(root: Path) -> Site:
    return plan(load_project(root), NOW)


def test_the_section_pages_navigation_and_data(kit_repo: Path) -> None:
    site = planned(kit_repo)
    for path in KIT_PAGES + ("ambassadors/ana-lopez.md", "ambassadors/ben-marchand.md"):
        assert path in site.pages
    assert "ambassadors/cleo-hidden.md" not in site.pages  # public: false
    assert "kits.json" in site.files
    assert {"Ambassadeurs": [{"Annuaire": "ambassadors/index.md"}, {"Kits de partage": "kits/index.md"},
                             {"Kits archivés": "kits/archive.md"}]} in site.nav


def test_the_kits_page_has_one_card_per_network_with_a_ready_share_link(kit_repo: Path) -> None:
    page = planned(kit_repo).pages["kits/index.md"]
    for anchor in ("kit-gamme-hiver-linkedin", "kit-gamme-hiver-x", "kit-gamme-hiver-instagram",
                   "kit-gamme-hiver-mastodon", "kit-livraison-velo-x", "kit-livraison-velo-linkedin"):
        assert f'id="{anchor}"' in page
    assert 'href="https://x.com/intent/post?text=La%20gamme%20d%27hiver%20est%20l%C3%A0%20%F0%9F%8E%89%0A%0A' \
           '%23MaisonExemple%20%23Hiver%20%23Collab&amp;url=https%3A%2F%2Fwww.example.org%2Fhiver%3Futm_source' \
           '%3Dx%26utm_medium%3Dambassador%26utm_campaign%3Dhiver-2026"' in page
    assert 'src="../media/hiver.png" alt="Trois pains sur une table"' in page
    assert "download>Télécharger le visuel</a>" in page
    for absent in ("Projet secret", "Texte secret", "secret-launch", "Ancien kit", "Texte annulé"):
        assert absent not in page


def test_the_archive_shows_closed_kits_as_text_only(kit_repo: Path) -> None:
    page = planned(kit_repo).pages["kits/archive.md"]
    assert "Ancien kit" in page and "Un ancien texte." in page and "fermé le 15 nov. 2026" in page
    assert "relais-card__share" not in page and "<textarea" not in page and "<button" not in page


def test_a_personal_page_lists_its_kits_and_carries_no_private_field(kit_repo: Path) -> None:
    page = planned(kit_repo).pages["ambassadors/ana-lopez.md"]
    assert 'data-tag="ana-lopez"' in page and 'data-instance="piaille.fr"' in page
    assert 'data-src="../../kits.json"' in page
    items = [line for line in page.splitlines() if line.startswith('<li class="relais-mykit"')]
    assert [i.split('data-kit="')[1].split('"')[0] for i in items] == ["gamme-hiver", "livraison-velo"]
    assert 'data-networks="linkedin x mastodon" data-variants="linkedin:0 x:0 mastodon:0"' in items[0]
    for secret in ("ana.lopez@private.example", "ana-lopez-secret-handle", "ana_secret_x", "@ana@piaille.fr"):
        assert secret not in page


def test_the_directory_shows_public_profiles_with_specialists(kit_repo: Path) -> None:
    page = planned(kit_repo).pages["ambassadors/index.md"]
    assert "Ana Lopez" in page and "Ben Marchand" in page and "Cléo" not in page
    assert page.count("relais-person__net--specialist") == 1
    assert "Kits ouverts pour ses réseaux : 2" in page
    for person in AMBASSADORS.values():
        email = person.split("email: ")[1].split("\n")[0]
        assert email not in page


def test_home_and_post_pages_point_to_the_kits(kit_repo: Path) -> None:
    site = planned(kit_repo)
    assert '<a href="kits/#kit-gamme-hiver">Gamme d&#39;hiver</a>' in site.pages["index.md"]
    assert ("Kit ambassadeurs ouvert jusqu’au 20 déc. 2026. "
            '<a href="../../kits/#kit-gamme-hiver">Ouvrir le kit</a>') in site.pages["posts/gamme-hiver.md"]
    closed = 'Kit ambassadeurs fermé le 15 nov. 2026. <a href="../../kits/archive/">'
    assert closed in site.pages["posts/ancien-kit.md"]
    embargoed = next(v for k, v in site.pages.items() if k.startswith("posts/embargo-"))
    assert "Kit ambassadeurs" not in embargoed


def test_user_text_is_escaped_everywhere(make_repo: Callable[..., Path]) -> None:
    files = kit_files()
    files["content/posts/hostile.md"] = post_file("""
title: "<script>alert('t')</script> {{ x }}"
date: 2026-11-30T09:00
networks: [linkedin]
link: https://www.example.org/h
share:
  hashtags: ["<b>tag</b>"]
  messages:
    linkedin: "</textarea><img src=x onerror=alert(1)> [[<i>angle</i>]]"
""")
    site = planned(make_repo(files, config=KIT_CONFIG))
    for path in ("kits/index.md", "ambassadors/ana-lopez.md", "index.md"):
        page = site.pages[path]
        assert "<script>alert" not in page and "<img src=x" not in page and "</textarea><img" not in page
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; {{ x }}" in site.pages["kits/index.md"]
    data = json.loads(site.files["kits.json"])
    assert data["kits"][0]["title"] == "<script>alert('t')</script> {{ x }}"


def scale_repo(make_repo: Callable[..., Path], ambassadors: int, kits: int) -> Path:
    files: dict[str, str | bytes] = {}
    networks = ["linkedin", "x", "instagram", "mastodon"]
    for i in range(kits):
        files[f"content/posts/kit-{i:03d}.md"] = post_file(f"""
title: Publication {i} avec un titre de longueur ordinaire
date: 2026-11-{1 + i % 28:02d}T09:00
networks: [linkedin, x, instagram, mastodon]
topics: [produit]
link: https://www.example.org/p{i}
share:
  from: 2026-11-20
  until: 2026-12-20
  hashtags: [Maison, Hiver]
  messages:
    linkedin:
      - Une suggestion LinkedIn de longueur ordinaire pour la publication {i}, avec du contexte.
      - "Une autre : [[votre angle]]"
    x: Une suggestion pour X, publication {i}.
    instagram: Une légende Instagram pour la publication {i}.
    mastodon: Un pouet pour la publication {i}.
""")
    for j in range(ambassadors):
        files[f"ambassadors/amb-{j:03d}.yml"] = (
            f"name: Ambassadeur {j}\nnetworks:\n  {networks[j % 4]}: {{}}\n  {networks[(j + 1) % 4]}: {{}}\n"
            f"topics: [produit]\nemail: a{j}@private.example\n")
    return make_repo(files, config=KIT_CONFIG)


def test_personal_pages_stay_small_as_kits_and_ambassadors_grow(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    """Issue 7: the full cards are rendered once (kits/); a personal page only lists its kits."""
    site = planned(scale_repo(make_repo, ambassadors=40, kits=30))
    personal = [len(v.encode()) for k, v in site.pages.items() if k.startswith("ambassadors/amb-")]
    kits_page = len(site.pages["kits/index.md"].encode())
    assert len(personal) == 40
    # Measured: about 4 KB of fixed parts and 0.4 KB per kit, against about 9 KB per kit on kits/.
    assert max(personal) < 4_500 + 30 * 450
    assert max(personal) * 10 < kits_page
    assert len(site.files["kits.json"]) < 30 * 6_000


DIGEST_SCRIPT = """
import hashlib, sys
from datetime import datetime
from zoneinfo import ZoneInfo
from generator.load import load
from generator.plan import plan
site = plan(load(sys.argv[1]).project, datetime(2026, 12, 1, 8, tzinfo=ZoneInfo("Europe/Paris")))
h = hashlib.sha256()
for path, text in sorted(site.pages.items()):
    if path.startswith(("kits/", "ambassadors/")):
        h.update(path.encode() + text.encode())
h.update(site.files["kits.json"])
print(h.hexdigest())
"""


def test_the_same_project_and_now_give_the_same_bytes_whatever_the_hash_seed() -> None:
    """Two processes with different string hashing plan the demo's ambassador section byte for byte alike."""
    root = str(Path(__file__).resolve().parents[2])
    runs = [subprocess.Popen([sys.executable, "-c", DIGEST_SCRIPT, root], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}) for seed in ("1", "2")]
    digests = {run.communicate(timeout=60)[0] for run in runs}
    assert all(run.returncode == 0 for run in runs)
    assert len(digests) == 1 and len(next(iter(digests)).strip()) == 64


def test_a_kit_without_link_has_no_linkedin_share_button(make_repo: Callable[..., Path]) -> None:
    files = kit_files()
    files["content/posts/sans-lien.md"] = post_file("""
title: Sans lien
date: 2026-11-30T09:00
networks: [linkedin]
share:
  messages:
    linkedin: Un texte sans lien.
""")
    site = planned(make_repo(files, config=KIT_CONFIG))
    page = site.pages["kits/index.md"]
    card = page[page.index('id="kit-sans-lien-linkedin"'):].split("</section>")[0]
    assert 'data-share="none"' in card and "relais-card__share" not in card
    assert "LinkedIn n’a pas de lien de partage : copiez le texte et téléchargez le visuel." in card
    data = json.loads(site.files["kits.json"])
    [kit] = [k for k in data["kits"] if k["slug"] == "sans-lien"]
    assert kit["cards"][0]["share"] == "none" and kit["cards"][0]["variants"][0]["share_url"] is None
