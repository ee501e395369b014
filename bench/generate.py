"""Synthetic content for the benchmark: a Relais repository and the same posts as a Material blog.

Deterministic: the same arguments (and seed) give byte-identical files. The Relais
repository has N posts (networks, statuses, share blocks with variants, campaigns, key
dates, images), A ambassadors and F cached watch feeds of E entries; the blog project
holds the same N posts for mkdocs-material's `blog` plugin (docs/blog/posts/, `date:`
and `categories:` in the front matter). Content is clean: `relais check` finds no error,
so that both tools build every post.

    python bench/generate.py OUT [--posts 2000] [--ambassadors 200] [--feeds 20x100]
"""

from __future__ import annotations

import argparse
import random
import struct
import sys
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

NOW = datetime(2026, 12, 1, 8, 0)  # the --now every benchmark run uses (local time, Europe/Paris)
NOW_OPTION = NOW.strftime("%Y-%m-%dT%H:%M")
SEED = 20261201
NETWORKS = ("linkedin", "x", "instagram", "facebook", "mastodon", "bluesky")
TOPICS = (
    "produit",
    "rse",
    "recrutement",
    "apprentissage",
    "evenement",
    "partenaires",
    "saisonnier",
    "e-commerce",
    "savoir-faire",
    "boutiques",
    "anti-gaspi",
    "patisserie",
)
THEMES = {
    "e-reputation": "E-réputation",
    "concurrence": "Concurrence",
    "secteur": "Secteur",
    "innovation": "Innovation",
}
FORMATS = ("text", "image", "video", "carousel", "story", "reel", "article", "live", "event")
IMAGES = 8  # a few shared visuals: posts reference them by path, as teams reuse visuals
POSTS_PER_DAY = 2  # 09:00 (with LinkedIn) and 17:00 (without): the scheduling rules stay quiet
SHARE_SHARE = 0.35  # share of posts offering an ambassador kit
FIRST = (
    "Claire",
    "Inès",
    "Karim",
    "Lucas",
    "Sophie",
    "Thomas",
    "Léa",
    "Yanis",
    "Chloé",
    "Mathis",
    "Aïcha",
    "Hugo",
    "Nolan",
    "Camille",
    "Julien",
    "Manon",
    "Antoine",
    "Sarah",
    "Nicolas",
    "Emma",
    "Louis",
    "Zoé",
)
LAST = (
    "Martin",
    "Moreau",
    "Benali",
    "Bernard",
    "Leroy",
    "Nguyen",
    "Dubois",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Girard",
    "Bonnet",
    "Mercier",
    "Faure",
    "Blanc",
    "Garnier",
    "Chevalier",
    "Robin",
    "Masson",
    "Perrin",
)
TEAMS = (
    "Marketing",
    "Fournil",
    "Boutiques",
    "Ressources humaines",
    "Logistique",
    "Direction",
    "E-commerce",
)
SUBJECTS = (
    "pain au levain",
    "croissant",
    "galette",
    "brioche",
    "fournil",
    "boutique",
    "apprentis",
    "farine",
    "bûche",
    "tarte aux fraises",
    "baguette",
    "viennoiseries",
    "meuniers",
    "livraison à vélo",
    "abonnement",
    "ateliers",
    "recettes",
    "emballages",
    "équipes",
    "portes ouvertes",
)
ACTIONS = (
    "Lancement",
    "Retour sur",
    "Les coulisses",
    "Portrait",
    "Nouveauté",
    "Rendez-vous",
    "Bilan",
    "Atelier",
    "Focus",
    "Semaine",
    "Découvrez",
    "Merci pour",
)
WORDS = (
    "nous",
    "avons",
    "préparé",
    "chaque",
    "matin",
    "le",
    "la",
    "les",
    "des",
    "pain",
    "levain",
    "farine",
    "fournil",
    "équipe",
    "boutique",
    "clients",
    "saison",
    "recette",
    "goût",
    "temps",
    "fermentation",
    "longue",
    "locale",
    "meunier",
    "apprentis",
    "savoir-faire",
    "Lyon",
    "quartier",
    "partage",
    "nouvelle",
    "gamme",
    "fraîche",
    "croustillante",
    "dorée",
    "beurre",
    "blé",
    "ancien",
    "moulin",
    "four",
    "bois",
)


