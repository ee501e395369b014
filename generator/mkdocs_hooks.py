"""MkDocs hooks of the portal: the same pages, built with much less work per page.

Savings, each checked against MkDocs' own output:

- raw HTML blocks skip Python-Markdown's HTML parser (lift_raw_blocks);
- a page made of raw blocks only is not given to Python-Markdown at all, and the others
  share one converter per build instead of one each (FastPage);
- pages outside the navigation (posts, archive months, personal pages...) reuse a "shell"
  of Material's template instead of rendering it again (PageShells);
- pages whose search entries Relais writes itself are not parsed again by Material's
  search plugin (search_entries).

Raw HTML blocks:

Relais pages are mostly raw HTML blocks (`<article markdown="0">…</article>`) that
Python-Markdown copies verbatim, but only after feeding every tag through its
pure-Python HTML parser: at a few thousand pages, most of `mkdocs build`. This hook
lifts each such block out before conversion (leaving a placeholder paragraph) and puts
it back, byte for byte, afterwards. The output is the same; the parsing is skipped.

A block is lifted only when it is unambiguous: a line beginning with a block-level opening
tag, after a blank line, outside anything that looks like a fence, closed by the matching
tag at the end of a line followed by a blank line, and with no `markdown="1"` inside.
Anything else is left to Python-Markdown as before. MkDocs loads this file through the
`hooks:` setting of the generated mkdocs.yml (see publish.mkdocs_config).
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import markdown
from markdown.util import BLOCK_LEVEL_ELEMENTS
from mkdocs.plugins import event_priority
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.toc import get_toc

# Block tags whose raw blocks Python-Markdown copies verbatim (no pre, script, style or textarea:
# their content is not HTML to count tags in).
_TAGS = frozenset(BLOCK_LEVEL_ELEMENTS) & {
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "section",
    "table",
    "ul",
}
_OPEN = re.compile(r"<([a-z][a-z0-9]*)(?:\s[^<>]*)?>")
# md_in_html parses a block holding markdown="1" (or "block", "span"): such a block is not raw.
_MARKDOWN_INSIDE = re.compile(r'\smarkdown="(?!0")')
# A random part, so that no text written in a post can be taken for a placeholder.
_KEY = f"relaisraw{secrets.token_hex(8)}n"
_stash: dict[str, list[str]] = {}


def lift_raw_blocks(markdown: str, key: str = _KEY) -> tuple[str, list[str]]:
    """The Markdown with each liftable raw block replaced by `<key><n>`, and the blocks.

    No block is lifted out of fenced code: the fences are found as Python-Markdown's
    fenced_code finds them (render.fenced_lines), first in the page as it is, then in the
    page as Python-Markdown will see it (lifting a block removes lines, which can make
    other lines pair into a fence): a block whose placeholder would be code stays in.
    """
    if "\r" in markdown:
        return markdown, []  # line ends Python-Markdown would count otherwise: leave it all to it
    from generator.render import fenced_lines

    lines = markdown.split("\n")
    refused = fenced_lines(lines)
    while True:
        out, blocks, starts = _lift(lines, key, refused)
        wrong = {starts[n] for n in fenced_lines(out) if n in starts}
        if not wrong:
            return "\n".join(out), blocks
        refused |= wrong


def _lift(
    lines: list[str], key: str, refused: set[int]
) -> tuple[list[str], list[str], dict[int, int]]:
    """One pass: (lines with placeholders, the blocks, {placeholder's line: block's first line})."""
    out: list[str] = []
    blocks: list[str] = []
    starts: dict[int, int] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        opened = _OPEN.match(line) if i not in refused else None
        if opened and opened.group(1) in _TAGS and (not out or not out[-1].strip()):
            end = _block_end(lines, i, opened.group(1))
            block = "\n".join(lines[i : end + 1]) if end is not None else ""
            if end is not None and not _MARKDOWN_INSIDE.search(block):
                starts[len(out)] = i
                out.append(f"{key}{len(blocks)}")
                blocks.append(block)
                i = end + 1
                continue
        out.append(line)
        i += 1
    return out, blocks, starts


def _block_end(lines: list[str], start: int, tag: str) -> int | None:
    """The line closing the block opened on `start`, or None when the block is not clean."""
    opening = re.compile(rf"<{tag}\b")
    closing = f"</{tag}>"
    depth = 0
    for j in range(start, len(lines)):
        line = lines[j]
        depth += len(opening.findall(line)) - line.count(closing)
        if depth <= 0:
            clean = (
                depth == 0
                and line.endswith(closing)
                and (j + 1 == len(lines) or not lines[j + 1].strip())
            )
            return j if clean else None
    return None


def restore_raw_blocks(html: str, blocks: list[str], key: str = _KEY) -> str:
    """Put the lifted blocks back where Python-Markdown left their placeholder paragraphs."""
    if not blocks:
        return html
    pattern = re.compile(rf"<p>{key}(\d+)</p>")
    # Python-Markdown ends a raw block with a line break, and strips the end of the page.
    restored = pattern.sub(lambda m: blocks[int(m.group(1))] + "\n", html).rstrip()
    if key in restored:
        raise ValueError("a raw HTML block of this page lost its place during Markdown conversion")
    return restored


def placeholders_only(markdown_text: str, key: str = _KEY) -> int | None:
    """How many placeholders `markdown_text` holds when it holds nothing else (blank lines
    aside), else None. Such a page is, to Python-Markdown, one paragraph per placeholder."""
    count = 0
    previous_blank = True
    for line in markdown_text.split("\n"):
        if not line.strip():
            previous_blank = True
            continue
        # Two placeholders on adjacent lines would be one paragraph: not this shortcut's case.
        if not previous_blank or line != f"{key}{count}":
            return None
        count += 1
        previous_blank = False
    return count


# --- one Python-Markdown per build ----------------------------------------------------------------
#
# MkDocs builds a new Python-Markdown converter for every page (extensions loaded, parsers
# and patterns registered: a third of a millisecond) and throws it away. The converter is
# made to be reused (Markdown.reset() clears every extension's state), so a build keeps
# one and registers MkDocs' per-page processors on it before each page, as Page.render
# does on its fresh converter. A page of raw blocks only skips the converter altogether.

_converter: list[Any] = []  # [config, converter] of the current build


def _markdown_for(config: Any) -> markdown.Markdown:
    if _converter and _converter[0] is config:
        md: markdown.Markdown = _converter[1]
        return md.reset()
    md = markdown.Markdown(
        extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {}
    )
    _converter[:] = [config, md]
    return md


# What Page.render uses of MkDocs; if a release renames them, pages are rendered by MkDocs itself.
_MKDOCS_PARTS = (
    "_RawHTMLPreprocessor",
    "_ExtractAnchorsTreeprocessor",
    "_RelativePathTreeprocessor",
    "_ExtractTitleTreeprocessor",
)
_CAN_REUSE = all(hasattr(mkdocs_pages, name) for name in _MKDOCS_PARTS)


class FastPage(mkdocs_pages.Page):
    """A MkDocs page converted as Page.render converts it, with less repeated work; a page
    whose HTML the build cache holds (see PageCache) is placed at once and not rendered."""

    relais_key: str | None = None  # its key in the page cache, when it may be cached
    relais_hit = False  # its HTML came from the cache
    relais_raw = False  # made of raw blocks only (its HTML depends on nothing else)

    def read_source(self, config: Any) -> None:
        if _page_cache and _page_cache[0].eligible(self):
            pages = _page_cache[0]
            self.relais_key = pages.key(self)
            self.relais_hit = pages.place(self)
            if self.relais_hit:
                return
        super().read_source(config)

    def render(self, config: Any, files: Any) -> None:
        if self.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        count = placeholders_only(self.markdown)
        if count is not None:
            self.relais_raw = True
            # What Python-Markdown makes of placeholder paragraphs, without asking it.
            self.content = "\n".join(f"<p>{_KEY}{n}</p>" for n in range(count))
            self.toc = get_toc([])
            self._title_from_render = None
            self.present_anchor_ids = set()
            if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
                self.links_to_anchors = {}
            return
        md = _markdown_for(config)
        raw_html = mkdocs_pages._RawHTMLPreprocessor()
        raw_html._register(md)
        anchors = mkdocs_pages._ExtractAnchorsTreeprocessor(self.file, files, config)
        anchors._register(md)
        relative = mkdocs_pages._RelativePathTreeprocessor(self.file, files, config)
        relative._register(md)
        title = mkdocs_pages._ExtractTitleTreeprocessor()
        title._register(md)
        self.content = md.convert(self.markdown)
        self.toc = get_toc(getattr(md, "toc_tokens", []))
        self._title_from_render = title.title
        self.present_anchor_ids = anchors.present_anchor_ids | raw_html.present_anchor_ids
        if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
            self.links_to_anchors = relative.links_to_anchors


def on_pre_page(page: Any, **_: Any) -> Any:
    if _CAN_REUSE and type(page) is mkdocs_pages.Page:
        # The same object (the navigation holds it), with FastPage's render.
        page.__class__ = FastPage
    return page


# --- shells: Material's template rendered once per kind of page ---------------------------------
#
# A page outside the navigation differs from its neighbours in the same folder only by its
# title, content and canonical URL (its table of contents and front matter being equal):
# the navigation, header, tabs and scripts around them are the same bytes. The template
# is rendered once with markers in place of those three values (a "probe"); the pages of
# the same kind are that probe with their values put in. The markers hold characters any
# filter would change (<, &, quotes), so a value a template filters is never found, and
# the first two pages of each kind are rendered both ways and compared: on any
# difference, that kind of page is rendered by Material as usual.

_TITLE = f"\x01RELAIS-TITLE-{secrets.token_hex(6)} <&'\">\x01"
_CONTENT = f"\x02RELAIS-CONTENT-{secrets.token_hex(6)} <&'\">\x02"
_CONTENT_H1 = _CONTENT[:-1] + "<h1>\x02"  # for pages whose content holds an <h1>
_URL = f"\x03RELAIS-URL-{secrets.token_hex(6)} <&'\">\x03"


def _as_text(value: str) -> str:
    """A value as the theme prints it in <title> (main.html): `| striptags | e`."""
    from markupsafe import Markup, escape

    return str(escape(Markup(value).striptags()))


def _escaped(value: str) -> str:
    """A value as the theme prints it in an attribute (main.html): `| e`."""
    from markupsafe import escape

    return str(escape(value))


# The forms a value takes in the template: as it is, and as main.html filters it.
_FORMS: dict[str, tuple[str, Callable[[str], str]]] = {
    _TITLE: ("title", str),
    _as_text(_TITLE): ("title", _as_text),
    _CONTENT_H1: ("content", str),
    _CONTENT: ("content", str),
    _URL: ("url", str),
    _escaped(_URL): ("url", _escaped),
}
_MARKERS = re.compile("(" + "|".join(re.escape(m) for m in _FORMS) + ")")
_CHECKS = 2  # pages of each kind rendered both ways before the shell is trusted


def _toc_signature(items: Any) -> tuple[Any, ...]:
    return tuple((i.title, i.id, i.level, _toc_signature(i.children)) for i in items)


class PageShells:
    """Rendered shells of main.html per kind of page, for one build."""

    def __init__(self, nav_pages: set[int]) -> None:
        self.nav_pages = nav_pages
        self.shells: dict[
            tuple[Any, ...], list[str] | None
        ] = {}  # None: this kind is rendered as usual
        self.checked: dict[tuple[Any, ...], int] = {}
        self.rendered = 0  # by Material (for the tests and the benchmark)
        self.filled = 0  # from a shell

    def key(self, page: Any) -> tuple[Any, ...] | None:
        """What pages must share to share a shell; None for pages that never use one."""
        if (
            page is None
            or id(page) in self.nav_pages
            or page.is_homepage
            or not isinstance(page.content, str)
        ):
            return None
        meta = page.meta or {}
        if not isinstance(meta.get("title"), str) or page.previous_page or page.next_page:
            return None
        folder = page.url.rstrip("/").rpartition("/")[0]
        rest = repr(sorted((k, repr(v)) for k, v in meta.items() if k != "title"))
        return (folder, rest, _toc_signature(page.toc), "<h1" in page.content, page.edit_url)

    def render(self, template: Any, context: Any) -> str:
        page = context.get("page") if hasattr(context, "get") else None
        if getattr(page, "relais_hit", False):
            return ""  # placed from the cache already (on_post_page)
        key = self.key(page)
        shell = self.shells.get(key) if key is not None else None
        if key is None or (key in self.shells and shell is None):
            self.rendered += 1
            return str(template.render(context))
        if shell is not None and self.checked.get(key, 0) >= _CHECKS:
            self.filled += 1
            return self._fill(shell, page)
        real = str(template.render(context))
        self.rendered += 1
        if shell is None:
            shell = self._probe(template, context, page)
        if self._fill(shell, page) != real:
            self.shells[key] = None  # something else differs: Material renders this kind
        else:
            self.shells[key] = shell
            self.checked[key] = self.checked.get(key, 0) + 1
        return real

    @staticmethod
    def _probe(template: Any, context: Any, page: Any) -> list[str]:
        saved = page.meta["title"], page.content, page.canonical_url
        page.meta["title"] = _TITLE
        # The template looks for an <h1> in the content: the marker must answer the same.
        page.content = _CONTENT_H1 if "<h1" in saved[1] else _CONTENT
        page.canonical_url = _URL
        try:
            return _MARKERS.split(str(template.render(context)))
        finally:
            page.meta["title"], page.content, page.canonical_url = saved

    @staticmethod
    def _fill(shell: list[str], page: Any) -> str:
        # The probe split on its markers: text, marker, text, marker, ..., text.
        values: dict[str, str | None] = {
            "title": page.meta["title"],
            "content": page.content,
            "url": page.canonical_url,
        }
        out = []
        for i, part in enumerate(shell):
            if i % 2 == 0:
                out.append(part)
            else:
                name, form = _FORMS[part]
                out.append(form(values[name] or ""))
        return "".join(out)


class _ShellTemplate:
    """main.html, rendered through the shells."""

    def __init__(self, template: Any, shells: PageShells) -> None:
        self.template = template
        self.shells = shells

    def render(self, *args: Any, **kwargs: Any) -> str:
        if len(args) != 1 or kwargs:
            return str(self.template.render(*args, **kwargs))
        return self.shells.render(self.template, args[0])

    def __getattr__(self, name: str) -> Any:
        return getattr(self.template, name)


class _EveryPage:
    """sitemap.xml, rendered with every page of the site, those skipped from the cache too
    (PageCache.skip_cached): MkDocs lists only the pages it builds."""

    def __init__(self, template: Any, files: list[Any]) -> None:
        self.template = template
        self.files = files

    def render(self, context: Any) -> str:
        context["pages"] = self.files
        return str(self.template.render(context))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.template, name)


shells: PageShells | None = None  # the current build's (read by the benchmark and tests)
_nav_pages: set[int] = set()
_nav_pages_objects: list[Any] = []  # the same pages (their files: PageCache.skip_cached)


def on_nav(nav: Any, config: Any = None, files: Any = None, **_: Any) -> Any:
    _nav_pages.clear()
    _nav_pages.update(id(p) for p in nav.pages)
    _nav_pages_objects[:] = list(nav.pages)
    if _page_cache:
        _page_cache[0].add_navigation(nav)
        _page_cache[0].start()
        _page_cache[0].nav = nav
        if files is not None and config is not None:
            _page_cache[0].skip_cached(files, config)
    return nav


def docs_order(path: str) -> tuple[tuple[int, bool | str, str], ...]:
    """Where a docs path comes in MkDocs' walk of the docs folder (mkdocs.structure.files.get_files):
    a folder's files first (index first, then by name), then its subfolders by name."""
    *folders, name = path.split("/")
    stem = name.rsplit(".", 1)[0]
    return (*((1, folder, "") for folder in folders), (0, stem not in ("index", "README"), name))


