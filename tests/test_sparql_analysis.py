"""Reading queries before running them (their form) and choosing formats: decision tables, no server."""

from __future__ import annotations

import pytest

from ecograph.serve.endpoint.analysis import analyse
from ecograph.serve.endpoint.formats import SOLUTION_FORMATS, NotAcceptable, choose, negotiate

FORM_TABLE = [
    ("SELECT * { ?s ?p ?o }", "solutions"),
    ("select * { SERVICE <http://x> { ?s ?p ?o } }", "solutions"),
    ("SELECT * { ?s ?p ?o .SERVICE<http://x>{} }", "solutions"),
    ("SELECT * { ?s ?p ?o }SeRvIcE", "solutions"),
    ("SELECT * { \\u0053ERVICE <http://x> {} }", "solutions"),
    ("SELECT * { \\U00000053ERVICE <http://x> {} }", "solutions"),
    ('SELECT * { ?s ?p "SERVICE" }', "solutions"),
    ("SELECT * { ?s ?p '''a SERVICE '' b''' }", "solutions"),
    ('SELECT * { ?s ?p """a "" SERVICE""" }', "solutions"),
    ("SELECT * { ?s ?p <http://x/SERVICE> }", "solutions"),
    ("SELECT * { ?s ?p ?o # SERVICE <x> {}\n }", "solutions"),
    ("SELECT * { ?s ?p ?o # comment\n SERVICE <x> {} }", "solutions"),
    ("SELECT ?service { ?service ex:service service:x }", "solutions"),
    ("SELECT * { ?s ex:p\\# SERVICE <http://e> {} }", "solutions"),  # an escape, not a comment
    ('SELECT * { ?s ?p "it\\"s" . SERVICE <http://e> {} }', "solutions"),
    ("SELECT * { FILTER(?a<?b)SERVICE<http://e>{} }", "solutions"),
    ("SELECT * { ?s ?p 'a'SERVICE <http://e> {} }", "solutions"),
    ('SELECT * { ?s ?p ?o FILTER(?o = "x"@en) } # "SERVICE', "solutions"),
    ("PREFIX select: <x> ASK {}", "boolean"),
    ("BASE <http://x/> PREFIX : <y> CONSTRUCT WHERE { ?s ?p ?o }", "graph"),
    ("DESCRIBE <x>", "graph"),
    ("INSERT DATA { <a> <b> <c> }", "update"),
    ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "update"),
    ("LOAD <http://x>", "update"),
    ("garbage", None),
]


@pytest.mark.parametrize(("query", "kind"), FORM_TABLE)
def test_analyse(query: str, kind: str | None) -> None:
    assert analyse(query).kind == kind


def test_analysis_is_linear_on_long_strings() -> None:
    import time

    begin = time.monotonic()
    analyse("SELECT * { ?s ?p '''" + "a''" * 100_000 + " }")
    analyse('SELECT * { ?s ?p "' + "\\" * 100_000)
    assert time.monotonic() - begin < 2


@pytest.mark.parametrize(
    ("accept", "name"),
    [
        ("text/csv;q=0, */*", "json"),
        ("text/*;q=0.5, text/csv;q=0.1", "tsv"),
        ("application/xml;q=0.5, application/json;q=0.4", "xml"),
        ("application/sparql-results+json;q=0.1, text/csv;q=0.1", "json"),
        ("*/*, text/csv", "csv"),  # equal q: the range that names the type wins (the rules of conneg.py)
        ("text/csv;q=bad", "json"),  # a malformed range is ignored, leaving no valid range: the first format
        ("application/sparql-results+json;q=0.2, application/json;q=0.9", "json"),
    ],
)
def test_negotiate(accept: str, name: str) -> None:
    assert negotiate(accept, SOLUTION_FORMATS).name == name


def test_negotiate_refuses_with_the_choices() -> None:
    with pytest.raises(NotAcceptable, match="text/csv"):
        negotiate("image/png", SOLUTION_FORMATS)


@pytest.mark.parametrize(
    ("kind", "parameters", "name"),
    [
        ("solutions", ["tsv", "text/tab-separated-values"], "tsv"),
        ("graph", ["json-ld", ""], "jsonld"),
        ("graph", ["n3"], "turtle"),
        ("graph", ["rdf+xml", ""], "rdfxml"),
        ("boolean", ["xml"], "xml"),
        ("graph", ["nonsense", "nt"], "ntriples"),
    ],
)
def test_format_parameters(kind: str, parameters: list[str], name: str) -> None:
    assert choose(kind, "image/png", parameters).name == name
