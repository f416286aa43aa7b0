"""What a family pastes into Home Assistant for Assist: the sentences Home Assistant's own matcher (hassil)
recognises, what carehub is told for each, and the configuration the CLI prints."""

from __future__ import annotations

import io

import pytest
import yaml
from click.testing import CliRunner
from hassil import Intents, recognize

from assistant.cli import main
from assistant.homeassistant.assist import sentences_yaml


class _HomeAssistantYaml(yaml.SafeLoader):
    """Home Assistant's loader as far as the printed YAML needs it: ``!secret``."""


_HomeAssistantYaml.add_constructor("!secret", lambda loader, node: f"<secret {loader.construct_scalar(node)}>")


@pytest.fixture(scope="module")
def intents() -> Intents:
    return Intents.from_yaml(io.StringIO(sentences_yaml()))


@pytest.fixture(scope="module")
def intents_zh() -> Intents:
    return Intents.from_yaml(io.StringIO(sentences_yaml("zh-CN")))


@pytest.mark.parametrize(("heard", "told"), [
    ("I took my pills", "I took my pills"),
    ("I've taken my medication", "I took my pills"),
    ("I fell", "I fell"),
    ("I've fallen down", "I fell"),
    ("I'm feeling weak", "I feel weak"),
    ("I can't get up", "I fell"),
    ("please help me", "help me"),
    ("I'm okay", "I'm OK"),
    ("I don't feel well", "I don't feel well"),
    ("I feel dizzy", "I feel dizzy"),
    ("remind me to call Anna at five", "remind me to call Anna at five"),
    ("how am I doing today", "how am I doing"),
])
def test_home_assistant_hears_the_care_sentences_and_tells_carehub_its_words(intents, heard, told):
    result = recognize(heard, intents)
    assert result is not None and result.intent.name == "CarehubSay"
    slots = {name: entity.value for name, entity in result.entities.items()}
    rest = slots.get("carehub_feeling") or slots.get("carehub_reminder")
    assert (f"{slots['said']} {rest.strip()}" if rest else slots["said"]) == told


@pytest.mark.parametrize(("heard", "told"), [
    ("我已经吃药了", "我吃过药了"),
    ("药已经吃了", "我吃过药了"),
    ("我摔倒了", "我摔倒了"),
    ("我起不来了", "我摔倒了"),
    ("救命啊", "救命"),
    ("我没事儿", "我没事"),
    ("我身体不舒服", "我不舒服"),
    ("我觉得头晕", "我觉得头晕"),
    ("我今天身体怎么样", "我身体怎么样"),
    ("提醒我明天早上八点吃药", "提醒我明天早上八点吃药"),
])
def test_home_assistant_hears_the_chinese_care_sentences_and_tells_carehub_in_chinese(intents_zh, heard, told):
    result = recognize(heard, intents_zh)
    assert result is not None and result.intent.name == "CarehubSay"
    slots = {name: entity.value for name, entity in result.entities.items()}
    rest = slots.get("carehub_feeling") or slots.get("carehub_reminder")
    assert slots["said"] + (rest.strip() if rest else "") == told and slots["carehub_language"] == "zh-CN"


def test_other_sentences_stay_home_assistants(intents, intents_zh):
    assert recognize("turn on the kitchen light", intents) is None
    assert recognize("打开厨房的灯", intents_zh) is None


def test_the_cli_prints_a_rest_command_and_an_intent_script_for_the_hubs_url(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"http": {"host": "192.168.1.10", "port": 8765},
                                    "people": [{"id": "grandma", "name": "Margaret"}],
                                    "storage": {"database": str(tmp_path / "c.db")}}), encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(path), "homeassistant", "assist-config"])
    assert result.exit_code == 0, result.output
    printed = yaml.load(result.stdout, _HomeAssistantYaml)  # noqa: S506 - the safe loader, plus !secret
    say = printed["rest_command"]["carehub_say"]
    assert say["url"] == "http://192.168.1.10:8765/api/say"
    assert say["headers"] == {"Authorization": "<secret carehub_token>"}
    assert printed["intent_script"]["CarehubSay"]["action"][0]["action"] == "rest_command.carehub_say"
    assert "carehub tokens show member grandma" in result.stderr
    sentences = CliRunner().invoke(main, ["--config", str(path), "homeassistant", "assist-config", "--sentences"])
    assert yaml.safe_load(sentences.stdout)["intents"]["CarehubSay"]["data"][0]["slots"] == {
        "said": "I took my pills", "carehub_language": "en"}
    chinese = CliRunner().invoke(main, ["--config", str(path), "homeassistant", "assist-config", "--sentences",
                                        "--language", "zh-CN"])
    assert yaml.safe_load(chinese.stdout)["language"] == "zh-cn"
    assert yaml.safe_load(chinese.stdout)["intents"]["CarehubSay"]["data"][0]["slots"] == {
        "said": "我吃过药了", "carehub_language": "zh-CN"}
    refused = CliRunner().invoke(main, ["--config", str(path), "homeassistant", "assist-config", "--url", "hub:8765"])
    assert refused.exit_code == 2 and "not an http:// or https:// URL: 'hub:8765'" in refused.output