# English posts (lang: en) are written in English, so that the spelling check reads them
# with the English dictionaries, as it would a real team's posts.
EN_WORDS = (
    "we",
    "bake",
    "every",
    "morning",
    "the",
    "our",
    "bread",
    "sourdough",
    "flour",
    "team",
    "shop",
    "customers",
    "season",
    "recipe",
    "taste",
    "slow",
    "local",
    "miller",
    "apprentices",
    "Lyon",
    "neighbourhood",
    "new",
    "fresh",
    "crusty",
    "golden",
    "butter",
    "wheat",
    "oven",
)
EN_ACTIONS = ("Launch", "Behind the scenes", "Portrait", "What's new", "Meet us", "Thank you")
# French typography: a no-break space before ':' (what `relais check --fix` writes).
COLON = "\u00a0:"


@dataclass(frozen=True)
class Sizes:
    posts: int = 2000
    ambassadors: int = 200
    feeds: int = 20
    entries: int = 100


def _text(rng: random.Random, words: int, vocabulary: tuple[str, ...] = WORDS) -> str:
    chosen: list[str] = []
    for _ in range(words):
        word = rng.choice(vocabulary)
        while chosen and word == chosen[-1]:  # no "le le": the text reads clean
            word = rng.choice(vocabulary)
        chosen.append(word)
    out = " ".join(chosen)
    return out[:1].upper() + out[1:] + "."


