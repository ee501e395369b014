"""The built demo: the ambassador pages and kits.json exist, and nothing private or embargoed leaks.

Expected values are read from the demo's content files, not from the code under test.
"""

from __future__ import annotations

import gzip
import html
import json
import posixpath
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build import build
from generator.check import check
from generator.load import load
from tests.conftest import DEMO_NOW, ROOT, copy_demo

NOW = datetime.fromisoformat(DEMO_NOW)


def front_matter(path: Path) -> tuple[dict[str, Any], str]:
    _, meta, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(meta), body


def demo_posts() -> dict[str, tuple[dict[str, Any], str]]:
    return {p.stem: front_matter(p) for p in sorted((ROOT / "content/posts").glob("*.md"))}


def demo_ambassadors() -> dict[str, dict[str, Any]]:
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "ambassadors").glob("*.yml"))
    }


def embargoed(meta: dict[str, Any]) -> bool:
    return bool(meta.get("embargo")) and datetime.fromisoformat(str(meta["date"])) > NOW


def demo_windows(now: datetime = NOW) -> dict[str, tuple[date, date]]:
    """The share window of every demo post that offers a kit at `now`, by slug."""
    found = {}
    for slug, (meta, _) in demo_posts().items():
        share = meta.get("share")
        hidden = bool(meta.get("embargo")) and datetime.fromisoformat(str(meta["date"])) > now
        if not share or meta.get("status") == "cancelled" or hidden:
            continue
        start = date.fromisoformat(str(share.get("from") or str(meta["date"])[:10]))
        until = (
            date.fromisoformat(str(share["until"]))
            if share.get("until")
            else start + timedelta(days=14)
        )
        found[slug] = (start, until)
    return found


def expected_active_kits() -> list[str]:
    today = NOW.date()
    return sorted(
        slug for slug, (start, until) in demo_windows().items() if start <= today <= until
    )


def expected_closed_kits(now: datetime) -> dict[str, set[str]]:
    """The demo's closed kits at `now`, by the month (YYYY-MM) they closed in."""
    months: dict[str, set[str]] = {}
    for slug, (_, until) in demo_windows(now).items():
        if until < now.date():
            months.setdefault(f"{until:%Y-%m}", set()).add(slug)
    return months


def site_texts(site: Path) -> dict[str, str]:
    """Every file of the built site as text a person or a program could read from it."""
    texts = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # images and fonts
        if path.suffix == ".json":
            text = json.dumps(json.loads(text), ensure_ascii=False)
        texts[path.relative_to(site).as_posix()] = " ".join(html.unescape(text).split())
    return texts


def find(texts: dict[str, str], needle: str) -> list[str]:
    needle = " ".join(needle.split())
    return [name for name, text in texts.items() if needle in text]


def test_the_section_pages_and_data_file_exist(built_demo: Path) -> None:
    assert (built_demo / "ambassadors/index.html").is_file()
    assert (built_demo / "kits/index.html").is_file()
    assert (built_demo / "kits/archive/index.html").is_file()
    assert (built_demo / "kits.json").is_file()
    public = sorted(slug for slug, a in demo_ambassadors().items() if a.get("public", True))
    pages = sorted(p.name for p in (built_demo / "ambassadors").iterdir() if p.is_dir())
    assert pages == public


def test_the_directory_lists_public_profiles_only(built_demo: Path) -> None:
    page = (built_demo / "ambassadors/index.html").read_text(encoding="utf-8")
    names = re.findall(r'<h2 class="relais-person__name"><a href="[^"]+">([^<]+)</a></h2>', page)
    people = demo_ambassadors()
    assert names == sorted(
        (a["name"] for a in people.values() if a.get("public", True)), key=str.casefold
    )
    assert "Ambassadeurs" in page and "Annuaire" in page  # the navigation entry


