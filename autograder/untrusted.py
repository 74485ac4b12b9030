"""Read files a student controls: never through a link, never a FIFO or device, never unbounded.

Every path a student can shape (an exchange folder, a submitted folder, `timestamp.txt`) is
opened here with `O_NOFOLLOW | O_NONBLOCK` and checked with `fstat` on the open descriptor, so
that a link swapped in between a check and an open is refused as well:

- `read_file(path, limit)`: the bytes of a regular file of at most `limit` bytes;
- `read_tree(path, caps)`: every regular file of a folder, walked through descriptors (a
  folder is entered with `O_DIRECTORY | O_NOFOLLOW`), with caps on depth, count and size, and
  the newest change time (`st_ctime`) of anything in it: a time the owner can move forward
  but never back;
- `entries(path, caps)`: every entry of a folder, listed without ever opening a link or a
  special file, regular files with their bytes within the caps (a listing never refuses what
  it finds: the caller decides what to flag).

All three raise `Refused` with a sentence saying what was found where, for the instructor.
"""

import os
import stat
from dataclasses import dataclass, field

_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_OPEN_DIR = os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY | os.O_CLOEXEC


class Refused(Exception):
    """What a student sent cannot be taken in; the message says what and where."""


class TooLarge(Refused):
    """A regular file larger than the limit it was read with (`size`, `limit` in bytes)."""

    def __init__(self, message, size, limit):
        super().__init__(message)
        self.size, self.limit = size, limit


@dataclass(frozen=True)
class Caps:
    """Limits on one submission folder."""

    files: int = 200  # regular files in all
    depth: int = 8  # folders inside folders
    file_bytes: int = 25 * 2**20  # one file (a notebook with its figures stays far below)
    total_bytes: int = 100 * 2**20  # everything


@dataclass
class Tree:
    """The regular files of a folder: {relative path: bytes}, and its newest change time."""

    files: dict = field(default_factory=dict)
    newest_ctime: float = 0.0
    size: int = 0


def kind(mode):
    """A file type in words."""
    for test, word in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return word
    return "not a regular file"


def _open(name, flags, dir_fd, shown):
    """os.open without following a link -> fd; Refused for a link or what cannot be opened."""
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except OSError as e:
        try:
            mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
        except OSError:
            mode = None
        if mode is not None and stat.S_ISLNK(mode):
            raise Refused(f"{shown} is a symbolic link") from None
        raise Refused(f"{shown} cannot be opened ({e.strerror})") from None


def _read_fd(fd, limit, shown):
    """The bytes behind an open regular file, at most `limit` of them -> (bytes, fstat)."""
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise Refused(f"{shown} is {kind(st.st_mode)}, not a regular file")
    if st.st_size > limit:
        raise TooLarge(f"{shown} has {st.st_size:,} bytes; at most {limit:,} are taken",
                       st.st_size, limit)
    chunks, size = [], 0
    while True:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:  # it grew while being read
            raise TooLarge(f"{shown} has more than {limit:,} bytes", size, limit)
    return b"".join(chunks), os.fstat(fd)


def read_file(path, limit, dir_fd=None, shown=None):
    """The bytes of the regular file `path` (not a link, FIFO or device; at most `limit`)."""
    shown = shown or path
    fd = _open(path, _OPEN_FILE, dir_fd, shown)
    try:
        return _read_fd(fd, limit, shown)[0]
    finally:
        os.close(fd)


def read_tree(path, caps=Caps(), dir_fd=None, shown=None):
    """Every regular file under the folder `path` -> Tree; Refused for a link, a special file
    or a cap exceeded anywhere in it (nothing of a refused folder is used)."""
    tree = Tree()
    fd = _open(path, _OPEN_DIR, dir_fd, shown or path)
    try:
        _walk(fd, "", 0, caps, tree, shown or path)
    finally:
        os.close(fd)
    return tree