def on_files(files: Any, config: Any, **_: Any) -> Any:
    """The pages and files of a site built in memory (engine.build), in the order MkDocs
    would have found them on disk, before the theme's."""
    from mkdocs.structure.files import File, Files

    from generator.engine import in_memory

    site = in_memory(config.get("config_file_path"))
    if site is None:
        return files
    made: dict[str, Any] = {}
    for path, text in site.pages.items():
        made[path] = File.generated(config, path, content=text)
    for path, data in site.files.items():
        made[path] = File.generated(config, path, content=data)
    for path, source in site.copies.items():
        made[path] = File.generated(config, path, abs_src_path=str(source))
    ordered = [made[path] for path in sorted(made, key=docs_order)]
    return Files(ordered + [f for f in files if f.src_uri not in made])


# Before the search plugin's on_config, which makes Jinja environments (_compiled_templates).
@event_priority(100)
def on_config(config: Any, **_: Any) -> Any:
    import json

    from markupsafe import Markup

    from generator.engine import in_memory

    # Relais writes site_name HTML-escaped, since Material prints it as it is in <title> and
    # aria-label; marked safe, the places that escape it (`| e`, the logo's title) leave it
    # as it is instead of escaping it twice ("Dupont &amp;amp; Fils").
    if isinstance(config.get("site_name"), str):
        config["site_name"] = Markup(config["site_name"])
    _found.clear()
    _markdown_parts.clear()
    _page_cache[:] = [] if (made := PageCache.for_config(config)) is None else [made]
    _compiled_templates(config)
    site = in_memory(config.get("config_file_path"))
    path = ((config.get("extra") or {}).get("relais") or {}).get("search_entries")
    if site is not None:
        _found.update(site.search)
    elif path and Path(path).is_file():
        _found.update(json.loads(Path(path).read_text(encoding="utf-8")))
    return config


