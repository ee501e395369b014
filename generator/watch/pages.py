"""The watch section of the portal, planned from the cached snapshot (never the network)."""

from __future__ import annotations

from typing import Any

from ..site import Section


def plan(planner: Any, snapshot: Any) -> Section:
    """Theme pages and the home block; nothing when no feed is configured or nothing is cached."""
    return Section()
