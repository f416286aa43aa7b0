"""The skill harness replays household-simulator scenarios through the hub's real decoder."""

from __future__ import annotations

from datetime import datetime

from firmware_stubs import scenarios
from skills.falls import Falls
from skills.medication import Medication
from skills.sdk import FallDetected, MotionDetected, VitalSignsMeasured

PILLS = {"doses": [{"name": "heart pills", "person": "grandma", "rrule": "FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0"}]}


async def test_the_fall_scenario_ends_in_a_high_alert(skill_harness):
    h = await skill_harness(Falls, start=datetime(2026, 1, 5, 7, 0))
    sent = await h.play(scenarios.fall())
    assert sent > 50
    assert h.of(MotionDetected) and h.of(VitalSignsMeasured) and h.of(FallDetected)
    assert any("Did you fall" in r for r in h.replies)
    (note,) = [n for n in h.notifications if n.priority == "high"]
    assert note.person == "grandma"
    assert await h.rows(kind="fall_detected")


async def test_a_normal_day_with_pills_taken_pages_nobody(skill_harness):
    h = await skill_harness(Medication, settings=PILLS, start=datetime(2026, 1, 5, 6, 0))
    await h.play(scenarios.normal_day(day="mon"))
    assert h.notifications == []


async def test_a_day_without_the_pillbox_pages_a_caregiver(skill_harness):
    h = await skill_harness(Medication, settings=PILLS, start=datetime(2026, 1, 5, 6, 0))
    await h.play(scenarios.missed_medication(day="mon"))
    kinds = [(n.priority, n.alert_kind) for n in h.notifications]
    assert kinds == [("medium", "missed_dose"), ("medium", "missed_dose")]


async def test_a_scenario_cannot_start_in_the_past(skill_harness):
    h = await skill_harness(Falls, start=datetime(2026, 1, 5, 12, 0))
    try:
        await h.play(scenarios.fall())
    except ValueError as error:
        assert "starts at 07:50" in str(error)
    else:
        raise AssertionError("expected a ValueError")
