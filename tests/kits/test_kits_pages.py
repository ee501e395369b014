"""The planned ambassador section: which pages, what they hold, escaping, size and reproducibility."""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pathspec

from generator.plan import plan
from generator.site import Site
from tests.kits.conftest import AMBASSADORS, KIT_CONFIG, NOW, kit_files, load_project, post_file

KIT_PAGES = ("ambassadors/index.md", "kits/index.md", "kits/archive.md", "kits/archive/2026-11.md")


def planned(root: Path) -> Site:
    return plan(load_project(root), NOW)


def test_the_section_pages_navigation_and_data(kit_repo: Path) -> None:
    site = planned(kit_repo)
    for path in KIT_PAGES + ("ambassadors/ana-lopez.md", "ambassadors/ben-marchand.md"):
        assert path in site.pages
    assert "ambassadors/cleo-hidden.md" not in site.pages  # public: false
    assert "kits.json" in site.files
    assert {
        "Ambassadeurs": [
            {"Annuaire": "ambassadors/index.md"},
            {"Kits de partage": "kits/index.md"},
            {"Le récapitulatif de la semaine": "kits/digest.md"},
            {"Kits archivés": "kits/archive.md"},
        ]
    } in site.nav


def test_the_kits_page_has_one_card_per_network_with_a_ready_share_link(kit_repo: Path) -> None:
    page = planned(kit_repo).pages["kits/index.md"]
    for anchor in (
        "kit-gamme-hiver-linkedin",
        "kit-gamme-hiver-x",
        "kit-gamme-hiver-instagram",
        "kit-gamme-hiver-mastodon",
        "kit-livraison-velo-x",
        "kit-livraison-velo-linkedin",
    ):
        assert f'id="{anchor}"' in page
    assert (
        'href="https://x.com/intent/post?text=La%20gamme%20d%27hiver%20est%20l%C3%A0%20%F0%9F%8E%89%0A%0A'
        "%23MaisonExemple%20%23Hiver%20%23Collab&amp;url=https%3A%2F%2Fwww.example.org%2Fhiver%3Futm_source"
        '%3Dx%26utm_medium%3Dambassador%26utm_campaign%3Dhiver-2026"' in page
    )
    assert 'src="../media/hiver.png" alt="Trois pains sur une table"' in page
    assert "download>Télécharger le visuel</a>" in page
    for absent in ("Projet secret", "Texte secret", "secret-launch", "Ancien kit", "Texte annulé"):
        assert absent not in page


def test_the_archive_shows_closed_kits_as_text_only(kit_repo: Path) -> None:
    page = planned(kit_repo).pages["kits/archive/2026-11.md"]
    assert "Ancien kit" in page and "Un ancien texte." in page and "fermé le 15 nov. 2026" in page
    assert "relais-card__share" not in page and "<textarea" not in page and "<button" not in page


def test_a_personal_page_lists_its_kits_and_carries_no_private_field(kit_repo: Path) -> None:
    page = planned(kit_repo).pages["ambassadors/ana-lopez.md"]
    assert 'data-tag="ana-lopez"' in page and 'data-instance="piaille.fr"' in page
    assert 'data-src="../../kits.json"' in page
    items = [line for line in page.splitlines() if line.startswith('<li class="relais-mykit"')]
    # "Share now" order: none closes within 48 h, so the newest first (bike delivery opened on
    # the 30th, the winter range on the 26th), whatever the shared topics.
    assert [i.split('data-kit="')[1].split('"')[0] for i in items] == [
        "livraison-velo",
        "gamme-hiver",
    ]
    assert (
        'data-networks="mastodon linkedin x" data-variants="mastodon:0 linkedin:0 x:0"'
        in items[1]  # her specialist network first
    )
    assert "À partager jusqu’au 20 déc. 2026" in items[1] and "relais-mark--soon" not in items[1]
    for secret in (
        "ana.lopez@private.example",
        "ana-lopez-secret-handle",
        "ana_secret_x",
        "@ana@piaille.fr",
    ):
        assert secret not in page


