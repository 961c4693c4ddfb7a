"""`ecograph serve`: prepare a site over a built dist/ and run it on uvicorn.

One web process (uvicorn with httptools and uvloop) forwards bytes; the queries run in the engine's worker
processes, which are where the CPU goes and where a runaway query can be killed. The server follows rebuilds of
dist (switch.py) and writes one access-log line per request (accesslog.py) unless told not to.
"""

from __future__ import annotations

import errno
import logging
import socket
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from ..errors import EcographError
from .accesslog import AccessLog
from .engine.sandbox import Isolation
from .model import Limits
from .protocol import with_client_timeout
from .site import Site
from .switch import Switcher, open_snapshot


class ListenError(EcographError):
    """The server cannot listen on the host and port asked for (in use, not allowed, no such address)."""


class NetworkIsolationUnavailable(EcographError):
    """The query workers cannot be cut off from the network here, and serving without that was not allowed."""


def check_isolation(isolation: Isolation, *, allow_network: bool) -> None:
    """Refuse to serve with query workers that can reach the network, unless the user allowed it."""
    if isolation.isolated or allow_network:
        return
    raise NetworkIsolationUnavailable(
        f"the query workers cannot be cut off from the network: {isolation.detail}. Without that, SERVICE is "
        "refused by the query check alone. Run serve where unprivileged user namespaces are allowed (Linux), "
        "or pass --allow-network-in-queries to serve anyway (unsafe on a public endpoint)."
    )


@dataclass(frozen=True)
class Server:
    switcher: Switcher  # the build being served, and the next one once dist changes
    host: str
    port: int
    listener: socket.socket
    forwarded_allow_ips: str | None = None  # proxies trusted to say the client's address (X-Forwarded-For)
    access_log: bool = True  # one line per request on stderr (method, path, status, milliseconds)

    @property
    def site(self) -> Site:
        """The site of the build served now."""
        return self.switcher.current.site

    @property
    def urls(self) -> dict[str, str]:
        """What to open: the landing page, the SPARQL endpoint and editor, the dataset description."""
        host = "localhost" if self.host in ("0.0.0.0", "::") else self.host
        root = f"http://{f'[{host}]' if ':' in host else host}:{self.port}"
        return {
            "home": f"{root}/",
            "sparql": f"{root}/sparql",
            "editor": f"{root}/sparql/editor",
            "void": f"{root}/.well-known/void",
        }

    @property
    def isolation_summary(self) -> str:
        """How the query workers are confined, in one line for the start-up output."""
        isolation = self.site.engine.isolation
        limits = self.site.limits
        network = (
            "the query workers are network-isolated"
            if isolation is not None and isolation.isolated
            else "WARNING: the query workers can reach the network (--allow-network-in-queries)"
        )
        return (
            f"{network}; each query may take {limits.timeout:g} s and {limits.max_memory >> 20} MiB, "
            f"each answer {limits.max_response >> 20} MiB"
        )

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C); the server's messages (and the access log) go to stderr."""
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger = logging.getLogger("ecograph.serve")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        app = AccessLog(self.switcher) if self.access_log else self.switcher
        config = uvicorn_config(app, self.host, self.port, self.forwarded_allow_ips, self.site.limits.client_timeout)
        try:
            uvicorn.Server(config).run(sockets=[self.listener])
        finally:
            logger.removeHandler(handler)


def uvicorn_config(
    app: ASGIApp, host: str, port: int, forwarded_allow_ips: str | None, client_timeout: float
) -> uvicorn.Config:
    """How uvicorn serves `app`: X-Forwarded-For is read only from the proxies in `forwarded_allow_ips`, and
    ignored altogether when that is None (so a client cannot pose as another to escape its share)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=forwarded_allow_ips is not None,
        forwarded_allow_ips=forwarded_allow_ips,
        http=with_client_timeout(client_timeout),
    )


def prepare_server(
    dist: Path,
    listener: socket.socket,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    limits: Limits | None = None,
    workers: int | None = None,
    fast_workers: int | None = None,
    store: str = "auto",
    forwarded_allow_ips: str | None = None,
    allow_network: bool = False,
    access_log: bool = True,
) -> Server:
    """A server over the built `dist` on `listener` (from `listen(host, port)`), which is closed on failure; it
    switches to each new build of `dist` while it runs (switch.py).

    Taking the port first (listen) says a port in use at once, before any building or loading. Raises DistError
    when dist/ has no ecograph.trig, and NetworkIsolationUnavailable when the query workers could not be cut off
    from the network, unless `allow_network`."""
    open_site = partial(Site.open, limits=limits, workers=workers, fast_workers=fast_workers, store=store)
    try:
        snapshot = open_snapshot(dist, open_site)
        isolation = snapshot.site.engine.isolation
        assert isolation is not None  # known once the store is loaded
        check_isolation(isolation, allow_network=allow_network)
        return Server(Switcher(dist, snapshot, open_site), host, port, listener, forwarded_allow_ips, access_log)
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
