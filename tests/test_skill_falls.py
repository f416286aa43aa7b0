"""The falls skill: ask, a cancel window on the fake clock, and a high alert when nobody calls it off."""

from __future__ import annotations

import math
from datetime import datetime

from firmware_stubs import scenarios
from firmware_stubs.scenarios import Scenario, Step
from skills.falls import Falls
from skills.sdk import AccelerationSampled, ButtonPressed, FallDetected, MotionDetected, StepsCounted

RATE = 50.0


SILENCE = 10.0
"""Seconds after a lone burst by which its impacts have been judged on what there is (the device went quiet)."""


def fall_trace() -> tuple[tuple[float, float, float], ...]:
    upright = [(0.0, 0.0, 1.0)] * int(3 * RATE)
    drop = [(0.0, 0.0, 1 - 0.7 * math.sin(math.pi * i / 25)) for i in range(25)]
    hit = [(2.0, 0.0, 0.0), (3.2, 0.0, 0.0), (4.0, 0.0, 0.0), (3.2, 0.0, 0.0), (2.0, 0.0, 0.0)]  # ~0.1 s
    lying = [(1.0, 0.0, 0.0)] * int(4 * RATE)
    return tuple(upright + drop + hit + lying)


async def test_no_answer_within_the_window_pages_caregivers_with_room_and_time(skill_harness):
    h = await skill_harness(Falls)
    await h.publish(MotionDetected(), device="kitchen-motion")
    fall = await h.publish(FallDetected(), device="grandma-watch")
    assert h.replies == ["Did you fall? Are you OK? Say \"I'm OK\" if you are."]
    assert h.published[0][0] == "carehub/home/kitchen-speaker/set"   # asked on grandma's speaker
    await h.advance(29)
    assert h.notifications == []
    await h.advance(1)
    (note,) = h.notifications
    assert note.priority == "high" and note.person == "grandma" and note.self_cancel
    assert "in the kitchen at 08:00" in note.message["en"] and "(no answer)" in note.message["en"]
    chain = await h.hub.reader.cause_chain(note.id)
    assert chain[-1]["id"] == fall.id  # the page is linked to the fall


async def test_saying_im_ok_calls_it_off(skill_harness):
    h = await skill_harness(Falls)
    await h.publish(FallDetected(), device="grandma-watch")
    await h.say("I'm OK", person="grandma")
    await h.advance(60)
    assert h.notifications == []
    assert h.replies[-1] == "Alright, I won't call anyone."


async def test_the_panic_buttons_cancel_calls_it_off(skill_harness):
    h = await skill_harness(Falls)
    await h.publish(FallDetected(), device="grandma-watch")
    await h.publish(ButtonPressed(action="cancel"), device="panic-button")
    await h.advance(60)
    assert h.notifications == []


async def test_asking_for_help_pages_at_once(skill_harness):
    h = await skill_harness(Falls)
    await h.publish(FallDetected(), device="grandma-watch")
    await h.say("help, I can't get up", person="grandma")
    (note,) = h.notifications
    assert "asked for help" in note.message["en"]
    assert h.replies[-1] == "I'm calling your family now. Help is coming."


async def test_a_fall_found_in_accelerometer_samples_starts_the_same_response(skill_harness):
    h = await skill_harness(Falls)
    await h.publish(AccelerationSampled(rate_hz=RATE, samples=fall_trace()), device="grandma-watch")
    await h.advance(SILENCE)  # a lone burst: its 4 s of aftermath are judged once the watch has gone quiet
    detected = [e for e in h.of(FallDetected)]
    assert len(detected) == 1 and detected[0].source == "detector" and detected[0].person == "grandma"
    assert h.replies == ["Did you fall? Are you OK? Say \"I'm OK\" if you are."]
    await h.advance(30)
    assert [n.priority for n in h.notifications] == ["high"]


async def test_walking_samples_are_not_a_fall(skill_harness):
    h = await skill_harness(Falls)
    walk = tuple((0.2 * math.sin(i / 4), 0.0, 1.0 + 0.3 * math.sin(i / 3)) for i in range(400))
    await h.publish(AccelerationSampled(rate_hz=RATE, samples=walk), device="grandma-watch")
    assert h.of(FallDetected) == [] and h.replies == []


async def test_the_simulators_fall_is_found_and_the_watchs_own_report_is_not_a_second_alarm(skill_harness):
    import random

    from firmware_stubs.scenarios import fall_accelerometer

    h = await skill_harness(Falls)
    burst = tuple(tuple(s) for s in fall_accelerometer(random.Random(3)))
    await h.publish(AccelerationSampled(rate_hz=50.0, samples=burst), device="grandma-watch")
    await h.advance(1)
    await h.publish(FallDetected(), device="grandma-watch")  # the watch says so too, a moment later
    await h.advance(SILENCE)                                 # carehub's verdict comes once the watch is quiet
    assert [e.source for e in h.of(FallDetected)] == ["device", "detector"]
    assert len(h.replies) == 1  # asked once
    await h.advance(30)
    assert len(h.notifications) == 1


def walking_trace(seconds: float = 3.0) -> tuple[tuple[float, float, float], ...]:
    out = []
    for i in range(int(seconds * RATE)):
        phase = 2 * math.pi * 1.8 * i / RATE
        out.append((0.12 * math.sin(phase), 0.05 * math.cos(phase), 1.0 + 0.3 * math.sin(2 * phase)))
    return tuple(out)


