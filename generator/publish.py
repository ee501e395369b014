"""Stage 4: write the planned site into a staging folder, run MkDocs, swap the result into place.

The previous site stays complete whatever happens: MkDocs builds into a fresh folder
beside the output and the two are exchanged atomically (Linux renameat2 with
RENAME_EXCHANGE; elsewhere two renames). A lock keeps two builds from mixing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import html
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from . import engine, headers, safefs
from .jobs import Timings
from .render import inert_url, sprite
from .site import Site

THEME_DIR = Path(__file__).parent / "theme"
HOOKS = Path(__file__).parent / "mkdocs_hooks.py"  # the engine's hooks: less work per page
FRAME_HOOKS = (
    Path(__file__).parent / "frame_hooks.py"
)  # a section's tab and sidebar on all its pages
STATE_DIR = ".relais"

CSP = headers.CSP  # the policy of every page's <meta>; the host's headers say more (headers.py)


class PublishError(Exception):
    """A build that could not complete; the message is one paragraph for the user."""


class BuildLocked(PublishError):
    pass


WORK_HINT = (
    "remove it; .relais/ is Relais' own work folder (the lock, the staging, the watch cache) "
    "and may hold no link"
)
OUT_HINT = "remove it, or build into another folder with --out"


def check_output(root: Path, out: Path) -> Path:
    """The output folder as an absolute path, refused (PublishError) when it is a symbolic link,
    lies under a linked folder of the repository, or is a file: the build replaces it whole."""
    root, out = Path(os.path.abspath(root)), Path(os.path.abspath(out))
    try:
        safefs.check_no_links(root, out, hint=OUT_HINT)
    except safefs.UnsafePath as exc:
        raise PublishError(str(exc)) from None
    if out.exists() and not out.is_dir():
        shown = out.relative_to(root).as_posix() if out.is_relative_to(root) else str(out)
        raise PublishError(
            f"{shown} is not a folder: Relais builds the portal into a folder there; "
            "move the file away, or build into another folder with --out"
        )
    return out


def check_work_folder(root: Path, folder: Path) -> Path:
    """A work folder of .relais/ made if needed, refused when it or anything in it is a link."""
    try:
        safefs.make_dirs(root, folder, hint=WORK_HINT)
        link = safefs.first_link(folder)
        if link is not None:
            raise safefs.UnsafePath(
                f"{link.relative_to(root).as_posix()} is a symbolic link; Relais never writes "
                f"through a link: {WORK_HINT}"
            )
    except safefs.UnsafePath as exc:
        raise PublishError(str(exc)) from None
    return folder


_HELD: set[str] = (
    set()
)  # repositories whose lock this process holds (build() locks, then publish())


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """An exclusive lock per content repository; a second build fails at once with a clear message.
    Re-entrant within one process."""
    key = str(Path(root).resolve())
    if key in _HELD:
        yield
        return
    try:
        state = safefs.make_dirs(Path(root), Path(root) / STATE_DIR, hint=WORK_HINT)
        fd = safefs.open_lock(state / "build.lock", Path(root), hint=WORK_HINT)
    except safefs.UnsafePath as exc:
        raise PublishError(str(exc)) from None
    with os.fdopen(fd, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = ""
            for _ in range(20):  # the holder writes its pid just after taking the lock
                handle.seek(0)
                holder = handle.read().strip()
                if holder:
                    break
                time.sleep(0.05)
            holder = holder or "another process"
            raise BuildLocked(
                f"another relais build is running in this repository (pid {holder}); "
                "wait for it to finish, then build again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        _HELD.add(key)
        try:
            yield
        finally:
            _HELD.discard(key)
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _escaped_nav(nav: object) -> object:
    """Nav labels are printed unescaped by Material: a page title written by a colleague is text."""
    if isinstance(nav, list):
        return [_escaped_nav(item) for item in nav]
    if isinstance(nav, dict):
        return {html.escape(str(label)): _escaped_nav(target) for label, target in nav.items()}
    return nav


def mkdocs_config(site: Site, docs_dir: Path, site_dir: Path) -> dict[str, Any]:
    """The mkdocs.yml of the portal, as data (dumped, never assembled as text)."""
    not_in_nav = "\n".join(site.not_in_nav)
    return {
        # Material prints the site name unescaped in <title> and attributes: escape it here, as
        # the planner does for page titles.
        "site_name": html.escape(site.name),
        # MkDocs and Material print the address (and its path, in every asset URL of 404.html)
        # without escaping: what `relais check` lets through is encoded once more here.
        "site_url": inert_url(site.url),
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "use_directory_urls": True,
        "theme": {
            "name": engine.named().theme,  # checked when it builds
            "custom_dir": str(THEME_DIR),
            "language": site.language,
            "font": False,  # no Google Fonts: the portal calls no other host
            "features": [
                "navigation.tabs",
                "navigation.top",
                "search.highlight",
                "content.code.copy",
            ],
            "palette": {"scheme": "default", "primary": "indigo", "accent": "indigo"},
        },
        "plugins": [engine.named().search_plugin(site.language)],
        "hooks": [str(HOOKS), str(FRAME_HOOKS)],
        "markdown_extensions": [
            "attr_list",
            "md_in_html",
            "admonition",
            "tables",
            "def_list",
            "footnotes",
            "fenced_code",  # ``` and ~~~ blocks are code (render.safe_markdown leaves exactly them raw)
            {"toc": {"permalink": False}},
            {"generator.render:SafeLinksExtension": {"site_url": site.url}},
        ],
        "nav": _escaped_nav(site.nav),
        "not_in_nav": not_in_nav,
        "extra_css": ["assets/relais.css"],
        "extra_javascript": [
            "assets/relais-count.js",
            "assets/relais.js",
            "assets/relais-kits.js",
            "assets/relais-calendar.js",
            "assets/relais-moderation.js",
        ],
        "extra": {
            "generator": False,
            "relais": {
                "sprite": sprite(site.extra.get("networks", [])),
                "csp": CSP,
                **site.extra.get("chrome", {}),
            },
        },
        "validation": {
            "nav": {"omitted_files": "ignore", "not_found": "warn"},
            "links": {"not_found": "warn"},
        },
    }


def write_tree(
    root: Path,
    pages: dict[str, str],
    files: dict[str, bytes],
    copies: dict[str, Path],
    known: dict[str, bytes | Path] | None = None,
) -> int:
    """Make `root` hold exactly these files; unchanged files are left alone. Returns files written.

    `known` (kept by the caller between calls, as `relais serve` does) remembers what the
    last call wrote, so that unchanged files are neither listed nor read back from disk.
    """
    wanted: dict[str, bytes | Path] = {
        **{k: v.encode("utf-8") for k, v in pages.items()},
        **files,
        **copies,
    }
    written = 0
    safefs.make_dirs(root.parent, root)
    if known:
        existing = set(known)
    else:
        existing = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    for rel in existing - set(wanted):
        (root / rel).unlink(missing_ok=True)
    for rel, content in wanted.items():
        target = root / rel
        if known and isinstance(content, bytes) and known.get(rel) == content:
            continue
        if isinstance(content, Path):
            if (
                rel in existing
                and target.stat().st_size == content.stat().st_size
                and target.stat().st_mtime >= content.stat().st_mtime
            ):
                continue
            safefs.copy_file(content, target, base=root)
        else:
            if (
                rel in existing
                and target.stat().st_size == len(content)
                and target.read_bytes() == content
            ):
                continue
            safefs.write_bytes(target, content, base=root)
        written += 1
    if known is not None:
        known.clear()
        known.update(wanted)
    return written


def staging_on_disk() -> bool:
    """RELAIS_STAGING=disk writes every page into .relais/staging/docs/ (to read or debug them,
    or to run `mkdocs build` on them by hand); by default `relais build` hands them over in memory."""
    return os.environ.get("RELAIS_STAGING", "") == "disk"


def write_staging(
    site: Site,
    staging: Path,
    site_dir: Path,
    *,
    serving: bool = False,
    known: dict[str, bytes | Path] | None = None,
    on_disk: bool = True,
) -> Path:
    """Write the docs folder and mkdocs.yml into `staging`, touching only what changed.

    Returns the mkdocs.yml path. Unchanged files keep their modification time, so that
    `mkdocs serve --dirty` rebuilds only the pages whose source changed. `known`: see write_tree.
    With on_disk=False the docs folder is left empty: run_mkdocs(..., site=site) hands the
    pages to MkDocs from memory.
    """
    docs = staging / "docs"
    if on_disk:
        write_tree(docs, site.pages, site.files, site.copies, known)
    else:
        if docs.is_dir() and any(docs.iterdir()):
            # Pages of an earlier build on disk: MkDocs would find them twice.
            safefs.remove_tree(docs)
        safefs.make_dirs(staging, docs)
    config = mkdocs_config(site, docs, site_dir)
    if on_disk:
        # Beside the docs, not in them: MkDocs would publish it. The hooks read it (mkdocs_hooks);
        # from memory, they take site.search instead.
        search_file = staging / "search-entries.json"
        entries = json.dumps(site.search, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if not search_file.is_file() or search_file.read_bytes() != entries:
            safefs.write_bytes(search_file, entries, base=staging)
        config["extra"]["relais"]["search_entries"] = str(search_file)
    if serving:
        # The live-reload script MkDocs injects is inline: allow it in preview only.
        config["extra"]["relais"]["csp"] = CSP.replace(
            "script-src 'self'", "script-src 'self' 'unsafe-inline'"
        )
        config["extra"]["relais"]["jinja_cache"] = str(_jinja_cache())  # see mkdocs_hooks
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    config_file = staging / "mkdocs.yml"
    if not config_file.is_file() or config_file.read_text(encoding="utf-8") != text:
        safefs.write_bytes(config_file, text.encode("utf-8"), base=staging)
    return config_file


_JINJA_CACHE: list[Path] = []


def _jinja_cache() -> Path:
    """A folder of this process, outside the repository, for `relais serve`'s compiled templates:
    Jinja runs the bytecode it loads, so it must never come from a folder a commit can fill."""
    if not _JINJA_CACHE:
        import atexit

        folder = Path(tempfile.mkdtemp(prefix="relais-jinja-"))  # 0700, this user's
        atexit.register(shutil.rmtree, folder, True)
        _JINJA_CACHE.append(folder)
    return _JINJA_CACHE[0]


def _renameat2_exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def swap_into_place(new: Path, out: Path) -> None:
    """Put the freshly built `new` at `out`, so that `out` is at every moment a complete site."""
    if not out.exists():
        os.replace(new, out)
        return
    if _renameat2_exchange(new, out):
        _discard(new, out)  # `new` now holds the previous site
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.replace(out, old)
    os.replace(new, out)
    _discard(old, out)


def _discard(previous: Path, out: Path) -> None:
    """Remove the previous site without making the build wait for it.

    Unlinking a site of thousands of pages takes about a second on an ordinary disk (as long
    as a warm build's checks): the folder is renamed `.<out>.gone-<pid>` and a detached `rm`
    removes it while the build reports. A removal cut short (the machine stopped) is finished
    by the next build's first step (_clean_leftovers); without `rm`, it is removed here."""
    gone = out.with_name(f".{out.name}.gone-{os.getpid()}")
    rm = shutil.which("rm")
    try:
        os.replace(previous, gone)
        if rm is None:
            raise OSError("no rm")
        subprocess.Popen(
            [rm, "-rf", "--", str(gone)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl+C after the build does not cut it short
        )
    except OSError:
        shutil.rmtree(gone if gone.exists() else previous, ignore_errors=True)


def _clean_leftovers(out: Path) -> None:
    """Remove folders of builds that were killed before they could clean up."""
    # A leftover that is a link (committed by someone) is removed as a link, never followed,
    # and never moved into place as the site.
    for leftover in out.parent.glob(f".{out.name}.tmp-*"):
        safefs.remove_tree(leftover)
    for leftover in out.parent.glob(f".{out.name}.gone-*"):
        safefs.remove_tree(leftover)  # a previous site whose removal was cut short
    for leftover in out.parent.glob(f".{out.name}.old-*"):
        if out.exists() or out.is_symlink() or leftover.is_symlink() or not leftover.is_dir():
            safefs.remove_tree(leftover)
        else:
            os.replace(leftover, out)


def run_mkdocs(
    config_file: Path,
    *,
    strict: bool = False,
    dirty: bool = False,
    source_date_epoch: int | None = None,
    site: Site | None = None,
) -> list[str]:
    """Run the real `mkdocs build` (or the engine RELAIS_ENGINE selects) in this process;
    returns its warnings. Raises PublishError.

    `source_date_epoch` (Relais' `now`) dates the sitemap, so that a build is reproducible.
    With `site`, MkDocs takes its pages and files from memory (see write_staging)."""
    try:
        return engine.build(
            config_file,
            strict=strict,
            dirty=dirty,
            source_date_epoch=source_date_epoch,
            site=site,
        )
    except engine.EngineError as exc:
        raise PublishError(str(exc)) from None


def publish(
    site: Site,
    root: Path,
    out: Path,
    *,
    strict: bool = False,
    timings: Timings | None = None,
    source_date_epoch: int | None = None,
    later: Callable[[], dict[str, bytes]] | None = None,
    gate: Callable[[], str] | None = None,
) -> list[str]:
    """Build `site` into `out` atomically; returns MkDocs' warnings. Raises PublishError.

    `later()` gives the site's Later files, made elsewhere while MkDocs builds (build.py);
    they are written into the new site once MkDocs is done (MkDocs empties its output folder
    when it starts; they are static files it never reads), or into the staging with the
    pages when RELAIS_STAGING=disk. `gate()`, asked last, may refuse the new site with a
    message (PublishError): the checks that ran meanwhile found errors."""
    if site.later and later is None:
        raise ValueError(
            "the site's Later files are neither made (Site.with_later) nor coming (later)"
        )
    timings = timings or Timings()
    out = check_output(root, out)
    root = Path(os.path.abspath(root))
    with build_lock(root):
        _clean_leftovers(out)
        staging = check_work_folder(root, root / STATE_DIR / "staging")
        on_disk = staging_on_disk()
        if on_disk and later is not None:  # the staging then holds every file of the site
            with timings.stage("later"):
                site = site.with_later_files(later())
            later = None
        with timings.stage("write"):
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp_site = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
            config_file = write_staging(site, staging, tmp_site, on_disk=on_disk)
        try:
            with timings.stage("mkdocs"):
                warnings = run_mkdocs(
                    config_file,
                    strict=strict,
                    source_date_epoch=source_date_epoch,
                    site=None if on_disk else site,
                )
            if later is not None:
                with timings.stage("later"):
                    for rel, data in sorted(later().items()):
                        (tmp_site / rel).parent.mkdir(parents=True, exist_ok=True)
                        (tmp_site / rel).write_bytes(data)
            refusal = gate() if gate is not None else ""
            if refusal:
                raise PublishError(refusal)
            with timings.stage("swap"):
                swap_into_place(tmp_site, out)
        except BaseException:
            shutil.rmtree(tmp_site, ignore_errors=True)
            raise
    return warnings
