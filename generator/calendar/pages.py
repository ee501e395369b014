"""Pages of this feature (filled in by its issue)."""

from __future__ import annotations

from typing import Any

from ..site import Section


def plan(planner: Any, snapshot: Any) -> Section:
    return Section()
