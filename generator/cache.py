"""The build cache in `.relais/cache/`: work already done, keyed by a digest of all it came from.

Two kinds of entries, both keyed by a SHA-256 of their inputs together with the *context*
(Relais' version, a digest of Relais' own files: code, templates, theme; the versions of
the libraries that shape the output; for pages, the whole MkDocs configuration):

- **briefs** (`briefs.json`): a post's brief converted to HTML and its search entry, keyed by
  the brief's text, the site's language and address (brief.converted);
- **pages** (`pages.json` and `blobs/`): the HTML MkDocs wrote for a page, keyed by the page's
  whole source (front matter and Markdown, whatever section made it) and the configuration
  (mkdocs_hooks). Only pages whose output depends on nothing else are kept: outside the
  navigation, made of raw HTML blocks only, and described to search by Relais.

So an entry can only be found again by the same inputs: a changed post, template, setting,
section or Relais release makes new keys, and the old entries are pruned.

The folder lives in the repository's working folder, and in CI it is restored from a
cache that another branch may have written: nothing in it is trusted. Each index file is
signed (HMAC-SHA256) with a secret kept outside the repository (RELAIS_CACHE_SECRET, or a
random key in the user's cache folder, ~/.cache/relais/cache-secret), so that a file
committed into `.relais/`, or written by anyone without the secret, is ignored; a page's
HTML is stored under the SHA-256 of its bytes and checked against it before it is used.
A truncated, corrupted, foreign or oversized file is ignored (its entries are made again),
no file is read or written through a symbolic link, nothing is unpickled, and the folder is
kept under a size bound (RELAIS_CACHE_MB, 1,024 MB by default) by pruning the entries
least recently used. RELAIS_CACHE=off builds without it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, TypeGuard

import orjson

FOLDER = Path(".relais") / "cache"
FORMAT = b"relais-cache-1"
KEEP_BUILDS = 8  # an entry unused for this many builds is pruned (switching branches back)
GENERATION = "generation.json"  # the number of the last build that saved the cache
REFRESH = KEEP_BUILDS // 2  # an entry used is marked again only when this many builds old: a
# warm build that made nothing new does not rewrite an index of thousands of briefs
INDEX_LIMIT = 512 * 1024 * 1024  # an index larger than this is not read
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted in the folder must not block a read


def enabled() -> bool:
    """Whether builds use the cache (RELAIS_CACHE=off turns it off)."""
    return os.environ.get("RELAIS_CACHE", "").lower() not in ("off", "0", "no", "false")


def limit_bytes() -> int:
    """The size bound of the cache folder (RELAIS_CACHE_MB, 1,024 MB by default)."""
    try:
        return max(0, int(os.environ.get("RELAIS_CACHE_MB", "1024"))) * 1024 * 1024
    except ValueError:
        return 1024 * 1024 * 1024


# --- the context: what every entry also depends on ---------------------------------------------

_LIBRARIES = (
    "mkdocs",
    "mkdocs-material",
    "properdocs",
    "mkdocs-materialx",
    "markdown",
    "pymdown-extensions",
    "jinja2",
    "markupsafe",
    "pyyaml",
    "nh3",
    "babel",
    "pydantic",
    "icalendar",
    "twitter-text-parser",
)


@lru_cache(maxsize=1)
def _files_digest() -> str:
    """A digest of every file of the `generator` package (code, templates, theme, data): an edit
    of Relais itself, released or not, changes every key."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo") or not path.is_file():
            continue
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in _LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def context() -> str:
    """What every entry depends on besides its own inputs: Relais' version and files, the
    libraries' versions (read at each call for the version: an upgrade changes every key)."""
    import generator

    engine = os.environ.get("RELAIS_ENGINE", "")  # the runner (MkDocs, ProperDocs) and theme
    return hashlib.sha256(
        f"{generator.__version__}\0{engine}\0{_files_digest()}".encode()
    ).hexdigest()


