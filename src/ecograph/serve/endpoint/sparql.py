"""The SPARQL 1.1 Protocol at /sparql: read-only queries, a service description, and their refusals.

What can be refused on sight is refused here, before a worker is involved: updates, oversized requests,
formats nobody can give. Queries that pass go to a worker, which runs them under the time limit only when
their parse holds no SERVICE (guard.py; the workers have no network anyway, see sandbox.py), and writes the
answer, so this process only forwards bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ...namespaces import RDFS, VOID
from ..model import QueryRejected, QueryRequest
from ..site import Site
from .analysis import analyse
from .conneg import prefers
from .formats import GRAPH_FORMATS, SOLUTION_FORMATS, NotAcceptable, choose, negotiate
from .guard import READ_ONLY

Params = list[tuple[str, str]]
T = TypeVar("T")
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


async def endpoint(request: Request) -> Response:
    site: Site = request.app.state.site
    params = await _params(request, site)
    if any(key == "update" for key, _ in params):
        raise QueryRejected(READ_ONLY, 403)
    query = _one(params, "query")
    if query is None:
        return await _service_description(request, site)
    return await _answer(request, site, query, params)


async def _answer(request: Request, site: Site, query: str, params: Params) -> Response:
    analysis = analyse(query)
    if analysis.kind == "update":
        raise QueryRejected(READ_ONLY, 403)
    try:
        fmt = choose(
            analysis.kind or "solutions",
            request.headers.get("accept"),
            [value for key, value in params if key in ("format", "output")],
        )
    except NotAcceptable as error:
        if analysis.kind is not None:
            raise QueryRejected(str(error), 406) from None
        fmt = SOLUTION_FORMATS[0]  # no query form: the worker answers with the syntax error
    dataset = QueryRequest(
        query, default_graphs=_all(params, "default-graph-uri"), named_graphs=_all(params, "named-graph-uri")
    )
    answer = await _while_connected(
        request,
        site.engine.answer(
            dataset, fmt, timeout=site.limits.timeout, max_rows=site.limits.max_rows, prefixes=site.prefixes
        ),
    )
    if answer is None:  # the client has gone: nobody reads this
        return Response(status_code=499)
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers["X-Ecograph-Truncated"] = "true"
        headers["X-Ecograph-Limit"] = str(site.limits.max_rows)
    return Response(answer.body, media_type=answer.content_type, headers=headers)


async def _while_connected(request: Request, work: Awaitable[T]) -> T | None:
    """`work`'s result, or None if the client disconnects first: then the query is cancelled, which stops
    its worker (the engine kills and replaces it) instead of keeping it busy up to the time limit."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return None if task.cancelled() else task.result()


async def _disconnected(request: Request) -> None:
    """Return when the client closes the connection (the request body has been read already)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def _params(request: Request, site: Site) -> Params:
    """The protocol parameters, from the URL and (for POST) the body; enforces the size limits."""
    raw = request.scope["query_string"]
    if len(raw) > site.limits.max_query_string:
        raise QueryRejected(
            f"The URL's query string is longer than {site.limits.max_query_string} "
            "characters: send long queries with POST.",
            414,
        )
    params = _decode(raw, "the URL's query string")
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == UPDATE:
        raise QueryRejected(READ_ONLY, 403)
    if content_type not in (FORM, QUERY):  # before reading a body that would be refused anyway
        raise QueryRejected(f"POST needs Content-Type {FORM} or {QUERY}, not {content_type or 'none'}.", 415)
    body = await _body(request, site.limits.max_body)
    if content_type == FORM:
        return params + _decode(body, "the form body")
    return [*params, ("query", _text(body, "the query"))]


async def _body(request: Request, limit: int) -> bytes:
    too_big = QueryRejected(f"The request body is larger than {limit} bytes.", 413)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_big
    return bytes(body)


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QueryRejected(f"{what} is not UTF-8 ({error}).", 400) from None


def _decode(data: bytes, what: str) -> Params:
    try:
        return parse_qsl(_text(data, what), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as error:
        raise QueryRejected(f"{what} is not valid URL encoding ({error}).", 400) from None


def _one(params: Params, key: str) -> str | None:
    values = [value for name, value in params if name == key]
    if len(values) > 1:
        raise QueryRejected(f"The parameter {key!r} is given {len(values)} times; give it once.", 400)
    return values[0] if values else None


def _all(params: Params, key: str) -> tuple[str, ...]:
    """Every value of a graph IRI parameter (default-graph-uri, named-graph-uri), each checked as an IRI."""
    values = tuple(value for name, value in params if name == key)
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as error:
            raise QueryRejected(f"{key}={value!r} is not an absolute IRI ({error}).", 400) from None
    return values


# Service description ---------------------------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


async def _service_description(request: Request, site: Site) -> Response:
    accept = request.headers.get("accept")
    if prefers(accept, "text/html", "text/turtle"):
        return RedirectResponse("/sparql/editor", 303, headers={"Vary": "Accept"})
    try:
        fmt = negotiate(accept, GRAPH_FORMATS)
    except NotAcceptable as error:
        raise QueryRejected(str(error), 406) from None
    endpoint_iri = str(request.url.replace(query=""))
    body = ox.serialize(
        await _description(site, endpoint_iri),
        format=fmt.rdf,
        prefixes={"sd": SD, "formats": FORMATS, "rdfs": RDFS, "void": VOID},
    )
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})


RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


async def _description(site: Site, endpoint_iri: str) -> list[ox.Triple]:
    service = ox.NamedNode(endpoint_iri)
    dataset, default_graph = ox.BlankNode("dataset"), ox.BlankNode("default")

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    limits = site.limits
    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(
            service,
            ox.NamedNode(RDFS + "comment"),
            ox.Literal(
                f"Read-only SPARQL 1.1 endpoint. SERVICE is disabled (the query workers have no network); queries "
                f"are stopped after {limits.timeout:g} s or {limits.max_memory >> 20} MiB of memory (503 and 422); "
                f"answers are cut at {limits.max_rows} rows (header X-Ecograph-Truncated) and refused beyond "
                f"{limits.max_response} bytes (422).",
                language="en",
            ),
        ),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, ox.NamedNode(RDFS + "seeAlso"), ox.NamedNode(f"{site.base}dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
    ]
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + name)) for name in RESULT_FORMATS]
    for index, graph in enumerate(await site.named_graphs()):
        named = ox.BlankNode(f"g{index}")
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(graph)),
        ]
    return triples
