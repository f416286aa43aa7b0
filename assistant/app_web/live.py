"""The caregiver app's live inbox: server-sent events to every open app, and the app as a delivery channel.

Each open inbox holds one ``GET /app/stream``. Whenever the alert desk raises, acknowledges or resolves an
alert, every stream sends the rows that changed; when the escalation tells a caregiver of an alert, it
is pushed to their open apps and counts as delivered once a stream has written it (``deliver``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from assistant.alerts.desk import AlertDesk
from assistant.alerts.model import Alert

log = logging.getLogger(__name__)

KEEPALIVE = 20.0
"""Seconds between comment lines on an idle stream, so a dead connection is noticed and proxies keep it."""
DELIVERY_WAIT = 5.0
"""Seconds an escalation step waits for an open app to take an alert before counting it as not delivered."""
RECONNECT_MS = 2000
"""How soon a browser reconnects a dropped stream (it gets every current row again)."""
INBOX_SIZE = 50


@dataclass(frozen=True)
class _Changed:
    """Some alert changed: send the rows that differ."""


@dataclass(frozen=True)
class _Stop:
    """The hub is stopping: end the stream (the browser reconnects to the next hub)."""


@dataclass(frozen=True)
class _Deliver:
    """Push these alerts now, and say when they are written."""

    alert_ids: list[str]
    written: asyncio.Future[bool]


@dataclass(eq=False)
class _Stream:
    caregiver: str
    session: str | None = None
    """The hash of the browser session it serves (None: opened with a token)."""
    queue: asyncio.Queue[_Changed | _Deliver | _Stop] = field(default_factory=asyncio.Queue)
    known: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    """What the page shows of each alert (status, count, updated), to send only what changed."""
    change_pending: bool = False
    """A look at the desk is queued already: it covers any number of changes."""


def _signature(alert: Alert) -> tuple[str, int, str]:
    return alert.status.value, alert.count, alert.updated.isoformat() if alert.updated else ""


class AppLive:
    """Open app streams per caregiver; the escalation's ``AppDelivery``."""

    def __init__(self, desk: AlertDesk) -> None:
        self._desk = desk
        self._streams: dict[str, set[_Stream]] = {}
        desk.when_changed(self._changed)

    def open_apps(self, caregiver: str) -> int:
        return len(self._streams.get(caregiver, ()))

    async def close(self, _app: web.Application | None = None) -> None:
        """End every stream (the server's ``on_shutdown``): it waits for open requests before it stops."""
        for streams in self._streams.values():
            for stream in streams:
                stream.queue.put_nowait(_Stop())

    def end_sessions(self, ended: set[str]) -> None:
        """End the streams of signed-out sessions (``carehub caregivers sign-out``: a lost phone stops hearing)."""
        for streams in self._streams.values():
            for stream in streams:
                if stream.session in ended:
                    stream.queue.put_nowait(_Stop())

    def _changed(self) -> None:
        for streams in self._streams.values():
            for stream in streams:
                if not stream.change_pending:
                    stream.change_pending = True
                    stream.queue.put_nowait(_Changed())

    async def deliver(self, caregiver: str, alert_ids: list[str]) -> tuple[bool, str]:
        streams = list(self._streams.get(caregiver, ()))
        if not streams:
            return False, "the app is not open"
        loop = asyncio.get_running_loop()
        waiting = []
        for stream in streams:
            written: asyncio.Future[bool] = loop.create_future()
            stream.queue.put_nowait(_Deliver(alert_ids, written))
            waiting.append(written)
        done, _ = await asyncio.wait(waiting, timeout=DELIVERY_WAIT)
        took = sum(1 for f in done if not f.cancelled() and f.exception() is None and f.result())
        if took:
            return True, f"shown live in {took} open app(s)"
        return False, f"{len(streams)} open app(s) did not take it within {DELIVERY_WAIT:g} s"

    def watch(self, caregiver: str, show: Callable[[Alert], None]) -> Callable[[], None]:
        """An app open in this process for ``caregiver`` (``carehub demo`` shows what reaches the family's
        phone): ``show`` is called with each alert delivered to them. Returns the call that closes it."""
        stream = _Stream(caregiver)
        self._streams.setdefault(caregiver, set()).add(stream)

        async def read() -> None:
            while True:
                item = await stream.queue.get()
                if isinstance(item, _Stop):
                    return
                if isinstance(item, _Deliver):
                    for alert_id in item.alert_ids:
                        alert = await self._desk.get(alert_id)
                        if alert is not None:
                            show(alert)
                    if not item.written.done():
                        item.written.set_result(True)
                else:
                    stream.change_pending = False

        task = asyncio.get_running_loop().create_task(read(), name=f"app-watch-{caregiver}")

        def close() -> None:
            self._streams.get(caregiver, set()).discard(stream)
            task.cancel()

        return close

    async def serve(self, request: web.Request, caregiver: str, render: Callable[[Alert], str]) -> web.StreamResponse:
        """``GET /app/stream``: every visible alert at once, then each change, until the browser goes away."""
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                               "X-Accel-Buffering": "no"})
        await response.prepare(request)
        session = request.get("session")
        stream = _Stream(caregiver, getattr(session, "id_hash", None))
        self._streams.setdefault(caregiver, set()).add(stream)
        try:
            await response.write(f"retry: {RECONNECT_MS}\n\n".encode())
            await self._send_changes(response, stream, render)
            while True:
                try:
                    item = await asyncio.wait_for(stream.queue.get(), KEEPALIVE)
                except TimeoutError:
                    await response.write(b": still here\n\n")
                    continue
                if isinstance(item, _Stop):
                    break
                if isinstance(item, _Deliver):
                    try:
                        for alert_id in item.alert_ids:
                            alert = await self._desk.get(alert_id)
                            if alert is not None:
                                await self._send(response, stream, alert, render, delivered=True)
                    except BaseException:
                        if not item.written.done():
                            item.written.set_result(False)
                        raise
                    if not item.written.done():
                        item.written.set_result(True)
                else:
                    stream.change_pending = False
                    await self._send_changes(response, stream, render)
        except (ConnectionResetError, ConnectionError):
            log.debug("an app stream of %s closed", caregiver)
        finally:
            self._streams.get(caregiver, set()).discard(stream)
            while not stream.queue.empty():
                item = stream.queue.get_nowait()
                if isinstance(item, _Deliver) and not item.written.done():
                    item.written.set_result(False)
        return response

    async def _send_changes(self, response: web.StreamResponse, stream: _Stream,
                            render: Callable[[Alert], str]) -> None:
        for alert in await self._desk.list(stream.caregiver, limit=INBOX_SIZE):
            if stream.known.get(alert.id) != _signature(alert):
                await self._send(response, stream, alert, render)

    @staticmethod
    async def _send(response: web.StreamResponse, stream: _Stream, alert: Alert, render: Callable[[Alert], str],
                    *, delivered: bool = False) -> None:
        data: dict[str, Any] = {"id": alert.id, "status": alert.status.value, "html": render(alert),
                                "delivered": delivered}
        await response.write(f"event: alert\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode())
        stream.known[alert.id] = _signature(alert)
