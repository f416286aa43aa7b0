"""docs/voice.md, "What people can say": every example is understood as its row's intent, said in the bedroom of
the brief's household with the built-in assistant and care skills, so the page cannot promise what carehub does
not do."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from skills.check_in import CheckIn
from skills.child_safety import ChildSafety
from skills.clock import Clock
from skills.device_control import DeviceControl
from skills.family_messages import FamilyMessages
from skills.medication import Medication
from skills.reminders import Reminders
from skills.room_climate import RoomClimate
from skills.safety import Safety
from skills.timers import Timers
from tests.understandingkit import HOUSEHOLD

PAGE = Path(__file__).resolve().parent.parent / "docs" / "voice.md"


def examples() -> list[tuple[str, set[str]]]:
    """(utterance, the intents its row names) from the table under "What people can say"."""
    table = PAGE.read_text(encoding="utf-8").split("### What people can say", 1)[1].split("\n### ", 1)[0]
    found = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not re.fullmatch(r"[A-Z][\w, ]+", cells[3]):
            continue
        intents = {i.strip() for i in cells[3].split(",")}
        found += [(said, intents) for cell in cells[1:3] for said in re.findall(r"`([^`]+)`", cell)]
    return found


def test_the_page_has_examples_in_both_languages():
    found = examples()
    assert len(found) > 90
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", said)) for said, _ in found) > 40


async def test_every_example_on_the_page_is_understood(skill_harness):
    raw = yaml.safe_load(HOUSEHOLD.read_text(encoding="utf-8"))
    h = await skill_harness(DeviceControl, config=raw, also=[RoomClimate, Timers, Reminders, Clock, FamilyMessages,
                                                             Safety, Medication, CheckIn, ChildSafety])
    wrong = []
    for said, intents in examples():
        reply = await h.say(said, person="grandma", room="bedroom")
        if reply.intent not in intents:
            wrong.append(f"{said!r}: {reply.intent} ({reply.text}), the page says {', '.join(sorted(intents))}")
    assert wrong == []