def test_kits_json_holds_the_active_kits_and_nothing_private(built_demo: Path) -> None:
    data = json.loads((built_demo / "kits.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["site"] == "https://portal.example.org/"
    assert sorted(k["slug"] for k in data["kits"]) == expected_active_kits()
    posts = demo_posts()
    for kit in data["kits"]:
        meta, _ = posts[kit["slug"]]
        assert kit["title"] == meta["title"]
        assert kit["kit"]["url"] == f"https://portal.example.org/kits/#kit-{kit['slug']}"
        for card in kit["cards"]:
            assert card["network"] in meta["share"]["messages"]
            assert "utm_content" not in card["link"]
            if not data["networks"][card["network"]]["links"]:
                # Instagram does not make a link in a caption clickable: no link in its texts.
                assert card["link"] == card["link_template"] == ""
                assert all("https://" not in v["composed"] for v in card["variants"])
                continue
            assert card["link_template"].endswith("utm_content={ambassador}")
            for variant in card["variants"]:
                assert variant["composed"].startswith(variant["text"].strip())
                assert variant["composed"].endswith("\n" + card["link"])
                # No ready link while a [[prompt]] is unfilled, nor where the link needs more than the
                # text (Instagram has none; Mastodon needs the ambassador's instance).
                no_link = (
                    variant["prompts"]
                    or data["networks"][card["network"]]["share"] == "none"
                    or card["network"] == "mastodon"
                )
                assert (variant["share_url"] is None) == bool(no_link)
    words = json.dumps(data)
    for banned in ('"email"', '"handle"', '"ambassador"', '"public"'):
        assert banned not in words


ARCHIVED_KIT = re.compile(
    r'<article class="relais-kit relais-kit--closed" id="kit-([^"]+)">.*?</article>', re.DOTALL
)


def test_the_archive_has_the_closed_kits_without_share_buttons(built_demo: Path) -> None:
    index = (built_demo / "kits/archive/index.html").read_text(encoding="utf-8")
    months = re.findall(
        r'<li><a href="([^"]+)">([^<]+)</a> <span class="relais-count">([^<]+)</span></li>', index
    )
    assert months == [("2026-11/", "Novembre 2026", "1 kit")]
    assert "Bienvenue à nos sept apprentis" not in index  # the index lists months, not kits
    page = (built_demo / "kits/archive/2026-11/index.html").read_text(encoding="utf-8")
    assert "<h1>Kits fermés en novembre 2026</h1>" in page
    assert "Bienvenue à nos sept apprentis de la promotion 2026" in page
    assert "relais-card__share" not in page and "relais-card__copy" not in page
    assert "Bienvenue à nos sept apprentis" not in (built_demo / "kits/index.html").read_text(
        encoding="utf-8"
    )


def test_a_closed_post_page_links_to_its_kit_on_the_built_month_page(built_demo: Path) -> None:
    [(month, slugs)] = expected_closed_kits(NOW).items()
    [slug] = slugs
    post = (built_demo / f"posts/{slug}/index.html").read_text(encoding="utf-8")
    href = re.search(
        r'<p class="relais-kitnote">Kit ambassadeurs fermé le [^<]*<a href="([^"]+)">', post
    ).group(1)  # type: ignore[union-attr]
    assert href == f"../../kits/archive/{month}/#kit-{slug}"
    # Followed from the post's URL, the link lands on the month page, on the kit's own anchor.
    target, _, anchor = posixpath.normpath(posixpath.join(f"posts/{slug}/", href)).partition("#")
    assert target == f"kits/archive/{month}/"
    page = (built_demo / target / "index.html").read_text(encoding="utf-8")
    assert f'<article class="relais-kit relais-kit--closed" id="{anchor}">' in page


LATER = datetime(2027, 12, 1, 8, 0)  # a year on: every kit of the demo has closed


@pytest.fixture(scope="module")
def built_demo_later(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_demo(tmp_path_factory.mktemp("later") / "demo")
    result = build(root, now_option=LATER.isoformat(timespec="minutes"))
    assert result.ok, result.failure + "\n" + "\n".join(map(str, result.diagnostics))
    return result.out


def test_a_month_page_holds_its_kits_only_and_weighs_a_fraction_of_the_whole_history(
    built_demo_later: Path,
) -> None:
    expected = expected_closed_kits(LATER)
    assert len(expected) >= 5 and sum(map(len, expected.values())) >= 15
    folder = built_demo_later / "kits/archive"
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == sorted(expected)
    index = (folder / "index.html").read_text(encoding="utf-8")
    counts = re.findall(
        r'<li><a href="(\d{4}-\d{2})/">[^<]+</a> <span class="relais-count">(\d+) kit', index
    )
    assert counts == [(m, str(len(expected[m]))) for m in sorted(expected, reverse=True)]
    sizes, kits = {}, {}
    for month, slugs in expected.items():
        page = (folder / month / "index.html").read_text(encoding="utf-8")
        found = ARCHIVED_KIT.findall(page)
        assert set(found) == slugs and len(found) == len(slugs), month
        sizes[month] = len(page.encode())
        kits[month] = sum(len(m.group(0).encode()) for m in ARCHIVED_KIT.finditer(page))
    # A month page is the same frame (theme, navigation, title, pager) with its own kits only;
    # one page listing every closed kit would be that frame with all of them. The frame grows
    # with every section of the navigation, so the kits' bytes are what is compared.
    frames = [sizes[m] - kits[m] for m in sizes]
    assert max(frames) - min(frames) < 1_500
    history = sum(kits.values())
    # the busiest month: under half the kits' text
    assert max(kits.values()) < 0.5 * history
    # a typical month page spares the reader at least two thirds of the history's kits
    typical = sorted(sizes, key=sizes.__getitem__)[len(sizes) // 2]
    assert kits[typical] < history / 3, (typical, kits[typical], history)
    # Search finds a month page by its title only.
    docs = json.loads((built_demo_later / "search/search_index.json").read_text(encoding="utf-8"))[
        "docs"
    ]
    [entry] = [d for d in docs if d["location"].partition("#")[0] == "kits/archive/2027-01/"]
    assert entry["title"] == "Kits fermés en janvier 2027" and entry["text"] == ""


def typed_by_editors(secrets: list[str]) -> set[str]:
    """Secrets an editor wrote by hand into the demo's content (e.g. an e-mail in a guide page)."""
    sources = " ".join(
        p.read_text(encoding="utf-8")
        for folder in ("content", "calendar")
        for p in (ROOT / folder).rglob("*")
        if p.suffix in (".md", ".yml")
    )
    return {s for s in secrets if s in sources}


def test_no_private_field_anywhere_in_the_site(built_demo: Path) -> None:
    texts = site_texts(built_demo)
    assert "search/search_index.json" in texts and "sitemap.xml" in texts and "kits.json" in texts
    secrets = []
    for slug, person in demo_ambassadors().items():
        secrets.append(person["email"])
        secrets += [
            n["handle"] for n in (person.get("networks") or {}).values() if n and n.get("handle")
        ]
        if not person.get("public", True):
            secrets += [person["name"], slug, person.get("team") or slug]
    assert len(secrets) > 20
    leaks = {s: find(texts, s) for s in secrets if find(texts, s)}
    # Relais never writes ambassador data it should not; what an editor typed into a page is
    # published as written, and `relais check` warns about it (private-email) before the merge.
    typed = typed_by_editors(secrets)
    assert set(leaks) <= typed, {s: f for s, f in leaks.items() if s not in typed}
    project = load(ROOT).project
    assert project is not None
    reported = [
        d.message
        for d in check(project, NOW.replace(tzinfo=project.tz))
        if d.code == "private-email"
    ]
    emails = {p["email"]: slug for slug, p in demo_ambassadors().items()}
    for secret in typed & set(emails):
        assert (
            f"the private e-mail of ambassador '{emails[secret]}' is written here and would be published"
            in reported
        )


def embargoed_texts() -> list[str]:
    """What an embargoed post must not show: title, messages, suggestions, link, image, brief."""
    needles = []
    for meta, body in (v for v in demo_posts().values() if embargoed(v[0])):
        needles += [meta["title"], meta.get("link"), meta.get("image"), meta.get("image_alt")]
        needles += list((meta.get("messages") or {}).values())
        for value in ((meta.get("share") or {}).get("messages") or {}).values():
            needles += value if isinstance(value, list) else [value]
        for line in body.splitlines():
            needles += [
                piece.strip() for piece in re.split(r"\*\*|__|`", line) if len(piece.strip()) >= 15
            ]
    return [n for n in needles if n]


def test_no_embargoed_text_anywhere_in_the_site(built_demo: Path) -> None:
    needles = embargoed_texts()
    assert len(needles) >= 10
    # A text that another, visible post also carries is public by that post (relais check warns
    # about a shared link: embargo-link-shared); it is not a leak of the embargoed one.
    visible = " ".join(
        " ".join(json.dumps(meta, ensure_ascii=False, default=str).split())
        + " "
        + " ".join(body.split())
        for meta, body in demo_posts().values()
        if not embargoed(meta)
    )
    texts = site_texts(built_demo)
    leaks = {
        n[:60]: find(texts, n)
        for n in needles
        if " ".join(n.split()) not in visible and find(texts, n)
    }
    assert leaks == {}
