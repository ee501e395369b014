"""Kit checks (lengths, blocked words, share windows)."""

from __future__ import annotations

CHECKS: list = []