def _bytecode_cache(config: Any) -> Any:
    """Where the theme's Jinja environments keep their compiled templates."""
    relais = ((config or {}).get("extra") or {}).get("relais") or {}
    if relais.get("jinja_cache"):
        # `relais serve` rebuilds with a fresh environment each time: keep Material's compiled
        # templates on disk rather than compiling them again at every edit.
        import jinja2

        Path(relais["jinja_cache"]).mkdir(parents=True, exist_ok=True)
        return jinja2.FileSystemBytecodeCache(relais["jinja_cache"])
    from generator.jinja_code import SignedCode

    return SignedCode()  # Material's templates, compiled once (jinja_code.py)


def _compiled_templates(config: Any) -> None:
    """Every Jinja environment the theme makes loads its compiled templates: MkDocs' own, and
    the two that Material's search plugin makes in on_config to read its translations
    (partials/language.html, compiled again at every build otherwise)."""
    theme = config.get("theme")
    get_env = getattr(theme, "get_env", None)
    if get_env is None or getattr(get_env, "relais_compiled", False):
        return

    def get_compiled_env() -> Any:
        env = get_env()
        env.bytecode_cache = _bytecode_cache(config)
        return env

    get_compiled_env.relais_compiled = True  # type: ignore[attr-defined]
    theme.get_env = get_compiled_env