def _paragraphs(rng: random.Random, count: int, vocabulary: tuple[str, ...] = WORDS) -> list[str]:
    return [
        " ".join(_text(rng, rng.randint(8, 18), vocabulary) for _ in range(rng.randint(2, 4)))
        for _ in range(count)
    ]


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real (small) PNG: a horizontal gradient from `rgb` to white."""
    rows = b""
    for _ in range(height):
        row = bytearray([0])  # filter: none
        for x in range(width):
            k = x / max(1, width - 1)
            row += bytes(int(c + (255 - c) * k) for c in rgb)
        rows += bytes(row)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Timeline:
    """Where the N posts fall: two per day, about 85 % of them before `now`."""

    first_day: date
    days: int

    @staticmethod
    def of(posts: int) -> Timeline:
        days = max(1, -(-posts // POSTS_PER_DAY))
        return Timeline(NOW.date() - timedelta(days=int(days * 0.85)), days)

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=self.days)


def site_config(sizes: Sizes) -> dict[str, Any]:
    feeds = [
        {
            "id": f"veille-{i + 1:03d}",
            "url": f"https://feeds.example.org/veille-{i + 1:03d}.xml",
            "theme": list(THEMES)[i % len(THEMES)],
            "name": f"Source {i + 1}",
        }
        for i in range(sizes.feeds)
    ]
    return {
        "site": {
            "name": "Maison Exemple — banc d'essai",
            "url": "https://portal.example.org/",
            "repo_url": "https://github.com/maison-exemple/editorial",
            "language": "fr",
            "timezone": "Europe/Paris",
        },
        "networks": {
            n: ({"instance": "https://mastodon.social"} if n == "mastodon" else {})
            for n in NETWORKS
        },
        "rules": {
            "min_gap_hours": {"linkedin": 20, "x": 3},
            "max_silence_days": {"linkedin": 7},
            "blocked_words": ["gratuit à vie", "meilleur du monde"],
        },
        "ambassadors": {"disclosure": {"default": "#Collaborateur"}},
        "tracking": {
            "utm_source": "{network}",
            "utm_medium": "ambassador",
            "utm_campaign": "{campaign}",
            "utm_content": "{ambassador}",
        },
        "watch": {
            "themes": dict(THEMES),
            "feeds": feeds,
            "keywords": ["Maison Exemple", "levain"],
            "max_entries_per_feed": max(1, sizes.entries),
        },
    }


def campaigns(timeline: Timeline) -> list[dict[str, Any]]:
    """One campaign of about a month every 40 days of the timeline."""
    out = []
    for i, start in enumerate(range(0, timeline.days, 40)):
        day = timeline.first_day + timedelta(days=start)
        out.append(
            {
                "id": f"campagne-{i + 1:03d}",
                "title": f"Campagne {i + 1}{COLON} {SUBJECTS[i % len(SUBJECTS)]}",
                "start": day.isoformat(),
                "end": (day + timedelta(days=30)).isoformat(),
                "color": f"#{(i * 2654435761) & 0xFFFFFF:06x}",
                "goal": f"Faire connaître {SUBJECTS[i % len(SUBJECTS)]}",
            }
        )
    return out


def key_dates(timeline: Timeline) -> list[dict[str, Any]]:
    """Yearly feasts, a rule-based day, and one trade show per year of the timeline."""
    out: list[dict[str, Any]] = [
        {
            "id": "journee-mondiale-du-pain",
            "title": "Journée mondiale du pain",
            "rrule": "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=16",
            "category": "journée thématique",
        },
    ]
    feasts = (
        ("fete-des-lumieres", "Fête des Lumières", "12-08"),
        ("noel", "Noël", "12-25"),
        ("epiphanie", "Épiphanie", "01-06"),
        ("chandeleur", "Chandeleur", "02-02"),
        ("saint-valentin", "Saint-Valentin", "02-14"),
        ("fete-du-pain", "Fête du pain", "05-15"),
        ("fete-des-meres", "Fête des mères", "05-30"),
        ("rentree", "Rentrée", "09-01"),
    )
    year0 = timeline.first_day.year
    for key, title, md in feasts:
        out.append(
            {"id": key, "title": title, "date": f"{year0}-{md}", "yearly": True, "category": "fête"}
        )
    for year in range(year0, timeline.last_day.year + 1):
        out.append(
            {
                "id": f"salon-sirha-{year}",
                "title": f"Salon Sirha {year}",
                "start": f"{year}-01-21",
                "end": f"{year}-01-25",
                "category": "salon",
            }
        )
        out.append(
            {
                "id": f"soldes-ete-{year}",
                "title": f"Soldes d'été {year}",
                "start": f"{year}-06-24",
                "end": f"{year}-07-21",
                "category": "commerce",
            }
        )
    return out


SLOTS = [
    {"network": "linkedin", "days": ["tue", "thu"], "time": "09:00"},
    {"network": "instagram", "days": ["wed", "sat"], "time": "12:30"},
    {"network": "x", "days": ["mon", "tue", "wed", "thu", "fri"], "time": "11:00"},
    {"network": "facebook", "days": ["fri"], "time": "18:00"},
]


def ambassador_ids(count: int) -> list[str]:
    return [f"ambassadeur-{i + 1:04d}" for i in range(count)]


def _handle(network: str, first: str, last: str, number: int) -> str:
    """An account name that the network's own rule accepts (see generator/networks.py)."""
    plain = unicodedata.normalize("NFKD", f"{first} {last}").encode("ascii", "ignore").decode()
    given, family = plain.lower().split(" ", 1)
    if network == "x":
        return f"@{given[:9]}_{number}"
    if network == "bluesky":
        return f"{given}-{family}-{number}.bsky.social"
    if network == "mastodon":
        return f"@{given}_{family}_{number}@mastodon.social"
    if network == "linkedin":
        return f"{given}-{family}-{number}"
    return f"{given}.{family}.{number}"


