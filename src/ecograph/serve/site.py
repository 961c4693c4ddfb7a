"""The served site: what every route needs (the dist/ folder, the base IRI, the VoID graph, queries).

Queries never run in the web process: they run in worker processes (see `engine.py`) so that a query past
its time limit can be stopped by killing its worker, while other requests keep being answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
import rdflib

from ..namespaces import served_prefixes
from ..project import DEFAULT_BASE
from ..store import store_source
from .engine.engine import QueryEngine
from .engine.worker import DescribeJob, Description
from .model import (
    EndpointBusy,
    EndpointFailure,
    Limits,
    QueryOutcome,
    QueryRejected,
    QueryRequest,
    QueryTimedOut,
    Term,
)

__all__ = ["EndpointBusy", "EndpointFailure", "Limits", "QueryOutcome", "QueryRejected", "QueryTimedOut", "Site"]

VOID_DATASET = rdflib.URIRef("http://rdfs.org/ns/void#Dataset")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


class Site:
    """Everything a route needs: `dist`, `base`, `void`, `limits`, and `query()`.

    `Site.open(dist)` prepares the query store and its workers; `create_app(site)` starts and stops the
    workers with the app.
    """

    def __init__(
        self, dist: Path, *, engine: QueryEngine, base: str | None = None, limits: Limits | None = None
    ) -> None:
        self.dist = Path(dist).resolve()
        self.engine = engine
        self.limits = limits or Limits()
        self.base = base or self._base_from_void() or DEFAULT_BASE
        self._named_graphs: list[str] | None = None

    @classmethod
    def open(
        cls,
        dist: Path,
        *,
        base: str | None = None,
        limits: Limits | None = None,
        workers: int | None = None,
        fast_workers: int | None = None,
        store: str = "auto",
    ) -> Site:
        """A site over a built dist/, its store loaded (raises DistError when dist/ecograph.trig is missing or
        unreadable). `store`: "memory", "disk" or "auto" (see store.py); `workers`: query worker processes for
        slow queries, `fast_workers`: those kept for cheap ones (see engine.py).
        """
        engine = QueryEngine(store_source(Path(dist), store), workers=workers, fast_workers=fast_workers, limits=limits)
        engine.load()
        return cls(dist, engine=engine, base=base, limits=limits)

    @cached_property
    def void(self) -> rdflib.Graph:
        """dist/void.ttl (VoID + DCAT description of the dataset and its dumps)."""
        graph = rdflib.Graph()
        graph.parse(self.dist / "void.ttl", format="turtle")
        return graph

    @cached_property
    def prefixes(self) -> dict[str, str]:
        """Prefixes for Turtle and RDF/XML answers: those of the dumps (see namespaces.py)."""
        return served_prefixes(self.base)

    async def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs (one per article), sorted; asked once."""
        if self._named_graphs is None:
            outcome = await self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g {} } ORDER BY ?g")
            self._named_graphs = [
                row[0].value for row in outcome.rows if isinstance(row[0], ox.NamedNode | ox.BlankNode)
            ]
        return self._named_graphs

    async def query(
        self, sparql: str, *, timeout: float | None = None, bindings: Mapping[str, Term] | None = None
    ) -> QueryOutcome:
        """Run a read-only query on the union default graph.

        Raises QueryRejected (syntax error: status 400 with the parser's position; update or SERVICE: 403/400),
        QueryTimedOut (stopped after `timeout`, default the site's limit), EndpointBusy, EndpointFailure.
        `bindings` are bound as terms (pyoxigraph substitutions), never spliced into the query text.
        """
        request = QueryRequest(sparql, bindings=bindings)
        return await self.engine.outcome(request, timeout=timeout or self.limits.timeout, max_rows=self.limits.max_rows)

    async def describe(self, iri: str, *, page: int = 1, per_page: int = 100) -> Description:
        """The bounded description of `iri` (see worker.describe): page `page`, `per_page` incoming links and
        claims per page. Raises like query()."""
        return await self.engine.describe(DescribeJob(iri, page, per_page), timeout=self.limits.timeout)

    def _base_from_void(self) -> str | None:
        """The base IRI is that of the dataset (<base>dataset) that dist/void.ttl describes.

        Read with pyoxigraph's streaming parser, stopping at the dataset's type triple: void.ttl lists every
        article and dump (about 100k triples at 5,000 articles, 10 s to load into rdflib), and the server
        must not wait for that to start."""
        path = self.dist / "void.ttl"
        if not path.is_file():
            return None
        dataset_type = ox.NamedNode(str(VOID_DATASET))
        try:
            for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                if (
                    triple.predicate == RDF_TYPE
                    and triple.object == dataset_type
                    and isinstance(triple.subject, ox.NamedNode)
                    and triple.subject.value.endswith("/dataset")
                ):
                    return triple.subject.value[: -len("dataset")]
        except (SyntaxError, OSError):
            return None
        return None
