"""Values of pure functions kept between builds: what a text measures, what its checks find.

Most of `relais check` and a good part of a build look at each text on its own (is this word
in the dictionary, is this message too long for X, is this French sentence well spaced),
and a day's edit changes a handful of the thousands of texts of a repository. A *memo*
keeps the answer of such a function under a key made of everything it depends on: its
arguments, Relais' context (version, the digest of its own files, the libraries'
versions: cache.context()) and whatever else the caller names (the dictionaries' bytes).
So an answer can only be found again for the same question asked of the same code.

Memos live in the build cache's folder (`.relais/cache/memo-<kind>.json`), with the same
discipline as its other indexes (cache.py): each file is signed with the cache's secret,
read only when its signature holds, never through a link, and only JSON is stored (no
pickle). A value read back is checked by the caller's `decode`, which raises on anything
it did not write (the entry is then computed again). Workers of a build (jobs.py) fill
memos in their own process: each process saves what it used and made, merged with what
the file holds at that moment, under a lock, and entries unused for cache.KEEP_BUILDS
builds are dropped. Without an active cache (RELAIS_CACHE=off, no secret) nothing is
kept and every function simply runs.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import os
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from markupsafe import Markup

from . import cache
from .diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from .model import Post, SiteConfig

P = ParamSpec("P")
R = TypeVar("R")

SHARDS = "0123456789abcdef"  # a kind's entries are kept in 16 files by their key's first digit:
# a day's edit rewrites the few files its new answers fall in, not the whole memo
MAX_ENTRIES = 25_000  # per file, the most recently used kept (400,000 a kind; a repository of
# 10,000 posts has about 60,000 texts and 40,000 messages)
REFRESH = cache.REFRESH  # an entry used is marked again only when this many builds old


@dataclass
class Shard:
    """The entries of one memo file, as this process read them, and what it used and made."""

    entries: dict[str, list[Any]]  # key -> [generation, value], as read
    stamp: tuple[int, int, int] | None  # the file's (inode, size, time) when read, None: absent
    used: set[str] = field(default_factory=set)
    made: dict[str, Any] = field(default_factory=dict)


@dataclass
class Memo:
    """One kind of memo for this process: its files, read when an answer is first looked up."""

    store: cache.Cache
    kind: str
    shards: dict[str, Shard] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _prefix: hashlib._Hash | None = field(default=None, repr=False)

    def file(self, shard: str) -> str:
        return f"memo-{self.kind}-{shard}.json"

    def key(self, parts: tuple[str | bytes, ...]) -> str:
        """The key of an answer: a SHA-256 of the kind, Relais' context and `parts`, each
        delimited by its length (as cache.key, with the first two hashed once)."""
        if self._prefix is None:
            prefix = hashlib.sha256()
            for name in (self.kind, self.store.ctx):
                encoded = name.encode("utf-8")
                prefix.update(len(encoded).to_bytes(8, "big") + encoded)
            self._prefix = prefix
        digest = self._prefix.copy()
        for part in parts:
            data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big") + data)
        return digest.hexdigest()

    def _shard(self, entry_key: str) -> Shard:
        name = entry_key[0]
        found = self.shards.get(name)
        if found is None:
            stamp = _stamp(self.store.folder / self.file(name))
            index = cache._read_index(self.store.folder, self.file(name), self.store.secret_key)
            entries = index.get("entries")
            found = self.shards[name] = Shard(
                entries if isinstance(entries, dict) else {}, stamp if entries else None
            )
        return found

    def get(self, entry_key: str) -> tuple[bool, Any]:
        """(True, value) when an entry is stored under `entry_key`, else (False, None)."""
        with self.lock:
            shard = self._shard(entry_key)
            if entry_key in shard.made:
                return True, shard.made[entry_key]
            found = shard.entries.get(entry_key)
            if not (isinstance(found, list) and len(found) == 2 and type(found[0]) is int):
                return False, None
            shard.used.add(entry_key)
            return True, found[1]

    def put(self, entry_key: str, value: Any) -> None:
        with self.lock:
            self._shard(entry_key).made[entry_key] = value

    def drop(self, entry_key: str) -> None:
        """Forget an entry its reader refused (it is made again)."""
        with self.lock:
            shard = self._shard(entry_key)
            shard.entries.pop(entry_key, None)
            shard.used.discard(entry_key)

    def save(self) -> None:
        """Write the files where this process made answers, or used answers old enough to be
        marked again: merged with what the file holds now, under the cache's lock."""
        with self.lock:
            for name, shard in self.shards.items():
                with suppress(OSError):  # a memo not written only makes the next run slower
                    self._save(name, shard)
                shard.made.clear()
                shard.used.clear()

    def _save(self, name: str, shard: Shard) -> None:
        generation = self.store.generation
        stale = {k for k in shard.used if shard.entries[k][0] <= generation - REFRESH}
        if not shard.made and not stale:
            return
        path = self.store.folder / self.file(name)
        with _locked(self.store):
            if shard.stamp is not None and _stamp(path) == shard.stamp:
                merged = shard.entries  # nobody wrote it since this process read it
            else:
                index = cache._read_index(self.store.folder, self.file(name), self.store.secret_key)
                found = index.get("entries")
                merged = {
                    **(found if isinstance(found, dict) else {}),
                    **{k: shard.entries[k] for k in shard.used},
                }
            oldest = generation - cache.KEEP_BUILDS
            kept = {
                k: v
                for k, v in merged.items()
                if isinstance(v, list) and len(v) == 2 and type(v[0]) is int and v[0] > oldest
            }
            for entry_key in stale:
                kept[entry_key] = [generation, shard.entries[entry_key][1]]
            for entry_key, made in shard.made.items():
                kept[entry_key] = [generation, made]
            if len(kept) > MAX_ENTRIES:
                kept = dict(sorted(kept.items(), key=lambda item: -item[1][0])[:MAX_ENTRIES])
            cache._write_index(self.store.folder, self.file(name), self.store.secret_key,
                               {"entries": kept})  # fmt: skip
            shard.entries = kept
            shard.stamp = _stamp(path)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


