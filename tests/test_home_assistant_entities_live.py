"""Home Assistant's own entities as carehub devices, against a real Home Assistant (2025.4.4, tests/hakit.py):
an input_boolean mapped as a motion sensor reaches the event log (with Home Assistant's context id) and the
routines skill; one mapped as a light is switched by ``carehub say "turn on the hall lamp"``, as Home Assistant's
own REST state shows; a token Home Assistant refuses is said plainly.

Skipped, saying why, where Home Assistant is not installed (scripts/home-assistant-venv.sh needs Python 3.13).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from assistant.app import Hub, build_hub
from assistant.cli import main
from assistant.config import parse_config
from assistant.skill_loader import SkillClass
from skills.device_control import DeviceControl, DeviceControlSettings
from skills.routines.settings import RoutineSettings
from skills.routines.skill import Routines
from tests.conftest import free_port
from tests.hakit import HomeAssistant, home_assistant  # noqa: F401 - the fixture
from tests.hubkit import household_raw, wait_for_rows

pytestmark = [pytest.mark.home_assistant, pytest.mark.slow]

SKILLS = [SkillClass("routines", Routines, "test", RoutineSettings()),
          SkillClass("device_control", DeviceControl, "test", DeviceControlSettings())]


async def new_boolean(home_assistant: HomeAssistant, name: str) -> str:  # noqa: F811
    """An input_boolean helper made in Home Assistant, as Settings > Helpers does it; its entity id."""
    suffix = uuid.uuid4().hex[:6]
    created = await home_assistant.websocket({"type": "input_boolean/create", "name": f"{name} {suffix}"})
    entity_id = f"input_boolean.{created['id']}"
    await home_assistant.wait_for_state(entity_id, lambda s: s["state"] == "off")
    return entity_id


@asynccontextmanager
async def hub_following(home_assistant: HomeAssistant, tmp_path: Path, entities: dict[str, Any],  # noqa: F811
                        token: str | None = None) -> AsyncIterator[Hub]:
    """A hub following ``entities``, its config.yaml written with the HTTP port it listens on (for the CLI)."""
    raw = household_raw(tmp_path, free_port(), embedded=True, home_assistant={
        "url": home_assistant.url, "token": token or home_assistant.token, "entities": entities})
    async with build_hub(parse_config(raw, "test", tmp_path), skills=SKILLS) as hub:
        assert hub.http is not None
        raw["http"]["port"] = hub.http.port
        (tmp_path / "config.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
        yield hub


async def test_a_motion_entity_turning_on_is_logged_and_reaches_the_routines_skill(home_assistant,  # noqa: F811
                                                                                   tmp_path):
    motion = await new_boolean(home_assistant, "carehub hall motion")
    entities = {motion: {"id": "hall-ha-motion", "kind": "motion", "room": "hallway", "person": "grandma"}}
    async with hub_following(home_assistant, tmp_path, entities) as hub:
        following = hub.home_assistant_entities
        assert following is not None
        await asyncio.wait_for(following.connected.wait(), 20)
        changed = await home_assistant.call_service("input_boolean", "turn_on", entity_id=motion)
        context_id = next(s["context"]["id"] for s in changed if s["entity_id"] == motion)
        rows = await wait_for_rows(hub.config.database_path, lambda rows: rows, kind="motion_detected")
        routines = hub.skills.loaded["routines"].instance
        async with asyncio.timeout(10):
            while (seen := await routines.last_activity("grandma"))["device"] != "hall-ha-motion":  # type: ignore[attr-defined]
                await asyncio.sleep(0.05)
    assert rows[0]["device"] == "hall-ha-motion" and rows[0]["person"] == "grandma"
    assert rows[0]["data"]["home_assistant"] == {"entity_id": motion, "context_id": context_id, "state": "on"}
    assert seen["room"] == "hallway"
    reached = await wait_for_rows(hub.config.database_path, lambda rows: rows, kind="home_assistant_reached")
    assert reached[0]["data"]["entities"] == 1 and reached[0]["data"]["missing"] == []


async def test_turn_on_the_hall_lamp_switches_it_in_home_assistant(home_assistant, tmp_path):  # noqa: F811
    lamp = await new_boolean(home_assistant, "carehub hall lamp")
    entities = {lamp: {"id": "hall-lamp", "kind": "light", "room": "hallway"},
                "light.not_there": {"id": "porch-light", "kind": "light", "room": "porch"}}
    async with hub_following(home_assistant, tmp_path, entities) as hub:
        assert hub.home_assistant_entities is not None
        await asyncio.wait_for(hub.home_assistant_entities.connected.wait(), 20)
        said = await asyncio.to_thread(CliRunner().invoke, main, [
            "--config", str(tmp_path / "config.yaml"), "say", "turn on the hall lamp", "--json"])
        assert said.exit_code == 0, said.output
        reply = json.loads(said.stdout)
        state = await home_assistant.wait_for_state(lamp, lambda s: s["state"] == "on")
        sent = await wait_for_rows(hub.config.database_path, lambda rows: rows, kind="command_sent")
        reported = await wait_for_rows(hub.config.database_path, lambda rows: any(r["data"]["on"] for r in rows),
                                       kind="switch_state_reported", device="hall-lamp")
        reached = await wait_for_rows(hub.config.database_path, lambda rows: rows, kind="home_assistant_reached")
    assert reply["understood"] and state["state"] == "on"
    assert sent[0]["device"] == "hall-lamp" and sent[0]["data"]["command"] == "TurnOn"
    assert sent[0]["data"]["topic"] == f"home_assistant:{lamp}:input_boolean.turn_on"
    assert sent[0]["data"]["home_assistant"] == {"entity_id": lamp, "service": "input_boolean.turn_on",
                                                 "context_id": state["context"]["id"]}  # Home Assistant's logbook id
    assert reported[-1]["data"]["home_assistant"]["entity_id"] == lamp
    assert reached[0]["data"]["missing"] == ["light.not_there"]


async def test_a_token_home_assistant_refuses_is_said_plainly(home_assistant, tmp_path, caplog):  # noqa: F811
    caplog.set_level(logging.ERROR, logger="assistant.homeassistant.entities")
    entities = {"input_boolean.anything": {"id": "hall-ha-motion", "kind": "motion", "room": "hallway"}}
    async with hub_following(home_assistant, tmp_path, entities, token="not-a-token-home-assistant-gave") as hub:
        refused = await wait_for_rows(hub.config.database_path, lambda rows: rows, kind="home_assistant_token_refused")
        lost = await wait_for_rows(hub.config.database_path, lambda rows: rows, kind="home_assistant_lost")
    assert "auth_invalid" in refused[0]["data"]["reason"]
    assert "long-lived access token" in refused[0]["data"]["advice"]
    assert lost[0]["data"]["reason"].startswith("token refused")
    said = [r.getMessage() for r in caplog.records if "refuses carehub's access token" in r.getMessage()]
    assert len(said) == 1 and "not-a-token" not in said[0]


async def test_a_temperature_sensor_is_read_and_a_nonsense_state_is_a_rejected_row(home_assistant,  # noqa: F811
                                                                                   tmp_path):
    sensor = f"sensor.carehub_lounge_{uuid.uuid4().hex[:6]}"
    unit = {"unit_of_measurement": "°C", "device_class": "temperature"}
    await home_assistant.request("POST", f"/api/states/{sensor}", {"state": "21.5", "attributes": unit})
    entities = {sensor: {"id": "lounge-temperature", "kind": "climate", "room": "lounge"}}
    async with hub_following(home_assistant, tmp_path, entities) as hub:
        assert hub.home_assistant_entities is not None
        await asyncio.wait_for(hub.home_assistant_entities.connected.wait(), 20)
        await home_assistant.request("POST", f"/api/states/{sensor}", {"state": "warm", "attributes": unit})
        rejected = await wait_for_rows(hub.config.database_path, lambda rows: rows, kind="message_rejected")
        await home_assistant.request("POST", f"/api/states/{sensor}", {"state": "22", "attributes": unit})
        measured = await wait_for_rows(hub.config.database_path, lambda rows: len(rows) >= 2,
                                       kind="climate_measured")
    assert [r["data"]["temperature"] for r in measured] == [21.5, 22.0]
    assert rejected[0]["device"] == "lounge-temperature"
    assert rejected[0]["data"]["reason"] == f"Home Assistant's {sensor}: state: not a number: 'warm'"
