"""What a query cannot do, however it is written: reach the network (SERVICE is refused on the parsed query, and
the query workers have no network at all), take more than its memory, or answer more than the size limit."""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import click
import pyoxigraph as ox
import pytest
from conftest import REPO, free_port, running_server
from loopback import Listener, listening
from test_endpoint_safety import ASK, assert_error, sparql

from ecograph.cli import ByteSize
from ecograph.serve.endpoint.guard import refusal
from ecograph.serve.engine.sandbox import isolate_network
from ecograph.serve.engine.worker import Failure, Job, execute
from ecograph.serve.model import Limits, QueryRequest


class Served(NamedTuple):
    url: str
    log: Path


@pytest.fixture(scope="module", params=["memory", "disk"])
def capped(
    request: pytest.FixtureRequest, live_dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """A server whose queries may take 384 MiB and whose answers 32 MiB, once per store."""
    log = tmp_path_factory.mktemp(f"capped-server-{request.param}") / "server.log"
    options = (
        "--store",
        request.param,
        "--max-memory",
        "384M",
        "--max-response",
        "32M",
        "--workers",
        "1",
        "--fast-workers",
        "1",
    )
    with running_server(live_dist, log, *options) as url:
        yield Served(url, log)


@pytest.fixture
def capped_server(capped: Served) -> str:
    return capped.url


@pytest.fixture
def listener() -> Iterator[Listener]:
    with listening() as each:
        yield each


# SERVICE ------------------------------------------------------------------------------------------------------

SSRF_SPELLINGS = [
    "PREFIX : <{url}> ASK {{ SERVICE:x {{}} }}",
    "ASK {{ ?s ?p 1SERVICE <{url}> {{}} }}",
    "ASK {{ ?s ?p trueSERVICE <{url}> {{}} }}",
    "ASK {{ ?s ?p 1e0SERVICE <{url}> {{}} }}",
]


@pytest.mark.parametrize("template", SSRF_SPELLINGS, ids=["prefixed-name", "integer", "boolean", "double"])
def test_service_spellings_are_refused_and_never_connect(capped_server: str, listener: Listener, template: str) -> None:
    response = sparql(capped_server, params={"query": template.format(url=listener.url())})
    assert_error(response, 400)
    assert "SERVICE" in response.json()["error"]
    assert listener.connections() == 0


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("SELECT * { SERVICE <http://x/> {} }", 400, "SERVICE"),
        ("PREFIX : <http://x/> ASK { SERVICE:x {} }", 400, "SERVICE"),
        ("BASE <http://x/> ASK { \\u0053ERVICE <y> {} }", 400, "SERVICE"),
        ("SELECT * { VALUES ?e { <http://x/> } SERVICE ?e {} }", 400, "SERVICE"),
        ("ASK { FILTER EXISTS { FILTER EXISTS { SERVICE <http://x/> {} } } }", 400, "SERVICE"),
        ("ASK {\n  ?s ?p 1SERVICE <http://x/> {} }", 400, "2:"),
        ("INSERT DATA { <urn:a> <urn:b> 'service' }", 403, "read-only"),
        ("ASK { ?s nope:service ?o }", 400, "nope"),
        ('SELECT ?service WHERE { ?service ?p "SERVICE" }', None, ""),
        ("PREFIX service: <urn:s:> ASK { ?s service:x ?o } # SERVICE <http://x/> {}", None, ""),
        ("ASK { ?s ?p ?o }", None, ""),
    ],
    ids=[
        "iri",
        "prefixed-name",
        "escaped-relative",
        "values",
        "nested-exists",
        "glued",
        "update",
        "unknown-prefix",
        "variable",
        "prefix-and-comment",
        "no-service",
    ],
)
def test_what_the_workers_admit(query: str, status: int | None, words: str) -> None:
    refused = refusal(query)
    assert (refused and refused.status) == status
    assert refused is None or words in refused.message


