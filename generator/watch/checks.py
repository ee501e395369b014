"""The watch section of site_config.yml, checked with the rest by `relais check`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ..diagnostics import Diagnostic
from ..model import Project
from .config import check_watch


def _watch_config(project: Project, now: datetime) -> Iterable[Diagnostic]:
    config = project.config
    return check_watch(config.watch, "site_config.yml", config.src.of)


CHECKS = [_watch_config]