def on_env(env: Any, config: Any = None, **_: Any) -> Any:
    global shells
    shells = PageShells(set(_nav_pages))
    if env.bytecode_cache is None:
        env.bytecode_cache = _bytecode_cache(config)
    get_template = env.get_template

    def get_shell_template(name: Any, *args: Any, **kwargs: Any) -> Any:
        template = get_template(name, *args, **kwargs)
        if name == "main.html" and shells is not None:
            return _ShellTemplate(template, shells)
        if name == "sitemap.xml" and _page_cache and _page_cache[0].skipped:
            return _EveryPage(template, _page_cache[0].every_page)
        return template

    env.get_template = get_shell_template
    if _page_cache:
        _page_cache[0].env = env  # a skipped page rendered after all (settle)
    return env


# --- search entries written by Relais --------------------------------------------------------------
#
# Material's search plugin parses the HTML of every page again with Python's html.parser:
# the largest cost of a build with thousands of posts. Relais writes the entries of its
# generated pages itself (title, text and an optional anchor per entry, by docs path: the
# site's `search`, or the file named by `extra.relais.search_entries` when the pages are on
# disk); those pages say `search: {exclude: true}`
# so that the plugin skips them, and their entries are added to the plugin's index here, in
# the page's turn, as Material words them. The Markdown part of such a page (a post's
# brief) is added as one more entry, its text kept as Material keeps it.

