"""A query worker process: holds a read-only store, answers one query at a time over a socket.

Messages are length-prefixed pickles. The web process kills a worker whose query runs past the time limit
(pyoxigraph cannot interrupt a running query), so a worker keeps no state that a kill could corrupt.
"""

from __future__ import annotations

import pickle
import signal
import socket
import struct
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from .formats import Format
from .model import QueryOutcome, QueryRequest
from .results import write_boolean, write_graph, write_solutions

HEADER = struct.Struct("!Q")


@dataclass(frozen=True)
class Job:
    """One query for a worker. `fmt` None: answer with a QueryOutcome (terms); else with serialized bytes."""

    request: QueryRequest
    max_rows: int
    fmt: Format | None = None
    prefixes: dict[str, str] | None = None


@dataclass(frozen=True)
class Answer:
    """A serialized answer: its format (possibly another kind's default), body, and whether it was cut."""

    fmt: Format
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


def main(sock: socket.socket, store_path: str) -> None:
    """The worker's loop: open the store, say "ready", then answer jobs until the socket closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    try:
        store = ox.Store.read_only(store_path)
    except OSError as error:
        send(sock, Failure(f"cannot open the query store {store_path}: {error}", 500))
        return
    send(sock, "ready")
    while (job := receive(sock)) is not None:
        send(sock, run(store, job))


def run(store: ox.Store, job: Job) -> QueryOutcome | Answer | Failure:
    try:
        result = store.query(job.request.sparql, **dataset_options(job.request))
        return to_outcome(result, job.max_rows) if job.fmt is None else _answer(result, job)
    except SyntaxError as error:
        return Failure(f"SPARQL syntax error: {error}", 400)
    except Exception as error:  # a worker answers every job; a failing query must not end it
        return Failure(f"the query failed: {error}", 500)


def dataset_options(request: QueryRequest) -> dict[str, Any]:
    """pyoxigraph query options: the protocol's dataset, else the union default graph; the bindings."""
    options: dict[str, Any] = {}
    if request.bindings:
        options["substitutions"] = {ox.Variable(k): v for k, v in request.bindings.items()}
    if request.default_graphs or request.named_graphs:
        options["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graphs]
        if request.named_graphs:
            options["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    else:
        options["use_default_graph_as_union"] = True
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
    fmt = job.fmt
    assert fmt is not None
    if isinstance(result, ox.QueryBoolean):
        if fmt.rdf is not None:
            return Failure(f"an ASK query answers true/false, which cannot be given as {fmt.media_type}", 406)
        return Answer(fmt, write_boolean(fmt, bool(result)), False)
    if isinstance(result, ox.QuerySolutions):
        if fmt.rdf is not None:
            return Failure(f"a SELECT query answers a table, which cannot be given as {fmt.media_type}", 406)
        variables = [v.value for v in result.variables]
        rows, truncated = _take(result, job.max_rows)
        body = write_solutions(fmt, variables, [tuple(r) for r in rows], truncated=truncated,
                               limit=job.max_rows)
        return Answer(fmt, body, truncated)
    if fmt.rdf is None:
        return Failure(f"a CONSTRUCT/DESCRIBE query answers a graph, which cannot be given as "
                       f"{fmt.media_type}", 406)
    triples, truncated = _take(result, job.max_rows)
    body = write_graph(fmt, triples, prefixes=job.prefixes or {}, truncated=truncated, limit=job.max_rows)
    return Answer(fmt, body, truncated)
