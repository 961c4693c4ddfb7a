"""The access log: one line per request, `METHOD PATH STATUS MILLISECONDS ms`, written when the answer is done.

A query string is kept up to MAX_QUERY characters (a SPARQL query in a URL can be 16 KB; the log shows its
start and says how much was left out), and every control or non-printable character is written as an escape
(\\n, \\x1b, \\u2028), so a request cannot forge log lines or drive the terminal that shows the log.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("ecograph.serve.access")
MAX_QUERY = 200  # characters of a query string kept in the log


class AccessLog:
    """ASGI middleware that logs every HTTP request once it has been answered (or has failed)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers when the app fails before it starts its answer

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            milliseconds = (time.perf_counter() - started) * 1000
            log.info("%s %s %d %.1f ms", _escaped(scope["method"]), _target(scope), status, milliseconds)


def _target(scope: Scope) -> str:
    """The path and (the start of) the query string, escaped."""
    query = scope.get("query_string", b"").decode("latin-1")
    if len(query) > MAX_QUERY:
        query = f"{query[:MAX_QUERY]}…(+{len(query) - MAX_QUERY} characters)"
    return _escaped(scope["path"] + (f"?{query}" if query else ""))


def _escaped(text: str) -> str:
    """`text` with every character that is not printable (controls, line and paragraph separators) escaped."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
