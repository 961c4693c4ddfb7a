"""The web process's HTTP protocol: uvicorn's httptools protocol with a time limit on receiving a request.

uvicorn closes a keep-alive connection that stays idle, but any byte counts as activity: a client that sends its
headers (or its body) a byte at a time holds its connection, and a file descriptor, as long as it likes, and a
few hundred such clients exhaust the server. Here a request, headers and body, must have arrived within
`client_timeout` seconds of the connection opening (first request) or of the request's first byte (later
requests on a kept-alive connection); otherwise the connection is closed. The time the server takes to answer
does not count.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class ClientTimeoutProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that closes connections whose request takes longer than `client_timeout` to arrive."""

    client_timeout: float = 10.0
    _request_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_request_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._request_timer is None:
            self._start_request_timer()

    def on_message_complete(self) -> None:
        self._stop_request_timer()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_request_timer()
        super().connection_lost(exc)

    def _start_request_timer(self) -> None:
        self._request_timer = self.loop.call_later(self.client_timeout, self._request_too_slow)

    def _stop_request_timer(self) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def _request_too_slow(self) -> None:
        self._request_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def with_client_timeout(seconds: float) -> type[ClientTimeoutProtocol]:
    """The protocol class to give uvicorn (`Config(http=...)`), with requests due within `seconds`."""
    return type("ClientTimeoutProtocol", (ClientTimeoutProtocol,), {"client_timeout": seconds})
