"""Shared fixtures. The seed project is built once per test session."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from ecograph.build.dumps import build_dist
from ecograph.project import CACHE_ENV, Project

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def session_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every cache of the session (this process's and the servers' and commands' it starts) in a temporary
    folder, so that the test command writes nothing into the repository."""
    folder = tmp_path_factory.mktemp("ecograph-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        yield folder


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis keeps what it learns in a temporary folder too, not in .hypothesis/ (from collection on)."""
    folder = tempfile.mkdtemp(prefix="ecograph-hypothesis-")
    set_hypothesis_home_dir(folder)
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture(scope="session")
def seed_project() -> Project:
    return Project.open(REPO)


@pytest.fixture(scope="session")
def built_dist(seed_project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ built from the repository's seeds and mappings (read-only for tests: copy before changing)."""
    out = tmp_path_factory.mktemp("seed-build") / "dist"
    build_dist(seed_project, out)
    return out


# The live server (endpoint core) ------------------------------------------------------------------------------

ENDPOINT_FIXTURE_DIST = REPO / "tests" / "fixtures" / "endpoint_dist"


@pytest.fixture(scope="session")
def live_dist(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dist/ that live_server serves: the real build of the seeds, or, with ECOGRAPH_TEST_DIST=fixture,
    the small hand-written one in tests/fixtures/endpoint_dist (read-only for tests)."""
    if os.environ.get("ECOGRAPH_TEST_DIST") == "fixture":
        out = tmp_path_factory.mktemp("endpoint-fixture") / "dist"
        shutil.copytree(ENDPOINT_FIXTURE_DIST, out)
        return out
    return request.getfixturevalue("built_dist")


@pytest.fixture(scope="session")
def live_server(live_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`ecograph serve` over live_dist on a free 127.0.0.1 port, with its default limits; yields the base URL
    (no trailing slash). Stopped at the end of the session."""
    log = tmp_path_factory.mktemp("live-server") / "server.log"
    with running_server(live_dist, log) as url:
        yield url


@pytest.fixture(scope="session", params=["memory", "disk"])
def strict_server(
    request: pytest.FixtureRequest, live_dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A server with tight limits for the limit tests: queries stopped after 2 s, answers cut at 5 rows;
    once with the data in memory and once on the on-disk store."""
    log = tmp_path_factory.mktemp(f"strict-server-{request.param}") / "server.log"
    options = ("--timeout", "2", "--max-rows", "5", "--workers", "2", "--store", request.param)
    with running_server(live_dist, log, *options) as url:
        yield url


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_server(dist: Path, log: Path, *options: str, python: Sequence[str] = (sys.executable,)) -> Iterator[str]:
    """Run `ecograph serve` in a subprocess until the block ends; wait until it answers a query first.
    `python`: the command that runs Python (e.g. inside `unshare`)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        *python,
        "-m",
        "ecograph.cli",
        "--project",
        str(REPO),
        "serve",
        "--dist",
        str(dist),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *options,
    ]
    with log.open("wb") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_until_serving(url, server, log)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_until_serving(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    probe = f"{url}/sparql?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"ecograph serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"ecograph serve did not answer within 60 s:\n{log.read_text()}")


# Apache Jena (Debian's libapache-jena-java, installed by `make test`) ------------------------------------------


@pytest.fixture(scope="session")
def jena():  # -> jena.Jena (tests/jena.py)
    """Jena's command-line tools with a working classpath; skips the test when java or the jars are absent."""
    from jena import JenaMissing, find_jena

    try:
        return find_jena()
    except JenaMissing as missing:
        pytest.skip(f"Apache Jena is not available: {missing}")


# The pages: a server over the small hand-written dist of tests/fixtures/pages_dist -------------


@pytest.fixture(scope="session")
def pages_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/pages_dist + the project's ontology + a VoID file (see tests/pages_fixture.py)."""
    from pages_fixture import make_pages_dist

    return make_pages_dist(tmp_path_factory.mktemp("pages") / "dist")


@pytest.fixture(scope="session")
def pages_server(pages_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`ecograph serve` over pages_dist on a free 127.0.0.1 port; yields the base URL."""
    log = tmp_path_factory.mktemp("pages-server") / "server.log"
    with running_server(pages_dist, log) as url:
        yield url
