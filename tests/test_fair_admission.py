"""Fair admission to the query workers, over real HTTP on loopback: cheap queries never wait behind slow ones,
many connections of cheap queries do not crowd out another client, and a client that floods the endpoint is
refused its excess while others are served. Clients on other loopback addresses (127.0.0.2, 127.0.0.3) stand
for clients on other machines."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import running_server
from starlette.types import Receive, Scope, Send
from test_endpoint_safety import CARTESIAN

from ecograph.serve.engine.admission import CURRENT_CLIENT, Client, ClientIdentity, FairQueue, Ticket
from ecograph.serve.server import uvicorn_config

TIME_LIMIT = 5  # seconds: long enough that a cheap query waiting for a slow one to end is easy to tell
STORED = "/api/queries/articles"


@pytest.fixture(scope="module")
def fair_server(live_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("fair-server") / "server.log"
    with running_server(live_dist, log, "--timeout", str(TIME_LIMIT), "--workers", "2") as url:
        yield url


def client_at(url: str, address: str, connections: int = 1) -> httpx.AsyncClient:
    """An HTTP client whose connections come from `address` (any 127.x.y.z reaches the loopback server)."""
    transport = httpx.AsyncHTTPTransport(local_address=address, limits=httpx.Limits(max_connections=connections))
    return httpx.AsyncClient(base_url=url, transport=transport, timeout=30)


async def loop_queries(client: httpx.AsyncClient, query: str, connections: int) -> None:
    """Send `query` over `connections` connections, again and again, until cancelled."""

    async def one_connection() -> None:
        while True:
            await client.get("/sparql", params={"query": query})

    await asyncio.gather(*(one_connection() for _ in range(connections)))


async def timed_get(client: httpx.AsyncClient, path: str, **params: str) -> tuple[int, float]:
    started = time.monotonic()
    response = await client.get(path, params=params)
    return response.status_code, time.monotonic() - started


def test_cheap_queries_answer_at_once_while_slow_queries_loop(fair_server: str) -> None:
    """Three connections loop a query that runs to the time limit, more than the two workers for slow
    queries; an ASK and a stored query from another client still answer in well under the time limit."""

    async def scenario() -> list[tuple[int, float]]:
        async with client_at(fair_server, "127.0.0.2", 3) as flood, client_at(fair_server, "127.0.0.3") as other:
            heavy = asyncio.ensure_future(loop_queries(flood, CARTESIAN, 3))
            await asyncio.sleep(1.0)  # the slow queries have started (and passed the fast lane's budget)
            timings = []
            for _ in range(4):
                timings.append(await timed_get(other, "/sparql", query="ASK {}"))
                timings.append(await timed_get(other, STORED))
            heavy.cancel()
            return timings

    timings = asyncio.run(scenario())
    assert [status for status, _ in timings] == [200] * 8
    assert max(seconds for _, seconds in timings) < 2.0, timings


async def loop_raw(url: str, path: str) -> None:
    """GET `path` again and again on one kept-alive connection, as fast as the server answers (plain sockets:
    an HTTP client library would be slower than the server, and the load lighter than meant)."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    try:
        while True:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:")
            )
            await reader.readexactly(length)
    finally:
        writer.close()


def test_many_connections_of_cheap_queries_do_not_crowd_out_another_client(fair_server: str) -> None:
    """24 connections loop `ASK {}`; another connection's stored queries are never refused."""

    async def scenario() -> list[int]:
        crowd = [asyncio.ensure_future(loop_raw(fair_server, "/sparql?query=ASK%20%7B%7D")) for _ in range(24)]
        async with client_at(fair_server, "127.0.0.1") as other:
            await asyncio.sleep(0.5)
            statuses = [(await other.get(STORED)).status_code for _ in range(30)]
        for each in crowd:
            each.cancel()
        return statuses

    assert asyncio.run(scenario()) == [200] * 30