async def test_getting_up_and_walking_in_the_window_calls_it_off(skill_harness):
    h = await skill_harness(Falls)
    await h.publish(AccelerationSampled(rate_hz=RATE, samples=fall_trace()), device="grandma-watch")
    await h.advance(SILENCE)
    assert len(h.of(FallDetected)) == 1
    await h.publish(AccelerationSampled(rate_hz=RATE, samples=walking_trace()), device="grandma-watch")
    await h.advance(60)
    assert h.notifications == []
    assert h.replies[-1] == "Alright, I won't call anyone."


async def test_rolling_over_on_the_floor_is_not_getting_up(skill_harness):
    h = await skill_harness(Falls)
    await h.publish(AccelerationSampled(rate_hz=RATE, samples=fall_trace()), device="grandma-watch")
    rolled = tuple((0.0, 1.0, 0.0) for _ in range(int(3 * RATE)))   # on her back now, lying still
    await h.advance(SILENCE)
    await h.publish(AccelerationSampled(rate_hz=RATE, samples=rolled), device="grandma-watch")
    await h.advance(30)
    (note,) = h.notifications
    assert note.priority == "high" and "(no answer)" in note.message["en"]


async def test_steps_counted_after_the_fall_call_it_off(skill_harness):
    h = await skill_harness(Falls)
    await h.publish(StepsCounted(steps=1200), device="grandma-watch")
    await h.publish(FallDetected(), device="grandma-watch")
    await h.advance(5)
    await h.publish(StepsCounted(steps=1203), device="grandma-watch")     # shuffling: not yet
    await h.advance(5)
    assert not h.notifications
    await h.publish(StepsCounted(steps=1215), device="grandma-watch")
    await h.advance(60)
    assert h.notifications == []


async def test_the_simulated_fall_she_gets_up_from_pages_nobody(skill_harness):
    fall = scenarios.fall()
    steps = list(fall.steps)
    at = next(s.at for s in steps if s.action == "fall") + 12     # 12 s after the watch's verdict
    walk = [list(v) for v in walking_trace()]
    steps.append(Step(at=at, device="grandma-watch", action="report",
                      args={"accel": {"rate_hz": RATE, "samples": walk}}))
    steps.sort(key=lambda s: s.at)
    h = await skill_harness(Falls, start=datetime(2026, 1, 5, 7, 0))
    await h.play(Scenario("fall_gets_up", "grandma falls, then gets up and walks", fall.starts_at,
                          at + 120, steps))
    assert any(f.source == "detector" for f in h.of(FallDetected))
    assert h.notifications == []
    assert "Alright, I won't call anyone." in h.replies


async def test_the_alert_names_the_room_in_chinese(skill_harness):
    h = await skill_harness(Falls)
    await h.publish(MotionDetected(), device="hallway-motion")
    await h.publish(FallDetected(), device="grandma-watch")
    await h.advance(30)
    (note,) = h.notifications
    assert "在走廊摔倒（无人应答）" in note.message["zh"]


# -- a hub that stops in the cancel window: one real SQLite file, a new hub on it -----------------------------


async def test_a_fall_whose_window_ran_out_while_carehub_was_off_pages_at_the_next_start(skill_harness):
    h = await skill_harness(Falls)
    await h.publish(MotionDetected(), device="kitchen-motion")
    fall = await h.publish(FallDetected(), device="grandma-watch")
    await h.advance(10)
    database, fell_at = h.hub.config.database_path, h.clock.now()
    await h.stop()  # carehub stops (a power cut, a crash) with grandma's fall still being asked about

    h = await skill_harness(Falls, start=fell_at.replace(minute=fell_at.minute + 5), database=database)
    await h.advance(0)
    (note,) = h.notifications
    assert note.priority == "high" and note.person == "grandma"
    assert "at 08:00" in note.message["en"] and "carehub was off during the cancel window" in note.message["en"]
    chain = [row["id"] for row in await h.hub.reader.cause_chain(note.id)]
    assert chain[-1] == fall.id  # still linked to the fall: "why was I paged?" leads to it
    (ended,) = await h.rows(kind="fall_check_ended")
    assert ended["data"]["fall_id"] == fall.id and ended["data"]["alerted"] is True

    h = await skill_harness(Falls, start=fell_at.replace(minute=fell_at.minute + 9), database=database)
    await h.advance(60)
    assert h.notifications == []  # ended: never taken up again


async def test_a_fall_with_time_left_in_its_window_is_asked_again_after_a_restart(skill_harness):
    h = await skill_harness(Falls)
    fall = await h.publish(FallDetected(), device="grandma-watch")
    await h.advance(5)
    database, fell_at = h.hub.config.database_path, h.clock.now()
    await h.stop()

    h = await skill_harness(Falls, start=fell_at.replace(second=fell_at.second + 5), database=database)
    await h.advance(0)
    assert h.replies == ["Did you fall? Are you OK? Say \"I'm OK\" if you are."]  # 20 s of the 30 left
    (resumed,) = await h.rows(kind="fall_check_resumed")
    assert resumed["cause"] == fall.id and resumed["data"]["seconds_left"] == 20
    await h.say("I'm OK", person="grandma")
    await h.advance(60)
    assert h.notifications == []
    (ended,) = await h.rows(kind="fall_check_ended")
    assert ended["data"]["alerted"] is False and ended["data"]["outcome"].startswith("answered")
