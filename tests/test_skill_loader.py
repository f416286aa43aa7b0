"""Finding skills: entry points and a skills_dir of folders, settings from config, and the CLI's view of them."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assistant.app import build_hub
from assistant.cli import main
from assistant.clock import FakeClock
from assistant.config import Config, parse_config
from assistant.skill_loader import discover
from skills.sdk.testing import SkillHarness

BUILT_IN = {"device_control", "safety", "device_health", "falls", "medication", "check_in", "scam_guard", "vitals",
            "child_safety", "routines", "family_messages", "clock", "room_climate", "timers", "reminders"}
"""Skills carehub itself registers under the carehub.skills entry point."""

GOOD_SKILL = '''
"""Counts glasses of water."""
from pydantic import BaseModel, ConfigDict

from skills.sdk import IntentMatch, Skill, every, intent, tool

from .replies import reply


class WaterSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    every_hours: float = 2.0


class Water(Skill[WaterSettings]):
    @intent("WaterDrank")
    async def drank(self, match: IntentMatch) -> str:
        return reply(match.language)

    @every(3600)
    async def remind(self) -> None:
        await self.ctx.say("Time for water")

    @tool
    async def glasses_today(self) -> int:
        """How many glasses today."""
        return 0
'''

GOOD_SENTENCES = {
    "en.yaml": "language: en\nintents:\n  WaterDrank:\n    data:\n      - sentences:\n          - \"i (drank|had) [a glass of] water\"\n",
    "zh-CN.yaml": "language: zh-CN\nintents:\n  WaterDrank:\n    data:\n      - sentences:\n          - \"我喝了[一杯]水\"\n",
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def good_skill(root: Path, name: str = "water", reply: str = "Well done") -> Path:
    folder = root / name
    write(folder / "__init__.py", GOOD_SKILL)
    write(folder / "replies.py", f"def reply(language):\n    return {reply!r} + ' (' + language + ')'\n")
    for file, text in GOOD_SENTENCES.items():
        write(folder / "sentences" / file, text)
    return folder


def broken_skills(root: Path) -> None:
    write(root / "needs_numpy" / "__init__.py", "import numpy_that_is_not_installed\n")
    write(root / "typo" / "skill.py", "from skills.sdk import Skill\n\nclass Typo(Skill)\n    pass\n")


def config_for(tmp_path: Path, **extra) -> Config:
    raw = {"storage": {"database": str(tmp_path / "hub.db")}, "http": {"enabled": False},
           "skills_dir": "skills", **extra}
    return parse_config(raw, "test", tmp_path)


def by_id(loaded) -> dict:
    return {sc.id: sc for sc in loaded}


def errors_by_skill(errors) -> dict[str, str]:
    return {e.skill: str(e) for e in errors}


# --- skills_dir ------------------------------------------------------------------------------------------


def test_good_folders_load_and_bad_ones_are_reported_by_name(tmp_path):
    good_skill(tmp_path / "skills")
    broken_skills(tmp_path / "skills")
    loaded, errors = discover(config_for(tmp_path))
    assert set(by_id(loaded)) == BUILT_IN | {"water"}  # the built-ins come from their entry points
    assert by_id(loaded)["water"].origin == f"folder {tmp_path / 'skills' / 'water'}"
    assert by_id(loaded)["device_control"].origin == "entry point skills.device_control:DeviceControl"
    problems = errors_by_skill(errors)
    assert set(problems) == {"needs_numpy", "typo"}
    assert "ModuleNotFoundError" in problems["needs_numpy"] and "numpy_that_is_not_installed" in problems["needs_numpy"]
    assert "SyntaxError" in problems["typo"] and "skill.py" in problems["typo"]


async def test_a_folder_skill_runs_with_its_sentence_files(tmp_path):
    good_skill(tmp_path / "skills")
    broken_skills(tmp_path / "skills")
    config = config_for(tmp_path)
    clock = FakeClock()
    hub = build_hub(config, clock=clock, offline=True)
    h = SkillHarness(hub, clock)
    await hub.start()
    try:
        assert set(hub.skills.loaded) == BUILT_IN | {"water"}
        assert {e.skill for e in hub.skills.errors} == {"needs_numpy", "typo"}
        assert (await h.say("I had a glass of water")).text == "Well done (en)"
        assert (await h.say("我喝了一杯水")).text == "Well done (zh-CN)"
        failed = await h.rows(kind="skill_load_failed")
        assert {r["data"]["skill"] for r in failed} == {"needs_numpy", "typo"}
    finally:
        await hub.stop()


def test_each_skills_dir_gets_its_own_modules(tmp_path):
    good_skill(tmp_path / "one" / "skills", reply="one")
    good_skill(tmp_path / "two" / "skills", reply="two")
    first, _ = discover(config_for(tmp_path / "one"))
    second, _ = discover(config_for(tmp_path / "two"))
    water_one, water_two = by_id(first)["water"].cls, by_id(second)["water"].cls
    assert water_one.drank.__globals__["reply"]("en") == "one (en)"
    assert water_two.drank.__globals__["reply"]("en") == "two (en)"


def test_a_single_file_skill_folder(tmp_path):
    write(tmp_path / "skills" / "hello" / "skill.py", """
        from skills.sdk import IntentMatch, Skill, intent

        class Hello(Skill):
            @intent("Hello", en=["hello"])
            async def hello(self, match: IntentMatch) -> str:
                return "Hi"
    """)
    loaded, errors = discover(config_for(tmp_path))
    assert errors == [] and by_id(loaded)["hello"].cls.__name__ == "Hello"


@pytest.mark.parametrize("files, message", [
    ({"README.md": "nothing to run"}, "has no __init__.py or skill.py"),
    ({"skill.py": "from skills.sdk import Skill\nclass A(Skill): pass\nclass B(Skill): pass\n"},
     "must define exactly one Skill subclass, found 2"),
    ({"skill.py": "x = 1\n"}, "must define exactly one Skill subclass, found 0"),
    ({"skill.py": "from skills.sdk import Skill, on, FallDetected\nclass A(Skill):\n"
                  "    @on(FallDetected)\n    def fell(self, event): pass\n"}, "handler 'fell': must be 'async def'"),
])
def test_a_folder_that_is_not_one_skill_is_reported(tmp_path, files, message):
    for name, text in files.items():
        write(tmp_path / "skills" / "odd" / name, text)
    loaded, errors = discover(config_for(tmp_path))
    assert "odd" not in by_id(loaded)
    (error,) = errors
    assert error.skill == "odd" and message in str(error)


def test_a_missing_skills_dir_is_reported(tmp_path):
    loaded, errors = discover(config_for(tmp_path, skills_dir="no_such_folder"))
    assert [e.skill for e in errors] == ["skills_dir"] and "not a folder" in str(errors[0])
    assert set(by_id(loaded)) == BUILT_IN


def test_a_folder_with_an_installed_skills_id_is_reported(tmp_path):
    write(tmp_path / "skills" / "device_control" / "skill.py", "from skills.sdk import Skill\nclass Mine(Skill): pass\n")
    loaded, errors = discover(config_for(tmp_path))
    assert by_id(loaded)["device_control"].cls.__name__ == "DeviceControl"
    (error,) = errors
    assert error.skill == "device_control" and "already installed" in str(error)


# --- sentence files ---------------------------------------------------------------------------------------


def test_a_broken_sentence_file_stops_only_that_skill(tmp_path):
    folder = good_skill(tmp_path / "skills")
    write(folder / "sentences" / "en.yaml", "language: en\nintents:\n  WaterDrank: [unclosed\n")
    loaded, errors = discover(config_for(tmp_path))
    assert set(by_id(loaded)) == BUILT_IN
    (error,) = errors
    assert error.skill == "water" and "en.yaml" in str(error) and "not valid YAML" in str(error)


def test_a_template_that_does_not_parse_is_reported_with_the_intent(tmp_path):
    folder = good_skill(tmp_path / "skills")
    write(folder / "sentences" / "zh-CN.yaml",
          "language: zh-CN\nintents:\n  WaterDrank:\n    data:\n      - sentences:\n          - \"我喝了(一杯水\"\n")
    _, errors = discover(config_for(tmp_path))
    (error,) = errors
    assert error.skill == "water" and "zh-CN.yaml" in str(error) and "WaterDrank" in str(error)
    assert "我喝了(一杯水" in str(error)


def test_an_inline_template_that_does_not_parse_is_reported(tmp_path):
    write(tmp_path / "skills" / "fell" / "skill.py", """
        from skills.sdk import IntentMatch, Skill, intent

        class Fell(Skill):
            @intent("CareIFell", en=["i (fell"])
            async def fell(self, match: IntentMatch) -> str:
                return "ok"
    """)
    _, errors = discover(config_for(tmp_path))
    (error,) = errors
    assert (error.skill, error.handler) == ("fell", "fell") and "i (fell" in str(error)


def test_a_sentence_file_intent_without_a_handler_is_reported(tmp_path):
    folder = good_skill(tmp_path / "skills")
    write(folder / "sentences" / "en.yaml",
          "language: en\nintents:\n  WaterDrunk:\n    data:\n      - sentences:\n          - \"i drank water\"\n")
    _, errors = discover(config_for(tmp_path))
    (error,) = errors
    assert error.skill == "water" and "WaterDrunk" in str(error) and "no @intent handler" in str(error)


# --- settings from config ---------------------------------------------------------------------------------


def test_settings_are_validated_for_folder_skills(tmp_path):
    good_skill(tmp_path / "skills")
    loaded, errors = discover(config_for(tmp_path, skills={"water": {"every_hours": 3}}))
    assert errors == [] and by_id(loaded)["water"].settings.every_hours == 3
    _, errors = discover(config_for(tmp_path, skills={"water": {"every_hours": "often", "colour": "blue"}}))
    (error,) = errors
    assert "skills.water.every_hours: Input should be a valid number" in str(error)
    assert "skills.water.colour: unknown setting" in str(error)


def test_settings_for_a_skill_that_is_not_installed_are_an_error(tmp_path):
    good_skill(tmp_path / "skills")
    _, errors = discover(config_for(tmp_path, skills={"watr": {"every_hours": 3}}))
    assert errors_by_skill(errors) == {
        "watr": "skill 'watr': settings given in config.yaml, but no such skill is installed"}


def test_enabled_false_skips_a_skill_without_complaint(tmp_path):
    good_skill(tmp_path / "skills")
    broken_skills(tmp_path / "skills")
    config = config_for(tmp_path, skills={"water": {"enabled": False, "every_hours": "ignored when off"},
                                          **{skill: {"enabled": False} for skill in BUILT_IN},
                                          "needs_numpy": {"enabled": False}, "typo": {"enabled": False}})
    loaded, errors = discover(config)
    assert loaded == [] and errors == []


# --- the command line -------------------------------------------------------------------------------------


def config_file(tmp_path: Path, **extra) -> Path:
    raw = {"storage": {"database": "hub.db"}, "skills_dir": "skills", **extra}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_check_exits_2_naming_the_broken_skills(tmp_path):
    good_skill(tmp_path / "skills")
    broken_skills(tmp_path / "skills")
    result = CliRunner().invoke(main, ["--config", str(config_file(tmp_path)), "check"])
    assert result.exit_code == 2, result.output
    assert "2 skill(s) cannot load" in result.output
    assert "skill 'needs_numpy'" in result.output and "skill 'typo'" in result.output
    assert "water" not in result.output


def test_check_names_a_bad_setting(tmp_path):
    good_skill(tmp_path / "skills")
    path = config_file(tmp_path, skills={"water": {"every_hours": "often"}})
    result = CliRunner().invoke(main, ["--config", str(path), "check"])
    assert result.exit_code == 2 and "skills.water.every_hours" in result.output


def test_check_passes_with_good_skills(tmp_path):
    good_skill(tmp_path / "skills")
    result = CliRunner().invoke(main, ["--config", str(config_file(tmp_path)), "check"])
    assert result.exit_code == 0, result.output
    assert "configuration OK" in result.output and f"{len(BUILT_IN) + 1} skill(s)" in result.output


def test_skills_json_lists_a_folder_skills_intents_schedules_and_tools(tmp_path):
    good_skill(tmp_path / "skills")
    result = CliRunner().invoke(main, ["--config", str(config_file(tmp_path)), "skills", "--json"])
    assert result.exit_code == 0, result.output
    listing = {s["id"]: s for s in json.loads(result.output)["skills"]}
    assert listing["water"]["intents"] == ["WaterDrank"]
    assert listing["water"]["schedules"] == ["remind: every 1:00:00"]
    assert listing["water"]["tools"] == ["glasses_today"]
    assert listing["device_control"]["intents"] == ["HassTurnOn", "HassTurnOff", "HassLightSet", "HassSetPosition",
                                                    "HassGetState", "LightDim", "LightBrighten", "DeviceStop"]
