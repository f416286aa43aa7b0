"""Device control by text, on Home Assistant's grammar, in English and Chinese (through the harness)."""

from __future__ import annotations

import pytest

from skills.device_control import DeviceControl
from skills.sdk import SwitchStateReported


@pytest.mark.parametrize("text, device, payload", [
    ("turn on the kitchen light", "kitchen-light", {"state": "on"}),
    ("switch on the lights in the kitchen", "kitchen-light", {"state": "on"}),
    ("turn off the kettle", "kettle-plug", {"state": "off"}),
    ("打开厨房的灯", "kitchen-light", {"state": "on"}),
    ("把厨房灯打开", "kitchen-light", {"state": "on"}),
    ("关掉电水壶", "kettle-plug", {"state": "off"}),
    ("set the kitchen light to 40%", "kitchen-light", {"state": "on", "brightness": 102}),
])
async def test_command_is_published_on_the_devices_set_topic(skill_harness, text, device, payload):
    h = await skill_harness(DeviceControl)
    reply = await h.say(text)
    assert reply.understood, reply
    assert h.published == [(f"carehub/home/{device}/set", payload)]
    sent = await h.rows(kind="command_sent")
    assert sent[0]["device"] == device and sent[0]["data"]["skill"] == "device_control"


async def test_replies_in_the_language_spoken(skill_harness):
    h = await skill_harness(DeviceControl)
    assert (await h.say("turn on the kitchen light")).text == "Turned on the kitchen lights."
    assert (await h.say("关闭电水壶")).text == "已关闭电水壶。"


async def test_state_questions_are_answered_from_device_state(skill_harness):
    h = await skill_harness(DeviceControl)
    assert (await h.say("is the kitchen light on?")).text == "I don't know whether the kitchen light is on yet."
    await h.publish(SwitchStateReported(on=True, brightness=180), device="kitchen-light")
    assert (await h.say("is the kitchen light on")).text == "Yes, the kitchen light is on."
    assert (await h.say("is the kitchen light off")).text == "No, the kitchen light is on."
    assert (await h.say("厨房的灯开着吗")).text == "是的，厨房的灯开着。"


async def test_not_understood_is_replied_and_logged(skill_harness):
    h = await skill_harness(DeviceControl)
    reply = await h.say("paint the fence purple")
    assert not reply.understood and reply.text == "Sorry, I didn't understand that."
    zh = await h.say("帮我画一幅画")
    assert zh.text == "抱歉，我没听懂。"
    rows = await h.rows(kind="utterance_not_understood")
    assert [r["data"]["text"] for r in rows] == ["帮我画一幅画", "paint the fence purple"]
    assert h.published == []


async def test_every_step_links_to_its_cause(skill_harness):
    h = await skill_harness(DeviceControl)
    await h.say("turn off the kettle")
    command = (await h.rows(kind="command_sent"))[0]
    chain = await h.hub.reader.cause_chain(command["id"])
    assert [row["kind"] for row in chain] == ["command_sent", "intent_recognized", "utterance_heard"]


async def test_tool_is_offered_with_a_json_schema(skill_harness):
    h = await skill_harness(DeviceControl)
    (skill_id, tool), = h.hub.skills.tools()
    assert skill_id == "device_control" and tool.name == "switch_device"
    assert tool.parameters["required"] == ["device", "on"]
    assert tool.parameters["properties"]["on"] == {
        "type": "boolean", "description": "true to turn it on (or open it), false to turn it off (or close it)"}


async def test_the_room_it_was_said_in_fills_the_area(skill_harness):
    h = await skill_harness(DeviceControl)
    reply = await h.say("turn on the light", room="kitchen")
    assert reply.understood and h.published == [("carehub/home/kitchen-light/set", {"state": "on"})]
    assert not (await h.say("turn on the light")).understood  # no room, no light named: not guessed


async def test_words_heard_by_a_speaker_act_in_its_room_and_are_answered_on_it(skill_harness):
    from skills.sdk import UtteranceReported

    h = await skill_harness(DeviceControl)
    heard = await h.publish(UtteranceReported(text="turn on the light", language="en"), device="kitchen-speaker")
    assert h.published == [("carehub/home/kitchen-light/set", {"state": "on"}),
                           ("carehub/home/kitchen-speaker/set", {"say": "Turned on the kitchen lights.",
                                                                 "language": "en"})]
    (utterance,) = await h.rows(kind="utterance_heard")
    assert utterance["cause"] == heard.id and utterance["person"] == "grandma"


FANS_AND_COVERS = {"devices": [
    {"id": "living-fan", "kind": "fan", "room": "living_room", "name": "fan", "aliases": {"zh-CN": ["风扇", "电风扇"]}},
    {"id": "bedroom-blinds", "kind": "cover", "subtype": "blind", "room": "bedroom", "name": "blinds",
     "aliases": {"zh-CN": ["百叶窗"]}},
    {"id": "living-curtains", "kind": "cover", "subtype": "curtain", "room": "living_room", "name": "curtains",
     "aliases": {"zh-CN": ["客厅的窗帘"]}},
], "rooms": {"living_room": {"en": ["living room"], "zh-CN": ["客厅"]}, "bedroom": {"zh-CN": ["卧室"]}}}


@pytest.mark.parametrize("text, room, device, payload", [
    ("turn on the fan", None, "living-fan", {"state": "on"}),
    ("switch off the fan in the living room", None, "living-fan", {"state": "off"}),
    ("打开风扇", None, "living-fan", {"state": "on"}),
    ("close the blinds", None, "bedroom-blinds", {"state": "close"}),
    ("open the curtains", None, "living-curtains", {"state": "open"}),
    ("open the blinds in the bedroom", None, "bedroom-blinds", {"state": "open"}),
    ("把客厅的窗帘关上", None, "living-curtains", {"state": "close"}),
    ("set the blinds to 40%", None, "bedroom-blinds", {"position": 40}),
])
async def test_fans_and_covers_by_voice(skill_harness, text, room, device, payload):
    h = await skill_harness(DeviceControl, config=FANS_AND_COVERS)
    reply = await h.say(text, room=room)
    assert reply.understood, reply
    assert h.published == [(f"carehub/home/{device}/set", payload)]


async def test_a_cover_is_opened_not_turned_on(skill_harness):
    h = await skill_harness(DeviceControl, config=FANS_AND_COVERS)
    assert (await h.say("close the blinds")).text == "Closed the blinds."
    assert (await h.say("turn on the fan")).text == "Turned on the fan."
