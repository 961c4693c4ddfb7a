"""The query engine: pools of worker processes, each holding the store, and fair admission to them.

pyoxigraph cannot cancel a running query, so a query runs in a worker process; when it passes its time
limit the web process kills that worker (SIGKILL), answers with an error, and asks the zygote (zygote.py) for
a replacement (a fork: milliseconds), while the other workers keep answering.

Because a running query cannot be pre-empted, a slow query holds its worker until it ends or is killed. So
the workers are split in two lanes, and no cheap query waits behind slow ones:

- the **fast lane** (`fast_workers`, default one per core) runs every query that is not known to be slow, on
  trial: a query that uses more than FAST_BUDGET of CPU time there (or runs TRIAL_SLICES times that in wall
  time; a busy CPU slows cheap queries down, but does not make them use more CPU) is stopped (its worker killed
  and replaced), remembered as slow (costs are kept per query text, dataset and bindings, see
  admission.Costs) and run again in the heavy lane with the rest of its time limit. Entity descriptions,
  stored queries and small ad-hoc queries answer in milliseconds and never leave it.
- the **heavy lane** (`workers`, default one per core) runs the queries known to be slow, to their time limit,
  at a lower CPU priority (HEAVY_NICENESS).

Workers outnumber cores; the OS shares the CPU, and the heavy lane's lower priority leaves the web process and
the fast lane the CPU they need, so a cheap query answers in milliseconds while slow ones run.

In each lane, queries that find no free worker wait in a fair queue (admission.FairQueue): round-robin over
client addresses, then over each address's connections. A query is refused at once (EndpointBusy: 503 with
Retry-After) only when the wait it can expect (the queries the round-robin puts before it, times the lane's
recent service time, over its workers) is longer than its time limit, or when the lane's queue is full
(WAITING_PER_WORKER per worker): then the client with the most queries waiting loses its newest one, which is
this query when that client is its own. A client alone may
use every worker (the queue is work-conserving); its own queries wait behind each other, so a client that
floods is refused for its excess while others are still served. A query waits at most its time limit and
runs at most its time limit, so no request lasts longer than twice that. A client that hangs up cancels its
query, waiting or running.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import multiprocessing
import os
import pickle
import signal
import socket
import time
from collections.abc import Hashable
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from ...errors import DistError
from ...store import StoreSource
from ..endpoint.formats import Format
from ..model import (
    EndpointBusy,
    EndpointFailure,
    Limits,
    QueryOutcome,
    QueryRejected,
    QueryRequest,
    QueryTimedOut,
)
from . import zygote
from .admission import CURRENT_CLIENT, Client, Costs, FairQueue, ServiceTime, Ticket
from .sandbox import Isolation
from .worker import HEADER, Answer, DescribeJob, Description, Failure, Job

log = logging.getLogger(__name__)
START_TIMEOUT = 600.0  # seconds for the zygote to load the store (large data in memory takes a while)
WORKER_TIMEOUT = 60.0  # seconds for a new worker to say it is ready
RESPAWN_PAUSE = 1.0  # seconds between attempts when a worker cannot be started
WAITING_PER_WORKER = 64  # queries that may wait in a lane, per worker of the lane (a bound on memory)
FAST, HEAVY = "fast", "heavy"  # the lanes
FAST_BUDGET = 0.25  # seconds of CPU a query may use in the fast lane before it moves to the heavy lane
TRIAL_SLICES = 4  # a query on trial that uses little CPU (a busy machine) may run this many budgets of wall time
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
HEAVY_NICENESS = 19  # heavy-lane workers run at the lowest CPU priority (see _lower_priority)
QUERY_CRASHED = (
    "The query ended the worker process that ran it: it needed more memory than the limit per "
    "query, or its syntax tree is too deep for the parser (a very long chain of ||, +, UNION, "
    "OPTIONAL or / in a path). The worker was replaced; make the query more selective, split it "
    "or use VALUES."
)


def default_workers() -> int:
    """One worker per core, at least two, so one slow query never holds up every other."""
    return max(2, os.cpu_count() or 2)


class _OverBudget(Exception):
    """A query on trial in the fast lane proved slow (see QueryEngine._on_trial); `seconds` it ran."""

    def __init__(self, seconds: float = 0.0) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def _cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) process `pid` has used, from /proc; 0.0 when that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _cost_key(job: Job | DescribeJob) -> Hashable:
    """What a query's cost is remembered by: a digest of its text, dataset and bindings (or of the
    description asked for), so that long query texts take no memory."""
    if isinstance(job, DescribeJob):
        return job
    request = job.request
    bindings = sorted((name, str(term)) for name, term in (request.bindings or {}).items())
    text = repr((request.sparql, request.default_graphs, request.named_graphs, bindings))
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _lower_priority(pid: int) -> None:
    """Run a heavy-lane worker at niceness HEAVY_NICENESS: when the CPU is short, the web process and the fast
    lane go first, and slow queries run on what is left (all of it when nothing else runs)."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, pid, max(HEAVY_NICENESS, os.getpriority(os.PRIO_PROCESS, 0)))