_markdown_parts: dict[str, str] = {}
_found: dict[str, list[dict[str, str]]] = {}  # the build's entries by docs path


def search_entries(
    page: Any, found: list[dict[str, str]], markdown_part: str
) -> list[dict[str, str]]:
    """The search entries of a page that Relais describes (`found`), as Material's plugin writes them."""
    from generator import search

    entries = []
    for item in found:
        anchor = item.get("anchor")
        entries.append(
            {
                "location": page.url + (f"#{anchor}" if anchor else ""),
                "title": str(item["title"]),
                "text": str(item.get("text", "")),
            }
        )
    if any(item.get("brief") == "no" for item in found):
        return entries  # an old post: found by its title and facts (plan.SEARCH_WHOLE_DAYS)
    brief = search.section(markdown_part)
    if brief is not None:
        entries.append(
            {
                "location": f"{page.url}#{brief['anchor']}",
                "title": brief["title"],
                "text": brief["text"],
            }
        )
    elif markdown_part.strip() and entries:
        entries[0]["text"] = (entries[0]["text"] + " " + search.html_text(markdown_part)).strip()
    return entries


def _search_plugin(config: Any) -> Any:
    plugins = getattr(config, "plugins", None) or {}
    theme = getattr(config.get("theme"), "name", None) or "material"
    return plugins.get(f"{theme}/search") or plugins.get("search")


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    text, blocks = lift_raw_blocks(markdown)
    _stash[page.file.src_uri] = blocks
    return text


