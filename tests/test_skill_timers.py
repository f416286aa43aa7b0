"""Timers: started by voice, announced in the room they were set in at the right time on the fake clock,
asked about, changed and cancelled; several at once; kept across a restart."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from skills.sdk import MotionDetected
from skills.timers import Timers
from skills.timers.model import Timer, clean_name, one_of, select, slot_seconds
from skills.timers.wording import duration, label, length
from tests.assistantkit import HOUSEHOLD, speaker_said

START = datetime(2026, 1, 5, 9, 0)  # a Monday morning, home time (London: UTC in January)


async def _timers(skill_harness, **kwargs):
    return await skill_harness(Timers, config=HOUSEHOLD, start=kwargs.pop("start", START), **kwargs)


async def test_a_timer_rings_in_the_room_it_was_set_in_when_its_time_is_up(skill_harness):
    h = await _timers(skill_harness)
    reply = await h.say("set a timer for ten minutes", room="bedroom", person="grandma")
    assert reply.text == "OK, a timer for 10 minutes, starting now."
    await h.advance(10 * 60 - 1)
    assert speaker_said(h.published) == []
    await h.advance(1)
    assert speaker_said(h.published) == [("bedroom-speaker", "Time's up: the 10 minute timer is done.", "en")]
    (finished,) = await h.rows(kind="timer_finished")
    (started,) = await h.rows(kind="timer_started")
    assert datetime.fromisoformat(finished["ts"]) == h.clock.now() and finished["data"]["room"] == "bedroom"
    assert finished["data"]["timer"] == started["data"]["timer"] and finished["person"] == "grandma"
    assert started["data"]["due"] == datetime(2026, 1, 5, 9, 10, tzinfo=timezone.utc).isoformat()
    await h.advance(3600)
    assert len(speaker_said(h.published)) == 1


async def test_a_timer_set_in_chinese_rings_in_chinese(skill_harness):
    h = await _timers(skill_harness)
    assert (await h.say("定一个一个半小时的计时器", room="leo-room")).text == "好的，1小时30分钟的计时器开始了。"
    await h.advance(90 * 60)
    assert speaker_said(h.published) == [("leo-speaker", "时间到了：1小时30分钟的计时器到时间了。", "zh-CN")]


async def test_without_a_room_it_rings_where_its_setter_is(skill_harness):
    h = await _timers(skill_harness)
    await h.say("set a timer for 2 minutes", person="grandma")
    await h.publish(MotionDetected(), device="bedroom-motion")  # she went to the bedroom meanwhile
    await h.advance(120)
    assert speaker_said(h.published) == [("bedroom-speaker", "Time's up: the 2 minute timer is done.", "en")]


async def test_how_long_is_left_in_both_languages(skill_harness):
    h = await _timers(skill_harness)
    assert (await h.say("how long is left on the timer")).text == "There's no timer running."
    await h.say("set a timer for ten minutes", room="kitchen")
    await h.advance(5 * 60 + 30)
    assert (await h.say("how much time is left on the timer")).text == \
        "The 10 minute timer has 4 minutes and 30 seconds left."
    assert (await h.say("计时器还剩多久")).text == "10分钟的计时器还剩4分30秒。"
    assert (await h.say("how much time is left on the pasta timer")).text == "I can't find that timer."


async def test_a_cancelled_timer_never_rings(skill_harness):
    h = await _timers(skill_harness)
    await h.say("set a timer for ten minutes", room="kitchen")
    await h.advance(60)
    assert (await h.say("cancel the timer")).text == "Cancelled the 10 minute timer."
    await h.advance(3600)
    assert speaker_said(h.published) == []
    (cancelled,) = await h.rows(kind="timer_cancelled")
    assert cancelled["data"]["left_seconds"] == 540
    assert (await h.say("取消计时器")).text == "现在没有计时器。"


async def test_two_timers_at_once(skill_harness):
    h = await _timers(skill_harness)
    assert (await h.say("set a pasta timer for ten minutes", room="kitchen")).text == \
        "OK, the pasta timer is set for 10 minutes."
    await h.say("set a timer for four minutes", room="living_room")
    assert (await h.say("how long is left on my timers")).text == (
        "You have 2 timers. The 4 minute timer has 4 minutes left. The pasta timer has 10 minutes left.")
    assert (await h.say("cancel the timer")).text == "Which timer: the 4 minute timer or the pasta timer?"
    await h.advance(4 * 60)
    assert speaker_said(h.published) == [("living-speaker", "Time's up: the 4 minute timer is done.", "en")]
    await h.advance(6 * 60)
    assert speaker_said(h.published)[1] == ("kitchen-speaker", "Time's up: the pasta timer is done.", "en")


async def test_the_speakers_room_tells_which_timer_and_a_name_picks_one(skill_harness):
    h = await _timers(skill_harness)
    await h.say("set a pasta timer for ten minutes", room="kitchen")
    await h.say("set a timer for four minutes", room="living_room")
    assert (await h.say("cancel the timer", room="kitchen")).text == "Cancelled the pasta timer."
    await h.say("set an egg timer for 6 minutes", room="kitchen")
    assert (await h.say("取消所有计时器")).text == "已取消2个计时器。"
    await h.advance(3600)
    assert speaker_said(h.published) == []


async def test_adding_and_taking_off_time(skill_harness):
    h = await _timers(skill_harness)
    await h.say("set a timer for ten minutes", room="kitchen")
    assert (await h.say("add 5 minutes to the timer")).text == \
        "Added 5 minutes to the 10 minute timer; it has 15 minutes left."
    assert (await h.say("计时器减两分钟")).text == "已给10分钟的计时器减了2分钟，还剩13分钟。"
    await h.advance(10 * 60)  # the first ring time passes: the timer was lengthened
    assert speaker_said(h.published) == []
    await h.advance(3 * 60)
    assert [text for _, text, _ in speaker_said(h.published)] == ["Time's up: the 10 minute timer is done."]
    assert [r["data"]["change"] for r in await h.rows(kind="timer_adjusted")] == ["removed", "added"]


async def test_taking_off_more_than_is_left_ends_the_timer(skill_harness):
    h = await _timers(skill_harness)
    await h.say("set a timer for 3 minutes", room="kitchen")
    assert (await h.say("take 5 minutes off the timer")).text == "Took 5 minutes off the 3 minute timer; its time is up."
    assert speaker_said(h.published) == [("kitchen-speaker", "Time's up: the 3 minute timer is done.", "en")]


async def test_pausing_and_resuming(skill_harness):
    h = await _timers(skill_harness)
    await h.say("set a timer for ten minutes", room="kitchen")
    await h.advance(4 * 60)
    assert (await h.say("pause the timer")).text == "Paused the 10 minute timer with 6 minutes left."
    await h.advance(30 * 60)
    assert speaker_said(h.published) == []
    assert (await h.say("how long is left on the timer")).text == "The 10 minute timer is paused with 6 minutes left."
    assert (await h.say("继续计时器")).text == "已继续10分钟的计时器，还剩6分钟。"
    await h.advance(6 * 60)
    assert len(speaker_said(h.published)) == 1


async def test_a_command_for_later_is_not_taken_for_a_timer(skill_harness):
    h = await _timers(skill_harness)
    reply = await h.say("in five minutes turn off the kitchen light")
    assert reply.intent == "HassStartTimer" and reply.text.startswith("I can't do things later yet")
    assert await h.rows(kind="timer_started") == []


async def test_timers_survive_a_restart_and_one_that_ran_out_meanwhile_is_announced_once(skill_harness):
    first = await _timers(skill_harness)
    await first.say("set a timer for ten minutes", room="kitchen")
    await first.say("set a pasta timer for thirty minutes", room="living_room")
    await first.say("计时器暂停", room="living_room")  # the pasta timer, the one in the living room
    await first.say("set an egg timer for 40 minutes", room="bedroom")
    await first.advance(2 * 60)
    await first.stop()

    # The hub is down from 09:02 to 09:20: the 10 minute timer ran out at 09:10.
    later = await _timers(skill_harness, start=START + timedelta(minutes=20), database=first.hub.config.database_path)
    assert speaker_said(later.published) == [
        ("kitchen-speaker", "Sorry, I was off when the 10 minute timer ran out, 10 minutes ago.", "en")]
    (late,) = await later.rows(kind="timer_finished")
    assert late["data"]["late_seconds"] == 600
    assert (await later.say("how long is left on my timers")).text == (
        "You have 2 timers. The egg timer has 20 minutes left. The pasta timer is paused with 30 minutes left.")
    await later.advance(20 * 60)
    assert speaker_said(later.published)[1] == ("bedroom-speaker", "Time's up: the egg timer is done.", "en")
    await later.stop()

    again = await _timers(skill_harness, start=START + timedelta(hours=2), database=first.hub.config.database_path)
    assert speaker_said(again.published) == []  # announced once, not at every start
    assert (await again.say("resume the pasta timer")).text == "Resumed the pasta timer; it has 30 minutes left."


# --- pure parts ---------------------------------------------------------------------------------------------

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def _timer(id: str, seconds: int, **kwargs) -> Timer:
    return Timer(id=id, seconds=seconds, started=NOW, due=NOW + timedelta(seconds=seconds), **kwargs)


def test_which_timers_a_request_means():
    pasta = _timer("a", 600, name="pasta", room="kitchen")
    eggs = _timer("b", 240, room="kitchen")
    tea = _timer("c", 240, room="living_room")
    timers = [pasta, eggs, tea]
    assert select(timers) == [eggs, tea, pasta]  # soonest first
    assert select(timers, name="the Pasta") == [pasta]
    assert select(timers, start_seconds=240) == [eggs, tea]
    assert select(timers, area="living_room") == [tea]
    assert one_of([eggs, tea], "living_room") == tea
    assert one_of([eggs, tea], None) is None
    assert one_of([pasta, eggs], "kitchen") is None


@pytest.mark.parametrize("slots, prefix, seconds", [
    ({"minutes": 10}, "", 600),
    ({"minutes": 10.0, "seconds": 30}, "", 630),
    ({"hours": 1, "minutes": 30}, "", 5400),
    ({"start_minutes": 5, "minutes": 2}, "start_", 300),
    ({}, "", 0),
])
def test_seconds_from_slots(slots, prefix, seconds):
    assert slot_seconds(slots, prefix) == seconds


def test_names_and_words():
    assert [clean_name(n) for n in ("my homework", "the pasta", "  ", None, "那个意面")] == \
        ["homework", "pasta", None, None, "意面"]
    assert [duration(s, "en") for s in (30, 60, 270, 3600, 3900, 3930)] == [
        "30 seconds", "1 minute", "4 minutes and 30 seconds", "1 hour", "1 hour and 5 minutes", "1 hour and 5 minutes"]
    assert [duration(s, "zh-CN") for s in (30, 600, 270, 5400)] == ["30秒", "10分钟", "4分30秒", "1小时30分钟"]
    assert [length(s, "en") for s in (600, 5400, 45)] == ["10 minute", "1 hour 30 minute", "45 second"]
    assert label(_timer("a", 600, name="pasta"), "en") == "the pasta timer"
    assert label(_timer("a", 600), "zh-CN") == "10分钟的计时器"


def test_a_timer_reads_back_from_the_store():
    timer = _timer("a", 600, name="pasta", room="kitchen", person="grandma", language="zh-CN")
    assert Timer.from_json(timer.to_json()) == timer
    paused = timer.paused(NOW + timedelta(minutes=4))
    assert paused.due is None and paused.left(NOW + timedelta(hours=1)) == 360
    assert Timer.from_json(paused.to_json()) == paused
    assert paused.resumed(NOW + timedelta(hours=1)).due == NOW + timedelta(hours=1, minutes=6)


async def test_a_timer_named_by_what_it_times_is_set_asked_about_and_switched_off(skill_harness):
    h = await _timers(skill_harness)
    reply = await h.say("rice timer twelve minutes please", room="kitchen")
    assert reply.intent == "HassStartTimer" and "12 minute" in reply.text, reply
    await h.advance(2 * 60)
    assert (await h.say("how many minutes are there left on the rice")).text == \
        "The rice timer has 10 minutes left."
    assert (await h.say("turn that timer off")).text == "Cancelled the rice timer."
    await h.advance(3600)
    assert speaker_said(h.published) == []
