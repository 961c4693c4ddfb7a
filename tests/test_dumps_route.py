"""Downloads: every file of dist/ at the URL void.ttl gives it, with media types, ETags and lengths; path
traversal refused; the VoID description at /.well-known/void by content negotiation; dist/ left untouched.
The app is called in-process, except where the real server is the point: raw paths that an HTTP client would
normalise, and the files a running server leaves."""

from __future__ import annotations

import hashlib
import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import rdflib
from rdflib.compare import isomorphic
from starlette.testclient import TestClient

from ecograph.serve.app import create_app
from ecograph.serve.site import Site
from ecograph.store import store_source

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
MEDIA = {
    ".ttl": "text/turtle",
    ".trig": "application/trig",
    ".gz": "application/gzip",
    ".jsonld": "application/ld+json",
    ".rq": "application/sparql-query",
}


@pytest.fixture(scope="module")
def app(live_dist: Path) -> Iterator[httpx.Client]:
    """The app over live_dist, called in-process; its lifespan starts and stops the query workers."""
    with TestClient(create_app(Site.open(live_dist)), base_url="http://127.0.0.1:8080") as client:
        yield client


def void_graph(dist: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(dist / "void.ttl", format="turtle")
    return graph


def dist_files(dist: Path) -> list[str]:
    return sorted(str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file())


def test_every_download_url_in_void_is_served(app: httpx.Client, live_dist: Path) -> None:
    graph = void_graph(live_dist)
    urls = {str(url) for url in graph.objects(None, DCAT.downloadURL)}
    assert urls
    for url in urls:
        name = url.split("/dumps/", 1)[1]
        response = app.get(f"/dumps/{name}")
        assert response.status_code == 200, url
        assert response.content == (live_dist / name).read_bytes()


@pytest.mark.parametrize("suffix", sorted(MEDIA))
def test_media_types(app: httpx.Client, live_dist: Path, suffix: str) -> None:
    names = [name for name in dist_files(live_dist) if name.endswith(suffix)]
    if not names:
        pytest.skip(f"this dist has no {suffix} file")
    response = app.head(f"/dumps/{names[0]}")
    assert response.headers["content-type"].split(";")[0] == MEDIA[suffix]


def test_every_file_in_dist_is_downloadable_with_length_and_etag(app: httpx.Client, live_dist: Path) -> None:
    for name in dist_files(live_dist):
        response = app.get(f"/dumps/{name}")
        assert response.status_code == 200, name
        assert int(response.headers["content-length"]) == (live_dist / name).stat().st_size
        assert response.headers["etag"].startswith('"')


def test_etag_revalidation(app: httpx.Client) -> None:
    first = app.get("/dumps/ecograph.trig")
    again = app.get("/dumps/ecograph.trig", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    changed = app.get("/dumps/ecograph.trig", headers={"If-None-Match": '"other"'})
    assert changed.status_code == 200


def test_range_requests(app: httpx.Client, live_dist: Path) -> None:
    response = app.get("/dumps/ecograph.trig", headers={"Range": "bytes=0-9"})
    assert response.status_code == 206
    assert response.content == (live_dist / "ecograph.trig").read_bytes()[:10]


def raw_get(url: str, path: str) -> int:
    """GET `path` byte for byte (HTTP clients would normalise the dots away)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/../../etc/passwd",
        "/dumps/../../../../../../etc/passwd",
        "/dumps/%2e%2e/%2e%2e/etc/passwd",
        "/dumps/..%2f..%2fetc%2fpasswd",
        "/dumps/%2fetc%2fpasswd",
        "/dumps//etc/passwd",
        "/dumps/articles/../../x",
        "/dumps/..\\..\\etc\\passwd",
        "/dumps/./void.ttl",
        "/dumps/.ecograph-cache",
        "/dumps/../.ecograph-cache",
        "/dumps/articles",
        "/dumps/%00void.ttl",
    ],
)
def test_path_traversal_is_404(live_server: str, path: str) -> None:
    assert raw_get(live_server, path) == 404


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_well_known_void(
    app: httpx.Client, live_dist: Path, accept: str | None, media_type: str, rdflib_format: str
) -> None:
    response = app.get("/.well-known/void", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    graph = rdflib.Graph()
    graph.parse(data=response.content, format=rdflib_format)
    assert isomorphic(graph, void_graph(live_dist))


def test_well_known_void_406(app: httpx.Client) -> None:
    response = app.get("/.well-known/void", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_serving_leaves_dist_untouched(app: httpx.Client, live_dist: Path, session_cache_dir: Path) -> None:
    """The on-disk query store is kept in the cache folder, never in dist/; the files keep their checksums."""
    store = store_source(live_dist, "disk").path
    assert store.parent == session_cache_dir
    assert not any(part.startswith(".") for name in dist_files(live_dist) for part in Path(name).parts)
    graph = void_graph(live_dist)
    for distribution, url in graph.subject_objects(DCAT.downloadURL):
        for checksum in graph.objects(distribution, SPDX.checksum):
            expected = str(graph.value(checksum, SPDX.checksumValue))
            name = str(url).split("/dumps/", 1)[1]
            assert hashlib.sha256((live_dist / name).read_bytes()).hexdigest() == expected, name
