"""The event loop's lateness is measured, and a stall is counted and logged with how long it was."""

from __future__ import annotations

import asyncio
import logging
import sys

from assistant.loopwatch import LoopWatch, spent, thread_clock


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


async def test_a_stall_s_log_line_says_where_the_loop_was_held_up_and_how_long_the_collector_ran(caplog):
    """The watch's thread looks at the loop's stack while a callback holds it up (here one that blocks for a second:
    the stimulus, not a wait); the log line names that callback."""
    import gc
    import time

    watch = LoopWatch("worker w1", every=0.02, held_up=0.1)
    task = asyncio.ensure_future(watch.run())

    def a_callback_that_blocks() -> None:
        gc.collect()
        time.sleep(1.0)

    try:
        await asyncio.sleep(0.05)
        with caplog.at_level(logging.WARNING, logger="assistant.loopwatch"):
            a_callback_that_blocks()
            for _ in range(100):
                await asyncio.sleep(0.01)
                if watch.stalls:
                    break
    finally:
        task.cancel()
    line = next(r.getMessage() for r in caplog.records if "held up" in r.getMessage())
    # Innermost first: the callback, or what it called (a collector's callback when the look fell in the collection).
    assert "the loop was in: " in line and "tests/test_loopwatch.py:" in line and "a_callback_that_blocks" in line, line
    assert "the collector ran" in line, line
    if sys.platform == "linux":  # how the loop's thread spent the stall: here asleep in the callback, not running
        assert "the loop's thread ran" in line and "blocked" in line, line
        blocked = int(line.split("blocked ")[1].split(" ms")[0])
        ran = int(line.split("the loop's thread ran ")[1].split(" ms")[0])
        assert blocked > ran, line
        assert "[its thread S; other threads running or on the disk: " in line, line  # asleep in the callback; the watch itself


def test_a_thread_s_time_is_told_as_running_waiting_for_a_cpu_and_blocked():
    assert spent("the writer", (10.0, 1.0, 0.5), (12.0, 1.25, 1.0)) == (
        "in 2000 ms the writer ran 250 ms, waited 500 ms for a CPU and was blocked 1250 ms (a lock, the GIL, the disk, "
        "a page fault, or asleep)")
    if sys.platform == "linux":
        ran, waited = thread_clock() or (-1.0, -1.0)
        assert ran > 0 and waited >= 0
