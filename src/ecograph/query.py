"""`ecograph query`: run a stored or ad-hoc query on the local build or on any SPARQL endpoint.

Both paths give a QueryOutcome of pyoxigraph terms (a remote answer is parsed with pyoxigraph), so the
output — a terminal table, SPARQL JSON or CSV — is the same whichever engine answered.
"""

from __future__ import annotations

import json
import urllib.error
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from .errors import EcographError, ProjectError
from .namespaces import Compactor, served_prefixes
from .project import DEFAULT_BASE, Project
from .queries import ParameterError, bind_arguments, parse_query
from .serve.endpoint.analysis import analyse
from .serve.endpoint.formats import BY_NAME
from .serve.endpoint.results import write_solutions
from .serve.engine.worker import dataset_options, to_outcome
from .serve.model import QueryOutcome, QueryRequest, Term
from .store import open_store

CELL_WIDTH = 60  # characters of a table cell; longer values are cut with …


class QueryFailed(EcographError):
    """The query could not be read, parsed or answered."""


def run_query(
    source: str,
    *,
    dist: Path | None = None,
    endpoint: str | None = None,
    project: Callable[[], Project] | None = None,
    timeout: float = 60.0,
    params: Mapping[str, str] | None = None,
) -> QueryOutcome:
    """Run `source` (a .rq file, or the name of a stored query) on `endpoint`, else on the build in `dist`.

    Stored queries are looked up in dist/queries/ and then in the project's queries/. `params` bind the
    query's declared parameters (`#+ param:` headers) as RDF terms, as the query API does.
    """
    sparql = load_query(source, _query_dirs(dist, project))
    if endpoint:
        if params:
            raise QueryFailed("--param binds parameters on the local build only; leave out --endpoint")
        return _remote(sparql, endpoint, timeout)
    if dist is None:
        if project is None:
            raise QueryFailed("Give --dist DIR or --endpoint URL: there is no build to query.")
        dist = project().default_dist
    bindings = _bindings(source, sparql, params, project) if params else None
    return _local(sparql, dist, bindings)


def _bindings(
    source: str, sparql: str, params: Mapping[str, str], project: Callable[[], Project] | None
) -> Mapping[str, Term]:
    query = parse_query(Path(source).stem, sparql, source)
    declared = {p.name for p in query.params}
    unknown = sorted(set(params) - declared)
    if unknown:
        known = f"its parameters: {', '.join(sorted(declared))}" if declared else "it declares no parameters"
        raise QueryFailed(f"{source} has no parameter {', '.join(map(repr, unknown))} ({known}).")
    base = _base(project)
    try:
        return bind_arguments(query, params, base)
    except ParameterError as error:
        raise QueryFailed(f"{error}.") from None


def _base(project: Callable[[], Project] | None) -> str:
    if project is None:
        return DEFAULT_BASE
    try:
        return project().base
    except ProjectError:
        return DEFAULT_BASE


def load_query(source: str, folders: list[Path]) -> str:
    path = Path(source)
    is_file = path.suffix == ".rq" or path.is_file()
    candidates = [path] if is_file else [folder / f"{source}.rq" for folder in folders]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    names = sorted({p.stem for folder in folders for p in folder.glob("*.rq")})
    known = f"stored queries: {', '.join(names)}" if names else "no stored queries were found"
    raise QueryFailed(f"No query file or stored query named {source!r} ({known}).")


def _query_dirs(dist: Path | None, project: Callable[[], Project] | None) -> list[Path]:
    folders = [dist / "queries"] if dist else []
    if project is not None:
        try:
            opened = project()
        except ProjectError:
            return folders
        folders += [opened.default_dist / "queries", opened.queries_dir]
    return folders


def _local(sparql: str, dist: Path, bindings: Mapping[str, Term] | None = None) -> QueryOutcome:
    store = open_store(dist)
    request = QueryRequest(sparql, bindings=bindings)
    try:
        return to_outcome(store.query(sparql, **dataset_options(request)), max_rows=1 << 62)
    except SyntaxError as error:
        raise QueryFailed(f"SPARQL syntax error: {error}") from None


def _remote(sparql: str, endpoint: str, timeout: float) -> QueryOutcome:
    client = SPARQLWrapper(endpoint)
    client.setQuery(sparql)
    client.setTimeout(int(timeout))
    graph = analyse(sparql).kind == "graph"
    client.setReturnFormat(TURTLE if graph else JSON)
    try:
        body = client.query().response.read()
    except (SPARQLWrapperException, urllib.error.URLError, OSError) as error:
        raise QueryFailed(f"{endpoint} did not answer the query: {error}") from None
    try:
        if graph:
            return QueryOutcome("graph", triples=[q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)])
        answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as error:
        raise QueryFailed(f"{endpoint} answered something that is not SPARQL results: {error}") from None
    if isinstance(answer, ox.QueryBoolean):
        return QueryOutcome("boolean", boolean=bool(answer))
    return QueryOutcome("solutions", variables=[v.value for v in answer.variables], rows=[tuple(row) for row in answer])


# Rendering -------------------------------------------------------------------------------------------


def render(outcome: QueryOutcome, fmt: str, *, base: str = DEFAULT_BASE) -> str:
    """The outcome as a terminal `table`, SPARQL `json` or `csv` (graphs: subject/predicate/object)."""
    variables, rows = _tabular(outcome)
    if outcome.kind == "boolean":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": outcome.boolean})
        return str(outcome.boolean).lower()
    if fmt in ("json", "csv"):
        body = write_solutions(BY_NAME[fmt], variables, rows, truncated=outcome.truncated, limit=len(rows))
        return body.decode().rstrip("\r\n")
    return _table(variables, rows, Compactor(served_prefixes(base)))


def _tabular(outcome: QueryOutcome) -> tuple[list[str], list[tuple[Term | None, ...]]]:
    if outcome.kind == "graph":
        return ["subject", "predicate", "object"], [(t.subject, t.predicate, t.object) for t in outcome.triples]
    return outcome.variables, outcome.rows


def _table(variables: list[str], rows: list[tuple[Term | None, ...]], compactor: Compactor) -> str:
    cells = [[_cell(term, compactor) for term in row] for row in rows]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(variables)]
    lines = [
        " │ ".join(name.ljust(w) for name, w in zip(variables, widths, strict=True)),
        "─┼─".join("─" * w for w in widths),
    ]
    lines += [" │ ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines)


def _cell(term: Any, compactor: Compactor) -> str:
    if term is None:
        text = ""
    elif isinstance(term, ox.NamedNode):
        text = compactor.curie(term.value) or f"<{term.value}>"
    elif isinstance(term, ox.Literal):
        text = term.value + (f"@{term.language}" if term.language else "")
    else:
        text = str(term)
    text = " ".join(text.split())
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"
