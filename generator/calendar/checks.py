"""Schedule checks (clashes, gaps, daylight-saving times)."""

from __future__ import annotations

CHECKS: list = []
