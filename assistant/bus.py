"""The in-process event bus: typed events to isolated subscribers.

Each subscriber has its own queue and task, so one that raises or hangs never delays the others or
the hub. A failure (exception or timeout) is logged with the event id and reported to ``on_failure``
(the hub turns it into a ``subscriber_failed`` event).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.events import Event

log = logging.getLogger(__name__)

Handler = Callable[[Event], Awaitable[None] | None]
FailureHook = Callable[[str, Event, BaseException], None]


@dataclass
class _Subscriber:
    name: str
    types: tuple[type[Event], ...]
    handler: Handler
    timeout: float
    queue: asyncio.Queue[Event]
    task: asyncio.Task[None] | None = None
    delivered: int = 0
    failed: int = 0
    dropped: int = 0
    active: int = 0  # 1 while the handler runs (the event is off the queue but not yet handled)
    filters: dict[str, Any] = field(default_factory=dict)


class EventBus:
    """Publish events to subscribers by type (``Event`` matches everything)."""

    def __init__(self, *, default_timeout: float = 30.0, queue_size: int = 10_000,
                 on_failure: FailureHook | None = None) -> None:
        self._subscribers: list[_Subscriber] = []
        self._default_timeout = default_timeout
        self._queue_size = queue_size
        self.failures = 0
        """Subscriber failures (exceptions and timeouts) since the start."""
        self.on_failure = on_failure
        """Told of every subscriber failure (the hub logs it as ``subscriber_failed``)."""
        self._running = False

    def subscribe(self, handler: Handler, *types: type[Event], name: str | None = None,
                  timeout: float | None = None, **filters: Any) -> None:
        """Call ``handler`` for each event of ``types`` whose attributes match ``filters``."""
        sub = _Subscriber(
            name=name or str(getattr(handler, "__qualname__", repr(handler))),
            types=types or (Event,),
            handler=handler,
            timeout=timeout or self._default_timeout,
            queue=asyncio.Queue(self._queue_size),
            filters=filters,
        )
        self._subscribers.append(sub)
        if self._running:
            sub.task = asyncio.create_task(self._run(sub), name=f"bus:{sub.name}")

    def publish(self, event: Event) -> None:
        """Queue ``event`` for every matching subscriber; never blocks, never raises."""
        for sub in self._subscribers:
            if not isinstance(event, sub.types):
                continue
            if sub.filters and any(getattr(event, k, None) != v for k, v in sub.filters.items()):
                continue
            try:
                sub.queue.put_nowait(event)
            except asyncio.QueueFull:
                sub.dropped += 1
                log.error("subscriber %s is not keeping up; dropped event %s (%s)", sub.name, event.id, event.kind)

    async def start(self) -> None:
        self._running = True
        for sub in self._subscribers:
            if sub.task is None:
                sub.task = asyncio.create_task(self._run(sub), name=f"bus:{sub.name}")

    async def stop(self, drain_timeout: float = 2.0) -> None:
        """Let subscribers finish what is queued (up to ``drain_timeout``), then cancel them."""
        self._running = False
        try:
            async with asyncio.timeout(drain_timeout):
                for sub in self._subscribers:
                    await sub.queue.join()
        except TimeoutError:
            pass
        for sub in self._subscribers:
            if sub.task is not None:
                sub.task.cancel()
        await asyncio.gather(*(s.task for s in self._subscribers if s.task), return_exceptions=True)
        for sub in self._subscribers:
            sub.task = None

    async def drain(self) -> None:
        """Wait until every subscriber has handled everything queued so far (for tests)."""
        for sub in self._subscribers:
            await sub.queue.join()

    def stats(self) -> dict[str, dict[str, int]]:
        return {s.name: {"delivered": s.delivered, "failed": s.failed, "dropped": s.dropped,
                         "queued": s.queue.qsize(), "active": s.active} for s in self._subscribers}

    async def _run(self, sub: _Subscriber) -> None:
        while True:
            event = await sub.queue.get()
            sub.active = 1
            try:
                async with asyncio.timeout(sub.timeout):
                    result = sub.handler(event)
                    if asyncio.iscoroutine(result):
                        await result
                sub.delivered += 1
            except asyncio.CancelledError as error:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # the bus is stopping this subscriber
                # The handler's own await was cancelled: that is the handler failing, not the bus.
                self._failed(sub, event, error)
            except BaseException as error:  # noqa: BLE001 - isolation is the point
                if isinstance(error, TimeoutError):
                    error = TimeoutError(f"did not finish within {sub.timeout:g} s")
                self._failed(sub, event, error)
            finally:
                sub.active = 0
                sub.queue.task_done()

    def _failed(self, sub: _Subscriber, event: Event, error: BaseException) -> None:
        sub.failed += 1
        self.failures += 1
        log.error("subscriber %s failed on event %s (%s): %r", sub.name, event.id, event.kind, error)
        if self.on_failure is not None:
            try:
                self.on_failure(sub.name, event, error)
            except Exception:  # noqa: BLE001
                log.exception("failure hook raised for event %s", event.id)
