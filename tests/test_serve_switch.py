"""A running server follows `ecograph build`: once a new build is loaded, every route answers from it (the
endpoint, the pages, the landing page's checksums, the dumps); a request under way finishes on the build it began
on; no answer mixes two builds; a build that cannot be loaded is logged and the old one kept."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import running_server
from test_mapping_errors import write_one_article_project

from ecograph.build.dumps import build_dist
from ecograph.project import Project

ECO = "https://w3id.org/ecograph/def#"
AMOUNT_QUERY = f"SELECT ?amount WHERE {{ ?funding <{ECO}amount> ?amount }}"
FUNDING = "/id/funding/twente-board-micronit.ttl"
SWITCH_WAIT = 60.0  # seconds a server may take to load a new build (a store, a zygote and its workers)


class Served:
    """A one-article project whose build A (€2 million) is served; build_b() publishes €3 million instead."""

    def __init__(self, project: Project, url: str, log: Path) -> None:
        self.project, self.url, self.log = project, url, log
        self.client = httpx.Client(base_url=url, timeout=60)
        self.build_a = os.readlink(project.default_dist)

    def build_b(self) -> str:
        for name in ("seeds/100_test.txt", "mappings/100_test.yaml"):
            path = self.project.root / name
            text = path.read_text(encoding="utf-8").replace("€2 million", "€3 million")
            path.write_text(text.replace("amount: 2000000", "amount: 3000000"), encoding="utf-8")
        build_dist(self.project, self.project.default_dist)
        return os.readlink(self.project.default_dist)

    def wait_for(self, build: str) -> None:
        """Until the server answers from `build` (it loads a new build in the background)."""
        deadline = time.monotonic() + SWITCH_WAIT
        while self.client.get("/sparql", params={"query": "ASK {}"}).headers["x-ecograph-build"] != build:
            assert time.monotonic() < deadline, f"the server did not switch to {build}:\n{self.log.read_text()}"
            time.sleep(0.1)

    def amount(self) -> tuple[str, str]:
        """The amount /sparql answers, and the build that answered."""
        answer = self.client.get("/sparql", params={"query": AMOUNT_QUERY}, headers={"Accept": "application/json"})
        [row] = answer.json()["results"]["bindings"]
        return row["amount"]["value"], answer.headers["x-ecograph-build"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    project = Project.open(write_one_article_project(tmp_path / "project"))
    build_dist(project, project.default_dist)
    log = tmp_path / "server.log"
    options = ("--workers", "1", "--fast-workers", "1", "--client-timeout", "300")
    with running_server(project.default_dist, log, *options) as url:
        yield Served(project, url, log)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def landing_checksums(html: str) -> dict[str, str]:
    """The landing page's download table: file link -> the SHA-256 it shows."""
    rows = re.findall(r'<a href="(/dumps/[^"]+)"[^>]*>[^<]*</a>.*?<code>([0-9a-f]{64})</code>', html, re.DOTALL)
    assert rows, "the landing page lists no downloads with checksums"
    return dict(rows)


def test_after_a_rebuild_every_route_answers_from_the_new_build(served: Served) -> None:
    assert served.amount() == ("2000000", served.build_a)
    build_b = served.build_b()
    served.wait_for(build_b)
    assert served.amount() == ("3000000", build_b)
    assert '"3000000"' in served.client.get(FUNDING).text
    assert '"3000000"' in served.client.get("/dumps/ecograph.ttl").text
    landing = served.client.get("/")
    assert landing.headers["x-ecograph-build"] == build_b
    for href, checksum in landing_checksums(landing.text).items():
        assert sha256(served.client.get(href).content) == checksum, href


def test_a_request_begun_before_the_switch_is_answered_from_the_old_build(served: Served) -> None:
    body = urllib.parse.urlencode({"query": AMOUNT_QUERY}).encode()
    host, port = urllib.parse.urlsplit(served.url).netloc.split(":")
    with socket.create_connection((host, int(port))) as begun:
        begun.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[:10]
        )
        time.sleep(0.5)  # the server has begun the request: its build is chosen
        build_b = served.build_b()
        served.wait_for(build_b)
        begun.sendall(body[10:])
        answer = b"".join(iter(lambda: begun.recv(65536), b""))
    assert f"x-ecograph-build: {served.build_a}".encode() in answer
    assert b'"value":"2000000"' in answer
    assert served.amount() == ("3000000", build_b)


def test_no_answer_mixes_two_builds_during_a_switch(served: Served) -> None:
    folders = served.project.root
    seen: list[tuple[str, str, bytes]] = []  # (path, build, body)
    stop = threading.Event()

    def ask_again_and_again() -> None:
        with httpx.Client(base_url=served.url, timeout=60) as client:
            while not stop.is_set():
                for path in ("/", "/dumps/ecograph.ttl", "/sparql?query=" + urllib.parse.quote(AMOUNT_QUERY)):
                    answer = client.get(path, headers={"Accept": "text/html, application/json;q=0.9, */*;q=0.8"})
                    seen.append((path, answer.headers["x-ecograph-build"], answer.content))

    asking = [threading.Thread(target=ask_again_and_again) for _ in range(3)]
    for thread in asking:
        thread.start()
    try:
        build_b = served.build_b()
        served.wait_for(build_b)
        time.sleep(1)
    finally:
        stop.set()
        for thread in asking:
            thread.join()
    amounts = {served.build_a: b'"2000000"', build_b: b'"3000000"'}
    assert {build for _, build, _ in seen} == {served.build_a, build_b}
    for path, build, body in seen:
        if path == "/":
            for href, checksum in landing_checksums(body.decode()).items():
                assert sha256((folders / build / href.removeprefix("/dumps/")).read_bytes()) == checksum
        elif path.startswith("/dumps/"):
            assert sha256(body) == sha256((folders / build / "ecograph.ttl").read_bytes())
        else:
            assert amounts[build] in body, (build, body)


def test_a_build_that_cannot_be_loaded_is_logged_and_the_old_one_served(served: Served) -> None:
    root = served.project.root
    broken = root / ".dist.build-broken"  # build A with a damaged TriG, published as builds publish
    broken.mkdir()
    for each in (root / served.build_a).iterdir():
        if each.is_file():
            (broken / each.name).write_bytes(each.read_bytes())
    with (broken / "ecograph.trig").open("a", encoding="utf-8") as trig:
        trig.write("this is not TriG <\n")
    os.symlink(broken.name, root / ".dist.link-broken")
    os.replace(root / ".dist.link-broken", root / "dist")
    deadline = time.monotonic() + SWITCH_WAIT
    while "could not be loaded" not in served.log.read_text():
        assert time.monotonic() < deadline, served.log.read_text()
        assert served.amount() == ("2000000", served.build_a)
        time.sleep(0.1)
    assert served.amount() == ("2000000", served.build_a)
    assert f"the new build {broken} could not be loaded" in served.log.read_text()
    assert "ecograph.trig" in served.log.read_text()
