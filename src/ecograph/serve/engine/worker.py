"""A query worker process: holds the store, answers one query at a time over a socket.

Messages are length-prefixed pickles. The web process kills a worker whose query runs past the time limit
(pyoxigraph cannot interrupt a running query), so a worker keeps no state that a kill could corrupt.
"""

from __future__ import annotations

import os
import pickle
import resource
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass
from itertools import islice
from typing import Any

import pyoxigraph as ox

from ..endpoint.analysis import too_deep
from ..endpoint.formats import BY_NAME
from ..endpoint.guard import refusal
from ..endpoint.results import NotXml, write_boolean, write_graph, write_solutions
from ..model import Limits, QueryOutcome, QueryRequest

HEADER = struct.Struct("!Q")
# pyoxigraph parses and evaluates recursively, on the calling thread: a query whose syntax tree is deep (long
# chains of ||, +, UNION, OPTIONAL, property paths) overflows a default 8 MB stack and ends the process. Each
# job runs on a thread with this much stack (reserved, touched only by such queries, freed when the job ends);
# deeper still, the worker ends and the engine answers with QUERY_CRASHED and replaces it.
JOB_STACK = 512 << 20
# A worker whose memory has grown this much since it started (deep stacks kept for reuse, large answers, a
# fragmented heap) ends after its answer; the engine then starts a fresh one from the zygote.
RECYCLE_GROWTH = 256 << 20
MEMORY_CHECK_INTERVAL = 0.02  # seconds between two looks at the worker's resident memory
# Address space beyond the job stack that threads and allocator arenas reserve without using it.
THREAD_RESERVE = 256 << 20
JOB_RECURSION = 100_000  # Python frames on a JOB_STACK stack (rdflib's parser recurses per nesting level)


@dataclass(frozen=True)
class Job:
    """One query for a worker. `format_name` None: answer with a QueryOutcome (terms); else with bytes in
    that format (see formats.BY_NAME). The answer leaves out its first `offset` rows or triples."""

    request: QueryRequest
    max_rows: int
    format_name: str | None = None
    prefixes: dict[str, str] | None = None
    offset: int = 0


@dataclass(frozen=True)
class DescribeJob:
    """The bounded description of one resource (see describe.py): its own triples and the claims about them,
    and one page of its incoming links and of the claims about its facts, `per_page` of each, in a stable
    order. Page 1 has the own triples; later pages only the rest of the incoming links and claims."""

    iri: str
    page: int = 1
    per_page: int = 100


@dataclass(frozen=True)
class Description:
    """A DescribeJob's answer: the triples, whether a next page exists, and whether the IRI occurs at all.

    The triples travel as N-Triples (`ntriples`): pickling pyoxigraph terms one by one costs about 5x more
    (15 ms against 3 ms for a page of 800 triples)."""

    ntriples: bytes
    more: bool
    found: bool

    @classmethod
    def of(cls, triples: list[ox.Triple], *, more: bool, found: bool) -> Description:
        return cls((ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"") if triples else b"", more, found)

    @property
    def triples(self) -> list[ox.Triple]:
        return [q.triple for q in ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES)] if self.ntriples else []


@dataclass(frozen=True)
class Answer:
    """A serialized answer: its Content-Type, body, and whether it was cut at the row limit."""

    content_type: str
    body: bytes
    truncated: bool


@dataclass(frozen=True)
class Failure:
    """The query could not run: refused (400 syntax error or SERVICE, 403 update), past the memory or answer
    size limit (422), or a store error (500)."""

    message: str
    status: int


