"""How late the event loop runs: a callback that holds it up delays every home's alerts, so it is counted and logged.

An SOS that waits hundreds of milliseconds shows in the latency figures without saying why; a worker that logs
"event loop held up 640 ms" at that moment says it was the whole process, not the alert's own steps. The watch
sleeps a short interval again and again and measures how late it wakes: lateness is time the loop spent on
something else (a long callback, the collector, the process not being scheduled).

To say what held it up, a thread of the watch looks at the loop's thread whenever the loop has not woken the watch
for ``held_up`` seconds, and the stall's log line carries where the loop was then (the innermost frames of its
stack) and how long the cyclic garbage collector ran meanwhile. On Linux it also says how the loop's thread spent the
stall (``thread_clock``): running, waiting for a CPU (the machine busy), or neither (blocked: on a lock, the GIL
another thread holds, the disk, a page fault), which tells the process's own work from the machine's.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

EVERY = 0.05
"""Seconds between the watch's wake-ups."""
HELD_UP = 0.25
"""A wake-up this much late is logged and counted as a stall."""
FRAMES = 6
"""Innermost frames of the loop's stack a stall's log line names."""


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
        self.seen: str | None = None
        """Where the loop was while it held the watch up, if the watch's thread looked (cleared by each wake-up)."""
        self.collecting = 0.0
        """Seconds the garbage collector ran since the last wake-up."""
        self.oldest = -1
        """The oldest generation it collected since the last wake-up (2: a full collection), -1 for none."""
        self._beat = time.monotonic()
        self._clock: tuple[float, float, float] | None = None
        """(monotonic, ran, waited) at the last wake-up, from ``thread_clock``; None where there is no such clock."""
        self._gc_began: float | None = None
        self._stop = threading.Event()

    def record(self, late: float) -> None:
        """One wake-up ``late`` seconds after it was due."""
        if late > self.worst:
            self.worst = late
        if late >= self.held_up:
            self.stalls += 1
            why = (f"; the collector ran {self.collecting * 1000:.0f} ms (generations up to {self.oldest})"
                   if self.collecting > 0 else "")
            where = f"; the loop was in: {self.seen}" if self.seen else ""
            log.warning("%s: event loop held up %.0f ms (%d time(s) so far)%s%s%s", self.name, late * 1000,
                        self.stalls, why, self._spent(), where)
        self.seen, self.collecting, self.oldest = None, 0.0, -1

    def _spent(self) -> str:
        """How the loop's thread spent the time since its previous wake-up (read there and now), if it can be told."""
        before, self._clock = self._clock, stamp()
        if before is None or self._clock is None:
            return ""
        return "; " + spent("the loop's thread", before, self._clock)

    async def run(self) -> None:
        looker = threading.Thread(target=self._look, args=(threading.get_ident(),), name=f"{self.name}-watch",
                                  daemon=True)
        gc.callbacks.append(self._collector)
        self._clock = stamp()
        looker.start()
        try:
            while True:
                due = self._now() + self.every
                self._beat = time.monotonic()
                if self._clock is not None:
                    self._clock = stamp()
                await asyncio.sleep(self.every)
                self.record(max(0.0, self._now() - due))
        finally:
            self._stop.set()
            gc.callbacks.remove(self._collector)

    def _collector(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_began = time.monotonic()
            self.oldest = max(self.oldest, info.get("generation", -1))
        elif self._gc_began is not None:
            self.collecting += time.monotonic() - self._gc_began
            self._gc_began = None

    def _look(self, loop_thread: int) -> None:
        """The watch's thread: where the loop is, once it has not woken the watch for ``held_up`` seconds."""
        while not self._stop.wait(self.every):
            if self.seen is None and time.monotonic() - self._beat >= self.every + self.held_up:
                self.seen = where(loop_thread) + beside(loop_thread)


def where(thread: int) -> str:
    """The innermost frames of a thread's stack, innermost first, as ``folder/file:line function`` joined by " < "."""
    frame = sys._current_frames().get(thread)  # noqa: SLF001 - the documented way to see another thread's stack
    if frame is None:
        return "?"
    frames = traceback.extract_stack(frame)[-FRAMES:]
    return " < ".join(f"{'/'.join(f.filename.rsplit('/', 2)[-2:])}:{f.lineno} {f.name}" for f in reversed(frames))


def beside(loop_thread: int) -> str:
    """The loop's thread's scheduler state and the process's other threads that were running or waiting on the disk
    (each with where it was), as a suffix for a stall's line: another thread holding the GIL in a long call shows
    here. Linux only (empty elsewhere)."""
    states: list[str] = []
    loop_state = "?"
    for thread in threading.enumerate():
        if thread.native_id is None or thread is threading.current_thread():
            continue
        state = _state(thread.native_id)
        if thread.ident == loop_thread:
            loop_state = state
        elif state in ("R", "D"):
            states.append(f"{thread.name} ({state}) in {where(thread.ident or 0).split(' < ')[0]}")
    if loop_state == "?":
        return ""
    return f" [its thread {loop_state}; other threads running or on the disk: {'; '.join(states) or 'none'}]"


def _state(native_id: int) -> str:
    """A thread's scheduler state letter (R running, S asleep, D waiting on the disk), "?" where it cannot be read."""
    try:
        with open(f"/proc/self/task/{native_id}/stat", "rb") as f:
            stat = f.read().decode()
        return stat[stat.rindex(")") + 2]
    except (OSError, ValueError, IndexError):
        return "?"


def thread_clock() -> tuple[float, float] | None:
    """Seconds the calling thread has run on a CPU and waited for one while runnable (Linux's schedstat), or None."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as f:
            ran, waited = f.read().split()[:2]
        return int(ran) / 1e9, int(waited) / 1e9
    except (OSError, ValueError):
        return None


def stamp() -> tuple[float, float, float] | None:
    clock = thread_clock()
    return None if clock is None else (time.monotonic(), *clock)


def spent(who: str, before: tuple[float, float, float], after: tuple[float, float, float]) -> str:
    """How ``who`` spent the time between two ``(monotonic, *thread_clock())`` readings, in words."""
    wall, ran, waited = (b - a for a, b in zip(before, after))
    off = max(0.0, wall - ran - waited)
    return (f"in {wall * 1000:.0f} ms {who} ran {ran * 1000:.0f} ms, waited {waited * 1000:.0f} ms for a CPU and was "
            f"blocked {off * 1000:.0f} ms (a lock, the GIL, the disk, a page fault, or asleep)")
