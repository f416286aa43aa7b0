"""How late the event loop runs: a callback that holds it up delays every home's alerts, so it is counted and logged.

An SOS that waits hundreds of milliseconds shows in the latency figures without saying why; a worker that logs
"event loop held up 640 ms" at that moment says it was the whole process, not the alert's own steps. The watch
sleeps a short interval again and again and measures how late it wakes: lateness is time the loop spent on
something else (a long callback, the collector, the process not being scheduled).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

EVERY = 0.05
"""Seconds between the watch's wake-ups."""
HELD_UP = 0.25
"""A wake-up this much late is logged and counted as a stall."""


class LoopWatch:
    """Measures the event loop's lateness; ``run`` it as a task. ``now`` is monotonic seconds (tests pass their own)."""

    def __init__(self, name: str, *, every: float = EVERY, held_up: float = HELD_UP,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.every = every
        self.held_up = held_up
        self._now = now
        self.stalls = 0
        """Wake-ups at least ``held_up`` late."""
        self.worst = 0.0
        """The latest wake-up so far, in seconds late."""

    def record(self, late: float) -> None:
        """One wake-up ``late`` seconds after it was due."""
        if late > self.worst:
            self.worst = late
        if late >= self.held_up:
            self.stalls += 1
            log.warning("%s: event loop held up %.0f ms (%d time(s) so far)", self.name, late * 1000, self.stalls)

    async def run(self) -> None:
        while True:
            due = self._now() + self.every
            await asyncio.sleep(self.every)
            self.record(max(0.0, self._now() - due))
