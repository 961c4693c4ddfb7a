"""Downloads: every file in dist/ at /dumps/<file> (the URL void.ttl gives), and /.well-known/void."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ..model import QueryRejected
from ..site import Site
from .formats import GRAPH_FORMATS, NotAcceptable, negotiate

MEDIA_TYPES = {  # longest suffix first
    ".nt.gz": "application/gzip",
    ".ttl": "text/turtle; charset=utf-8",
    ".trig": "application/trig",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".rq": "application/sparql-query",
    ".gz": "application/gzip",
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
}
CACHE = "public, max-age=300"


async def dump(request: Request) -> Response:
    site: Site = request.app.state.site
    target = dist_file(site.dist, request.path_params["path"])
    if target is None:
        raise HTTPException(404)
    stat = target.stat()
    etag = _etag(str(target), stat.st_mtime_ns, stat.st_size)
    if etag in _tags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": CACHE})
    return FileResponse(
        target, media_type=media_type(target.name), stat_result=stat, headers={"ETag": etag, "Cache-Control": CACHE}
    )


async def void(request: Request) -> Response:
    """dist/void.ttl as Turtle, JSON-LD, N-Triples or RDF/XML."""
    site: Site = request.app.state.site
    path = site.dist / "void.ttl"
    if not path.is_file():
        raise HTTPException(404)
    try:
        fmt = negotiate(request.headers.get("accept"), GRAPH_FORMATS)
    except NotAcceptable as error:
        raise QueryRejected(str(error), 406) from None
    body = path.read_bytes() if fmt.name == "turtle" else _convert(path, path.stat().st_mtime_ns, fmt.name)
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept", "Cache-Control": CACHE})


def dist_file(dist: Path, relative: str) -> Path | None:
    """The file `relative` names inside dist/, or None for anything else (.., absolute, hidden, folders)."""
    parts = relative.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") or "\\" in part or "\0" in part for part in parts):
        return None
    root = dist.resolve()
    try:
        target = root.joinpath(*parts).resolve()
        return target if target.is_relative_to(root) and target.is_file() else None
    except OSError:  # e.g. a name longer than the file system allows: no such file
        return None


def media_type(name: str) -> str:
    for suffix, media in MEDIA_TYPES.items():
        if name.endswith(suffix):
            return media
    return "application/octet-stream"


def _tags(header: str | None) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in (header or "").split(",") if tag.strip()}


@lru_cache(maxsize=1024)
def _etag(path: str, mtime_ns: int, size: int) -> str:
    """A strong ETag from the content (so identical rebuilds keep their tags); cached per file version."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return f'"{digest.hexdigest()[:32]}"'


@lru_cache(maxsize=16)
def _convert(path: Path, mtime_ns: int, format_name: str) -> bytes:
    fmt = next(f for f in GRAPH_FORMATS if f.name == format_name)
    triples = [quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    return ox.serialize(triples, format=fmt.rdf) or b""
