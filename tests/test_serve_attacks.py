"""`ecograph serve` attacked as a hostile or clumsy client would, over real HTTP on loopback: queries that crash
parsers, clients that hang up, killed workers, overload, paths that are too long, a port in use, a corrupt
dist/, SIGTERM, and the headers every answer must carry (security, caching, CORS, OPTIONS)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from conftest import REPO, free_port, running_server
from test_endpoint_safety import ASK, CARTESIAN, assert_error, sparql

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ALL_WORKERS = 2 + 2  # patient_server's --workers 2, and the two workers kept for cheap queries (--fast-workers)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(each) for each in out.split()]


def _server_pid(url: str) -> int:
    """The `ecograph serve` process listening at url (found by its --port argument)."""
    port = url.rsplit(":", 1)[1]
    out = subprocess.run(["ps", "-ww", "-eo", "pid=,args="], capture_output=True, text=True).stdout
    pids = [
        int(line.split()[0])
        for line in out.splitlines()
        if "ecograph.cli" in line and " serve " in line and f"--port {port} " in line + " "
    ]
    assert len(pids) == 1, out
    return pids[0]


def _workers(server: int) -> list[int]:
    """The query workers: the children of the zygote (the server's child that has children)."""
    for child in _children(server):
        if grandchildren := _children(child):
            return grandchildren
    return []


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
    return state in ("Z", "X")


def _cpu_ticks(pid: int) -> int:
    """The CPU time a process has used (user + system, in clock ticks); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds:g} s: {what}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def patient_server(live_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Two workers for slow queries (and the two kept for cheap ones) and a 10 s time limit: long enough that a
    worker held to the limit is easy to tell from a worker freed at once."""
    log = tmp_path_factory.mktemp("patient-server") / "server.log"
    with running_server(live_dist, log, "--timeout", "10", "--workers", "2", "--fast-workers", "2") as url:
        yield url


# Queries that used to end the worker process (stack overflow in the parser) ---------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000,
        "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ")}",
        "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 3000 + "}" * 3000 + "}",
        "SELECT * WHERE { FILTER(" + "!" * 10000 + "true)}",
        "SELECT * WHERE { ?s " + "^" * 10000 + "<urn:p> ?o }",
    ],
    ids=["groups", "brackets", "optionals", "not", "inverse-path"],
)
def test_deeply_nested_queries_are_refused_clearly(live_server: str, query: str) -> None:
    assert_error(sparql(live_server, "POST", data={"query": query}), 400, "levels deep", "at most 256")
    assert sparql(live_server, params={"query": ASK}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "ASK { FILTER(" + "||".join(["true"] * 20000) + ")}",
        "ASK { " + " ".join(["FILTER(true)"] * 20000) + " }",
        "ASK { ?s <urn:p> " + ",".join(["1"] * 20000) + " }",
    ],
    ids=["or-chain", "filters", "object-list"],
)
def test_long_flat_queries_do_not_end_the_worker(live_server: str, query: str) -> None:
    """Long chains make a deep syntax tree too: the worker runs queries on a big stack, so they are answered
    (or stopped at the time limit), never a crashed worker."""
    response = sparql(live_server, "POST", data={"query": query})
    assert response.status_code in (200, 503), response.text
    assert "ended the worker" not in response.text


def test_nesting_within_the_limit_is_answered(live_server: str) -> None:
    query = "SELECT * WHERE " + "{" * 200 + "?s ?p ?o" + "}" * 200 + " LIMIT 1"
    assert sparql(live_server, "POST", data={"query": query}).status_code == 200


# Workers: freed when the client hangs up, replaced when killed, bounded queue ---------------------------------


