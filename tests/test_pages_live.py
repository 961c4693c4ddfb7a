"""The pages on the real build of the seeds (the shared live_server): every stored query answers through the
API with its example arguments, the OpenAPI document lists them all, and the main pages render."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from ecograph.queries import StoredQuery, load_queries

REPO = Path(__file__).resolve().parents[1]
QUERIES = load_queries(REPO / "queries")
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


@pytest.fixture(scope="module")
def http(live_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=60) as client:
        yield client


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_every_stored_query_answers_with_its_examples(http: httpx.Client, query: StoredQuery) -> None:
    everything = http.get(f"/api/queries/{query.name}")
    assert everything.status_code == 200, everything.text
    rows = everything.json()["results"]["bindings"]
    assert rows, f"{query.name} answers nothing on the seeds"
    if query.example_args:
        narrowed = http.get(f"/api/queries/{query.name}", params=query.example_args)
        assert narrowed.status_code == 200, narrowed.text
        assert 0 < len(narrowed.json()["results"]["bindings"]) <= len(rows)
    as_csv = http.get(f"/api/queries/{query.name}", params={"format": "csv"})
    assert as_csv.status_code == 200 and as_csv.text.count("\r\n") == len(rows) + 1


def test_openapi_lists_every_stored_query(http: httpx.Client) -> None:
    from openapi_spec_validator import validate

    document = http.get("/api/openapi.json").json()
    validate(document)
    for query in QUERIES:
        operation = document["paths"][f"/api/queries/{query.name}"]["get"]
        assert operation["summary"] == query.summary
        assert operation["tags"] == list(query.tags)
        assert {p["name"] for p in operation["parameters"]} == {p.name for p in query.params} | {
            "format",
            "limit",
            "offset",
        }


def test_landing_counts_agree_with_the_void(http: httpx.Client, live_dist: Path) -> None:
    void = list(ox.parse(path=str(live_dist / "void.ttl"), format=ox.RdfFormat.TURTLE))
    triples = next(
        q.object.value
        for q in void
        if q.subject.value.endswith("/dataset") and q.predicate.value == "http://rdfs.org/ns/void#triples"
    )
    html = http.get("/", headers={"Accept": BROWSER}).text
    assert f'<span class="value">{int(triples):,}</span> triples' in html
    assert len(re.findall(r'<a href="/dumps/[^"/]+" type=', html)) >= 6


@pytest.mark.parametrize(
    "path",
    [
        "/id/organisation/micronit",
        "/id/organisation/university-of-twente",
        "/id/ecosystem/medtech-twente",
        "/search?q=twente",
        "/sparql/editor",
    ],
)
def test_pages_render(http: httpx.Client, path: str) -> None:
    response = http.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200 and "<h1>" in response.text
