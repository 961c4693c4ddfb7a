"""The zygote: a process that loads the store once and forks a query worker whenever the engine asks.

Forked workers share the loaded store copy-on-write, so a worker killed at the time limit is replaced in
milliseconds, whatever the size of the data. The zygote itself never runs a query: it holds no threads and
no open database when it forks (an on-disk store is opened by each worker after the fork).

Before anything else it cuts itself off from the network (sandbox.py), so the workers it forks cannot open a
connection whatever query they run; its "ready" message (Ready) says whether that worked, and `serve` decides.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
from dataclasses import dataclass

import pyoxigraph as ox

from ...store import StoreSource
from ..model import Limits
from .sandbox import Isolation, isolate_network
from .worker import Failure, send, serve

PID = struct.Struct("!q")


@dataclass(frozen=True)
class Ready:
    """The zygote's first message once the store is loaded: whether its workers are cut off from the network."""

    isolation: Isolation


def main(control: socket.socket, source: StoreSource, limits: Limits) -> None:
    """Answer each one-byte request on `control` carrying a socket with a worker on that socket (its pid)."""
    isolation = isolate_network()  # first: unshare needs a process that has no threads yet
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops on Ctrl-C and then ends the zygote
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the system
    try:
        store = source.open() if source.in_memory else None
    except (OSError, SyntaxError) as error:
        send(control, Failure(f"{source.path} cannot be loaded ({error})", 500))
        return
    send(control, Ready(isolation))
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1, 1)
        if not message or not fds:
            return  # the engine has gone
        pid = os.fork()
        if pid == 0:
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _worker(socket.socket(fileno=fds[0]), source, store, limits)
        os.close(fds[0])
        control.sendall(PID.pack(pid))


def _worker(sock: socket.socket, source: StoreSource, store: ox.Store | None, limits: Limits) -> None:
    try:
        serve(sock, store if store is not None else source.open(), limits)
    except OSError as error:
        send(sock, Failure(f"cannot open the query store {source.path}: {error}", 500))
    finally:
        os._exit(0)
