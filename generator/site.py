"""What the plan stage produces: the pages, files and navigation of the portal."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Section:
    """The part of the portal one feature contributes.

    `pages` are Markdown sources and `files` raw bytes, both keyed by their path
    relative to the MkDocs docs folder; `copies` are files copied as they are;
    `nav` entries go into the top navigation; `home` blocks are Markdown inserted
    on the home page in order; `post_blocks` are HTML blocks added
    to the page of the post with that slug.
    """

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)
    home: list[str] = field(default_factory=list)
    post_blocks: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Site:
    """Everything to write into the staging folder before `mkdocs build`."""

    pages: dict[str, str]
    files: dict[str, bytes]
    copies: dict[str, Path]
    nav: list[Any]
    language: str
    name: str
    url: str
    repo_url: str | None = None
    not_in_nav: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    # The features' blocks per post slug, kept so that `relais serve` can redo one post's page.
    post_blocks: dict[str, list[str]] = field(default_factory=dict)
    # Search entries Relais writes itself, by docs path (see Planner.meta and mkdocs_hooks).
    search: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @staticmethod
    def merge(sections: list[Section], **info: Any) -> Site:
        pages: dict[str, str] = {}
        files: dict[str, bytes] = {}
        copies: dict[str, Path] = {}
        nav: list[Any] = []
        for section in sections:
            for target in (section.pages, section.files, section.copies):
                clash = set(target) & (set(pages) | set(files) | set(copies))
                if clash:
                    # Pelican's rule: two outputs at one path is a bug, never a silent overwrite.
                    raise ValueError(f"two sections write {sorted(clash)[0]}")
            pages.update(section.pages)
            files.update(section.files)
            copies.update(section.copies)
            nav.extend(section.nav)
        return Site(pages=pages, files=files, copies=copies, nav=nav, **info)
