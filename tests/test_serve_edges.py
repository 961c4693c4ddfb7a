"""`ecograph serve` at its edges, over real sockets on loopback: answers in XML when a value cannot be XML,
clients that send their headers too slowly or hang up mid-body, refusals in the right order, and pages past
the end of a paged description."""

from __future__ import annotations

import select
import socket
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from conftest import running_server
from pages_fixture import BASE, _write_void, make_pages_dist
from test_endpoint_safety import assert_error

CLIENT_TIMEOUT = 1.0
SPARQL_XML = "application/sparql-results+xml"
# An entity whose label holds a character XML cannot carry, and one with 150 members: two pages of incoming links.
EXTRA_TRIG = (
    f"""
<{BASE}graph/edges> {{
  <{BASE}id/organisation/bell> <http://www.w3.org/2000/01/rdf-schema#label> "Bell\\u0007 Labs"@en .
"""
    + "".join(f"  <{BASE}id/organisation/m{n}> <{BASE}def#memberOf> <{BASE}id/ecosystem/hub> .\n" for n in range(150))
    + "}\n"
)


@dataclass(frozen=True)
class Served:
    url: str
    log: Path
    port: int


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The pages fixture plus EXTRA_TRIG, served with clients given CLIENT_TIMEOUT seconds to send a request."""
    dist = make_pages_dist(tmp_path_factory.mktemp("edges") / "dist")
    with (dist / "ecograph.trig").open("a", encoding="utf-8") as trig:
        trig.write(EXTRA_TRIG)
    _write_void(dist)
    log = tmp_path_factory.mktemp("edges-server") / "server.log"
    with running_server(dist, log, "--workers", "2", "--client-timeout", str(CLIENT_TIMEOUT)) as url:
        yield Served(url, log, int(url.rsplit(":", 1)[1]))


@pytest.fixture(scope="module")
def client(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, timeout=30) as http:
        yield http


def _select(client: httpx.Client, query: str, accept: str) -> httpx.Response:
    return client.post("/sparql", data={"query": query}, headers={"Accept": accept})


# XML answers -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("escape", ["\\u0001", "\\u000B", "\\uFFFE"])
def test_sparql_xml_of_a_value_xml_cannot_carry_is_refused_clearly(client: httpx.Client, escape: str) -> None:
    query = f'SELECT ?x {{ BIND("a{escape}b" AS ?x) }}'
    assert_error(_select(client, query, SPARQL_XML), 406, "?x in result 1", f"U+{escape[2:].upper()}", "JSON")
    as_json = _select(client, query, "application/sparql-results+json")
    assert as_json.json()["results"]["bindings"][0]["x"]["value"] == "a" + chr(int(escape[2:], 16)) + "b"


def test_rdf_xml_of_a_constructed_value_xml_cannot_carry_is_refused(client: httpx.Client) -> None:
    query = 'CONSTRUCT { <urn:x:s> <urn:x:label> "a\\u0001b" } WHERE {}'
    assert_error(_select(client, query, "application/rdf+xml"), 406, "<urn:x:label>", "U+0001", "Turtle")
    assert _select(client, query, "text/turtle").status_code == 200


def test_a_lone_surrogate_is_a_syntax_error_not_an_answer(client: httpx.Client) -> None:
    assert_error(_select(client, 'SELECT ?x { BIND("a\\uD800b" AS ?x) }', SPARQL_XML), 400, "syntax")


def test_xml_answers_parse_with_an_xml_parser(client: httpx.Client) -> None:
    select_xml = _select(client, 'SELECT ?x { BIND("a\\r\\n<b>&" AS ?x) }', SPARQL_XML)
    literal = ElementTree.fromstring(select_xml.content).find(".//{*}literal")
    assert literal is not None and literal.text == "a\r\n<b>&"
    for path in ("/sparql", "/id/organisation/micronit", "/def"):
        ElementTree.fromstring(client.get(path, headers={"Accept": "application/rdf+xml"}).content)


def test_an_entity_whose_value_xml_cannot_carry_refuses_rdf_xml_only(client: httpx.Client) -> None:
    refused = client.get("/id/organisation/bell", headers={"Accept": "application/rdf+xml"})
    assert refused.status_code == 406 and "U+0007" in refused.text
    assert client.get("/id/organisation/bell", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/id/organisation/bell").status_code == 200  # the HTML page


# Slow and vanishing clients ------------------------------------------------------------------------------------


def _closed_by_server(conn: socket.socket) -> bool:
    """Whether the server has closed `conn` (reads end-of-file or a reset); does not wait."""
    if not select.select([conn], [], [], 0)[0]:
        return False
    try:
        return conn.recv(4096) == b""
    except ConnectionError:
        return True


@pytest.mark.parametrize(
    "start",
    [
        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: ",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 9999\r\n\r\n",
    ],
    ids=["headers", "body"],
)
def test_clients_trickling_a_request_are_disconnected(served: Served, client: httpx.Client, start: bytes) -> None:
    slow = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(20)]
    started = time.monotonic()
    try:
        for conn in slow:
            conn.sendall(start)
        open_ = list(slow)
        while open_ and time.monotonic() - started < CLIENT_TIMEOUT + 10:
            for conn in list(open_):
                try:
                    conn.sendall(b"z")  # one byte at a time, never ending the request
                except ConnectionError:
                    open_.remove(conn)
                    continue
                if _closed_by_server(conn):
                    open_.remove(conn)
            assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
            time.sleep(0.1)
        assert not open_, f"{len(open_)} of {len(slow)} trickling clients still connected"
        assert time.monotonic() - started >= CLIENT_TIMEOUT
    finally:
        for conn in slow:
            conn.close()


def test_a_client_sending_its_request_in_time_is_answered(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port)) as conn:
        for part in (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n", b"Host: x\r\n", b"Connection: close\r\n\r\n"):
            conn.sendall(part)
        conn.settimeout(30)
        assert conn.recv(4096).startswith(b"HTTP/1.1 200")


def test_a_client_hanging_up_mid_body_is_not_an_error(served: Served, client: httpx.Client) -> None:
    with socket.create_connection(("127.0.0.1", served.port)) as conn:
        conn.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000\r\n\r\nSELECT * WHERE"
        )
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200  # after the hang-up was seen
    assert "Exception in ASGI application" not in served.log.read_text()
    assert "ClientDisconnect" not in served.log.read_text()


def test_a_wrong_content_type_is_refused_before_the_body_is_read(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port)) as conn:
        conn.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
            b"Content-Length: 104857600\r\nConnection: close\r\n\r\n"
        )
        conn.settimeout(30)
        assert conn.recv(4096).startswith(b"HTTP/1.1 415")


# Pages past the end ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_a_page_past_the_end_is_404_in_every_format(client: httpx.Client, accept: str) -> None:
    assert client.get("/id/ecosystem/hub?page=2", headers={"Accept": accept}).status_code == 200
    missing = client.get("/id/ecosystem/hub?page=3", headers={"Accept": accept})
    assert missing.status_code == 404 and "no page 3" in missing.text
    assert client.get("/id/organisation/micronit?page=2", headers={"Accept": accept}).status_code == 404
