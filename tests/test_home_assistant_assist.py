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
def intents() -> dict[str, Intents]:
    """Home Assistant's view of each language's sentences file."""
    return {language: Intents.from_yaml(io.StringIO(sentences_yaml(language))) for language in ("en", "zh-CN")}


def told_to_carehub(intents: Intents, heard: str) -> tuple[str, str]:
    """What Home Assistant's intent_script passes on for ``heard``: the words (a wildcard's after a space in
    English, none in Chinese) and the language."""
    result = recognize(heard, intents)
    assert result is not None and result.intent.name == "CarehubSay"
    slots = {name: entity.value for name, entity in result.entities.items()}
    rest = (slots.get("carehub_feeling") or slots.get("carehub_reminder") or "").strip()
    language = slots["carehub_language"]
    return slots["said"] + ((" " if language == "en" else "") + rest if rest else ""), language


@pytest.mark.parametrize(("language", "heard", "told"), [
    ("en", "I took my pills", "I took my pills"),
    ("en", "I've taken my medication", "I took my pills"),
    ("en", "I fell", "I fell"),
    ("en", "I've fallen down", "I fell"),
    ("en", "I'm feeling weak", "I feel weak"),
    ("en", "I can't get up", "I fell"),
    ("en", "please help me", "help me"),
    ("en", "I'm okay", "I'm OK"),
    ("en", "I don't feel well", "I don't feel well"),
    ("en", "I feel dizzy", "I feel dizzy"),
    ("en", "remind me to call Anna at five", "remind me to call Anna at five"),
    ("en", "how am I doing today", "how am I doing"),
    ("zh-CN", "我已经吃药了", "我吃过药了"),
    ("zh-CN", "药已经吃了", "我吃过药了"),
    ("zh-CN", "我摔倒了", "我摔倒了"),
    ("zh-CN", "我起不来了", "我摔倒了"),
    ("zh-CN", "救命啊", "救命"),
    ("zh-CN", "我没事儿", "我没事"),
    ("zh-CN", "我身体不舒服", "我不舒服"),
    ("zh-CN", "我觉得头晕", "我觉得头晕"),
    ("zh-CN", "我今天身体怎么样", "我身体怎么样"),
    ("zh-CN", "提醒我明天早上八点吃药", "提醒我明天早上八点吃药"),
])
def test_home_assistant_hears_the_care_sentences_and_tells_carehub_its_words_in_its_language(
        intents, language, heard, told):
    assert told_to_carehub(intents[language], heard) == (told, language)


def test_other_sentences_stay_home_assistants(intents):
    assert recognize("turn on the kitchen light", intents["en"]) is None
    assert recognize("打开厨房的灯", intents["zh-CN"]) is None


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