def test_the_directory_shows_public_profiles_with_specialists(kit_repo: Path) -> None:
    page = planned(kit_repo).pages["ambassadors/index.md"]
    assert "Ana Lopez" in page and "Ben Marchand" in page and "Cléo" not in page
    assert page.count("relais-person__net--specialist") == 1
    assert "2 kits ouverts pour ses réseaux" in page
    for person in AMBASSADORS.values():
        email = person.split("email: ")[1].split("\n")[0]
        assert email not in page


def test_home_and_post_pages_point_to_the_kits(kit_repo: Path) -> None:
    site = planned(kit_repo)
    home = site.pages["index.md"]
    assert '<a class="relais-kit__title" href="kits/#kit-gamme-hiver">Gamme d&#39;hiver</a>' in home
    # "Share now" comes before the team's planning.
    assert home.index('id="relais-sharenow"') < home.index('id="relais-upcoming"')
    assert (
        "Kit ambassadeurs ouvert jusqu’au 20 déc. 2026. "
        '<a href="../../kits/#kit-gamme-hiver">Ouvrir le kit</a>'
    ) in site.pages["posts/gamme-hiver.md"]
    closed = 'Kit ambassadeurs fermé le 15 nov. 2026. <a href="../../kits/archive/2026-11/#kit-ancien-kit">'
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
        assert (
            "<script>alert" not in page
            and "<img src=x" not in page
            and "</textarea><img" not in page
        )
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
            f"topics: [produit]\nemail: a{j}@private.example\n"
        )
    return make_repo(files, config=KIT_CONFIG)


def test_personal_pages_stay_small_as_kits_and_ambassadors_grow(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    """Issue 7: the full cards are rendered once (kits/); a personal page only lists its kits."""
    site = planned(scale_repo(make_repo, ambassadors=40, kits=30))
    personal = [len(v.encode()) for k, v in site.pages.items() if k.startswith("ambassadors/amb-")]
    kits_page = len(site.pages["kits/index.md"].encode())
    assert len(personal) == 40
    # Measured: about 5.5 KB of fixed parts (the card templates, the links to the digest and
    # the feed, the profile) and 0.45 KB per kit (with its closing instant for "Share now"),
    # against about 9 KB per kit on kits/.
    assert max(personal) < 6_000 + 30 * 480
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
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", DIGEST_SCRIPT, root],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        for seed in ("1", "2")
    ]
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
    card = page[page.index('id="kit-sans-lien-linkedin"') :].split("</section>")[0]
    assert 'data-share="none"' in card and "relais-card__share" not in card
    assert "LinkedIn n’a pas de lien de partage : copiez le texte et téléchargez le visuel." in card
    data = json.loads(site.files["kits.json"])
    [kit] = [k for k in data["kits"] if k["slug"] == "sans-lien"]
    assert (
        kit["cards"][0]["share"] == "none" and kit["cards"][0]["variants"][0]["share_url"] is None
    )


# --- the archive, cut by the month a kit closed in ---------------------------------------------


def closed_kit(title: str, day: str, until: str, text: str) -> str:
    return post_file(f"""
title: {title}
date: {day}T09:00
networks: [linkedin]
status: published
link: https://www.example.org/{title.lower().replace(" ", "-")}
share:
  until: {until}
  messages:
    linkedin: {text}
""")


def months_repo(make_repo: Callable[..., Path], config: str = KIT_CONFIG) -> Path:
    """The kit repository with closed kits in three months: September (1), October (2), November (1)."""
    files = kit_files()
    files["content/posts/rentree.md"] = closed_kit(
        "Rentree", "2026-09-01", "2026-09-12", "Texte de la rentrée."
    )
    files["content/posts/semaine-du-gout.md"] = closed_kit(
        "Gout", "2026-10-05", "2026-10-11", "Texte du goût."
    )
    files["content/posts/halloween.md"] = closed_kit(
        "Halloween", "2026-10-20", "2026-10-31", "Texte d'Halloween."
    )
    return make_repo(files, config=config)


