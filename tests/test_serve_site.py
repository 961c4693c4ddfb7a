"""The rest of the site, over a real server on loopback: the stored-query API pages its answers (?limit=,
?offset=), /dumps/ lists every download, errors are pages for browsers, /def wears the site's header, the landing
page's title is said once, and the access log has one line per request."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import running_server

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def seeds(live_server: str) -> Iterator[httpx.Client]:
    """The seed build, served."""
    with httpx.Client(base_url=live_server, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def pages(pages_server: str) -> Iterator[httpx.Client]:
    """The small page fixture, served."""
    with httpx.Client(base_url=pages_server, timeout=30) as client:
        yield client


def rows(answer: httpx.Response) -> list[dict[str, object]]:
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]["bindings"]


# The stored-query API ------------------------------------------------------------------------------------------


def test_a_stored_query_answers_the_page_of_rows_asked_for(seeds: httpx.Client) -> None:
    every = rows(seeds.get("/api/queries/articles"))
    assert len(every) >= 4
    page = seeds.get("/api/queries/articles", params={"limit": 2, "offset": 1})
    assert rows(page) == every[1:3]
    assert page.headers["X-Ecograph-Truncated"] == "true"  # more rows follow
    assert rows(seeds.get("/api/queries/articles", params={"offset": len(every)})) == []


def test_a_stored_query_pages_csv_too(seeds: httpx.Client) -> None:
    every = seeds.get("/api/queries/articles", params={"format": "csv"}).text.splitlines()
    page = seeds.get("/api/queries/articles", params={"format": "csv", "limit": 1, "offset": 2}).text.splitlines()
    assert page == [every[0], every[3]]


@pytest.mark.parametrize(
    ("query", "named"),
    [("limit=0", "limit"), ("limit=ten", "limit"), ("limit=99999999", "limit"), ("offset=-1", "offset"),
     ("offset=1.5", "offset"), ("limit=1&limit=2", "limit")],
)  # fmt: skip
def test_a_bad_limit_or_offset_is_a_400_that_says_what_to_give(seeds: httpx.Client, query: str, named: str) -> None:
    answer = seeds.get(f"/api/queries/articles?{query}")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert named in error and ("whole number" in error or "more than once" in error), error


def test_the_openapi_document_offers_limit_and_offset_for_every_query(seeds: httpx.Client) -> None:
    document = seeds.get("/api/openapi.json").json()
    for path, item in document["paths"].items():
        if path.startswith("/api/queries/"):
            names = {p["name"]: p for p in item["get"]["parameters"]}
            assert names["limit"]["schema"]["minimum"] == 1, path
            assert names["offset"]["schema"] == {
                "type": "integer",
                "minimum": 0,
                "maximum": 1_000_000_000,
                "default": 0,
            }


# /dumps/ -------------------------------------------------------------------------------------------------------


def test_the_dumps_page_lists_every_download_with_its_checksum(seeds: httpx.Client) -> None:
    page = seeds.get("/dumps/", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    listed = dict(re.findall(r'<a href="(/dumps/[^"]+)"[^>]*>.*?<code>([0-9a-f]{64})</code>', page.text, re.DOTALL))
    assert {"/dumps/ecograph.ttl", "/dumps/ecograph.trig", "/dumps/ecograph.jsonld", "/dumps/ecograph.nt.gz"} <= set(
        listed
    )
    for href, checksum in listed.items():
        assert hashlib.sha256(seeds.get(href).content).hexdigest() == checksum, href


def test_the_dumps_page_answers_json_by_accept(seeds: httpx.Client) -> None:
    answer = seeds.get("/dumps/", headers={"Accept": "application/json"})
    dumps = {d["name"]: d for d in answer.json()["dumps"]}
    turtle = dumps["ecograph.ttl"]
    served = seeds.get(turtle["url"]).content
    assert turtle["format"] == "RDF_TURTLE" and turtle["media_type"] == "text/turtle"
    assert turtle["size"] == len(served) and turtle["sha256"] == hashlib.sha256(served).hexdigest()


# Errors for browsers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "accept", "status"),
    [
        ("/api/queries/funding-received", "text/html", 406),
        ("/api/queries/no-such-query", BROWSER, 404),
        ("/no/such/page", BROWSER, 404),
        ("/dumps/no-such-file.ttl", BROWSER, 404),
        ("/sparql?query=SELEKT", BROWSER, 400),
        ("/.well-known/void", "text/html", 406),
    ],
)
def test_errors_for_browsers_are_pages_in_the_sites_style(
    pages: httpx.Client, path: str, accept: str, status: int
) -> None:
    answer = pages.get(path, headers={"Accept": accept})
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    assert '<header class="site">' in answer.text and f"<h1>{status} —" in answer.text


def test_errors_for_programs_stay_json(pages: httpx.Client) -> None:
    answer = pages.get("/sparql", params={"query": "SELEKT"}, headers={"Accept": "*/*"})
    assert answer.status_code == 400 and answer.json()["ok"] is False


def test_an_error_page_escapes_what_the_request_said(pages: httpx.Client) -> None:
    answer = pages.get("/no/<script>alert(1)</script>", headers={"Accept": BROWSER})
    assert answer.status_code == 404
    assert "<script>alert" not in answer.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text


# The ontology page and the landing page's title ------------------------------------------------------------------


def test_the_ontology_page_wears_the_sites_header(pages: httpx.Client) -> None:
    page = pages.get("/def", headers={"Accept": "text/html"}).text
    assert '<header class="site">' in page and '<link rel="stylesheet" href="/static/style.css">' in page
    assert re.search(r'<a href="/def" aria-current="page">Ontology</a>', page)


def test_the_landing_pages_title_says_the_name_once(pages: httpx.Client) -> None:
    head = pages.get("/").text.split("</head>")[0]
    assert re.findall(r"<title>(.*?)</title>", head) == ["Ecosystem Graph (page test fixture)"]


# The access log ------------------------------------------------------------------------------------------------


def served_log(pages_dist: Path, tmp_path: Path, *options: str, paths: list[str]) -> list[str]:
    """The lines a server writes while it answers `paths` (and its start-up probe)."""
    log = tmp_path / "server.log"
    with running_server(pages_dist, log, *options) as url, httpx.Client(base_url=url) as client:
        for path in paths:
            client.get(path)
        time.sleep(0.2)
        return log.read_text(encoding="utf-8").splitlines()


def test_the_access_log_has_one_line_per_request(pages_dist: Path, tmp_path: Path) -> None:
    lines = served_log(pages_dist, tmp_path, paths=["/", "/no/such/page", "/static/style.css"])
    logged = [line for line in lines if re.fullmatch(r"GET \S+ \d{3} \d+\.\d ms", line)]
    assert [line.rsplit(" ", 2)[0] for line in logged[-3:]] == [
        "GET / 200",
        "GET /no/such/page 404",
        "GET /static/style.css 200",
    ]


def test_the_access_log_bounds_query_strings_and_escapes_control_characters(pages_dist: Path, tmp_path: Path) -> None:
    long_query = "/sparql?query=" + "ASK%7B%7D" + "%20" * 2000
    lines = served_log(pages_dist, tmp_path, paths=[long_query, "/id/a%0AGET%20/forged%20200%201.0%20ms%1b[31m"])
    [sparql] = [line for line in lines if line.startswith("GET /sparql?query=ASK%7B%7D%20")]
    assert len(sparql) < 400 and "characters)" in sparql
    [escaped] = [line for line in lines if line.startswith("GET /id/a")]
    assert "\\nGET /forged" in escaped and "\\x1b[31m" in escaped
    assert not any(line.startswith("GET /forged") for line in lines)


def test_no_access_log_when_asked(pages_dist: Path, tmp_path: Path) -> None:
    lines = served_log(pages_dist, tmp_path, "--no-access-log", paths=["/", "/def"])
    assert not [line for line in lines if line.startswith("GET ")]
