"""The bounded description of an entity (worker.describe): its own triples, the claims about its own facts,
and its incoming links, a page at a time; and the replay cache in front of GET /id/…."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from ecograph.serve.engine.worker import DescribeJob, describe
from ecograph.serve.replay import ReplayCache

BASE = "https://w3id.org/ecograph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
HUB = ox.NamedNode(f"{BASE}id/organisation/hub")
MEMBER_OF = ox.NamedNode(f"{BASE}def#memberOf")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
QUOTE = ox.NamedNode(f"{BASE}def#quote")


def _store(members: int, claims: int) -> ox.Store:
    """A hub with `members` incoming memberOf links, `claims` claims about its label, and a claim about each
    membership (rdf:object = the hub), in the default graph as the query store holds it."""
    store = ox.Store()
    quads = [ox.Quad(HUB, LABEL, ox.Literal("Hub", language="en"))]
    for i in range(members):
        member = ox.NamedNode(f"{BASE}id/organisation/m{i:04d}")
        claim = ox.NamedNode(f"{BASE}id/claim/in{i:04d}")
        quads += [
            ox.Quad(member, MEMBER_OF, HUB),
            ox.Quad(claim, ox.NamedNode(RDF + "subject"), member),
            ox.Quad(claim, ox.NamedNode(RDF + "object"), HUB),
        ]
    for i in range(claims):
        claim = ox.NamedNode(f"{BASE}id/claim/own{i:04d}")
        quads += [
            ox.Quad(claim, ox.NamedNode(RDF + "subject"), HUB),
            ox.Quad(claim, ox.NamedNode(RDF + "predicate"), LABEL),
            ox.Quad(claim, QUOTE, ox.Literal(f"quote {i}")),
        ]
    store.extend(quads)
    return store


def test_a_popular_entity_is_described_a_page_at_a_time() -> None:
    store = _store(members=250, claims=130)
    first = describe(store, DescribeJob(HUB.value, 1, 100))
    assert first.found and first.more
    members = [t.subject.value for t in first.triples if t.predicate == MEMBER_OF]
    assert len(members) == 100
    # a stable order (the store index's own, not sorted): the same pages again, and from the same data reloaded
    assert describe(store, DescribeJob(HUB.value, 1, 100)) == first
    assert describe(_store(members=250, claims=130), DescribeJob(HUB.value, 2, 100)) == describe(
        store, DescribeJob(HUB.value, 2, 100)
    )
    own_claims = {t.subject for t in first.triples if t.predicate == QUOTE}
    assert len(own_claims) == 100
    assert ox.Triple(HUB, LABEL, ox.Literal("Hub", language="en")) in first.triples
    # claims about other resources' facts that only point at the hub (rdf:object) are not part of it
    assert not any(t.subject.value.startswith(f"{BASE}id/claim/in") for t in first.triples)
    pages = [describe(store, DescribeJob(HUB.value, page, 100)) for page in (2, 3, 4)]
    assert [p.more for p in pages] == [True, False, False]
    assert pages[2].triples == [] and not pages[2].found
    every = members + [t.subject.value for p in pages for t in p.triples if t.predicate == MEMBER_OF]
    assert len(every) == len(set(every)) == 250
    claims = own_claims | {t.subject for p in pages for t in p.triples if t.predicate == QUOTE}
    assert len(claims) == 130
    assert not any(t.subject == HUB for p in pages for t in p.triples)  # own triples on page 1 only


def test_pages_end_exactly_and_are_stable_in_an_on_disk_store(tmp_path) -> None:  # type: ignore[no-untyped-def]
    disk = ox.Store(str(tmp_path / "store"))
    disk.extend(_store(members=200, claims=100))
    disk.flush()
    pages = [describe(disk, DescribeJob(HUB.value, page, 100)) for page in (1, 2, 3)]
    assert [p.more for p in pages] == [True, False, False]  # 200 links: two full pages, no third
    linked = [t.subject for p in pages for t in p.triples if t.predicate == MEMBER_OF]
    assert len(linked) == len(set(linked)) == 200
    del disk
    again = ox.Store.read_only(str(tmp_path / "store"))
    assert [describe(again, DescribeJob(HUB.value, page, 100)) for page in (1, 2, 3)] == pages


def test_an_unknown_or_claim_only_iri() -> None:
    store = _store(members=1, claims=0)
    assert not describe(store, DescribeJob(f"{BASE}id/organisation/nobody")).found
    assert describe(store, DescribeJob(f"{BASE}id/organisation/m0000")).found


def test_pages_over_http(http_pages: httpx.Client) -> None:
    ok = http_pages.get("/id/organisation/micronit", headers={"Accept": "text/turtle"})
    assert ok.status_code == 200 and 'rel="next"' not in ok.headers["link"]
    assert http_pages.get("/id/organisation/micronit?page=2", headers={"Accept": "text/turtle"}).status_code == 404
    for bad in ("0", "x", "-1", "9" * 5000):
        assert (
            http_pages.get(f"/id/organisation/micronit?page={bad}", headers={"Accept": "text/turtle"}).status_code
            == 404
        )


def test_replayed_answers_are_the_same(http_pages: httpx.Client) -> None:
    first, again = (http_pages.get("/id/organisation/micronit", headers={"Accept": "text/turtle"}) for _ in range(2))
    assert first.content == again.content and first.headers == again.headers
    cors = http_pages.get("/id/organisation/micronit", headers={"Accept": "text/turtle", "Origin": "http://x.test"})
    assert cors.headers["access-control-allow-origin"] == "*" and cors.content == first.content
    etag = first.headers["etag"]
    assert (
        http_pages.get(
            "/id/organisation/micronit", headers={"Accept": "text/turtle", "If-None-Match": etag}
        ).status_code
        == 304
    )


def test_the_replay_cache_keeps_only_whole_200_answers_within_its_limit() -> None:
    calls: list[str] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        calls.append(scope["path"])
        status = 404 if scope["path"].endswith("missing") else 200
        await send({"type": "http.response.start", "status": status, "headers": [(b"x", b"1")]})
        await send({"type": "http.response.body", "body": b"y" * 600})

    cache = ReplayCache(app, limit=2500)

    async def get(path: str) -> list[dict]:
        sent: list[dict] = []

        async def send(message: dict) -> None:
            sent.append(message)

        await cache({"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": []}, None, send)  # type: ignore[arg-type]
        return sent

    async def scenario() -> None:
        for path in ("/id/a", "/id/a", "/id/missing", "/id/missing", "/id/b", "/id/c", "/id/a"):
            assert (await get(path))[1]["body"] == b"y" * 600
        assert calls == ["/id/a", "/id/missing", "/id/missing", "/id/b", "/id/c", "/id/a"]  # a was dropped

    asyncio.run(scenario())


@pytest.fixture(scope="module")
def http_pages(pages_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=pages_server, timeout=30) as client:
        yield client