def on_page_content(html: str, page: Any, **_: Any) -> str:
    blocks = _stash.pop(page.file.src_uri, [])
    if page.file.src_uri in _found:
        _markdown_parts[page.file.src_uri] = (
            re.sub(rf"<p>{_KEY}\d+</p>", "", html) if blocks else html
        )
    return restore_raw_blocks(html, blocks)


def _search_index(config: Any) -> Any:
    plugin = _search_plugin(config)
    # Material keeps its index on the plugin; MaterialX on the plugin's lunr provider.
    return getattr(plugin, "search_index", None) or getattr(
        getattr(plugin, "provider", None), "search_index", None
    )


@event_priority(50)  # before the search plugin's: a skipped page's entries come in its turn
def on_page_context(context: Any, page: Any, config: Any, **_: Any) -> Any:
    part = _markdown_parts.pop(page.file.src_uri, None)
    index = _search_index(config)
    if _page_cache and index is not None:
        index.entries.extend(_page_cache[0].skipped_entries(before=page.file.src_uri))
    late = _page_cache[0].rendered_late if _page_cache else ()
    if part is not None and index is not None and page.file.src_uri not in late:
        index.entries.extend(search_entries(page, _found[page.file.src_uri], part))
    return context


# --- the page cache --------------------------------------------------------------------------------
#
# A page outside the navigation, made of raw HTML blocks only and described to search by Relais
# (a post, an archive month, a profile, a calendar page...) becomes HTML that depends on its own
# source and on the site's configuration only: not on any other page. The build cache
# (generator/cache.py) keeps that HTML under a key made of the configuration (the whole
# mkdocs.yml, but for the folders of this build), Relais' context (version, files, libraries),
# the page's path and its whole source. A page found there is placed at once (a hard link to
# the checked file) and MkDocs neither parses, renders nor writes it; its search entries are
# still made from this build's (on_page_context).

_page_cache: list[PageCache] = []  # the current build's, if it uses the cache

# What varies between two builds of the same site without changing a page (the folders), or
# belongs to a preview (its template cache): left out of the key.
_VOLATILE = ("site_dir", "docs_dir")
_VOLATILE_RELAIS = ("search_entries", "jinja_cache")
PLACERS = 4  # threads placing cached pages (PageCache.skip_cached) and writing the pages MkDocs
# made (PageCache.keep): they mostly wait on the disk
WRITES_AHEAD = 64  # pages made and not yet written at most (their HTML waits in memory)


class Skipped(NamedTuple):
    """A page placed from the cache and left out of MkDocs' work (PageCache.skip_cached)."""

    position: int  # in MkDocs' order of the pages
    page: Any  # what MkDocs would have made of it, for the sitemap and search
    inclusion: Any  # its file's inclusion, given back when the build ends
    placing: Any  # the future of its place_page


