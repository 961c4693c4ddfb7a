"""Cache entries that cannot lie: each file holds the SHA-256 of its payload and is used only when it matches.

The build caches (.ecograph-cache/articles, mapping, shacl) save time, never decide what is published. An entry
that is missing, not a regular file (a symlink, a FIFO, a folder), unreadable, or whose payload no longer matches
its recorded hash (truncated, edited by hand) reads as a miss: the caller computes the value afresh and writes
a new entry. A cache that cannot be written (a read-only disk, a file where the cache folder should be) only
costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from pathlib import Path

HEADER = b"ecograph-cache sha256="


def read_entry(path: Path) -> bytes | None:
    """The payload of a cache entry, or None when there is no trustworthy entry at `path`."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read()
    except OSError:
        return None
    finally:
        os.close(handle)
    header, newline, payload = data.partition(b"\n")
    if not newline or header != HEADER + hashlib.sha256(payload).hexdigest().encode():
        return None
    return payload


def write_entry(path: Path, payload: bytes) -> None:
    """Store `payload` at `path` with its hash, atomically (a reader never sees half an entry)."""
    scratch = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(HEADER + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        os.chmod(scratch, 0o644)
        os.replace(scratch, path)
    except OSError:
        if scratch is not None:
            with contextlib.suppress(OSError):
                os.unlink(scratch)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path` and rename it into place (readers never see half a file)."""
    handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(scratch, 0o644)  # mkstemp makes it private; a cache is as readable as what it caches
        os.replace(scratch, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(scratch)
        raise
