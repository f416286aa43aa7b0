"""Home Assistant's Assist reaching carehub: a real Home Assistant (2025.4.4, tests/hakit.py) given the YAML
``carehub homeassistant assist-config`` prints, asked "I took my pills" through its conversation API. carehub
logs the intent, and Home Assistant answers with carehub's reply; the same in Chinese ("我已经吃药了").

Skipped, saying why, where Home Assistant is not installed (scripts/home-assistant-venv.sh needs Python 3.13).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assistant.app import build_hub
from assistant.cli import main
from assistant.skill_loader import SkillClass
from skills.medication import Medication, MedicationSettings
from tests.conftest import free_port
from tests.hakit import HomeAssistant, ha_config, running_home_assistant
from tests.hubkit import wait_for_rows

pytestmark = [pytest.mark.home_assistant, pytest.mark.slow]

TOKEN = "grandmas-kitchen-tablet-token-0123456789"
"""Grandma's household-member token: Home Assistant speaks to carehub as her."""
MEDICATION = [SkillClass("medication", Medication, "test", MedicationSettings.model_validate({"doses": [
    {"name": "heart pills", "person": "grandma", "rrule": "FREQ=DAILY;BYHOUR=8;BYMINUTE=0"}]}))]


def _printed(config_file: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--config", str(config_file), "homeassistant", "assist-config", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def carehub_http_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def assist(tmp_path_factory: pytest.TempPathFactory, carehub_http_port: int) -> Iterator[HomeAssistant]:
    """Home Assistant with what a family pastes: the configuration.yaml part, the custom sentences and the token
    in secrets.yaml (``conversation:`` is in ``default_config``, which the tests leave out)."""
    folder = tmp_path_factory.mktemp("carehub-config")
    config_file = folder / "config.yaml"
    config_file.write_text(yaml.safe_dump({"http": {"host": "127.0.0.1", "port": carehub_http_port},
                                           "people": [{"id": "grandma", "name": "Margaret", "token": TOKEN}]}),
                           encoding="utf-8")
    files = {"custom_sentences/en/carehub.yaml": _printed(config_file, "--sentences"),
             "custom_sentences/zh-cn/carehub.yaml": _printed(config_file, "--sentences", "--language", "zh-CN"),
             "secrets.yaml": f'carehub_token: "Bearer {TOKEN}"\n'}
    with running_home_assistant(tmp_path_factory.mktemp("home-assistant-assist"),
                                "conversation:\n" + _printed(config_file), files) as started:
        yield started


async def said_to_assist(assist: HomeAssistant, port: int, tmp_path: Path, text: str,
                         language: str) -> tuple[str, dict[str, list[dict]]]:
    """``text`` said to Home Assistant's conversation API with a hub listening on ``port``: what Home Assistant
    answered, and carehub's ``utterance_heard``, ``intent_recognized`` and ``reply_given`` rows."""
    config = ha_config(tmp_path, free_port(), people=[{"id": "grandma", "name": "Margaret", "token": TOKEN}],
                       http={"host": "127.0.0.1", "port": port})
    async with build_hub(config, skills=MEDICATION):
        answer = await assist.request("POST", "/api/conversation/process", {"text": text, "language": language})
        rows = {kind: await wait_for_rows(config.database_path, lambda rows: rows, kind=kind)
                for kind in ("intent_recognized", "reply_given", "utterance_heard")}
    spoken = answer["response"]["speech"]["plain"]["speech"]
    assert spoken == rows["reply_given"][0]["data"]["text"], assist.log_tail()
    return spoken, rows


async def test_i_took_my_pills_said_to_assist_reaches_carehub_and_carehubs_reply_is_spoken(
        assist, carehub_http_port, tmp_path):
    spoken, rows = await said_to_assist(assist, carehub_http_port, tmp_path, "I've taken my pills", "en")
    recognized = rows["intent_recognized"][0]
    assert recognized["data"]["intent"] == "MedicationTaken" and recognized["person"] == "grandma"
    assert rows["utterance_heard"][0]["data"]["text"] == "I took my pills"
    assert spoken in ("Thanks. No dose is due right now.", "Thank you, I've noted your heart pills.")


async def test_chinese_said_to_assist_reaches_carehub_in_chinese_and_the_reply_is_chinese(
        assist, carehub_http_port, tmp_path):
    spoken, rows = await said_to_assist(assist, carehub_http_port, tmp_path, "我已经吃药了", "zh-cn")
    heard = rows["utterance_heard"][0]["data"]
    assert heard["text"] == "我吃过药了" and heard["language"] == "zh-CN"
    recognized = rows["intent_recognized"][0]
    assert recognized["data"]["intent"] == "MedicationTaken" and recognized["person"] == "grandma"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in spoken), spoken
