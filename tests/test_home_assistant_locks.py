"""Locks and Home Assistant, both ways: a carehub lock is an MQTT lock in Home Assistant (its lock and unlock go
through carehub and are logged with their cause), and Home Assistant's ``lock.*`` entity is a carehub lock."""

from __future__ import annotations

import asyncio
import json

import pytest

from assistant.app import build_hub
from assistant.commands import Lock, TurnOn, Unlock
from assistant.config import parse_config
from assistant.errors import DecodeError, UnsupportedCommand
from assistant.events import LockStateReported
from assistant.homeassistant.discovery import Discovery, command_for
from assistant.homeassistant.states import EntityState, readings, service_call
from tests.hakit import DEVICES, client, collect, ha_config
from tests.hubkit import wait_for_rows

LOCK = {"id": "front-door-lock", "kind": "lock", "room": "hallway", "name": "front door lock"}
LOCK_SET = "carehub/flat1/hub/ha/device/front-door-lock/lock/set"
HA_LOCK = {"lock.front_door": {"id": "front-door-lock", "kind": "lock", "room": "hallway", "voice_unlock": True}}


def _config(tmp_path, **home_assistant):
    return parse_config({"home": {"id": "flat1"}, "storage": {"database": str(tmp_path / "log.db")},
                         "devices": [LOCK] if not home_assistant else [],
                         "home_assistant": {"enabled": True, **home_assistant}}, "test", tmp_path)


# -- carehub's lock in Home Assistant ------------------------------------------------------------------------

def test_a_carehub_lock_is_discovered_as_an_mqtt_lock(tmp_path):
    discovery = Discovery(_config(tmp_path))
    configs = {topic: json.loads(payload) for topic, payload in discovery.configs().items()}
    lock = configs["homeassistant/lock/carehub-flat1/front_door_lock/config"]
    assert lock["state_topic"] == "carehub/flat1/hub/ha/device/front-door-lock/lock"
    assert lock["command_topic"] == LOCK_SET
    assert lock["unique_id"] == "carehub_flat1_device_front-door-lock_lock" and lock["name"] is None
    assert lock["device"]["model"] == "lock"
    assert "homeassistant/sensor/carehub-flat1/front_door_lock_battery/config" in configs


@pytest.mark.parametrize("state, shown", [({"locked": True}, b"LOCKED"), ({"locked": False}, b"UNLOCKED"),
                                          ({"locked": True, "jammed": True}, b"JAMMED"), ({}, None)])
def test_a_locks_state_as_home_assistant_shows_it(tmp_path, state, shown):
    discovery = Discovery(_config(tmp_path))
    published = dict(discovery.states("device", "front-door-lock", state))
    assert published.get("carehub/flat1/hub/ha/device/front-door-lock/lock") == shown


def test_home_assistant_locks_with_lock_and_unlock(tmp_path):
    discovery = Discovery(_config(tmp_path))
    entity = discovery.entity_for_command(LOCK_SET)
    assert entity is not None
    assert command_for(entity, b"LOCK") == ("Lock", {})
    assert command_for(entity, b"UNLOCK") == ("Unlock", {})
    with pytest.raises(ValueError, match="a lock command is LOCK or UNLOCK, not 'ON'"):
        command_for(entity, b"ON")


async def test_lock_and_unlock_from_home_assistant_reach_the_lock_and_are_logged_with_their_cause(tmp_path):
    from tests.conftest import free_port

    port = free_port()
    config = ha_config(tmp_path, port, devices=[*DEVICES, LOCK])
    async with build_hub(config, skills=[]) as hub:
        await hub.wait_connected()
        async with client(config, port, "front-door-lock") as lock, client(config, port, "homeassistant") as ha:
            await lock.subscribe("carehub/flat1/front-door-lock/set", qos=1)
            await ha.subscribe("carehub/flat1/hub/ha/device/front-door-lock/#", qos=1)
            for asked in (b"UNLOCK", b"LOCK"):
                await ha.publish(LOCK_SET, asked, qos=1)
            received = []
            async with asyncio.timeout(10):
                async for message in lock.messages:
                    received.append(json.loads(message.payload))
                    if len(received) == 2:
                        break
            await lock.publish("carehub/flat1/front-door-lock/state", b'{"locked": true}', qos=1, retain=True)
            seen = await collect(ha, lambda s: s.get("carehub/flat1/hub/ha/device/front-door-lock/lock") == b"LOCKED")
        assert received == [{"state": "unlock"}, {"state": "lock"}]
        assert seen["carehub/flat1/hub/ha/device/front-door-lock/lock"] == b"LOCKED"
        sent = await wait_for_rows(config.database_path, lambda rows: len(rows) == 2, kind="command_sent")
        requested = await wait_for_rows(config.database_path, lambda rows: len(rows) == 2, kind="command_requested")
    assert [row["data"]["command"] for row in sent] == ["Unlock", "Lock"]
    assert [row["cause"] for row in sent] == [row["id"] for row in requested]
    assert {row["data"]["source"] for row in requested} == {"home_assistant"}


# -- Home Assistant's lock in carehub ------------------------------------------------------------------------

def _mapped(tmp_path):
    return parse_config({"home": {"id": "flat1"}, "storage": {"database": str(tmp_path / "log.db")},
                         "home_assistant": {"url": "http://127.0.0.1:8123", "token": "t" * 40,
                                            "entities": HA_LOCK}}, "test", tmp_path)


def test_a_home_assistant_lock_becomes_a_carehub_lock(tmp_path):
    device = _mapped(tmp_path).device("front-door-lock")
    assert device is not None and device.kind == "lock" and device.room == "hallway" and device.voice_unlock


@pytest.mark.parametrize("ha_state, locked, jammed", [("locked", True, False), ("unlocked", False, False),
                                                      ("open", False, False), ("jammed", None, True)])
def test_a_home_assistant_locks_states_are_read(tmp_path, ha_state, locked, jammed):
    device = _mapped(tmp_path).device("front-door-lock")
    (event,) = readings(device, EntityState("lock.front_door", ha_state))
    assert isinstance(event, LockStateReported) and (event.locked, event.jammed) == (locked, jammed)


def test_a_lock_on_its_way_says_nothing_yet_and_a_strange_state_is_refused(tmp_path):
    device = _mapped(tmp_path).device("front-door-lock")
    assert readings(device, EntityState("lock.front_door", "locking")) == []
    assert readings(device, EntityState("lock.front_door", "unknown")) == []
    with pytest.raises(DecodeError, match="state: 'ajar' is not a lock's"):
        readings(device, EntityState("lock.front_door", "ajar"))


def test_lock_and_unlock_are_home_assistants_lock_services(tmp_path):
    device = _mapped(tmp_path).device("front-door-lock")
    assert service_call("lock.front_door", device, Lock()) == ("lock", "lock", {"entity_id": "lock.front_door"})
    assert service_call("lock.front_door", device, Unlock()) == ("lock", "unlock", {"entity_id": "lock.front_door"})
    with pytest.raises(UnsupportedCommand):
        service_call("lock.front_door", device, TurnOn())
