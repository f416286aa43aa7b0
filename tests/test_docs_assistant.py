"""docs/care/assistant.md: every example in its "What people can say" table is understood as the intent
its row names, by the four skills together, so the page cannot promise what carehub does not do."""

from __future__ import annotations

import re
from pathlib import Path

from skills.clock import Clock
from skills.reminders import Reminders
from skills.room_climate import RoomClimate
from skills.timers import Timers
from tests.assistantkit import HOUSEHOLD

PAGE = Path(__file__).resolve().parent.parent / "docs" / "care" / "assistant.md"


def examples() -> list[tuple[str, str]]:
    """(utterance, intent) from the table under "What people can say"."""
    text = PAGE.read_text(encoding="utf-8")
    table = text.split("## What people can say", 1)[1].split("\n## ", 1)[0]
    found = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not re.fullmatch(r"[A-Z]\w+", cells[3]):
            continue
        found += [(said, cells[3]) for cell in cells[1:3] for said in re.findall(r"`([^`]+)`", cell)]
    return found


def test_the_page_has_examples_in_both_languages():
    found = examples()
    assert len(found) > 80
    assert any(re.search(r"[\u4e00-\u9fff]", said) for said, _ in found)
    assert {intent for _, intent in found} >= {"HassStartTimer", "ReminderAdd", "ReminderCancel", "HassGetCurrentDate",
                                               "ClimateGetHumidity", "HassUnpauseTimer"}


async def test_every_example_on_the_page_is_understood(skill_harness):
    h = await skill_harness(Timers, config=HOUSEHOLD, also=[Reminders, Clock, RoomClimate])
    wrong = []
    for said, intent in examples():
        reply = await h.say(said, person="grandma", room="kitchen")
        if reply.intent != intent:
            wrong.append(f"{said!r}: {reply.intent}, the page says {intent}")
    assert wrong == []
