"""docs/mqtt.md cannot rot: every payload it shows is read by the device adapters as the page says.

Each ``### `<kind>` `` section's `state` and `event` examples must decode without a refusal, and each
`set` example must be a payload the hub itself writes for some command; the topics in the table must be
the ones the hub subscribes to and routes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import devices
from assistant import topics
from assistant.commands import (
    Close, Lock, Notify, Open, SetHeartbeat, SetPosition, Speak, Stop, TurnOff, TurnOn, Unlock, Vibrate,
)
from assistant.errors import UnsupportedCommand

DOC = Path(__file__).resolve().parents[1] / "docs" / "mqtt.md"
TEXT = DOC.read_text(encoding="utf-8")
SECTION = re.compile(r"^### `(?P<kind>\w+)`.*?$(?P<body>.*?)(?=^##)", re.M | re.S)
LABEL = re.compile(r"`(state|event|set)`(?: \([^)]*\))?:")
INLINE_JSON = re.compile(r"`(\{.*?\})`")
JSON_BLOCK = re.compile(r"```json\n(.*?)```", re.S)

COMMANDS = [TurnOn(), TurnOn(brightness=128), TurnOff(), Speak("Time for your pills", "en"), Vibrate(1.5),
            SetHeartbeat(60), Notify("It's time for your heart pills."), Open(), Close(), Stop(), SetPosition(40),
            Lock(), Unlock()]


def _examples() -> list[tuple[str, str, str]]:
    """(kind, channel, JSON text) of every payload example of every kind section."""
    found: list[tuple[str, str, str]] = []
    for section in SECTION.finditer(TEXT):
        kind, body = section["kind"], section["body"]
        labels = list(LABEL.finditer(body))
        for i, label in enumerate(labels):
            end = labels[i + 1].start() if i + 1 < len(labels) else len(body)
            part = body[label.end():end]
            blocks = JSON_BLOCK.findall(part)
            for block in blocks:
                found += [(kind, label[1], line) for line in _json_objects(block)]
            if not blocks:
                found += [(kind, label[1], text) for text in INLINE_JSON.findall(part)]
    return found


def _json_objects(block: str) -> list[str]:
    """The JSON objects of a block written one per line (an object may continue over several lines)."""
    objects, current = [], ""
    for line in block.strip().splitlines():
        current += line
        try:
            json.loads(current)
        except ValueError:
            continue
        objects.append(current)
        current = ""
    assert not current, f"unfinished JSON in docs/mqtt.md: {current[:60]}"
    return objects


EXAMPLES = _examples()


def _id(example: tuple[str, str, str]) -> str:
    return f"{example[0]}/{example[1]}:{example[2][:30]}"


def test_every_kind_has_examples():
    assert {kind for kind, _, _ in EXAMPLES} == set(devices.KINDS)


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e[1] != "set"], ids=_id)
def test_a_documented_device_payload_is_accepted(example):
    kind, channel, text = example
    decoded = devices.decode(kind, channel, text.encode())
    assert decoded.events or decoded.heartbeat or json.loads(text).get("battery") is not None, \
        f"{kind}/{channel} example decodes to nothing: {text}"


def _written(kind: str) -> list[dict]:
    out = []
    for command in COMMANDS:
        try:
            out.append(json.loads(devices.encode(kind, command)))
        except UnsupportedCommand:
            continue
    return out


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e[1] == "set"], ids=_id)
def test_a_documented_command_is_one_the_hub_writes(example):
    kind, _, text = example
    shown = json.loads(text)
    shapes = [(set(payload), {k: type(v) for k, v in payload.items()}) for payload in _written(kind)]
    assert (set(shown), {k: type(v) for k, v in shown.items()}) in shapes, \
        f"docs/mqtt.md shows {text} for {kind}, but the hub writes {_written(kind)}"


def test_the_topic_table_is_what_the_hub_subscribes_to_and_routes():
    table = re.findall(r"^\| `([^`]+)` \|", TEXT, re.M)
    device_topics = [t for t in table if t.startswith("<prefix>/<home>/<device>/")]
    channels = {t.split("/")[3] for t in device_topics}
    assert {"state", "event", "availability", "set", "audio", "speech"} <= channels
    filters = topics.subscriptions("carehub", ["flat1"], "zigbee2mqtt")
    for channel in topics.DEVICE_CHANNELS:
        assert f"<prefix>/<home>/<device>/{channel}" in table
        assert f"carehub/flat1/+/{channel}" in filters
        assert topics.parse(f"carehub/flat1/watch/{channel}", "carehub", "zigbee2mqtt") == \
            topics.Route("flat1", "watch", channel)
    assert "carehub/flat1/+/audio/#" in filters
    assert "<prefix>/<home>/hub/status" in table
    assert topics.hub_topic("carehub", "flat1", "status") == "carehub/flat1/hub/status"
    assert "zigbee2mqtt/<friendly_name>" in table and "zigbee2mqtt/+" in filters
