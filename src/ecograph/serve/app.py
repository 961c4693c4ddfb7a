"""The web application: the endpoint's routes (/sparql, /dumps/, /.well-known/void) plus the pages; every route
of the app is listed here or in pages.routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route

from .endpoint import files, sparql
from .engine.admission import ClientIdentity
from .errors import HANDLERS
from .headers import SiteHeaders
from .pages.dumps import dumps_page
from .pages.pages import Pages
from .pages.pages import routes as page_routes
from .replay import ReplayCache
from .site import Site

EXPOSED_HEADERS = ["X-Ecograph-Truncated", "X-Ecograph-Limit", "ETag", "Content-Length", "Link"]


def create_app(site: Site) -> Starlette:
    """The Starlette app; its lifespan starts and stops the site's query workers."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await site.engine.start()
        try:
            yield
        finally:
            await site.engine.stop()

    pages = Pages(site)
    routes = [
        Route("/sparql", sparql.endpoint, methods=["GET", "POST"]),
        Route("/dumps/", dumps_page(pages), methods=["GET"], name="dumps"),
        Route("/dumps/{path:path}", files.dump, methods=["GET"]),
        Route("/.well-known/void", files.void, methods=["GET"]),
        *page_routes(site, pages),
    ]
    cors = Middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=EXPOSED_HEADERS,
        max_age=86400,
    )
    headers = Middleware(SiteHeaders, routes=routes)
    app = Starlette(
        routes=routes,
        middleware=[Middleware(ClientIdentity), Middleware(ReplayCache), cors, headers],
        exception_handlers=HANDLERS,
        lifespan=lifespan,
    )
    app.state.site = site
    app.state.error_page = pages.error_page  # errors for browsers are pages (errors.py)
    return app