def _service_in_the_sandbox(url: str, results: multiprocessing.Queue) -> None:
    """In a fresh process: enter the sandbox as the zygote does, then run a SERVICE query through the
    worker's engine path without the query check."""
    isolation = isolate_network()
    job = Job(QueryRequest(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"), 10, "json")
    results.put((isolation, execute(ox.Store(), job, Limits())))


def test_the_sandbox_alone_stops_service(listener: Listener) -> None:
    """The second layer by itself: pyoxigraph does run SERVICE (it connects from this unconfined process), but
    not from a process in the workers' sandbox."""
    job = Job(QueryRequest(f"SELECT * WHERE {{ SERVICE <{listener.url()}> {{ ?s ?p ?o }} }}"), 10, "json")
    execute(ox.Store(), job, Limits())
    assert listener.connections() == 1

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_service_in_the_sandbox, args=(listener.url(), results))
    child.start()
    isolation, outcome = results.get(timeout=60)
    child.join()
    assert isolation.isolated, isolation.detail
    assert isinstance(outcome, Failure) and "unreachable" in outcome.message.lower()
    assert listener.connections() == 1


# Serving without the sandbox ------------------------------------------------------------------------------------


def _without_user_namespaces(*command: str) -> list[str]:
    """`command` in a user namespace that may create no further user namespaces: where isolation fails."""
    script = 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'
    return ["unshare", "--user", "--map-root-user", "sh", "-c", script, "sh", *command]


@pytest.fixture(scope="module")
def no_namespaces() -> None:
    if shutil.which("unshare") is None or subprocess.run(_without_user_namespaces("true")).returncode != 0:
        pytest.skip("cannot make a user namespace here to take user namespaces away from serve")


def test_serve_refuses_to_run_without_isolation(no_namespaces: None, live_dist: Path) -> None:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "ecograph.cli",
        "--project",
        str(REPO),
        "serve",
        "--dist",
        str(live_dist),
        "--port",
        str(port),
    ]
    result = subprocess.run(_without_user_namespaces(*command), capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "cannot be cut off from the network" in result.stderr
    assert "--allow-network-in-queries" in result.stderr and "Traceback" not in result.stderr


def test_serve_runs_without_isolation_when_allowed(no_namespaces: None, live_dist: Path, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    runner = _without_user_namespaces(sys.executable)
    with running_server(live_dist, log, "--allow-network-in-queries", python=runner) as url:
        assert sparql(url, params={"query": ASK}).json()["boolean"] is True
    assert "WARNING: the query workers can reach the network" in log.read_text()


def test_serve_says_the_workers_are_isolated(capped: Served) -> None:
    assert "the query workers are network-isolated" in capped.log.read_text()


# Memory and size --------------------------------------------------------------------------------------------------


def doubling(steps: int, select: str = "(STRLEN(?x{steps}) AS ?n)") -> str:
    """A query whose string doubles `steps` times: 2**steps characters."""
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(steps))
    return f'SELECT {select.format(steps=steps)} WHERE {{ BIND("a" AS ?x0) {binds} }}'


def test_a_query_past_the_memory_cap_is_stopped_and_others_go_on(capped_server: str) -> None:
    response = sparql(capped_server, "POST", data={"query": doubling(40)})
    assert_error(response, 422, "memory", "384 MiB")
    assert sparql(capped_server, params={"query": "ASK {}"}).json()["boolean"] is True


def test_an_answer_past_the_size_cap_is_refused(capped_server: str) -> None:
    response = sparql(capped_server, "POST", data={"query": doubling(26, select="?x{steps}")})
    assert_error(response, 422, "larger than 32 MiB")


def test_answers_within_the_caps_are_given(capped_server: str) -> None:
    response = sparql(capped_server, "POST", data={"query": doubling(20, select="?x{steps}")})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"][0]["x20"]["value"]) == 1 << 20


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("1G", 1 << 30),
        ("512M", 512 << 20),
        ("100MB", 100 << 20),
        ("1.5g", 3 << 29),
        ("64KiB", 64 << 10),
        ("4096", 4096),
    ],
)
def test_sizes_on_the_command_line(text: str, size: int) -> None:
    assert ByteSize().convert(text, None, None) == size


@pytest.mark.parametrize("text", ["0", "lots", "1X", "-5M", ""])
def test_wrong_sizes_say_how_to_write_one(text: str) -> None:
    with pytest.raises(click.BadParameter, match="512M"):
        ByteSize().convert(text, None, None)
