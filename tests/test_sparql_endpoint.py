"""The SPARQL 1.1 Protocol at /sparql, through real clients: SPARQLWrapper for every query form and result
format, plain HTTP for content negotiation (a decision table), CORS, the dataset parameters and the service
description."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LABELS = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label LIMIT 7"
)
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s rdfs:label ?label }"
)


@pytest.fixture(scope="module")
def reference(live_dist: Path) -> ox.Store:
    """The same TriG in an in-memory store, queried directly: what the endpoint must answer."""
    store = ox.Store()
    store.load(path=str(live_dist / "ecograph.trig"), format=ox.RdfFormat.TRIG)
    return store


def merged_count(store: ox.Store, graph: str | None = None) -> int:
    """Distinct triples of one named graph, or of all of them (the union default graph is their merge)."""
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }} }}"
    return int(next(iter(store.query(query)))["n"].value)


def named_graphs(store: ox.Store) -> list[str]:
    return sorted(row["g"].value for row in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"))


def wrapper(url: str, query: str, fmt: str, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method == POSTDIRECTLY:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    elif method:
        client.setMethod(method)
    return client


# SPARQLWrapper: every form and format ----------------------------------------------------------------


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY], ids=["GET", "POST-form", "POST-direct"])
def test_select_json_counts_the_merged_union(live_server: str, reference: ox.Store, method: str | None) -> None:
    answer = wrapper(live_server, COUNT, JSON, method).queryAndConvert()
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == merged_count(reference)


def test_select_xml(live_server: str, reference: ox.Store) -> None:
    document = wrapper(live_server, LABELS, XML).queryAndConvert()
    ns = "{http://www.w3.org/2005/sparql-results#}"
    root = ElementTree.fromstring(document.toxml())
    rows = [
        (r.find(f"{ns}binding[@name='s']/{ns}uri").text, r.find(f"{ns}binding[@name='label']/{ns}literal").text)
        for r in root.iter(f"{ns}result")
    ]
    assert rows == labels_of(reference)


def labels_of(reference: ox.Store) -> list[tuple[str, str]]:
    """LABELS on the reference store with the union default graph as a set (each triple once)."""
    query = LABELS.replace(
        "WHERE { ?s rdfs:label ?label }",
        "WHERE { SELECT DISTINCT ?s ?label WHERE { GRAPH ?g { ?s rdfs:label ?label } } }",
    )
    return [(row["s"].value, row["label"].value) for row in reference.query(query)]


def test_select_csv(live_server: str, reference: ox.Store) -> None:
    body = wrapper(live_server, LABELS, CSV).queryAndConvert().decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["s", "label"]
    assert [tuple(row) for row in rows[1:]] == labels_of(reference)


def test_select_tsv(live_server: str, reference: ox.Store) -> None:
    body = wrapper(live_server, LABELS, TSV).queryAndConvert().decode()
    answer = ox.parse_query_results(body.encode(), format=ox.QueryResultsFormat.TSV)
    assert [(row["s"].value, row["label"].value) for row in answer] == labels_of(reference)


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(live_server: str, fmt: str) -> None:
    answer = wrapper(live_server, ASK, fmt).queryAndConvert()
    if fmt == JSON:
        assert answer == {"head": {}, "boolean": True}
    else:
        assert "<boolean>true</boolean>" in answer.toxml()


def expected_construct(reference: ox.Store) -> rdflib.Graph:
    graph = rdflib.Graph()
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "CONSTRUCT { ?s rdfs:label ?label } WHERE { GRAPH ?g { ?s rdfs:label ?label } }"
    )
    graph.parse(data=ox.serialize(reference.query(query), format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    return graph


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [(TURTLE, "turtle"), (N3, "turtle"), (JSONLD, "json-ld"), (RDFXML, "xml")]
)
def test_construct(live_server: str, reference: ox.Store, fmt: str, rdflib_format: str) -> None:
    response = wrapper(live_server, CONSTRUCT, fmt).query()
    body = response.response.read()
    graph = rdflib.Graph()
    graph.parse(data=body, format=rdflib_format)
    assert isomorphic(graph, expected_construct(reference))


def test_construct_ntriples(live_server: str, reference: ox.Store) -> None:
    response = httpx.get(
        f"{live_server}/sparql", params={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"}
    )
    assert response.headers["content-type"] == "application/n-triples"
    graph = rdflib.Graph()
    graph.parse(data=response.text, format="nt")
    assert isomorphic(graph, expected_construct(reference))


def test_describe(live_server: str, reference: ox.Store) -> None:
    subject = next(iter(reference.query("SELECT ?s WHERE { GRAPH ?g { ?s a ?t } } LIMIT 1")))["s"]
    body = wrapper(live_server, f"DESCRIBE <{subject.value}>", TURTLE).query().response.read()
    graph = rdflib.Graph()
    graph.parse(data=body, format="turtle")
    assert (rdflib.URIRef(subject.value), None, None) in graph


# Content negotiation, as a decision table ---------------------------------------------------------------

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SELECT_TABLE = [
    (None, 200, "application/sparql-results+json"),
    ("*/*", 200, "application/sparql-results+json"),
    ("application/sparql-results+json", 200, "application/sparql-results+json"),
    ("application/json", 200, "application/sparql-results+json"),
    ("application/sparql-results+xml", 200, "application/sparql-results+xml"),
    ("application/xml", 200, "application/sparql-results+xml"),
    ("text/csv", 200, "text/csv"),
    ("text/tab-separated-values", 200, "text/tab-separated-values"),
    ("text/csv;q=0.5, text/tab-separated-values", 200, "text/tab-separated-values"),
    ("text/csv;q=0.9, text/tab-separated-values;q=0.4", 200, "text/csv"),
    ("text/*", 200, "text/csv"),
    ("text/csv;q=0, */*;q=0.1", 200, "application/sparql-results+json"),
    (BROWSER, 200, "application/sparql-results+xml"),
    ("image/png", 406, "application/json"),
    ("text/turtle", 406, "application/json"),
]
GRAPH_TABLE = [
    (None, 200, "text/turtle"),
    ("*/*", 200, "text/turtle"),
    ("text/turtle", 200, "text/turtle"),
    ("application/n-triples", 200, "application/n-triples"),
    ("text/plain", 200, "application/n-triples"),
    ("application/ld+json", 200, "application/ld+json"),
    ("application/json", 200, "application/ld+json"),
    ("application/rdf+xml", 200, "application/rdf+xml"),
    ("application/rdf+xml;q=0.2, application/ld+json;q=0.3", 200, "application/ld+json"),
    (BROWSER, 200, "application/rdf+xml"),
    ("application/sparql-results+json", 406, "application/json"),
    ("text/csv", 406, "application/json"),
]


def media(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


@pytest.mark.parametrize(("accept", "status", "media_type"), SELECT_TABLE)
def test_select_negotiation(live_server: str, accept: str | None, status: int, media_type: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(f"{live_server}/sparql", params={"query": LABELS}, headers=headers)
    assert (response.status_code, media(response)) == (status, media_type)
    if status == 406:
        assert response.json()["ok"] is False
    else:
        assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize(("accept", "status", "media_type"), GRAPH_TABLE)
def test_graph_negotiation(live_server: str, accept: str | None, status: int, media_type: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(f"{live_server}/sparql", params={"query": CONSTRUCT}, headers=headers)
    assert (response.status_code, media(response)) == (status, media_type)


@pytest.mark.parametrize(
    ("query", "fmt", "media_type"),
    [
        (LABELS, "csv", "text/csv"),
        (LABELS, "tsv", "text/tab-separated-values"),
        (LABELS, "xml", "application/sparql-results+xml"),
        (LABELS, "json", "application/sparql-results+json"),
        (LABELS, "text/csv", "text/csv"),
        (ASK, "xml", "application/sparql-results+xml"),
        (CONSTRUCT, "json", "application/ld+json"),
        (CONSTRUCT, "nt", "application/n-triples"),
        (CONSTRUCT, "xml", "application/rdf+xml"),
        (CONSTRUCT, "turtle", "text/turtle"),
    ],
)
def test_format_parameter_wins_over_accept(live_server: str, query: str, fmt: str, media_type: str) -> None:
    response = httpx.get(
        f"{live_server}/sparql", params={"query": query, "format": fmt}, headers={"Accept": "image/png"}
    )
    assert (response.status_code, media(response)) == (200, media_type)


def test_unknown_format_parameter_is_406_and_names_the_choices(live_server: str) -> None:
    response = httpx.get(f"{live_server}/sparql", params={"query": CONSTRUCT, "format": "csv"})
    assert response.status_code == 406
    assert "turtle" in response.json()["error"]


# CORS -------------------------------------------------------------------------------------------------


def test_cors_on_answers(live_server: str) -> None:
    response = httpx.get(f"{live_server}/sparql", params={"query": ASK}, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_cors_preflight(live_server: str) -> None:
    response = httpx.options(
        f"{live_server}/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "content-type" in response.headers["access-control-allow-headers"].lower()


def test_plain_options_lists_the_methods(live_server: str) -> None:
    response = httpx.options(f"{live_server}/sparql")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, POST, HEAD, OPTIONS"


# The dataset: the union default graph, named graphs, protocol parameters -----------------------------


def count(url: str, query: str, **params: str | list[str]) -> int:
    response = httpx.get(f"{url}/sparql", params={"query": query, **params})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_each_article_graph_is_reachable_with_graph(live_server: str, reference: ox.Store) -> None:
    graphs = named_graphs(reference)
    assert graphs
    for graph in graphs:
        assert count(
            live_server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        ) == merged_count(reference, graph)


def test_from_named_reaches_one_article_graph(live_server: str, reference: ox.Store) -> None:
    graph = named_graphs(reference)[0]
    query = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert count(live_server, query) == merged_count(reference, graph)


def test_default_graph_uri_parameter(live_server: str, reference: ox.Store) -> None:
    graph = named_graphs(reference)[-1]
    assert count(live_server, COUNT, **{"default-graph-uri": graph}) == merged_count(reference, graph)


def test_named_graph_uri_parameter_limits_graph(live_server: str, reference: ox.Store) -> None:
    first, *_ = named_graphs(reference)
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(live_server, query) == len(named_graphs(reference))
    assert count(live_server, query, **{"named-graph-uri": first}) == 1


# Service description ----------------------------------------------------------------------------------

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        (None, "turtle"),
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_service_description(live_server: str, reference: ox.Store, accept: str | None, rdflib_format: str) -> None:
    response = httpx.get(f"{live_server}/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = rdflib.Graph()
    graph.parse(data=response.text, format=rdflib_format)
    service = rdflib.URIRef(f"{live_server}/sparql")
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    names = {str(name) for name in graph.objects(None, SD.name)}
    assert names == set(named_graphs(reference))


def test_browsers_asking_for_the_endpoint_go_to_the_editor(live_server: str) -> None:
    response = httpx.get(f"{live_server}/sparql", headers={"Accept": BROWSER})
    assert response.status_code == 303
    assert response.headers["location"] == "/sparql/editor"


def test_json_answers_are_standard_sparql_json(live_server: str) -> None:
    response = httpx.get(f"{live_server}/sparql", params={"query": LABELS})
    answer = json.loads(response.content)
    assert answer["head"]["vars"] == ["s", "label"]
    assert "ecograph" not in answer  # only a truncated answer carries the note
    assert "x-ecograph-truncated" not in response.headers
