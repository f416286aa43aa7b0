"""Home Assistant's entities as carehub devices, without Home Assistant: config.yaml's mapping and its errors,
states as readings and commands as service calls (pure), and what the hub does when Home Assistant is away or
refuses the token (nothing listening on its port; a tiny aiohttp stand-in only where a real Home Assistant
cannot be made to fail on cue). tests/test_home_assistant_entities_live.py runs the rest against a real one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import WSMsgType, web

from assistant.app import build_hub
from assistant.clock import FakeClock
from assistant.commands import Speak, TurnOff, TurnOn, Vibrate
from assistant.config import parse_config
from assistant.errors import ConfigError, DecodeError, UnsupportedCommand
from assistant.homeassistant.discovery import Discovery
from assistant.homeassistant.entities import ALARM_KIND, HomeAssistantUnavailable
from assistant.homeassistant.states import EntityState, readings, service_call
from tests.conftest import free_port
from tests.hubkit import wait_for_rows

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
TOKEN = "the-long-lived-token-of-this-home"
ENTITIES = {"binary_sensor.hall_motion": {"id": "hall-motion", "kind": "motion", "room": "hallway",
                                          "person": "grandma"},
            "input_boolean.hall_lamp": {"id": "hall-lamp", "kind": "light", "room": "hallway"},
            "media_player.kitchen": {"id": "kitchen-speaker", "kind": "speaker", "room": "kitchen",
                                     "tts": "tts.piper"}}


def raw_config(tmp_path: Path, **home_assistant: Any) -> dict[str, Any]:
    return {"home": {"id": "flat1", "timezone": "Europe/London"},
            "storage": {"database": str(tmp_path / "log.db")},
            "http": {"enabled": False},
            "people": [{"id": "grandma", "name": "Margaret", "role": "elder"}],
            "devices": [{"id": "grandma-watch", "kind": "wearable", "person": "grandma"}],
            "caregivers": [{"id": "anna", "people": ["grandma"], "channels": ["json://127.0.0.1:9/anna"]}],
            "home_assistant": {"url": "http://127.0.0.1:8123", "token": TOKEN, "entities": ENTITIES,
                               **home_assistant}}


def problems(tmp_path: Path, **home_assistant: Any) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_config(raw_config(tmp_path, **home_assistant), "test", tmp_path)
    return raised.value.problems


# -- config.yaml -------------------------------------------------------------------------------------------------

def test_mapped_entities_become_devices_of_their_carehub_kind(tmp_path):
    config = parse_config(raw_config(tmp_path, entities={
        **ENTITIES, "binary_sensor.back_door": {"id": "back-door", "kind": "door", "room": "kitchen"},
        "binary_sensor.bed": {"id": "grandma-bed", "kind": "bed", "person": "grandma"},
        "device_tracker.grandma_phone": {"id": "grandma-phone", "kind": "phone", "person": "grandma"}}),
        "test", tmp_path)
    made = {d.id: (d.kind, d.subtype, d.room, d.person) for d in config.devices}
    assert made["hall-motion"] == ("motion", None, "hallway", "grandma")
    assert made["back-door"] == ("contact", "door", "kitchen", None)
    assert made["grandma-bed"] == ("occupancy", "bed", None, "grandma")
    assert made["grandma-phone"] == ("phone", None, None, "grandma")
    assert made["kitchen-speaker"][0] == "speaker" and "grandma-watch" in made
    assert TOKEN not in repr(config) and TOKEN not in str(config.home_assistant)


def test_the_example_in_the_docs_is_a_valid_config(tmp_path):
    page = (Path(__file__).resolve().parents[1] / "docs" / "home-assistant.md").read_text(encoding="utf-8")
    example = next(block for block in page.split("```yaml")[1:] if "entities:" in block).split("```")[0]
    raw = raw_config(tmp_path)
    raw["home_assistant"] = yaml.safe_load(example)["home_assistant"]
    (tmp_path / "ha-token").write_text(TOKEN, encoding="utf-8")
    config = parse_config(raw, "docs/home-assistant.md", tmp_path)
    assert {d.id for d in config.devices} >= {"hall-motion", "grandma-bed", "kitchen-speaker", "grandma-phone"}


def test_home_assistants_own_entities_are_not_published_back_to_it(tmp_path):
    config = parse_config(raw_config(tmp_path, enabled=True), "test", tmp_path)
    owners = {entity.owner_id for entity in Discovery(config).entities}
    assert "grandma-watch" in owners and not owners & {"hall-motion", "hall-lamp", "kitchen-speaker"}


def test_every_bad_field_is_named_at_once(tmp_path):
    found = problems(tmp_path, token_env="HA_TOKEN", entities={
        "light.hall": {"id": "grandma-watch", "kind": "door", "person": "grandpa"},
        "hall_light": {"id": "hall-light", "kind": "light"},
        "media_player.kitchen": {"id": "kitchen-speaker", "kind": "speaker"},
        "switch.kettle": {"id": "kettle", "kind": "switch", "tts": "tts.piper"}})
    assert found == [
        "home_assistant.token_env: give one of token, token_file, token_env, not token and token_env",
        "home_assistant.entities.light.hall.kind: a door is one of binary_sensor, input_boolean, not a light",
        "home_assistant.entities.light.hall.id: 'grandma-watch' is taken (another device, or reserved)",
        "home_assistant.entities.light.hall.person: no person with id 'grandpa'",
        "home_assistant.entities.hall_light: not a Home Assistant entity id (domain.object_id, e.g. light.hall)",
        "home_assistant.entities.media_player.kitchen.tts: a speaker needs the text-to-speech entity that speaks "
        "on it (e.g. tts.piper)",
        "home_assistant.entities.switch.kettle.tts: only a speaker has one, and it is a tts.* entity",
    ]


@pytest.mark.parametrize(("change", "expected"), [
    ({"url": None}, "home_assistant.url: required to follow home_assistant.entities"),
    ({"url": "homeassistant.local:8123"},
     "home_assistant.url: 'homeassistant.local:8123' is not an http:// or https:// address of Home Assistant"),
    ({"token": None}, "home_assistant.token: required with home_assistant.url (or token_file, or token_env)"),
    ({"token": None, "token_file": "ha-token"}, "home_assistant.token_file: no file at {tmp}/ha-token"),
    ({"entities": {"switch.front": {"id": "front-lock", "kind": "lock"}}},
     "home_assistant.entities.switch.front.kind: a lock is one of lock, not a switch"),
    ({"entities": {"light.hall": {"id": "hall", "kind": "lamp"}}},
     "home_assistant.entities.light.hall.kind: unknown kind 'lamp' (known: motion, door, window, contact, bed, "
     "chair, occupancy, light, switch, climate, speaker, phone, lock)"),
    ({"grace_period": -1}, "home_assistant.grace_period: Input should be greater than or equal to 0"),
])
def test_a_bad_setting_is_named(tmp_path, change, expected):
    assert problems(tmp_path, **change) == [expected.format(tmp=tmp_path)]


def test_the_token_comes_from_a_file_or_the_environment(tmp_path, monkeypatch):
    (tmp_path / "ha-token").write_text(f"{TOKEN}\n", encoding="utf-8")
    config = parse_config(raw_config(tmp_path, token=None, token_file="ha-token"), "test", tmp_path)
    assert config.home_assistant.read_token(tmp_path) == TOKEN
    config = parse_config(raw_config(tmp_path, token=None, token_env="CAREHUB_TEST_HA_TOKEN"), "test", tmp_path)
    monkeypatch.delenv("CAREHUB_TEST_HA_TOKEN", raising=False)
    with pytest.raises(ValueError, match="the environment variable CAREHUB_TEST_HA_TOKEN is not set"):
        config.home_assistant.read_token(tmp_path)
    monkeypatch.setenv("CAREHUB_TEST_HA_TOKEN", TOKEN)
    assert config.home_assistant.read_token(tmp_path) == TOKEN


# -- states in, service calls out (pure) -----------------------------------------------------------------------

def device(tmp_path: Path, device_id: str, **entities: Any) -> Any:
    config = parse_config(raw_config(tmp_path, entities={**ENTITIES, **entities}), "test", tmp_path)
    return config.device(device_id)


def state(entity_id: str, value: str, **attributes: Any) -> EntityState:
    return EntityState.from_json({"entity_id": entity_id, "state": value, "attributes": attributes,
                                  "last_changed": "2026-03-02T10:00:00+00:00", "context": {"id": "01CTX"}})


def test_states_read_as_the_kinds_readings(tmp_path):
    motion = readings(device(tmp_path, "hall-motion"), state("binary_sensor.hall_motion", "on"))
    lamp = readings(device(tmp_path, "hall-lamp"), state("input_boolean.hall_lamp", "off"))
    climate = device(tmp_path, "lounge", **{"climate.lounge": {"id": "lounge", "kind": "climate"}})
    warm = readings(climate, state("climate.lounge", "heat", current_temperature=20.5, temperature=21))
    phone = device(tmp_path, "phone", **{"device_tracker.phone": {"id": "phone", "kind": "phone"}})
    fix = readings(phone, state("device_tracker.phone", "not_home", latitude=51.5, longitude=-0.12, gps_accuracy=12))
    assert [e.kind for e in motion] == ["motion_detected"]
    assert lamp[0].data() == {"on": False, "brightness": None, "power": None}
    assert warm[0].data() == {"temperature": 20.5, "humidity": None, "target": 21.0}
    assert fix[0].data() == {"lat": 51.5, "lon": -0.12, "accuracy": 12.0}
    assert readings(phone, state("device_tracker.phone", "home")) == []  # no fix to give
    assert readings(device(tmp_path, "hall-motion"), state("binary_sensor.hall_motion", "unknown")) == []
    with pytest.raises(DecodeError, match="state: 'maybe' is neither on nor off"):
        readings(device(tmp_path, "hall-motion"), state("binary_sensor.hall_motion", "maybe"))
    with pytest.raises(DecodeError, match="current_temperature: 900.0 is out of range"):
        readings(climate, state("climate.lounge", "heat", current_temperature=900))


def test_commands_become_service_calls(tmp_path):
    lamp, speaker = device(tmp_path, "hall-lamp"), device(tmp_path, "kitchen-speaker")
    light = device(tmp_path, "porch", **{"light.porch": {"id": "porch", "kind": "light"}})
    assert service_call("input_boolean.hall_lamp", lamp, TurnOn(brightness=128)) == (
        "input_boolean", "turn_on", {"entity_id": "input_boolean.hall_lamp"})
    assert service_call("light.porch", light, TurnOn(brightness=128)) == (
        "light", "turn_on", {"entity_id": "light.porch", "brightness": 128})
    assert service_call("light.porch", light, TurnOff()) == ("light", "turn_off", {"entity_id": "light.porch"})
    assert service_call("media_player.kitchen", speaker, Speak("Lunch is ready"), "tts.piper") == (
        "tts", "speak", {"entity_id": "tts.piper", "media_player_entity_id": "media_player.kitchen",
                         "message": "Lunch is ready"})
    with pytest.raises(UnsupportedCommand, match="a light in Home Assistant device cannot do Vibrate"):
        service_call("light.porch", light, Vibrate())


# -- Home Assistant away, back, and refusing the token -----------------------------------------------------------

class Told:
    """A notifier that keeps what caregivers were sent (no network)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, url: str, title: str, body: str, priority: str) -> tuple[bool, str]:
        self.sent.append((url, body))
        return True, "sent"


