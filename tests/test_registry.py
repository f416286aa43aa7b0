"""registry: a device's state from when it was last heard, its availability and its heartbeat."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from assistant.config import parse_config
from assistant.registry import SILENT_FACTOR, DeviceRegistry

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
HEARTBEAT = 60


@pytest.fixture
def registry():
    config = parse_config({
        "home": {"id": "flat1"},
        "people": [{"id": "grandma", "name": "Margaret"}],
        "devices": [
            {"id": "watch", "kind": "wearable", "person": "grandma", "heartbeat": HEARTBEAT, "room": "bedroom"},
            {"id": "hall", "kind": "motion", "zigbee2mqtt": "Hallway motion"},
        ],
    })
    return DeviceRegistry.from_config(config)


def test_lookup(registry):
    assert registry.get("flat1", "watch").config.person == "grandma"
    assert registry.get("flat1", "toaster") is None
    assert registry.get("flat2", "watch") is None  # another home's device of the same id
    assert registry.by_zigbee2mqtt("Hallway motion").config.id == "hall"
    assert registry.by_zigbee2mqtt("Unknown") is None


def test_state_follows_the_heartbeat(registry):
    watch = registry.get("flat1", "watch")
    assert SILENT_FACTOR == 2.5
    assert watch.state(T0) == "never seen"
    watch.last_seen = T0
    assert watch.state(T0) == "online"
    assert watch.state(T0 + timedelta(seconds=HEARTBEAT * 2)) == "online"  # one missed heartbeat is fine
    assert watch.state(T0 + timedelta(seconds=HEARTBEAT * 2.5)) == "online"
    assert watch.state(T0 + timedelta(seconds=HEARTBEAT * 2.5 + 1)) == "silent"
    assert watch.state(T0 + timedelta(hours=5)) == "silent"
    watch.last_seen = T0 + timedelta(hours=5)  # it spoke again
    assert watch.state(T0 + timedelta(hours=5, seconds=10)) == "online"


def test_default_heartbeat_scales_the_silence(registry):
    hall = registry.get("flat1", "hall")  # heartbeat 300 s by default
    hall.last_seen = T0
    assert hall.state(T0 + timedelta(seconds=700)) == "online"
    assert hall.state(T0 + timedelta(seconds=751)) == "silent"


def test_availability_overrides_recent_messages(registry):
    watch = registry.get("flat1", "watch")
    watch.online = False
    assert watch.state(T0) == "offline"  # said goodbye before ever sending data
    watch.last_seen = T0
    assert watch.state(T0 + timedelta(seconds=1)) == "offline"
    watch.online = True
    assert watch.state(T0 + timedelta(seconds=1)) == "online"
    assert watch.state(T0 + timedelta(hours=1)) == "silent"


def test_unknown_senders_are_counted(registry):
    registry.note_unknown("carehub/flat1/toaster/state", T0, "unknown device 'toaster'")
    registry.note_unknown("carehub/flat1/toaster/state", T0 + timedelta(minutes=1), "unknown device 'toaster'")
    registry.note_unknown("zigbee2mqtt/Lamp", T0 + timedelta(minutes=2), "unknown Zigbee2MQTT device")
    toaster = registry.unknown["carehub/flat1/toaster/state"]
    assert toaster.count == 2 and toaster.last_seen == T0 + timedelta(minutes=1)
    assert registry.unknown["zigbee2mqtt/Lamp"].count == 1


def test_restore_from_rows(registry):
    registry.restore([
        {"home": "flat1", "id": "watch", "last_seen": T0.isoformat(), "online": 1, "configured": 1},
        {"home": "flat1", "id": "hall", "last_seen": T0.isoformat(), "online": 0, "configured": 1},
        {"home": "flat1", "id": "removed-from-config", "last_seen": T0.isoformat(), "online": 1},
        {"home": "flat2", "id": "watch", "last_seen": (T0 + timedelta(days=1)).isoformat(), "online": 0},
    ])
    watch = registry.get("flat1", "watch")
    assert watch.last_seen == T0 and watch.online is True
    assert watch.state(T0 + timedelta(seconds=30)) == "online"
    assert registry.get("flat1", "hall").state(T0) == "offline"
    assert set(registry.devices) == {"watch", "hall"}


def test_restore_keeps_unknown_availability_unknown(registry):
    registry.restore([{"home": "flat1", "id": "watch", "last_seen": None, "online": None}])
    watch = registry.get("flat1", "watch")
    assert watch.last_seen is None and watch.online is None
    assert watch.state(T0) == "never seen"


def test_snapshot(registry):
    watch = registry.get("flat1", "watch")
    watch.last_seen = T0
    watch.messages = 3
    registry.note_unknown("carehub/flat1/toaster/state", T0, "unknown device 'toaster'")
    snapshot = registry.snapshot(T0 + timedelta(minutes=1))
    assert snapshot["devices"] == [
        {"id": "watch", "kind": "wearable", "person": "grandma", "room": "bedroom", "state": "online",
         "messages": 3, "last_seen": T0.isoformat()},
        {"id": "hall", "kind": "motion", "person": None, "room": None, "state": "never seen",
         "messages": 0, "last_seen": None},
    ]
    assert snapshot["unknown_senders"] == [
        {"topic": "carehub/flat1/toaster/state", "count": 1, "reason": "unknown device 'toaster'",
         "last_seen": T0.isoformat()}]
