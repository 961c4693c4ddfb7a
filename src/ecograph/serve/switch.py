"""A running server follows `ecograph build`: it switches to each new complete build, atomically.

`ecograph build` publishes by turning dist into a link to a fresh `.dist.build-<random>` folder in one rename
(build/dumps.py). The server serves one immutable `Snapshot` of a build at a time: the pinned build folder, its
Site (store, query workers and their zygote, VoID, base IRI) and the app whose routes and caches belong to that
Site. Every request takes the current snapshot once, at its start, and is answered from it to the end, so it
never sees a mix of two builds.

Each request notices a new build cheaply (a readlink of dist). The new build is then loaded
in the background (its store, a new zygote and workers) while the old one keeps answering; once it is ready, new
requests get it, and the old snapshot's workers stop and its pin is released when its last request has been
answered. A build that cannot be loaded (e.g. a corrupt TriG) is logged and skipped: the old build stays served
until dist changes again.

Pins: a snapshot holds a shared flock on its build folder's directory. A build removes an earlier build folder
only when it can take an exclusive lock on it (dumps._remove_leftovers), so a folder that a server still reads
stays until the server lets go (the kernel releases the lock when the server dies).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import DistError
from .app import create_app
from .site import Site

log = logging.getLogger(__name__)
PIN_ATTEMPTS = 5  # tries to pin the folder dist points to, when builds replace it meanwhile
BUILD_HEADER = b"x-ecograph-build"  # names the build folder that answered, on every response


@dataclass(eq=False)
class Pin:
    """A shared lock on a build folder (an open descriptor of the directory): builds do not remove it."""

    folder: Path
    descriptor: int

    def release(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.descriptor)


def pin_build(dist: Path) -> Pin:
    """Pin the folder `dist` is (a build's link, or a plain folder): lock it, then check that dist still names it,
    so that a build that retired it meanwhile cannot remove it under the server. Raises DistError."""
    for _ in range(PIN_ATTEMPTS):
        folder = Path(os.path.realpath(dist))
        try:
            descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue  # removed by a build since dist was read: read dist again
        fcntl.flock(descriptor, fcntl.LOCK_SH)
        if os.path.realpath(dist) == str(folder):
            return Pin(folder, descriptor)
        os.close(descriptor)
    raise DistError(f"{dist} is not a folder that holds a build: run `ecograph build` first (or pass --dist DIR).")


@dataclass(eq=False)
class Snapshot:
    """One build as served: its pinned folder, its Site and the app over that Site; `requests` under way."""

    pin: Pin
    site: Site
    app: ASGIApp
    requests: int = 0

    @property
    def name(self) -> str:
        return self.pin.folder.name

    async def start(self) -> None:
        await self.site.engine.start()

    async def stop(self) -> None:
        try:
            await self.site.engine.stop()
        finally:
            self.pin.release()


Opener = Callable[[Path], Site]  # opens a Site over a pinned build folder (blocking; raises EcographError)


def open_snapshot(dist: Path, open_site: Opener) -> Snapshot:
    """The build dist names now, pinned and loaded (blocking: its store is read and its zygote started)."""
    pin = pin_build(dist)
    try:
        site = open_site(pin.folder)
    except BaseException:
        pin.release()
        raise
    return Snapshot(pin, site, create_app(site))


@dataclass(eq=False)
class Switcher:
    """The ASGI app of `ecograph serve`: each request is answered by the snapshot current at its start (see the
    module's doc); the lifespan starts the first snapshot and stops every one still running."""

    dist: Path
    current: Snapshot
    open_site: Opener
    _failed: str | None = None  # the folder that last failed to load: not tried again
    _link: str | None = None  # what dist linked to when last checked
    _loading: asyncio.Task[None] | None = None
    _retiring: set[asyncio.Task[None]] = field(default_factory=set)
    _old: set[Snapshot] = field(default_factory=set)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        self._notice_new_build()
        snapshot = self.current
        snapshot.requests += 1
        header = (BUILD_HEADER, snapshot.name.encode())

        async def send_named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        try:
            await snapshot.app(scope, receive, send_named)
        finally:
            snapshot.requests -= 1
            self._retire_if_done(snapshot)

    def _notice_new_build(self) -> None:
        """Start loading the build dist names when it is new. A readlink (about 1 µs) per request; the real path
        only when the link changed (a plain folder dist changes only by becoming a build's link)."""
        if self._loading is not None:
            return
        try:
            link: str | None = os.readlink(self.dist)
        except OSError:
            link = None
        if link == self._link:
            return
        target = os.path.realpath(self.dist)
        if target in (str(self.current.pin.folder), self._failed):
            self._link = link
        else:
            self._loading = asyncio.create_task(self._switch(target))

    async def _switch(self, target: str) -> None:
        """Load the build dist names now and make it current; on failure keep the current one and log why."""
        try:
            snapshot = await asyncio.to_thread(open_snapshot, self.dist, self.open_site)
            try:
                await snapshot.start()
            except BaseException:
                await snapshot.stop()
                raise
        except Exception as error:  # noqa: BLE001 - whatever fails, the old build stays served and it is said why
            self._failed = target
            log.warning("the new build %s could not be loaded, still serving %s: %s", target, self.current.name, error)
            return
        finally:
            self._loading = None
        old, self.current = self.current, snapshot
        self._old.add(old)
        log.info("switched from build %s to %s", old.name, snapshot.name)
        self._retire_if_done(old)

    def _retire_if_done(self, snapshot: Snapshot) -> None:
        """Stop an old snapshot (its workers, zygote and pin) once its last request has been answered."""
        if snapshot is self.current or snapshot.requests or snapshot not in self._old:
            return
        self._old.discard(snapshot)
        task = asyncio.create_task(snapshot.stop())
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        await receive()  # lifespan.startup
        try:
            await self.current.start()
        except BaseException as error:
            await send({"type": "lifespan.startup.failed", "message": str(error)})
            raise
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        if self._loading is not None:
            self._loading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loading
        await asyncio.gather(*self._retiring, return_exceptions=True)
        for snapshot in (*self._old, self.current):
            await snapshot.stop()
        await send({"type": "lifespan.shutdown.complete"})
