"""A household for the assistant skills' tests (timers, reminders, clock, room climate): speakers in four
rooms, thermometers in two, and a bathroom with neither."""

from __future__ import annotations

from typing import Any

HOUSEHOLD: dict[str, Any] = {
    "people": [
        {"id": "grandma", "name": "Margaret", "role": "elder", "language": "en"},
        {"id": "leo", "name": "Leo", "role": "child", "language": "zh-CN"},
        {"id": "anna", "name": "Anna", "role": "adult", "language": "en"},
    ],
    "devices": [
        {"id": "kitchen-speaker", "kind": "speaker", "room": "kitchen", "person": "grandma"},
        {"id": "bedroom-speaker", "kind": "speaker", "room": "bedroom"},
        {"id": "living-speaker", "kind": "speaker", "room": "living_room"},
        {"id": "leo-speaker", "kind": "speaker", "room": "leo-room", "person": "leo"},
        {"id": "bedroom-thermometer", "kind": "climate", "room": "bedroom", "name": "bedroom thermometer"},
        {"id": "living-thermometer", "kind": "climate", "room": "living_room", "name": "living room thermometer"},
        {"id": "kitchen-motion", "kind": "motion", "room": "kitchen", "person": "grandma"},
        {"id": "bedroom-motion", "kind": "motion", "room": "bedroom", "person": "grandma"},
        {"id": "bathroom-motion", "kind": "motion", "room": "bathroom", "person": "grandma"},
    ],
    "rooms": {
        "kitchen": {"zh-CN": ["厨房"]},
        "bedroom": {"zh-CN": ["卧室"]},
        "bathroom": {"zh-CN": ["卫生间", "浴室"]},
        "living_room": {"en": ["living room", "lounge"], "zh-CN": ["客厅"]},
        "leo-room": {"en": ["leo's room"], "zh-CN": ["乐乐的房间"]},
    },
}
"""Merged over the default household (``skill_harness(..., config=HOUSEHOLD)``): its people and devices
replace the default ones."""


def speaker_said(published: list[tuple[str, Any]]) -> list[tuple[str, str, str]]:
    """(speaker device, text, language) of everything sent to a speaker, in order."""
    out = []
    for topic, payload in published:
        if isinstance(payload, dict) and "say" in payload:
            out.append((topic.split("/")[2], payload["say"], payload.get("language", "")))
    return out
