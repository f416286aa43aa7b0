"""Daily check-in: asked at its time, answers classified and logged, worrying answers and silence escalate."""

from __future__ import annotations

from datetime import datetime

import pytest

from firmware_stubs import scenarios
from skills.check_in import CheckIn, classify

START = datetime(2026, 1, 5, 9, 55)
QUESTION = "Good morning! How are you feeling today?"


@pytest.mark.parametrize("answer, level, cues", [
    ("I'm fine, thank you", "good", ()),
    ("Pretty good, slept well", "good", ()),
    ("I feel dizzy this morning", "worrying", ("dizziness",)),
    ("Not too good, my back hurts", "worrying", ("pain", "unwell")),
    ("No pain today, I'm fine", "good", ()),
    ("I'm not feeling well", "worrying", ("unwell",)),
    ("I fell in the garden yesterday", "worrying", ("fall",)),
    ("The cat is asleep", "unclear", ()),
    ("我很好", "good", ()),
    ("我不舒服", "worrying", ("unwell",)),
    ("有点头晕", "worrying", ("dizziness",)),
    ("不疼了，挺好的", "good", ()),
    ("胸闷，喘不过气", "worrying", ("breathing",)),
])
def test_answers_are_read_in_both_languages(answer, level, cues):
    mood = classify(answer)
    assert mood.level == level
    assert set(cues) <= set(mood.cues)


async def test_a_good_answer_is_logged_and_nobody_is_paged(skill_harness):
    h = await skill_harness(CheckIn, start=START)
    await h.advance(5 * 60)
    assert h.replies == [QUESTION]
    await h.say("I'm fine, thanks", person="grandma")
    assert h.replies[-1] == "Glad to hear it!"
    (row,) = await h.rows(kind="check_in_answered")
    assert row["data"]["mood"] == "good" and row["data"]["answer"] == "I'm fine, thanks"
    await h.advance(3600)
    assert h.notifications == []


async def test_a_worrying_answer_pages_with_medium_priority(skill_harness):
    h = await skill_harness(CheckIn, start=START)
    await h.advance(5 * 60)
    await h.say("I feel dizzy and my chest hurts", person="grandma")
    (note,) = h.notifications
    assert note.priority == "medium" and note.alert_kind == "feeling_unwell" and note.person == "grandma"
    assert "I feel dizzy and my chest hurts" in note.message["en"]
    assert "I've let your family know" in h.replies[-1]


async def test_no_answer_is_asked_again_then_a_low_alert(skill_harness):
    h = await skill_harness(CheckIn, start=START)
    await h.advance(5 * 60)
    await h.advance(5 * 60 + 15 * 60)
    assert h.replies == [QUESTION, "I'm checking in: how are you feeling today?"]
    assert h.notifications == []
    await h.advance(5 * 60)
    (note,) = h.notifications
    assert note.priority == "low" and note.alert_kind == "check_in_missed"
    assert await h.rows(kind="check_in_missed")


async def test_a_chinese_speaker_is_asked_in_chinese(skill_harness):
    people = [{"id": "grandma", "name": "外婆", "role": "elder", "language": "zh-CN"},
              {"id": "leo", "name": "Leo", "role": "child"}, {"id": "anna", "name": "Anna"}]
    h = await skill_harness(CheckIn, start=START, config={"people": people})
    await h.advance(5 * 60)
    assert h.replies == ["您好！今天感觉怎么样？"]
    await h.say("我不舒服", person="grandma", language="zh-CN")
    (note,) = h.notifications
    assert note.message["zh"].startswith("外婆 说：“我不舒服”")


async def test_saying_you_feel_dizzy_at_any_time_tells_caregivers(skill_harness):
    h = await skill_harness(CheckIn, start=datetime(2026, 1, 5, 15, 0))
    reply = await h.say("I feel dizzy", person="grandma")
    assert reply.intent == "CareFeelingUnwell"
    (note,) = h.notifications
    assert note.priority == "medium"
    reply = await h.say("我头晕", person="grandma", language="zh-CN")
    assert reply.intent == "CareFeelingUnwell"


