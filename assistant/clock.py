"""Clocks: the system clock, a fake one for tests, and a fast-forwarded one for the demo.

Everything time-based in carehub asks an injected clock, so a test can move through a day of
inactivity rules or a 60-second escalation without sleeping.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """What carehub needs to know about time."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time."""

    async def sleep_until(self, when: datetime) -> None:
        """Wait until this clock reads ``when`` (at once if it already has). Prefer it to
        ``sleep(when - now)``: time may pass between reading ``now`` and the sleep starting."""


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def sleep_until(self, when: datetime) -> None:
        await asyncio.sleep(max(0.0, (when - self.now()).total_seconds()))


class ScaledClock:
    """Time that runs ``speed`` times faster than the wall clock from ``start`` (for the demo).

    ``paused=True`` holds it at ``start`` until ``resume()``, so the hub can start up without the
    household's morning slipping past; ``pause()`` holds it again once the household has finished;
    ``origin`` (``time.monotonic``) is where the current run began.
    """

    def __init__(self, start: datetime, speed: float, *, paused: bool = False) -> None:
        self.start = start.astimezone(timezone.utc)
        self.speed = speed
        self.origin: float | None = None if paused else time.monotonic()

    def resume(self) -> float:
        """Start the clock now (if paused); returns its ``origin``."""
        if self.origin is None:
            self.origin = time.monotonic()
        return self.origin

    def pause(self) -> None:
        """Hold the clock where it is (``resume`` runs it on from there)."""
        if self.origin is not None:
            self.start, self.origin = self.now(), None

    def now(self) -> datetime:
        if self.origin is None:
            return self.start
        return self.start + timedelta(seconds=(time.monotonic() - self.origin) * self.speed)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.speed)

    async def sleep_until(self, when: datetime) -> None:
        await asyncio.sleep(max(0.0, (when - self.now()).total_seconds() / self.speed))


class FakeClock:
    """A clock that only moves when a test calls ``advance``; sleepers wake in time order."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._counter = itertools.count()
        self.settle: Callable[[], Awaitable[None]] | None = None
        """Awaited after each wake-up, so what a woken task does (commits included) finishes first."""

    def now(self) -> datetime:
        return self._now

    async def sleep(self, seconds: float) -> None:
        await self.sleep_until(self._now + timedelta(seconds=max(0.0, seconds)))

    async def sleep_until(self, when: datetime) -> None:
        if when <= self._now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (when, next(self._counter), future))
        await future

    async def advance(self, seconds: float) -> None:
        """Move time forward, waking each sleeper at its own deadline and letting it run."""
        target = self._now + timedelta(seconds=seconds)
        while self._sleepers and self._sleepers[0][0] <= target:
            when, _, future = heapq.heappop(self._sleepers)
            self._now = max(self._now, when)
            if not future.done():
                future.set_result(None)
            await self._let_run()
        self._now = target
        await self._let_run()

    async def _let_run(self) -> None:
        if self.settle is not None:
            await self.settle()
        else:
            for _ in range(5):
                await asyncio.sleep(0)
