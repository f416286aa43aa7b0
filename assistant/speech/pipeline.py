"""The voice path: audio → transcript → the conversation (``hear``) → reply (→ spoken reply).

``VoicePipeline`` knows nothing of the hub: it takes the ``hear`` coroutine (the conversation's), a
speech-to-text and optionally a text-to-speech, so tests and benches can wire it as they like.
``pipeline_for`` builds one from a home's config; ``VoiceStreams`` feeds satellites' MQTT audio
streams into it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.clock import Clock
from assistant.commands import Speak
from assistant.config import Config, DeviceConfig
from assistant.ports import CommandSender
from assistant.speech.audio import (
    MAX_SECONDS, MAX_WAV_BYTES, AudioError, StreamAssembler, Utterance, decode_wav, parse_audio_topic,
)
from assistant.speech.stt import SpeechSettings, SpeechToText, Transcript, build_speech_to_text, whisper_language
from assistant.speech.tts import Speech, SpeechUnavailable, TextToSpeech

log = logging.getLogger(__name__)

Hear = Callable[..., Awaitable[Any]]
"""``hear(text, *, language, person, room, source)`` returning a Reply (.text, .language, .understood, .intent)."""


@dataclass(frozen=True)
class VoiceResult:
    """What came of one utterance."""

    transcript: Transcript
    reply: Any | None
    """The hub's Reply, or None when there was no speech to act on."""
    speech: Speech | None = None
    """The reply spoken, when asked for and there was a reply."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds: ``stt``, ``intent+dispatch`` (the ``hear`` call), ``tts``, ``total``."""

    def as_json(self) -> dict[str, Any]:
        reply = self.reply
        return {
            "transcript": self.transcript.text, "language": self.transcript.language,
            "no_speech": self.transcript.no_speech, "no_speech_reason": self.transcript.reason,
            "audio_seconds": round(self.transcript.audio_seconds, 3), "model": self.transcript.model,
            "reply": getattr(reply, "text", None), "understood": getattr(reply, "understood", False),
            "intent": getattr(reply, "intent", None), "reply_language": getattr(reply, "language", None),
            "utterance_id": getattr(reply, "utterance_id", None) or None,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }


class VoicePipeline:
    """Transcribe, drop what is not speech, hand the text to ``hear``, optionally speak the reply.

    ``language_for(person, device)`` supplies a language when the caller gives none (a person's or a
    device's configured language); without one the speech-to-text detects it.
    """

    def __init__(self, hear: Hear, stt: SpeechToText, tts: TextToSpeech | None = None, *,
                 language_for: Callable[[str | None, str | None], str | None] | None = None,
                 max_seconds: float = MAX_SECONDS) -> None:
        self.hear = hear
        self.stt = stt
        self.tts = tts
        self.language_for = language_for
        self.max_seconds = max_seconds

    async def handle_audio(self, pcm: np.ndarray, *, device: str | None = None, room: str | None = None,
                           person: str | None = None, language: str | None = None,
                           speak: bool = False) -> VoiceResult:
        """One utterance as 16 kHz mono int16 samples."""
        started = time.perf_counter()
        if language is None and self.language_for is not None:
            language = self.language_for(person, device)
        transcript = await self.stt.transcribe(pcm, language)
        timings = {"stt": time.perf_counter() - started}
        if transcript.no_speech:
            log.info("voice from %s: no speech (%s)", device or person or "?", transcript.reason)
            timings["total"] = time.perf_counter() - started
            return VoiceResult(transcript, None, None, timings)
        said = time.perf_counter()
        reply = await self.hear(transcript.text, language=transcript.language or language, person=person, room=room,
                               source="speech")
        timings["intent+dispatch"] = time.perf_counter() - said
        speech = None
        if speak and self.tts is not None and getattr(reply, "text", None):
            spoken = time.perf_counter()
            try:
                speech = await self.tts.synthesize(reply.text, reply.language)
            except SpeechUnavailable as problem:  # what was asked is done; only the spoken reply is missing
                log.warning("no spoken reply: %s", problem)
            timings["tts"] = time.perf_counter() - spoken
        timings["total"] = time.perf_counter() - started
        return VoiceResult(transcript, reply, speech, timings)

    async def handle_wav(self, data: bytes, *, max_bytes: int = MAX_WAV_BYTES, **kwargs: Any) -> VoiceResult:
        """A WAV file's worth of utterance (raises AudioError / AudioTooLarge for bad audio)."""
        # Resampling 30 s of 48 kHz stereo takes tens of milliseconds: not on the event loop.
        audio = await asyncio.to_thread(decode_wav, data, max_seconds=self.max_seconds, max_bytes=max_bytes)
        return await self.handle_audio(audio.pcm, **kwargs)