def key(*parts: str | bytes) -> str:
    """The key of an entry: a SHA-256 of its inputs, each one delimited by its length."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


# --- the secret ---------------------------------------------------------------------------------


def _secret_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "relais" / "cache-secret"


def secret() -> bytes | None:
    """The key that signs the cache's indexes: RELAIS_CACHE_SECRET, or a random one made once
    in the user's cache folder (outside every repository); None when neither can be had
    (the cache is then not used: an unsigned cache would be trusted blindly)."""
    given = os.environ.get("RELAIS_CACHE_SECRET", "")
    if given:
        return hashlib.sha256(b"relais-cache-secret\0" + given.encode()).digest()
    path = _secret_file()
    try:
        data = _read_regular(path, 4096)
        if data is not None and len(data) >= 32:
            return data
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        made = secrets.token_hex(32).encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(made)
        return made
    except FileExistsError:  # made by another build at the same moment
        data = _read_regular(path, 4096)
        return data if data is not None and len(data) >= 32 else None
    except OSError:
        return None


# --- files, never through a link ------------------------------------------------------------------


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file of at most `limit` bytes, or None (missing, a link, a FIFO,
    a folder, too large, unreadable)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _safe_folder(root: Path, folder: Path, create: bool) -> bool:
    """Whether `folder` (below `root`) is a real folder reached without a link; made if asked."""
    try:
        parts = folder.relative_to(root).parts
    except ValueError:
        return False
    current = root
    for part in parts:
        current = current / part
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            if not create:
                return False
            try:
                os.mkdir(current, 0o755)
            except FileExistsError:
                pass
            except OSError:
                return False
            st = os.lstat(current)
        except OSError:
            return False
        if not stat.S_ISDIR(st.st_mode):  # a link (lstat) or a file: never used
            return False
    return True


def _write_atomic(folder: Path, name: str, data: bytes) -> None:
    """Write `folder/name` whole or not at all: a new file (never through a link), renamed."""
    tmp = folder / f".{name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, folder / name)  # replaces a link planted there, never writes through it
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def _write_new(target: str, data: bytes) -> None:
    """Write a page of the site being built as MkDocs does (its folders made, the mode its
    umask gives), as a new file: whatever stood there is removed first (a link itself, never
    its target), so that a file sharing its bytes with a stored page is never written through."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with suppress(FileNotFoundError):
        os.unlink(target)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _link_atomic(source: str, folder: Path, name: str) -> bool:
    """Give the new file `source` the second name `folder/name`, whole or not at all (a new
    link, renamed over whatever was there); False where the system cannot (another disk)."""
    tmp = folder / f".{name}.{secrets.token_hex(6)}.tmp"
    try:
        os.link(source, tmp, follow_symlinks=False)
    except OSError:
        return False
    try:
        os.replace(tmp, folder / name)
    except OSError:
        with suppress(OSError):
            os.unlink(tmp)
        return False
    return True


# --- signed indexes -----------------------------------------------------------------------------


def _sign(secret_key: bytes, name: str, body: bytes) -> str:
    return hmac.new(secret_key, FORMAT + b"\0" + name.encode() + b"\0" + body, "sha256").hexdigest()


def _read_index(folder: Path, name: str, secret_key: bytes) -> dict[str, Any]:
    """An index's entries, or {} when it is missing or not exactly what this build signed."""
    data = _read_regular(folder / name, INDEX_LIMIT)
    if data is None:
        return {}
    head, _, rest = data.partition(b"\n")
    mac, _, body = rest.partition(b"\n")
    if head != FORMAT or not hmac.compare_digest(
        mac.decode("ascii", "replace"), _sign(secret_key, name, body)
    ):
        return {}
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        try:  # what orjson refuses and json reads (NaN, an integer past 64 bits)
            value = json.loads(body)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _write_index(folder: Path, name: str, secret_key: bytes, value: dict[str, Any]) -> None:
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    _write_atomic(
        folder, name, FORMAT + b"\n" + _sign(secret_key, name, body).encode() + b"\n" + body
    )


# --- the cache of one build ---------------------------------------------------------------------