def ambassador(rng: random.Random, index: int) -> dict[str, Any]:
    first, last = FIRST[index % len(FIRST)], LAST[(index // len(FIRST)) % len(LAST)]
    handle = f"{first}-{last}-{index + 1}".lower()
    networks = rng.sample(NETWORKS, rng.randint(1, 4))
    return {
        "name": f"{first} {last}",
        "team": TEAMS[index % len(TEAMS)],
        "networks": {
            n: (
                {"handle": _handle(n, first, last, index + 1)}
                if n == "mastodon"
                else {
                    "handle": _handle(n, first, last, index + 1),
                    **({"specialist": True} if rng.random() < 0.2 else {}),
                }
            )
            for n in networks
        },
        "topics": rng.sample(TOPICS, rng.randint(2, 4)),
        "languages": ["fr", "en"] if rng.random() < 0.3 else ["fr"],
        "email": f"{handle}@maison-exemple.fr",
        "public": rng.random() < 0.9,
    }


@dataclass(frozen=True)
class SyntheticPost:
    """One post, written both as a Relais post and as a blog post."""

    slug: str
    front: dict[str, Any]
    body: str


def _status(rng: random.Random, when: datetime) -> str:
    if when < NOW:
        return rng.choices(("published", "cancelled"), (95, 5))[0]
    return rng.choices(("scheduled", "approved", "review", "draft", "idea"), (35, 20, 15, 20, 10))[
        0
    ]


def _message(
    rng: random.Random, network: str, title: str, vocabulary: tuple[str, ...] = WORDS
) -> str:
    colon = COLON if vocabulary is WORDS else ":"
    if network in ("x", "bluesky"):  # short networks: one sentence
        return f"{title}{colon} {_text(rng, rng.randint(6, 12), vocabulary)}"
    if network == "mastodon":  # 500 characters
        return f"{title}.\n\n{_text(rng, rng.randint(10, 30), vocabulary)}"
    return f"{title}.\n\n" + "\n\n".join(_paragraphs(rng, rng.randint(1, 2), vocabulary))


def _share(
    rng: random.Random, networks: list[str], title: str, vocabulary: tuple[str, ...] = WORDS
) -> dict[str, Any]:
    messages: dict[str, Any] = {}
    english = vocabulary is not WORDS
    for n in networks:
        short = n in ("x", "bluesky", "mastodon")
        first = _text(rng, rng.randint(6, 10) if short else rng.randint(12, 24), vocabulary)
        if not short and rng.random() < 0.5:  # variants, one with a prompt to fill
            lead = "What I take away:" if english else f"Ce que j'en retiens{COLON}"
            messages[n] = [first, f"{lead} [[votre angle]] {_text(rng, 6, vocabulary)}"]
        else:
            messages[n] = first
    return {
        "hashtags": ["MaisonExemple", rng.choice(("Lyon", "Boulangerie", "Levain", "Fournil"))],
        "messages": messages,
    }


def make_posts(sizes: Sizes, rng: random.Random) -> list[SyntheticPost]:
    timeline = Timeline.of(sizes.posts)
    camp = campaigns(timeline)
    keys = [k["id"] for k in key_dates(timeline)]
    owners = ambassador_ids(sizes.ambassadors)
    posts = []
    for i in range(sizes.posts):
        day = timeline.first_day + timedelta(days=i // POSTS_PER_DAY)
        morning = i % POSTS_PER_DAY == 0
        when = datetime.combine(day, datetime.min.time()).replace(hour=9 if morning else 17)
        others = [n for n in NETWORKS if n != "linkedin"]
        networks = (["linkedin"] if morning else []) + rng.sample(
            others, rng.randint(1, 3) if morning else rng.randint(1, 4)
        )
        english = rng.random() < 0.1
        vocabulary = EN_WORDS if english else WORDS
        if english:
            title = f"{rng.choice(EN_ACTIONS)}: {rng.choice(EN_WORDS)} no. {i + 1}"
        else:
            title = f"{rng.choice(ACTIONS)}{COLON} {rng.choice(SUBJECTS)} n° {i + 1}"
        status = _status(rng, when)
        front: dict[str, Any] = {"title": title}
        if status != "idea" or rng.random() < 0.5:  # half of the ideas have no date yet
            front["date"] = when.strftime("%Y-%m-%dT%H:%M")
        front.update(networks=networks, status=status, format=rng.choice(FORMATS))
        if status in ("draft", "review", "approved", "scheduled"):
            front["due"] = (day - timedelta(days=rng.randint(2, 10))).isoformat()
        if english:
            front["lang"] = "en"
        if when > NOW and rng.random() < 0.02:
            front["embargo"] = True
        if owners:
            front["owner"] = rng.choice(owners)
        running = [c for c in camp if c["start"] <= day.isoformat() <= c["end"]]
        if running and rng.random() < 0.5:
            front["campaign"] = running[0]["id"]
        if rng.random() < 0.1:
            front["key_date"] = rng.choice(keys)
        front["topics"] = rng.sample(TOPICS, rng.randint(1, 3))
        slug = f"post-{i + 1:05d}"
        front["link"] = f"https://www.maison-exemple.fr/actualites/{slug}"
        if rng.random() < 0.3:
            k = rng.randrange(IMAGES)
            front["image"] = f"media/visuel-{k + 1:02d}.png"
            front["image_alt"] = (
                f"Picture {k + 1}: {rng.choice(EN_WORDS)} on a wooden table"
                if english
                else f"Visuel {k + 1}{COLON} {rng.choice(SUBJECTS)} sur une table en bois"
            )
        front["messages"] = {n: _message(rng, n, title, vocabulary) for n in networks}
        if rng.random() < SHARE_SHARE:
            front["share"] = _share(rng, networks, title, vocabulary)
        paragraphs = _paragraphs(rng, rng.randint(2, 4), vocabulary)
        goal, audience, todo = (
            ("**Goal**:", "**Audience**:", "To do:")
            if english
            else (f"**Objectif**{COLON}", f"**Cible**{COLON}", f"À faire{COLON}")
        )
        body = (
            f"{goal} {paragraphs[0]}\n\n{audience} {_text(rng, 8, vocabulary)}\n\n"
            + "\n\n".join(paragraphs[1:])
            + f"\n\n{todo}\n\n"
            + "\n".join(f"- {_text(rng, 5, vocabulary)}" for _ in range(rng.randint(1, 3)))
            + "\n"
        )
        posts.append(SyntheticPost(slug, front, body))
    return posts


def write_relais(root: Path, sizes: Sizes, posts: list[SyntheticPost], rng: random.Random) -> None:
    """The Relais content repository (without the watch cache, see write_watch_cache)."""
    timeline = Timeline.of(sizes.posts)
    _write(root / "site_config.yml", _dump(site_config(sizes)))
    for post in posts:
        _write(
            root / "content" / "posts" / f"{post.slug}.md",
            f"---\n{_dump(post.front)}---\n{post.body}",
        )
    for k in range(IMAGES):
        _write(
            root / "content" / "media" / f"visuel-{k + 1:02d}.png",
            png(96, 64, ((37 * k) % 200, (91 * k) % 200, (53 * k + 80) % 200)),
        )
    pages = {
        "charte-editoriale": "Charte éditoriale",
        "charte-de-moderation": "Charte de modération",
        "guide-ambassadeur": "Guide de l'ambassadeur",
    }
    for slug, title in pages.items():
        _write(
            root / "content" / "pages" / f"{slug}.md",
            f"# {title}\n\n" + "\n\n".join(_paragraphs(rng, 5)) + "\n",
        )
    _write(root / "calendar" / "key-dates.yml", _dump(key_dates(timeline)))
    _write(root / "calendar" / "campaigns.yml", _dump(campaigns(timeline)))
    _write(root / "calendar" / "slots.yml", _dump(SLOTS))
    for i, amb_id in enumerate(ambassador_ids(sizes.ambassadors)):
        _write(root / "ambassadors" / f"{amb_id}.yml", _dump(ambassador(rng, i)))


def write_watch_cache(root: Path, sizes: Sizes, rng: random.Random) -> str:
    """F feeds × E entries, written through the watch package's own cache API; '' or why not."""
    if sizes.feeds == 0 or sizes.entries == 0:
        return ""
    try:
        from generator.load import load_site_config
        from generator.watch.cache import CacheState, write_cache
        from generator.watch.model import Entry, FeedState, Status
    except ImportError as exc:  # the watch package is not there (yet): the F part reads "n/a"
        return f"the watch cache API is missing ({exc})"
    config, diags = load_site_config(root)
    if config is None:
        return "site_config.yml did not load: " + "; ".join(d.message for d in diags)
    watch = config.watch
    now = NOW.replace(tzinfo=config.site.tz)
    states, entries = {}, {}
    shared_links = [
        f"https://news.example.org/article-partage-{k}" for k in range(max(1, sizes.entries // 10))
    ]
    for feed in watch.feeds:
        items = []
        for j in range(sizes.entries):
            published = now - timedelta(hours=rng.randint(1, 60 * 24))
            # About one entry in ten is the same article in several feeds (merged in the portal).
            link = (
                rng.choice(shared_links)
                if rng.random() < 0.1
                else f"https://news.example.org/{feed.id}/{j}"
            )
            title = f"{rng.choice(ACTIONS)} {rng.choice(SUBJECTS)} : {_text(rng, 6)}"
            summary = _text(rng, rng.randint(15, 40))
            items.append(
                Entry(
                    id=f"{feed.id}-{j:04d}",
                    feed=feed.id,
                    title=title,
                    link=link,
                    summary_html=f"<p>{summary}</p>",
                    summary_text=summary,
                    author="Rédaction",
                    published=published,
                    first_seen=published,
                )
            )
        items.sort(key=lambda e: e.published, reverse=True)
        entries[feed.id] = tuple(items)
        states[feed.id] = FeedState(
            feed=feed.id,
            url=feed.url,
            status=Status.OK,
            http_status=200,
            title=feed.name or feed.id,
            last_attempt=now,
            last_success=now,
            new_entries=0,
        )
    write_cache(root, watch, CacheState(states, entries))
    return ""


def write_blog(root: Path, posts: list[SyntheticPost]) -> None:
    """The same posts as a Material blog project, set up as its documentation recommends."""
    config = {
        "site_name": "Maison Exemple — blog",
        "site_url": "https://blog.example.org/",
        "theme": {
            "name": "material",
            "language": "fr",
            "font": False,
            "features": [
                "navigation.tabs",
                "navigation.top",
                "search.highlight",
                "content.code.copy",
            ],
        },
        "plugins": ["search", "blog"],
        # The same Markdown extensions as the Relais portal, so that both do the same work per page.
        "markdown_extensions": [
            "attr_list",
            "md_in_html",
            "admonition",
            "tables",
            "def_list",
            "footnotes",
            {"toc": {"permalink": False}},
        ],
        "nav": [{"Accueil": "index.md"}, {"Blog": ["blog/index.md"]}],
    }
    _write(root / "mkdocs.yml", _dump(config))
    _write(root / "docs" / "index.md", "# Maison Exemple\n\nLe blog de l'équipe.\n")
    _write(root / "docs" / "blog" / "index.md", "# Blog\n")
    for post in posts:
        f = post.front
        when = f.get("date") or NOW.strftime("%Y-%m-%dT%H:%M")
        categories = list(f["topics"])
        front = {
            "date": datetime.fromisoformat(when),  # a YAML date-time: the plugin refuses text
            "categories": categories,
            "title": f["title"],
        }
        messages = "\n\n".join(f"### {n}\n\n{text}" for n, text in f["messages"].items())
        first, _, rest = post.body.partition("\n\n")
        text = (
            f"---\n{_dump(front)}---\n\n# {f['title']}\n\n{first}\n\n<!-- more -->\n\n{rest}\n"
            f"## Messages\n\n{messages}\n"
        )
        _write(root / "docs" / "blog" / "posts" / f"{post.slug}.md", text)


def generate(out: Path, sizes: Sizes = Sizes(), seed: int = SEED) -> tuple[Path, Path, str]:
    """Write `out/relais` and `out/blog`; returns both paths and why the watch cache is missing ('')."""
    out = Path(out)
    rng = random.Random(seed)
    posts = make_posts(sizes, rng)
    relais, blog = out / "relais", out / "blog"
    write_relais(relais, sizes, posts, rng)
    problem = write_watch_cache(relais, sizes, random.Random(seed + 1))
    write_blog(blog, posts)
    return relais, blog, problem


def parse_feeds(text: str) -> tuple[int, int]:
    """'20x100' (or '20×100') -> (20, 100)."""
    feeds, _, entries = text.replace("×", "x").partition("x")
    return int(feeds), int(entries or 100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--posts", type=int, default=Sizes.posts)
    parser.add_argument("--ambassadors", type=int, default=Sizes.ambassadors)
    parser.add_argument(
        "--feeds", default=f"{Sizes.feeds}x{Sizes.entries}", help="FEEDSxENTRIES, e.g. 20x100"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    feeds, entries = parse_feeds(args.feeds)
    relais, blog, problem = generate(
        args.out, Sizes(args.posts, args.ambassadors, feeds, entries), args.seed
    )
    print(f"Relais repository: {relais}\nBlog project: {blog}")
    if problem:
        print(f"watch cache: n/a: {problem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
