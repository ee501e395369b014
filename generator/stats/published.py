"""Where a post was published: the hosts of each network and the identity of a post's address.

The same post has many addresses (x.com and twitter.com, `www.` or `m.`, a query of
tracking parameters, LinkedIn's activity URN in a feed URL or a share slug): `post_key`
reduces an address to what identifies the post on its network, so that an export's
permalink finds the post whose front matter says `published: {network: URL}`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

# The hosts of each network's posts; Mastodon posts live on any instance.
HOSTS: dict[str, tuple[str, ...]] = {
    "linkedin": ("linkedin.com", "lnkd.in"),
    "x": ("x.com", "twitter.com"),
    "facebook": ("facebook.com", "fb.com", "fb.watch"),
    "instagram": ("instagram.com", "instagr.am"),
    "threads": ("threads.net", "threads.com"),
    "bluesky": ("bsky.app",),
    "youtube": ("youtube.com", "youtu.be"),
    "tiktok": ("tiktok.com",),
    "pinterest": ("pinterest.com", "pinterest.fr", "pin.it"),
}
ANY_HOST = ("mastodon",)
NO_ADDRESS = ("whatsapp", "email")  # nothing public to link to

_MASTODON = re.compile(r"^/(?:@[^/]+|users/[^/]+/statuses|web/statuses|notice)/(\d+)/?$")
_URN = re.compile(r"urn:li:(?:activity|share|ugcPost):(\d+)")
_SLUG_ACTIVITY = re.compile(r"-(?:activity|share|ugcPost)-(\d+)")


def host_of(url: str) -> str:
    """The host of url, lowercase, without `www.`, `m.` or `mobile.`; '' when unreadable."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    for prefix in ("www.", "m.", "mobile.", "web."):
        host = host.removeprefix(prefix)
    return host


def on_network(network: str, url: str) -> bool:
    """Whether url is on one of the network's hosts (any host for Mastodon)."""
    host = host_of(url)
    if not host:
        return False
    if network in ANY_HOST:
        return True
    return any(host == h or host.endswith("." + h) for h in HOSTS.get(network, ()))


def network_of(url: str) -> str | None:
    """The network whose host url is on (None for another host: maybe a Mastodon instance)."""
    host = host_of(url)
    for network, hosts in HOSTS.items():
        if any(host == h or host.endswith("." + h) for h in hosts):
            return network
    return None


# The addresses that exports repeat by the thousand, recognised without splitting the URL.
_FAST = {
    "x": re.compile(r"https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/[\w]+/status/(\d+)[/?#]?"),
    "linkedin": re.compile(
        r"https?://(?:www\.)?linkedin\.com/feed/update/urn:li:(?:activity|share|ugcPost):(\d+)/?$"
    ),
    "facebook": re.compile(r"https?://(?:www\.|m\.)?facebook\.com/[\w.-]+/posts/([\w.-]+)/?$"),
    "instagram": re.compile(r"https?://(?:www\.)?instagram\.com/(?:p|reel|reels|tv)/([\w-]+)/?$"),
}


def post_key(url: str, network: str = "") -> str:
    """What identifies the post at url on its network ('' when url is not a post's address)."""
    fast = _FAST.get(network)
    if fast is not None and url:
        m = fast.match(url)
        if m:
            return f"{network}:{m.group(1)}"
    return _post_key(url, network)


@lru_cache(maxsize=4096)
def _post_key(url: str, network: str) -> str:
    text = (url or "").strip()
    if not text:
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() == "at":  # at://did:plc:…/app.bsky.feed.post/<rkey>
        rkey = parts.path.rstrip("/").rsplit("/", 1)[-1]
        return f"bluesky:{rkey}" if "app.bsky.feed.post" in parts.path and rkey else ""
    if parts.scheme.lower() not in ("http", "https"):
        return ""
    host = host_of(text)
    path = unquote(parts.path)
    kind = network or network_of(text) or ""
    if kind == "x" or host in HOSTS["x"]:
        m = re.search(r"/status(?:es)?/(\d+)", path)
        return f"x:{m.group(1)}" if m else ""
    if kind == "linkedin":
        m = _URN.search(path) or _SLUG_ACTIVITY.search(path)
        return f"linkedin:{m.group(1)}" if m else f"linkedin:{path.rstrip('/')}"
    if kind == "facebook":
        query = parse_qs(parts.query)
        for name in ("story_fbid", "fbid", "v"):
            if query.get(name):
                return f"facebook:{query[name][0]}"
        m = re.search(r"/(?:posts|videos|reel|photos|permalink)/(?:[^/]+/)*?([\w.-]+)/?$", path)
        return f"facebook:{m.group(1)}" if m else f"facebook:{path.rstrip('/')}"
    if kind == "instagram":
        m = re.search(r"/(?:p|reel|reels|tv)/([\w-]+)", path)
        return f"instagram:{m.group(1)}" if m else ""
    if kind == "bluesky":
        m = re.search(r"/profile/[^/]+/post/([\w.~-]+)", path)
        return f"bluesky:{m.group(1)}" if m else ""
    if kind == "threads":
        m = re.search(r"/post/([\w-]+)", path)
        return f"threads:{m.group(1)}" if m else ""
    m = _MASTODON.match(path)
    if m and (kind in ("", "mastodon")):
        return f"mastodon:{host}:{m.group(1)}"
    return f"{kind or host}:{path.rstrip('/')}" if path.strip("/") else ""


def address_problem(network: str, url: str, allow_http: bool = False) -> str | None:
    """Why url cannot be where the post was published on network, or None when it can
    (http only with `allow_http`: an intranet's instance, a test server)."""
    if network in NO_ADDRESS:
        return f"{network} has no public address for a post"
    text = url.strip()
    scheme = r"https?" if allow_http else "https"
    if not re.fullmatch(scheme + r"://[^\s<>\"']+", text):
        return f"'{text[:80]}' is not an https address"
    if not host_of(text) or "." not in host_of(text):
        return f"'{text[:80]}' has no host"
    if not on_network(network, text):
        hosts = ", ".join(HOSTS.get(network, ())) or "its own host"
        return f"'{text[:80]}' is not an address of {network} ({hosts})"
    if not post_key(text, network):
        return f"'{text[:80]}' is not the address of one post"
    if network == "mastodon" and not _MASTODON.match(unquote(urlsplit(text).path)):
        return f"'{text[:80]}' is not the address of a Mastodon post (https://instance/@name/123)"
    return None
