"""Fair admission to the query workers: who is asking, what their queries cost, and who is served next.

`ClientIdentity` (ASGI middleware) records the client of each request in `CURRENT_CLIENT`: its address (the
peer's IP, or the forwarded address when the server trusts the proxy in front of it, see `--forwarded-allow-ips`)
and its connection (the peer's port). The engine reads it when a query asks for a worker.

`FairQueue` holds the queries waiting for a worker in one lane and hands workers out round-robin: over client
addresses first, then over the connections of each address, first come first served on each connection. So a
client that sends many queries waits behind its own queries, not in front of everybody else's.

`Costs` remembers how long recent queries took, per query (text, dataset and bindings), so the engine can send
a query known to be slow straight to the lane for slow queries.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import Hashable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from cachetools import LRUCache
from starlette.types import ASGIApp, Receive, Scope, Send

W = TypeVar("W")


@dataclass(frozen=True)
class Client:
    """Who sent a request: `address` (IP address, or the forwarded one behind a trusted proxy) and
    `connection` (the client's port, which tells its connections apart; 0 when unknown)."""

    address: str
    connection: int = 0


LOCAL = Client("local")
CURRENT_CLIENT: ContextVar[Client] = ContextVar("ecograph_client", default=LOCAL)


class ClientIdentity:
    """ASGI middleware: sets CURRENT_CLIENT for the request's handling (tasks started from it inherit it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        peer = scope.get("client") if scope["type"] == "http" else None
        if not peer:
            await self.app(scope, receive, send)
            return
        token = CURRENT_CLIENT.set(Client(str(peer[0]), int(peer[1] or 0)))
        try:
            await self.app(scope, receive, send)
        finally:
            CURRENT_CLIENT.reset(token)


@dataclass(eq=False)
class Ticket(Generic[W]):
    """A query waiting in a FairQueue; its future gets the worker that will run it."""

    client: Client
    future: asyncio.Future[W] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class FairQueue(Generic[W]):
    """The waiting queries of one lane, served round-robin over addresses, then over connections (see module)."""

    def __init__(self) -> None:
        self._waiting: OrderedDict[str, OrderedDict[int, deque[Ticket[W]]]] = OrderedDict()
        self.size = 0

    def push(self, ticket: Ticket[W]) -> None:
        connections = self._waiting.setdefault(ticket.client.address, OrderedDict())
        connections.setdefault(ticket.client.connection, deque()).append(ticket)
        self.size += 1

    def pop(self) -> Ticket[W] | None:
        """The next ticket in turn; its address and connection go to the back of the round."""
        if not self._waiting:
            return None
        address, connections = next(iter(self._waiting.items()))
        connection, tickets = next(iter(connections.items()))
        ticket = tickets.popleft()
        self._settle(address, connection)
        if address in self._waiting:
            self._waiting.move_to_end(address)
            if connection in connections:
                connections.move_to_end(connection)
        return ticket

    def remove(self, ticket: Ticket[W]) -> None:
        """Take a ticket out of the queue (its query gave up waiting); nothing happens if it is not queued."""
        tickets = self._waiting.get(ticket.client.address, OrderedDict()).get(ticket.client.connection)
        if tickets is not None and ticket in tickets:
            tickets.remove(ticket)
            self._settle(ticket.client.address, ticket.client.connection)

    def ahead_of(self, client: Client) -> int:
        """How many waiting tickets would be served before a new one from `client`, in round-robin order."""
        mine = self._waiting.get(client.address, OrderedDict())
        queued = len(mine.get(client.connection, ()))
        rank = queued + sum(min(len(tickets), queued + 1) for key, tickets in mine.items() if key != client.connection)
        return rank + sum(
            min(self.waiting_of(address), rank + 1) for address in self._waiting if address != client.address
        )

    def waiting_of(self, address: str) -> int:
        return sum(len(tickets) for tickets in self._waiting.get(address, {}).values())

    def newest_of_busiest(self) -> Ticket[W] | None:
        """The last ticket of the address with the most tickets waiting (the one to refuse first)."""
        if not self._waiting:
            return None
        address = max(self._waiting, key=self.waiting_of)
        connection = max(self._waiting[address], key=lambda key: len(self._waiting[address][key]))
        return self._waiting[address][connection][-1]

    def _settle(self, address: str, connection: int) -> None:
        self.size -= 1
        connections = self._waiting[address]
        if not connections[connection]:
            del connections[connection]
            if not connections:
                del self._waiting[address]


class Costs:
    """Seconds the most recent run of each query took (at most `capacity` queries, least recently used out)."""

    def __init__(self, capacity: int = 4096) -> None:
        self._seconds: LRUCache[Hashable, float] = LRUCache(capacity)

    def get(self, key: Hashable) -> float | None:
        return self._seconds.get(key)

    def record(self, key: Hashable, seconds: float) -> None:
        self._seconds[key] = seconds


class ServiceTime:
    """A moving average of how long a lane's worker is held per query, to estimate how long a new one waits."""

    def __init__(self, weight: float = 0.2) -> None:
        self.seconds: float | None = None
        self.weight = weight

    def add(self, seconds: float) -> None:
        self.seconds = seconds if self.seconds is None else self.seconds + self.weight * (seconds - self.seconds)

    def estimate(self, before_any: float) -> float:
        """The average, or `before_any` while nothing has been measured."""
        return before_any if self.seconds is None else self.seconds