def test_a_client_hanging_up_frees_its_worker(patient_server: str) -> None:
    """Two clients send a cartesian product (10 s limit) to the 2 workers and hang up; a cheap query that
    follows is answered at once, not after the 10 s."""
    port = int(patient_server.rsplit(":", 1)[1])
    idle = {pid: _cpu_ticks(pid) for pid in _workers(_server_pid(patient_server))}
    clients = []
    for _ in range(2):
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(f"GET /sparql?query={quote(CARTESIAN)} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        clients.append(client)
    _wait_until(
        lambda: sum(_cpu_ticks(pid) > ticks for pid, ticks in idle.items()) >= 2,
        10,
        "two workers running the cartesian products",
    )
    for client in clients:
        client.close()
    started = time.monotonic()
    assert sparql(patient_server, params={"query": ASK}).status_code == 200
    assert time.monotonic() - started < 4.0


def test_a_killed_idle_worker_is_replaced_before_use(patient_server: str) -> None:
    server = _server_pid(patient_server)
    workers = _workers(server)
    assert len(workers) == ALL_WORKERS
    os.kill(workers[0], signal.SIGKILL)
    _wait_until(lambda: _gone(workers[0]), 10, f"the killed worker {workers[0]} gone")
    answers = [sparql(patient_server, params={"query": ASK}).status_code for _ in range(6)]
    assert answers == [200] * 6
    _wait_until(lambda: len(_workers(server)) == ALL_WORKERS, 10, f"{ALL_WORKERS} workers again")
    assert workers[0] not in _workers(server)


def test_overload_is_refused_at_once_when_the_wait_cannot_be_met(strict_server: str) -> None:
    """strict_server: 2 workers for slow queries, 2 s limit. Of 30 slow queries at once, those that could not
    start within the time limit get 503 at once (before any query that ran is stopped), and every request is
    answered within twice the time limit (plus slack)."""

    async def timed(client: httpx.AsyncClient) -> tuple[httpx.Response, float]:
        started = time.monotonic()
        response = await client.get("/sparql", params={"query": CARTESIAN})
        return response, time.monotonic() - started

    async def burst() -> list[tuple[httpx.Response, float]]:
        limits = httpx.Limits(max_connections=40)
        async with httpx.AsyncClient(base_url=strict_server, timeout=30, limits=limits) as client:
            return await asyncio.gather(*(timed(client) for _ in range(30)))

    results = asyncio.run(burst())
    assert {response.status_code for response, _ in results} == {503}
    assert all("retry-after" in response.headers for response, _ in results)
    refused = [seconds for response, seconds in results if "would run before this one" in response.json()["error"]]
    stopped = [seconds for response, seconds in results if "time limit of 2 s" in response.json()["error"]]
    assert len(refused) >= 30 - 2 - 16 and stopped
    assert max(refused) < min(stopped)
    assert max(seconds for _, seconds in results) < 2 * 2 + 4
    assert sparql(strict_server, params={"query": ASK}).status_code == 200


# Paths ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix", ["/dumps/", "/static/", "/id/", "/graph/", "/def/", "/api/queries/", "/static/vendor/yasgui/"]
)
@pytest.mark.parametrize(
    "attack",
    [
        "../../../../etc/passwd",
        "..%2f..%2f..%2fetc%2fpasswd",
        "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "%252e%252e%252fetc%252fpasswd",
        "..%5c..%5cetc%5cpasswd",
        "%00",
        "a" * 8000,
        "caf%C3%A9%20x",
    ],
    ids=["dots", "encoded-slash", "encoded-dots", "double-encoded", "backslash", "nul", "long", "unicode"],
)
def test_paths_never_escape_nor_fail(live_server: str, prefix: str, attack: str) -> None:
    response = httpx.get(live_server + prefix + attack, timeout=30)
    assert response.status_code == 404, response.text[:300]
    assert "root:" not in response.text and "Internal error" not in response.text


# Start and stop ------------------------------------------------------------------------------------------------


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ecograph.cli", "--project", str(REPO), "serve", "--host", "127.0.0.1", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_a_port_in_use_is_said_before_loading(live_server: str, live_dist: Path) -> None:
    port = live_server.rsplit(":", 1)[1]
    started = time.monotonic()
    result = _serve("--dist", str(live_dist), "--port", port)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr and "sparql:" not in result.stdout
    assert time.monotonic() - started < 30


