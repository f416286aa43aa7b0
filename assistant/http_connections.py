"""Bounds on the HTTP API's connections: idle and slow ones are closed, and one client cannot hold them all.

A connection waiting for its next request longer than ``idle_timeout`` (a slowloris sending its head a
byte at a time included), or busy with one request longer than ``request_timeout``, is closed. Past
``per_client`` connections from one address, or ``total`` in all, the longest-idle one goes, so a flood
of idle sockets cannot keep a health check or an SOS from being answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.web_runner import BaseSite

log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Connection:
    transport: asyncio.Transport
    address: str
    waiting_since: float
    """Loop time the connection was opened or finished its last request."""
    busy_since: float | None = None
    requests: int = field(default=0)
    streaming: bool = False
    """Serving a live stream (the app's inbox): its request never ends, so ``request_timeout`` does not apply."""


class _GuardedProtocol(asyncio.Protocol):
    """Passes everything to aiohttp's protocol, telling the guard when the connection comes and goes."""

    def __init__(self, inner: Any, guard: ConnectionGuard) -> None:
        self._inner = inner
        self._guard = guard
        self._transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport
        self._inner.connection_made(transport)
        assert isinstance(transport, asyncio.Transport)
        self._guard.opened(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self._guard.closed(self._transport)
        self._inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received()

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()


class ConnectionGuard:
    """Counts connections per client address and closes idle, slow and surplus ones."""

    def __init__(self, *, idle_timeout: float, request_timeout: float, per_client: int, total: int) -> None:
        self.idle_timeout = idle_timeout
        self.request_timeout = request_timeout
        self.per_client = per_client
        self.total = total
        self._open: dict[asyncio.Transport, _Connection] = {}
        self._sweeper: asyncio.Task[None] | None = None
        self.closed_idle = 0
        """Connections closed for idling or being slow, or to make room (for /api/health)."""

    def factory(self, make_protocol: Callable[[], Any]) -> Callable[[], asyncio.Protocol]:
        return lambda: _GuardedProtocol(make_protocol(), self)

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def opened(self, transport: asyncio.Transport) -> None:
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if isinstance(peer, tuple) and peer else "unknown"
        connection = _Connection(transport, address, self._now())
        self._open[transport] = connection
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep())
        same = [c for c in self._open.values() if c.address == address]
        if len(same) > self.per_client:
            self._make_room(same, connection)
        if len(self._open) > self.total:
            self._make_room(list(self._open.values()), connection)

    def _make_room(self, among: list[_Connection], new: _Connection) -> None:
        idle = [c for c in among if c.busy_since is None and c is not new]
        victim = min(idle, key=lambda c: c.waiting_since) if idle else new
        self._close(victim, "to make room for a new one")

    def closed(self, transport: asyncio.BaseTransport | None) -> None:
        if isinstance(transport, asyncio.Transport):
            self._open.pop(transport, None)

    def _close(self, connection: _Connection, why: str) -> None:
        log.debug("closing an HTTP connection from %s %s", connection.address, why)
        self._open.pop(connection.transport, None)
        self.closed_idle += 1
        connection.transport.close()

    @contextlib.asynccontextmanager
    async def serving(self, transport: asyncio.BaseTransport | None) -> AsyncIterator[None]:
        """Marks the connection busy while one request is handled."""
        connection = self._open.get(transport) if isinstance(transport, asyncio.Transport) else None
        if connection is not None:
            connection.busy_since = self._now()
        try:
            yield
        finally:
            if connection is not None:
                connection.busy_since = None
                connection.waiting_since = self._now()
                connection.requests += 1

    def streaming(self, transport: asyncio.BaseTransport | None) -> None:
        """The request on ``transport`` is a live stream that writes a keep-alive now and then: it may last
        past ``request_timeout`` (a client gone away shows when a write fails)."""
        connection = self._open.get(transport) if isinstance(transport, asyncio.Transport) else None
        if connection is not None:
            connection.streaming = True

    def open_count(self) -> int:
        return len(self._open)

    async def _sweep(self) -> None:
        interval = min(1.0, self.idle_timeout / 4)
        while self._open:
            await asyncio.sleep(interval)
            now = self._now()
            for connection in list(self._open.values()):
                if connection.busy_since is None and now - connection.waiting_since > self.idle_timeout:
                    self._close(connection, f"idle for over {self.idle_timeout:g} s")
                elif (connection.busy_since is not None and not connection.streaming
                      and now - connection.busy_since > self.request_timeout):
                    self._close(connection, f"busy with one request for over {self.request_timeout:g} s")

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper


class GuardedSite(web.TCPSite):
    """A TCP site whose connections go through a ``ConnectionGuard``."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, guard: ConnectionGuard) -> None:
        super().__init__(runner, host, port)
        self._guard = guard

    async def start(self) -> None:
        await BaseSite.start(self)
        server = self._runner.server
        assert server is not None
        self._server = await asyncio.get_running_loop().create_server(
            self._guard.factory(server), self._host, self._port, backlog=self._backlog)
        self._bound_port = self._server.sockets[0].getsockname()[1] if self._server.sockets else self._port
