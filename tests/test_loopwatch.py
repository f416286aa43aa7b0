"""The event loop's lateness is measured, and a stall is counted and logged with how long it was."""

from __future__ import annotations

import asyncio
import logging

from assistant.loopwatch import LoopWatch


def test_a_late_wake_up_is_counted_and_logged_with_its_length_and_a_punctual_one_is_not(caplog):
    watch = LoopWatch("worker w1", held_up=0.25)
    with caplog.at_level(logging.WARNING, logger="assistant.loopwatch"):
        watch.record(0.004)
        watch.record(0.64)
        watch.record(0.02)
    assert watch.stalls == 1 and watch.worst == 0.64
    assert [r.getMessage() for r in caplog.records] == ["worker w1: event loop held up 640 ms (1 time(s) so far)"]


async def test_the_watch_measures_each_wake_up_against_when_it_was_due():
    # The clock the watch reads: on time for two wake-ups, then 0.4 s late (a callback held the loop up).
    readings = iter([0.0, 0.001, 0.001, 0.002, 0.002, 0.403])

    def now() -> float:
        return next(readings, 10.0)

    watch = LoopWatch("worker w1", every=0.001, held_up=0.25, now=now)
    task = asyncio.ensure_future(watch.run())
    try:
        for _ in range(200):
            if watch.stalls:
                break
            await asyncio.sleep(0.001)
    finally:
        task.cancel()
    assert watch.stalls >= 1 and abs(watch.worst - 0.4) < 1e-9
