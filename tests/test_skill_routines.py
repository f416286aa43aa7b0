"""The routines skill: each rule on its scenario, and none of them on an ordinary day."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from firmware_stubs import scenarios
from skills.routines import Routines, RoutineSettings
from skills.routines.windows import DailyWindow, at_clock, parse_clock
from skills.sdk import ContactChanged, LocationReported, MotionDetected, OccupancyChanged

MONDAY = datetime(2026, 1, 5, 6, 0)
LONDON = ZoneInfo("Europe/London")


def alerts(h):
    return [(n.priority, n.alert_kind) for n in h.notifications]


async def resolved(h):
    return [row["data"]["reason"] for row in await h.rows(kind="alert_resolved")]


# --- an ordinary day ---------------------------------------------------------------------------------


async def test_an_ordinary_day_pages_nobody_with_every_rule_on(skill_harness):
    h = await skill_harness(Routines, start=MONDAY)
    await h.play(scenarios.normal_day(day="mon"), until="22:30")  # past the 21:00 baseline check and 22:00
    assert h.notifications == []
    assert h.failures == []
    (assessed,) = await h.rows(kind="routine_day_assessed")
    assert assessed["data"]["enough_history"] is False and assessed["data"]["days"] == 0


# --- rule 1 and rule 6: the morning --------------------------------------------------------------------


async def test_staying_in_bed_all_morning_pages_twice_and_clears_when_she_gets_up(skill_harness):
    h = await skill_harness(Routines, start=MONDAY)
    await h.play(scenarios.no_morning_activity(), until="11:10")  # she gets up at 11:00
    assert alerts(h) == [("medium", "not_up"), ("medium", "no_morning_activity")]
    not_up, morning = h.notifications
    assert not_up.message["en"] == "Margaret is still in bed at 09:30 (in bed since at least 06:30)."
    assert morning.message["en"].startswith("No sign of Margaret this morning: nothing since 06:00")
    assert morning.message["zh"].startswith("今天早上还没有Margaret的动静")
    assert await resolved(h) == ["activity resumed", "activity resumed"]
    assert h.failures == []


async def test_the_morning_rules_can_be_turned_off_per_person(skill_harness):
    settings = {"people": {"grandma": {"morning_check": None, "up_by": None}}}
    h = await skill_harness(Routines, settings=settings, start=MONDAY)
    await h.play(scenarios.no_morning_activity(), until="10:45")
    assert h.notifications == []


async def test_a_later_morning_check_for_a_late_riser(skill_harness):
    settings = {"people": {"grandma": {"morning_check": "11:30", "up_by": "11:30"}}}
    h = await skill_harness(Routines, settings=settings, start=MONDAY)
    await h.play(scenarios.no_morning_activity())
    assert h.notifications == []


# --- rule 2: a long silence during the day --------------------------------------------------------------


async def test_no_motion_for_four_hours_at_home_is_a_medium_alert(skill_harness):
    h = await skill_harness(Routines, start=MONDAY)
    await h.play(scenarios.quiet_day(), until="15:10")
    assert alerts(h) == [("medium", "long_inactivity")]
    assert h.notifications[0].message["en"] == "No movement from Margaret for 4 hours (last seen 10:57, hallway)."
    await h.publish(MotionDetected(), device="kitchen-motion")
    assert await resolved(h) == ["activity resumed"]


async def test_going_out_is_not_inactivity_until_the_longer_away_limit(skill_harness):
    h = await skill_harness(Routines, start=datetime(2026, 1, 5, 9, 0))
    await h.publish(MotionDetected(), device="hallway-motion")
    await h.advance(30)
    await h.publish(ContactChanged(open=True), device="front-door")
    await h.advance(20)
    await h.publish(ContactChanged(open=False), device="front-door")
    await h.publish(LocationReported(lat=31.2330, lon=121.4760), device="grandma-watch")
    await h.advance(6 * 3600)
    assert h.notifications == []  # out for six hours: no page
    await h.advance(2 * 3600 + 120)
    assert alerts(h) == [("medium", "long_inactivity")]
    text = h.notifications[0].message["en"]
    assert text.startswith("Margaret went out at 09:00 and has not been seen at home for 8 hours.")
    assert "31.23300, 121.47600" in text and "openstreetmap.org" in text


# --- rule 3: the bathroom -----------------------------------------------------------------------------


async def test_an_hour_of_nothing_after_the_bathroom_is_a_high_alert_once(skill_harness):
    h = await skill_harness(Routines, start=MONDAY)
    await h.play(scenarios.bathroom_too_long())
    assert alerts(h) == [("high", "bathroom_too_long")]
    (note,) = h.notifications
    assert note.ts.astimezone(LONDON).time() >= time(10, 20)
    assert "last seen in the bathroom at 09:20" in note.message["en"] and "浴室" in note.message["zh"]
    # Why was I paged: the alert <- the anomaly <- the last bathroom motion.
    (row,) = await h.rows(kind="alert_requested")
    (noticed,) = await h.rows(kind="routine_anomaly_noticed")
    assert row["cause"] == noticed["id"] and noticed["data"]["rule"] == "bathroom_too_long"
    (cause,) = [r for r in await h.rows(kind="motion_detected") if r["id"] == noticed["cause"]]
    assert cause["device"] == "bathroom-motion"
    await h.advance(3600)
    assert len(h.notifications) == 1  # one alert per episode
    await h.publish(MotionDetected(), device="hallway-motion")
    assert await resolved(h) == ["activity resumed"]


async def test_moving_about_in_the_bathroom_restarts_the_count(skill_harness):
    h = await skill_harness(Routines, start=datetime(2026, 1, 5, 9, 0))
    for _ in range(4):
        await h.publish(MotionDetected(), device="bathroom-motion")
        await h.advance(40 * 60)
    assert h.notifications == []


# --- rule 4: the front door at night ------------------------------------------------------------------


async def test_night_wandering_is_a_high_alert_with_the_watch_position_and_clears_when_she_is_back(skill_harness):
    h = await skill_harness(Routines, start=datetime(2026, 1, 5, 1, 0))
    await h.play(scenarios.night_wandering())
    assert alerts(h) == [("high", "night_exit")]
    (note,) = h.notifications
    assert note.message["en"].startswith("The front door opened at 02:30 and Margaret is not back after 15 minutes.")
    assert "The watch was last at" in note.message["en"] and "(02:44)" in note.message["en"]
    assert note.message["zh"].startswith("大门在02:30打开")
    assert await resolved(h) == ["activity resumed"]  # back at 03:13: door closed, then the bedroom


async def test_opening_the_door_at_night_and_coming_straight_back_pages_nobody(skill_harness):
    h = await skill_harness(Routines, start=datetime(2026, 1, 5, 23, 0))
    await h.publish(OccupancyChanged(occupied=True), device="bed")
    await h.publish(ContactChanged(open=False), device="front-door")
    await h.advance(3600)
    await h.publish(ContactChanged(open=True), device="front-door")
    await h.advance(60)
    await h.publish(ContactChanged(open=False), device="front-door")
    await h.publish(MotionDetected(), device="hallway-motion")
    await h.advance(30 * 60)
    assert h.notifications == []


async def test_the_door_left_open_with_nobody_moving_inside_still_pages(skill_harness):
    h = await skill_harness(Routines, start=datetime(2026, 1, 5, 23, 0))
    await h.publish(ContactChanged(open=True), device="front-door")
    await h.publish(MotionDetected(), device="hallway-motion")  # inside, but the door is not closed
    await h.advance(16 * 60)
    assert alerts(h) == [("high", "night_exit")]


# --- rule 5: the fridge -------------------------------------------------------------------------------


async def test_a_fridge_left_shut_through_the_waking_hours_is_a_low_alert(skill_harness):
    h = await skill_harness(Routines, settings={"defaults": {"untouched_hours": {"fridge": 4}}}, start=MONDAY)
    await h.play(scenarios.fridge_untouched(), until="11:30")
    assert alerts(h) == [("low", "fridge_untouched")]
    assert h.notifications[0].message["en"] == \
        "Margaret has not opened the fridge for 4 waking hours (not opened since 06:00)."
    await h.publish(ContactChanged(open=True), device="fridge")
    assert await resolved(h) == ["activity resumed"]


async def test_the_night_does_not_count_towards_the_fridge(skill_harness):
    h = await skill_harness(Routines, start=datetime(2026, 1, 5, 18, 0))
    await h.publish(ContactChanged(open=True), device="fridge")
    await h.publish(ContactChanged(open=False), device="fridge")
    await h.publish(MotionDetected(), device="kitchen-motion")
    # 18:00 to 07:00 next morning is 13 hours, but only 4 of them (18:00-22:00) are waking hours.
    for _ in range(13):
        await h.advance(3600)
        await h.publish(MotionDetected(), device="kitchen-motion")
    assert [n for n in h.notifications if n.alert_kind == "fridge_untouched"] == []


# --- settings and the pure helpers ---------------------------------------------------------------------


def test_settings_report_bad_times_windows_and_rules():
    with pytest.raises(ValidationError, match="clock time"):
        RoutineSettings(defaults={"morning_check": "25:00"})
    with pytest.raises(ValidationError, match="window"):
        RoutineSettings(people={"grandma": {"night_window": "22:00"}})
    with pytest.raises(ValidationError, match="unknown rule"):
        RoutineSettings(defaults={"priorities": {"falling": "high"}})


def test_daily_windows_wrap_midnight_and_count_only_their_hours():
    night = DailyWindow.parse("22:00-06:00")
    at = lambda h, m=0, d=5: datetime(2026, 1, d, h, m, tzinfo=LONDON)  # noqa: E731
    assert night.contains(at(23)) and night.contains(at(2)) and not night.contains(at(6)) and not night.contains(at(12))
    assert night.opened(at(2, d=6)) == at(22, d=5)
    day = DailyWindow.parse("07:00-22:00")
    assert day.overlap_seconds(at(18), at(9, d=6)) == (4 + 2) * 3600
    assert day.overlap_seconds(at(9), at(8)) == 0
    # The spring-forward night: 22:00-06:00 is 7 real hours.
    assert night.overlap_seconds(datetime(2026, 3, 28, 12, tzinfo=LONDON), datetime(2026, 3, 29, 12, tzinfo=LONDON)) \
        == 7 * 3600
    assert at_clock(datetime(2026, 3, 29).date(), parse_clock("01:30"), LONDON).hour == 2  # skipped: just after


async def test_after_a_restart_the_skill_remembers_the_last_sign_from_the_log(skill_harness):
    first = await skill_harness(Routines, start=MONDAY)
    await first.play(scenarios.quiet_day(), until="12:00")
    await first.stop()
    again = await skill_harness(Routines, start=datetime(2026, 1, 5, 12, 0), database=first.hub.config.database_path)
    await again.advance(3 * 3600)
    assert alerts(again) == [("medium", "long_inactivity")]
    assert "last seen 10:57, hallway" in again.notifications[0].message["en"]


async def test_a_night_exit_that_ended_before_a_restart_stays_ended(skill_harness):
    first = await skill_harness(Routines, start=datetime(2026, 1, 5, 1, 0))
    await first.play(scenarios.night_wandering())
    assert alerts(first) == [("high", "night_exit")]
    await first.stop()
    again = await skill_harness(Routines, start=datetime(2026, 1, 5, 3, 50), database=first.hub.config.database_path)
    await again.advance(30 * 60)
    assert again.notifications == [] and again.failures == []