class PageCache:
    """The page cache of one MkDocs build."""

    def __init__(self, store: Any, context: str) -> None:
        self.store = store
        self.context = context
        self.pool: Any = None  # the placing and writing threads (skip_cached, keep)
        # The pages placed from the cache and left out of MkDocs' work (skip_cached): their
        # place in MkDocs' order, the page, and the inclusion they are given back at the end.
        self.skipped: list[Skipped] = []
        self.told = 0  # how many of them have their search entries in the index
        self.rendered_late: set[str] = set()  # skipped pages rendered after all (settle)
        self.files: Any = None  # MkDocs' files, navigation and templates of this build
        self.nav: Any = None
        self.env: Any = None
        self.every_page: list[Any] = []  # every page's file, skipped or not, in MkDocs' order
        self.position: dict[str, int] = {}
        # A whole build (on_nav to on_post_build) writes the pages it keeps in the threads; a
        # preview's single-page rebuild (engine._quick_rebuild) writes them at once.
        self.building = False
        self.writes: list[Any] = []  # futures of the pages written in the threads
        self.ahead = threading.BoundedSemaphore(WRITES_AHEAD)

    @classmethod
    def for_config(cls, config: Any) -> PageCache | None:
        """The page cache of a build with this configuration, or None (no cache active)."""
        import yaml

        from generator import cache

        store = cache.active()
        path = config.get("config_file_path")
        if store is None or not path or not _CAN_REUSE:
            return None
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            return None
        if not isinstance(raw, dict):
            return None
        for name in _VOLATILE:
            raw.pop(name, None)
        relais = (raw.get("extra") or {}).get("relais")
        if isinstance(relais, dict):
            for name in _VOLATILE_RELAIS:
                relais.pop(name, None)
        described = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
        # The address MkDocs uses (a preview serves on its own) and the MkDocs settings loaded
        # from elsewhere (INHERIT, environment) as MkDocs resolved them.
        effective = json.dumps(
            [str(config.get("site_url") or ""), bool(config.get("use_directory_urls"))]
        )
        return cls(store, cache.key("pages", store.ctx, described, effective))

    def add_navigation(self, nav: Any) -> None:
        """Every page shows the navigation: the titles of its pages are part of the key. A
        title not given by the configuration is the page's own (its front matter's, or else
        its whole source stands for it)."""
        from mkdocs.utils.meta import get_data

        from generator import cache

        titles = []
        for page in nav.pages:
            title = page.title
            if title is None:
                try:
                    source = page.file.content_string
                except (OSError, ValueError):
                    source = ""
                found = get_data(source)[1].get("title")
                title = found if isinstance(found, str) else "\0" + source
            titles.append([page.file.src_uri, str(title)])
        self.context = cache.key(self.context, json.dumps(titles, ensure_ascii=False))

    def eligible(self, page: Any) -> bool:
        """Whether `page` may come from the cache (its HTML then depends on itself only)."""
        return not (
            id(page) in _nav_pages or page.is_homepage or page.previous_page or page.next_page
        )

    def key(self, page: Any) -> str:
        return self.keyed(page.file)

    def keyed(self, file: Any) -> str:
        from generator import cache

        return cache.key(self.context, file.src_uri, file.content_bytes)

    def start(self) -> None:
        """A whole build begins (on_nav): pages are placed and written in threads until finish()."""
        self.building = True

    def _threads(self) -> Any:
        from concurrent.futures import ThreadPoolExecutor

        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=PLACERS, thread_name_prefix="place")
        return self.pool

    def skip_cached(self, files: Any, config: Any) -> None:
        """Start placing every cached page outside the navigation, and leave it out of MkDocs'
        work.

        A placed page needs nothing more from MkDocs than a line of the sitemap and its search
        entries: reading, rendering and the eight plugin events of each of 2,000 pages cost
        about a millisecond each. A skipped page is marked excluded for this build (MkDocs'
        loops over the pages pass it by, as a link to it is still made), keeps its place in
        the sitemap (_EveryPage) and its entries in the search index (skipped_entries), and
        is given back its inclusion when the build ends (finish). Checking and linking the
        stored files is mostly waiting on the disk, which the threads do while MkDocs builds
        the other pages; a page whose stored file turns out missing or altered is rendered
        by MkDocs at the end of the build (settle)."""
        nav_files = {id(p.file) for p in _nav_pages_objects}
        every = list(files.documentation_pages())
        self.every_page = every
        self.position = {file.src_uri: n for n, file in enumerate(every)}
        self.files = files
        for file in every:
            if id(file) in nav_files or file.url in ("", ".", "./", "index.html"):
                continue  # in the navigation, or the home page: never from the cache
            if not file.is_modified():
                # A preview's dirty rebuild keeps the page it built before (MkDocs skips it
                # too); a full build empties the site first, so every page is modified there.
                continue
            found = self.store.page(self.keyed(file))
            if found is None:
                continue
            sha, meta = found
            placing = self._threads().submit(self.store.place_page, sha, file.abs_dest_path)
            page = mkdocs_pages.Page(None, file, config)  # its address and date, for the sitemap
            page.meta = dict(meta)
            self.skipped.append(Skipped(self.position[file.src_uri], page, file.inclusion, placing))
            file.inclusion = InclusionLevel.EXCLUDED

    def settle(self, config: Any) -> None:
        """Wait for the skipped pages' placing (on_post_build); one that failed (its stored file
        missing or altered) is rendered now, as MkDocs renders a page, its search entries
        being already in the index in its turn."""
        from mkdocs.commands import build as mkdocs_build

        failed = []
        for skipped in self.skipped:
            if skipped.placing.result():
                self.store.count_page(True)
            else:
                failed.append(skipped)
        if not failed:
            return
        doc_files = self.files.documentation_pages()
        for skipped in failed:
            file = skipped.page.file
            file.inclusion = skipped.inclusion
            self.rendered_late.add(file.src_uri)
            page = mkdocs_pages.Page(None, file, config)  # read_source looks it up again
            mkdocs_build._populate_page(page, config, self.files)
            mkdocs_build._build_page(page, config, doc_files, self.nav, self.env)

    def skipped_entries(self, before: str | None = None) -> list[dict[str, str]]:
        """The search entries of the skipped pages that come before the page `before` in
        MkDocs' order (all that are left when None), as the page would have had them: its
        HTML was made of raw blocks only (keep), so that it has no Markdown part."""
        limit = len(self.every_page) if before is None else self.position.get(before, 0)
        entries: list[dict[str, str]] = []
        while self.told < len(self.skipped) and self.skipped[self.told][0] < limit:
            page = self.skipped[self.told].page
            self.told += 1
            found = _found.get(page.file.src_uri)
            if found is not None:
                entries.extend(search_entries(page, found, ""))
        return entries

    def finish(self, failed: bool = False) -> None:
        """Wait for the threads as MkDocs' build ends: every page written (one that could not
        be, an OSError, fails the build here as MkDocs' own write would have); a failed build
        leaves what is not done yet."""
        self.building = False
        # The skipped pages are pages of the site again (a preview's single-page rebuild
        # keeps this build's files).
        for skipped in self.skipped:
            skipped.page.file.inclusion = skipped.inclusion
        self.skipped, self.told = [], 0
        self.rendered_late.clear()
        writes, self.writes = self.writes, []
        try:
            if not failed:
                for future in writes:
                    future.result()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)
                self.pool = None

    def place(self, page: Any) -> bool:
        """Place the cached HTML of `page` at its destination; True when it was there."""
        found = self.store.page(page.relais_key)
        placed = found is not None and self.store.place_page(found[0], page.file.abs_dest_path)
        self.store.count_page(placed)
        if not placed or found is None:
            return False
        page.markdown, page.meta = "", dict(found[1])
        return True

    def keep(self, page: Any, output: str) -> bool:
        """Keep the HTML MkDocs made of `page`, when it depends on nothing but the page. True
        when a thread writes the page too (MkDocs then writes nothing): the page is hashed
        and written once, the site's file and the stored copy being two names of it
        (Cache.keep_page), while MkDocs renders the next ones."""
        meta = page.meta or {}
        search = meta.get("search")
        if not (
            page.relais_raw
            and isinstance(search, dict)
            and search.get("exclude") is True  # what search knows of it is made by Relais
            and output.strip()
        ):
            return False
        try:
            json.dumps(meta)
        except (TypeError, ValueError):
            return False  # a front matter value JSON cannot hold (a date): not kept
        data = output.encode("utf-8", errors="xmlcharrefreplace")  # as MkDocs writes it
        if not self.building:
            self.store.keep_page(page.relais_key, data, meta)
            return False
        self.ahead.acquire()  # at most WRITES_AHEAD pages wait in memory
        future = self._threads().submit(
            self.store.keep_page, page.relais_key, data, meta, page.file.abs_dest_path
        )
        future.add_done_callback(lambda _: self.ahead.release())
        self.writes.append(future)
        return True


