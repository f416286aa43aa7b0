"""Sentence tests in the spirit of home-assistant/intents': a YAML file of example utterances per sentence
file (``tests/sentences/<skill>/<lang>.yaml`` for ``skills/<skill>/sentences/<lang>.yaml``).

A test file lists examples with the intent and the slots each must give::

    language: en
    tests:
      - sentences: ["set a pasta timer for ten minutes"]
        room: kitchen            # optional: where it was said
        intent:
          name: HassStartTimer
          slots: {name: pasta, minutes: 10}

and every template of the skill's sentence file must be matched by at least one example of its intent.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hassil import Intents, recognize
from hassil.intents import TextSlotList
from home_assistant_intents import get_intents

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent / "sentences"


@dataclass(frozen=True)
class Example:
    """One utterance and what it must be understood as."""

    text: str
    intent: str
    slots: dict[str, Any] = field(default_factory=dict)
    room: str | None = None


def sentence_test_files() -> list[Path]:
    return sorted(TESTS.glob("*/*.yaml"))


def file_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def sentence_file(test_file: Path) -> Path:
    """The skill's sentence file a test file is for."""
    return ROOT / "skills" / test_file.parent.name / "sentences" / test_file.name


def examples(test_file: Path) -> tuple[str, list[Example]]:
    data = yaml.safe_load(test_file.read_text(encoding="utf-8"))
    found = [Example(text, case["intent"]["name"], dict(case["intent"].get("slots") or {}), case.get("room"))
             for case in data["tests"] for text in case["sentences"]]
    return data["language"], found


def templates(path: Path) -> list[tuple[str, dict[str, Any], str]]:
    """(intent, its data block, template) for every template of a sentence file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(name, block, template) for name, body in data["intents"].items() for block in body["data"]
            for template in block["sentences"]]


def unexercised(path: Path, language: str, found: list[Example], slot_lists: dict[str, list[tuple]]) -> list[str]:
    """Templates of ``path`` that none of the examples of their intent matches."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    ha = get_intents(language) or {}
    lists = {name: TextSlotList.from_tuples(values, allow_template=False, name=name)
             for name, values in slot_lists.items()}
    missing = []
    for name, block, template in templates(path):
        alone = {**copy.deepcopy(block), "sentences": [template]}
        alone.pop("requires_context", None)  # the examples' rooms are not passed here
        doc = {"language": language, "intents": {name: {"data": [alone]}},
               "lists": {**(ha.get("lists") or {}), **(data.get("lists") or {})},
               "expansion_rules": {**(ha.get("expansion_rules") or {}), **(data.get("expansion_rules") or {})}}
        grammar = Intents.from_dict(doc)
        if not any(recognize(e.text, grammar, slot_lists=lists, language=language) for e in found if e.intent == name):
            missing.append(f"{name}: {template}")
    return missing
