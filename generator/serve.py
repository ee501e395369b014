"""`relais serve`: a live preview that rebuilds only what an edit changed.

Relais re-plans the portal when a content file changes and rewrites only the staged
files whose text changed; MkDocs' dirty live reload then rebuilds just those pages.

Two steps keep an edit fast at thousands of posts. When only posts were edited, their
own pages are redone at once (the edited files alone are read, checked and rendered):
that is what the author is looking at. The whole portal (lists, calendar, kits, feeds)
is then re-planned from the cache of unchanged files, and its changed pages follow.
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from markupsafe import escape

from . import safefs
from .check import check
from .clock import parse_now
from .diagnostics import FORMATTERS, Diagnostic, Severity, format_text, has_errors, sort_key
from .jobs import Pending, beside
from .load import POSTS_DIR, LoadCache, Loaded, load, load_post
from .model import Project
from .plan import Apart, plan, plan_apart, post_page
from .planner import Planner, post_path
from .publish import STATE_DIR, PublishError, check_work_folder, write_staging
from .site import Site

if TYPE_CHECKING:
    from . import engine

WATCHED = ("site_config.yml", "content", "calendar", "ambassadors", "moderation")
# After the quick step, give MkDocs this long to show the edited page before re-planning
# everything (both share one process: planning would slow MkDocs' rebuild down).
SETTLE_SECONDS = 1.0

# MkDocs' rebuilds and the preview's writes into the staged docs take turns. A dirty rebuild
# decides twice whether a page changed (its source newer than its HTML): when it reads the
# pages, then when it writes them; a file staged between the two made it write a page it
# had not read, and the rebuild failed ("The server will appear stuck until build errors are
# resolved"). mkdocs_hooks holds this lock from on_pre_build to on_post_build (or
# on_build_error) while a preview runs; the preview writes only while holding it.
_REBUILDING = threading.Lock()
_serving = threading.Event()
_held = threading.Event()  # MkDocs' build holds _REBUILDING (not a preview's write)


def rebuild_started() -> None:
    """MkDocs starts a build (mkdocs_hooks.on_pre_build): the staged docs stay as they are."""
    if _serving.is_set():
        _REBUILDING.acquire()
        _held.set()


def _wrote(pages: set[str] | None = None) -> None:
    """The preview wrote into the staged docs (only these `pages`, when given): the server
    rebuilds (it polls nothing itself)."""
    if _serving.is_set():
        from . import engine

        engine.request_rebuild(pages)


def _show_banner(html: str) -> None:
    """Show (or, with "", take away) the errors banner on every page the server sends."""
    if _serving.is_set():
        from . import engine

        engine.show_banner(html)


def banner(site: Site, errors: list[str]) -> str:
    """The errors banner: put into each page as it is served, so that every page shows it at
    once (a dirty rebuild redoes only the pages whose source changed) and none keeps it after
    the fix. Content comes from any employee: every value is escaped."""
    words = site.extra.get("chrome", {}).get("preview", {})
    lines = "".join(f"{escape(line)}\n" for line in errors)
    return (
        '<div class="relais-preview-errors" role="alert">'
        f"<p><strong>{escape(words.get('title', ''))}</strong> {escape(words.get('text', ''))}</p>"
        f"<pre>{lines}</pre></div>"
    )


def rebuild_ended() -> None:
    """MkDocs' build ended, well or not (on_post_build, on_build_error): writes may go on."""
    if _held.is_set():
        _held.clear()
        _REBUILDING.release()


@dataclass(frozen=True)
class Begun:
    """A stage under way: the content loaded, its checks started, maybe the sections that
    the posts' pages do not need planned (and the watch cache they were planned with)."""

    started: float  # time.perf_counter() when it began
    loaded: Loaded
    now: datetime
    checked: Pending[list[Diagnostic]] | None
    snapshot: Any = None
    apart: Apart | None = None


