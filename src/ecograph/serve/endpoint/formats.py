"""Result formats of the SPARQL endpoint, chosen by a `format` parameter or by Accept (with conneg.py's rules)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .conneg import best


@dataclass(frozen=True)
class Format:
    """A result format: short name (for ?format=), media type, and the media types that also select it."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()
    rdf: ox.RdfFormat | None = None  # the pyoxigraph RDF format, for graph results

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml"))
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


SOLUTION_FORMATS = (
    Format("json", "application/sparql-results+json", ("application/json",)),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml")),
    Format("csv", "text/csv"),
    Format("tsv", "text/tab-separated-values"),
)
GRAPH_FORMATS = (
    Format("turtle", "text/turtle", ("application/x-turtle",), ox.RdfFormat.TURTLE),
    Format("ntriples", "application/n-triples", ("text/plain",), ox.RdfFormat.N_TRIPLES),
    Format("jsonld", "application/ld+json", ("application/json",), ox.RdfFormat.JSON_LD),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), ox.RdfFormat.RDF_XML),
)
BY_NAME = {f.name: f for f in SOLUTION_FORMATS + GRAPH_FORMATS}
# ?format= values besides the names and media types: (for solutions, for graph results)
FORMAT_PARAMETER_ALIASES = {
    "ttl": ("turtle", "turtle"),
    "nt": ("ntriples", "ntriples"),
    "n-triples": ("ntriples", "ntriples"),
    "json-ld": ("jsonld", "jsonld"),
    "rdf": ("rdfxml", "rdfxml"),
    "rdf/xml": ("rdfxml", "rdfxml"),
    "rdf+xml": ("rdfxml", "rdfxml"),
    "n3": ("turtle", "turtle"),
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
}


class NotAcceptable(ValueError):
    """No format that the client accepts fits the answer."""


def negotiate(accept: str | None, candidates: tuple[Format, ...]) -> Format:
    """The candidate the client likes best (conneg.best: q, then the more specific range, then the candidates'
    order); NotAcceptable when none fits. `text/csv;q=0, */*` refuses CSV but accepts the rest; an alias
    (application/json, text/xml) counts only when named."""
    chosen = best(accept, candidates, lambda fmt: (fmt.media_type, fmt.aliases))
    if chosen is None:
        offered = ", ".join(f.media_type for f in candidates)
        raise NotAcceptable(
            f"None of the accepted media types ({accept}) is available here; "
            f"this answer can be given as {offered} (or use ?format=)."
        )
    return chosen


def choose(kind: str, accept: str | None, parameters: list[str]) -> Format:
    """The format for an answer of `kind` ("solutions", "boolean" or "graph").

    `parameters` are the values of ?format= / ?output= (clients such as SPARQLWrapper send several, some
    empty): the first one that names a format for this kind wins over Accept.
    """
    candidates = GRAPH_FORMATS if kind == "graph" else SOLUTION_FORMATS
    given = [value.strip().lower() for value in parameters if value.strip()]
    if not given:
        return negotiate(accept, candidates)
    for value in given:
        key = FORMAT_PARAMETER_ALIASES.get(value, (value, value))[1 if kind == "graph" else 0]
        for fmt in candidates:
            if key in (fmt.name, fmt.media_type, *fmt.aliases):
                return fmt
    names = ", ".join(f.name for f in candidates)
    raise NotAcceptable(
        f"format={given[0]!r} is not available for this query: use one of {names} or one of their media types."
    )
