"""A safe public endpoint: read-only, no SERVICE (no outbound requests), queries stopped at the time limit while
others are answered, answers cut at the row limit and saying so, size limits, clear errors in one shape."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

ASK = "ASK { ?s ?p ?o }"
# Six unbound triple patterns: a cartesian product far beyond any time limit, even on the small fixture.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"


def sparql(url: str, method: str = "GET", **kwargs: object) -> httpx.Response:
    return httpx.request(method, f"{url}/sparql", timeout=30, **kwargs)  # type: ignore[arg-type]


def assert_error(response: httpx.Response, status: int, *words: str) -> None:
    """The one error shape: {"ok": false, "status": N, "error": "..."}."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"ok", "status", "error"}
    assert body["ok"] is False and body["status"] == status
    for word in words:
        assert word in body["error"]


# Read-only ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {
            "method": "POST",
            "content": "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {"method": "POST", "data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"method": "POST", "data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"method": "GET", "params": {"query": "DELETE WHERE { ?s ?p ?o }"}},
        {"method": "GET", "params": {"query": "PREFIX ex: <urn:x> CLEAR ALL"}},
        {"method": "GET", "params": {"update": "DROP ALL"}},
        {"method": "GET", "params": {"query": "LOAD <http://127.0.0.1:9/data.ttl>"}},
    ],
    ids=["sparql-update-body", "update-form", "update-as-query-form", "delete-where", "clear", "update-get", "load"],
)
def test_updates_are_refused(live_server: str, request_kwargs: dict[str, object]) -> None:
    kwargs = dict(request_kwargs)
    assert_error(sparql(live_server, str(kwargs.pop("method")), **kwargs), 403, "read-only")
    assert sparql(live_server, params={"query": ASK}).json()["boolean"] is True


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_graph_store_writes_are_refused(live_server: str, method: str) -> None:
    response = httpx.request(
        method,
        f"{live_server}/sparql",
        params={"graph": "urn:g"},
        content="<urn:a> <urn:b> <urn:c> .",
        headers={"Content-Type": "text/turtle"},
    )
    assert_error(response, 405, "read-only")
    assert "GET" in response.headers["allow"]


def test_writes_to_dumps_are_refused(live_server: str) -> None:
    assert httpx.put(f"{live_server}/dumps/ecograph.trig", content=b"x").status_code == 405


def test_posting_other_content_types_is_refused(live_server: str) -> None:
    response = sparql(
        live_server, "POST", content=b"<urn:a> <urn:b> <urn:c> .", headers={"Content-Type": "text/turtle"}
    )
    assert_error(response, 415, "application/sparql-query")


# SERVICE ---------------------------------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP server on 127.0.0.1 that records every connection: SERVICE must never reach it."""
    connections: list[bytes] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                connections.append(connection.recv(1024))

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join()
    server.close()


SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z .SERVICE<http://127.0.0.1:{port}/sparql>{ ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { # a comment\n SeRvIcE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "PREFIX r: <http://127.0.0.1:{port}/> SELECT * WHERE { SERVICE r:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:{port}/sparql> AS ?e) SERVICE ?e { ?s ?p ?o } }",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_service_is_refused_before_running(
    live_server: str, listener: tuple[int, list[bytes]], template: str, method: str
) -> None:
    port, connections = listener
    query = template.replace("{port}", str(port))
    payload = {"params": {"query": query}} if method == "GET" else {"data": {"query": query}}
    assert_error(sparql(live_server, method, **payload), 400, "SERVICE")
    deadline = time.monotonic() + 0.3  # a stray connection would come at once: fail as soon as one does
    while time.monotonic() < deadline:
        assert connections == []
        time.sleep(0.02)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?service WHERE { ?service ?p "SERVICE" } LIMIT 1',
        "SELECT * WHERE { ?s ?p ?o # SERVICE <http://127.0.0.1:9/> {}\n } LIMIT 1",
        "PREFIX service: <urn:service:> SELECT * WHERE { ?s service:x <urn:SERVICE> } LIMIT 1",
    ],
)
def test_service_as_a_word_is_not_refused(live_server: str, query: str) -> None:
    assert sparql(live_server, params={"query": query}).status_code == 200


# Time limit -------------------------------------------------------------------------------------------------