class Preview:
    """Re-runs load, check and plan, and stages the result; keeps the last good staging on errors."""

    def __init__(self, root: Path, now_option: str | None) -> None:
        self.root = root.resolve()
        self.now_option = now_option
        self.staging = self.root / STATE_DIR / "serve"
        self.site_dir = self.staging / "site"
        self.lock = threading.Lock()
        self.cache: LoadCache = {}  # unchanged files are not read again
        self.written: dict[str, bytes | Path] = {}  # what the staging holds (see write_tree)
        self.last: tuple[Project, datetime, Site] | None = None  # the last good full stage
        self.banner = ""  # the errors of the content, shown on every page (HTML), or ""
        self.begun: Begun | None = None  # what sooner() did, for the next stage() to go on
        self.loaded_ns = 0  # when the last stage began to load the content (time.time_ns)

    def stage(self, interrupted: Callable[[], bool] = lambda: False) -> Path | None:
        """Stage the portal; returns the mkdocs.yml path, or None when the content has errors.

        `interrupted()` is asked between steps: a newer edit makes this stage give up early
        (it would be redone anyway) so that the edit's own pages come first.
        """
        with self.lock:
            begun, self.begun = self.begun, None
            if begun is None:
                begun = self._begin(interrupted)
            if begun is None or interrupted():
                return None
            started, loaded, now, checked = begun.started, begun.loaded, begun.now, begun.checked
            project = loaded.project
            site: Site | None = None
            try:
                if project is not None and not has_errors(loaded.diagnostics):
                    if begun.apart is None:
                        begun = self._plan_apart(begun)
                    far, snapshot = begun.apart, begun.snapshot
                    assert far is not None
                    site = plan(project, now, snapshot, apart=lambda: far).with_later(project, now)
            except Exception:
                site = None  # content the checks reject can make the plan stumble: they say why
                if checked is None or not has_errors(checked.result()):
                    raise
            diags = loaded.diagnostics + (checked.result() if checked is not None else [])
            if interrupted():
                return None
            if diags:
                click.echo(FORMATTERS["text"](sorted(diags, key=sort_key)), err=True)
            if project is None or site is None or has_errors(diags):
                click.echo(
                    "relais: the preview keeps the last good version until the errors are fixed",
                    err=True,
                )
                self._show_errors(sorted(diags, key=sort_key))
                return None
            with _REBUILDING:
                config_file = write_staging(
                    site, self.staging, self.site_dir, serving=True, known=self.written
                )
            self.banner = ""
            _show_banner("")
            _wrote()
            self.last = (project, now, site)
            click.echo(f"relais: staged in {time.perf_counter() - started:.2f} s", err=True)
            return config_file

    def _begin(self, interrupted: Callable[[], bool] = lambda: False) -> Begun | None:
        """Load the content and start checking it (in a second process while no thread runs:
        jobs.beside; once the watcher's threads run, here, before planning, as before); None
        when interrupted() after loading."""
        started = time.perf_counter()
        self.loaded_ns = time.time_ns()
        loaded = load(self.root, self.cache)
        project = loaded.project
        now = parse_now(self.now_option, project.config.site.timezone if project else "UTC")
        if interrupted():
            return None
        checked = beside(check, project, now) if project is not None else None
        return Begun(started, loaded, now, checked)

    @staticmethod
    def _plan_apart(begun: Begun) -> Begun:
        """`begun` with the sections that the posts' pages do not need (plan.plan_apart)."""
        from .watch.cache import load_snapshot

        project = begun.loaded.project
        assert project is not None
        snapshot = load_snapshot(Path(project.root), project.config.watch, now=begun.now)
        apart = plan_apart(Planner(project, begun.now), snapshot)
        return dataclasses.replace(begun, snapshot=snapshot, apart=apart)

    def sooner(self, site_dir: Path) -> engine.Sooner | None:
        """The home page to build alone into `site_dir` before the rest (a start without a
        last preview), or None when the content must be checked first (load found errors,
        or the plan stumbled: stage() then says why). The next stage() goes on from here:
        the content is not loaded again, and the sections are not planned again."""
        from . import engine

        with self.lock:
            begun = self.begun = self._begin()
            assert begun is not None
            project = begun.loaded.project
            if project is None or has_errors(begun.loaded.diagnostics):
                return None
            try:
                begun = self.begun = self._plan_apart(begun)
                far = begun.apart
                assert far is not None
                site = plan(project, begun.now, begun.snapshot, apart=lambda: far, posts=False)
            except Exception:  # noqa: BLE001 - stage() plans again, and the checks say why
                return None
            config_file = write_staging(
                site, self.staging / "first", site_dir, serving=True, on_disk=False
            )
            return engine.Sooner(config_file, site, site_dir, frozenset({"index.md"}))

    def _show_errors(self, diags: list[Diagnostic]) -> None:
        """Put the errors on every page of the last good version, as a banner: whoever edits
        sees in the browser why the page does not change (the terminal may be hidden)."""
        if self.last is None:
            return
        _, _, site = self.last
        errors = format_text([d for d in diags if d.severity is Severity.ERROR]).splitlines()
        self.banner = banner(site, errors)
        _show_banner(self.banner)

    def stage_posts(self, changed: set[Path]) -> bool:
        """Redo only the pages of the edited posts; False when the edit needs a full stage."""
        with self.lock:
            started = time.perf_counter()
            if self.last is None or not changed:
                return False
            project, now, site = self.last
            posts_dir = (self.root / POSTS_DIR).resolve()
            by_slug = {p.slug: p for p in project.posts}
            edited = []
            for path in changed:
                # Only existing posts whose slug is known: new, renamed or deleted posts change lists.
                if (
                    path.parent != posts_dir
                    or path.suffix != ".md"
                    or path.stem not in by_slug
                    or not path.is_file()
                ):
                    return False
                post, diags = load_post(self.root, path, project.tz)
                if post is None or has_errors(diags):
                    return False  # the full stage reports it and keeps the last good page
                edited.append(post)
            slugs = {p.slug for p in edited}
            updated = dataclasses.replace(
                project,
                posts=tuple(
                    next(e for e in edited if e.slug == p.slug) if p.slug in slugs else p
                    for p in project.posts
                ),
            )
            # The edited posts' own checks (the full stage redoes every check right after).
            mine = {p.file for p in edited}
            alone = dataclasses.replace(updated, posts=tuple(edited))
            if any(d.severity is Severity.ERROR and d.file in mine for d in check(alone, now)):
                return False
            pl = Planner(updated, now)
            pages = [post_page(pl, post, site.post_blocks.get(post.slug, [])) for post in edited]
            if any(
                path != post_path(by_slug[post.slug], now)
                for (path, _), post in zip(pages, edited, strict=True)
            ):
                return False  # a page moves (an embargo set or lifted): a full stage
            docs = self.staging / "docs"
            with _REBUILDING:
                for rel, text in pages:
                    data = text.encode("utf-8")
                    if self.written.get(rel) != data:
                        safefs.write_bytes(docs / rel, data, base=docs)
                        self.written[rel] = data
            _wrote({rel for rel, _ in pages})
            names = ", ".join(sorted(slugs))
            click.echo(
                f"relais: staged {names} in {time.perf_counter() - started:.2f} s; the rest follows",
                err=True,
            )
            return True