async def _receive(reader: asyncio.StreamReader) -> Any:
    (size,) = HEADER.unpack(await reader.readexactly(HEADER.size))
    return pickle.loads(await reader.readexactly(size))


@dataclass(eq=False)
class _Worker:
    pid: int
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    lane: str
    retiring: bool = False  # the worker said it ends after its last answer (see worker.RECYCLE_GROWTH)

    async def call(self, job: Job | DescribeJob) -> Any:
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

    def __init__(self, source: StoreSource, limits: Limits) -> None:
        ours, theirs = socket.socketpair()
        self.control = ours
        self.process: BaseProcess = multiprocessing.get_context("spawn").Process(
            target=zygote.main, args=(theirs, source, limits), daemon=True, name="ecograph-zygote"
        )
        self.process.start()
        theirs.close()

    def ready(self) -> Isolation:
        """Wait until the store is loaded (blocking: call it in a thread); whether the workers are cut off from
        the network (see sandbox.py)."""
        self.control.settimeout(START_TIMEOUT)
        header = self.control.recv(HEADER.size, socket.MSG_WAITALL)
        if len(header) < HEADER.size:
            raise EndpointFailure("the query store could not be loaded (the loading process ended)")
        hello = pickle.loads(self.control.recv(HEADER.unpack(header)[0], socket.MSG_WAITALL))
        if not isinstance(hello, zygote.Ready):
            self.stop()
            raise DistError(
                f"{hello.message if isinstance(hello, Failure) else hello}: rebuild it with `ecograph build`."
            )
        return hello.isolation

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
    """`workers` processes for slow queries and `fast_workers` for cheap ones, answering on the store that
    `source` describes (see the module's doc for how queries are admitted)."""

    def __init__(
        self,
        source: StoreSource,
        *,
        workers: int | None = None,
        fast_workers: int | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.source = source
        self.limits = limits or Limits()  # the workers' memory and answer size caps
        self.isolation: Isolation | None = None  # known once the store is loaded
        self.size = workers or default_workers()
        self.fast_size = fast_workers or default_workers()
        self._zygote: _Zygote | None = None
        self._started = False
        self._idle: dict[str, list[_Worker]] = {FAST: [], HEAVY: []}
        self._queues: dict[str, FairQueue[_Worker]] = {FAST: FairQueue(), HEAVY: FairQueue()}
        self._service = {FAST: ServiceTime(), HEAVY: ServiceTime()}
        self._costs = Costs()
        self._busy: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._forking = asyncio.Lock()
        self._stopping = False

    def load(self) -> None:
        """Load the store (blocking; raises DistError when it cannot be read). start() does it if needed."""
        if self._zygote is None:
            zygote = _Zygote(self.source, self.limits)
            self.isolation = zygote.ready()
            self._zygote = zygote

    async def start(self) -> None:
        """Start the workers, loading the store first if load() was not called."""
        self._stopping = False
        await asyncio.to_thread(self.load)
        for lane, count in ((HEAVY, self.size), (FAST, self.fast_size)):
            for _ in range(count):
                self._idle[lane].append(await self._spawn(lane))
        self._started = True

    async def stop(self) -> None:
        self._stopping = True
        self._started = False
        for task in list(self._tasks):
            task.cancel()
        for queue in self._queues.values():
            while (ticket := queue.pop()) is not None:
                ticket.future.cancel()
        workers = [*self._busy, *self._idle[FAST], *self._idle[HEAVY]]
        self._idle = {FAST: [], HEAVY: []}
        for each in workers:
            each.kill()
        if self._zygote is not None:
            await asyncio.to_thread(self._zygote.stop)
            self._zygote = None

    async def answer(
        self,
        request: QueryRequest,
        fmt: Format,
        *,
        timeout: float,
        max_rows: int,
        prefixes: dict[str, str],
        offset: int = 0,
    ) -> Answer:
        """The answer serialized as `fmt` (the worker writes it, so the web process only forwards bytes): at most
        `max_rows` rows or triples, after the first `offset`."""
        reply = await self._run(Job(request, max_rows, fmt.name, prefixes, offset), timeout)
        assert isinstance(reply, Answer)
        return reply

    async def outcome(self, request: QueryRequest, *, timeout: float, max_rows: int, offset: int = 0) -> QueryOutcome:
        reply = await self._run(Job(request, max_rows, offset=offset), timeout)
        assert isinstance(reply, QueryOutcome)
        return reply

    async def describe(self, job: DescribeJob, *, timeout: float) -> Description:
        """The bounded description of a resource (worker.describe), read from the store's indexes."""
        reply = await self._run(job, timeout)
        assert isinstance(reply, Description)
        return reply

    async def _run(self, job: Job | DescribeJob, timeout: float) -> Answer | QueryOutcome | Description:
        """Run `job` for the current client: in the fast lane on trial, moved to the heavy lane when it proves
        slow there (or straight to the heavy lane when it is known to be slow)."""
        client = CURRENT_CLIENT.get()
        wait_until = asyncio.get_running_loop().time() + timeout
        key = _cost_key(job)
        spent = 0.0
        if self._cheap(key):
            worker = await self._checkout(FAST, client, wait_until, timeout)
            if self._cheap(key):  # it may have become known as slow while it waited
                trial = timeout > 2 * FAST_BUDGET
                try:
                    return await self._call(worker, FAST, job, key, timeout, trial)
                except _OverBudget as over:
                    spent = over.seconds
            else:
                self._release(worker)
        worker = await self._checkout(HEAVY, client, wait_until, timeout)
        return await self._call(worker, HEAVY, job, key, timeout, False, spent)

    def _cheap(self, key: Hashable) -> bool:
        return (self._costs.get(key) or 0.0) < FAST_BUDGET

    async def _call(
        self,
        worker: _Worker,
        lane: str,
        job: Job | DescribeJob,
        key: Hashable,
        timeout: float,
        trial: bool,
        spent: float = 0.0,
    ) -> Answer | QueryOutcome | Description:
        """`job` (a query of `lane`) on `worker`: on `trial`, stopped with _OverBudget when it proves slow (see
        _on_trial); else stopped with QueryTimedOut when it reaches the time limit `timeout`, of which `spent`
        seconds were used already (by its trial)."""
        self._busy.add(worker)
        started, cpu_before = time.monotonic(), _cpu_seconds(worker.pid) if trial else 0.0
        try:
            if trial:
                reply = await self._on_trial(worker, job, cpu_before, timeout)
            else:
                async with asyncio.timeout(timeout - spent):
                    reply = await worker.call(job)
        except _OverBudget:
            self._costs.record(key, max(FAST_BUDGET, _cpu_seconds(worker.pid) - cpu_before))
            self._retire(worker)
            raise _OverBudget(time.monotonic() - started) from None
        except TimeoutError:
            self._retire(worker)
            self._measured(lane, key, timeout - spent, cost=timeout)
            raise QueryTimedOut(timeout) from None
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            self._retire(worker)
            raise EndpointFailure(QUERY_CRASHED) from error
        except BaseException:  # e.g. the client went away: the worker may still be busy
            self._retire(worker)
            raise
        wall = time.monotonic() - started
        self._measured(
            lane, key, wall, cost=wall if not trial or wall < FAST_BUDGET else _cpu_seconds(worker.pid) - cpu_before
        )
        if worker.retiring:
            self._retire(worker)
        else:
            self._release(worker)
        if isinstance(reply, Failure):
            raise (QueryRejected(reply.message, reply.status) if reply.status < 500 else EndpointFailure(reply.message))
        return reply

    async def _on_trial(self, worker: _Worker, job: Job | DescribeJob, cpu_before: float, timeout: float) -> Any:
        """The worker's reply; _OverBudget once the query has used FAST_BUDGET seconds of CPU time, or has run
        TRIAL_SLICES budgets of wall time (at most half the time limit). CPU time, not wall time, tells a slow
        query from a cheap one slowed down by a busy CPU: the cheap one stays in the fast lane."""
        call = asyncio.ensure_future(worker.call(job))
        try:
            for _ in range(max(1, min(TRIAL_SLICES, int(timeout / 2 / FAST_BUDGET)))):
                done, _pending = await asyncio.wait({call}, timeout=FAST_BUDGET)
                if done:
                    return call.result()
                if _cpu_seconds(worker.pid) - cpu_before >= FAST_BUDGET:
                    break
            raise _OverBudget
        finally:
            call.cancel()

    def _measured(self, lane: str, key: Hashable, wall: float, cost: float) -> None:
        """Remember the query's `cost` (seconds of CPU, or of wall time when that is less) and how long it held
        a worker of `lane`."""
        self._costs.record(key, cost)
        self._service[lane].add(wall)

    async def _checkout(self, lane: str, client: Client, wait_until: float, timeout: float) -> _Worker:
        """A live worker of `lane`, waiting in the lane's fair queue until `wait_until` at most; EndpointBusy
        when the wait cannot end in time."""
        if not self._started:
            raise EndpointFailure("the query engine has not been started")
        while True:
            chosen = self._idle_worker(lane) or await self._wait(lane, client, wait_until, timeout)
            if chosen.alive:
                return chosen
            log.warning("query worker %d had ended; replacing it", chosen.pid)
            self._retire(chosen)

    def _idle_worker(self, lane: str) -> _Worker | None:
        """An idle worker for `lane`; idle workers that have ended meanwhile (killed from outside) are replaced."""
        for idle in self._idle.values():
            for ended in [each for each in idle if not each.alive]:
                log.warning("query worker %d had ended; replacing it", ended.pid)
                idle.remove(ended)
                self._retire(ended)
        return self._idle[lane].pop() if self._idle[lane] else None

    async def _wait(self, lane: str, client: Client, wait_until: float, timeout: float) -> _Worker:
        queue = self._queues[lane]
        self._admit(lane, client, wait_until, timeout)
        ticket: Ticket[_Worker] = Ticket(client)
        queue.push(ticket)
        try:
            async with asyncio.timeout_at(wait_until):
                return await ticket.future
        except BaseException as error:
            queue.remove(ticket)
            handed = ticket.future
            if handed.done() and not handed.cancelled() and handed.exception() is None:
                self._release(handed.result())  # a worker came just as this query gave up: pass it on
            if isinstance(error, TimeoutError):
                raise EndpointBusy(
                    f"Every query worker stayed busy for {timeout:g} s; try again in a few seconds.",
                    self._retry_after(lane, queue.size, timeout),
                ) from None
            raise

    def _admit(self, lane: str, client: Client, wait_until: float, timeout: float) -> None:
        """Refuse at once (EndpointBusy) a query whose expected wait passes its deadline; when the queue is
        full, make room by refusing the newest query of the client with the most waiting, if that is not
        this client."""
        queue = self._queues[lane]
        ahead = queue.ahead_of(client)
        expected = self._expected_wait(lane, ahead, timeout)
        if expected > wait_until - asyncio.get_running_loop().time():
            raise EndpointBusy(
                f"Every query worker is busy and {ahead} queries would run before this one "
                f"(about {expected:.1f} s), longer than the time limit; try again in a few "
                "seconds.",
                self._retry_after(lane, ahead, timeout),
            )
        if queue.size < WAITING_PER_WORKER * self._lane_size(lane):
            return
        busiest = queue.newest_of_busiest()
        if busiest is None or (queue.waiting_of(busiest.client.address) <= queue.waiting_of(client.address) + 1):
            raise EndpointBusy(
                f"Every query worker is busy and {queue.size} queries are waiting already; try again in a few seconds.",
                self._retry_after(lane, queue.size, timeout),
            )
        queue.remove(busiest)
        busiest.future.set_exception(
            EndpointBusy(
                f"This client has {queue.waiting_of(busiest.client.address) + 1} queries waiting, more than its "
                "share while others wait; send fewer at a time.",
                self._retry_after(lane, queue.size, timeout),
            )
        )

    def _expected_wait(self, lane: str, ahead: int, timeout: float) -> float:
        """Seconds until a worker is free for a query with `ahead` queries before it. Before anything has been
        measured, a heavy query is taken to last half the time limit, a cheap one FAST_BUDGET / 10."""
        service = self._service[lane].estimate(timeout / 2 if lane == HEAVY else FAST_BUDGET / 10)
        return (ahead + 1) * service / self._lane_size(lane)

    def _retry_after(self, lane: str, ahead: int, timeout: float) -> int:
        return max(1, math.ceil(self._expected_wait(lane, ahead, timeout)))

    def _lane_size(self, lane: str) -> int:
        return max(1, self.size if lane == HEAVY else self.fast_size)

    def _release(self, worker: _Worker) -> None:
        """Hand a free worker to the next query waiting in its lane, in turn, or keep it idle."""
        self._busy.discard(worker)
        while (ticket := self._queues[worker.lane].pop()) is not None:
            if not ticket.future.done():
                ticket.future.set_result(worker)
                return
        self._idle[worker.lane].append(worker)

    def _retire(self, stopped: _Worker) -> None:
        """Kill a worker (it may still be running a query) and start its replacement in the background."""
        self._busy.discard(stopped)
        stopped.kill()
        task = asyncio.create_task(self._replace(stopped.lane))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace(self, lane: str) -> None:
        while not self._stopping:
            try:
                fresh = await self._spawn(lane)
            except EndpointFailure as error:
                log.error("cannot start a query worker: %s", error)
                await asyncio.sleep(RESPAWN_PAUSE)
                continue
            self._release(fresh)
            return

    async def _restart_zygote(self) -> None:
        if self._zygote is not None:
            await asyncio.to_thread(self._zygote.stop)
            self._zygote = None
        await asyncio.to_thread(self.load)

    async def _spawn(self, lane: str) -> _Worker:
        """A new worker for `lane`, forked by the zygote (restarted first if it has died)."""
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
        if lane == HEAVY:
            _lower_priority(pid)
        reader, writer = await asyncio.open_unix_connection(sock=ours)
        fresh = _Worker(pid, reader, writer, lane)
        try:
            async with asyncio.timeout(WORKER_TIMEOUT):
                hello = await _receive(reader)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError) as error:
            hello = Failure(f"the worker did not start ({error!r})", 500)
        if hello != "ready":
            fresh.kill()
            raise EndpointFailure(hello.message if isinstance(hello, Failure) else str(hello))
        return fresh
