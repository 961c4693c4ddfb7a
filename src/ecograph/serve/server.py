"""`ecograph serve`: prepare a site over dist/ (building it first when missing) and run it on uvicorn.

One web process (uvicorn with httptools and uvloop) forwards bytes; the queries run in the engine's worker
processes, which are where the CPU goes and where a runaway query can be killed.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from ..errors import EcographError
from ..project import Project
from .app import create_app
from .model import Limits
from .site import Site
from .store import TRIG


class ListenError(EcographError):
    """The server cannot listen on the host and port asked for (in use, not allowed, no such address)."""


@dataclass(frozen=True)
class Server:
    site: Site
    host: str
    port: int
    listener: socket.socket

    @property
    def urls(self) -> dict[str, str]:
        """What to open: the landing page, the SPARQL endpoint and editor, the dataset description."""
        host = "localhost" if self.host in ("0.0.0.0", "::") else self.host
        root = f"http://{f'[{host}]' if ':' in host else host}:{self.port}"
        return {"home": f"{root}/", "sparql": f"{root}/sparql", "editor": f"{root}/sparql/editor",
                "void": f"{root}/.well-known/void"}

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C)."""
        config = uvicorn.Config(create_app(self.site), host=self.host, port=self.port, log_level="warning",
                                access_log=False, server_header=False)
        uvicorn.Server(config).run(sockets=[self.listener])


def prepare_server(dist: Path, *, project: Callable[[], Project], host: str = "127.0.0.1", port: int = 8080,
                   limits: Limits | None = None, workers: int | None = None, store: str = "auto") -> Server:
    """A server over `dist`; builds dist/ from `project()` first when it has no ecograph.trig.

    The port is taken first, so that a port in use is said at once, before any building or loading."""
    listener = listen(host, port)
    try:
        if not (dist / TRIG).is_file():
            from ..dumps import build_dist

            build_dist(project(), dist)
        return Server(Site.open(dist, limits=limits, workers=workers, store=store), host, port, listener)
    except BaseException:
        listener.close()
        raise


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; ListenError saying what to do when that is not possible."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            hint = f"another program is using port {port}: stop it, or choose a free port with --port"
        elif error.errno == errno.EACCES:
            hint = "ports below 1024 need privileges: choose a port of 1024 or more with --port"
        else:
            hint = "check --host (an address of this machine, e.g. 127.0.0.1 or 0.0.0.0)"
        raise ListenError(f"cannot listen on {host}:{port} ({error.strerror or error}): {hint}.") from None
