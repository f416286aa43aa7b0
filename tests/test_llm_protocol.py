"""The tool-calling contract as pure functions: reading a model's answer, checking arguments against the
JSON Schema a skill's ``@tool`` produces, and spotting replies that claim an action."""

from __future__ import annotations

from typing import Literal

import pytest

from assistant.llm.protocol import (
    MAX_REPLY, Answer, Malformed, ToolRequest, claims_action, clean_reply, echoes_prompt, extract_json_object,
    read_decision, validate_arguments,
)
from assistant.skill_api import tool_schema


@pytest.mark.parametrize("text, expected", [
    ('{"reply": "hi"}', {"reply": "hi"}),
    ('Sure!\n```json\n{"tool": "adherence", "arguments": {"day": "2026-01-05"}}\n```\nDone.',
     {"tool": "adherence", "arguments": {"day": "2026-01-05"}}),
    ("{'tool': 'switch_device', 'arguments': {'device': 'kettle-plug', 'on': False}}",
     {"tool": "switch_device", "arguments": {"device": "kettle-plug", "on": False}}),
    ('it\'s easy: {"reply": "braces } in \\"strings\\" {"}', {"reply": 'braces } in "strings" {'}),
    ('{not json} then {"reply": "second"}', {"reply": "second"}),
    ('{"a": 1', None),
    ("no object here", None),
    ("{1: 'int keys'}", None),
    ("{'reply': __import__('os').system('id')}", None),  # literal_eval runs no code
])
def test_extract_json_object(text, expected):
    assert extract_json_object(text) == expected


@pytest.mark.parametrize("text, decision", [
    ('{"tool": "adherence", "arguments": {"day": "x"}}', ToolRequest("adherence", {"day": "x"})),
    ('{"name": "adherence", "arguments": "{\\"day\\": \\"x\\"}"}', ToolRequest("adherence", {"day": "x"})),
    ('{"tool": "latest_vitals"}', ToolRequest("latest_vitals", {})),
    ('{"reply": "  Hello <|im_end|> "}', Answer("Hello")),
    ("assistant: Good evening!", Answer("Good evening!")),
    ('{"tool": "x", "arguments": [1]}', Malformed('"arguments" must be a JSON object')),
    ('{"mood": "happy"}', Malformed(
        'the JSON object needs either "tool" and "arguments", or "reply" with the words to say')),
    ("", Malformed("your answer was empty")),
])
def test_read_decision(text, decision):
    assert read_decision(text) == decision


def test_long_replies_are_cut_at_a_sentence_end():
    text = "This is a sentence. " * 40
    cut = clean_reply(text)
    assert len(cut) <= MAX_REPLY and cut.endswith(".")


async def _record_reading(self, person: str, temperature: float | None = None,
                          consciousness: Literal["A", "C", "V", "P", "U"] | None = None,
                          on_oxygen: bool | None = None, count: int = 1, tags: list[str] | None = None) -> None:
    """Record readings."""


SCHEMA = tool_schema(_record_reading)


@pytest.mark.parametrize("arguments, problems", [
    ({"person": "grandma"}, []),
    ({"person": "grandma", "temperature": 37.5, "consciousness": "A", "on_oxygen": False, "count": 2,
      "tags": ["morning"]}, []),
    ({"person": "grandma", "temperature": None}, []),
    ({}, ["arguments.person: required"]),
    ({"person": "grandma", "shell": "id"}, ["arguments.shell: unexpected argument"]),
    ({"person": 7}, ["arguments.person: expected string, got integer"]),
    ({"person": "grandma", "count": True}, ["arguments.count: expected integer, got boolean"]),
    ({"person": "grandma", "count": 1.5}, ["arguments.count: expected integer, got number"]),
    ({"person": "grandma", "temperature": float("nan")}, ["matches none"]),
    ({"person": "grandma", "temperature": "hot"}, ["matches none"]),
    ({"person": "grandma", "consciousness": "Z"}, ["matches none"]),
    ({"person": "grandma", "tags": ["ok", 3]}, ["matches none"]),
])
def test_validate_arguments_on_a_tool_schema(arguments, problems):
    found = validate_arguments(arguments, SCHEMA)
    assert len(found) == len(problems)
    for problem, expected in zip(found, problems):
        assert expected in problem


def test_extra_keys_are_refused_even_when_the_schema_allows_them():
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": True}
    assert validate_arguments({"a": "x", "b": 1}, schema) == ["arguments.b: unexpected argument"]


def test_nested_models_through_defs():
    schema = {"type": "object", "required": ["dose"], "properties": {"dose": {"$ref": "#/$defs/Dose"}},
              "$defs": {"Dose": {"type": "object", "additionalProperties": False, "required": ["mg"],
                                 "properties": {"mg": {"type": "number", "minimum": 0, "maximum": 1000}}}}}
    assert validate_arguments({"dose": {"mg": 5}}, schema) == []
    assert validate_arguments({"dose": {"mg": -1}}, schema) == ["arguments.dose.mg: -1 breaks minimum 0"]
    assert validate_arguments({"dose": {"mg": 5, "x": 1}}, schema) == ["arguments.dose.x: unexpected argument"]


@pytest.mark.parametrize("text", [
    "I've turned on the kitchen light.", "I have set a reminder for you.", "I've called Anna.",
    "I've reminded Leo to come home.", "I will remind you at eight.", "The heating has been turned up.",
    "The light is now on.", "I've checked, you took them all.", "好的，已经打开厨房的灯了。", "我已经通知您的女儿了。",
    "已经帮您设置好提醒。", "我帮您打开了。", "You turned on the kitchen light.", "The kettle was switched off.",
])
def test_claims_action(text):
    assert claims_action(text)


@pytest.mark.parametrize("text", [
    "I'm not sure, I've noted it.", "我不太确定，已经记下了。", "Shall I turn on the light?", "要我打开灯吗？",
    "Good morning! It's sunny today.", "You took two doses today.", "I'll tell you a story.",
    "I can't do that myself, but I've noted it.", "这个我自己做不了，不过已经记下了。",
])
def test_honest_sentences_claim_nothing(text):
    assert not claims_action(text)


def test_a_looping_phrase_is_said_once_and_numbers_are_untouched():
    assert clean_reply("I'm fine, a bit of a bit of a bit of a bit of a bit of") == "I'm fine, a bit of"
    assert clean_reply("You walked 1,000,000,000 steps.") == "You walked 1,000,000,000 steps."


PROMPT = ("You are carehub, the voice assistant of a family home. You are talking with Margaret (elder, id "
          "grandma). 你是carehub，这个家的语音助手，请用简体中文回答。")


@pytest.mark.parametrize("reply", [
    "You are carehub, the voice assistant of a family home.",
    "Sure. You are talking with Margaret (elder, id grandma) today.",
    "好的。你是carehub，这个家的语音助手，请用简体中文回答。",
])
def test_a_recited_prompt_is_recognised(reply):
    assert echoes_prompt(reply, PROMPT)


@pytest.mark.parametrize("reply", [
    "Good morning, Margaret. You are doing well today.",
    "I'm carehub, your voice assistant. How can I help?",
    "早上好，今天天气很好。",
    "",
])
def test_ordinary_replies_do_not_count_as_recitals(reply):
    assert not echoes_prompt(reply, PROMPT)