def test_expensive_query_is_stopped_while_others_are_answered(strict_server: str) -> None:
    """strict_server stops queries after 2 s; 2 workers, so cheap queries go on during the slow one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = time.monotonic()
        slow = pool.submit(sparql, strict_server, params={"query": CARTESIAN})
        time.sleep(0.3)
        for _ in range(5):
            begin = time.monotonic()
            cheap = sparql(strict_server, params={"query": ASK})
            assert cheap.status_code == 200 and time.monotonic() - begin < 1.0
        stopped = slow.result()
        elapsed = time.monotonic() - started
    assert_error(stopped, 503, "time limit of 2 s")
    assert "retry-after" in stopped.headers
    assert 2.0 <= elapsed < 5.0
    # the killed worker is replaced: the endpoint goes on answering with its full pool
    answers = [sparql(strict_server, params={"query": ASK}).status_code for _ in range(10)]
    assert answers == [200] * 10


def test_timeouts_can_be_asked_as_text(strict_server: str) -> None:
    response = sparql(strict_server, params={"query": CARTESIAN}, headers={"Accept": "text/csv, text/plain;q=0.5"})
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/plain")
    assert "stopped" in response.text


def test_many_expensive_queries_do_not_block_the_endpoint_for_good(strict_server: str) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        slow = [pool.submit(sparql, strict_server, params={"query": CARTESIAN}) for _ in range(4)]
        statuses = [future.result().status_code for future in slow]
    assert set(statuses) == {503}
    assert sparql(strict_server, params={"query": ASK}).status_code == 200


# Row limit -----------------------------------------------------------------------------------------------


def test_truncated_select_says_so(strict_server: str) -> None:
    response = sparql(strict_server, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    assert response.headers["x-ecograph-truncated"] == "true"
    assert response.headers["x-ecograph-limit"] == "5"
    body = response.json()
    assert len(body["results"]["bindings"]) == 5
    assert body["ecograph"] == {"truncated": True, "limit": 5}


@pytest.mark.parametrize(
    ("accept", "marker"),
    [("text/csv", None), ("text/tab-separated-values", None), ("application/sparql-results+xml", b"truncated")],
)
def test_truncated_select_in_other_formats(strict_server: str, accept: str, marker: bytes | None) -> None:
    response = sparql(strict_server, params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": accept})
    assert response.headers["x-ecograph-truncated"] == "true"
    if marker:
        assert marker in response.content


def test_truncated_construct_says_so(strict_server: str) -> None:
    response = sparql(
        strict_server, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"}
    )
    assert response.headers["x-ecograph-truncated"] == "true"
    lines = [line for line in response.text.splitlines() if line and not line.startswith("#")]
    assert len(lines) == 5
    assert response.text.startswith("# truncated")


def test_exactly_the_limit_is_not_truncated(strict_server: str) -> None:
    response = sparql(strict_server, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
    assert "x-ecograph-truncated" not in response.headers
    assert "ecograph" not in response.json()


def test_truncation_header_is_readable_cross_origin(strict_server: str) -> None:
    response = sparql(
        strict_server, params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Origin": "https://example.org"}
    )
    assert "x-ecograph-truncated" in response.headers["access-control-expose-headers"].lower()


# Sizes and malformed requests ------------------------------------------------------------------------------


def test_oversized_body_is_413(live_server: str) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (1 << 20)
    assert_error(
        sparql(live_server, "POST", content=query, headers={"Content-Type": "application/sparql-query"}),
        413,
        "larger than",
    )
    assert_error(sparql(live_server, "POST", data={"query": query}), 413)


def test_long_query_string_is_414(live_server: str) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 20_000
    assert_error(sparql(live_server, params={"query": query}), 414, "POST")


def test_syntax_error_is_400_with_position(live_server: str) -> None:
    response = sparql(live_server, params={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    assert_error(response, 400, "syntax error", "3:")


def test_syntax_error_as_text(live_server: str) -> None:
    response = sparql(live_server, params={"query": "SELEKT * {}"}, headers={"Accept": "text/plain"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert "1:1" in response.text


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        (
            {
                "method": "POST",
                "content": b"query=%FF%FE",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            400,
        ),
        ({"method": "POST", "content": b"\xff\xfe", "headers": {"Content-Type": "application/sparql-query"}}, 400),
        ({"method": "GET", "params": [("query", ASK), ("query", ASK)]}, 400),
        ({"method": "POST", "content": b"", "headers": {}}, 415),
        ({"method": "GET", "params": {"query": ASK, "default-graph-uri": "not an iri"}}, 400),
    ],
    ids=["bad-utf8-form", "bad-utf8-body", "two-queries", "no-content-type", "bad-graph-iri"],
)
def test_malformed_requests(live_server: str, kwargs: dict[str, object], status: int) -> None:
    kwargs = dict(kwargs)
    assert_error(sparql(live_server, str(kwargs.pop("method")), **kwargs), status)


def test_unknown_paths_are_404_in_the_error_shape(live_server: str) -> None:
    assert_error(
        httpx.get(f"{live_server}/no/such/thing", headers={"Accept": "application/json"}), 404, "/no/such/thing"
    )