def household_vocabulary(config: Config) -> dict[str, str]:
    """Device, room and family names per Whisper language, to bias transcription toward this home's words.

    The family's Chinese names go in the Chinese prompt: without them base wrote "告诉安娜我很好" as
    "告诉 Anna 我很好" and "告诉安安我很好" (docs/voice-chinese.md).
    """
    english: list[str] = []
    chinese: list[str] = []
    for device in config.devices:
        if device.kind in ("light", "switch", "climate", "speaker") and device.name:
            english.append(device.name)
        for code, names in (device.aliases or {}).items():
            (chinese if whisper_language(code) == "zh" else english).extend(names[:1])
    rooms = sorted({d.room for d in config.devices if d.room})
    english.extend(rooms)
    for names in (getattr(config, "rooms", None) or {}).values():
        for code, spoken in names.items():
            if whisper_language(code) == "zh":
                chinese.extend(spoken[:1])
    for caregiver in config.caregivers:
        for code, called in caregiver.aliases.items():
            if whisper_language(code) == "zh":
                chinese.extend(called[:2])
    unique = lambda words: list(dict.fromkeys(w for w in words if w))  # noqa: E731 - keep order, drop repeats
    return {"en": ", ".join(unique(english)[:24]), "zh": "，".join(unique(chinese)[:24])}


def pipeline_for(config: Config, hear: Hear, settings: SpeechSettings | None = None, *,
                 tts: TextToSpeech | None = None, stt: SpeechToText | None = None) -> VoicePipeline:
    """A pipeline on ``hear``: the household's languages for detection, its words in the prompt,
    and a person's (or a device owner's) configured language when none is given."""
    settings = settings or SpeechSettings()
    if not settings.languages:
        settings = settings.model_copy(update={"languages": list(config.languages)})
    if stt is None:
        stt = build_speech_to_text(settings, extra_prompt=household_vocabulary(config))

    def language_for(person: str | None, device: str | None) -> str | None:
        if person is None and device is not None:
            owner = config.device(device)
            person = owner.person if owner else None
        p = config.person(person) if person else None
        return p.language if p and p.language else None

    return VoicePipeline(hear, stt, tts, language_for=language_for, max_seconds=settings.max_seconds)


class VoiceStreams:
    """Satellites' MQTT audio streams into the pipeline: ``feed`` every message on an audio topic.

    The device's room and person come from config.yaml; the utterance runs as a task so the MQTT
    callback returns at once. A satellite that is a speaker is sent the reply as a ``Speak`` command
    (it says it with its own voice). Refused messages are logged (and kept in ``errors``).
    """

    def __init__(self, config: Config, pipeline: VoicePipeline, commands: CommandSender, clock: Clock,
                 assembler: StreamAssembler | None = None) -> None:
        self._config = config
        self._commands = commands
        self._clock = clock
        self.pipeline = pipeline
        self.assembler = assembler or StreamAssembler(max_seconds=pipeline.max_seconds)
        self.errors: list[AudioError] = []
        self.results: list[VoiceResult] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def feed(self, topic: str, payload: bytes) -> bool | AudioError:
        """Take one message: True when accepted, the ``AudioError`` when refused (the hub logs and counts
        it), False when the topic is not an audio stream topic of this home."""
        route = parse_audio_topic(topic, self._config.mqtt.topic_prefix)
        if route is None or route.home != self._config.home.id:
            return False
        device = self._config.device(route.device)
        if device is None:
            return self._refuse(AudioError(f"audio from unknown device '{route.device}' (not in config.yaml)"))
        try:
            utterance = self.assembler.handle(route, payload, self._clock.now().timestamp())
        except AudioError as error:
            return self._refuse(error)
        if utterance is not None:
            task = asyncio.get_running_loop().create_task(self._run(utterance, device))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return True

    async def _run(self, utterance: Utterance, device: DeviceConfig) -> None:
        try:
            result = await self.pipeline.handle_audio(utterance.pcm, device=device.id, room=device.room,
                                                      person=device.person, language=utterance.language)
            self.results.append(result)
            del self.results[:-100]
            reply = result.reply
            if device.kind == "speaker" and reply is not None and getattr(reply, "text", None):
                await self._commands.send_command(device.id, Speak(reply.text, reply.language),
                                                  cause=getattr(reply, "utterance_id", None) or None)
        except Exception:  # one bad utterance must not end the stream handling
            log.exception("voice from %s (stream %s) failed", utterance.device, utterance.stream)

    def _refuse(self, error: AudioError) -> AudioError:
        self.errors.append(error)
        del self.errors[:-100]
        log.debug("audio stream message refused: %s", error)
        return error

    async def drain(self) -> None:
        """Wait for utterances in progress (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
