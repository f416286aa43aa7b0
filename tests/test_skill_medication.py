"""Medication: reminders on an RRULE, confirmation by voice or pillbox, repeats, a missed-dose alert."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from skills.medication import Medication, occurrences
from skills.sdk import PillboxOpened

START = datetime(2026, 1, 5, 7, 55, tzinfo=timezone.utc)  # a Monday, 07:55 in London
SETTINGS = {"doses": [{"name": "blood pressure pills", "person": "grandma",
                       "rrule": "FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0", "window_minutes": 60,
                       "remind_every_minutes": 15}]}
REMINDER = "It's time for your blood pressure pills."


async def adherence(h, day: str = "2026-01-05") -> dict[str, int]:
    return await h.hub.skills.loaded["medication"].instance.adherence("grandma", day)


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
    assert await adherence(h) == {"scheduled": 2, "taken": 1, "missed": 0, "unobserved": 0, "pending": 1}


async def test_reminders_repeat_then_a_missed_dose_pages_a_caregiver(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=START)
    await h.advance(5 * 60 + 45 * 60)          # 08:45: reminded at 08:00, 08:15, 08:30, 08:45
    assert h.replies.count(REMINDER) == 4
    assert h.notifications == []
    await h.advance(15 * 60)                   # 09:00: the window closes
    (note,) = h.notifications
    assert note.priority == "medium" and note.person == "grandma"
    assert "was not taken (due 08:00)" in note.message["en"]
    assert await adherence(h) == {"scheduled": 2, "taken": 0, "missed": 1, "unobserved": 0, "pending": 1}


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


async def test_the_adherence_tool_names_a_bad_day(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=START)
    with pytest.raises(ValueError, match="day: not a date: 'yesterday'"):
        await adherence(h, "yesterday")


# -- across restarts of the hub: one real SQLite file, a fake clock started anew each time ---------------------


def at(hhmm: str) -> datetime:
    """A time on 5 January 2026 (London is on UTC in January)."""
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime(2026, 1, 5, hours, minutes, tzinfo=timezone.utc)


async def restart(skill_harness, h, when: str, settings=SETTINGS):
    """Stop ``h`` and start a new hub on the same log at ``when``."""
    database = h.hub.config.database_path
    await h.stop()
    return await skill_harness(Medication, settings=settings, start=at(when), database=database)


async def until(h, when: str) -> None:
    await h.advance((at(when) - h.clock.now()).total_seconds())


async def rows_of(h, kind: str) -> list[dict]:
    """The log's rows of ``kind``, newest first."""
    return await h.rows(kind=kind)


async def test_a_dose_whose_window_closed_before_carehub_first_ran_is_not_alerted(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=at("09:30"))   # 08:00's window closed at 09:00
    await until(h, "11:00")
    assert h.notifications == [] and h.replies == []
    (row,) = await rows_of(h, "dose_unobserved")
    assert row["person"] == "grandma" and row["data"]["due"] == "2026-01-05T08:00:00+00:00"
    h = await restart(skill_harness, h, "11:30")
    await until(h, "12:00")
    assert h.notifications == [] and h.replies == []
    assert len(await rows_of(h, "dose_unobserved")) == 1   # noted once, not once per start
    assert await adherence(h) == {"scheduled": 2, "taken": 0, "missed": 0, "unobserved": 1, "pending": 1}
    await until(h, "20:00")   # the evening dose is carehub's to watch
    assert h.replies == [REMINDER]


async def test_a_dose_still_in_its_window_when_carehub_first_runs_is_reminded_and_alerted(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=at("08:20"))
    await h.advance(60)                      # the skill's first look at the schedule
    assert h.replies == [REMINDER]
    (due,) = await rows_of(h, "dose_due")
    assert due["data"]["late_seconds"] == 21 * 60
    await until(h, "09:00")
    (note,) = h.notifications
    assert "was not taken (due 08:00)" in note.message["en"]


async def test_an_alerted_dose_is_never_alerted_again_after_a_restart(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=START)
    await until(h, "09:00")
    (note,) = h.notifications
    h = await restart(skill_harness, h, "09:05")
    await until(h, "12:00")
    h = await restart(skill_harness, h, "12:01")
    await until(h, "13:00")
    assert h.notifications == [] and h.replies == []
    (missed,) = await rows_of(h, "dose_missed")
    assert missed["data"]["alert"] == note.id
    assert len(await rows_of(h, "alert_requested")) == 1
    assert await adherence(h) == {"scheduled": 2, "taken": 0, "missed": 1, "unobserved": 0, "pending": 1}


async def test_a_taken_dose_stays_taken_after_a_restart(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=START)
    await until(h, "08:05")
    await h.say("I took my pills", person="grandma")
    h = await restart(skill_harness, h, "08:10")
    await until(h, "10:00")
    assert h.replies == [] and h.notifications == []
    (taken,) = await rows_of(h, "dose_taken")
    assert taken["data"] == {"dose": "blood pressure pills", "due": "2026-01-05T08:00:00+00:00", "how": "voice",
                             "early": False}
    assert await adherence(h) == {"scheduled": 2, "taken": 1, "missed": 0, "unobserved": 0, "pending": 1}


async def test_a_dose_confirmed_early_is_not_reminded_after_a_restart(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=at("07:40"))
    await h.publish(PillboxOpened(compartment="mon-am"), device="pillbox")   # 07:40, twenty minutes early
    h = await restart(skill_harness, h, "07:50")
    await until(h, "10:00")
    assert h.replies == [] and h.notifications == []
    assert [row["data"]["early"] for row in await rows_of(h, "dose_taken")] == [True]


