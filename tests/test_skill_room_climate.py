"""Room climate: temperature and humidity questions answered from the sensors' latest readings, in the room
named or the speaker's, with the reading's age when it is stale, and plainly when there is no sensor."""

from __future__ import annotations

from datetime import datetime

import pytest

from skills.room_climate import RoomClimate
from skills.room_climate.wording import age, join_rooms, number
from skills.sdk import ClimateMeasured, MotionDetected
from tests.assistantkit import HOUSEHOLD

START = datetime(2026, 1, 5, 9, 0)  # a Monday morning, home time


async def _home(skill_harness, **kwargs):
    return await skill_harness(RoomClimate, config=HOUSEHOLD, start=START, **kwargs)


async def test_temperature_and_humidity_of_a_named_room_in_both_languages(skill_harness):
    h = await _home(skill_harness)
    await h.publish(ClimateMeasured(temperature=21.46, humidity=44.6), device="bedroom-thermometer")
    await h.publish(ClimateMeasured(temperature=19.0, humidity=52.0), device="living-thermometer")
    assert (await h.say("how warm is it in the bedroom")).text == "It's 21.5 degrees in the bedroom."
    assert (await h.say("卧室多少度")).text == "卧室现在21.5度。"
    assert (await h.say("how humid is it in the living room")).text == "The humidity in the living room is 52%."
    assert (await h.say("客厅湿度多少")).text == "客厅的湿度是52%。"
    assert (await h.say("what's the temperature in the lounge")).text == "It's 19 degrees in the living room."


async def test_a_stale_reading_is_told_with_its_age(skill_harness):
    h = await _home(skill_harness)
    await h.publish(ClimateMeasured(temperature=21.5, humidity=45.0), device="bedroom-thermometer")
    await h.advance(59 * 60)
    assert (await h.say("how warm is it in the bedroom")).text == "It's 21.5 degrees in the bedroom."
    await h.advance(2 * 3600 + 60)
    assert (await h.say("how warm is it in the bedroom")).text == \
        "The last reading in the bedroom, 3 hours ago, was 21.5 degrees; nothing newer since."
    assert (await h.say("卧室湿度多少")).text == "卧室最近的湿度读数是3小时前的45%，之后没有新的读数。"
    await h.publish(ClimateMeasured(temperature=22.0), device="bedroom-thermometer")
    assert (await h.say("how warm is it in the bedroom")).text == "It's 22 degrees in the bedroom."
    # a reading with only a temperature leaves the last humidity as it was, and as old as it is
    assert (await h.say("how humid is the bedroom")).text == \
        "The last humidity reading in the bedroom, 3 hours ago, was 45%; nothing newer since."


async def test_a_room_without_a_sensor_or_without_a_reading_is_said_plainly(skill_harness):
    h = await _home(skill_harness)
    assert (await h.say("how warm is it in the bathroom")).text == "There's no thermometer in the bathroom."
    assert (await h.say("卫生间多少度")).text == "卫生间没有温度计。"
    assert (await h.say("how humid is it in the kitchen")).text == "There's no humidity sensor in the kitchen."
    assert (await h.say("how warm is it in the living room")).text == \
        "The thermometer in the living room hasn't reported a temperature yet."
    assert (await h.say("客厅温度")).text == "客厅的温度计还没有报告温度。"


async def test_no_room_named_means_the_speakers_room_then_the_persons(skill_harness):
    h = await _home(skill_harness)
    await h.publish(ClimateMeasured(temperature=21.5), device="bedroom-thermometer")
    await h.publish(ClimateMeasured(temperature=19.0), device="living-thermometer")
    assert (await h.say("how warm is it", room="bedroom")).text == "It's 21.5 degrees in the bedroom."
    assert (await h.say("这里多少度", room="living_room")).text == "客厅现在19度。"
    assert (await h.say("how warm is it", person="grandma")).text == \
        "Which room? There's a thermometer in the bedroom and the living room."
    await h.publish(MotionDetected(), device="bedroom-motion")  # grandma was last noticed in the bedroom
    assert (await h.say("what's the temperature", person="grandma")).text == "It's 21.5 degrees in the bedroom."
    assert (await h.say("现在几度啊", person="anna")).text == "哪个房间？卧室和客厅有温度计。"


async def test_readings_are_found_in_the_log_after_a_restart(skill_harness):
    first = await _home(skill_harness)
    await first.publish(ClimateMeasured(temperature=20.5, humidity=40.0), device="living-thermometer")
    await first.stop()
    later = await skill_harness(RoomClimate, config=HOUSEHOLD, start=datetime(2026, 1, 5, 9, 20),
                                database=first.hub.config.database_path)
    assert (await later.say("how warm is it in the living room")).text == "It's 20.5 degrees in the living room."


@pytest.mark.parametrize("seconds, english, chinese", [
    (61 * 60, "61 minutes ago", "61分钟前"),
    (119 * 60, "119 minutes ago", "119分钟前"),
    (2 * 3600, "2 hours ago", "2小时前"),
    (47 * 3600, "47 hours ago", "47小时前"),
    (3 * 86400 + 5, "3 days ago", "3天前"),
])
def test_ages(seconds, english, chinese):
    assert (age(seconds, "en"), age(seconds, "zh-CN")) == (english, chinese)


def test_numbers_and_room_lists():
    assert [number(v, "temperature") for v in (21.0, 21.46, -0.04, 19.96, -2.5)] == ["21", "21.5", "0", "20", "-2.5"]
    assert number(44.6, "humidity") == "45"
    assert join_rooms(["bedroom"], "en") == "bedroom"
    assert join_rooms(["bedroom", "kitchen", "living room"], "en") == "bedroom, the kitchen and the living room"
    assert join_rooms(["卧室", "厨房", "客厅"], "zh-CN") == "卧室、厨房和客厅"
