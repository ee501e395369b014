"""Write the demo's exports into stats/, in the networks' and tools' real formats, from the demo
posts that went out before the demo's "now" (2026-12-01T08:00); and their `published:` maps.

Run from the repository root: `.venv/bin/python scripts/make-demo-stats.py` (needs xlwt, in the
test extras). The numbers are made up but stable: each comes from a seeded generator keyed by
the post and network, so running the script again writes the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.kits.kit import ambassador_tag
from generator.load import load
from generator.model import Post, Status

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))
OUT = ROOT / "stats"
MONTH = OUT / "2026-11"
UTC = ZoneInfo("UTC")


def rng(*parts: str) -> random.Random:
    return random.Random(int(hashlib.sha256("/".join(parts).encode()).hexdigest()[:12], 16))


def digits(slug: str, n: int) -> str:
    return str(int(hashlib.sha256(slug.encode()).hexdigest(), 16))[:n]


def address(post: Post, network: str) -> str:
    d = digits(post.slug + network, 19)
    return {
        "linkedin": f"https://www.linkedin.com/feed/update/urn:li:activity:72{d[:17]}",
        "x": f"https://x.com/maisonexemple/status/18{d[:17]}",
        "facebook": f"https://www.facebook.com/maisonexemple/posts/pfbid0{d[:12]}",
        "instagram": f"https://www.instagram.com/p/D{hashlib.sha1(post.slug.encode()).hexdigest()[:10]}/",
        "mastodon": f"https://mastodon.social/@maisonexemple/11{d[:16]}",
        "bluesky": f"https://bsky.app/profile/maisonexemple.bsky.social/post/3l{hashlib.sha1(post.slug.encode()).hexdigest()[:11]}",
    }[network]


# The networks whose address the team pastes into `published:`; X's and Facebook's rows are
# matched by time and message, as a team that never pastes them would have them.
PASTED = ("linkedin", "instagram", "mastodon", "bluesky")
# How well each post did, so that the tops and bottoms say something.
STRENGTH = {
    "lancement-gamme-hiver": 1.6,
    "coulisses-croissant": 1.4,
    "invendus-anti-gaspi": 1.3,
    "bienvenue-apprentis-2026": 1.2,
    "livraison-velo-lyon": 1.0,
    "boutique-croix-rousse-renovee": 0.9,
    "farines-moulins-regionaux": 0.7,
    "portes-ouvertes-fournil-vaise": 0.35,
}
REACH = {
    "linkedin": 2400,
    "x": 1900,
    "facebook": 1500,
    "instagram": 3800,
    "mastodon": 0,
    "bluesky": 0,
}


def numbers(post: Post, network: str) -> dict[str, int]:
    r = rng(post.slug, network)
    strength = STRENGTH.get(post.slug, 1.0)
    impressions = int(REACH[network] * strength * r.uniform(0.8, 1.25))
    rate = 0.045 * strength * r.uniform(0.7, 1.3)
    engaged = (
        max(1, int(impressions * rate)) if impressions else int(40 * strength * r.uniform(0.6, 1.4))
    )
    return {
        "impressions": impressions,
        "reach": int(impressions * r.uniform(0.6, 0.8)),
        "reactions": int(engaged * 0.62),
        "comments": int(engaged * 0.1),
        "shares": int(engaged * 0.08),
        "clicks": int(engaged * 0.2),
    }


def sent(post: Post, network: str) -> datetime:
    """When the post really went out: the plan's time, a few minutes late."""
    assert post.date is not None
    return post.date + timedelta(minutes=rng(post.slug, network, "late").randint(0, 9))


def add_published(post: Post) -> None:
    """Add the `published:` map to the post's front matter, dumped from data."""
    path = ROOT / post.file
    text = path.read_text(encoding="utf-8")
    if "\npublished:" in text:
        return
    block = yaml.safe_dump(
        {"published": {n: address(post, n) for n in post.networks if n in PASTED}},
        allow_unicode=True,
        sort_keys=False,
        width=200,
    )
    head, sep, rest = text.partition("\n---\n")
    path.write_text(head + "\n" + block.rstrip("\n") + sep + rest, encoding="utf-8")


