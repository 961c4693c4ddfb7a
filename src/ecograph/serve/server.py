"""`ecograph serve`: prepare a site over dist/ (building it first when missing) and run it on uvicorn.

One web process (uvicorn with httptools and uvloop) forwards bytes; the queries run in the engine's worker
processes, which are where the CPU goes and where a runaway query can be killed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from ..project import Project
from .app import create_app
from .model import Limits
from .site import Site
from .store import TRIG


@dataclass(frozen=True)
class Server:
    site: Site
    host: str
    port: int

    @property
    def urls(self) -> dict[str, str]:
        """What to open: the landing page, the SPARQL endpoint and editor, the dataset description."""
        host = "localhost" if self.host in ("0.0.0.0", "::") else self.host
        root = f"http://{f'[{host}]' if ':' in host else host}:{self.port}"
        return {"home": f"{root}/", "sparql": f"{root}/sparql", "editor": f"{root}/sparql/editor",
                "void": f"{root}/.well-known/void"}

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C)."""
        uvicorn.run(create_app(self.site), host=self.host, port=self.port, log_level="warning",
                    access_log=False, server_header=False)


def prepare_server(dist: Path, *, project: Callable[[], Project], host: str = "127.0.0.1", port: int = 8080,
                   limits: Limits | None = None, workers: int | None = None, store: str = "auto") -> Server:
    """A server over `dist`; builds dist/ from `project()` first when it has no ecograph.trig."""
    if not (dist / TRIG).is_file():
        from ..dumps import build_dist

        build_dist(project(), dist)
    return Server(Site.open(dist, limits=limits, workers=workers, store=store), host, port)