def kit_ids(page: str) -> list[str]:
    return re.findall(r'<article class="relais-kit relais-kit--closed" id="([^"]+)"', page)


def month_lines(page: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<li><a href="([^"]+)">([^<]+)</a> <span class="relais-count">([^<]+)</span></li>', page
    )


def test_the_archive_index_lists_each_month_with_its_count_and_no_kit(
    make_repo: Callable[..., Path],
) -> None:
    site = planned(months_repo(make_repo))
    index = site.pages["kits/archive.md"]
    assert month_lines(index) == [
        ("2026-11/", "Novembre 2026", "1 kit"),
        ("2026-10/", "Octobre 2026", "2 kits"),
        ("2026-09/", "Septembre 2026", "1 kit"),
    ]
    for text in (
        "Un ancien texte.",
        "Texte du goût.",
        "Texte d&#39;Halloween.",
        "Texte de la rentrée.",
        "<article",
    ):
        assert text not in index
    # The navigation still points at the index; the month pages stay out of it.
    [section] = [entry["Ambassadeurs"] for entry in site.nav if "Ambassadeurs" in entry]
    assert {"Kits archivés": "kits/archive.md"} in section
    assert "kits/archive/" not in json.dumps(site.nav)


def test_each_archive_month_holds_exactly_its_kits_most_recently_closed_first(
    make_repo: Callable[..., Path],
) -> None:
    site = planned(months_repo(make_repo))
    months = sorted(p for p in site.pages if p.startswith("kits/archive/"))
    assert months == [
        "kits/archive/2026-09.md",
        "kits/archive/2026-10.md",
        "kits/archive/2026-11.md",
    ]
    assert kit_ids(site.pages["kits/archive/2026-09.md"]) == ["kit-rentree"]
    assert kit_ids(site.pages["kits/archive/2026-10.md"]) == [
        "kit-halloween",
        "kit-semaine-du-gout",
    ]
    assert kit_ids(site.pages["kits/archive/2026-11.md"]) == ["kit-ancien-kit"]
    october = site.pages["kits/archive/2026-10.md"]
    assert "<h1>Kits fermés en octobre 2026</h1>" in october
    assert "Texte d&#39;Halloween." in october and "fermé le 31 oct. 2026" in october
    assert "Texte du goût." in october and "fermé le 11 oct. 2026" in october
    assert "Un ancien texte." not in october and "Texte de la rentrée." not in october
    assert '<a href="../../../posts/halloween/">Halloween</a>' in october


def test_archive_months_link_to_the_previous_and_next_month(make_repo: Callable[..., Path]) -> None:
    pages = planned(months_repo(make_repo)).pages

    def pager(path: str) -> list[tuple[str, str, str]]:
        nav = re.search(r'<nav class="relais-pager">(.*)</nav>', pages[path]).group(1)  # type: ignore[union-attr]
        return re.findall(r'<a href="([^"]+)"(?: rel="(\w+)")?>([^<]+)</a>', nav)

    index = ("../", "", "Kits archivés")
    assert pager("kits/archive/2026-10.md") == [
        ("../2026-09/", "prev", "← Septembre 2026"),
        index,
        ("../2026-11/", "next", "Novembre 2026 →"),
    ]
    assert pager("kits/archive/2026-09.md") == [index, ("../2026-10/", "next", "Octobre 2026 →")]
    assert pager("kits/archive/2026-11.md") == [("../2026-10/", "prev", "← Octobre 2026"), index]


def test_a_closed_post_links_to_its_kit_on_its_month_page(make_repo: Callable[..., Path]) -> None:
    site = planned(months_repo(make_repo))
    page = site.pages["posts/halloween.md"]
    assert "Kit ambassadeurs fermé le 31 oct. 2026." in page
    href = re.search(
        r'<p class="relais-kitnote">[^<]*<a href="([^"]+)">Ouvrir le kit</a>', page
    ).group(1)  # type: ignore[union-attr]
    assert href == "../../kits/archive/2026-10/#kit-halloween"
    # Followed from the post's URL, the link lands on the month page, on the kit's own anchor.
    target, _, anchor = posixpath.normpath(posixpath.join("posts/halloween/", href)).partition("#")
    assert target == "kits/archive/2026-10/" and anchor == "kit-halloween"
    assert f'id="{anchor}"' in site.pages["kits/archive/2026-10.md"]


