"""Care phrases in English and Chinese reach the care skills that own them, with every built-in skill loaded."""

from __future__ import annotations

from datetime import datetime

import pytest

from skills.check_in import CheckIn
from skills.device_control import DeviceControl
from skills.device_health import DeviceHealth
from skills.falls import Falls
from skills.medication import Medication
from skills.safety import Safety

PILLS = {"doses": [{"name": "heart pills", "person": "grandma", "rrule": "FREQ=DAILY;BYHOUR=8;BYMINUTE=0"}]}


@pytest.mark.parametrize("text, language, intent, skill", [
    ("I fell", "en", "CareHelp", "safety"),
    ("help me", "en", "CareHelp", "safety"),
    ("I took my pills", "en", "MedicationTaken", "medication"),
    ("I feel dizzy", "en", "CareFeelingUnwell", "check_in"),
    ("I'm OK", "en", "CareImOk", "safety"),
    # a complaint and a call for help in one breath is a call for help (a high alert), not "feeling unwell"
    ("my chest is so tight, fetch me a doctor quick", "en", "CareHelp", "safety"),
    ("I feel dreadful and dizzy, ring us an ambulance now", "en", "CareHelp", "safety"),
    ("我摔倒了", "zh-CN", "CareHelp", "safety"),
    ("救命", "zh-CN", "CareHelp", "safety"),
    ("我吃过药了", "zh-CN", "MedicationTaken", "medication"),
    ("我头晕", "zh-CN", "CareFeelingUnwell", "check_in"),
    ("我没事", "zh-CN", "CareImOk", "safety"),
    # where it happened or what cannot be done, said with the fall or the breathlessness; its own words
    ("I slipped in the kitchen and I can't get up", "en", "CareHelp", "safety"),
    ("I cant catch my breath call somebody", "en", "CareHelp", "safety"),
    ("我在厨房滑倒了站不起来", "zh-CN", "CareHelp", "safety"),
    ("我透不过气了你快叫人", "zh-CN", "CareHelp", "safety"),
    ("I'm not really myself this morning", "en", "CareFeelingUnwell", "check_in"),
    ("我看什么都在晃", "zh-CN", "CareFeelingUnwell", "check_in"),
    ("had my tablets now", "en", "MedicationTaken", "medication"),
    ("药我早就吃了啊", "zh-CN", "MedicationTaken", "medication"),
    ("turn on the kitchen light", "en", "HassTurnOn", "device_control"),
    ("打开厨房的灯", "zh-CN", "HassTurnOn", "device_control"),
])
async def test_care_phrases_reach_their_skill(skill_harness, text, language, intent, skill):
    h = await skill_harness(Medication, settings=PILLS, start=datetime(2026, 1, 5, 8, 5),
                            also=[Safety, CheckIn, Falls, DeviceHealth, DeviceControl])
    reply = await h.say(text, person="grandma", language=language)
    assert reply.understood and reply.intent == intent
    (row,) = await h.rows(kind="intent_recognized")
    assert row["data"]["skill"] == skill and row["data"]["intent"] == intent
    assert h.failures == []


@pytest.mark.parametrize("language, text", [("zh-TW", "打開廚房燈"), ("zh-HK", "打開廚房燈")])
async def test_traditional_chinese_grammars_when_configured(skill_harness, language, text):
    import yaml
    from importlib.resources import files

    raw = yaml.safe_load((files("assistant") / "default_config.yaml").read_text())
    for device in raw["devices"]:
        if device["id"] == "kitchen-light":
            device["aliases"] = {**device.get("aliases", {}), language: ["廚房燈"]}
    h = await skill_harness(DeviceControl, config={"devices": raw["devices"],
                                                   "languages": ["en", "zh-CN", "zh-TW", "zh-HK"]})
    reply = await h.say(text, language=language)
    assert reply.understood and reply.intent == "HassTurnOn", reply
    assert ("carehub/home/kitchen-light/set", {"state": "on"}) in h.published


@pytest.mark.parametrize("text", ["冻死我了，把暖气开开", "我了", "热死我了", "笑死我了", "累死我了", "I'm dying for a cuppa",
                                  "热死了，这天气", "I'm freezing to death in here", "I could murder a cup of tea",
                                  "you're killing me with these jokes", "急死我了，公交车还不来"])
async def test_a_figure_of_speech_raises_no_alarm(skill_harness, text):
    """"I'm freezing to death" is a complaint, not a call for help: no alert, no page at 3 am."""
    h = await skill_harness(Safety, also=[CheckIn, DeviceControl])
    reply = await h.say(text, person="grandma")
    assert reply.intent != "CareHelp"
    assert await h.rows(kind="alert_requested") == []


@pytest.mark.parametrize("text, language", [
    ("I'm feeling a bit woozy this morning, the room's going round a little", "en"),
    ("I've got a nasty headache", "en"),
    ("I didn't sleep well and my chest feels a bit tight, not terrible, just tight", "en"),
    ("everything's spinning", "en"),
    ("今天早上起来有点头晕，屋子都在转", "zh-CN"),
    ("我头昏昏沉沉的", "zh-CN"),
])
async def test_feeling_unwell_described_reaches_the_check_in(skill_harness, text, language):
    h = await skill_harness(Safety, also=[CheckIn, DeviceControl])
    reply = await h.say(text, person="grandma", language=language)
    assert reply.intent == "CareFeelingUnwell", reply
    assert await h.rows(kind="alert_requested") != []


@pytest.mark.parametrize("text, language", [
    ("Sam was woozy after the operation", "en"),            # someone else
    ("the room was going round at the wedding", "en"),      # the past, not now
    ("昨天屋子转得厉害，今天好了", "zh-CN"),
    ("他头晕了一天", "zh-CN"),
])
async def test_unwell_said_of_someone_else_or_the_past_asks_for_nothing(skill_harness, text, language):
    h = await skill_harness(Safety, also=[CheckIn, DeviceControl])
    reply = await h.say(text, person="grandma", language=language)
    assert reply.intent not in ("CareFeelingUnwell", "CareHelp"), reply
    assert await h.rows(kind="alert_requested") == []


def _told_to_carehub() -> list[tuple[str, str]]:
    """What Home Assistant's Assist tells carehub (assistant/homeassistant/assist.py), a wildcard's words filled in."""
    from assistant.homeassistant.assist import PHRASES

    filled = {"carehub_feeling": {"en": "dizzy", "zh-CN": "头晕"},
              "carehub_reminder": {"en": "to call Anna at five", "zh-CN": "明天早上八点吃药"}}
    return [(f"{p.said}{' ' if language == 'en' else ''}{filled[p.rest][language]}" if p.rest else p.said, language)
            for language, phrases in PHRASES.items() for p in phrases]


@pytest.mark.parametrize("text, language", _told_to_carehub())
async def test_every_sentence_home_assistants_assist_passes_on_is_understood(skill_harness, text, language):
    from skills.reminders import Reminders
    from skills.vitals import Vitals

    h = await skill_harness(Medication, settings=PILLS, start=datetime(2026, 1, 5, 8, 5),
                            also=[Safety, CheckIn, Falls, DeviceHealth, DeviceControl, Reminders, Vitals])
    reply = await h.say(text, person="grandma", language=language)
    assert reply.understood, (text, reply)
    assert h.failures == []
