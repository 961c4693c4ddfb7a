"""Result formats and content negotiation (Accept with q-values, or a `format` parameter)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


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
    "ttl": ("turtle", "turtle"), "nt": ("ntriples", "ntriples"), "n-triples": ("ntriples", "ntriples"),
    "json-ld": ("jsonld", "jsonld"), "rdf": ("rdfxml", "rdfxml"), "rdf/xml": ("rdfxml", "rdfxml"),
    "rdf+xml": ("rdfxml", "rdfxml"), "n3": ("turtle", "turtle"),
    "json": ("json", "jsonld"), "xml": ("xml", "rdfxml"),
}


class NotAcceptable(ValueError):
    """No format that the client accepts fits the answer."""


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """[(media range, q)], best first; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for index, part in enumerate(header.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        # Sort key: q, then specificity (type/sub beats type/* beats */*), then the client's order.
        ranges.append((media.lower(), q, _specificity(media), -index))
    ranges.sort(key=lambda item: (item[1], item[2], item[3]), reverse=True)
    return [(media, q) for media, q, _, _ in ranges]


def negotiate(accept: str | None, candidates: tuple[Format, ...]) -> Format:
    """The candidate the client likes best (ties: the candidates' order); NotAcceptable when none fits.

    A candidate's q is that of the most specific range matching it (RFC 9110 §12.5.1), so
    `text/csv;q=0, */*` refuses CSV but accepts the rest.
    """
    ranges = parse_accept(accept)
    best: tuple[float, int, Format] | None = None
    for order, candidate in enumerate(candidates):
        q = _quality(candidate, ranges)
        if q > 0 and (best is None or (q, -order) > (best[0], -best[1])):
            best = (q, order, candidate)
    if best is None:
        offered = ", ".join(f.media_type for f in candidates)
        raise NotAcceptable(f"None of the accepted media types ({accept}) is available here; "
                            f"this answer can be given as {offered} (or use ?format=).")
    return best[2]


def prefers(accept: str | None, media_type: str, over: str) -> bool:
    """Whether the client accepts `media_type` strictly more than `over` (e.g. text/plain over JSON)."""
    ranges = parse_accept(accept)
    return _match_q(media_type, ranges) > _match_q(over, ranges)


def _quality(candidate: Format, ranges: list[tuple[str, float]]) -> float:
    """q of the format's own media type; an alias (application/json, text/xml) counts only when named."""
    named = [q for media, q in ranges if media in candidate.aliases]
    return max([_match_q(candidate.media_type, ranges), *named])


def _match_q(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range matching media_type (0 when none)."""
    kind = media_type.split("/")[0]
    best_specificity, q = -1, 0.0
    for media, range_q in ranges:
        if media in (media_type, f"{kind}/*", "*/*") and _specificity(media) > best_specificity:
            best_specificity, q = _specificity(media), range_q
    return q


def _specificity(media: str) -> int:
    return 0 if media == "*/*" else 1 if media.endswith("/*") else 2


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
    raise NotAcceptable(f"format={given[0]!r} is not available for this query: use one of {names} "
                        "or one of their media types.")
