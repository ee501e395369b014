"""Compiled Jinja templates kept in the build cache between builds, signed like its indexes."""

from __future__ import annotations

import hmac
from contextlib import suppress
from typing import TYPE_CHECKING

import jinja2

from . import cache

if TYPE_CHECKING:
    from jinja2.bccache import Bucket

FOLDER = "jinja"  # in .relais/cache/
LIMIT = 4 << 20  # the largest compiled template Relais reads back (Material's base: 0.1 MB)


class SignedCode(jinja2.BytecodeCache):
    """The Python code Jinja compiles a template into, kept in `.relais/cache/jinja/`.

    Compiling Relais' and Material's templates again costs about half a second in every build
    and in every process of it. Jinja keeps that code as marshal data, which runs whatever it
    holds when loaded: a file is loaded only when it carries the signature of this machine's
    cache secret (cache.secret) over its name and bytes, so a `.relais/` committed to the
    repository or restored from another branch's cache is never run. Jinja itself checks, in
    the file, its own version, Python's, and the checksum of the template's source. Without an
    active cache (RELAIS_CACHE=off, `relais check`'s first run) templates are just compiled."""

    def load_bytecode(self, bucket: Bucket) -> None:
        store = cache.active()
        if store is None:
            return
        data = cache._read_regular(store.folder / FOLDER / bucket.key, LIMIT)
        if data is None:
            return
        mac, newline, body = data.partition(b"\n")
        if newline and hmac.compare_digest(mac, _sign(store.secret_key, bucket.key, body)):
            bucket.bytecode_from_string(body)

    def dump_bytecode(self, bucket: Bucket) -> None:
        store = cache.active()
        if store is None:
            return
        folder = store.folder / FOLDER
        with suppress(OSError):  # a template not kept is compiled again next time
            if cache._safe_folder(store.folder, folder, create=True):
                body = bucket.bytecode_to_string()
                data = _sign(store.secret_key, bucket.key, body) + b"\n" + body
                cache._write_atomic(folder, bucket.key, data)


def _sign(secret_key: bytes, name: str, body: bytes) -> bytes:
    return (
        hmac.new(secret_key, b"jinja\0" + name.encode() + b"\0" + body, "sha256")
        .hexdigest()
        .encode("ascii")
    )
