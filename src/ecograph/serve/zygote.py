"""The zygote: a process that loads the store once and forks a query worker whenever the engine asks.

Forked workers share the loaded store copy-on-write, so a worker killed at the time limit is replaced in
milliseconds, whatever the size of the data. The zygote itself never runs a query: it holds no threads and
no open database when it forks (an on-disk store is opened by each worker after the fork).
"""

from __future__ import annotations

import os
import signal
import socket
import struct

from .store import StoreSource
from .worker import Failure, send, serve

PID = struct.Struct("!q")


def main(control: socket.socket, source: StoreSource) -> None:
    """Answer each one-byte request on `control` carrying a socket with a worker on that socket (its pid)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops on Ctrl-C and then ends the zygote
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the system
    try:
        store = source.open() if source.in_memory else None
    except (OSError, SyntaxError) as error:
        send(control, Failure(f"{source.path} cannot be loaded ({error})", 500))
        return
    send(control, "ready")
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1, 1)
        if not message or not fds:
            return  # the engine has gone
        pid = os.fork()
        if pid == 0:
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _worker(socket.socket(fileno=fds[0]), source, store)
        os.close(fds[0])
        control.sendall(PID.pack(pid))


def _worker(sock: socket.socket, source: StoreSource, store: object) -> None:
    try:
        serve(sock, store if store is not None else source.open())
    except OSError as error:
        send(sock, Failure(f"cannot open the query store {source.path}: {error}", 500))
    finally:
        os._exit(0)
