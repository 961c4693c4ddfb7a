"""The stored queries as a web API: answers in JSON (SPARQL 1.1 results) and CSV, and the OpenAPI 3.1
document that lists every query with its summary, tags and parameters."""

from __future__ import annotations

from collections.abc import Mapping
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

RESERVED = ("format",)
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


def check_arguments(query: StoredQuery, args: dict[str, str]) -> None:
    """Unknown URL parameters are an error (a typo would otherwise silently return everything)."""
    known = {p.name for p in query.params}
    unknown = sorted(set(args) - known - set(RESERVED))
    if unknown:
        takes = ", ".join(sorted(known)) or "no parameters"
        raise ParameterError(
            f"unknown parameter {', '.join(map(repr, unknown))}: {query.name} takes {takes} (and format=json|csv)"
        )


async def run(site: SiteLike, query: StoredQuery, bindings: Mapping[str, Term], media_type: str) -> Response:
    """The stored query's answer in the negotiated media type. Tables and true/false are written by the query
    worker, so the web process only forwards the bytes (as for /sparql); graphs come back as terms and are
    written here (JSON-LD with the site's prefixes, or CSV triples)."""
    if analyse(query.text).kind == "graph":
        return answer(await site.query(query.text, bindings=bindings), media_type, site.base)
    fmt = BY_NAME["csv" if media_type == conneg.CSV else "json"]
    limits = site.limits
    written = await site.engine.answer(
        QueryRequest(query.text, bindings=bindings),
        fmt,
        timeout=limits.timeout,
        max_rows=limits.max_rows,
        prefixes=site.prefixes,
    )
    return Response(
        written.body, media_type=media_type + "; charset=utf-8", headers=_headers(written.truncated, limits.max_rows)
    )


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


def document(queries: dict[str, StoredQuery], base: str) -> dict[str, Any]:
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
        paths[f"/api/queries/{query.name}"] = {"get": _operation(query)}
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


def _operation(query: StoredQuery) -> dict[str, Any]:
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
            "400": {**error, "description": "A parameter is missing, unknown or of the wrong type"},
            "406": {"description": "None of the accepted media types is offered"},
            "503": {**error, "description": "The query ran past the time limit"},
        },
    }


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
