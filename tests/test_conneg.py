"""Content negotiation as a decision table: Accept header (or format hint) → media type or 406."""

from __future__ import annotations

import pytest

from ecograph.serve.endpoint.conneg import (
    API_TYPES,
    CSV,
    HTML,
    JSON,
    JSON_LD,
    N_TRIPLES,
    RDF_XML,
    RESOURCE_TYPES,
    SPARQL_JSON,
    TURTLE,
    Decision,
    negotiate,
    split_extension,
)

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

RESOURCE_TABLE = [
    # Accept header                                          → media type (None: 406)
    (None, HTML),
    ("", HTML),
    ("*/*", HTML),
    (BROWSER, HTML),
    ("application/xhtml+xml", HTML),
    ("text/turtle", TURTLE),
    ("TEXT/TURTLE", TURTLE),
    ("application/ld+json", JSON_LD),
    ("application/json", JSON_LD),  # JSON-LD is JSON
    ("application/n-triples", N_TRIPLES),
    ("application/rdf+xml", RDF_XML),
    ("text/turtle;q=0.5, application/ld+json", JSON_LD),
    ("text/turtle;q=0.9, application/rdf+xml;q=0.95", RDF_XML),
    ("text/turtle, */*;q=0.1", TURTLE),
    ("text/*", HTML),
    ("text/*;q=0.5, application/n-triples", N_TRIPLES),
    ("application/*", JSON_LD),
    ("*/*;q=0.1, text/html;q=0", TURTLE),
    ("text/html;q=0, */*;q=0", None),
    ("image/png", None),
    ("image/png, text/plain", None),
    ("text/turtle;q=abc", HTML),  # a malformed range is ignored, leaving no valid range: the default
    ("text/turtle;q=2", HTML),  # q out of range: ignored
    ("garbage", HTML),
    ("text/turtle; charset=utf-8", TURTLE),
]


@pytest.mark.parametrize(("accept", "expected"), RESOURCE_TABLE)
def test_resource_decision_table(accept: str | None, expected: str | None) -> None:
    decision = negotiate(accept, RESOURCE_TYPES)
    assert decision == (Decision(expected) if expected else Decision(None, 406))


FORMAT_TABLE = [
    ("ttl", TURTLE),
    ("turtle", TURTLE),
    ("jsonld", JSON_LD),
    ("json-ld", JSON_LD),
    ("json", JSON_LD),
    ("nt", N_TRIPLES),
    ("rdf", RDF_XML),
    ("xml", RDF_XML),
    ("html", HTML),
    ("text/turtle", TURTLE),
    ("pdf", None),
]


@pytest.mark.parametrize(("hint", "expected"), FORMAT_TABLE)
def test_format_hint_overrides_accept(hint: str, expected: str | None) -> None:
    decision = negotiate("text/html", RESOURCE_TYPES, format_hint=hint)
    assert decision == (Decision(expected) if expected else Decision(None, 406))


API_TABLE = [
    (None, JSON),
    ("*/*", JSON),
    ("application/json", JSON),
    ("application/sparql-results+json", SPARQL_JSON),
    ("text/csv", CSV),
    ("text/csv;q=0.5, application/json;q=0.4", CSV),
    (BROWSER, JSON),
    ("text/turtle", None),
]


@pytest.mark.parametrize(("accept", "expected"), API_TABLE)
def test_api_decision_table(accept: str | None, expected: str | None) -> None:
    decision = negotiate(accept, API_TYPES)
    assert decision == (Decision(expected) if expected else Decision(None, 406))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("organisation/micronit.ttl", ("organisation/micronit", "ttl")),
        ("organisation/micronit.jsonld", ("organisation/micronit", "jsonld")),
        ("organisation/micronit.rdf", ("organisation/micronit", "rdf")),
        ("organisation/micronit.nt", ("organisation/micronit", "nt")),
        ("organisation/micronit.html", ("organisation/micronit", "html")),
        ("organisation/micronit", ("organisation/micronit", None)),
        ("organisation/micronit.pdf", ("organisation/micronit.pdf", None)),
        ("organisation/micronit.csv", ("organisation/micronit.csv", None)),  # not offered for resources
        ("a.ttl/b", ("a.ttl/b", None)),
    ],
)
def test_split_extension(path: str, expected: tuple[str, str | None]) -> None:
    assert split_extension(path) == expected
