"""MkDocs hooks for the portal's frame: the same tab and sidebar on every page of a section.

Pages reached by links rather than by the navigation (a personal page, a month of the
archive, a month of the kits archive) belong to no section for MkDocs: Material then shows
no active tab and an empty left column. Each is given the place of the navigation page
whose address is the longest start of its own (ambassadors/ for ambassadors/claire-martin/):
that page's section is marked active while the page renders (its tab, its sidebar), or the
page itself when it stands alone in the navigation (Archives).

Unlike mkdocs_hooks.py (the same pages with less work), these hooks change what pages show;
MkDocs loads both through the `hooks:` setting of the generated mkdocs.yml.
"""

from __future__ import annotations

from typing import Any

_in_nav: set[int] = set()  # the pages of the navigation, by id
_lent: list[Any] = []  # what on_page_context marked active, undone by on_post_page


def on_nav(nav: Any, **_: Any) -> Any:
    _in_nav.clear()
    _in_nav.update(id(p) for p in nav.pages)
    return nav


def nav_home(page: Any, nav: Any) -> Any:
    """The navigation page (or its section) that a page outside the navigation belongs to."""
    if nav is None or page is None or page.is_homepage or id(page) in _in_nav:
        return None
    best = None
    for candidate in nav.pages:
        stem = candidate.url
        if stem and page.url.startswith(stem) and (best is None or len(stem) > len(best.url)):
            best = candidate
    if best is None:
        return None
    return best.parent if best.parent is not None else best


def on_page_context(context: Any, page: Any, nav: Any = None, **_: Any) -> Any:
    home = nav_home(page, nav)
    if home is not None:
        home.active = True
        _lent.append(home)
    return context


def on_post_page(output: str, **_: Any) -> str:
    while _lent:
        _lent.pop().active = False
    return output