def test_a_flooding_client_is_refused_its_excess_while_another_is_served(fair_server: str) -> None:
    """One client sends twelve slow queries at once: what cannot start within the time limit is refused at
    once with Retry-After, and another client's queries are answered meanwhile."""

    async def scenario() -> tuple[list[httpx.Response | BaseException], list[tuple[int, float]]]:
        async with client_at(fair_server, "127.0.0.2", 12) as flood, client_at(fair_server, "127.0.0.3") as other:
            started = time.monotonic()
            flooding = [asyncio.ensure_future(flood.get("/sparql", params={"query": CARTESIAN})) for _ in range(12)]
            refused_at_once = []
            while time.monotonic() - started < 2.0 and not refused_at_once:
                refused_at_once = [f.result() for f in flooding if f.done() and f.result().status_code == 503]
                await asyncio.sleep(0.05)
            served = [await timed_get(other, "/sparql", query="ASK {}"), await timed_get(other, STORED)]
            for each in flooding:
                each.cancel()
            return refused_at_once, served

    refused, served = asyncio.run(scenario())
    assert refused, "no slow query of the flooding client was refused within 2 s"
    for response in refused:
        assert isinstance(response, httpx.Response)
        assert "busy" in response.json()["error"] and int(response.headers["retry-after"]) >= 1
    assert [status for status, _ in served] == [200, 200]
    assert max(seconds for _, seconds in served) < 2.0, served


def test_a_stored_query_past_the_time_limit_answers_503_with_retry_after(pages_dist: Path, tmp_path: Path) -> None:
    """The stored-query API says when to try again, as /sparql does."""
    dist = tmp_path / "dist"
    shutil.copytree(pages_dist, dist)
    header = "#+ summary: Runs past any time limit\n#+ tags: load\n"
    (dist / "queries" / "six-way-count.rq").write_text(header + CARTESIAN + "\n")
    with running_server(dist, tmp_path / "server.log", "--timeout", "1", "--workers", "1") as url:
        response = httpx.get(f"{url}/api/queries/six-way-count", timeout=30)
    assert response.status_code == 503, response.text
    assert "time limit" in response.json()["error"] and int(response.headers["retry-after"]) >= 1


# Who the client is, behind a proxy or not ---------------------------------------------------------------------


def client_seen(forwarded_allow_ips: str | None, peer: str, forwarded_for: str) -> Client:
    """The client that admission sees for a request from `peer` saying X-Forwarded-For: `forwarded_for`, when
    uvicorn is configured as `ecograph serve --forwarded-allow-ips` configures it."""
    seen: list[Client] = []

    async def record(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(CURRENT_CLIENT.get())

    config = uvicorn_config(ClientIdentity(record), "127.0.0.1", 0, forwarded_allow_ips, client_timeout=5)
    config.load()
    scope = {
        "type": "http",
        "client": (peer, 40000),
        "scheme": "http",
        "path": "/api/queries/articles",
        "headers": [(b"x-forwarded-for", forwarded_for.encode())],
    }
    asyncio.run(config.loaded_app(scope, None, None))
    return seen[0]


def test_x_forwarded_for_is_ignored_by_default() -> None:
    """Without --forwarded-allow-ips, a client cannot pose as another to escape its share."""
    assert client_seen(None, "127.0.0.2", "203.0.113.7") == Client("127.0.0.2", 40000)


def test_x_forwarded_for_is_honoured_from_a_configured_proxy_only() -> None:
    assert client_seen("127.0.0.2", "127.0.0.2", "203.0.113.7").address == "203.0.113.7"
    assert client_seen("127.0.0.2", "127.0.0.3", "203.0.113.7").address == "127.0.0.3"


# The fair queue itself ----------------------------------------------------------------------------------------


def test_the_queue_serves_addresses_in_turn_then_connections() -> None:
    async def order() -> list[tuple[str, int]]:
        queue: FairQueue[str] = FairQueue()
        for client in [Client("flood", 1)] * 3 + [Client("flood", 2), Client("other", 1)]:
            queue.push(Ticket(client))
        served = []
        while (ticket := queue.pop()) is not None:
            served.append((ticket.client.address, ticket.client.connection))
        return served

    assert asyncio.run(order()) == [("flood", 1), ("other", 1), ("flood", 2), ("flood", 1), ("flood", 1)]


def test_a_newcomer_waits_behind_one_turn_of_each_address_not_behind_a_flood() -> None:
    async def ahead() -> tuple[int, int]:
        queue: FairQueue[str] = FairQueue()
        for _ in range(20):
            queue.push(Ticket(Client("flood", 1)))
        return queue.ahead_of(Client("other", 1)), queue.ahead_of(Client("flood", 1))

    assert asyncio.run(ahead()) == (1, 20)
