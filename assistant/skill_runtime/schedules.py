"""When ``@every`` / ``@at`` / ``@rrule`` handlers run: ``next_run`` (pure) and the loop that waits for it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from assistant.clock import Clock
from assistant.skill_api import ScheduleSpec


async def run_on_schedule(spec: ScheduleSpec, clock: Clock, zone: ZoneInfo,
                          run: Callable[[], Awaitable[object]]) -> None:
    """Call ``run`` each time ``spec`` falls due on ``clock``, until the schedule ends or the task is cancelled."""
    after = clock.now()
    while True:
        due = next_run(spec, after, zone)
        if due is None:
            return
        await clock.sleep_until(due)
        await run()
        # From the run that was due, not from when the handler finished: no drift for @every, and
        # a clock that woke a hair early cannot make @at run twice.
        after = max(due, clock.now())


def next_run(spec: ScheduleSpec, now: datetime, zone: ZoneInfo) -> datetime | None:
    """When a schedule next fires, strictly after ``now`` (UTC in, UTC out); pure, for tests.

    Wall-clock times are in ``zone``. A time the clocks skip (spring forward) runs just after the
    gap; a time they repeat (fall back) runs once, the first time. Comparing in UTC, never in local
    wall time, keeps the repeated hour from yielding a time in the past.
    """
    if spec.kind == "every":
        assert spec.every is not None
        return now + spec.every
    local = now.astimezone(zone)
    if spec.kind == "at":
        assert spec.at is not None
        day = local.date() - timedelta(days=1)
        while True:
            candidate = _utc(datetime.combine(day, spec.at), zone)
            if candidate > now:
                return candidate
            day += timedelta(days=1)
    from dateutil.rrule import rrulestr

    assert spec.rule is not None
    # Anchored at today's local midnight: BYHOUR without BYMINUTE means on the hour.
    start = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    rule = rrulestr(spec.rule, dtstart=start)
    # A few hours back in wall time covers any DST shift; candidates are then compared in UTC.
    for n, occurrence in enumerate(rule.xafter(local.replace(tzinfo=None) - timedelta(hours=3), inc=True)):
        candidate = _utc(occurrence, zone)
        if candidate > now:
            return candidate
        if n > 100_000:  # a secondly rule cannot be this far behind; give up rather than spin
            break
    return None


def _utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """A naive local wall time in ``zone`` as UTC (fold=0: the first of a repeated time, after a skipped one)."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)