def test_a_corrupt_dist_is_refused(live_dist: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "ecograph.trig").write_text("this is { not TriG", encoding="utf-8")
    port = free_port()
    result = _serve("--dist", str(dist), "--port", str(port))
    assert result.returncode == 2
    assert "ecograph.trig cannot be loaded" in result.stderr and "ecograph build" in result.stderr
    assert "Traceback" not in result.stderr


def test_sigterm_stops_the_server_and_its_workers(live_dist: Path, tmp_path: Path) -> None:
    with running_server(live_dist, tmp_path / "server.log", "--workers", "2") as url:
        server = _server_pid(url)
        family = _children(server) + _workers(server)
        assert len(family) >= 3  # the zygote, its 2 workers (and multiprocessing's resource tracker)
        os.kill(server, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while not all(_gone(pid) for pid in [server, *family]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in [server, *family] if not _gone(pid)] == []


# Headers ---------------------------------------------------------------------------------------------------------

HTML_PAGES = [
    "/",
    "/sparql/editor",
    "/def",
    "/search?q=micronit",
    "/id/organisation/micronit",
    "/id/organisation/no-such-one",
]
READ_ROUTES = [
    "/",
    "/search?q=micronit",
    "/sparql/editor",
    "/sparql?query=ASK%7B%7D",
    "/sparql",
    "/def",
    "/def.ttl",
    "/api/queries",
    "/api/openapi.json",
    "/.well-known/void",
    "/dumps/void.ttl",
    "/static/style.css",
    "/id/organisation/micronit",
    "/api/queries/organisations",
]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_html_pages_carry_security_headers(pages_server: str, path: str) -> None:
    response = httpx.get(pages_server + path, headers={"Accept": BROWSER}, timeout=30)
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy  # no remote origin is allowed anything
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", READ_ROUTES)
def test_read_routes_allow_cors_and_nosniff(pages_server: str, path: str) -> None:
    response = httpx.get(pages_server + path, headers={"Origin": "https://elsewhere.example"}, timeout=30)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", READ_ROUTES)
def test_head_and_options_on_every_route(pages_server: str, path: str) -> None:
    head = httpx.head(pages_server + path, timeout=30)
    assert head.status_code == 200 and head.content == b""
    options = httpx.options(pages_server + path, timeout=30)
    assert options.status_code == 204
    assert {"GET", "HEAD", "OPTIONS"} <= {m.strip() for m in options.headers["allow"].split(",")}


def test_options_on_an_unknown_path_is_404(pages_server: str) -> None:
    assert httpx.options(pages_server + "/no/such/route", timeout=30).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/def",
        "/def.ttl",
        "/id/organisation/micronit",
        "/api/openapi.json",
        "/api/queries/organisations",
        "/search?q=micronit",
    ],
)
def test_pages_can_be_revalidated(pages_server: str, path: str) -> None:
    first = httpx.get(pages_server + path, timeout=30)
    etag = first.headers["etag"]
    assert "max-age" in first.headers["cache-control"]
    again = httpx.get(pages_server + path, headers={"If-None-Match": etag}, timeout=30)
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    changed = httpx.get(pages_server + path, headers={"If-None-Match": '"other"'}, timeout=30)
    assert changed.status_code == 200 and changed.content == first.content


def test_query_answers_are_not_cached(pages_server: str) -> None:
    response = httpx.get(pages_server + "/sparql", params={"query": ASK}, timeout=30)
    assert "etag" not in response.headers and "cache-control" not in response.headers


def test_a_stored_query_parameter_given_twice_is_refused(pages_server: str) -> None:
    response = httpx.get(pages_server + "/api/queries/organisations?q=a&q=b", timeout=30)
    listed = httpx.get(pages_server + "/api/queries/organisations", timeout=30)
    assert listed.status_code == 200
    assert response.status_code == 400, response.text
    assert "given more than once" in response.json()["error"]


def test_a_missing_dump_says_where_to_look(live_server: str) -> None:
    response = httpx.get(f"{live_server}/dumps/no-such-file.ttl", timeout=30)
    assert_error(response, 404, "/dumps/no-such-file.ttl", "void.ttl")
