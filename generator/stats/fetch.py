"""`relais stats fetch`: the public counts of Mastodon and Bluesky posts, from their public APIs.

Only for the posts whose `published:` map gives the address; never at build time. Every
request goes through the watch feeds' downloader (watch/fetch.py): the same deadlines, size
limits, redirect checks and address pinning (public addresses only, unless
`stats.allow_private_addresses`). What comes back is checked, cut down to the post's own
fields (never a reply, never another account) and written atomically to
stats/fetched/<network>-<id>.json, which `load` reads like any export; a failed request
leaves the last good file as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo

from .. import safefs
from ..model import Project
from ..watch.addresses import AddressPolicy, is_public
from ..watch.cache import write_atomic
from ..watch.fetch import FetchError, _ssl_context, download
from .published import post_key
from .read import _dict, bluesky_numbers, mastodon_numbers

FETCHED_DIR = "fetched"
BLUESKY_API = "https://public.api.bsky.app"
BATCH = 25  # app.bsky.feed.getPosts takes at most 25 addresses


@dataclass(frozen=True, slots=True)
class Request:
    """One API request and the posts it asks for: (slug, network, post id, published address)."""

    url: str
    posts: tuple[tuple[str, str, str, str], ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    slug: str
    network: str
    ok: bool
    message: str


def requests(project: Project, bluesky_api: str = BLUESKY_API) -> list[Request]:
    """The API requests for every Mastodon and Bluesky address of the `published:` maps."""
    out: list[Request] = []
    bluesky: list[tuple[str, str, str, str, str]] = []
    for post in project.posts:
        for network, url in sorted(post.published.items()):
            key = post_key(url, network)
            if network == "mastodon" and key.startswith("mastodon:"):
                parts = urlsplit(url)
                status_id = key.rsplit(":", 1)[-1]
                api = f"{parts.scheme}://{parts.netloc}/api/v1/statuses/{status_id}"
                out.append(Request(api, ((post.slug, network, status_id, url),)))
            elif network == "bluesky" and key.startswith("bluesky:"):
                actor = unquote(urlsplit(url).path).split("/")[2]
                rkey = key.split(":", 1)[1]
                uri = f"at://{actor}/app.bsky.feed.post/{rkey}"
                bluesky.append((post.slug, actor, rkey, uri, url))
    for i in range(0, len(bluesky), BATCH):
        batch = bluesky[i : i + BATCH]
        query = "&".join(f"uris={quote(b[3], safe='')}" for b in batch)
        out.append(
            Request(
                f"{bluesky_api.rstrip('/')}/xrpc/app.bsky.feed.getPosts?{query}",
                tuple((slug, "bluesky", rkey, url) for slug, _, rkey, _, url in batch),
            )
        )
    return out


def _trim_mastodon(status: dict[str, Any], published: str) -> dict[str, Any]:
    card = status.get("card") if isinstance(status.get("card"), dict) else None
    return {
        "id": status.get("id"),
        "url": published,  # the address the team gave: the post is found by it
        "uri": status.get("uri"),
        "created_at": status.get("created_at"),
        "content": status.get("content"),
        "replies_count": status.get("replies_count"),
        "reblogs_count": status.get("reblogs_count"),
        "favourites_count": status.get("favourites_count"),
        "card": {"url": card.get("url")} if card else None,
    }


def _trim_bluesky(post: dict[str, Any]) -> dict[str, Any]:
    record, author, embed = (
        _dict(post.get("record")),
        _dict(post.get("author")),
        _dict(post.get("embed")),
    )
    external = _dict(embed.get("external")) or None
    return {
        "posts": [
            {
                "uri": post.get("uri"),
                "author": {"did": author.get("did"), "handle": author.get("handle")},
                "record": {
                    "text": record.get("text"),
                    "createdAt": record.get("createdAt"),
                    "facets": record.get("facets") or [],
                },
                "embed": {"$type": embed.get("$type"), "external": {"uri": external.get("uri")}}
                if external
                else None,
                "likeCount": post.get("likeCount"),
                "repostCount": post.get("repostCount"),
                "replyCount": post.get("replyCount"),
                "quoteCount": post.get("quoteCount"),
                "indexedAt": post.get("indexedAt"),
            }
        ]
    }


def _dumps(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def _one(request: Request, folder: Path, limits: Any, policy: AddressPolicy) -> list[Outcome]:
    """Fetch one request and write its posts' files; every failure is an outcome."""
    zone = ZoneInfo("UTC")

    def failed(message: str) -> list[Outcome]:
        return [Outcome(slug, network, False, message) for slug, network, *_ in request.posts]

    try:
        got = download(
            request.url,
            limits,
            headers={"Accept": "application/json"},
            ssl_context=_ssl_context(),
            policy=policy,
        )
        data = json.loads(got.body.decode("utf-8"))
    except FetchError as exc:
        return failed(f"{exc.code}: {exc.message}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return failed("the answer is not JSON")
    outcomes = []
    if request.posts[0][1] == "mastodon":
        slug, network, status_id, published = request.posts[0]
        try:
            mastodon_numbers(data, "", zone)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            return failed(f"not a Mastodon status ({exc})")
        write_atomic(
            folder / f"mastodon-{_safe(status_id)}.json", _dumps(_trim_mastodon(data, published))
        )
        return [Outcome(slug, network, True, "ok")]
    posts = data.get("posts") if isinstance(data, dict) else None
    if not isinstance(posts, list):
        return failed("not an app.bsky.feed.getPosts answer")
    by_rkey = {str(p.get("uri", "")).rsplit("/", 1)[-1]: p for p in posts if isinstance(p, dict)}
    for slug, network, rkey, _ in request.posts:
        post = by_rkey.get(rkey)
        if post is None:
            outcomes.append(Outcome(slug, network, False, "the post was not found (deleted?)"))
            continue
        try:
            bluesky_numbers(post, "", zone)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            outcomes.append(Outcome(slug, network, False, f"not a Bluesky post ({exc})"))
            continue
        write_atomic(folder / f"bluesky-{_safe(rkey)}.json", _dumps(_trim_bluesky(post)))
        outcomes.append(Outcome(slug, network, True, "ok"))
    return outcomes


def _safe(name: str) -> str:
    """A file name part: the ids of Mastodon and Bluesky are digits and letters."""
    return "".join(c for c in name if c.isalnum() or c in "-_")[:80] or "post"


def fetch(
    root: Path | str,
    project: Project,
    *,
    policy: AddressPolicy | None = None,
    bluesky_api: str = BLUESKY_API,
) -> list[Outcome]:
    """Fetch every public count into stats/fetched/ (see the module's docstring)."""
    settings = project.config.stats
    folder = Path(root) / settings.folder / FETCHED_DIR
    todo = requests(project, bluesky_api)
    if not todo:
        return []
    # Never through a committed link (stats/fetched/ is in the repository): safefs.py. Each
    # file is then renamed into place (write_atomic), which replaces a link, never follows it.
    safefs.make_dirs(Path(root), folder)
    limits = settings.fetch_limits()
    with ThreadPoolExecutor(max_workers=max(1, min(settings.workers, len(todo)))) as pool:
        done: Iterable[list[Outcome]] = pool.map(
            lambda r: _one(r, folder, limits, policy or is_public), todo
        )
        return [o for batch in done for o in batch]