@dataclass
class Cache:
    """The entries found in `.relais/cache/` for one build, and those it used or made."""

    folder: Path
    secret_key: bytes
    generation: int = 0
    ctx: str = field(default_factory=context)  # see context(), taken when the build starts
    briefs: dict[str, Any] = field(default_factory=dict)  # key -> [generation, html, entry]
    pages: dict[str, Any] = field(default_factory=dict)  # key -> [generation, sha256, size, meta]
    hits: dict[str, int] = field(default_factory=lambda: {"briefs": 0, "pages": 0})
    misses: dict[str, int] = field(default_factory=lambda: {"briefs": 0, "pages": 0})
    changed_briefs: bool = False  # briefs.json has entries to write
    changed_pages: bool = False  # pages.json has entries to write
    counted: bool = False  # this build's generation is written (GENERATION)
    partial: bool = False  # opened without the briefs' index (`relais check`): never saved
    # `relais serve` plans in its watcher's thread while MkDocs rebuilds in the server's.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    # briefs

    def brief(self, entry_key: str) -> tuple[str | None, dict[str, str] | None] | None:
        """The converted brief stored under `entry_key`, or None."""
        found = self.briefs.get(entry_key)
        if not _brief_shape(found):
            self.misses["briefs"] += 1
            return None
        self.hits["briefs"] += 1
        self.changed_briefs |= self._mark(found)
        return found[1], found[2]

    def _mark(self, found: list[Any]) -> bool:
        """Mark an entry as used by this build, when it is old enough to need it (REFRESH)."""
        if self.generation - found[0] < REFRESH:
            return False
        found[0] = self.generation
        return True

    def keep_brief(self, entry_key: str, html: str | None, entry: dict[str, str] | None) -> None:
        """Remember a brief converted in this build (or mark a stored one as used)."""
        with self.lock:
            found = self.briefs.get(entry_key)
            if _brief_shape(found) and found[1] == html and found[2] == entry:
                self.changed_briefs |= self._mark(found)
                return
            self.briefs[entry_key] = [self.generation, html, entry]
            self.changed_briefs = True

    # pages

    def page(self, entry_key: str) -> tuple[str, dict[str, Any]] | None:
        """(sha256 of the HTML, the page's front matter) stored under `entry_key`, or None."""
        found = self.pages.get(entry_key)
        if not _page_shape(found):
            return None
        self.changed_pages |= self._mark(found)
        return found[1], found[3]

    def count_page(self, placed: bool) -> None:
        """Count a page looked up: placed from the cache, or built (see BuildResult)."""
        (self.hits if placed else self.misses)["pages"] += 1

    def place_page(self, sha: str, target: str) -> bool:
        """Put the stored HTML whose SHA-256 is `sha` at `target`, after checking its bytes
        against `sha`; False (nothing placed) when it is missing or altered. The file placed
        is a second name of the stored file (a hard link, no copy) where the system allows
        it, else a new file with the bytes checked; either way the bytes checked are those of
        the file placed, read through its new name."""
        blob = self.folder / "blobs" / sha
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)  # in the build's own new folder
            with suppress(FileNotFoundError):
                os.unlink(target)  # whatever stands there (a link itself, never its target)
        except OSError:
            return False
        try:
            # A link to the stored name itself: a symbolic link planted there stays one, which
            # the check below refuses to open.
            os.link(blob, target, follow_symlinks=False)
            linked = True
        except OSError:
            linked = False  # another disk, or a system without hard links: a copy below
        try:
            fd = os.open(target if linked else blob, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK)
        except OSError:
            return self._unplaced(target, linked)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > INDEX_LIMIT:
                return self._unplaced(target, linked)
            with os.fdopen(os.dup(fd), "rb") as handle:
                data = handle.read()
            if hashlib.sha256(data).hexdigest() != sha:
                # Altered: removed (a link itself, never its target), so that keep_page
                # stores the page again under its name.
                with suppress(OSError):
                    os.unlink(blob)
                return self._unplaced(target, linked)
            if linked:
                return True
            out = os.open(
                target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o644
            )
            with os.fdopen(out, "wb") as handle:
                handle.write(data)
            return True
        except OSError:
            return self._unplaced(target, linked)
        finally:
            os.close(fd)

    @staticmethod
    def _unplaced(target: str, linked: bool) -> bool:
        """A page that could not be placed: the link made at `target`, if any, removed."""
        if linked:
            with suppress(OSError):
                os.unlink(target)
        return False

    def keep_page(
        self, entry_key: str, data: bytes, meta: dict[str, Any], target: str | None = None
    ) -> None:
        """Store the HTML MkDocs made for a page (content-addressed) under `entry_key`. With
        `target`, write the page there first (in the build's new site, as MkDocs would; an
        OSError then means the page is not written): the stored copy is then a second name of
        that new file where the system allows it, one write instead of two."""
        sha = hashlib.sha256(data).hexdigest()
        blobs = self.folder / "blobs"
        if target is not None:
            _write_new(target, data)
        try:
            stored = (blobs / sha).is_file() and not os.path.islink(blobs / sha)
            if not stored and (target is None or not _link_atomic(target, blobs, sha)):
                _write_atomic(blobs, sha, data)
        except OSError:
            return
        with self.lock:
            self.pages[entry_key] = [self.generation, sha, len(data), meta]
            self.changed_pages = True

    # saving

    def save(self) -> None:
        """Write the indexes (entries of the last KEEP_BUILDS builds, within the size bound)
        and remove the stored pages no entry names any more."""
        with self.lock:
            if self.partial:
                return
            try:
                if not self.counted:
                    # Builds are counted even when they change nothing (entries unused for
                    # KEEP_BUILDS builds go): a small index of its own, written every build.
                    _write_index(
                        self.folder, GENERATION, self.secret_key, {"generation": self.generation}
                    )
                    self.counted = True
                self._save()
            except OSError:
                return  # a cache that cannot be written only makes the next build slower
            # Saved: MkDocs' end and the build's end do not both write them.
            self.changed_briefs = self.changed_pages = False

    def _save(self) -> None:
        oldest = self.generation - KEEP_BUILDS
        budget = limit_bytes()
        pages = sorted(
            ((k, v) for k, v in self.pages.items() if _page_shape(v) and v[0] > oldest),
            key=lambda item: -item[1][0],
        )
        kept_pages: dict[str, Any] = {}
        used = 0
        for entry_key, value in pages:
            if used + value[2] > budget:
                continue
            kept_pages[entry_key] = value
            used += value[2]
        briefs = sorted(
            ((k, v) for k, v in self.briefs.items() if _brief_shape(v) and v[0] > oldest),
            key=lambda item: -item[1][0],
        )
        kept_briefs: dict[str, Any] = {}
        for entry_key, value in briefs:
            size = len(value[1] or "") + len(json.dumps(value[2]))
            if used + size > budget:
                continue
            kept_briefs[entry_key] = value
            used += size
        # An index is written when this build added or marked entries, or when some go (unused
        # for KEEP_BUILDS builds, past the size bound, or not of the shape Relais writes).
        if self.changed_briefs or len(kept_briefs) != len(self.briefs):
            _write_index(self.folder, "briefs.json", self.secret_key, {"briefs": kept_briefs})
            self.briefs = kept_briefs
        if not (self.changed_pages or len(kept_pages) != len(self.pages)):
            return
        _write_index(
            self.folder,
            "pages.json",
            self.secret_key,
            {"generation": self.generation, "pages": kept_pages},
        )
        self.pages = kept_pages
        named = {value[1] for value in kept_pages.values()}
        blobs = self.folder / "blobs"
        with os.scandir(blobs) as found:
            for item in found:
                if item.name not in named:
                    with suppress(OSError):
                        os.unlink(item.path)  # a link is removed itself, never followed