class _locked:
    """An exclusive lock on `.relais/cache/memo.lock` (a regular file, never a link)."""

    def __init__(self, store: cache.Cache) -> None:
        self.path = store.folder / "memo.lock"
        self.fd = -1

    def __enter__(self) -> None:
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        self.fd = os.open(self.path, flags, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        with suppress(OSError):
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


_MEMOS: dict[tuple[int, str], Memo] = {}
_MEMOS_LOCK = threading.Lock()


def memo(kind: str) -> Memo | None:
    """The memo of this kind for the active cache (read once per process), or None."""
    store = cache.active()
    if store is None:
        return None
    slot = (id(store), kind)
    found = _MEMOS.get(slot)  # read without the lock: a dict lookup is atomic
    if found is not None and found.store is store:
        return found
    with _MEMOS_LOCK:
        found = _MEMOS.get(slot)
        if found is None or found.store is not store:
            found = _MEMOS[slot] = Memo(store, kind)
        return found


def save_all(store: cache.Cache | None = None, *, done: bool = False) -> None:
    """Save the memos this process used or filled for `store` (the active cache by default):
    a worker does it before it ends, a build at its end (`done`: then they are let go)."""
    store = store if store is not None else cache.active()
    if store is None:
        return
    with _MEMOS_LOCK:
        memos = [(slot, m) for slot, m in _MEMOS.items() if m.store is store]
        if done:
            for slot, _ in memos:
                del _MEMOS[slot]
    for _, found in memos:
        found.save()


def recall(
    kind: str,
    parts: tuple[str | bytes, ...],
    compute: Callable[[], R],
    encode: Callable[[R], Any],
    decode: Callable[[Any], R],
) -> R:
    """compute(), or its value kept under `parts` (all it depends on besides Relais itself)."""
    found = memo(kind)
    if found is None:
        return compute()
    entry_key = found.key(parts)
    hit, value = found.get(entry_key)
    if hit:
        try:
            return decode(value)
        except (TypeError, ValueError, KeyError, IndexError):
            found.drop(entry_key)  # not what encode() writes: made again
    result = compute()
    found.put(entry_key, encode(result))
    return result


def _describe(value: object) -> str:
    """An argument as a part of a key: its type and its value (True is not 1, "1" is not 1)."""
    return ("s" + value) if isinstance(value, str) else repr(value)


def memoized(
    kind: str, encode: Callable[[R], Any], decode: Callable[[Any], R]
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Keep the values of a pure function whose arguments are str, int, bool or None."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @wraps(fn)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            if cache.active() is None or not all(
                v is None or isinstance(v, (str, int, bool)) for v in (*args, *kwargs.values())
            ):
                return fn(*args, **kwargs)
            described = tuple(_describe(v) for v in args) + tuple(
                f"{name}={_describe(v)}" for name, v in sorted(kwargs.items())
            )
            return recall(kind, described, lambda: fn(*args, **kwargs), encode, decode)

        return call

    return wrap


# --- fingerprints: the whole of a value, or nothing ---------------------------------------------


class Unknown(TypeError):
    """A value whose whole content fingerprint() cannot vouch for: its answer is not kept."""


_ATOMS: dict[type, str] = {int: "i", float: "f", bool: "b", type(None): "n"}


def fingerprint(value: object) -> str:
    """The whole content of `value` as text, its types included (a Markup is not a str, a
    tuple not a list, a dict's order kept), for a key; Unknown for anything not plain data:
    str, numbers, None, lists, tuples, dicts, dates, dataclasses of those, and the objects
    that describe themselves with a `fingerprint()` method (i18n.Translator)."""
    out: list[str] = []
    _walk(value, out)
    return "".join(out)


def _walk(value: object, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(f"s{len(value)}:")  # type: ignore[arg-type]
        out.append(value)  # type: ignore[arg-type]
    elif kind is Markup:  # text that templates print as it is: not the same as a str
        out.append(f"m{len(value)}:")  # type: ignore[arg-type]
        out.append(value)  # type: ignore[arg-type]
    elif kind in _ATOMS:
        out.append(f"{_ATOMS[kind]}{value!r};")
    elif kind is list or kind is tuple:
        out.append("[" if kind is list else "(")
        for item in value:  # type: ignore[attr-defined]
            _walk(item, out)
        out.append("]")
    elif kind is dict:
        out.append("{")
        for k, v in value.items():  # type: ignore[attr-defined]
            _walk(k, out)
            _walk(v, out)
        out.append("}")
    elif kind is datetime or kind is date:
        zone = getattr(value, "tzinfo", None)
        out.append(f"t{value.isoformat()}@{getattr(zone, 'key', zone)!s};")  # type: ignore[attr-defined]
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        out.append(f"<{kind.__module__}.{kind.__qualname__}")
        for f in dataclasses.fields(value):
            _walk(getattr(value, f.name), out)
        out.append(">")
    elif callable(getattr(value, "fingerprint", None)) and not isinstance(value, type):
        out.append(f"<{kind.__module__}.{kind.__qualname__}:")
        _walk(value.fingerprint(), out)  # type: ignore[attr-defined]
        out.append(">")
    else:
        raise Unknown(f"{kind.__qualname__} is not plain data")


# --- what a check finds in one post -------------------------------------------------------------


def config_key(config: SiteConfig) -> str:
    """The whole of the site's settings, as a part of a memo's key (per_post): a digest, so
    that thousands of keys do not each hash kilobytes of settings."""
    return cache.key(config.model_dump_json())


def per_post(
    kind: str, post: Post, context: tuple[str, ...], compute: Callable[[], list[Diagnostic]]
) -> list[Diagnostic]:
    """compute(): what one check finds in one post, or what it found before in the same post
    with the same `context` (recall). The key is the post's source (its path, text and time
    zone: Post.source) and `context`, which must name everything else compute() reads: the
    settings (config_key), the data files it consults, whatever it derives from `now`. Relais'
    own code and version are in every memo's key; a post not made by the loader is not kept."""
    if not post.source:
        return compute()
    return recall(kind, (post.source, *context), compute, _encode_found, _decode_found)


def _encode_found(found: list[Diagnostic]) -> list[list[Any]]:
    return [[d.severity.value, d.file, d.line, d.code, d.message, d.hint, d.column] for d in found]


def _decode_found(value: Any) -> list[Diagnostic]:
    if type(value) is not list:
        raise ValueError("not a list of diagnostics")
    out = []
    for item in value:
        severity, file, line, code, message, hint, column = item
        texts = (file, code, message, hint)
        if not (all(type(t) is str for t in texts) and type(line) is int and type(column) is int):
            raise ValueError("not a diagnostic")
        out.append(Diagnostic(Severity(severity), file, line, code, message, hint, column))
    return out
