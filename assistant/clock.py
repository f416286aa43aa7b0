"""Clocks: the system clock, a stepped one (tests, ``carehub demo``) and a fast one (``carehub run --speed``).

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
from typing import Any, Protocol


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
    """Time that runs ``speed`` times faster than the wall clock from ``start`` (``carehub run --speed``).

    ``paused=True`` holds it at ``start`` until ``resume()``; ``pause()`` holds it where it is. A held
    clock holds its sleepers too: they wake only once it has run on to their time, never early.
    ``origin`` (``time.monotonic``) is where the current run began; call ``pause``/``resume`` on the
    event loop its sleepers wait on.
    """

    def __init__(self, start: datetime, speed: float, *, paused: bool = False) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, not {speed!r}")
        self.start = start.astimezone(timezone.utc)
        self.speed = speed
        self.origin: float | None = None if paused else time.monotonic()
        self._resumed: asyncio.Event | None = None

    @property
    def running(self) -> bool:
        return self.origin is not None

    def resume(self) -> float:
        """Start the clock now (if paused); returns its ``origin``."""
        if self.origin is None:
            self.origin = time.monotonic()
            if self._resumed is not None:
                self._resumed.set()
        return self.origin

    def pause(self) -> None:
        """Hold the clock where it is (``resume`` runs it on from there)."""
        if self.origin is not None:
            self.start, self.origin = self.now(), None
            self._resumed = None

    def now(self) -> datetime:
        if self.origin is None:
            return self.start
        return self.start + timedelta(seconds=(time.monotonic() - self.origin) * self.speed)

    async def sleep(self, seconds: float) -> None:
        await self.sleep_until(self.now() + timedelta(seconds=max(0.0, seconds)))

    async def sleep_until(self, when: datetime) -> None:
        while True:
            remaining = (when - self.now()).total_seconds()
            if remaining <= 0:  # due already: a held clock does not hold a sleeper whose time has come
                await asyncio.sleep(0)
                return
            if self.origin is None:
                if self._resumed is None:
                    self._resumed = asyncio.Event()
                await self._resumed.wait()
                continue
            await asyncio.sleep(remaining / self.speed)


class SteppedClock:
    """A clock that only moves when told to (``advance``, ``advance_to``); sleepers wake in time order.

    Tests move it; ``carehub demo`` lets its simulated household move it, step by step, so the hub
    and the household live by one clock and a busy machine cannot reorder what they do.
    """

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

    async def advance_to(self, when: datetime) -> None:
        """Move time forward to ``when`` (nothing happens if it is not later than now)."""
        seconds = (when - self._now).total_seconds()
        if seconds > 0:
            await self.advance(seconds)

    async def _let_run(self) -> None:
        if self.settle is not None:
            await self.settle()
        else:
            for _ in range(5):
                await asyncio.sleep(0)


FakeClock = SteppedClock
"""The name tests know the stepped clock by."""


def clock_info(clock: Clock, wall: float | None = None) -> dict[str, Any]:
    """What ``/api/health`` says of the hub's clock, so a simulated household can live by it.

    ``now`` is its reading at Unix time ``wall``; ``speed`` is simulated seconds per real second (None
    for a stepped clock, which moves only when told to); ``running`` is False while it is held.
    """
    wall = time.time() if wall is None else wall
    if isinstance(clock, ScaledClock):
        speed: float | None = clock.speed
        running = clock.running
    elif isinstance(clock, SteppedClock):
        speed, running = None, False
    else:
        speed, running = 1.0, True
    return {"now": clock.now().isoformat(), "wall": round(wall, 3), "speed": speed, "running": running}