def _brief_shape(value: Any) -> TypeGuard[list[Any]]:
    return (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], int)
        and (value[1] is None or isinstance(value[1], str))
        and (value[2] is None or _entry_shape(value[2]))
    )


def _entry_shape(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


def _page_shape(value: Any) -> TypeGuard[list[Any]]:
    return (
        isinstance(value, list)
        and len(value) == 4
        and isinstance(value[0], int)
        and isinstance(value[1], str)
        and len(value[1]) == 64
        and all(c in "0123456789abcdef" for c in value[1])
        and isinstance(value[2], int)
        and isinstance(value[3], dict)
    )


def open_cache(root: Path, *, briefs: bool = True) -> Cache | None:
    """The cache of the repository at `root` (made if missing), or None when it is turned off,
    has no secret, or its folder is not a plain folder (a link: never followed). Without
    `briefs` (`relais check`) the briefs' and pages' indexes are not read, and save() writes
    nothing."""
    if not enabled():
        return None
    root = Path(root).resolve()
    folder = root / FOLDER
    if not (root / ".relais").exists() and not (root / "site_config.yml").is_file():
        return None  # not a content repository: leave no folder behind
    secret_key = secret()
    if secret_key is None or not _safe_folder(root, folder / "blobs", create=True):
        return None
    found_briefs = _read_index(folder, "briefs.json", secret_key).get("briefs") if briefs else None
    generation = _read_index(folder, GENERATION, secret_key).get("generation")
    # `relais check` needs no page: the pages' index (megabytes at 2,000 posts) is not read.
    pages = _read_index(folder, "pages.json", secret_key) if briefs or generation is None else {}
    if not isinstance(generation, int):
        generation = pages.get("generation")  # a cache written before GENERATION existed
    generation = generation + 1 if isinstance(generation, int) and generation >= 0 else 1
    found_pages = pages.get("pages")
    return Cache(
        folder,
        secret_key,
        generation,
        briefs=found_briefs if isinstance(found_briefs, dict) else {},
        pages=found_pages if isinstance(found_pages, dict) else {},
        partial=not briefs,
    )


# --- the cache in use ---------------------------------------------------------------------------

_ACTIVE: list[Cache] = []


def active() -> Cache | None:
    """The cache of the build running in this process (forked workers inherit it), or None."""
    return _ACTIVE[-1] if _ACTIVE else None


@contextmanager
def using(found: Cache | None) -> Iterator[Cache | None]:
    """Make `found` the active cache for the block (None: no cache)."""
    if found is None:
        yield None
        return
    _ACTIVE.append(found)
    try:
        yield found
    finally:
        _ACTIVE.remove(found)
