"""The stored queries as a web API: answers in JSON (SPARQL 1.1 results) and CSV, and the OpenAPI 3.1
document that lists every query with its summary, tags and parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from ... import __version__
from ..endpoint import conneg
from ..endpoint.analysis import analyse
from ..endpoint.formats import BY_NAME
from ..endpoint.results import write_solutions
from ..model import QueryRequest, Term
from .describe import SiteLike, serialize
from .storedqueries import ParameterError, StoredQuery

RESERVED = ("format", "limit", "offset")
MAX_OFFSET = 1_000_000_000
SCHEMAS = {
    "iri": {"type": "string", "format": "iri-reference"},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "boolean": {"type": "boolean"},
}
SPARQL_JSON_SCHEMA = {
    "type": "object",
    "description": "SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/)",
    "properties": {
        "head": {"type": "object", "properties": {"vars": {"type": "array", "items": {"type": "string"}}}},
        "results": {"type": "object", "properties": {"bindings": {"type": "array", "items": {"type": "object"}}}},
        "boolean": {"type": "boolean"},
    },
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["ok", "status", "error"],
    "properties": {"ok": {"const": False}, "status": {"type": "integer"}, "error": {"type": "string"}},
}


def query_summary(query: StoredQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "summary": query.summary,
        "tags": list(query.tags),
        "url": f"/api/queries/{query.name}",
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "description": p.description,
                **({"example": p.example} if p.example else {}),
            }
            for p in query.params
        ],
    }


@dataclass(frozen=True)
class Paging:
    """Which rows of an answer to give: at most `limit` (None: the server's limit) after the first `offset`."""

    limit: int | None = None
    offset: int = 0


def paging(args: Mapping[str, str], max_rows: int) -> Paging:
    """?limit=N (1 to `max_rows`) and ?offset=M (0 or more); ParameterError saying what to give instead."""
    limit = _whole_number(args, "limit", 1, max_rows)
    offset = _whole_number(args, "offset", 0, MAX_OFFSET)
    return Paging(limit, offset or 0)


def _whole_number(args: Mapping[str, str], name: str, lowest: int, highest: int) -> int | None:
    value = args.get(name)
    if value is None:
        return None
    if not (
        value.isascii() and value.isdigit() and len(value) <= len(str(highest)) and lowest <= int(value) <= highest
    ):
        raise ParameterError(
            f"{name}={value!r} is not a whole number from {lowest} to {highest} (e.g. limit=100&offset=200 "
            "gives rows 201 to 300)"
        )
    return int(value)


def check_arguments(query: StoredQuery, args: dict[str, str]) -> None:
    """Unknown URL parameters are an error (a typo would otherwise silently return everything)."""
    known = {p.name for p in query.params}
    unknown = sorted(set(args) - known - set(RESERVED))
    if unknown:
        takes = ", ".join(sorted(known)) or "no parameters"
        raise ParameterError(
            f"unknown parameter {', '.join(map(repr, unknown))}: {query.name} takes {takes} "
            "(and format=json|csv, limit=N, offset=N)"
        )


async def run(
    site: SiteLike, query: StoredQuery, bindings: Mapping[str, Term], media_type: str, page: Paging = Paging()
) -> Response:
    """The stored query's answer in the negotiated media type, the rows `page` asks for. Tables and true/false
    are written by the query worker, so the web process only forwards the bytes (as for /sparql); graphs come
    back as terms and are written here (JSON-LD with the site's prefixes, or CSV triples)."""
    limits = site.limits
    rows = min(page.limit or limits.max_rows, limits.max_rows)
    request = QueryRequest(query.text, bindings=bindings)
    if analyse(query.text).kind == "graph":
        outcome = await site.engine.outcome(request, timeout=limits.timeout, max_rows=rows, offset=page.offset)
        return answer(outcome, media_type, site.base)
    fmt = BY_NAME["csv" if media_type == conneg.CSV else "json"]
    written = await site.engine.answer(
        request,
        fmt,
        timeout=limits.timeout,
        max_rows=rows,
        prefixes=site.prefixes,
        offset=page.offset,
    )
    return Response(written.body, media_type=media_type + "; charset=utf-8", headers=_headers(written.truncated, rows))


def answer(outcome: Any, media_type: str, base: str) -> Response:
    """The answer to a CONSTRUCT or DESCRIBE query in the negotiated media type; a cut answer says so."""
    limit = len(outcome.triples)
    headers = _headers(outcome.truncated, limit)
    if media_type != conneg.CSV:
        return Response(serialize(outcome.triples, conneg.JSON_LD, base), media_type=conneg.JSON_LD, headers=headers)
    rows = [(t.subject, t.predicate, t.object) for t in outcome.triples]
    body = write_solutions(
        BY_NAME["csv"], ["subject", "predicate", "object"], rows, truncated=outcome.truncated, limit=limit
    )
    return Response(body, media_type=media_type + "; charset=utf-8", headers=headers)


def _headers(truncated: bool, limit: int) -> dict[str, str]:
    """Vary, and for an answer cut at `limit` rows the headers that say so (the JSON says it too)."""
    if not truncated:
        return {"Vary": "Accept"}
    return {"Vary": "Accept", "X-Ecograph-Truncated": "true", "X-Ecograph-Limit": str(limit)}


# ------------------------------------------------------------------------------------------ OpenAPI --


def document(queries: dict[str, StoredQuery], base: str, max_rows: int = 10_000) -> dict[str, Any]:
    """OpenAPI 3.1: one GET operation per stored query, plus the list of queries."""
    paths: dict[str, Any] = {
        "/api/queries": {
            "get": {
                "operationId": "listQueries",
                "summary": "List the stored queries",
                "tags": ["meta"],
                "responses": {
                    "200": {
                        "description": "The stored queries with their parameters",
                        "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}},
                    }
                },
            }
        }
    }
    for query in queries.values():
        paths[f"/api/queries/{query.name}"] = {"get": _operation(query, max_rows)}
    tags = sorted({tag for q in queries.values() for tag in q.tags} | {"meta"})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Ecosystem Graph stored queries",
            "version": __version__,
            "description": "Each stored SPARQL query (queries/*.rq) as a GET operation. Answers are SPARQL 1.1 "
            "JSON results or CSV, chosen by the Accept header or ?format=json|csv. Parameters "
            "are bound as RDF terms, never spliced into the query text. An IRI parameter takes "
            f"a full IRI or an entity id relative to {base}id/ (e.g. organisation/acme).",
            "license": {"name": "CC BY 4.0 (data)", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {"schemas": {"SparqlResults": SPARQL_JSON_SCHEMA, "Error": ERROR_SCHEMA}},
    }


def _operation(query: StoredQuery, max_rows: int) -> dict[str, Any]:
    parameters = [_parameter(p) for p in query.params]
    parameters.append(
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "The answer's format (instead of the Accept header)",
            "schema": {"type": "string", "enum": ["json", "csv"]},
        }
    )
    parameters += _paging_parameters(max_rows)
    error = {
        "description": "An error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    return {
        "operationId": _operation_id(query.name),
        "summary": query.summary or query.name,
        "description": (
            f"Not available: {query.problem}"
            if query.problem
            else query.description or f"Runs the stored query {query.name}.rq"
        ),
        "tags": list(query.tags) or ["queries"],
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "The answer",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/SparqlResults"}},
                    "application/sparql-results+json": {"schema": {"$ref": "#/components/schemas/SparqlResults"}},
                    "text/csv": {"schema": {"type": "string"}},
                },
            },
            "400": {
                **error,
                "description": "A parameter is missing, unknown or of the wrong type, or limit or "
                "offset is not a whole number in its range",
            },
            "406": {"description": "None of the accepted media types is offered"},
            "503": {**error, "description": "The query ran past the time limit"},
        },
    }


def _paging_parameters(max_rows: int) -> list[dict[str, Any]]:
    """?limit= and ?offset=: a page of the answer (an answer cut at `limit` says so: X-Ecograph-Truncated)."""
    return [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": f"At most this many rows (default and at most {max_rows}); a cut answer says so in "
            "X-Ecograph-Truncated",
            "schema": {"type": "integer", "minimum": 1, "maximum": max_rows},
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": "Leave out this many rows first (with limit: the next page)",
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        },
    ]


def _parameter(param: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": param.description or param.name,
        "schema": SCHEMAS[param.type],
    }
    if param.example is not None:
        spec["example"] = param.example
    return spec


def _operation_id(name: str) -> str:
    words = [w for w in name.replace("_", "-").split("-") if w]
    return "query" + "".join(w[:1].upper() + w[1:] for w in words)
