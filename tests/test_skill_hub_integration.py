"""Skills in the real hub over a real broker: POST /api/say and `carehub say` switch a light over MQTT."""

from __future__ import annotations

import asyncio
import json
import shutil
import wave
from pathlib import Path

import aiohttp
import aiomqtt
import pytest
import yaml
from click.testing import CliRunner

from assistant.app import Hub, build_hub
from assistant.cli import main
from tests.conftest import free_port
from tests.hubkit import HOUSEHOLD, admin_headers, hub_config, member_headers, wait_for_rows

LIGHT_SET = "carehub/flat1/kitchen-light/set"


@pytest.fixture
async def running_hub(amqtt_broker, tmp_path):
    """The real hub (skills discovered through their entry points) with HTTP on a free port."""
    config = hub_config(tmp_path, amqtt_broker.port, rooms={"kitchen": {"zh-CN": ["厨房"]}})
    assert config.device("kitchen-light").room == "kitchen"
    async with build_hub(config) as hub:
        await hub.wait_connected()
        yield hub


async def _set_messages(port: int, count: int, action):
    """Subscribe to the light's set topic, run ``action``, and return its result and ``count`` payloads."""
    async with aiomqtt.Client("127.0.0.1", port, identifier="test-light") as client:
        await client.subscribe(LIGHT_SET, qos=1)
        result = await action()
        payloads = []
        async with asyncio.timeout(10):
            async for message in client.messages:
                payloads.append(json.loads(message.payload))
                if len(payloads) == count:
                    break
    return result, payloads


def _url(hub: Hub, path: str) -> str:
    return f"http://127.0.0.1:{hub.http.port}{path}"


async def test_post_say_switches_the_light_over_mqtt(running_hub, amqtt_broker):
    hub = running_hub
    assert "device_control" in hub.skills.loaded and hub.skills.loaded["device_control"].origin.startswith(
        "entry point")

    async def post():
        async with aiohttp.ClientSession() as session:
            async with session.post(_url(hub, "/api/say"), json={"text": "turn on the kitchen light"},
                                    headers=member_headers(hub, "grandma")) as response:
                return response.status, await response.json()

    (status, body), payloads = await _set_messages(amqtt_broker.port, 1, post)
    assert status == 200, body
    assert payloads == [{"state": "on"}]
    assert body["understood"] is True and body["intent"] == "HassTurnOn" and body["skill"] == "device_control"
    assert body["reply"] == "Turned on the kitchen lights." and body["language"] == "en"
    rows = await wait_for_rows(hub.config.database_path, lambda r: len(r) == 1, kind="command_sent")
    chain = await hub.reader.cause_chain(rows[0]["id"])
    assert [r["kind"] for r in chain] == ["command_sent", "intent_recognized", "utterance_heard"]
    assert chain[-1]["id"] == body["utterance_id"]


async def test_get_skills_lists_the_built_in_skill(running_hub):
    async with aiohttp.ClientSession() as session:
        async with session.get(_url(running_hub, "/api/skills"), headers=admin_headers(running_hub)) as response:
            body = await response.json()
    assert response.status == 200 and body["errors"] == []
    (control,) = [s for s in body["skills"] if s["id"] == "device_control"]
    assert "HassTurnOn" in control["intents"] and control["tools"] == ["switch_device"]


@pytest.mark.parametrize("body, error", [
    (b"turn on the light", "body must be JSON: {\"text\": \"...\"}"),
    (b'["turn on the light"]', "body must be a JSON object"),
    (b"{}", "text: required, a non-empty string"),
    (b'{"text": "   "}', "text: required, a non-empty string"),
    (b'{"text": 42}', "text: required, a non-empty string"),
    (b'{"text": "hi", "volume": 3}', "unknown field(s): volume"),
    (b'{"text": "hi", "language": ["en"]}', "language: must be a string"),
    (b'{"text": "hi", "person": "nobody"}', "person: no person with id 'nobody'"),
    (json.dumps({"text": "x" * 1001}).encode(), "text: longer than 1000 characters"),
])
async def test_post_say_refuses_bad_bodies_clearly(running_hub, body, error):
    async with aiohttp.ClientSession() as session:
        async with session.post(_url(running_hub, "/api/say"), data=body,
                                headers={"Content-Type": "application/json", **admin_headers(running_hub)}) as response:
            answer = await response.json()
    assert response.status == 400
    assert answer == {"error": error}
    assert await running_hub.reader.rows(kind="utterance_heard") == []


def _cli_config(tmp_path: Path, port: int, database: Path | str = "cli.db") -> Path:
    """The config the command line reads: the hub's own database, where the secret its credential comes from is."""
    raw = {**json.loads(json.dumps(HOUSEHOLD)), "storage": {"database": str(database)},
           "http": {"host": "127.0.0.1", "port": port}}
    path = tmp_path / "cli-config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


async def test_carehub_say_talks_to_the_running_hub(running_hub, amqtt_broker, tmp_path):
    config = _cli_config(tmp_path, running_hub.http.port, running_hub.config.database_path)

    def say(*args: str):
        return CliRunner().invoke(main, ["--config", str(config), "say", *args])

    result, payloads = await _set_messages(
        amqtt_broker.port, 1, lambda: asyncio.to_thread(say, "turn off the kitchen light"))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Turned off the kitchen lights."
    assert payloads == [{"state": "off"}]

    chinese = await asyncio.to_thread(say, "--json", "打开厨房的灯")
    assert chinese.exit_code == 0, chinese.output
    answer = json.loads(chinese.output)
    assert answer["language"] == "zh-CN" and answer["intent"] == "HassTurnOn"

    not_understood = await asyncio.to_thread(say, "paint the fence purple")
    assert not_understood.exit_code == 3 and "Sorry, I didn't understand that." in not_understood.output

    unknown_person = await asyncio.to_thread(say, "--person", "nobody", "hello")
    assert unknown_person.exit_code == 2 and "person: no person with id 'nobody'" in unknown_person.output


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed (apt-get install espeak-ng)")
async def test_carehub_say_speak_writes_the_reply_to_a_wav(running_hub, tmp_path):
    config = _cli_config(tmp_path, running_hub.http.port, running_hub.config.database_path)
    out = tmp_path / "reply.wav"
    result = await asyncio.to_thread(CliRunner().invoke, main,
                                     ["--config", str(config), "say", "--speak", str(out), "turn off the kitchen light"])
    assert result.exit_code == 0, result.output
    with wave.open(str(out)) as audio:
        assert audio.getnchannels() == 1 and audio.getnframes() / audio.getframerate() > 0.5


def test_carehub_say_without_a_hub_says_so(tmp_path):
    port = free_port()  # nothing listens there
    result = CliRunner().invoke(main, ["--config", str(_cli_config(tmp_path, port)), "say", "hello"])
    assert result.exit_code == 1
    assert f"no hub answering at http://127.0.0.1:{port}/api/say" in result.output
    assert "carehub run" in result.output
