"""A post's brief converted to HTML while planning, as MkDocs would convert it on the post's page.

MkDocs runs Python-Markdown on every page. Relais pages are raw HTML but for the brief, so
converting the brief here (with the portal's extensions) lets the whole post page skip
Python-Markdown during `mkdocs build`, and lets the conversion of thousands of briefs run
in a second process while the first one loads and checks (convert_files, build.py). The result is the HTML MkDocs would give:
what MkDocs adds to a conversion only concerns links to other files of the site (it
rewrites `../pages/x.md` into the page's URL and checks that it exists), so a brief holding
such a link, or an image, is left to MkDocs (`convert` returns None).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

from .render import safe_markdown

LINK_ATTRIBUTES = {"a": "href", "img": "src"}  # what MkDocs rewrites (mkdocs.structure.pages)


def _left_alone_by_mkdocs(url: str) -> bool:
    """True for a URL that MkDocs leaves as written: another site's, or an anchor of the page."""
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc) or (not parts.path and url != "")


class _SiteLinks(Treeprocessor):
    """Notes whether the converted brief links to a file of the site (MkDocs must convert it)."""

    found = False

    def run(self, root: Element) -> None:
        self.found = any(
            not _left_alone_by_mkdocs(element.get(attribute) or "")
            for element in root.iter()
            if (attribute := LINK_ATTRIBUTES.get(str(element.tag))) is not None
        )


def portal_extensions(site_url: str) -> tuple[list[Any], dict[str, Any]]:
    """The portal's Markdown extensions and their settings, as MkDocs passes them on."""
    from .publish import mkdocs_config
    from .site import Site

    site = Site(pages={}, files={}, copies={}, nav=[], language="en", name="", url=site_url)
    names: list[Any] = []
    configs: dict[str, Any] = {}
    for extension in mkdocs_config(site, Path("docs"), Path("site"))["markdown_extensions"]:
        name = extension if isinstance(extension, str) else next(iter(extension))
        names.append(name)
        if isinstance(extension, dict):
            configs[name] = extension[name]
    return names, configs


@lru_cache(maxsize=4)
def _converter(site_url: str) -> tuple[Markdown, _SiteLinks]:
    names, configs = portal_extensions(site_url)
    md = Markdown(extensions=names, extension_configs=configs)
    links = _SiteLinks(md)
    md.treeprocessors.register(links, "relais_site_links", 0)  # last: after every rewrite
    return md, links


def convert(markdown_text: str, site_url: str) -> str | None:
    """The HTML of Markdown written by the team (made safe first), or None when it links to
    a file of the site and must be converted by MkDocs on its page."""
    md, links = _converter(site_url)
    html = md.reset().convert(safe_markdown(markdown_text))
    return None if links.found else html


def heading(language: str) -> str:
    """The Markdown heading a post page puts above its brief."""
    from .i18n import Translator

    return f"## {Translator(language)('brief')}\n\n"


Converted = tuple[str, str, str, "str | None", "dict[str, str] | None"]


def convert_files(root: Path, paths: list[Path]) -> dict[str, Converted]:
    """The briefs of these post files, read and converted apart from load() (a second process
    does it while the first loads): {slug: (language, site url, body, HTML or None, its search
    entry)}. The planner uses one only if the post it loaded has the same body, language and
    site URL."""
    from .load import load_site_config, post_body

    config, _ = load_site_config(root)
    if config is None:
        return {}
    language, url = config.site.language, config.site.url
    done = {}
    for path in paths:
        body = post_body(root, path)
        if body is not None and body.strip():
            done[path.stem] = converted(body, language, url)
    return done


@lru_cache(maxsize=4)
def _extensions_described(site_url: str) -> str:
    """The portal's Markdown extensions and their settings, as text (part of a brief's key)."""
    import json

    return json.dumps(portal_extensions(site_url), sort_keys=True, default=repr)


def cache_key(store: Any, language: str, url: str, body: str) -> str:
    """The key of a brief in the build cache: its text, the site's language and address, the
    extensions' settings, and the cache's context (Relais' version and files, the libraries)."""
    from .cache import key

    return key("brief", store.ctx, language, url, _extensions_described(url), body)


def converted(body: str, language: str, url: str) -> Converted:
    """A brief converted, with what the planner checks before using it (see convert_files);
    taken from the build cache when it holds it."""
    from . import cache, search

    text = body.strip()
    store = cache.active()
    if store is not None:
        found = store.brief(cache_key(store, language, url, text))
        if found is not None:
            return (language, url, text, found[0], found[1])
    html = convert(heading(language) + text, url)
    return (language, url, text, html, search.section(html) if html else None)


def keep(done: Converted) -> None:
    """Remember a converted brief in the build cache of this process (the planner calls it for
    every brief it uses, wherever it was converted)."""
    from . import cache

    store = cache.active()
    if store is not None:
        language, url, text, html, entry = done
        store.keep_brief(cache_key(store, language, url, text), html, entry)
