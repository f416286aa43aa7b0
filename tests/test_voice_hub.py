"""Voice wired into the hub: satellites' audio topics through ingest, and speakers that play carehub's audio."""

from __future__ import annotations

import importlib.util
import shutil
import wave
from io import BytesIO

import pytest
import yaml
from importlib.resources import files

from assistant.mqtt import Incoming
from assistant.topics import subscriptions
from skills.device_control import DeviceControl
from skills.sdk import Skill, intent


def incoming(topic: str, payload: bytes) -> Incoming:
    return Incoming(topic, payload, qos=1, retain=False, mid=0)


def test_the_hub_subscribes_to_satellites_audio():
    assert "carehub/home/+/audio/#" in subscriptions("carehub", ["home"], None)


async def test_bad_audio_messages_are_refused_logged_and_counted(skill_harness):
    h = await skill_harness(DeviceControl)
    h.hub.ingest.handle(incoming("carehub/home/kitchen-speaker/audio/chunk/nope", b"\x00\x00"))
    h.hub.ingest.handle(incoming("carehub/home/toaster/audio/start", b'{"stream": "a"}'))
    h.hub.ingest.handle(incoming("carehub/home/kitchen-speaker/audio/start", b"{not json"))
    h.hub.ingest.handle(incoming("carehub/home/kitchen-speaker/audio/chunk/a", b"\x00" * 70_000))
    await h.settle()
    rows = await h.rows(kind="message_rejected")
    reasons = {r["data"]["topic"].split("/audio/")[1] + "@" + r["data"]["topic"].split("/")[2]: r["data"]["reason"]
               for r in rows}
    assert len(rows) == 4
    assert reasons["chunk/nope@kitchen-speaker"].startswith("chunk: unknown stream 'nope'")
    assert reasons["start@toaster"] == "audio from unknown device 'toaster' (not in config.yaml)"
    assert "json" in reasons["start@kitchen-speaker"].lower()
    assert reasons["chunk/a@kitchen-speaker"].startswith("payload too large: 70000 bytes")
    assert h.hub.ingest.counters["rejected"] == 4 and h.hub.ingest.counters["received"] == 4


async def test_a_start_and_an_end_with_silence_are_accepted_and_say_nothing(skill_harness):
    h = await skill_harness(DeviceControl)
    base = "carehub/home/kitchen-speaker/audio"
    h.hub.ingest.handle(incoming(f"{base}/start", b'{"stream": "s1", "rate": 16000}'))
    h.hub.ingest.handle(incoming(f"{base}/chunk/s1", b"\x00\x00" * 16000))
    h.hub.ingest.handle(incoming(f"{base}/end", b'{"stream": "s1"}'))
    await h.hub.voice.drain()
    await h.settle()
    assert h.hub.ingest.counters["audio"] == 3 and h.hub.ingest.counters["rejected"] == 0
    assert await h.rows(kind="utterance_heard") == []      # silence is not sent on as a command
    assert h.published == []


@pytest.mark.skipif(shutil.which("espeak-ng") is None and importlib.util.find_spec("piper") is None,
                    reason="no speech synthesizer (apt-get install espeak-ng)")
async def test_a_speaker_that_plays_audio_gets_a_wav_of_the_reply(skill_harness):
    class Greeter(Skill):
        @intent("Greet", en=["greet"])
        async def greet(self, match) -> None:
            await self.ctx.say("Good morning, Margaret.", person="grandma")
            await self.ctx.say("早上好。", person="grandma", language="zh-CN")

    devices = yaml.safe_load((files("assistant") / "default_config.yaml").read_text())["devices"]
    for device in devices:
        if device["id"] == "kitchen-speaker":
            device["speech"] = "audio"
    h = await skill_harness(Greeter, config={"devices": devices})
    await h.say("greet")
    played = [(topic, payload) for topic, payload, _ in h.hub.outbox.messages]
    assert [topic for topic, _ in played] == ["carehub/home/kitchen-speaker/speech"] * 2
    for _, wav in played:
        with wave.open(BytesIO(wav)) as audio:
            assert audio.getnchannels() == 1 and audio.getsampwidth() == 2 and audio.getnframes() > 8000
    sent = await h.rows(kind="command_sent")
    assert {r["data"]["args"]["language"] for r in sent} == {"en", "zh-CN"}
    assert all(r["data"]["args"]["engine"] in ("piper", "espeak-ng") for r in sent)