def test_archive_months_are_outside_the_navigation_and_found_by_title_only(
    make_repo: Callable[..., Path],
) -> None:
    site = planned(months_repo(make_repo))
    # MkDocs reads not_in_nav as gitignore patterns matched against docs paths.
    spec = pathspec.gitignore.GitIgnoreSpec.from_lines(site.not_in_nav)
    for month in ("kits/archive/2026-09.md", "kits/archive/2026-10.md", "kits/archive/2026-11.md"):
        assert spec.match_file(month), month
        assert site.search[month] == [{"title": "Kits fermés en " + month_name(month), "text": ""}]
        assert "search:\n  exclude: true" in site.pages[month]
    assert not spec.match_file("kits/archive.md")
    assert site.search["kits/archive.md"] == [{"title": "Kits archivés", "text": ""}]


def month_name(path: str) -> str:
    return {"09": "septembre 2026", "10": "octobre 2026", "11": "novembre 2026"}[path[-5:-3]]


def test_the_archive_reads_in_english_too(make_repo: Callable[..., Path]) -> None:
    site = planned(months_repo(make_repo, KIT_CONFIG.replace("language: fr", "language: en")))
    assert month_lines(site.pages["kits/archive.md"])[1] == ("2026-10/", "October 2026", "2 kits")
    assert (
        "One page per month, by the date the kits closed, the most recent first."
        in site.pages["kits/archive.md"]
    )
    october = site.pages["kits/archive/2026-10.md"]
    assert "<h1>Kits closed in October 2026</h1>" in october
    assert '<a href="../">Archived kits</a>' in october
    assert "Ambassador kit closed on Oct 31, 2026." in site.pages["posts/halloween.md"]


def test_an_empty_archive_says_so(make_repo: Callable[..., Path]) -> None:
    files = {k: v for k, v in kit_files().items() if k != "content/posts/ancien-kit.md"}
    site = planned(make_repo(files, config=KIT_CONFIG))
    assert "Aucun kit archivé." in site.pages["kits/archive.md"]
    assert not [p for p in site.pages if p.startswith("kits/archive/")]


def test_archive_pages_stay_small_as_closed_kits_pile_up(make_repo: Callable[..., Path]) -> None:
    """Two years of closed kits, 5 a month: no page lists them all; each month holds its own."""
    files: dict[str, str | bytes] = {}
    for i in range(120):
        year, month = 2024 + i // 60, 1 + (i // 5) % 12
        files[f"content/posts/old-{i:03d}.md"] = closed_kit(
            f"Ancienne publication {i}",
            f"{year}-{month:02d}-{1 + i % 5:02d}",
            f"{year}-{month:02d}-{10 + i % 5}",
            f"Une suggestion LinkedIn de longueur ordinaire pour l'ancienne publication {i}, avec du contexte.",
        )
    site = planned(make_repo(files, config=KIT_CONFIG))
    months = {p: v for p, v in site.pages.items() if p.startswith("kits/archive/")}
    assert len(months) == 24
    assert all(len(kit_ids(v)) == 5 for v in months.values())
    sizes = [len(v.encode()) for v in months.values()]
    whole = sum(sizes)
    index = len(site.pages["kits/archive.md"].encode())
    # Measured: a month page is 0.35 KB of fixed parts and 0.72 KB per kit (4.1 KB here, against
    # 97 KB for the whole history on one page); the index 0.37 KB and 0.09 KB per month.
    assert max(sizes) < 600 + 5 * 900
    assert max(sizes) * 15 < whole
    assert index < 600 + 24 * 120
