"""`relais serve`: a live preview that rebuilds only what an edit changed.

Relais re-plans the portal when a content file changes and rewrites only the staged
files whose text changed; MkDocs' dirty live reload then rebuilds just those pages.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import click

from .check import check
from .diagnostics import FORMATTERS, has_errors, sort_key
from .load import load
from .plan import plan
from .publish import STATE_DIR, write_staging

WATCHED = ("site_config.yml", "content", "calendar", "ambassadors")


class Preview:
    """Re-runs load, check and plan, and stages the result; keeps the last good staging on errors."""

    def __init__(self, root: Path, now_option: str | None) -> None:
        self.root = root.resolve()
        self.now_option = now_option
        self.staging = self.root / STATE_DIR / "serve"
        self.site_dir = self.staging / "site"
        self.lock = threading.Lock()

    def stage(self) -> Path | None:
        """Stage the portal; returns the mkdocs.yml path, or None when the content has errors."""
        from .build import load_snapshot
        from .cli import parse_now

        with self.lock:
            started = time.perf_counter()
            loaded = load(self.root)
            project = loaded.project
            now = parse_now(self.now_option, project.config.site.timezone if project else "UTC")
            diags = loaded.diagnostics + (check(project, now) if project else [])
            if diags:
                click.echo(FORMATTERS["text"](sorted(diags, key=sort_key)), err=True)
            if project is None or has_errors(diags):
                click.echo("relais: the preview keeps the last good version until the errors are fixed", err=True)
                return None
            site = plan(project, now, load_snapshot(project, now))
            config_file = write_staging(site, self.staging, self.site_dir, serving=True)
            click.echo(f"relais: staged in {time.perf_counter() - started:.2f} s", err=True)
            return config_file


def _watch(preview: Preview) -> object:
    """Watch the content folders and re-stage after each burst of changes."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    pending = threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: object) -> None:
            if getattr(event, "event_type", "") in ("opened", "closed_no_write"):
                return
            pending.set()

    def loop() -> None:
        while True:
            pending.wait()
            time.sleep(0.05)  # let an editor finish writing (temp file + rename)
            pending.clear()
            try:
                preview.stage()
            except Exception as exc:  # noqa: BLE001 - the preview must survive any edit
                click.echo(f"relais: could not stage the preview: {exc}", err=True)

    observer = Observer()
    handler = Handler()
    for name in WATCHED:
        path = preview.root / name
        if path.is_dir():
            observer.schedule(handler, str(path), recursive=True)
    observer.schedule(handler, str(preview.root), recursive=False)
    observer.daemon = True
    observer.start()
    threading.Thread(target=loop, daemon=True).start()
    return observer


def serve(root: Path, *, now_option: str | None = None, dev_addr: str = "127.0.0.1:8000") -> int:
    """Serve the portal on dev_addr, with live reload; returns the exit code."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    preview = Preview(root, now_option)
    config_file = preview.stage()
    if config_file is None:
        return 1
    _watch(preview)
    try:
        mkdocs_serve(config_file=str(config_file), livereload=True, build_type="dirty", dev_addr=dev_addr)
    except MkDocsException as exc:
        click.echo(f"error: MkDocs could not serve the portal: {exc}", err=True)
        return 1
    except KeyboardInterrupt:
        pass
    return 0
