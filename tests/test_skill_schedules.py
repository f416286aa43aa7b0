"""Schedules: @every, @at and @rrule on the hub's clock (fake in tests), and next_run in pure form."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from assistant.skill_api import ScheduleSpec
from assistant.skill_runtime import next_run
from skills.sdk import Skill, at, every, rrule

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
SHANGHAI = ZoneInfo("Asia/Shanghai")


class Chimes(Skill):
    """Notes the local time of every run, so a test can read back when each schedule fired."""

    async def _note(self, what: str) -> None:
        local = self.ctx.now().astimezone(ZoneInfo(self.ctx.timezone))
        await self.ctx.notify(f"{what} {local:%a %H:%M}", priority="low")


class Every10Minutes(Chimes):
    @every(600)
    async def tick(self) -> None:
        await self._note("tick")


class Breakfast(Chimes):
    @at("07:30")
    async def breakfast(self) -> None:
        await self._note("breakfast")


class MondayCall(Chimes):
    @rrule("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0")
    async def call(self) -> None:
        await self._note("call")


class FailingTick(Skill):
    @every(timedelta(minutes=1))
    async def tick(self) -> None:
        raise RuntimeError("no tea left")


def _messages(h) -> list[str]:
    return [n.message for n in h.notifications]


async def test_every_fires_once_per_interval(skill_harness):
    h = await skill_harness(Every10Minutes, start=datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    await h.advance(599)
    assert _messages(h) == []
    await h.advance(1)
    assert _messages(h) == ["tick Mon 08:10"]
    await h.advance(3 * 600)  # one call, three intervals: three runs, each on time
    assert _messages(h) == ["tick Mon 08:10", "tick Mon 08:20", "tick Mon 08:30", "tick Mon 08:40"]


async def test_at_fires_daily_at_that_home_time_and_not_before(skill_harness):
    start = datetime(2026, 1, 5, 7, 0, tzinfo=SHANGHAI)
    h = await skill_harness(Breakfast, config={"home": {"timezone": "Asia/Shanghai"}}, start=start)
    await h.advance(29 * 60 + 59)
    assert _messages(h) == []
    await h.advance(1)
    assert _messages(h) == ["breakfast Mon 07:30"]
    (row,) = await h.rows(kind="alert_requested")
    assert datetime.fromisoformat(row["ts"]) == datetime(2026, 1, 4, 23, 30, tzinfo=UTC)
    await h.advance(2 * 24 * 3600)
    assert _messages(h) == ["breakfast Mon 07:30", "breakfast Tue 07:30", "breakfast Wed 07:30"]


async def test_a_naive_start_is_home_time(skill_harness):
    h = await skill_harness(Breakfast, config={"home": {"timezone": "Asia/Shanghai"}},
                            start=datetime(2026, 1, 5, 7, 29))
    assert h.clock.now() == datetime(2026, 1, 4, 23, 29, tzinfo=UTC)
    await h.advance(60)
    assert _messages(h) == ["breakfast Mon 07:30"]


async def test_rrule_fires_on_monday_at_nine(skill_harness):
    saturday_noon = datetime(2026, 1, 3, 12, 0, tzinfo=LONDON)
    h = await skill_harness(MondayCall, start=saturday_noon)  # the default household is in London
    monday_0859 = datetime(2026, 1, 5, 8, 59, tzinfo=LONDON)
    await h.advance((monday_0859 - saturday_noon).total_seconds())
    assert _messages(h) == []
    await h.advance(60)
    assert _messages(h) == ["call Mon 09:00"]
    await h.advance(7 * 24 * 3600)
    assert _messages(h) == ["call Mon 09:00", "call Mon 09:00"]
    assert len(await h.rows(kind="alert_requested")) == 2


async def test_a_failing_scheduled_handler_is_logged_and_keeps_its_schedule(skill_harness):
    h = await skill_harness(FailingTick)
    await h.advance(3 * 60)
    rows = await h.rows(kind="skill_failed")
    assert len(rows) == 3
    assert {(r["data"]["handler"], r["data"]["error"], r["cause"]) for r in rows} == {
        ("tick", "RuntimeError: no tea left", None)}


async def test_schedules_are_listed(skill_harness):
    h = await skill_harness(MondayCall, also=[Every10Minutes])
    listed = {s["id"]: s["schedules"] for s in h.hub.skills.describe()}
    assert listed == {"monday_call": ["call: rrule FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"],
                      "every10_minutes": ["tick: every 0:10:00"]}


# --- next_run, pure ---------------------------------------------------------------------------------------


def _at(hh_mm: str) -> ScheduleSpec:
    h, m = map(int, hh_mm.split(":"))
    return ScheduleSpec("at", at=time(h, m))


def _rule(rule: str) -> ScheduleSpec:
    return ScheduleSpec("rrule", rule=rule)


def test_next_run_every_is_one_interval_later():
    now = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    assert next_run(ScheduleSpec("every", every=timedelta(minutes=5)), now, LONDON) == now + timedelta(minutes=5)


@pytest.mark.parametrize("now, expected", [
    (datetime(2026, 1, 5, 7, 0, tzinfo=SHANGHAI), datetime(2026, 1, 5, 7, 30, tzinfo=SHANGHAI)),
    (datetime(2026, 1, 5, 7, 30, tzinfo=SHANGHAI), datetime(2026, 1, 6, 7, 30, tzinfo=SHANGHAI)),  # not again
    (datetime(2026, 1, 5, 23, 59, tzinfo=SHANGHAI), datetime(2026, 1, 6, 7, 30, tzinfo=SHANGHAI)),
])
def test_next_run_at_is_the_next_such_home_time(now, expected):
    assert next_run(_at("07:30"), now.astimezone(UTC), SHANGHAI) == expected.astimezone(UTC)


def test_next_run_at_follows_summer_time():
    # London moves to BST on 29 March 2026: 07:30 is then 06:30 UTC instead of 07:30 UTC.
    saturday = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    assert next_run(_at("07:30"), saturday, LONDON) == datetime(2026, 3, 29, 6, 30, tzinfo=UTC)
    # ... and back to GMT on 25 October 2026.
    assert next_run(_at("07:30"), datetime(2026, 10, 24, 12, 0, tzinfo=UTC), LONDON) == \
        datetime(2026, 10, 25, 7, 30, tzinfo=UTC)


def test_next_run_at_a_time_the_clocks_skip_runs_once_just_after_the_gap():
    # 01:30 does not exist in London on 29 March 2026 (01:00 GMT -> 02:00 BST): it runs at 02:30 BST.
    before = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    first = next_run(_at("01:30"), before, LONDON)
    assert first == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert first.astimezone(LONDON).strftime("%H:%M %Z") == "02:30 BST"
    assert next_run(_at("01:30"), first, LONDON) == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)


def test_next_run_at_a_time_the_clocks_repeat_runs_once():
    # 01:30 happens twice in London on 25 October 2026 (02:00 BST -> 01:00 GMT): only the first counts.
    start = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)  # 01:00 BST
    first = next_run(_at("01:30"), start, LONDON)
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert next_run(_at("01:30"), first, LONDON) == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)
    # During the repeated hour (01:10 GMT, after 01:30 BST has passed) the next run is never in the past.
    during = datetime(2026, 10, 25, 1, 10, tzinfo=UTC)
    assert next_run(_at("01:30"), during, LONDON) == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)


def test_next_run_rrule_weekly_monday_nine():
    rule = _rule("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0")
    wednesday = datetime(2026, 1, 7, 10, 0, tzinfo=UTC)
    assert next_run(rule, wednesday, LONDON) == datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    monday_0900 = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    assert next_run(rule, monday_0900, LONDON) == datetime(2026, 1, 19, 9, 0, tzinfo=UTC)
    assert next_run(rule, monday_0900 - timedelta(seconds=1), LONDON) == monday_0900


def test_next_run_rrule_follows_summer_time():
    rule = _rule("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0")
    assert next_run(rule, datetime(2026, 3, 25, 12, 0, tzinfo=UTC), LONDON) == \
        datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 09:00 BST


def test_next_run_rrule_in_the_repeated_hour_is_never_in_the_past():
    rule = _rule("FREQ=DAILY;BYHOUR=1;BYMINUTE=30")
    during = datetime(2026, 10, 25, 1, 10, tzinfo=UTC)  # 01:10 GMT, after 01:30 BST has passed
    assert next_run(rule, during, LONDON) == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)
    first = next_run(rule, datetime(2026, 10, 25, 0, 0, tzinfo=UTC), LONDON)
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert next_run(rule, first, LONDON) == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)


def test_next_run_rrule_that_ends_returns_none():
    rule = _rule("FREQ=DAILY;BYHOUR=9;UNTIL=20260110T000000")
    assert next_run(rule, datetime(2026, 1, 9, 10, 0, tzinfo=UTC), UTC) is None


def test_rrule_with_a_count_is_refused():
    # The rule is re-anchored every day, so COUNT would never run out.
    with pytest.raises(ValueError, match="COUNT"):
        rrule("FREQ=DAILY;COUNT=3;BYHOUR=9")
