"""Reading one home's event log from the event loop: each query runs in a worker thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from assistant.eventlog import EventQuery, OneConnection
from assistant.events import Event, event_from_row, kinds_of

T = TypeVar("T")
E = TypeVar("E", bound=Event)


class LogReader:
    """The hub's ``EventReader``: one read connection, used by one worker thread at a time."""

    def __init__(self, path: Path, home: str, *, shared: OneConnection | None = None) -> None:
        self.path = path
        self.home = home
        self._query: EventQuery | None = None
        self._shared = shared
        self._lock: threading.Lock | threading.RLock = shared.lock if shared else threading.Lock()
        """Held while a query runs (shared: the home's one connection, one transaction at a time)."""

    async def open(self) -> None:
        self._query = await asyncio.to_thread(lambda: EventQuery(self.path, shared=self._shared))

    def close(self) -> None:
        with self._lock:  # a query thread may still be running
            if self._query is not None:
                self._query.close()
                self._query = None

    async def _run(self, fn: Callable[[EventQuery], T]) -> T:
        def locked() -> T:
            with self._lock:
                if self._query is None:
                    raise RuntimeError("the event log reader is closed")
                return fn(self._query)

        return await asyncio.to_thread(locked)

    async def rows(self, *, kind: str | None = None, kinds: Sequence[str] | None = None,
                   device: str | None = None, person: str | None = None, cause: str | None = None,
                   since: datetime | str | None = None, until: datetime | str | None = None,
                   limit: int = 100, newest_first: bool = True,
                   people: Sequence[str] | None = None) -> list[dict[str, Any]]:
        return await self._run(lambda q: q.events(kind=kind, kinds=kinds, device=device, person=person, cause=cause,
                                                  home=self.home, since=since, until=until, limit=limit,
                                                  newest_first=newest_first, people=people))

    async def events(self, *types: type[E], person: str | None = None, device: str | None = None,
                     since: datetime | None = None, until: datetime | None = None,
                     limit: int = 100) -> list[E]:
        """Typed events of ``types`` (and their subclasses; every kind for none), newest first."""
        rows = await self.rows(kinds=kinds_of(types), person=person, device=device, since=since, until=until,
                               limit=limit)
        return [event_from_row(row) for row in rows]  # type: ignore[misc]

    async def cause_chain(self, event_id: str) -> list[dict[str, Any]]:
        return await self._run(lambda q: q.cause_chain(event_id))

    async def recent_message_keys(self, limit: int) -> list[str]:
        """The ids of the latest device messages logged, oldest first (``Ingest.remember``)."""
        return await self._run(lambda q: q.recent_message_keys(self.home, limit))

    async def devices(self) -> list[dict[str, Any]]:
        """Rows of the ``devices`` table (last seen, online) a previous run left."""
        return await self._run(lambda q: q.devices(self.home))