async def test_per_person_times_and_question(skill_harness):
    settings = {"people": {"grandma": {"times": ["09:00", "18:00"], "question": {"en": "How's your knee?"}}}}
    h = await skill_harness(CheckIn, settings=settings, start=datetime(2026, 1, 5, 8, 59))
    await h.advance(60)
    assert h.replies == ["How's your knee?"]
    await h.say("better today", person="grandma")
    await h.advance(9 * 3600)
    assert h.replies.count("How's your knee?") == 2


async def test_the_morning_of_a_normal_day_with_a_check_in(skill_harness):
    """She answers on the kitchen speaker, which transcribes for itself (a ``heard`` event)."""
    h = await skill_harness(CheckIn, start=datetime(2026, 1, 5, 6, 0))
    await h.play(scenarios.normal_day(day="mon"), until="10:30")
    assert h.replies == [QUESTION, "Glad to hear it!"]
    (answered,) = await h.rows(kind="check_in_answered")
    (heard,) = await h.rows(kind="utterance_heard")
    (reported,) = await h.rows(kind="utterance_reported")
    assert heard["data"]["text"] == "I'm fine, thank you." and heard["data"]["source"] == "satellite"
    assert heard["cause"] == reported["id"] and reported["device"] == "kitchen-speaker"
    assert answered["person"] == "grandma"
    said = [r for r in await h.rows(kind="command_sent") if r["data"]["command"] == "Speak"]
    assert [r["device"] for r in said] == ["kitchen-speaker", "kitchen-speaker"]
    assert h.notifications == []


@pytest.mark.parametrize("text, language", [("help me", "en"), ("I fell", "en"), ("I can't get up", "en"),
                                            ("救命", "zh-CN"), ("我摔倒了", "zh-CN"), ("我起不来了", "zh-CN")])
async def test_care_phrases_for_help_page_at_once(skill_harness, text, language):
    from skills.safety import Safety

    h = await skill_harness(Safety, also=[CheckIn], start=datetime(2026, 1, 5, 15, 0))
    reply = await h.say(text, person="grandma", language=language, room="kitchen")
    assert reply.intent == "CareHelp"
    (note,) = h.notifications
    assert note.priority == "high" and note.alert_kind == "help_asked" and note.person == "grandma"
    assert text in note.message["en"]


# -- a hub that stops while waiting for the answer: one real SQLite file, a new hub on it ---------------------


async def test_a_check_in_carehub_stopped_in_the_middle_of_is_asked_again_then_alerted(skill_harness):
    h = await skill_harness(CheckIn, start=START)
    await h.advance(5 * 60)
    assert h.replies == [QUESTION]
    (asked,) = await h.rows(kind="check_in_asked")
    assert asked["data"]["slot"] == "10:00" and asked["person"] == "grandma"
    database = h.hub.config.database_path
    await h.stop()  # carehub stops two minutes later, before grandma answers

    h = await skill_harness(CheckIn, start=datetime(2026, 1, 5, 10, 30), database=database)
    await h.advance(0)
    assert h.replies == ["I'm checking in: how are you feeling today?"]  # once more, not lost
    await h.advance(5 * 60)
    (note,) = h.notifications
    assert note.priority == "low" and note.alert_kind == "check_in_missed"
    assert "carehub was off for part of the time" in note.message["en"]

    h = await skill_harness(CheckIn, start=datetime(2026, 1, 5, 11, 0), database=database)
    await h.advance(3600)
    assert h.replies == [] and h.notifications == []  # missed and told: never asked again today


async def test_an_answer_to_the_question_asked_again_after_a_restart_is_taken(skill_harness):
    h = await skill_harness(CheckIn, start=START)
    await h.advance(5 * 60)
    database = h.hub.config.database_path
    await h.stop()
    h = await skill_harness(CheckIn, start=datetime(2026, 1, 5, 10, 3), database=database)
    await h.advance(0)
    await h.say("I'm fine, thanks", person="grandma")
    assert h.replies[-1] == "Glad to hear it!"
    await h.advance(3600)
    assert h.notifications == []
    (row,) = await h.rows(kind="check_in_answered")
    assert row["data"]["mood"] == "good"
