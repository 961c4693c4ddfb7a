"""A replay cache for resource descriptions: the server's data does not change while it runs, so an answer to
`GET /id/…` is the same bytes for the same request. The first answer for a request key (path, query string,
Accept, Accept-Language (pages come in English or Dutch), whether an Origin was sent) goes through the whole
app (negotiation, the worker's description, the site headers, CORS) and is kept; the same request again is
answered with those bytes at once, without the routing, middleware and worker round trip.

Only whole 200 answers of GET to /id/… are kept, up to REPLAY_CACHE_BYTES in all (least recently used out
first). Requests with validators (If-None-Match) or other methods always go through the app.
"""

from __future__ import annotations

import contextlib

from cachetools import LRUCache
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REPLAY_CACHE_BYTES = 64 << 20
MAX_ENTRY_BYTES = 1 << 20
PREFIXES = ("/id/",)

_Key = tuple[str, bytes, bytes, bytes, bool]
_Entry = tuple[list[tuple[bytes, bytes]], bytes]


class ReplayCache:
    """ASGI middleware replaying the answers to repeated GET /id/… requests (see the module's doc)."""

    def __init__(self, app: ASGIApp, limit: int = REPLAY_CACHE_BYTES) -> None:
        self.app = app
        self.entries: LRUCache[_Key, _Entry] = LRUCache(limit, getsizeof=lambda entry: len(entry[1]) + 512)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(PREFIXES):
            await self.app(scope, receive, send)
            return
        accept, language, origin = b"", b"", False
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value
            elif name == b"accept-language":
                language = value
            elif name == b"origin":
                origin = True
            elif name == b"if-none-match":
                await self.app(scope, receive, send)
                return
        key = (scope["path"], scope.get("query_string", b""), accept, language, origin)
        entry = self.entries.get(key)
        if entry is not None:
            await send({"type": "http.response.start", "status": 200, "headers": entry[0]})
            await send({"type": "http.response.body", "body": entry[1]})
            return
        start: list[Message] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.append(message)
            elif (
                message["type"] == "http.response.body"
                and start
                and start[0]["status"] == 200
                and not message.get("more_body", False)
                and len(message.get("body", b"")) <= MAX_ENTRY_BYTES
            ):
                self._store(key, (list(start[0].get("headers", [])), message.get("body", b"")))
            await send(message)

        await self.app(scope, receive, keep)

    def _store(self, key: _Key, entry: _Entry) -> None:
        if key not in self.entries:
            with contextlib.suppress(ValueError):  # larger than the whole cache: not kept
                self.entries[key] = entry
