"""Writing on the build machine without ever following a link that the repository holds.

A pull request can commit symbolic links anywhere, including where Relais writes: the output
folder (`site`), its work folder (`.relais/`: the lock, the staging, the watch cache), the
post `relais new post` creates, the schemas `relais schema` writes. Followed, such a link
makes a build truncate, overwrite or delete files elsewhere on the machine. So every path
Relais creates, writes, locks, cleans or swaps goes through this module: folders are made
one level at a time and checked with lstat, files are opened with O_NOFOLLOW, and a link
found on the way is refused with a message that names it (UnsafePath), never followed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class UnsafePath(OSError):
    """A path Relais would write through a symbolic link, or a file where a folder must be;
    the message is one sentence for the user."""


def _shown(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            pass
    return str(path)


def _link_error(path: Path, base: Path | None, hint: str) -> UnsafePath:
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return UnsafePath(
        f"{_shown(path, base)} is a symbolic link (to {target}); Relais never writes through "
        f"a link, so that nothing outside the repository and the output folder is touched: {hint}"
    )


def check_no_links(base: Path, target: Path, hint: str = "remove the link") -> None:
    """Raise UnsafePath when `target`, or a folder between `base` and it, is a symbolic link.

    `base` itself (the repository, the folder an administrator chose) is trusted. A `target`
    not under `base` is checked on its own last component only."""
    try:
        parts = target.relative_to(base).parts
        current = base
    except ValueError:
        parts, current = (target.name,), target.parent
    for part in parts:
        current = current / part
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            return  # the rest does not exist yet: make_dirs creates it
        if stat.S_ISLNK(st.st_mode):
            raise _link_error(current, base, hint)


def make_dirs(base: Path, folder: Path, hint: str = "remove the link") -> Path:
    """`mkdir -p folder` that never follows a link below `base`; returns `folder`."""
    check_no_links(base, folder, hint)
    try:
        parts = folder.relative_to(base).parts
        current = base
    except ValueError:
        parts, current = (folder.name,), folder.parent
    current.mkdir(parents=True, exist_ok=True)  # `base` (or the parent given): trusted
    for part in parts:
        current = current / part
        try:
            os.mkdir(current)
        except FileExistsError:
            st = os.lstat(current)
            if stat.S_ISLNK(st.st_mode):
                raise _link_error(current, base, hint) from None
            if not stat.S_ISDIR(st.st_mode):
                raise UnsafePath(
                    f"{_shown(current, base)} is a file where Relais needs a folder: move it away"
                ) from None
    return folder


def _open_for_writing(path: Path, base: Path | None, hint: str, exclusive: bool) -> int:
    flags = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | _CLOEXEC
    flags |= os.O_EXCL if exclusive else os.O_TRUNC
    try:
        return os.open(path, flags, 0o644)
    except OSError:
        if os.path.islink(path):
            raise _link_error(path, base, hint) from None
        raise


def write_bytes(
    path: Path,
    data: bytes,
    *,
    base: Path | None = None,
    hint: str = "remove the link",
    exclusive: bool = False,
) -> None:
    """Write a file, its folders made as make_dirs makes them (below `base`), the file itself
    opened without following a link (O_NOFOLLOW). With exclusive=True the file must not exist
    yet, not even as a dangling link (O_EXCL): FileExistsError."""
    if base is not None:
        make_dirs(base, path.parent, hint)
    fd = _open_for_writing(path, base, hint, exclusive)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def copy_file(source: Path, path: Path, *, base: Path | None = None) -> None:
    """Copy `source` (read as it is, links followed: a media file the checks vetted) to `path`,
    written as write_bytes writes, with the source's modification time."""
    write_bytes(path, source.read_bytes(), base=base)
    st = source.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns), follow_symlinks=False)


def open_lock(path: Path, base: Path | None = None, hint: str = "remove the link") -> int:
    """A file descriptor for a lock file, created if needed, never through a link."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o644)
    except OSError:
        if os.path.islink(path):
            raise _link_error(path, base, hint) from None
        raise


def remove_tree(path: Path) -> None:
    """Remove a folder Relais made (a leftover of a killed build); a link there is removed
    itself, never followed. Errors are ignored, as for leftovers."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        with contextlib.suppress(OSError):
            os.unlink(path)
        return
    shutil.rmtree(path, ignore_errors=True)  # rmtree never follows the links inside


def first_link(folder: Path) -> Path | None:
    """The first symbolic link found in `folder` or below (the folder itself included), or None."""
    if os.path.islink(folder):
        return folder
    for current, dirs, files in os.walk(folder, followlinks=False):
        for name in sorted(dirs + files):
            if os.path.islink(os.path.join(current, name)):
                return Path(current) / name
    return None