def _walk(fd, prefix, depth, caps, tree, shown):
    """Add the folder open at `fd` (relative path `prefix`) to `tree`, depth first."""
    tree.newest_ctime = max(tree.newest_ctime, os.fstat(fd).st_ctime)
    if depth > caps.depth:
        raise Refused(f"{shown}: folders nested deeper than {caps.depth} levels")
    for name in sorted(os.listdir(fd)):
        rel = prefix + name
        st = os.stat(name, dir_fd=fd, follow_symlinks=False)
        if stat.S_ISDIR(st.st_mode):
            sub = _open(name, _OPEN_DIR, fd, f"{shown}/{rel}")
            try:
                _walk(sub, rel + "/", depth + 1, caps, tree, shown)
            finally:
                os.close(sub)
            continue
        if not stat.S_ISREG(st.st_mode):
            raise Refused(f"{shown}/{rel} is {kind(st.st_mode)}")
        if len(tree.files) >= caps.files:
            raise Refused(f"{shown}: more than {caps.files} files")
        if tree.size + st.st_size > caps.total_bytes:
            raise Refused(f"{shown}: more than {caps.total_bytes:,} bytes in all")
        limit = min(caps.file_bytes, caps.total_bytes - tree.size)
        sub = _open(name, _OPEN_FILE, fd, f"{shown}/{rel}")
        try:
            data, after = _read_fd(sub, limit, f"{shown}/{rel}")
        finally:
            os.close(sub)
        tree.files[rel] = data
        tree.size += len(data)
        tree.newest_ctime = max(tree.newest_ctime, after.st_ctime)
    tree.newest_ctime = max(tree.newest_ctime, os.fstat(fd).st_ctime)  # a change meanwhile


@dataclass(frozen=True)
class Entry:
    """One thing found in a folder: `rel` (relative path), `what` ("file", or what else it is:
    "a FIFO", "a symbolic link", ...), `size`, and a regular file's bytes (None when it is not a
    regular file or lies past the caps: `note` then says why)."""

    rel: str
    what: str
    size: int = 0
    data: bytes | None = None
    note: str = ""


def entries(path, caps=Caps(), skip=None):
    """Every entry under the folder `path`, depth first in name order -> [Entry].

    Unlike `read_tree` nothing found refuses the folder: links, FIFOs, sockets and devices are
    listed by kind and never opened, files past `caps` are listed without their bytes, and the
    walk stops at `caps.files` entries or `caps.depth` levels (a last Entry with a note says
    so). `skip(rel, is_folder)` leaves out what it returns True for. Refused only when `path`
    itself is a link or cannot be opened."""
    found = []
    fd = _open(path, _OPEN_DIR, None, path)
    try:
        _list(fd, "", 0, caps, found, skip or (lambda rel, is_folder: False))
    finally:
        os.close(fd)
    return found


def _list(fd, prefix, depth, caps, found, skip):
    """Append the entries of the folder open at `fd` to `found` (see `entries`)."""
    for name in sorted(os.listdir(fd)):
        rel = prefix + name
        if len(found) >= caps.files:
            found.append(Entry(rel, "not read", note=f"more than {caps.files} files"))
            return
        st = os.stat(name, dir_fd=fd, follow_symlinks=False)
        if skip(rel, stat.S_ISDIR(st.st_mode)):
            continue
        if stat.S_ISDIR(st.st_mode):
            if depth >= caps.depth:
                found.append(Entry(rel, "a folder", note=f"deeper than {caps.depth} levels"))
                continue
            sub = _open(name, _OPEN_DIR, fd, rel)
            try:
                _list(sub, rel + "/", depth + 1, caps, found, skip)
            finally:
                os.close(sub)
        elif stat.S_ISREG(st.st_mode):
            found.append(_file_entry(fd, name, rel, st.st_size, caps, found))
        else:
            found.append(Entry(rel, kind(st.st_mode)))


def _file_entry(fd, name, rel, size, caps, found):
    """The Entry of the regular file `name` in the folder open at `fd`, read within the caps."""
    room = caps.total_bytes - sum(e.size for e in found if e.data is not None)
    limit = min(caps.file_bytes, room)
    try:
        sub = _open(name, _OPEN_FILE, fd, rel)
    except Refused as e:  # swapped for a link since it was listed
        return Entry(rel, "not read", note=str(e))
    try:
        data = _read_fd(sub, limit, rel)[0]
    except TooLarge as e:
        why = "files in all" if limit < caps.file_bytes else "one file"
        return Entry(rel, "file", e.size, note=f"{e.size:,} bytes; at most {limit:,} are taken "
                                                f"({why})")
    except Refused as e:
        return Entry(rel, "not read", note=str(e))
    finally:
        os.close(sub)
    return Entry(rel, "file", len(data), data)
