"""What Home Assistant's own grammar understands, carehub understands the same way: for device commands that
grammar generates with the household's names, carehub acts on the devices Home Assistant would (or asks, or
says it cannot), and never on another."""

from __future__ import annotations

import random

import pytest
from hassil import Intents, recognize
from hassil.intents import TextSlotList
from hassil.sample import sample_intents
from home_assistant_intents import get_intents

from assistant.config import parse_config
from assistant.intents import Recognized, Recognizer
from assistant.skill_runtime.conversation import household_slot_lists
from tests.understandingkit import HOUSEHOLD, understanding

NAMES = ["HassTurnOn", "HassTurnOff", "HassLightSet", "HassGetState"]
ROOM = "kitchen"


def _config():
    import yaml

    raw = yaml.safe_load(HOUSEHOLD.read_text(encoding="utf-8"))
    return parse_config({**raw, "storage": {"database": ":memory:"}}, "household", HOUSEHOLD.parent)


def _home_assistant_targets(slots: dict, config) -> set[str]:
    if "name" in slots:
        return {slots["name"]}
    area = slots.get("area", ROOM)
    return {d.id for d in config.devices if d.room == area and d.kind in ("light", "switch", "fan", "cover", "contact")
            and (not slots.get("domain") or d.kind == slots["domain"])
            and (not slots.get("device_class") or d.subtype == slots["device_class"])}


@pytest.mark.parametrize("language, understood_at_least", [("en", 0.95), ("zh-CN", 0.9)])
def test_home_assistants_sentences_mean_the_same_devices(language, understood_at_least):
    config = _config()
    ha = get_intents(language)
    intents = Intents.from_dict({"language": language, "intents": {n: ha["intents"][n] for n in NAMES},
                                 "lists": ha.get("lists", {}), "expansion_rules": ha.get("expansion_rules", {}),
                                 "skip_words": ha.get("skip_words", [])})
    lists_of = Recognizer([], [language])
    lists_of.set_slot_lists(language, household_slot_lists(config, language))
    lists = {**lists_of.slot_lists[language], "floor": TextSlotList.from_tuples([], name="floor")}
    samples = list(sample_intents(intents, slot_lists=lists, language=language, max_sentences_per_intent=3000))
    random.Random(7).shuffle(samples)
    acted, others, different = 0, 0, []
    for _, text in samples[:1500]:
        match = recognize(text, intents, slot_lists=lists, language=language,
                          intent_context={"area": {"value": ROOM, "text": ROOM}})
        if match is None:
            continue
        targets = _home_assistant_targets({k: e.value for k, e in match.entities.items()}, config)
        if not targets:
            continue  # Home Assistant would do nothing here (a garage door, an awning...)
        mine = understanding().understand(text, [language], ROOM, "grandma")
        if isinstance(mine, Recognized):
            got = set(str(mine.slots.get("devices") or mine.slots["name"]).split(","))
            if got <= targets:
                acted += 1
            else:
                different.append(f"{text!r}: Home Assistant {sorted(targets)}, carehub {sorted(got)}")
        else:
            others += 1
    assert different == []
    assert acted + others > 30
    assert acted / (acted + others) >= understood_at_least
