"""Headers every answer carries: security headers, validators for caching, and OPTIONS on every route.

- Every answer: `X-Content-Type-Options: nosniff` and a `Referrer-Policy`; HTML pages also a
  `Content-Security-Policy` that allows nothing from other origins (the pages, YASGUI and the pyLODE
  documentation load only from this server) and no framing.
- A GET answer of the pages and APIs (200, whole body at once, no validator of its own) gets a strong `ETag`
  from its bytes and a `Cache-Control`; `If-None-Match` with that tag answers 304. Dumps, static files and
  vendor files set their own; /sparql answers are not cached.
- OPTIONS on any route answers 204 with its `Allow` (CORS preflights are answered before, by CORSMiddleware).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # YASGUI and pyLODE set style attributes
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}
CACHE = "public, max-age=300"
UNCACHED_PATHS = ("/sparql",)
METHOD_ORDER = ("GET", "POST", "HEAD", "OPTIONS")


class SiteHeaders:
    """ASGI middleware adding the headers above; `routes` are the app's routes (for OPTIONS)."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            allow = self._allow(scope)
            if allow is not None:
                await _send_empty(send, 204, [(b"allow", allow.encode()), *_security(html=False)])
                return
        cacheable = scope["method"] in ("GET", "HEAD") and scope["path"] not in UNCACHED_PATHS
        request_tags = Headers(scope=scope).get("if-none-match", "")
        start: Message | None = None

        async def send_with_headers(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                html = headers.get("content-type", "").startswith("text/html")
                for name, value in _security(html):
                    headers.setdefault(name.decode(), value.decode())
                if not (cacheable and message["status"] == 200 and "etag" not in headers):
                    await send(message)
                    return
                start = message  # held until the body shows whether it comes whole
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            held, start = start, None
            body = message.get("body", b"")
            if message.get("more_body", False) or not body:
                await send(held)
                await send(message)
                return
            headers = MutableHeaders(scope=held)
            etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
            headers["ETag"] = etag
            headers.setdefault("Cache-Control", CACHE)
            if etag in {tag.strip().removeprefix("W/") for tag in request_tags.split(",")}:
                kept = [(k, v) for k, v in headers.raw if k not in (b"content-length", b"content-type")]
                await _send_empty(send, 304, kept)
                return
            await send(held)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _allow(self, scope: Scope) -> str | None:
        """The methods of the route `scope` asks for, or None when no route matches (then: 404)."""
        for route in self.routes:
            match, _ = route.matches(scope)
            if match == Match.NONE:
                continue
            methods = set(route.methods or ()) if isinstance(route, Route) else set()
            if isinstance(route, Mount) or not methods:
                methods = {"GET", "HEAD"}
            return ", ".join(m for m in METHOD_ORDER if m in methods | {"OPTIONS"})
        return None


def _security(html: bool) -> list[tuple[bytes, bytes]]:
    headers = [(name.lower().encode(), value.encode()) for name, value in SECURITY.items()]
    if html:
        headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
    return headers


async def _send_empty(send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