def _watch(preview: Preview) -> object:
    """Watch the content folders; redo the edited posts' pages first, then the whole portal."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    pending = threading.Event()
    changed: set[Path] = set()
    guard = threading.Lock()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: object) -> None:
            if getattr(event, "event_type", "") in ("opened", "closed_no_write"):
                return
            folder = getattr(event, "is_directory", False)
            if folder and getattr(event, "event_type", "") == "modified":
                return  # the folder of an edited file: the file's own event says which
            with guard:
                for attr in ("src_path", "dest_path"):
                    value = getattr(event, attr, "")
                    if value:
                        # A folder created, moved or deleted: no quick step ("/" is no post).
                        changed.add(Path("/") if folder else Path(str(value)).resolve())
            pending.set()

    def loop() -> None:
        while True:
            pending.wait()
            time.sleep(0.05)  # let an editor finish writing (temp file + rename)
            pending.clear()
            with guard:
                paths = {
                    p for p in changed if not p.name.startswith(".") and not p.name.endswith("~")
                }
                changed.clear()
            try:
                # The edited pages first; MkDocs shows them while we wait for a quiet moment.
                if paths and preview.stage_posts(paths) and pending.wait(SETTLE_SECONDS):
                    continue  # another edit came in: its own pages first again
                preview.stage(interrupted=pending.is_set)
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
    # The first stage loaded the content before anything watched it: a file saved since then
    # (or a moment before, file times being coarser than the clock) is staged again.
    with guard:
        changed.update(_changed_since(preview.root, preview.loaded_ns - EDITED_MARGIN_NS))
        if changed:
            pending.set()
    threading.Thread(target=loop, daemon=True).start()
    return observer


EDITED_MARGIN_NS = 1_000_000_000


def _changed_since(root: Path, since_ns: int) -> set[Path]:
    """The watched files modified at `since_ns` or later."""
    found: set[Path] = set()
    for name in WATCHED:
        top = root / name
        paths = [top] if top.is_file() else []
        for folder, _, names in os.walk(top):
            paths.extend(Path(folder) / n for n in names)
        for path in paths:
            try:
                if path.stat().st_mtime_ns >= since_ns:
                    found.add(path.resolve())
            except OSError:
                continue  # removed meanwhile: its folder's event says so
    return found


# The finished sites of the preview, in .relais/serve/: the server answers from the last one
# at once, while the fresh one is built into the other (never into the one being served).
SITES = ("site-a", "site-b")
CURRENT = "current.json"  # which one is finished, and for which address (its canonical URLs)


def _signature(data: bytes) -> str | None:
    """The marker's HMAC with the build cache's key (outside the repository): a marker committed
    into the repository, or written by anyone without the key, is not trusted."""
    from . import cache

    key = cache.secret()
    return hmac.new(key, b"relais-serve\0" + data, "sha256").hexdigest() if key else None


def previous_site(staging: Path, dev_addr: str) -> tuple[Path | None, str]:
    """The last preview's finished site for this address, and its mount path; (None, "/")."""
    try:
        text = (staging / CURRENT).read_bytes()
        data = json.loads(text)
        body = json.dumps(data["marker"], sort_keys=True).encode("utf-8")
        name, address, mount = (data["marker"][k] for k in ("site", "address", "mount"))
    except (OSError, ValueError, KeyError, TypeError):
        return None, "/"
    expected = _signature(body)
    if (
        expected is None
        or not isinstance(data.get("signature"), str)
        or not hmac.compare_digest(expected, data["signature"])
        or name not in SITES
        or address != dev_addr
        or not isinstance(mount, str)
        or not (mount.startswith("/") and mount.endswith("/"))
    ):
        return None, "/"
    site = staging / name
    return (site, mount) if (site / "index.html").is_file() else (None, "/")


