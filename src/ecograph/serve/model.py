"""The endpoint's data types and errors: what a query is, what it answers, and how it can fail."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pyoxigraph as ox

from ..errors import EcographError

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
QueryKind = Literal["solutions", "boolean", "graph"]


class QueryRejected(EcographError):
    """The endpoint refuses a query before or instead of running it (syntax error, update, SERVICE, size).

    `status` is the HTTP status to answer with (400, 403, 406, 413, 414, ...).
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class QueryTimedOut(EcographError):
    """The query ran past its time limit and was stopped (its worker process was killed)."""

    status = 503

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"The query was stopped after the time limit of {seconds:g} s. Make it more selective "
            "(fewer unbound joins, a LIMIT), or load the dumps (/dumps/) into a local store."
        )


class EndpointBusy(EcographError):
    """The query was not started: its wait for a worker would pass (or passed) its time limit, or its client
    has more than its share of queries waiting. `retry_after`: seconds after which a retry may be admitted."""

    status = 503

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class EndpointFailure(EcographError):
    """A query worker failed (crashed or could not read the store); the worker is replaced."""

    status = 500


@dataclass(frozen=True)
class QueryOutcome:
    """The answer to a query, as pyoxigraph terms.

    kind "solutions" (SELECT): `variables` and `rows` (one tuple per solution, None for unbound);
    kind "boolean" (ASK): `boolean`; kind "graph" (CONSTRUCT/DESCRIBE): `triples`.
    `truncated` is True when more rows/triples existed than the row limit allowed.
    """

    kind: QueryKind
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False


@dataclass(frozen=True)
class Limits:
    """The safety limits of the endpoint."""

    timeout: float = 10.0  # seconds a query may run before its worker is killed
    max_rows: int = 10_000  # solutions or triples in one answer; more are cut and the answer says so
    max_body: int = 1 << 20  # bytes of a POST body
    max_query_string: int = 16_384  # characters of a GET URL's query string (longer: use POST)
    client_timeout: float = 10.0  # seconds a client may take to send a request, headers and body (then: cut off)
    max_memory: int = 1 << 30  # bytes of memory a query may add to its worker process (past it: 422, new worker)
    max_response: int = 100 << 20  # bytes of one answer's body (past it: 422)


@dataclass(frozen=True)
class QueryRequest:
    """A query and its dataset, as the SPARQL protocol gives them.

    `default_graphs`/`named_graphs` are the protocol's default-graph-uri/named-graph-uri; when both are
    empty the default graph is the union of the named graphs. `bindings` substitutes variables with terms
    (pyoxigraph substitutions: values are bound as terms, never spliced into the query text).
    """

    sparql: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    bindings: Mapping[str, Term] | None = None