def on_post_page(output: str, page: Any, **_: Any) -> str:
    if getattr(page, "relais_hit", False):
        return ""  # placed already: MkDocs writes nothing for an empty output
    if _page_cache:
        if getattr(page, "relais_key", None) and _page_cache[0].keep(page, output):
            return ""  # written by a thread (PageCache.keep): MkDocs writes nothing
        _unlink_placed(page.file.abs_dest_path)
    return output


def _unlink_placed(path: str) -> None:
    """Remove a page placed from the cache by an earlier build of the same folder (a preview's
    rebuild): it is a hard link to the stored page, which MkDocs would otherwise write
    through."""
    try:
        if os.lstat(path).st_nlink > 1:
            os.unlink(path)
    except OSError:
        pass


def on_pre_build(**_: Any) -> None:
    from generator import serve

    serve.rebuild_started()  # a preview's writes wait for this build (serve._REBUILDING)


def on_build_error(**_: Any) -> None:
    from generator import serve

    try:
        if _page_cache:
            _page_cache[0].finish(failed=True)
    finally:
        serve.rebuild_ended()


@event_priority(50)  # before the search plugin writes its index: the last skipped pages' entries
def on_post_build(config: Any = None, **_: Any) -> None:
    from generator import cache, memo, serve

    try:
        if _page_cache:
            pages = _page_cache[0]
            index = _search_index(config) if config is not None else None
            if index is not None:
                index.entries.extend(pages.skipped_entries())
            if config is not None:
                pages.settle(config)
            pages.finish()
        store = cache.active()
        if store is not None:
            store.save()
            memo.save_all(store)
    finally:
        serve.rebuild_ended()
