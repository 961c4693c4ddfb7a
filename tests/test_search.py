"""Search on the real build of the seeds, in-process over HTTP: the ranking cases people tripped over, one row
per entity, facets that filter, the same URL as JSON, and clear answers to queries that find nothing."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from ecograph.searchindex import INDEX_FILE, fold, write_index
from ecograph.serve.app import create_app
from ecograph.serve.site import Site

BASE = "https://w3id.org/ecograph/"
ECO = BASE + "def#"
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


@pytest.fixture(scope="module")
def http(built_dist: Path) -> Iterator[httpx.Client]:
    with TestClient(create_app(Site.open(built_dist)), base_url="http://127.0.0.1:8080") as client:
        yield client


def found(http: httpx.Client, text: str, **params: str) -> list[dict[str, object]]:
    response = http.get("/search", params={"q": text, **params}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    results: list[dict[str, object]] = response.json()["results"]
    return results


def test_an_exact_alias_ranks_first(http: httpx.Client) -> None:
    first = found(http, "UT")[0]
    assert first["iri"] == BASE + "id/organisation/university-of-twente"
    assert first["label"] == "University of Twente"


def test_an_ascii_apostrophe_finds_a_typographic_one(http: httpx.Client) -> None:
    first = found(http, "d'hondt")[0]
    assert first["iri"] == BASE + "id/person/kathleen-dhondt"
    assert first["label"] == "Kathleen D’Hondt"


def test_punctuation_and_case_do_not_count(http: httpx.Client) -> None:
    assert found(http, "TechMed-Centrum")[0]["iri"] == BASE + "id/organisation/techmed-centre"
    assert found(http, "techmed centre")[0]["iri"] == BASE + "id/organisation/techmed-centre"


def test_a_dutch_name_finds_the_entity_and_lang_shows_its_dutch_label(http: httpx.Client) -> None:
    first = found(http, "Universiteit Twente", lang="nl")[0]
    assert first["iri"] == BASE + "id/organisation/university-of-twente"
    assert first["label"] == "Universiteit Twente"


def test_exact_before_prefix_before_words(http: httpx.Client) -> None:
    results = found(http, "Twente")
    assert results[0]["iri"] == BASE + "id/place/twente"
    scores = [float(r["score"]) for r in results]  # type: ignore[arg-type]
    assert scores == sorted(scores, reverse=True)
    prefix = next(r for r in results if str(r["label"]).startswith("Twente "))
    words = next(r for r in results if not fold(str(r["matched"])).startswith("twente"))
    assert results.index(prefix) < results.index(words)


def test_one_row_per_entity(http: httpx.Client) -> None:
    iris = [r["iri"] for r in found(http, "MedTech Twente")]
    assert len(iris) == len(set(iris))
    assert iris[0] == BASE + "id/ecosystem/medtech-twente"


def test_json_shape(http: httpx.Client) -> None:
    answer = http.get("/search", params={"q": "twente"}, headers={"Accept": "application/json"}).json()
    assert {"query", "results", "facets", "total", "truncated"} <= set(answer)
    for result in answer["results"]:
        assert {"iri", "label", "type", "score", "href", "snippet"} <= set(result)
        assert isinstance(result["score"], float)
    assert answer["total"] == len(answer["results"])
    for facet in answer["facets"]:
        assert set(facet) == {"type", "label", "count", "href"}
    assert sum(f["count"] for f in answer["facets"]) >= answer["total"]


def test_a_facet_link_filters_by_type(http: httpx.Client) -> None:
    answer = http.get("/search", params={"q": "twente", "format": "json"}).json()
    positions = next(f for f in answer["facets"] if f["type"] == ECO + "Position")
    filtered = http.get(positions["href"], headers={"Accept": "application/json"}).json()
    assert len(filtered["results"]) == positions["count"]
    assert all(r["type"] == ECO + "Position" for r in filtered["results"])
    html = http.get("/search", params={"q": "twente"}, headers={"Accept": BROWSER}).text
    assert 'href="/search?q=twente&amp;type=https%3A%2F%2Fw3id.org%2Fecograph%2Fdef%23Position"' in html


def test_html_rows_carry_type_and_snippet(http: httpx.Client) -> None:
    html = http.get("/search", params={"q": "UT"}, headers={"Accept": BROWSER}).text
    first = html.index('<ol class="results">')
    row = html[first : html.index("</li>", first)]
    assert "University of Twente" in row and ">university</span>" in row
    assert "also known as UT" in row
    assert 'class="snippet"' in row


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Type a name"),
        ("x" * 201, "at most 200 characters"),
        ("?!—…", "no letters or digits"),
        ("zzqqxx", "Nothing found for"),
        ('"*) OR name MATCH (*', "Nothing found for"),
    ],
)
def test_empty_overlong_and_odd_queries_get_a_clear_page(http: httpx.Client, text: str, says: str) -> None:
    response = http.get("/search", params={"q": text}, headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert says in response.text
    as_json = http.get("/search", params={"q": text, "format": "json"})
    assert as_json.status_code == 200 and as_json.json()["results"] == []


def test_the_build_writes_a_byte_identical_index(built_dist: Path, tmp_path: Path) -> None:
    assert (built_dist / INDEX_FILE).is_file()
    triples = [q.triple for q in ox.parse(path=str(built_dist / "ecograph.trig"), format=ox.RdfFormat.TRIG)]
    write_index(triples, tmp_path / "a.sqlite")
    write_index(reversed(triples), tmp_path / "b.sqlite")
    digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / "a.sqlite", tmp_path / "b.sqlite")}
    assert len(digests) == 1


def test_the_index_is_read_only_to_the_server(pages_dist: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(pages_dist, dist)
    before = (dist / INDEX_FILE).read_bytes()
    (dist / INDEX_FILE).chmod(0o444)
    dist.chmod(0o555)  # no journal or lock file can be made beside it either
    try:
        with TestClient(create_app(Site.open(dist, store="memory")), base_url="http://127.0.0.1:8080") as client:
            answer = client.get("/search", params={"q": "micronit", "format": "json"}).json()
    finally:
        dist.chmod(0o755)
    assert answer["results"][0]["label"] == "Micronit"
    assert (dist / INDEX_FILE).read_bytes() == before


def test_a_build_without_an_index_says_so(pages_dist: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(pages_dist, dist)
    (dist / INDEX_FILE).unlink()
    with TestClient(create_app(Site.open(dist)), base_url="http://127.0.0.1:8080") as client:
        response = client.get("/search", params={"q": "micronit"}, headers={"Accept": BROWSER})
    assert response.status_code == 500
    assert "no search index" in response.text and "ecograph build" in response.text


def test_the_search_page_speaks_the_chosen_language(http: httpx.Client) -> None:
    html = http.get("/search", params={"q": "UT", "lang": "nl"}, headers={"Accept": "text/html"}).text
    assert '<html lang="nl">' in html
    assert "<h1>Zoeken</h1>" in html and ">alle soorten</a>" in html
    assert "1 resultaat voor <strong>UT</strong>" in html and "ook bekend als UT" in html
    assert ">SPARQL-editor</a>" in html and "Naar de inhoud" in html  # the header too
    for english in ("all types", "result for", "also known as", "Search labels", "Skip to content"):
        assert english not in html
    empty = http.get("/search", params={"lang": "nl"}, headers={"Accept": "text/html"}).text
    assert "Typ een naam, of een deel ervan." in empty


def test_the_search_page_has_one_search_box(http: httpx.Client) -> None:
    html = http.get("/search", params={"q": "twente"}, headers={"Accept": "text/html"}).text
    assert html.count('type="search"') == 1  # the page's own form, not the header's as well