@asynccontextmanager
async def stand_in(port: int, token: str, *, rest_token: str | None = None) -> AsyncIterator[None]:
    """Just enough of Home Assistant's API to log in or be refused: no entities, no states."""
    open_sockets: list[web.WebSocketResponse] = []

    def authorized(request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {rest_token or token}"

    async def websocket(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        open_sockets.append(ws)
        await ws.send_json({"type": "auth_required", "ha_version": "stand-in"})
        auth = await ws.receive_json()
        if auth.get("access_token") != token:
            await ws.send_json({"type": "auth_invalid", "message": "Invalid access token or password"})
            await ws.close()
            return ws
        await ws.send_json({"type": "auth_ok", "ha_version": "stand-in"})
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                await ws.send_json({"id": message.json()["id"], "type": "result", "success": True, "result": None})
        return ws

    async def api(request: web.Request) -> web.Response:
        if not authorized(request):
            return web.Response(status=401, text="401: Unauthorized")
        return web.json_response({"message": "API running."} if request.path == "/api/" else [])

    app = web.Application()
    app.router.add_get("/api/websocket", websocket)
    app.router.add_get("/api/", api)
    app.router.add_get("/api/states", api)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield
    finally:
        for ws in open_sockets:  # Home Assistant going away closes its websockets
            await ws.close()
        await runner.cleanup()


async def advance_until(clock: FakeClock, db: Path, kind: str, seconds: float, step: float = 1.0) -> list[dict]:
    """Move the clock ``step`` at a time, at most ``seconds``, until a ``kind`` row is logged."""
    moved = 0.0
    while moved <= seconds:
        rows = await wait_for_rows(db, lambda rows: True, kind=kind)
        if rows:
            return rows
        await clock.advance(step)
        moved += step
        await asyncio.sleep(0.05)  # the connection attempt the clock woke is real network work
    try:  # the simulated time is spent; what it woke may still be on its way to the log on a busy machine
        return await wait_for_rows(db, lambda rows: rows, kind=kind)
    except TimeoutError:
        raise AssertionError(f"no {kind} row within {seconds} simulated seconds") from None


async def test_home_assistant_away_is_an_alarm_after_the_grace_period_and_its_return_is_logged(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    port = free_port()
    raw = raw_config(tmp_path, url=f"http://127.0.0.1:{port}", grace_period=300, reconnect_max=8)
    config = parse_config(raw, "test", tmp_path)
    clock, told = FakeClock(T0), Told()
    async with build_hub(config, clock=clock, offline=True, skills=[], notifier=told) as hub:
        lost = await wait_for_rows(config.database_path, lambda rows: rows, kind="home_assistant_lost")
        with pytest.raises(HomeAssistantUnavailable, match="is not reachable now"):
            await hub.commands.send_command("hall-lamp", TurnOn())
        await clock.advance(299)
        assert await wait_for_rows(config.database_path, lambda rows: True, kind="alert_raised") == []
        raised = await advance_until(clock, config.database_path, "alert_raised", 5)
        await wait_for_rows(config.database_path, lambda rows: rows, kind="alert_delivered")
        await clock.advance(3600)  # an hour more: the tries go on at least every reconnect_max (8 s)
        async with stand_in(port, TOKEN):
            reached = await advance_until(clock, config.database_path, "home_assistant_reached", 9)
            resolved = await wait_for_rows(config.database_path, lambda rows: rows, kind="alert_resolved")
            outages = await wait_for_rows(config.database_path, lambda rows: True, kind="home_assistant_lost")
    assert "Cannot connect" in lost[0]["data"]["reason"]
    assert raised[0]["data"]["alert_kind"] == ALARM_KIND and raised[0]["cause"] == lost[0]["id"]
    assert "cannot reach Home Assistant" in raised[0]["data"]["message"]
    assert told.sent and "cannot reach Home Assistant" in told.sent[0][1]
    assert 3900 <= reached[0]["data"]["away_seconds"] <= 3900 + 9
    assert reached[0]["data"]["missing"] == sorted(ENTITIES)
    assert resolved[0]["data"]["alert_id"] == raised[0]["data"]["alert_id"]
    assert len(outages) == 1  # one outage, however many tries
    assert not any(TOKEN in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(("ws_token", "rest_token", "reason"), [
    (TOKEN, TOKEN, "the websocket API said auth_invalid (Invalid access token or password)"),
    ("a-token-home-assistant-revoked", TOKEN, "the REST API answered 401 Unauthorized"),
], ids=["websocket", "rest"])
async def test_a_refused_token_is_said_once_with_what_to_do_and_a_new_token_file_is_read(tmp_path, caplog, ws_token,
                                                                                     rest_token, reason):
    caplog.set_level(logging.ERROR, logger="assistant.homeassistant.entities")
    port = free_port()
    token_file = tmp_path / "ha-token"
    token_file.write_text("a-token-home-assistant-revoked", encoding="utf-8")
    raw = raw_config(tmp_path, url=f"http://127.0.0.1:{port}", token=None, token_file="ha-token", reconnect_max=4)
    config = parse_config(raw, "test", tmp_path)
    clock = FakeClock(T0)
    async with stand_in(port, ws_token, rest_token=rest_token), \
            build_hub(config, clock=clock, offline=True, skills=[], notifier=Told()):
        refused = await wait_for_rows(config.database_path, lambda rows: rows, kind="home_assistant_token_refused")
        for _ in range(5):  # five more refusals: still one line, one event
            await clock.advance(4)
            await asyncio.sleep(0.05)
        refusals = await wait_for_rows(config.database_path, lambda rows: True, kind="home_assistant_token_refused")
        if ws_token == TOKEN:  # a new token in the file: read at the next try
            token_file.write_text(TOKEN, encoding="utf-8")
            await advance_until(clock, config.database_path, "home_assistant_reached", 5)
    assert refused[0]["data"]["reason"] == reason
    assert "long-lived access token" in refused[0]["data"]["advice"]
    said = [r.getMessage() for r in caplog.records if "refuses carehub's access token" in r.getMessage()]
    assert len(refusals) == 1 and len(said) == 1 and reason in said[0]
    assert "revoked" not in said[0]
