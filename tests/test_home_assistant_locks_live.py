"""A Home Assistant lock as a carehub lock, against a real Home Assistant (2025.4.4, tests/hakit.py): a ``template``
lock (over an input_boolean, nothing that reaches the internet) is read as locked and unlocked, and carehub's
Lock is Home Assistant's ``lock.lock``, as its own REST state shows. Unlocking it by voice is refused.

Skipped, saying why, where Home Assistant is not installed (scripts/home-assistant-venv.sh needs Python 3.13).
"""

from __future__ import annotations

import asyncio

import pytest

from assistant.app import build_hub
from assistant.skill_loader import SkillClass
from skills.device_control import DeviceControl, DeviceControlSettings
from tests.conftest import free_port
from tests.hakit import running_home_assistant
from tests.hubkit import hub_config, wait_for_rows

pytestmark = [pytest.mark.home_assistant, pytest.mark.slow]

TEMPLATE_LOCK = """
input_boolean:
  bolt:
    name: Bolt
    initial: true
lock:
  - platform: template
    name: Front door
    unique_id: carehub_test_front_door
    value_template: "{{ is_state('input_boolean.bolt', 'on') }}"
    lock:
      action: input_boolean.turn_on
      target: {entity_id: input_boolean.bolt}
    unlock:
      action: input_boolean.turn_off
      target: {entity_id: input_boolean.bolt}
"""


@pytest.fixture(scope="module")
def with_a_lock(tmp_path_factory):
    with running_home_assistant(tmp_path_factory.mktemp("home-assistant-lock"), TEMPLATE_LOCK) as started:
        yield started


async def test_a_home_assistant_lock_is_read_and_locked_by_carehub(with_a_lock, tmp_path):
    ha = with_a_lock
    await ha.wait_for_state("lock.front_door", lambda s: s["state"] == "locked")
    config = hub_config(tmp_path, free_port(), embedded=True, home_assistant={
        "url": ha.url, "token": ha.token,
        "entities": {"lock.front_door": {"id": "front-door-lock", "kind": "lock", "room": "hallway",
                                         "name": "front door lock"}}})
    async with build_hub(config, skills=[SkillClass("device_control", DeviceControl, "test",
                                                    DeviceControlSettings())]) as hub:
        following = hub.home_assistant_entities
        assert following is not None
        await asyncio.wait_for(following.connected.wait(), 20)
        await ha.call_service("input_boolean", "turn_off", entity_id="input_boolean.bolt")
        await ha.wait_for_state("lock.front_door", lambda s: s["state"] == "unlocked")
        rows = await wait_for_rows(config.database_path, lambda rows: any(r["data"]["locked"] is False for r in rows),
                                   kind="lock_state_reported")
        refused = await hub.hear("unlock the front door lock", person="grandma", source="test")
        locked = await hub.hear("lock the front door lock", person="grandma", source="test")
        await ha.wait_for_state("lock.front_door", lambda s: s["state"] == "locked")
        sent = await wait_for_rows(config.database_path, lambda rows: rows, kind="command_sent")
    assert rows[-1]["device"] == "front-door-lock"
    assert rows[-1]["data"]["home_assistant"]["entity_id"] == "lock.front_door"
    assert refused.text == "I can't unlock doors by voice; use the app or the lock itself."
    assert locked.text == "Locked the front door lock."
    assert [(r["data"]["command"], r["data"]["topic"]) for r in sent] == [
        ("Lock", "home_assistant:lock.front_door:lock.lock")]
