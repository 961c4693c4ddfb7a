"""A TCP listener on 127.0.0.1 that counts the connections made to it: what a query must never reach."""

from __future__ import annotations

import select
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Listener:
    """Accepts (and closes at once) every connection on a free loopback port, on a thread."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.server.getsockname()[1]
        self._count = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept_until_stopped, daemon=True)
        self._thread.start()

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def connections(self) -> int:
        """Connections so far, including any the kernel has completed and the thread not yet accepted: a
        query that connects does so before it is answered, so this is exact once its answer has arrived."""
        self._accept_pending()
        with self._lock:
            return self._count

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()

    def _accept_until_stopped(self) -> None:
        while not self._stop.is_set():
            self._accept_pending(wait=0.05)

    def _accept_pending(self, wait: float = 0.0) -> None:
        with self._lock:
            while select.select([self.server], [], [], wait)[0]:
                connection, _ = self.server.accept()
                connection.close()
                self._count += 1
                wait = 0.0


@contextmanager
def listening() -> Iterator[Listener]:
    listener = Listener()
    try:
        yield listener
    finally:
        listener.close()
