"""Door locks: their state read and logged, Lock / Unlock written, the reference firmware, and voice on a real
broker ("lock the front door" reaches the lock's set topic; "unlock" reaches nothing)."""

from __future__ import annotations

import asyncio
import json

import aiomqtt
import pytest

import devices
from assistant.app import build_hub
from assistant.commands import Lock, TurnOff, TurnOn, Unlock
from assistant.errors import DecodeError, UnsupportedCommand
from assistant.events import BatteryReported, LockStateReported
from assistant.state import fold
from firmware_stubs.door_lock import DoorLock
from tests.hubkit import HOUSEHOLD, hub_config, publish, wait_for_rows
from tests.test_firmware_devices import NOW, FakeClient

LOCK = {"id": "front-door-lock", "kind": "lock", "room": "hallway", "name": "front door lock",
        "aliases": {"zh-CN": ["前门"]}}


def test_a_lock_state_becomes_a_lock_event():
    decoded = devices.decode("lock", "state", b'{"locked": true, "battery": 80}')
    assert [type(e) for e in decoded.events] == [LockStateReported, BatteryReported]
    assert decoded.events[0].locked is True and decoded.events[0].jammed is False
    jammed = devices.decode("lock", "state", b'{"locked": false, "jammed": true}').events[0]
    assert (jammed.locked, jammed.jammed) == (False, True)


@pytest.mark.parametrize("payload, reason", [
    (b'{"locked": "yes"}', "locked: Input should be a valid boolean"),
    (b'{"locked": true, "open": true}', "unexpected field 'open'"),
    (b'{"type": "fall"}', "unexpected field 'type'"),
])
def test_a_bad_lock_state_is_refused_naming_the_field(payload, reason):
    with pytest.raises(DecodeError) as error:
        devices.decode("lock", "state", payload)
    assert error.value.reason == reason


def test_a_lock_is_locked_and_unlocked_never_switched():
    assert json.loads(devices.encode("lock", Lock())) == {"state": "lock"}
    assert json.loads(devices.encode("lock", Unlock())) == {"state": "unlock"}
    for command in (TurnOn(), TurnOff()):
        with pytest.raises(UnsupportedCommand):
            devices.encode("lock", command)
    with pytest.raises(UnsupportedCommand):
        devices.encode("switch", Lock())


def test_the_state_store_keeps_locked_and_clears_jammed():
    state = fold({}, LockStateReported(locked=True))
    state = fold(state, LockStateReported(locked=None, jammed=True))
    assert (state["locked"], state["jammed"]) == (True, True)
    state = fold(state, LockStateReported(locked=False))
    assert (state["locked"], state["jammed"]) == (False, False)


def test_the_reference_lock_obeys_set_and_reports_retained():
    client = FakeClient()
    lock = DoorLock(client, "home", "front-door-lock")
    lock.start(NOW)
    client.deliver("carehub/home/front-door-lock/set", {"state": "unlock"})
    lock.tick(NOW + 1)
    lock.jam_next = True
    client.deliver("carehub/home/front-door-lock/set", {"state": "lock"})
    client.deliver("carehub/home/front-door-lock/set", {"state": "on"})
    lock.tick(NOW + 2)
    states = [{k: s[k] for k in ("locked", "jammed")} for s in client.json("state")]
    assert states == [{"locked": True, "jammed": False}, {"locked": False, "jammed": False},
                      {"locked": False, "jammed": True}]
    assert all(retained for topic, _, retained, _ in client.published if topic.endswith("/state"))
    assert len(lock.ignored) == 1
    for state in client.json("state"):
        devices.decode("lock", "state", json.dumps(state).encode())  # what it sends, the hub reads


def _config(tmp_path, port, lock=LOCK):
    return hub_config(tmp_path, port, devices=[*HOUSEHOLD["devices"], lock],
                      rooms={"hallway": {"zh-CN": ["走廊"]}})


async def test_a_lock_state_on_the_broker_becomes_a_logged_row(amqtt_broker, tmp_path):
    config = _config(tmp_path, amqtt_broker.port)
    async with build_hub(config, skills=[]) as hub:
        await hub.wait_connected()
        await publish(amqtt_broker.port, [("carehub/flat1/front-door-lock/state", '{"locked": false, "jammed": true}')])
        (row,) = await wait_for_rows(config.database_path, lambda rows: rows, kind="lock_state_reported")
        assert row["device"] == "front-door-lock" and row["data"] == {"locked": False, "jammed": True}
        assert hub.state.get("front-door-lock")["jammed"] is True


async def _said(hub, port, texts):
    """Say ``texts`` to the running hub; the replies and what reached the lock's set topic meanwhile."""
    async with aiomqtt.Client("127.0.0.1", port, identifier="test-lock") as lock:
        await lock.subscribe("carehub/flat1/front-door-lock/set", qos=1)
        replies = [(await hub.hear(text, person="grandma", source="test")).text for text in texts]
        received = []
        try:
            async with asyncio.timeout(2):
                async for message in lock.messages:
                    received.append(json.loads(message.payload))
        except TimeoutError:
            pass
    return replies, received


async def test_lock_the_front_door_by_voice_reaches_the_lock_and_unlock_does_not(amqtt_broker, tmp_path):
    config = _config(tmp_path, amqtt_broker.port)
    async with build_hub(config) as hub:
        await hub.wait_connected()
        replies, received = await _said(hub, amqtt_broker.port, ["lock the front door", "unlock the front door",
                                                                  "把前门解锁"])
    assert replies == ["Locked the front door lock.", "I can't unlock doors by voice; use the app or the lock itself.",
                       "我不能用语音开锁，请用手机应用或门锁本身开锁。"]
    assert received == [{"state": "lock"}]
    sent = await wait_for_rows(config.database_path, lambda rows: rows, kind="command_sent")
    assert [row["data"]["command"] for row in sent] == ["Lock"]


async def test_a_lock_that_allows_it_is_unlocked_by_voice(amqtt_broker, tmp_path):
    config = _config(tmp_path, amqtt_broker.port, {**LOCK, "voice_unlock": True})
    async with build_hub(config) as hub:
        await hub.wait_connected()
        replies, received = await _said(hub, amqtt_broker.port, ["unlock the front door"])
    assert replies == ["Unlocked the front door lock."] and received == [{"state": "unlock"}]
