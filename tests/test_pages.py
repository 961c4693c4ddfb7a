"""The pages and APIs, in-process over the app of a small hand-written dist (tests/fixtures/pages_dist):
content negotiation, 404/406, Link and Vary headers, HTML escaping, the landing page, search, the ontology
documentation, the stored-query API with its parameters, and the OpenAPI document."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from pages_fixture import BASE
from starlette.testclient import TestClient

from ecograph.serve.app import create_app
from ecograph.serve.pages.ontodoc import remote_loads
from ecograph.serve.site import Site

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MICRONIT = f"{BASE}id/organisation/micronit"
RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@pytest.fixture(scope="module")
def http(pages_dist: Path) -> Iterator[httpx.Client]:
    """The app over pages_dist, called in-process; its lifespan starts and stops the query workers."""
    with TestClient(create_app(Site.open(pages_dist)), base_url="http://127.0.0.1:8080") as client:
        yield client


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def parse(response: httpx.Response) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(response.content, RDF_FORMATS[media_type(response)], base_iri=BASE)}


# ------------------------------------------------------------------------------ content negotiation --

NEGOTIATION = [
    # path, Accept → status, media type
    ("/id/organisation/micronit", BROWSER, 200, "text/html"),
    ("/id/organisation/micronit", None, 200, "text/html"),
    ("/id/organisation/micronit", "text/turtle", 200, "text/turtle"),
    ("/id/organisation/micronit", "application/ld+json", 200, "application/ld+json"),
    ("/id/organisation/micronit", "application/json", 200, "application/ld+json"),
    ("/id/organisation/micronit", "application/n-triples", 200, "application/n-triples"),
    ("/id/organisation/micronit", "application/rdf+xml", 200, "application/rdf+xml"),
    ("/id/organisation/micronit", "text/turtle;q=0.2, application/rdf+xml;q=0.8", 200, "application/rdf+xml"),
    ("/id/organisation/micronit", "image/png", 406, "text/plain"),
    ("/id/organisation/micronit.ttl", BROWSER, 200, "text/turtle"),
    ("/id/organisation/micronit.jsonld", None, 200, "application/ld+json"),
    ("/id/organisation/micronit.nt", None, 200, "application/n-triples"),
    ("/id/organisation/micronit.rdf", None, 200, "application/rdf+xml"),
    ("/id/organisation/micronit.html", "text/turtle", 200, "text/html"),
    ("/id/organisation/micronit?_format=ttl", BROWSER, 200, "text/turtle"),
    ("/id/organisation/micronit?_format=pdf", BROWSER, 406, "text/html"),
    ("/graph/micronit-funding", BROWSER, 200, "text/html"),
    ("/graph/micronit-funding", "text/turtle", 200, "text/turtle"),
    ("/graph/micronit-funding.nt", None, 200, "application/n-triples"),
    ("/def", BROWSER, 200, "text/html"),
    ("/def", "text/turtle", 200, "text/turtle"),
    ("/def.jsonld", None, 200, "application/ld+json"),
    ("/def/0.1.0", "application/rdf+xml", 200, "application/rdf+xml"),
    ("/id/organisation/nobody", BROWSER, 404, "text/html"),
    ("/id/organisation/nobody", "text/turtle", 404, "text/plain"),
    ("/id/organisation/nobody.ttl", None, 404, "text/plain"),
    ("/id/organisation/micronit.pdf", BROWSER, 404, "text/html"),
    ("/graph/no-such-article", "text/turtle", 404, "text/plain"),
    ("/def/9.9.9", BROWSER, 404, "text/html"),
    ("/id/..%2F..%2Fetc%2Fpasswd", "text/turtle", 404, "text/plain"),
    ("/id/organisation/%3Cscript%3E", BROWSER, 404, "text/html"),
]


@pytest.mark.parametrize(("path", "accept", "status", "expected"), NEGOTIATION)
def test_negotiation_over_http(http: httpx.Client, path: str, accept: str | None, status: int, expected: str) -> None:
    response = http.get(path, headers={"Accept": accept} if accept else {})
    assert (response.status_code, media_type(response)) == (status, expected), response.text[:300]
    if status == 200 and expected in RDF_FORMATS:
        assert parse(response)


def test_every_format_gives_the_same_triples(http: httpx.Client) -> None:
    graphs = [parse(http.get("/id/organisation/micronit", headers={"Accept": m})) for m in RDF_FORMATS]
    assert all(g == graphs[0] for g in graphs)
    label = ox.Triple(
        ox.NamedNode(MICRONIT),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        ox.Literal("Micronit", language="nl"),
    )
    assert label in graphs[0]
    # incoming facts and the claims that support the entity's facts come along
    subjects = {t.subject.value for t in graphs[0]}
    assert f"{BASE}id/funding/micronit-cleanroom" in subjects
    assert f"{BASE}id/claim/0000000000000001" in subjects


def test_vary_and_link_headers(http: httpx.Client) -> None:
    for path in ("/id/organisation/micronit", "/graph/micronit-funding", "/def"):
        response = http.get(path, headers={"Accept": "text/turtle"})
        assert "accept" in response.headers["vary"].lower()
        links = response.headers["link"]
        for media in ("text/html", *RDF_FORMATS):
            assert f'rel="alternate"; type="{media}"' in links
        assert f"<{path}.ttl>" in links


def test_named_graph_is_the_article_graph(http: httpx.Client, pages_dist: Path) -> None:
    quads = list(ox.parse(path=str(pages_dist / "ecograph.trig"), format=ox.RdfFormat.TRIG))
    # from the per-article dump (dist/articles/micronit-funding.ttl): the triples as written
    expected = {q.triple for q in quads if q.graph_name == ox.NamedNode(f"{BASE}graph/micronit-funding")}
    assert parse(http.get("/graph/micronit-funding.ttl")) == expected
    # without a dump, from the store, which keeps literals in canonical form (1500000.0 → 1500000)
    store = ox.Store()
    store.extend(quads)
    tricky = ox.NamedNode(f"{BASE}graph/tricky-names")
    expected = {q.triple for q in store.quads_for_pattern(None, None, None, tricky)}
    assert parse(http.get("/graph/tricky-names.ttl")) == expected


def test_unknown_iri_is_404_and_the_server_keeps_serving(http: httpx.Client) -> None:
    assert http.get("/id/organisation/nobody", headers={"Accept": BROWSER}).status_code == 404
    assert http.get("/id/organisation/micronit", headers={"Accept": BROWSER}).status_code == 200


# ---------------------------------------------------------------------------------------- entity page --


def test_entity_page_shows_labels_types_facts_both_ways_and_quotes(http: httpx.Client) -> None:
    html = http.get("/id/organisation/micronit", headers={"Accept": BROWSER}).text
    assert "<dt>Names</dt>" in html and "<dt>Also known as</dt>" in html
    assert '<dd><a href="/def#Company">company</a></dd>' in html
    assert '<a href="/id/ecosystem/medtech-twente">MedTech Twente</a>' in html  # outgoing, linked by label
    assert '<a href="/id/funding/micronit-cleanroom">Overijssel funding for the Micronit cleanroom</a>' in html
    assert '<a href="/def#recipient">is recipient of</a>' in html  # incoming, named the inverse way
    assert "<q>Micronit, part of the MedTech Twente cluster</q>" in html  # the quote of the fact
    assert '<a href="/id/article/micronit-funding">Micronit receives funding for its new cleanroom</a>' in html
    assert 'href="/id/organisation/micronit.ttl"' in html


def test_text_from_the_data_is_escaped(http: httpx.Client) -> None:
    pages = [
        "/id/organisation/tricky",
        "/id/organisation/micronit",
        "/graph/tricky-names",
        "/",
        "/search?q=tricky",
        "/id/article/tricky-names",
    ]
    for path in pages:
        html = http.get(path, headers={"Accept": BROWSER}).text
        assert "<script>alert" not in html, path
        assert "<b>markup</b>" not in html and "<em>markup" not in html, path
    tricky = http.get("/id/organisation/tricky", headers={"Accept": BROWSER}).text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Tricky &amp; Co" in tricky
    assert "Lastig &amp; Co" in tricky


def test_article_page_links_its_graph(http: httpx.Client) -> None:
    html = http.get("/id/article/micronit-funding", headers={"Accept": BROWSER}).text
    assert 'href="/graph/micronit-funding"' in html


# ------------------------------------------------------------------------------------------- landing --


def test_landing_page(http: httpx.Client, pages_dist: Path) -> None:
    response = http.get("/", headers={"Accept": BROWSER})
    assert response.status_code == 200
    html = response.text
    triples = {q.triple for q in ox.parse(path=str(pages_dist / "ecograph.trig"), format=ox.RdfFormat.TRIG)}
    assert f'<span class="value">{len(triples)}</span> triples' in html
    assert '<span class="value">2</span> articles' in html
    assert '<span class="value">8</span> facts with their quotes' in html
    assert re.search(r'href="/def#Company">company</a></td><td class="num">1</td>', html)
    for name in ("ecograph.trig", "ontology.ttl"):  # downloads with sizes and checksums from void.ttl
        assert f'<a href="/dumps/{name}"' in html
        data = (pages_dist / name).read_bytes()
        assert __import__("hashlib").sha256(data).hexdigest() in html
    assert 'action="/search"' in html
    for name in ("organisations", "funding-received", "labels-like"):
        assert f'href="/sparql/editor#{name}"' in html and f'href="/api/queries/{name}' in html


def test_landing_embeds_schema_org_dataset(http: httpx.Client) -> None:
    html = http.get("/").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert block
    data = json.loads(block[1])
    assert data["@type"] == "Dataset" and data["@context"] == "https://schema.org/"
    assert data["license"] == "http://creativecommons.org/licenses/by/4.0/"
    assert {d["contentUrl"] for d in data["distribution"]} == {
        f"{BASE}dumps/ecograph.trig",
        f"{BASE}dumps/ontology.ttl",
    }
    assert "<em>" not in block[1]  # escaped inside <script> as \u003c


def test_landing_draws_the_ecosystem_network(http: httpx.Client) -> None:
    html = http.get("/").text
    svg = re.search(r"<svg .*?</svg>", html, re.DOTALL)
    assert svg and 'role="img"' in svg[0]
    nodes = set(re.findall(r'<a class="node (\w+)" href="([^"]+)"', svg[0]))
    assert ("ecosystem", "/id/ecosystem/medtech-twente") in nodes
    assert ("organisation", "/id/organisation/micronit") in nodes
    assert ("organisation", "/id/organisation/province-of-overijssel") in nodes
    assert 'class="edge funding"' in svg[0] and "€1,500,000" in svg[0]
    assert html == http.get("/").text  # the same data gives the same picture


# -------------------------------------------------------------------------------------------- search --


def test_search_html_and_json(http: httpx.Client) -> None:
    html = http.get("/search", params={"q": "micro"}, headers={"Accept": BROWSER}).text
    assert '<a class="result-title" href="/id/organisation/micronit">Micronit</a>' in html
    answer = http.get("/search", params={"q": "MICRO", "format": "json"}).json()
    assert answer["results"][0]["iri"] == MICRONIT
    assert answer["results"][0]["href"] == "/id/organisation/micronit"
    via_accept = http.get("/search", params={"q": "micro"}, headers={"Accept": "application/json"})
    assert via_accept.json()["results"] == answer["results"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('") } DELETE WHERE { ?s ?p ?o } #', set()),
        ('" || true || "', set()),
        ("\\", set()),
        ("a" * 500, set()),
        ("<script>", {f"{BASE}id/organisation/tricky"}),
    ],
)
def test_search_text_is_bound_not_spliced(http: httpx.Client, text: str, found: set[str]) -> None:
    response = http.get("/search", params={"q": text, "format": "json"})
    assert response.status_code == 200
    assert {r["iri"] for r in response.json()["results"]} == found
    assert http.get("/id/organisation/micronit.ttl").status_code == 200


# ------------------------------------------------------------------------------------------ ontology --


def test_ontology_documentation_is_local(http: httpx.Client) -> None:
    html = http.get("/def", headers={"Accept": BROWSER}).text
    assert "pyLODE" in html or "pylode" in html.lower()
    assert "organisation (nl: organisatie)" in html
    assert remote_loads(html) == []
    turtle = parse(http.get("/def", headers={"Accept": "text/turtle"}))
    assert (
        ox.Triple(
            ox.NamedNode(f"{BASE}def"),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology"),
        )
        in turtle
    )


# ---------------------------------------------------------------------------------------- query API --


def test_api_json_with_a_parameter(http: httpx.Client) -> None:
    answer = http.get("/api/queries/funding-received", params={"org": "organisation/micronit"})
    assert answer.status_code == 200 and media_type(answer) == "application/json"
    rows = answer.json()["results"]["bindings"]
    assert [r["funder"]["value"] for r in rows] == [f"{BASE}id/organisation/province-of-overijssel"]
    full_iri = http.get("/api/queries/funding-received", params={"org": MICRONIT}).json()
    assert full_iri["results"]["bindings"] == rows
    nobody = http.get("/api/queries/funding-received", params={"org": "organisation/tricky"}).json()
    assert nobody["results"]["bindings"] == []
    everyone = http.get("/api/queries/funding-received").json()  # optional parameter left out
    assert len(everyone["results"]["bindings"]) == 1


def test_api_csv(http: httpx.Client) -> None:
    by_param = http.get("/api/queries/organisations", params={"format": "csv"})
    by_accept = http.get("/api/queries/organisations", headers={"Accept": "text/csv"})
    assert media_type(by_param) == media_type(by_accept) == "text/csv"
    assert by_param.text == by_accept.text
    table = list(csv.DictReader(io.StringIO(by_param.text)))
    assert {row["org"] for row in table} >= {MICRONIT, f"{BASE}id/organisation/tricky"}
    assert "<script>alert('x')</script> Tricky & Co" in {row["label"] for row in table}


def test_api_string_parameter(http: httpx.Client) -> None:
    rows = http.get("/api/queries/labels-like", params={"text": "overijssel"}).json()["results"]["bindings"]
    assert {r["entity"]["value"] for r in rows} == {
        f"{BASE}id/organisation/province-of-overijssel",
        f"{BASE}id/funding/micronit-cleanroom",
    }


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"org": "<x> } UNION { ?s ?p ?o"}, 400),  # not an IRI: refused, never spliced
        ({"org": "organisation/micronit> . ?funding ?p ?o . <x"}, 400),
        ({"org": "http://example.org/a b"}, 400),
        ({"org": "organisation/micronit", "orgg": "x"}, 400),  # unknown parameter
        ({"org": "organisation/micronit", "format": "xml"}, 406),
    ],
)
def test_api_refuses_bad_parameters(http: httpx.Client, params: dict[str, str], status: int) -> None:
    response = http.get("/api/queries/funding-received", params=params)
    assert response.status_code == status
    if status == 400:
        assert response.json()["ok"] is False and response.json()["status"] == 400


def test_api_string_injection_matches_nothing(http: httpx.Client) -> None:
    text = '") || true || CONTAINS("'
    answer = http.get("/api/queries/labels-like", params={"text": text})
    assert answer.status_code == 200 and answer.json()["results"]["bindings"] == []


def test_api_required_parameter_and_unknown_query(http: httpx.Client) -> None:
    missing = http.get("/api/queries/labels-like")
    assert missing.status_code == 400 and "text" in missing.json()["error"]
    unknown = http.get("/api/queries/no-such-query")
    assert unknown.status_code == 404 and unknown.json()["ok"] is False


def test_openapi_document(http: httpx.Client, pages_dist: Path) -> None:
    from openapi_spec_validator import validate

    document = http.get("/api/openapi.json").json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    names = sorted(p.stem for p in (pages_dist / "queries").glob("*.rq"))
    assert sorted(path.rsplit("/", 1)[1] for path in document["paths"] if path != "/api/queries") == names
    operation = document["paths"]["/api/queries/funding-received"]["get"]
    assert operation["summary"] == "Funding an organisation received, with funder and amount"
    assert operation["tags"] == ["funding", "organisations"]
    org = next(p for p in operation["parameters"] if p["name"] == "org")
    assert org["required"] is False and org["in"] == "query" and org["example"] == "organisation/micronit"
    listing = http.get("/api/queries").json()
    assert [q["name"] for q in listing] == names


# -------------------------------------------------------------------------------------------- editor --


def test_editor_page_has_every_stored_query(http: httpx.Client, pages_dist: Path) -> None:
    html = http.get("/sparql/editor").text
    data = re.search(r'<script type="application/json" id="editor-config">(.*?)</script>', html, re.DOTALL)
    assert data
    queries = json.loads(data[1])["queries"]
    assert sorted(q["name"] for q in queries) == sorted(p.stem for p in (pages_dist / "queries").glob("*.rq"))
    assert '<script src="/static/vendor/yasgui/yasgui.min.js"></script>' in html
    assert http.get("/static/vendor/yasgui/yasgui.min.js").status_code == 200
    assert http.get("/static/vendor/yasgui/../../pages.py").status_code == 404
    assert http.get("/static/editor.js").status_code == 200


def test_editor_completes_from_the_served_ontology_and_prefixes(http: httpx.Client) -> None:
    html = http.get("/sparql/editor").text
    config = json.loads(re.search(r'id="editor-config">(.*?)</script>', html, re.DOTALL)[1])  # type: ignore[index]
    assert {"iri": f"{BASE}def#Company", "label": "company"} in config["classes"]
    assert f"{BASE}def#recipient" in [term["iri"] for term in config["properties"]]
    assert config["prefixes"]["eco"] == f"{BASE}def#" and config["base"] == BASE


def test_editor_says_how_to_install_yasgui_when_it_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pages_dist: Path
) -> None:
    import asyncio
    from types import SimpleNamespace

    from starlette.applications import Starlette

    from ecograph.serve.pages import pages

    monkeypatch.setattr(pages, "YASGUI", tmp_path / "not-installed")
    app = Starlette(routes=pages.routes(SimpleNamespace(dist=pages_dist, base=BASE)))

    async def get(path: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://pages") as client:
            return await client.get(path)

    html = asyncio.run(get("/sparql/editor")).text
    assert "npm ci --prefix src/ecograph/serve/pages/web" in html
    assert "yasgui.min.js" not in html
    assert "Organisations with their English labels" in html  # the stored queries are still listed
    assert asyncio.run(get("/static/vendor/yasgui/yasgui.min.js")).status_code == 404
