"""Door locks by voice: "lock the front door" locks it; unlocking by voice is refused unless the lock allows it."""

from __future__ import annotations

import pytest

from assistant.config import parse_config
from assistant.errors import ConfigError
from skills.device_control import DeviceControl

FRONT_DOOR = {"id": "front-door", "kind": "contact", "subtype": "door", "room": "hallway"}
LOCK = {"id": "front-door-lock", "kind": "lock", "room": "hallway", "name": "front door lock",
        "aliases": {"zh-CN": ["前门锁", "前门"]}}
HOME = {"devices": [FRONT_DOOR, LOCK, {"id": "hall-light", "kind": "light", "room": "hallway", "name": "hall light"}],
        "rooms": {"hallway": {"en": ["hallway", "hall"], "zh-CN": ["走廊"]}}}
LOCK_SET = "carehub/home/front-door-lock/set"


@pytest.mark.parametrize("text", ["lock the front door", "lock the front door lock", "please lock up the front door",
                                  "把前门锁上", "锁上前门", "前门上锁"])
async def test_lock_the_front_door_sends_lock(skill_harness, text):
    h = await skill_harness(DeviceControl, config=HOME)
    reply = await h.say(text)
    assert reply.understood, reply
    assert h.published == [(LOCK_SET, {"state": "lock"})]
    (sent,) = await h.rows(kind="command_sent")
    assert sent["device"] == "front-door-lock" and sent["data"]["command"] == "Lock"


async def test_the_reply_says_it_was_locked_in_the_language_spoken(skill_harness):
    h = await skill_harness(DeviceControl, config=HOME)
    assert (await h.say("lock the front door lock")).text == "Locked the front door lock."
    assert (await h.say("把前门锁上")).text == "已锁上前门锁。"


@pytest.mark.parametrize("text, answer", [
    ("unlock the front door", "I can't unlock doors by voice; use the app or the lock itself."),
    ("unlock the front door lock", "I can't unlock doors by voice; use the app or the lock itself."),
    ("把前门解锁", "我不能用语音开锁，请用手机应用或门锁本身开锁。"),
    ("开锁前门", "我不能用语音开锁，请用手机应用或门锁本身开锁。"),
])
async def test_unlocking_by_voice_is_refused_and_sends_nothing(skill_harness, text, answer):
    h = await skill_harness(DeviceControl, config=HOME)
    reply = await h.say(text)
    assert reply.text == answer
    assert h.published == []
    assert await h.rows(kind="command_sent") == []
    (given,) = await h.rows(kind="reply_given")
    assert given["data"]["text"] == answer  # the refusal is in the log, linked to what was said
    chain = await h.hub.reader.cause_chain(given["id"])
    assert [row["kind"] for row in chain] == ["reply_given", "intent_recognized", "utterance_heard"]


@pytest.mark.parametrize("text, answer", [("unlock the front door", "Unlocked the front door lock."),
                                          ("把前门解锁", "已解锁前门锁。")])
async def test_a_lock_with_voice_unlock_on_is_unlocked(skill_harness, text, answer):
    h = await skill_harness(DeviceControl, config={**HOME, "devices": [FRONT_DOOR, {**LOCK, "voice_unlock": True}]})
    reply = await h.say(text)
    assert reply.text == answer
    assert h.published == [(LOCK_SET, {"state": "unlock"})]


async def test_opening_the_door_is_not_unlocking_it(skill_harness):
    h = await skill_harness(DeviceControl, config={**HOME, "devices": [FRONT_DOOR, {**LOCK, "voice_unlock": True}]})
    for text in ("open the front door", "打开前门", "turn off everything in the hallway"):
        await h.say(text)
    assert [topic for topic, _ in h.published if topic == LOCK_SET] == []


async def test_the_language_model_cannot_switch_a_lock(skill_harness):
    h = await skill_harness(DeviceControl, config=HOME)
    skill = h.hub.skills.loaded["device_control"].instance
    assert await skill.switch_device("front-door-lock", False) == \
        "no light, plug, fan or cover called front-door-lock"
    assert h.published == []


def test_voice_unlock_belongs_to_locks_only(tmp_path):
    with pytest.raises(ConfigError) as error:
        parse_config({"devices": [{"id": "hall-light", "kind": "light", "voice_unlock": True}]}, "test", tmp_path)
    assert "voice_unlock: only a lock is unlocked, not a light" in str(error.value)
