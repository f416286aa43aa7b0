"""Messages to the family: "tell Anna I'm fine" reaches Anna's channels once, logged, never as an alert."""

from __future__ import annotations

import pytest

from skills.family_messages import FamilyMessages, cleaned
from skills.sdk import MessageDelivered, MessageRequested

FAMILY = {"caregivers": [
    {"id": "anna", "name": "Anna", "people": ["grandma"], "channels": ["json://127.0.0.1:9/anna"],
     "aliases": {"en": ["my daughter"], "zh-CN": ["女儿", "安娜"]}},
    {"id": "sam", "name": "Sam", "people": ["grandma"], "channels": [],
     "aliases": {"en": ["my son"], "zh-CN": ["儿子"]}},
]}


@pytest.mark.parametrize("text, to, message", [
    ("tell Anna I'm fine", "anna", "I'm fine"),
    ("please tell my daughter that I got home safely", "anna", "I got home safely"),
    ("let my son know the plumber came", "sam", "the plumber came"),
    ("could you send a message to Anna saying I'll be late for lunch", "anna", "I'll be late for lunch"),
    ("text my son bring milk", "sam", "bring milk"),
    ("告诉女儿我到家了", "anna", "我到家了"),
    ("给女儿发消息说我到家了", "anna", "我到家了"),
    ("麻烦你跟儿子说一声晚上不用过来了", "sam", "晚上不用过来了"),
    ("帮我给安娜发个微信说我吃过药了", "anna", "我吃过药了"),
])
async def test_the_words_reach_the_right_family_member(skill_harness, text, to, message):
    h = await skill_harness(FamilyMessages, config=FAMILY)
    reply = await h.say(text, person="grandma")
    assert reply.understood and reply.intent == "FamilyMessage", reply
    (request,) = h.of(MessageRequested)
    assert (request.to, request.text, request.person) == (to, message, "grandma")
    assert message in reply.text
    attempts = [e for e in h.of(MessageDelivered) if e.cause == request.id]
    assert attempts and all(a.to == to for a in attempts)
    assert h.notifications == []  # a message is not an alert


async def test_a_message_with_no_channel_that_works_is_logged_as_not_delivered(skill_harness):
    h = await skill_harness(FamilyMessages, config=FAMILY)
    await h.say("tell my son I'm fine", person="grandma")
    (attempt,) = h.of(MessageDelivered)
    assert (attempt.ok, attempt.detail) == (False, "the caregiver has no channels")
    (row,) = await h.rows(kind="message_delivered")
    assert row["data"]["ok"] is False


@pytest.mark.parametrize("text, question", [
    ("tell my son or my daughter I need a lift on Friday", "Who should I tell: Anna or Sam?"),
    ("跟女儿还是儿子说一声，周五谁能来接我", "要告诉谁呢：Anna还是Sam？"),
])
async def test_a_message_for_one_or_the_other_asks_which_and_sends_nothing(skill_harness, text, question):
    h = await skill_harness(FamilyMessages, config=FAMILY)
    reply = await h.say(text, person="grandma")
    assert reply.text == question
    assert h.of(MessageRequested) == [] and await h.rows(kind="message_requested") == []


async def test_an_unknown_person_is_not_understood_as_a_message(skill_harness):
    h = await skill_harness(FamilyMessages, config=FAMILY)
    reply = await h.say("tell the postman I'm out", person="grandma")
    assert not reply.understood and h.of(MessageRequested) == []


def test_joining_words_are_not_part_of_the_message():
    assert cleaned(" that I'm fine. ") == "I'm fine"
    assert cleaned("说我到家了。") == "我到家了"