def linkedin(posts: list[Post]) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    metrics = book.add_sheet("Metrics")
    metrics.write(0, 0, "Aggregated metrics for all the Page's posts, by day.")
    for i, name in enumerate(["Date", "Impressions (organic)", "Clicks (organic)"]):
        metrics.write(1, i, name)
    sheet = book.add_sheet("All posts")
    sheet.write(0, 0, "Post analytics are available for posts created in the selected period.")
    header = [
        "Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date",
        "Campaign start date", "Campaign end date", "Audience", "Impressions", "Views",
        "Offsite Views", "Clicks", "Click through rate (CTR)", "Likes", "Comments", "Reposts",
        "Follows", "Engagement rate", "Content Type",
    ]  # fmt: skip
    for i, name in enumerate(header):
        sheet.write(1, i, name)
    row = 2
    for post in posts:
        if "linkedin" not in post.networks:
            continue
        n = numbers(post, "linkedin")
        engaged = n["reactions"] + n["comments"] + n["shares"] + n["clicks"]
        when = sent(post, "linkedin").astimezone(ZoneInfo("Europe/Paris"))
        values = [
            post.messages.get("linkedin", post.title)[:200], address(post, "linkedin"), "Organic",
            "", "", when.strftime("%m/%d/%Y"), "", "", "All followers", n["impressions"], "", "",
            n["clicks"], round(n["clicks"] / n["impressions"], 6), n["reactions"], n["comments"],
            n["shares"], "", round(engaged / n["impressions"], 6), post.format.capitalize(),
        ]  # fmt: skip
        for i, value in enumerate(values):
            sheet.write(row, i, value)
        row += 1
    # A post of the page that was never planned in Relais: listed as unmatched.
    extra = ["Nous recrutons : vendeur·se en boutique à Villeurbanne", "https://www.linkedin.com/feed/update/urn:li:activity:7266600000000000009", "Organic", "", "", "11/18/2026", "", "", "All followers", 980, "", "", 22, 0.022449, 17, 2, 1, "", 0.042857, "Text"]  # fmt: skip
    for i, value in enumerate(extra):
        sheet.write(row, i, value)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def x_posts(posts: list[Post]) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Post id", "Date", "Post text", "Post Link", "Impressions", "Likes", "Engagements", "Bookmarks", "Shares", "New follows", "Replies", "Reposts", "Profile visits", "Detail Expands", "URL Clicks", "Hashtag Clicks", "Permalink Clicks"])  # fmt: skip
    for post in posts:
        if "x" not in post.networks:
            continue
        n = numbers(post, "x")
        url = address(post, "x")
        day = sent(post, "x").astimezone(ZoneInfo("Europe/Paris"))
        engaged = n["reactions"] + n["comments"] + n["shares"] + n["clicks"]
        w.writerow([url.rsplit("/", 1)[-1], day.strftime("%a, %b %-d, %Y"), post.messages.get("x", post.title), url, f"{n['impressions']:,}", n["reactions"], engaged, 1, 0, 0, n["comments"], n["shares"], 3, 9, n["clicks"], 0, 2])  # fmt: skip
    return buf.getvalue().encode("utf-8")


def meta(posts: list[Post], network: str) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    if network == "facebook":
        w.writerow(["Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)", "Publish time", "Caption type", "Permalink", "Is crosspost", "Is share", "Post type", "Languages", "Custom labels", "Funded content status", "Data comment", "Date", "Date", "Views", "Reach", "Reactions, Comments and Shares", "Reactions", "Comments", "Shares", "Total clicks", "Link Clicks", "Other Clicks"])  # fmt: skip
    else:
        w.writerow(["Post ID", "Account ID", "Account username", "Account name", "Description", "Duration (sec)", "Publish time", "Permalink", "Post type", "Data comment", "Date", "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves"])  # fmt: skip
    for post in posts:
        if network not in post.networks:
            continue
        n = numbers(post, network)
        url = address(post, network)
        # Meta writes the time in the page's zone, without saying which.
        local = sent(post, network).astimezone(ZoneInfo("Europe/Paris")).strftime("%m/%d/%Y %H:%M")
        text = post.messages.get(network, post.title)
        both = n["reactions"] + n["comments"] + n["shares"]
        if network == "facebook":
            w.writerow([digits(post.slug, 16), "100045700821521", "Maison Exemple", "", text, 0, local, "N/A", url, 0, 0, "Photos", "", "", "", "", "Lifetime", "", n["impressions"], n["reach"], both, n["reactions"], n["comments"], n["shares"], n["clicks"] + 5, n["clicks"], 5])  # fmt: skip
        else:
            w.writerow([digits(post.slug, 17), "17841403398239763", "maisonexemple", "Maison Exemple", text, 0, local, url, "IG image", "", "Lifetime", n["impressions"], n["reach"], n["reactions"], n["shares"], 1, n["comments"], 4])  # fmt: skip
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def fetched(post: Post, network: str) -> tuple[str, bytes]:
    """The public counts as `relais stats fetch` writes them (the API's own JSON, trimmed)."""
    n = numbers(post, network)
    url = address(post, network)
    when = sent(post, network).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    text = post.messages.get(network, post.title)
    if network == "mastodon":
        doc: object = {
            "id": url.rsplit("/", 1)[-1],
            "url": url,
            "created_at": when,
            "content": "<p>" + text.replace("\n\n", "</p><p>") + "</p>",
            "replies_count": n["comments"],
            "reblogs_count": n["shares"],
            "favourites_count": n["reactions"],
            "card": {"url": post.link} if post.link else None,
        }
        return f"mastodon-{url.rsplit('/', 1)[-1]}.json", json.dumps(
            doc, ensure_ascii=False, indent=1
        ).encode()
    rkey = url.rsplit("/", 1)[-1]
    doc = {
        "posts": [
            {
                "uri": f"at://did:plc:maisonexemple/app.bsky.feed.post/{rkey}",
                "author": {"did": "did:plc:maisonexemple", "handle": "maisonexemple.bsky.social"},
                "record": {"text": text, "createdAt": when},
                "likeCount": n["reactions"],
                "repostCount": n["shares"],
                "replyCount": n["comments"],
                "quoteCount": 0,
                "indexedAt": when,
            }
        ]
    }
    return f"bluesky-{rkey}.json", json.dumps(doc, ensure_ascii=False, indent=1).encode()


