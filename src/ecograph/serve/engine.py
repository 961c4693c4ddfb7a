"""The query engine: a pool of worker processes, each holding the store.

pyoxigraph cannot cancel a running query, so a query runs in a worker process; when it passes its time
limit the web process kills that worker (SIGKILL), answers with an error, and asks the zygote (zygote.py) for
a replacement, while the other workers keep answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import socket
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from . import zygote
from .formats import Format
from .model import DistError, EndpointBusy, EndpointFailure, QueryOutcome, QueryRejected, QueryRequest, QueryTimedOut
from .store import StoreSource
from .worker import HEADER, Answer, DescribeJob, Description, Failure, Job

log = logging.getLogger(__name__)
START_TIMEOUT = 600.0  # seconds for the zygote to load the store (large data in memory takes a while)
WORKER_TIMEOUT = 60.0  # seconds for a new worker to say it is ready
RESPAWN_PAUSE = 1.0  # seconds between attempts when a worker cannot be started
WAITING_PER_WORKER = 8  # queries that may wait for a busy worker, per worker; more are refused at once (503)
QUERY_CRASHED = ("The query ended the worker process that ran it (most likely its syntax tree is too deep for "
                 "the parser: a very long chain of ||, +, UNION, OPTIONAL or / in a path). The worker was "
                 "replaced; split the query or use VALUES.")


def default_workers() -> int:
    """One worker per core, at least two, so one slow query never holds up every other."""
    return max(2, os.cpu_count() or 2)


async def _receive(reader: asyncio.StreamReader) -> Any:
    (size,) = HEADER.unpack(await reader.readexactly(HEADER.size))
    return pickle.loads(await reader.readexactly(size))


@dataclass(eq=False)
class _Worker:
    pid: int
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    retiring: bool = False  # the worker said it ends after its last answer (see worker.RECYCLE_GROWTH)

    async def call(self, job: Job) -> Any:
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.write(HEADER.pack(len(data)) + data)
        reply, self.retiring = await _receive(self.reader)
        return reply

    @property
    def alive(self) -> bool:
        """False once the process has ended (its socket is at end of file), e.g. killed from outside."""
        return not self.reader.at_eof()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.writer.close()


class _Zygote:
    """The process that holds the loaded store and forks workers (see zygote.py)."""

    def __init__(self, source: StoreSource) -> None:
        ours, theirs = socket.socketpair()
        self.control = ours
        self.process: BaseProcess = multiprocessing.get_context("spawn").Process(
            target=zygote.main, args=(theirs, source), daemon=True, name="ecograph-zygote")
        self.process.start()
        theirs.close()

    def ready(self) -> None:
        """Wait until the store is loaded (blocking: call it in a thread)."""
        self.control.settimeout(START_TIMEOUT)
        header = self.control.recv(HEADER.size, socket.MSG_WAITALL)
        if len(header) < HEADER.size:
            raise EndpointFailure("the query store could not be loaded (the loading process ended)")
        hello = pickle.loads(self.control.recv(HEADER.unpack(header)[0], socket.MSG_WAITALL))
        if hello != "ready":
            self.stop()
            raise DistError(f"{hello.message if isinstance(hello, Failure) else hello}: "
                            "rebuild it with `ecograph build`.")

    def fork(self, sock: socket.socket) -> int:
        """A new worker answering on `sock` (blocking: call it in a thread)."""
        socket.send_fds(self.control, [b"w"], [sock.fileno()])
        reply = self.control.recv(zygote.PID.size, socket.MSG_WAITALL)
        if len(reply) < zygote.PID.size:
            raise ConnectionError("the zygote process has ended")
        return zygote.PID.unpack(reply)[0]

    def stop(self) -> None:
        self.control.close()
        self.process.kill()
        self.process.join()


class QueryEngine:
    """`workers` processes answering queries on the store that `source` describes."""

    def __init__(self, source: StoreSource, *, workers: int | None = None) -> None:
        self.source = source
        self.size = workers or default_workers()
        self._zygote: _Zygote | None = None
        self._idle: asyncio.Queue[_Worker] | None = None
        self._busy: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._forking = asyncio.Lock()
        self._stopping = False
        self._waiting = 0

    def load(self) -> None:
        """Load the store (blocking; raises DistError when it cannot be read). start() does it if needed."""
        if self._zygote is None:
            zygote = _Zygote(self.source)
            zygote.ready()
            self._zygote = zygote

    async def start(self) -> None:
        """Start the workers, loading the store first if load() was not called."""
        self._stopping = False
        self._idle = asyncio.Queue()
        await asyncio.to_thread(self.load)
        for _ in range(self.size):
            self._idle.put_nowait(await self._spawn())

    async def stop(self) -> None:
        self._stopping = True
        for task in list(self._tasks):
            task.cancel()
        workers = list(self._busy)
        while self._idle is not None and not self._idle.empty():
            workers.append(self._idle.get_nowait())
        for each in workers:
            each.kill()
        if self._zygote is not None:
            await asyncio.to_thread(self._zygote.stop)
            self._zygote = None

    async def answer(self, request: QueryRequest, fmt: Format, *, timeout: float, max_rows: int,
                     prefixes: dict[str, str]) -> Answer:
        """The answer serialized as `fmt` (the worker writes it, so the web process only forwards bytes)."""
        reply = await self._run(Job(request, max_rows, fmt.name, prefixes), timeout)
        assert isinstance(reply, Answer)
        return reply

    async def outcome(self, request: QueryRequest, *, timeout: float, max_rows: int) -> QueryOutcome:
        reply = await self._run(Job(request, max_rows), timeout)
        assert isinstance(reply, QueryOutcome)
        return reply

    async def describe(self, job: DescribeJob, *, timeout: float) -> Description:
        """The bounded description of a resource (worker.describe), read from the store's indexes."""
        reply = await self._run(job, timeout)
        assert isinstance(reply, Description)
        return reply

    async def _run(self, job: Job | DescribeJob, timeout: float) -> Answer | QueryOutcome | Description:
        chosen = await self._checkout(timeout)
        self._busy.add(chosen)
        try:
            async with asyncio.timeout(timeout):
                reply = await chosen.call(job)
        except TimeoutError:
            self._retire(chosen)
            raise QueryTimedOut(timeout) from None
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            self._retire(chosen)
            raise EndpointFailure(QUERY_CRASHED) from error
        except BaseException:  # e.g. the client went away: the worker may still be busy
            self._retire(chosen)
            raise
        if chosen.retiring:
            self._retire(chosen)
        else:
            self._busy.discard(chosen)
            self._idle.put_nowait(chosen)
        if isinstance(reply, Failure):
            raise (QueryRejected(reply.message, reply.status) if reply.status < 500
                   else EndpointFailure(reply.message))
        return reply

    async def _checkout(self, timeout: float) -> _Worker:
        """An idle live worker, waiting up to `timeout` for one; EndpointBusy when none comes in time or when
        too many queries wait already (the wait is bounded in time and in length)."""
        if self._idle is None:
            raise EndpointFailure("the query engine has not been started")
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            try:
                chosen = self._idle.get_nowait()  # the common case, without waiting
            except asyncio.QueueEmpty:
                if self._waiting >= WAITING_PER_WORKER * self.size:
                    raise EndpointBusy(f"Every query worker is busy and {self._waiting} queries are waiting "
                                       "already; try again in a few seconds.") from None
                self._waiting += 1
                try:
                    async with asyncio.timeout_at(deadline):
                        chosen = await self._idle.get()
                except TimeoutError:
                    raise EndpointBusy(f"Every query worker stayed busy for {timeout:g} s; "
                                       "try again in a few seconds.") from None
                finally:
                    self._waiting -= 1
            if chosen.alive:
                return chosen
            log.warning("query worker %d had ended; replacing it", chosen.pid)
            self._retire(chosen)

    def _retire(self, stopped: _Worker) -> None:
        """Kill a worker (it may still be running a query) and start its replacement in the background."""
        self._busy.discard(stopped)
        stopped.kill()
        task = asyncio.create_task(self._replace())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace(self) -> None:
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

    async def _restart_zygote(self) -> None:
        if self._zygote is not None:
            await asyncio.to_thread(self._zygote.stop)
            self._zygote = None
        await asyncio.to_thread(self.load)

    async def _spawn(self) -> _Worker:
        """A new worker, forked by the zygote (restarted first if it has died)."""
        ours, theirs = socket.socketpair()
        async with self._forking:  # one request at a time on the zygote's control socket
            assert self._zygote is not None
            try:
                pid = await asyncio.to_thread(self._zygote.fork, theirs)
            except OSError:
                await self._restart_zygote()
                assert self._zygote is not None
                pid = await asyncio.to_thread(self._zygote.fork, theirs)
        theirs.close()
        reader, writer = await asyncio.open_unix_connection(sock=ours)
        fresh = _Worker(pid, reader, writer)
        try:
            async with asyncio.timeout(WORKER_TIMEOUT):
                hello = await _receive(reader)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError) as error:
            hello = Failure(f"the worker did not start ({error!r})", 500)
        if hello != "ready":
            fresh.kill()
            raise EndpointFailure(hello.message if isinstance(hello, Failure) else str(hello))
        return fresh
