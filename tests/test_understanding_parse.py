"""A clause as a device command: what is asked and what it names, every word understood or no command."""

from __future__ import annotations

import pytest

from tests.understandingkit import understanding


def frame(text: str, language: str = "en", question: bool = False):
    return understanding()._vocabularies[language].frame(text, question)


@pytest.mark.parametrize("text, action, level", [
    ("turn on the kitchen light", "on", None), ("turn the kettle off", "off", None), ("put the tv on", "on", None),
    ("tv on", "on", None), ("off with the tv", "off", None), ("start the kettle", "on", None),
    ("dim the living room light a bit", "dim", None), ("make my light less bright", "dim", None),
    ("bring it down a touch", "lower", None), ("darker darker", "dim", None), ("make it brighter", "brighten", None),
    ("turn the kitchen light up a bit", "raise", None), ("set the living room light to 50 percent", "set", 50),
    ("kitchen light to 30 percent", "set", 30), ("living room light 70%", "set", 70),
    ("put the lamp on half", "set", 50), ("bedroom light full brightness", "set", 100),
    ("draw the curtains", "close", None), ("pull the curtains shut in the lounge", "close", None),
    ("blinds down now", "lower", None), ("curtains open", "open", None), ("stop the blinds", "stop", None),
    ("is the front door shut", "check", None), ("did i leave the kettle on", "check", None),
    ("is the hallway light on or off", "check", None), ("whether the fan is still running", "check", None),
])
def test_english_commands(text, action, level):
    found = frame(text)
    assert found is not None and (found.action, found.level) == (action, level)


@pytest.mark.parametrize("text, action, level", [
    ("把厨房的灯打开", "open", None), ("帮我开灯", "on", None), ("关灯", "off", None), ("把电视关了", "off", None),
    ("客厅的灯调暗一点", "dim", None), ("暗点暗点", "dim", None), ("把床头灯调亮点", "brighten", None),
    ("把客厅的灯调到百分之五十", "set", 50), ("床头灯30%", "set", 30), ("厨房的灯调到一半", "set", 50),
    ("拉开窗帘", "open", None), ("客厅的窗帘拉上", "close", None), ("窗帘别动了", "stop", None),
    ("大门关了没有", "check", None), ("电视还开着吗", "check", None), ("走廊的灯是开着还是关着", "check", None),
])
def test_chinese_commands(text, action, level):
    found = frame(text, "zh-CN")
    assert found is not None and (found.action, found.level) == (action, level)


@pytest.mark.parametrize("text, language", [
    ("turn on the radio", "en"), ("switch the heating on", "en"), ("turn up the volume on the tv", "en"),
    ("i already turned the kitchen light off", "en"), ("i'll put the tv on myself later", "en"),
    ("don't turn on the light", "en"), ("would you open the bedroom window", "en"), ("lock the front door", "en"),
    ("turn the oven on to 180", "en"), ("turn on the light in the garden", "en"),
    ("把暖气打开", "zh-CN"), ("开空调", "zh-CN"), ("把大门锁上", "zh-CN"), ("电视声音开大一点", "zh-CN"),
    ("把门打开", "zh-CN"), ("厨房的灯我已经关了", "zh-CN"), ("请把卧室的窗户打开", "zh-CN"), ("把花园的灯打开", "zh-CN"),
])
def test_not_every_word_understood_is_no_command(text, language):
    assert frame(text, language) is None


def test_a_clause_that_only_names_a_device_is_a_fragment():
    found = frame("the tv")
    assert found is not None and found.action is None and found.mentions.devices == (frozenset({"tv-plug"}),)


def test_names_in_a_clause_that_is_no_command_still_count_for_it_elsewhere():
    mentions = understanding()._vocabularies["en"].mentions("i left the kitchen light on again")
    assert mentions.devices == (frozenset({"kitchen-light"}),)


def test_a_question_mark_makes_a_state_a_question():
    assert frame("front door open", question=True).action == "check"
    assert frame("kitchen light on", question=True).action == "check"
    assert frame("kitchen light on").action == "on"
