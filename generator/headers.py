"""The HTTP headers a host should send with the portal, and the `_headers` file Relais ships.

Relais puts its Content-Security-Policy in a <meta> of every page (so that the portal is safe
even on a host that sends no header), but a <meta> cannot say everything: `frame-ancestors`
(no other site frames the portal to trick a click), `nosniff` (a browser never reads a file
as another type than the host says) and a policy for files that are not pages (a visual of
content/media/ opened on its own) need real headers. docs/administrator/security.md shows
them for nginx, Apache and the static hosts that read a `_headers` file (Netlify, Cloudflare
Pages); `relais build` writes that file at the root of the site.
"""

from __future__ import annotations

# The portal's policy: no inline script, nothing from another host. Material's inline styles
# need 'unsafe-inline' for style-src; img-src allows data: for Material's icons.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'"
)
# Only in a header: a <meta> policy cannot say who may frame the page.
HEADER_CSP = CSP + "; frame-ancestors 'self'"

HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", HEADER_CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "SAMEORIGIN"),  # frame-ancestors for browsers that predate it
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
# The files of content/media/ opened on their own (an SVG, an image): a document that may
# show images, video and its own styles, and run nothing at all.
MEDIA_HEADERS: tuple[tuple[str, str], ...] = (
    (
        "Content-Security-Policy",
        (
            "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; "
            "frame-ancestors 'self'"
        ),
    ),
)
HEADERS_FILE = "_headers"


def headers_file() -> bytes:
    """The `_headers` file of Netlify and Cloudflare Pages: every path, then content/media/.

    Both hosts apply every rule that matches a path, so a visual gets both policies (a
    browser enforces both: the stricter wins)."""
    lines = ["# Written by relais build: see docs/administrator/security.md", "/*"]
    lines += [f"  {name}: {value}" for name, value in HEADERS]
    lines.append("/media/*")
    lines += [f"  {name}: {value}" for name, value in MEDIA_HEADERS]
    return ("\n".join(lines) + "\n").encode("utf-8")
