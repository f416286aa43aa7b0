"""clock: the fake clock only moves on advance() and wakes sleepers at their deadlines, in order."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone

from assistant.clock import FakeClock, ScaledClock, SystemClock

START = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)


async def test_fake_clock_stands_still_until_advanced():
    clock = FakeClock(START)
    assert clock.now() == START
    await asyncio.sleep(0)
    assert clock.now() == START
    await clock.advance(90)
    assert clock.now() == START + timedelta(seconds=90)


async def test_fake_clock_default_start_is_utc():
    assert FakeClock().now().utcoffset() == timedelta(0)


async def test_sleepers_wake_in_deadline_order_and_not_before():
    clock = FakeClock(START)
    woke: list[tuple[str, datetime]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.now()))

    tasks = [asyncio.create_task(sleeper(name, s)) for name, s in (("c", 30), ("a", 10), ("b", 20), ("a2", 10))]
    await asyncio.sleep(0)

    await clock.advance(9.999)
    assert woke == []
    await clock.advance(0.001)
    assert woke == [("a", START + timedelta(seconds=10)), ("a2", START + timedelta(seconds=10))]
    await clock.advance(25)
    assert [name for name, _ in woke] == ["a", "a2", "b", "c"]
    # Each sleeper sees the time of its own deadline, not the end of the advance.
    assert dict(woke)["b"] == START + timedelta(seconds=20)
    assert dict(woke)["c"] == START + timedelta(seconds=30)
    assert clock.now() == START + timedelta(seconds=35)
    await asyncio.gather(*tasks)


async def test_a_sleeper_that_sleeps_again_within_one_advance_wakes_again():
    clock = FakeClock(START)
    ticks: list[datetime] = []

    async def every_minute() -> None:
        while True:
            await clock.sleep(60)
            ticks.append(clock.now())

    task = asyncio.create_task(every_minute())
    await asyncio.sleep(0)
    await clock.advance(3 * 60 + 30)
    assert ticks == [START + timedelta(minutes=m) for m in (1, 2, 3)]
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_cancelled_sleeper_is_skipped():
    clock = FakeClock(START)
    woke: list[str] = []

    async def sleeper(name: str) -> None:
        await clock.sleep(10)
        woke.append(name)

    doomed = asyncio.create_task(sleeper("doomed"))
    kept = asyncio.create_task(sleeper("kept"))
    await asyncio.sleep(0)
    doomed.cancel()
    await asyncio.gather(doomed, return_exceptions=True)
    await clock.advance(10)
    assert woke == ["kept"]
    await kept


async def test_zero_sleep_does_not_wait_for_advance():
    clock = FakeClock(START)
    await asyncio.wait_for(clock.sleep(0), 1)
    assert clock.now() == START


async def test_scaled_clock_runs_faster():
    clock = ScaledClock(START, speed=1000)
    before = time.monotonic()
    await clock.sleep(20)  # 20 s of demo time is 20 ms of real time
    real = time.monotonic() - before
    assert real < 5  # far less than the 20 s an unscaled clock would take
    assert clock.now() - START >= timedelta(seconds=19.9)
    assert clock.now().tzinfo is not None


def test_system_clock_is_utc():
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_a_paused_scaled_clock_holds_still_until_resumed_and_pauses_where_it_is():
    from datetime import datetime, timezone

    from assistant.clock import ScaledClock

    start = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
    clock = ScaledClock(start, 1000, paused=True)
    assert clock.now() == start and clock.origin is None
    origin = clock.resume()
    assert clock.resume() == origin  # resuming a running clock changes nothing
    while clock.now() == start:
        pass
    clock.pause()
    held = clock.now()
    assert held > start and clock.now() == held


async def test_sleep_until_wakes_at_the_absolute_time_however_late_it_starts():
    import asyncio
    from datetime import datetime, timedelta, timezone

    from assistant.clock import FakeClock

    start = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
    clock = FakeClock(start)
    await clock.advance(59)  # time moved on before the sleeper got going (a busy timer, say)
    sleeper = asyncio.ensure_future(clock.sleep_until(start + timedelta(seconds=60)))
    await asyncio.sleep(0)
    await clock.advance(1)
    assert sleeper.done()
    await asyncio.wait_for(clock.sleep_until(start), 1)  # already past: returns at once


async def test_a_held_scaled_clock_holds_its_sleepers_until_it_runs_on_to_their_time():
    clock = ScaledClock(START, speed=1000, paused=True)
    sleeper = asyncio.ensure_future(clock.sleep(1))  # 1 ms of real time, were the clock running
    await asyncio.sleep(0.05)
    assert not sleeper.done() and clock.now() == START
    clock.resume()
    await asyncio.wait_for(sleeper, 5)
    assert clock.now() >= START + timedelta(seconds=1)


async def test_a_held_scaled_clock_does_not_hold_a_sleeper_whose_time_has_come():
    clock = ScaledClock(START, speed=1000, paused=True)
    await asyncio.wait_for(clock.sleep(0), 5)
    await asyncio.wait_for(clock.sleep_until(START - timedelta(minutes=1)), 5)
    assert clock.now() == START


async def test_a_stepped_clock_moves_to_a_time_and_never_back():
    from assistant.clock import SteppedClock

    clock = SteppedClock(START)
    await clock.advance_to(START + timedelta(minutes=5))
    await clock.advance_to(START)  # earlier: nothing happens
    assert clock.now() == START + timedelta(minutes=5)


def test_clock_info_says_how_fast_each_clock_runs():
    from assistant.clock import SteppedClock, clock_info

    scaled = clock_info(ScaledClock(START, 600, paused=True), wall=1000.0)
    assert scaled == {"now": START.isoformat(), "wall": 1000.0, "speed": 600, "running": False}
    assert clock_info(SystemClock())["speed"] == 1.0 and clock_info(SystemClock())["running"] is True
    assert clock_info(SteppedClock(START))["speed"] is None
