"""Reading the files a user names, and quoting them in messages: regular files only, bounded, quoted briefly.

A path may name a FIFO (reading it waits forever), a device such as /dev/zero (reading it never ends) or a
folder, and `st_size` is 0 for the first two, so a size check alone protects nothing. `read_user_file` opens the
path without blocking, checks the kind of file on the open descriptor (a symlink to a regular file is followed,
and the file checked is the file read) and reads at most the limit plus one byte.

An error message quotes a file only through `excerpt`: one line, at most EXCERPT_LIMIT characters, with control
characters written as escapes, so that a message can neither reproduce a file (a symlink to /etc/passwd named
x.rdf) nor send escape sequences to the terminal.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from .errors import InputError, Location

EXCERPT_LIMIT = 80
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# C0 and C1 controls, and the invisible marks that reorder or hide text (bidirectional overrides, zero width)
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_LONG_RUN = re.compile(rf"[^\s]{{{EXCERPT_LIMIT // 2 + 1},}}")
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_user_file(
    path: Path,
    limit: int,
    *,
    what: str = "the file",
    kind: str = "a file",
    too_large: str = "split it into smaller files",
) -> bytes:
    """The bytes of the regular file at `path` (a symlink to one is followed), at most `limit` of them.

    Raises InputError, naming `path` as given, for a file that cannot be opened, that is not a regular file, or
    that is larger than `limit` ("{what} is N bytes; {kind} is limited to `limit`", with the hint `too_large`).
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise InputError(
            Location(path), f"cannot read {what} ({error.strerror})", "check the path and the file's permissions"
        ) from error
    try:
        mode_and_size = os.fstat(descriptor)
        _refuse_special(path, mode_and_size.st_mode, what)
        if mode_and_size.st_size > limit:
            raise InputError(
                Location(path), f"{what} is {mode_and_size.st_size:,} bytes; {kind} is limited to {limit:,}", too_large
            )
        raw = _read_at_most(descriptor, limit + 1)
    except OSError as error:
        raise InputError(
            Location(path), f"cannot read {what} ({error.strerror})", "check the path and the file's permissions"
        ) from error
    finally:
        os.close(descriptor)
    if len(raw) > limit:  # it grew after fstat
        raise InputError(Location(path), f"{what} is more than {limit:,} bytes; {kind} is limited to that", too_large)
    return raw


def _refuse_special(path: Path, mode: int, what: str) -> None:
    if stat.S_ISREG(mode):
        return
    name = next((name for test, name in _KINDS if test(mode)), "not a file")
    raise InputError(
        Location(path),
        f"{what} is {name}, not a regular file",
        "give the path of a file on disk (a symbolic link to one is fine)",
    )


def _read_at_most(descriptor: int, size: int) -> bytes:
    chunks: list[bytes] = []
    wanted = size
    while wanted > 0:
        chunk = os.read(descriptor, min(wanted, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        wanted -= len(chunk)
    return b"".join(chunks)


def excerpt(text: str, limit: int = EXCERPT_LIMIT) -> str:
    """The first line of `text`, control characters escaped (\\x1b, \\t), shortened to `limit` characters with
    '…' when there is more: what a message may quote of a file."""
    first, *rest = _LINE_BREAK.split(text, maxsplit=1)
    shown = visible(first)
    if len(shown) > limit:
        return shown[: limit - 1] + "…"
    return shown + ("…" if rest and rest[0] and not shown.endswith("…") else "")


def parser_message(message: str) -> str:
    """A parser's error message, which may quote the input at length: its first line, escaped, each run of more
    than EXCERPT_LIMIT // 2 characters without a space shortened, and at most 2 * EXCERPT_LIMIT characters."""
    return excerpt(_LONG_RUN.sub(lambda run: run.group()[: EXCERPT_LIMIT // 2 - 1] + "…", message), 2 * EXCERPT_LIMIT)


def visible(text: str) -> str:
    """`text` with control characters and invisible formatting marks written as Python escapes."""
    return _INVISIBLE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)
