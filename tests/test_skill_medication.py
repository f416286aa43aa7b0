"""Medication: reminders on an RRULE, confirmation by voice or pillbox, repeats, a missed-dose alert."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from skills.medication import Medication, occurrences
from skills.sdk import PillboxOpened

START = datetime(2026, 1, 5, 7, 55, tzinfo=timezone.utc)  # a Monday, 07:55 in London
SETTINGS = {"doses": [{"name": "blood pressure pills", "person": "grandma",
                       "rrule": "FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0", "window_minutes": 60,
                       "remind_every_minutes": 15}]}
REMINDER = "It's time for your blood pressure pills."


def test_occurrences_of_a_rule_on_a_day():
    zone = ZoneInfo("Europe/London")
    times = occurrences("FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0", date(2026, 1, 5), zone)
    assert [t.strftime("%H:%M") for t in times] == ["08:00", "20:00"]
    assert occurrences("FREQ=WEEKLY;BYDAY=TU;BYHOUR=9", date(2026, 1, 5), zone) == []


async def test_reminded_at_the_dose_time_and_confirmed_by_voice(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=START)
    await h.advance(4 * 60)
    assert h.replies == []
    await h.advance(60)
    assert h.replies == [REMINDER]
    reply = await h.say("I took my pills", person="grandma")
    assert reply.text == "Thank you, I've noted your blood pressure pills."
    await h.advance(2 * 3600)
    assert h.notifications == [] and h.replies.count(REMINDER) == 1
    assert await h.hub.skills.loaded["medication"].instance.adherence("grandma", "2026-01-05") == {"taken": 1, "missed": 0}


async def test_reminders_repeat_then_a_missed_dose_pages_a_caregiver(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=START)
    await h.advance(5 * 60 + 45 * 60)          # 08:45: reminded at 08:00, 08:15, 08:30, 08:45
    assert h.replies.count(REMINDER) == 4
    assert h.notifications == []
    await h.advance(15 * 60)                   # 09:00: the window closes
    (note,) = h.notifications
    assert note.priority == "medium" and note.person == "grandma"
    assert "was not taken (due 08:00)" in note.message["en"]
    assert await h.hub.skills.loaded["medication"].instance.adherence("grandma", "2026-01-05") == {"taken": 0, "missed": 1}


async def test_opening_the_pillbox_confirms_even_a_little_early(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=START)
    await h.publish(PillboxOpened(compartment="mon-am"), device="pillbox")   # 07:55, five minutes early
    await h.advance(2 * 3600)
    assert h.replies == [] and h.notifications == []


async def test_chinese_confirmation(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=START)
    await h.advance(5 * 60)
    assert (await h.say("我吃过药了", person="grandma")).text == "好的，已记下您吃了blood pressure pills。"


async def test_a_confirm_button_press_confirms_the_dose(skill_harness):
    from skills.sdk import ButtonPressed

    settings = {**SETTINGS, "confirm_buttons": ["panic-button"], "confirm_action": "double"}
    h = await skill_harness(Medication, settings=settings, start=START)
    await h.advance(5 * 60)
    await h.publish(ButtonPressed(action="single"), device="panic-button")   # not the confirm action
    await h.publish(ButtonPressed(action="double"), device="panic-button")
    assert h.replies == [REMINDER, "Thank you, I've noted your blood pressure pills."]
    await h.advance(2 * 3600)
    assert h.notifications == []


async def test_the_first_reminder_also_goes_to_the_persons_phone(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=START)   # the demo household has grandma-phone
    await h.advance(5 * 60 + 15 * 60)
    phone = [payload for topic, payload in h.published if topic == "carehub/home/grandma-phone/set"]
    assert len(phone) == 1 and phone[0]["notify"] == REMINDER and phone[0]["title"] == "carehub"
    assert h.replies.count(REMINDER) == 2   # the speaker repeats; the phone is told once
