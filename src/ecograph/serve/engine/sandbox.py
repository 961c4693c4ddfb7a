"""Network isolation for the processes that run queries: they cannot open a network connection at all.

A SPARQL engine that can be made to send a request (SERVICE, and whatever a future engine adds) turns a public
endpoint into a proxy into the network it runs in: its loopback, its intranet, a cloud's metadata address.
The workers refuse SERVICE before running a query (guard.py), but that decision rests on a parser agreeing
with pyoxigraph's about every text; this module makes the question moot. The zygote (zygote.py) enters a new
user and network namespace before it loads anything, and the workers it forks inherit it: inside, the only
interface is a loopback that is down, so every connect() fails (ENETUNREACH), whatever the query says. The
web process stays outside and serves as before; the zygote and workers reach it over their socket pairs,
which namespaces do not affect.

An unprivileged user namespace needs no root (`unshare -rn` does the same); the call must come while the
process is still single-threaded, which is why the zygote makes it first. Where the kernel forbids it (not
Linux, user namespaces disabled, a container that blocks unshare), `isolate_network` says why, and `ecograph
serve` refuses to start unless told to run without it (--allow-network-in-queries).
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket
import sys
from dataclasses import dataclass

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PROBE = ("127.0.0.1", 9)  # any address: inside the namespace nothing is reachable, not even loopback


@dataclass(frozen=True)
class Isolation:
    """Whether the query processes are cut off from the network, and how (or why not)."""

    isolated: bool
    detail: str


def isolate_network() -> Isolation:
    """Move this process (and the children it forks later) into a new user + network namespace, then check
    that a connection to 127.0.0.1 now fails. Call it while the process is single-threaded."""
    if not sys.platform.startswith("linux"):
        return Isolation(False, f"network namespaces exist on Linux only (this is {sys.platform})")
    uid, gid = os.getuid(), os.getgid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        why = (
            "the process had started threads already"
            if code == errno.EINVAL
            else "unprivileged user namespaces may be disabled (sysctl user.max_user_namespaces, "
            "kernel.unprivileged_userns_clone) or a container forbids unshare"
        )
        return Isolation(False, f"the kernel refused a new user + network namespace ({os.strerror(code)}): {why}")
    _keep_ids(uid, gid)
    return probe_network()


def _keep_ids(uid: int, gid: int) -> None:
    """Map our user and group to themselves inside the namespace (as `unshare -r` maps them to root), so that
    files keep their owner as seen from inside; reading the store works either way."""
    for path, text in (
        ("/proc/self/setgroups", "deny"),
        ("/proc/self/uid_map", f"{uid} {uid} 1"),
        ("/proc/self/gid_map", f"{gid} {gid} 1"),
    ):
        try:
            with open(path, "w", encoding="ascii") as stream:
                stream.write(text)
        except OSError:
            return


def probe_network() -> Isolation:
    """Isolated when a connection to 127.0.0.1 fails because no network is reachable."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(PROBE)
        except OSError as error:
            if error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
                return Isolation(True, "a network namespace of their own without interfaces")
            return Isolation(False, f"127.0.0.1 is still reachable ({error.strerror or error})")
    return Isolation(False, "127.0.0.1 is still reachable (a connection succeeded)")
