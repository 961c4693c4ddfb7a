"""One error shape for every route: `{"ok": false, "status": N, "error": "..."}`, or text when preferred."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..errors import EcographError
from .conneg import prefers

log = logging.getLogger(__name__)

def error_response(request: Request, status: int, message: str,
                   headers: dict[str, str] | None = None) -> Response:
    """The error as JSON, or as text/plain when the client prefers text over JSON."""
    if prefers(request.headers.get("accept"), "text/plain", "application/json"):
        return PlainTextResponse(f"{message}\n", status, headers=headers)
    return JSONResponse({"ok": False, "status": status, "error": message}, status, headers=headers)


async def on_http_exception(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    message = error.detail
    if error.status_code == 404:
        message = (f"Not found: {request.url.path}. The start page / lists what this server offers: /sparql, "
                   "/dumps/ (the files void.ttl lists), /def, /api/queries, /search.")
    elif error.status_code == 405:
        message = (f"{request.method} is not allowed on {request.url.path}: this server is read-only "
                   f"(allowed: {(error.headers or {}).get('Allow', 'GET')}).")
    return error_response(request, error.status_code, message, dict(error.headers or {}))


async def on_ecograph_error(request: Request, error: Exception) -> Response:
    status = getattr(error, "status", 500)
    headers = {"Retry-After": str(getattr(error, "retry_after", 5))} if status == 503 else None
    return error_response(request, status, str(error), headers)


async def on_unexpected(request: Request, error: Exception) -> Response:
    log.error("%s %s failed", request.method, request.url.path, exc_info=error)
    return error_response(request, 500, f"Internal error: {type(error).__name__}. It was logged.")


async def on_client_gone(request: Request, error: Exception) -> Response:
    """The client hung up while sending its request body: nobody reads an answer, and nothing went wrong here."""
    return Response(status_code=499)


HANDLERS = {HTTPException: on_http_exception, EcographError: on_ecograph_error, ClientDisconnect: on_client_gone,
            Exception: on_unexpected}