async def test_a_dose_pending_at_a_restart_is_reminded_and_escalated_once(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=START)
    await until(h, "08:20")                  # reminded at 08:00 and 08:15, on the speaker and (once) the phone
    assert h.replies == [REMINDER, REMINDER]
    h = await restart(skill_harness, h, "08:25")
    await until(h, "08:59")
    assert h.replies == [REMINDER, REMINDER]   # 08:30 and 08:45: the same rhythm, not a fresh start
    assert [t for t, _ in h.published if t == "carehub/home/grandma-phone/set"] == []   # the phone was told once
    await until(h, "09:00")
    (note,) = h.notifications
    assert "was not taken (due 08:00)" in note.message["en"]
    h = await restart(skill_harness, h, "09:01")
    await until(h, "10:00")
    assert h.notifications == [] and h.replies == []
    assert len(await rows_of(h, "dose_due")) == 1 and len(await rows_of(h, "dose_missed")) == 1


async def test_the_daily_report_counts_each_dose_once_across_restarts(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=START)
    await until(h, "08:05")
    await h.say("I took my pills", person="grandma")
    h = await restart(skill_harness, h, "08:30")
    await until(h, "12:00")
    h = await restart(skill_harness, h, "19:50")
    await until(h, "21:00")                 # the evening dose is missed: one alert
    h = await restart(skill_harness, h, "21:30")
    await until(h, "21:46")
    assert (await h.say("I took my pills", person="grandma")).text == "Thanks. No dose is due right now."
    await until(h, "23:59")
    assert len(await rows_of(h, "alert_requested")) == 1 and len(await rows_of(h, "dose_missed")) == 1
    text, section = await report(h, "2026-01-05")
    assert "Medication: 1 of 2 doses taken, 1 missed." in text
    assert dict(section.facts) == {"scheduled": "08:00, 20:00", "doses taken": 1, "doses missed": 1}
    assert section.tables[0].rows == (
        ("08:00", "blood pressure pills", "taken at 08:05 (said so)"),
        ("20:00", "blood pressure pills", "missed: caregivers alerted at 21:00"),
        ("21:46", "", "said the medication was taken; no dose was due then"))


async def test_doses_before_carehub_first_ran_are_reported_as_not_observed(skill_harness):
    h = await skill_harness(Medication, settings=SETTINGS, start=at("21:40"))   # both windows closed already
    await until(h, "21:46")
    await h.say("I took my pills", person="grandma")
    h = await restart(skill_harness, h, "21:50")
    h = await restart(skill_harness, h, "22:00")
    await until(h, "22:30")
    assert h.notifications == []
    text, section = await report(h, "2026-01-05")
    assert "Medication: 0 of 2 doses taken, 2 not observed (carehub was off)." in text
    assert [what for _, _, what in section.tables[0].rows] == [
        "not observed: carehub was off", "not observed: carehub was off",
        "said the medication was taken; no dose was due then"]


async def report(h, day: str):
    """The daily report's summary text and medication section for grandma, as ``carehub report`` builds it;
    ``h`` is stopped first (its log committed and closed)."""
    from assistant.report import collect, summary_text

    skills = [h.hub.skills.loaded["medication"].as_class()]
    config, now = h.hub.config, h.clock.now()
    await h.stop()
    built = await asyncio.to_thread(collect, config, "grandma", date.fromisoformat(day), now=now, skills=skills)
    return summary_text(built), built.section("medication")


async def test_todays_doses_are_summed_up_each_time_one_changes(skill_harness):
    from skills.sdk import DaySummaryUpdated

    def latest(h) -> DaySummaryUpdated:
        summaries = [e for e in h.of(DaySummaryUpdated) if e.person == "grandma"]
        assert all(isinstance(e, DaySummaryUpdated) and e.subject == "medication" for e in summaries)
        return summaries[-1]  # type: ignore[return-value]

    h = await skill_harness(Medication, settings=SETTINGS, start=START)
    assert latest(h).summary == "0 of 2 taken"  # 07:55: both still to come
    assert [d["status"] for d in latest(h).details["doses"]] == ["upcoming", "upcoming"]
    await h.advance(6 * 60)                      # 08:01: reminded, so due
    assert latest(h).summary == "0 of 2 taken, 1 due"
    await h.say("I took my pills", person="grandma")
    summary = latest(h)
    assert summary.summary == "1 of 2 taken" and summary.title == "Medication today"
    assert summary.details["doses"] == [
        {"name": "blood pressure pills", "time": "08:00", "status": "taken", "taken_at": "08:01", "how": "voice"},
        {"name": "blood pressure pills", "time": "20:00", "status": "upcoming"}]
    assert {k: summary.details[k] for k in ("scheduled", "taken", "due", "missed", "upcoming")} == \
        {"scheduled": 2, "taken": 1, "due": 0, "missed": 0, "upcoming": 1}
    await h.advance(13 * 3600)                   # 21:01: the evening dose's window closed: missed
    assert latest(h).summary == "1 of 2 taken, 1 missed"
    rows = await h.rows(kind="day_summary_updated")
    assert "1 of 2 taken, 1 missed" in [row["data"]["summary"] for row in rows]  # in the log, as every fact
    await h.advance(3 * 3600)                    # the next day starts afresh
    assert latest(h).summary == "0 of 2 taken"
