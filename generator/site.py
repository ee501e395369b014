"""What the plan stage produces: the pages, files and navigation of the portal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Later:
    """Files made after planning, from the project: `make(project, now, *args)` gives their
    bytes, at `paths` (docs-relative). `relais build` makes them in another process while
    MkDocs builds the pages (they are static files MkDocs never reads), so `make` is a
    module-level function and `args` plain data, and the bytes cross back pickled."""

    paths: tuple[str, ...]
    make: Callable[..., dict[str, bytes]]
    args: tuple[Any, ...] = ()


def make_later(project: Any, now: Any, later: Sequence[Later]) -> dict[str, bytes]:
    """The bytes of every Later file, checked against the paths each one announced."""
    files: dict[str, bytes] = {}
    for item in later:
        made = item.make(project, now, *item.args)
        if set(made) != set(item.paths):
            raise ValueError(
                f"{item.make.__name__} made {sorted(set(made) ^ set(item.paths))[:3]} unannounced"
            )
        files.update(made)
    return files


@dataclass(frozen=True)
class Section:
    """The part of the portal one feature contributes.

    `pages` are Markdown sources and `files` raw bytes, both keyed by their path
    relative to the MkDocs docs folder; `copies` are files copied as they are;
    `nav` entries go into the top navigation; `home` blocks are Markdown inserted
    on the home page in order, after the team's planning, and `home_top` blocks before
    it (what a reader came for: the kits to share now); `post_blocks` are HTML blocks
    added to the page of the post with that slug; `later` files are made after planning;
    `not_in_nav` are MkDocs patterns of pages reached by links, not by the navigation.
    """

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)
    home: list[str] = field(default_factory=list)
    home_top: list[str] = field(default_factory=list)
    post_blocks: dict[str, list[str]] = field(default_factory=dict)
    later: list[Later] = field(default_factory=list)
    banners: list[str] = field(default_factory=list)
    not_in_nav: tuple[str, ...] = ()


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
    # Files made after planning (see Later); with_later() turns them into `files`.
    later: tuple[Later, ...] = ()

    @staticmethod
    def merge(sections: list[Section], **info: Any) -> Site:
        pages: dict[str, str] = {}
        files: dict[str, bytes] = {}
        copies: dict[str, Path] = {}
        later_paths: set[str] = set()
        nav: list[Any] = []
        for section in sections:
            section_later = {path for item in section.later for path in item.paths}
            for target in (section.pages, section.files, section.copies, section_later):
                clash = set(target) & (set(pages) | set(files) | set(copies) | later_paths)
                if clash:
                    # Pelican's rule: two outputs at one path is a bug, never a silent overwrite.
                    raise ValueError(f"two sections write {min(clash)}")
            pages.update(section.pages)
            files.update(section.files)
            copies.update(section.copies)
            later_paths |= section_later
            nav.extend(section.nav)
        later = tuple(item for section in sections for item in section.later)
        not_in_nav = (*info.pop("not_in_nav", ()), *(p for s in sections for p in s.not_in_nav))
        return Site(
            pages=pages,
            files=files,
            copies=copies,
            nav=nav,
            later=later,
            not_in_nav=not_in_nav,
            **info,
        )

    def with_later(self, project: Any, now: Any) -> Site:
        """This site with its Later files made, among its files."""
        if not self.later:
            return self
        return self.with_later_files(make_later(project, now, self.later))

    def with_later_files(self, files: dict[str, bytes]) -> Site:
        """This site with its Later files, made elsewhere (make_later), among its files."""
        return replace(self, files={**self.files, **dict(sorted(files.items()))}, later=())
