"""Every sentence file of the assistant skills against its test file of examples (tests/sentences/), in
both languages: each example is understood as its intent with its slots, and each template has an example."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import parse_config
from assistant.skill_runtime.conversation import household_slot_lists
from skills.check_in import CheckIn
from skills.clock import Clock
from skills.medication import Medication
from skills.reminders import Reminders
from skills.room_climate import RoomClimate
from skills.safety import Safety
from skills.timers import Timers
from tests.assistantkit import HOUSEHOLD
from tests.sentencekit import examples, file_id, sentence_file, sentence_test_files, unexercised

SKILLS = {"clock": Clock, "reminders": Reminders, "room_climate": RoomClimate, "timers": Timers, "safety": Safety,
          "medication": Medication, "check_in": CheckIn}
FILES = sentence_test_files()


def test_every_sentence_file_has_a_test_file():
    for skill in SKILLS:
        written = sorted(p.name for p in (Path("skills") / skill / "sentences").glob("*.yaml"))
        tested = sorted(p.name for p in FILES if p.parent.name == skill)
        assert written == tested, skill


@pytest.mark.parametrize("path", FILES, ids=file_id)
async def test_every_example_is_understood(skill_harness, path):
    language, found = examples(path)
    h = await skill_harness(SKILLS[path.parent.name], config=HOUSEHOLD)
    wrong = []
    for example in found:
        reply = await h.say(example.text, language=language, room=example.room, person="grandma")
        slots = {k: reply.slots.get(k) for k in example.slots}
        if reply.intent != example.intent or slots != example.slots:
            wrong.append(f"{example.text!r}: {reply.intent} {reply.slots}, expected {example.intent} {example.slots}")
    assert wrong == []


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_every_template_has_an_example(path, tmp_path):
    language, found = examples(path)
    config = parse_config({**HOUSEHOLD, "home": {"id": "home", "timezone": "Europe/London"}}, "test", tmp_path)
    assert unexercised(sentence_file(path), language, found, household_slot_lists(config, language)) == []



TOGETHER = [
    ("remind me to call Anna in 20 minutes", "ReminderAdd", "reminders"),     # not a delayed command
    ("in 20 minutes remind me to take the washing out", "ReminderAdd", "reminders"),
    ("二十分钟后提醒我收衣服", "ReminderAdd", "reminders"),
    ("一小时后提醒我给儿子打电话", "ReminderAdd", "reminders"),
    ("in five minutes turn off the kitchen light", "HassStartTimer", "timers"),  # a delayed command: declined
    ("set a timer for ten minutes", "HassStartTimer", "timers"),
    ("定个十分钟的计时", "HassStartTimer", "timers"),
    ("what time is it", "HassGetCurrentTime", "clock"),
    ("今天星期几", "HassGetCurrentDate", "clock"),
    ("how warm is it in the bedroom", "HassClimateGetTemperature", "room_climate"),
    ("客厅湿度多少", "ClimateGetHumidity", "room_climate"),
    ("turn on the kitchen light", "HassTurnOn", "device_control"),
]


async def test_the_assistant_skills_together_with_device_control(skill_harness):
    from skills.device_control import DeviceControl

    household = {**HOUSEHOLD, "devices": [*HOUSEHOLD["devices"],
                                          {"id": "kitchen-light", "kind": "light", "room": "kitchen",
                                           "name": "kitchen light"}]}
    h = await skill_harness(Timers, config=household, also=[Reminders, Clock, RoomClimate, DeviceControl])
    understood = []
    for text, _, _ in TOGETHER:
        reply = await h.say(text, person="grandma", room="kitchen")
        understood.append((text, reply.intent, reply.skill))
    assert understood == TOGETHER