def ga4(posts: list[Post], project: object) -> bytes:
    """Sessions that the tagged links brought, by source, campaign and ambassador."""
    ambassadors = list(project.ambassadors)  # type: ignore[attr-defined]
    lines = [
        "# ----------------------------------------",
        "# Traffic acquisition: Session manual ad content",
        "# Account: Maison Exemple",
        "# Property: maison-exemple.fr",
        "# ----------------------------------------",
        "#",
        "# All Users",
        "# Start date: 20261101",
        "# End date: 20261130",
    ]
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Session source", "Session campaign", "Session manual ad content", "Users", "Sessions", "Engaged sessions", "Engagement rate", "Event count"])  # fmt: skip
    total_users = total_sessions = 0
    for post in posts:
        campaign = post.campaign or post.slug
        for network in post.networks:
            r = rng(post.slug, network, "web")
            company = int(numbers(post, network)["clicks"] * r.uniform(0.6, 0.9))
            rows = [("(not set)", company)]
            if post.share is not None:
                for amb in ambassadors:
                    if network in amb.networks:
                        rows.append((ambassador_tag(amb.id), r.randint(2, 18)))
            for content, sessions in rows:
                if not sessions:
                    continue
                users = max(1, int(sessions * 0.88))
                total_users += users
                total_sessions += sessions
                w.writerow([network, campaign, content, users, sessions, int(sessions * 0.6), 0.6, sessions * 4])  # fmt: skip
    w.writerow(["google", "(organic)", "(not set)", 2030, 2411, 1602, 0.66, 11020])
    w.writerow(["Grand total", "", "", total_users + 2030, total_sessions + 2411, "", "", ""])
    return ("\n".join(lines) + "\n" + buf.getvalue()).encode("utf-8")


def main() -> None:
    project = load(ROOT).project
    assert project is not None
    posts = sorted(
        (p for p in project.posts if p.status is Status.published and p.date and p.date <= NOW),
        key=lambda p: (p.date, p.slug),  # type: ignore[arg-type, return-value]
    )
    for post in posts:
        add_published(post)
    MONTH.mkdir(parents=True, exist_ok=True)
    (MONTH / "linkedin-content-export.xls").write_bytes(linkedin(posts))
    (MONTH / "x-account-analytics-content.csv").write_bytes(x_posts(posts))
    (MONTH / "meta-facebook-posts.csv").write_bytes(meta(posts, "facebook"))
    (MONTH / "meta-instagram-posts.csv").write_bytes(meta(posts, "instagram"))
    (MONTH / "ga4-traffic-acquisition.csv").write_bytes(ga4(posts, project))
    (OUT / "fetched").mkdir(parents=True, exist_ok=True)
    for post in posts:
        for network in ("mastodon", "bluesky"):
            if network in post.networks:
                name, data = fetched(post, network)
                (OUT / "fetched" / name).write_bytes(data)
    print(f"wrote the exports of {len(posts)} posts into {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
