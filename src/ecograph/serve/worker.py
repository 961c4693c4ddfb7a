"""A query worker process: holds the store, answers one query at a time over a socket.

Messages are length-prefixed pickles. The web process kills a worker whose query runs past the time limit
(pyoxigraph cannot interrupt a running query), so a worker keeps no state that a kill could corrupt.
"""

from __future__ import annotations

import os
import pickle
import socket
import struct
import threading
from dataclasses import dataclass
from itertools import islice
from typing import Any

import pyoxigraph as ox

from .analysis import too_deep
from .formats import BY_NAME
from .model import QueryOutcome, QueryRequest
from .results import write_boolean, write_graph, write_solutions

HEADER = struct.Struct("!Q")
# pyoxigraph parses and evaluates recursively, on the calling thread: a query whose syntax tree is deep (long
# chains of ||, +, UNION, OPTIONAL, property paths) overflows a default 8 MB stack and ends the process. Each
# job runs on a thread with this much stack (reserved, touched only by such queries, freed when the job ends);
# deeper still, the worker ends and the engine answers with QUERY_CRASHED and replaces it.
JOB_STACK = 512 << 20
# A worker whose memory has grown this much since it started (deep stacks kept for reuse, large answers, a
# fragmented heap) ends after its answer; the engine then starts a fresh one from the zygote.
RECYCLE_GROWTH = 256 << 20


@dataclass(frozen=True)
class Job:
    """One query for a worker. `format_name` None: answer with a QueryOutcome (terms); else with bytes in
    that format (see formats.BY_NAME)."""

    request: QueryRequest
    max_rows: int
    format_name: str | None = None
    prefixes: dict[str, str] | None = None


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
        return cls(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b"", more, found)

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
    """The query could not run: a syntax error (status 400) or a store error (status 500)."""

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


def serve(sock: socket.socket, store: ox.Store) -> None:
    """The worker's loop: say "ready", then answer jobs (with whether it retires) until the socket closes."""
    send(sock, "ready")
    baseline = resident_bytes()
    while (job := receive(sock)) is not None:
        reply = _on_big_stack(run, store, job)
        retiring = resident_bytes() - baseline > RECYCLE_GROWTH
        send(sock, (reply, retiring))  # the engine replaces a retiring worker instead of reusing it
        if retiring:
            return


def resident_bytes() -> int:
    """This process's resident memory (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
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


def run(store: ox.Store, job: Job | DescribeJob) -> QueryOutcome | Answer | Description | Failure:
    if isinstance(job, DescribeJob):
        try:
            return describe(store, job)
        except Exception as error:  # noqa: BLE001 - a worker answers every job
            return Failure(f"the description failed: {error}", 500)
    if (problem := too_deep(job.request.sparql)) is not None:
        return Failure(problem, 400)
    try:
        result = store.query(job.request.sparql, **dataset_options(job.request))
        return to_outcome(result, job.max_rows) if job.format_name is None else _answer(result, job)
    except SyntaxError as error:
        return Failure(f"SPARQL syntax error: {error}", 400)
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


def _take(iterator: Any, limit: int) -> tuple[list[Any], bool]:
    """Up to `limit` items, and whether there were more."""
    items = []
    for item in iterator:
        if len(items) == limit:
            return items, True
        items.append(item)
    return items, False


def to_outcome(result: Any, max_rows: int) -> QueryOutcome:
    """A pyoxigraph result as terms, at most `max_rows` rows or triples."""
    if isinstance(result, ox.QueryBoolean):
        return QueryOutcome("boolean", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows, truncated = _take(result, max_rows)
        return QueryOutcome("solutions", variables=variables, rows=[tuple(r) for r in rows],
                            truncated=truncated)
    triples, truncated = _take(result, max_rows)
    return QueryOutcome("graph", triples=triples, truncated=truncated)


def _answer(result: Any, job: Job) -> Answer | Failure:
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
        rows, truncated = _take(result, job.max_rows)
        body = write_solutions(fmt, variables, [tuple(r) for r in rows], truncated=truncated,
                               limit=job.max_rows)
        return Answer(fmt.content_type, body, truncated)
    if fmt.rdf is None:
        return Failure(f"a CONSTRUCT/DESCRIBE query answers a graph, which cannot be given as "
                       f"{fmt.media_type}", 406)
    triples, truncated = _take(result, job.max_rows)
    body = write_graph(fmt, triples, prefixes=job.prefixes or {}, truncated=truncated, limit=job.max_rows)
    return Answer(fmt.content_type, body, truncated)


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
    links = (q.triple for q in store.quads_for_pattern(None, None, node, default)
             if q.predicate not in CLAIM_LINKS)
    incoming = list(islice(links, start, end + 1))
    claims = list(islice((q.subject for q in store.quads_for_pattern(None, RDF_SUBJECT, node, default)),
                         start, end + 1))
    more = len(incoming) > job.per_page or len(claims) > job.per_page
    triples = own + incoming[:job.per_page]
    for claim in claims[:job.per_page]:
        triples.extend(q.triple for q in store.quads_for_pattern(claim, None, None, default))
    if job.page > 1:
        found = bool(triples)
    else:  # an IRI that only claims point at (as rdf:subject or rdf:object) still occurs
        found = bool(triples) or next(store.quads_for_pattern(None, None, node, default), None) is not None
    return Description.of(triples, more=more, found=found)
