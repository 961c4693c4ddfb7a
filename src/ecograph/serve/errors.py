"""One error responder for every route: an error becomes a response by Accept — the JSON shape
`{"ok": false, "status": N, "error": "..."}`, an HTML page in the site's style for a client that accepts HTML
(the app's `state.error_page`, see app.py), or text — and a 503 always says when to come back (Retry-After)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from ..errors import EcographError
from .endpoint import conneg

log = logging.getLogger(__name__)
RETRY_AFTER = 5  # seconds, for a 503 whose error does not say

#: Renders an HTML error page: (status, message, headers) -> response.
ErrorPage = Callable[[int, str, dict[str, str]], Response]


def error_response(
    request: Request,
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
    *,
    offered: tuple[str, ...] = (conneg.JSON,),
    chosen: str | None = None,
    page: ErrorPage | None = None,
) -> Response:
    """The error in the representation the client accepts best: of `offered` (JSON types give the JSON shape;
    the first is the default), then an HTML page (rendered by `page`, else by the app's error page), then text;
    when the client accepts none of them, the first of `offered`, else text. When a representation was
    negotiated already (`chosen`, not among `offered`), an HTML page only if that was HTML, else text."""
    headers = {"Vary": "Accept", **(headers or {})}
    page = page or getattr(getattr(request.scope.get("app"), "state", None), "error_page", None)
    if status == 503:
        headers.setdefault("Retry-After", str(RETRY_AFTER))
    order = (*offered, conneg.HTML, conneg.TEXT) if page else (*offered, conneg.TEXT)
    choice = conneg.negotiate(request.headers.get("accept"), order).media_type or (offered + (conneg.TEXT,))[0]
    if chosen is not None and chosen not in offered:
        choice = conneg.HTML if chosen == conneg.HTML else conneg.TEXT
    if choice == conneg.HTML and page is not None:
        return page(status, message, headers)
    if choice in (conneg.JSON, conneg.SPARQL_JSON):
        return JSONResponse({"ok": False, "status": status, "error": message}, status, headers=headers)
    return Response(
        f"{status} {HTTPStatus(status).phrase}: {message}\n",
        status,
        media_type="text/plain; charset=utf-8",
        headers=headers,
    )


def error_for(
    request: Request, error: Exception, *, offered: tuple[str, ...] = (conneg.JSON,), page: ErrorPage | None = None
) -> Response:
    """A library error (query rejected or timed out, engine busy, ...) by error_response, with the status it
    carries (else 500) and, on a 503, the Retry-After it asks for."""
    status = getattr(error, "status", 500)
    status = status if isinstance(status, int) else 500
    retry_after = getattr(error, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if status == 503 and retry_after is not None else None
    return error_response(request, status, str(error), headers, offered=offered, page=page)


async def on_http_exception(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    message = error.detail
    if error.status_code == 404:
        message = (
            f"Not found: {request.url.path}. The start page / lists what this server offers: /sparql, "
            "/dumps/ (the files void.ttl lists), /def, /api/queries, /search."
        )
    elif error.status_code == 405:
        message = (
            f"{request.method} is not allowed on {request.url.path}: this server is read-only "
            f"(allowed: {(error.headers or {}).get('Allow', 'GET')})."
        )
    return error_response(request, error.status_code, message, dict(error.headers or {}))


async def on_ecograph_error(request: Request, error: Exception) -> Response:
    return error_for(request, error)


async def on_unexpected(request: Request, error: Exception) -> Response:
    log.error("%s %s failed", request.method, request.url.path, exc_info=error)
    return error_response(request, 500, f"Internal error: {type(error).__name__}. It was logged.")


async def on_client_gone(request: Request, error: Exception) -> Response:
    """The client hung up while sending its request body: nobody reads an answer, and nothing went wrong here."""
    return Response(status_code=499)


HANDLERS = {
    HTTPException: on_http_exception,
    EcographError: on_ecograph_error,
    ClientDisconnect: on_client_gone,
    Exception: on_unexpected,
}
