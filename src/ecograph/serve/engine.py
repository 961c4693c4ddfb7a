"""The query engine: a pool of worker processes, each holding the read-only store.

pyoxigraph cannot cancel a running query, so a query runs in a worker process; when it passes its time
limit the web process kills that worker (SIGKILL), answers with an error, and starts a replacement, while the
other workers keep answering. Workers are forked from a forkserver that has pyoxigraph loaded, so a
replacement is ready in milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
import socket
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from . import worker
from .formats import Format
from .model import EndpointBusy, EndpointFailure, QueryOutcome, QueryRejected, QueryRequest, QueryTimedOut
from .worker import HEADER, Answer, Failure, Job

log = logging.getLogger(__name__)
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["ecograph.serve.worker"])
START_TIMEOUT = 60.0  # seconds for a new worker to open the store
RESPAWN_PAUSE = 1.0  # seconds between attempts when a worker cannot be started


def default_workers() -> int:
    """One worker per core, at least two, so one slow query never holds up every other."""
    return max(2, os.cpu_count() or 2)


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    async def call(self, job: Job) -> Any:
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.write(HEADER.pack(len(data)) + data)
        return await self.receive()

    async def receive(self) -> Any:
        (size,) = HEADER.unpack(await self.reader.readexactly(HEADER.size))
        return pickle.loads(await self.reader.readexactly(size))

    def kill(self) -> None:
        self.process.kill()
        self.writer.close()


class QueryEngine:
    """`workers` processes answering queries on the store at `store` (a folder made by prepare_store)."""

    def __init__(self, store: Path, *, workers: int | None = None) -> None:
        self.store = Path(store)
        self.size = workers or default_workers()
        self._idle: asyncio.Queue[_Worker] | None = None
        self._busy: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._spawning = asyncio.Lock()
        self._stopping = False

    async def start(self) -> None:
        """Start the workers (raises EndpointFailure when the store cannot be opened)."""
        self._stopping = False
        self._idle = asyncio.Queue()
        for ready in await asyncio.gather(*(self._spawn() for _ in range(self.size))):
            self._idle.put_nowait(ready)

    async def stop(self) -> None:
        self._stopping = True
        for task in list(self._tasks):
            task.cancel()
        workers = list(self._busy)
        while self._idle is not None and not self._idle.empty():
            workers.append(self._idle.get_nowait())
        for each in workers:
            each.kill()
        await asyncio.gather(*(asyncio.to_thread(each.process.join) for each in workers))

    async def answer(self, request: QueryRequest, fmt: Format, *, timeout: float, max_rows: int,
                     prefixes: dict[str, str]) -> Answer:
        """The answer serialized as `fmt` (the worker writes it, so the web process only forwards bytes)."""
        reply = await self._run(Job(request, max_rows, fmt, prefixes), timeout)
        assert isinstance(reply, Answer)
        return reply

    async def outcome(self, request: QueryRequest, *, timeout: float, max_rows: int) -> QueryOutcome:
        reply = await self._run(Job(request, max_rows), timeout)
        assert isinstance(reply, QueryOutcome)
        return reply

    async def _run(self, job: Job, timeout: float) -> Answer | QueryOutcome:
        if self._idle is None:
            raise EndpointFailure("the query engine has not been started")
        try:
            chosen = await asyncio.wait_for(self._idle.get(), timeout)
        except TimeoutError:
            raise EndpointBusy(f"Every query worker stayed busy for {timeout:g} s; try again later.") from None
        self._busy.add(chosen)
        try:
            async with asyncio.timeout(timeout):
                reply = await chosen.call(job)
        except TimeoutError:
            self._retire(chosen)
            raise QueryTimedOut(timeout) from None
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            self._retire(chosen)
            raise EndpointFailure(f"the query worker stopped unexpectedly ({error!r})") from error
        except asyncio.CancelledError:  # the client went away: the worker may still be busy
            self._retire(chosen)
            raise
        self._busy.discard(chosen)
        self._idle.put_nowait(chosen)
        if isinstance(reply, Failure):
            raise (QueryRejected(reply.message, reply.status) if reply.status < 500
                   else EndpointFailure(reply.message))
        return reply

    def _retire(self, stopped: _Worker) -> None:
        """Kill a worker (it may still be running a query) and start its replacement in the background."""
        self._busy.discard(stopped)
        stopped.kill()
        task = asyncio.create_task(self._replace(stopped))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace(self, stopped: _Worker) -> None:
        await asyncio.to_thread(stopped.process.join)
        while not self._stopping:
            try:
                fresh = await self._spawn()
            except EndpointFailure as error:
                log.error("cannot start a query worker: %s", error)
                await asyncio.sleep(RESPAWN_PAUSE)
                continue
            assert self._idle is not None
            self._idle.put_nowait(fresh)
            return

    async def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        process = _CONTEXT.Process(target=worker.main, args=(theirs, str(self.store)), daemon=True,
                                   name="ecograph-query-worker")
        async with self._spawning:  # multiprocessing's bookkeeping of children is not thread-safe
            await asyncio.to_thread(process.start)
        theirs.close()
        reader, writer = await asyncio.open_unix_connection(sock=ours)
        fresh = _Worker(process, reader, writer)
        try:
            async with asyncio.timeout(START_TIMEOUT):
                hello = await fresh.receive()
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError) as error:
            hello = Failure(f"the worker did not start ({error!r})", 500)
        if hello != "ready":
            fresh.kill()
            with contextlib.suppress(Exception):
                await asyncio.to_thread(process.join, 1.0)
            raise EndpointFailure(hello.message if isinstance(hello, Failure) else str(hello))
        return fresh
