"""/dumps/: every dump of the build (from dist/void.ttl) with its format, media type, size and SHA-256, as a page
or, by Accept, as JSON (`{"dumps": [{"name", "url", "title", "format", "media_type", "size", "sha256"}]}`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..endpoint import conneg
from .landing import Download, downloads
from .pages import Pages

OFFERED = (conneg.HTML, conneg.JSON)


def dumps_page(pages: Pages) -> Callable[[Request], Awaitable[Response]]:
    """The handler of /dumps/ for the site of `pages`."""

    async def listing(request: Request) -> Response:
        hint = request.query_params.get("format") or request.query_params.get("_format")
        decision = conneg.negotiate(request.headers.get("accept"), OFFERED, hint)
        if decision.media_type is None:
            return pages.not_acceptable(request, OFFERED)
        files: list[Download] = await pages.cached("dumps", lambda: _downloads(pages))
        headers = {"Vary": "Accept"}
        if decision.media_type == conneg.JSON:
            return JSONResponse({"dumps": [d.as_json() for d in files]}, headers=headers)
        return pages.render("dumps.html", headers=headers, active="/dumps/", files=files)

    return listing


async def _downloads(pages: Pages) -> list[Download]:
    return await asyncio.to_thread(downloads, pages.dist, pages.site.base, pages.linker)