def send(sock: socket.socket, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(HEADER.pack(len(data)) + data)


def receive(sock: socket.socket) -> Any:
    """The next message, or None when the other end has closed."""
    header = _read_exactly(sock, HEADER.size)
    if header is None:
        return None
    data = _read_exactly(sock, HEADER.unpack(header)[0])
    return None if data is None else pickle.loads(data)


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    buffer = bytearray()
    while len(buffer) < size:
        chunk = sock.recv(min(size - len(buffer), 1 << 20))
        if not chunk:
            return None
        buffer += chunk
    return bytes(buffer)


def serve(sock: socket.socket, store: ox.Store, limits: Limits) -> None:
    """The worker's loop: say "ready", then answer jobs (with whether it retires) until the socket closes.

    A job that makes the worker grow by more than `limits.max_memory` is answered by the MemoryWatch, which
    ends the worker."""
    sys.setrecursionlimit(JOB_RECURSION)
    send(sock, "ready")
    watch = MemoryWatch(sock, limits.max_memory)
    while (job := receive(sock)) is not None:
        watch.running.set()
        reply = _on_big_stack(run, store, job, limits)
        retiring = watch.growth() > min(RECYCLE_GROWTH, limits.max_memory) or reply == watch.failure
        watch.reply((reply, retiring))  # the engine replaces a retiring worker instead of reusing it
        if retiring:
            return


class MemoryWatch:
    """Holds a worker to `limit` bytes of memory more than it had at the start (the store, shared with the
    zygote, is in the start).

    A thread looks at the resident memory every MEMORY_CHECK_INTERVAL while a job runs; past the limit it
    answers the job with a clear Failure (422) and ends the process, so the engine replaces the worker and
    the other workers go on. It needs the GIL, which pyoxigraph holds at times; so the address space is capped
    too (RLIMIT_AS), `limit` above the watched limit, where an allocation fails and the worker ends (the
    engine then answers QUERY_CRASHED, which names the memory cap)."""

    def __init__(self, sock: socket.socket, limit: int) -> None:
        self.sock = sock
        self.limit = limit
        self.running = threading.Event()  # a job is running: a Failure sent now is its answer
        self.failure = Failure(too_much_memory(limit), 422)
        self._baseline = resident_bytes()
        self._sending = threading.Lock()
        if used := address_space_bytes():  # unknown without /proc: then only the watch holds
            cap_address_space(used + JOB_STACK + THREAD_RESERVE + 2 * limit)
        threading.Thread(target=self._watch, name="ecograph-memory", daemon=True).start()

    def growth(self) -> int:
        return resident_bytes() - self._baseline

    def reply(self, message: Any) -> None:
        with self._sending:
            send(self.sock, message)
            self.running.clear()

    def _watch(self) -> None:
        while self.running.wait():
            time.sleep(MEMORY_CHECK_INTERVAL)
            if self.running.is_set() and self.growth() > self.limit:
                with self._sending:
                    if self.running.is_set():
                        send(self.sock, (self.failure, True))
                        os._exit(0)


def too_much_memory(limit: int) -> str:
    return (
        f"The query needed more than {_size(limit)} of memory, this endpoint's limit per query; it was "
        "stopped (its worker replaced). Make it more selective (fewer or shorter intermediate values, a "
        "LIMIT), or load the dumps (/dumps/) into a local store."
    )


def too_large(limit: int) -> str:
    return (
        f"The answer is larger than {_size(limit)}, this endpoint's limit per answer. Ask for less: fewer "
        "or shorter values (SUBSTR, a LIMIT), or load the dumps (/dumps/) into a local store."
    )


def _size(count: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if count >= 1 << shift:
            return f"{count / (1 << shift):g} {unit}"
    return f"{count} bytes"


def cap_address_space(ceiling: int) -> None:
    """Limit this process's address space to `ceiling` bytes (or less, if it is limited further already)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def address_space_bytes() -> int:
    """This process's address space, reserved or used (0 where /proc is missing)."""
    return _statm(0)


def resident_bytes() -> int:
    """This process's resident memory (0 where /proc is missing)."""
    return _statm(1)


def _statm(field: int) -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[field]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _on_big_stack(function: Any, *args: Any) -> Any:
    result: list[Any] = []
    previous = threading.stack_size(JOB_STACK)
    try:
        thread = threading.Thread(target=lambda: result.append(function(*args)), name="ecograph-query")
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    return result[0] if result else Failure("the query failed in its worker thread", 500)


class AnswerTooLarge(Exception):
    """The values of an answer passed the limit on its size while it was being read."""


def run(store: ox.Store, job: Job | DescribeJob, limits: Limits) -> QueryOutcome | Answer | Description | Failure:
    if isinstance(job, DescribeJob):
        try:
            return describe(store, job)
        except Exception as error:  # noqa: BLE001 - a worker answers every job
            return Failure(f"the description failed: {error}", 500)
    if (problem := too_deep(job.request.sparql)) is not None:
        return Failure(problem, 400)
    if (refused := refusal(job.request.sparql)) is not None:
        return Failure(refused.message, refused.status)
    return execute(store, job, limits)


def execute(store: ox.Store, job: Job, limits: Limits) -> QueryOutcome | Answer | Failure:
    """Run `job` on `store` as it is: only for texts that `guard.refusal` admits (see run)."""
    try:
        result = store.query(job.request.sparql, **dataset_options(job.request))
        if job.format_name is None:
            return to_outcome(result, job.max_rows, limits.max_response, offset=job.offset)
        return _answer(result, job, limits.max_response)
    except SyntaxError as error:
        return Failure(f"SPARQL syntax error: {error}", 400)
    except NotXml as error:
        return Failure(error.message, error.status)
    except AnswerTooLarge:
        return Failure(too_large(limits.max_response), 422)
    except MemoryError:
        return Failure(too_much_memory(limits.max_memory), 422)
    except Exception as error:  # a worker answers every job; a failing query must not end it
        return Failure(f"the query failed: {error}", 500)


def dataset_options(request: QueryRequest) -> dict[str, Any]:
    """pyoxigraph query options: the protocol's dataset if given (else the store's: the merge of all
    graphs as default graph, see store.py), and the bindings."""
    options: dict[str, Any] = {}
    if request.bindings:
        options["substitutions"] = {ox.Variable(k): v for k, v in request.bindings.items()}
    if request.default_graphs or request.named_graphs:
        options["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graphs]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    return options


def _take(iterator: Any, limit: int, max_bytes: int | None = None, offset: int = 0) -> tuple[list[Any], bool]:
    """Up to `limit` items after the first `offset`, and whether there were more; AnswerTooLarge as soon as
    their values hold more than `max_bytes` characters, before anything is written."""
    items: list[Any] = []
    size = 0
    for item in islice(iterator, offset, None):
        if len(items) == limit:
            return items, True
        items.append(item)
        if max_bytes is not None:
            size += sum(map(_term_size, item))
            if size > max_bytes:
                raise AnswerTooLarge
    return items, False


def _term_size(term: Any) -> int:
    """The characters of a term's value (a lower bound on what it takes in any format)."""
    if term is None:
        return 0
    if isinstance(term, ox.Triple):
        return sum(map(_term_size, (term.subject, term.predicate, term.object)))
    return len(term.value)


def to_outcome(result: Any, max_rows: int, max_bytes: int | None = None, *, offset: int = 0) -> QueryOutcome:
    """A pyoxigraph result as terms, at most `max_rows` rows or triples after the first `offset`
    (AnswerTooLarge past `max_bytes`)."""
    if isinstance(result, ox.QueryBoolean):
        return QueryOutcome("boolean", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows, truncated = _take(result, max_rows, max_bytes, offset)
        return QueryOutcome("solutions", variables=variables, rows=[tuple(r) for r in rows], truncated=truncated)
    triples, truncated = _take(result, max_rows, max_bytes, offset)
    return QueryOutcome("graph", triples=triples, truncated=truncated)


def _answer(result: Any, job: Job, max_response: int) -> Answer | Failure:
    assert job.format_name is not None
    fmt = BY_NAME[job.format_name]
    if isinstance(result, ox.QueryBoolean):
        if fmt.rdf is not None:
            return Failure(f"an ASK query answers true/false, which cannot be given as {fmt.media_type}", 406)
        return Answer(fmt.content_type, write_boolean(fmt, bool(result)), False)
    if isinstance(result, ox.QuerySolutions):
        if fmt.rdf is not None:
            return Failure(f"a SELECT query answers a table, which cannot be given as {fmt.media_type}", 406)
        variables = [v.value for v in result.variables]
        rows, truncated = _take(result, job.max_rows, max_response, job.offset)
        body = write_solutions(fmt, variables, [tuple(r) for r in rows], truncated=truncated, limit=job.max_rows)
        return _sized(Answer(fmt.content_type, body, truncated), max_response)
    if fmt.rdf is None:
        return Failure(f"a CONSTRUCT/DESCRIBE query answers a graph, which cannot be given as {fmt.media_type}", 406)
    triples, truncated = _take(result, job.max_rows, max_response, job.offset)
    body = write_graph(fmt, triples, prefixes=job.prefixes or {}, truncated=truncated, limit=job.max_rows)
    return _sized(Answer(fmt.content_type, body, truncated), max_response)


def _sized(answer: Answer, max_response: int) -> Answer:
    """The answer, unless escaping made its body larger than `max_response` bytes."""
    if len(answer.body) > max_response:
        raise AnswerTooLarge
    return answer


RDF_SUBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
RDF_OBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#object")
CLAIM_LINKS = frozenset({RDF_SUBJECT, RDF_OBJECT})


def describe(store: ox.Store, job: DescribeJob) -> Description:
    """The bounded description of `job.iri` in the default graph (the merge of the articles), read straight
    from the store's indexes (no query to parse or plan):

    - page 1: every triple with the resource as subject (its own facts, labels and types);
    - the claims whose rdf:subject is the resource (the provenance of its own facts: quote, line, article),
      each with all its triples, `per_page` claims per page;
    - the incoming links (triples with the resource as object, other than a claim's rdf:subject/rdf:object),
      `per_page` per page.

    Pages are taken in the order of the store's own indexes, which is stable for a given store: a page costs
    reading the pages before it and one item beyond it (to know whether there is a next page), not the whole
    neighbourhood of a popular entity. The serializer orders the triples of the answer (describe.serialize).
    """
    node = ox.NamedNode(job.iri)
    default = ox.DefaultGraph()
    start, end = (job.page - 1) * job.per_page, job.page * job.per_page
    own = [q.triple for q in store.quads_for_pattern(node, None, None, default)] if job.page == 1 else []
    links = (q.triple for q in store.quads_for_pattern(None, None, node, default) if q.predicate not in CLAIM_LINKS)
    incoming = list(islice(links, start, end + 1))
    claims = list(
        islice((q.subject for q in store.quads_for_pattern(None, RDF_SUBJECT, node, default)), start, end + 1)
    )
    more = len(incoming) > job.per_page or len(claims) > job.per_page
    triples = own + incoming[: job.per_page]
    for claim in claims[: job.per_page]:
        triples.extend(q.triple for q in store.quads_for_pattern(claim, None, None, default))
    if job.page > 1:
        found = bool(triples)
    else:  # an IRI that only claims point at (as rdf:subject or rdf:object) still occurs
        found = bool(triples) or next(store.quads_for_pattern(None, None, node, default), None) is not None
    return Description.of(triples, more=more, found=found)