def _finished(staging: Path, site: Path, dev_addr: str, mount: str) -> None:
    """Record `site` as the finished one, in one step (a preview stopped while building the
    other never serves it)."""
    marker = {"site": site.name, "address": dev_addr, "mount": mount}
    signature = _signature(json.dumps(marker, sort_keys=True).encode("utf-8"))
    if signature is None:
        return  # no key: the next preview waits for its own build
    data = json.dumps({"marker": marker, "signature": signature}).encode("utf-8")
    part = staging / f".{CURRENT}.part"
    safefs.write_bytes(part, data, base=staging)
    os.replace(part, staging / CURRENT)


def serve(root: Path, *, now_option: str | None = None, dev_addr: str = "127.0.0.1:8000") -> int:
    """Serve the portal on dev_addr, with live reload; returns the exit code."""
    from . import cache, engine

    preview = Preview(root, now_option)
    try:  # .relais/serve/ is written again and again: no link in it, ever (see safefs.py)
        check_work_folder(preview.root, preview.staging)
    except PublishError as exc:
        click.echo(f"error: {exc}", err=True)
        return 1
    previous, mount = previous_site(preview.staging, dev_addr)
    fresh = preview.staging / (SITES[1] if previous and previous.name == SITES[0] else SITES[0])
    host, _, port = dev_addr.rpartition(":")
    address = f"http://{host or '127.0.0.1'}:{port}/"

    # Without a last preview, the home page is built alone first, into the other folder (never
    # the one the whole build writes), and served while the rest is built.
    early = preview.staging / (SITES[1] if fresh.name == SITES[0] else SITES[0])
    said: list[bool] = []

    def announce() -> None:
        if not said:
            said.append(True)
            click.echo(
                f"relais: the portal is at {address} "
                + ("(the last preview until this one is ready; " if previous else "(")
                + "it follows your edits; content errors show on the page; Ctrl+C stops)",
                err=True,
            )

    def sooner() -> engine.Sooner | None:
        safefs.remove_tree(fresh)
        safefs.remove_tree(early)
        announce()
        return preview.sooner(early)

    def first() -> Path | None:
        safefs.remove_tree(fresh)  # a build that did not finish, or the one before the last
        announce()
        config_file = preview.stage()
        if config_file is not None:
            _watch(preview)
            _serving.set()
        return config_file

    def on_fresh(mount: str) -> None:
        _finished(preview.staging, fresh, dev_addr, mount)
        # Requests that began before the switch may still read it for a moment.
        timer = threading.Timer(
            30.0, safefs.remove_tree, (previous if previous is not None else early,)
        )
        timer.daemon = True
        timer.start()

    # The first page comes sooner from the build cache (briefs, pages: cache.py), warmed by the
    # last preview; what the preview converts and renders is kept for the next one.
    found = cache.open_cache(preview.root)
    with cache.using(found):
        try:
            served = engine.serve(
                first,
                dev_addr=dev_addr,
                site_dir=fresh,
                previous=previous,
                mount_path=mount,
                on_fresh=on_fresh,
                guard=_REBUILDING,
                sooner=sooner,
            )
        except engine.EngineError as exc:
            click.echo(f"error: {exc}", err=True)
            return 1
        except KeyboardInterrupt:
            served = True
        finally:
            _serving.clear()
    return 0 if served else 1
