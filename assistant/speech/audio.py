"""Audio at the edge of the voice path: WAV decode and checks, resampling, and MQTT audio streams.

Everything here is pure (bytes and numpy in, bytes and numpy out): no I/O, no clock. Speech-to-text
takes 16 kHz mono 16-bit PCM, so every way audio comes in (a WAV upload, a satellite's stream)
ends as that.
"""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass, field

import numpy as np

from assistant.errors import ReasonError

RATE = 16000
"""Sample rate speech-to-text works at."""
MIN_RATE, MAX_RATE = 8000, 48000
MAX_SECONDS = 30.0
"""Longest utterance accepted by default: Whisper reads 30 s windows, and a command is a few seconds."""
MAX_WAV_BYTES = MAX_RATE * 2 * 2 * int(MAX_SECONDS) + 4096
"""A 30 s 48 kHz stereo 16-bit WAV and its header."""

_FORMAT_PCM = 0x0001
_FORMAT_EXTENSIBLE = 0xFFFE
_FORMAT_NAMES = {0x0003: "32-bit float", 0x0006: "A-law", 0x0007: "µ-law", 0x0011: "IMA ADPCM",
                 0x0055: "MP3"}


class AudioError(ReasonError):
    """Audio that cannot be used; ``reason`` says what was wrong in words a person can act on."""


class AudioTooLarge(AudioError):
    """Audio over a size or length limit (HTTP 413)."""


@dataclass(frozen=True)
class Audio:
    """Decoded audio, ready for speech-to-text."""

    pcm: np.ndarray
    """16 kHz mono int16 samples."""
    source_rate: int
    """The sample rate it came in at."""
    source_channels: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / RATE


# -- WAV ---------------------------------------------------------------------------------------------


def decode_wav(data: bytes, *, max_seconds: float = MAX_SECONDS, max_bytes: int = MAX_WAV_BYTES) -> Audio:
    """A RIFF/WAVE file of 16-bit PCM, mono or stereo, 8–48 kHz, as 16 kHz mono samples.

    Chunks are walked by hand rather than with the ``wave`` module: it refuses
    WAVE_FORMAT_EXTENSIBLE headers (which many recorders write), and streaming writers such as
    ``espeak-ng --stdout`` put a placeholder length in the data chunk, which is clamped here.
    """
    if len(data) > max_bytes:
        raise AudioTooLarge(f"WAV file too large: {len(data)} bytes (limit {max_bytes})")
    raw, rate, channels = _parse_wav(data)
    return _to_audio(raw, rate=rate, channels=channels, max_seconds=max_seconds)


def _parse_wav(data: bytes) -> tuple[bytes, int, int]:
    """The sample bytes, rate and channel count of a 16-bit PCM WAV file."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioError("not a WAV file (no RIFF/WAVE header)")
    fmt: tuple[int, int, int, int] | None = None
    samples: bytes | None = None
    offset = 12
    while offset + 8 <= len(data):
        chunk_id, size = data[offset:offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = data[offset + 8:offset + 8 + size]
        if chunk_id == b"fmt ":
            if len(body) < 16:
                raise AudioError("WAV 'fmt ' chunk is truncated")
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
            if tag == _FORMAT_EXTENSIBLE and len(body) >= 26:
                tag = struct.unpack_from("<H", body, 24)[0]  # the sub-format GUID starts with the real tag
            fmt = (tag, channels, rate, bits)
        elif chunk_id == b"data":
            samples = body  # a placeholder length past the end is clamped by the slice
            break
        offset += 8 + size + (size & 1)
    if fmt is None:
        raise AudioError("WAV file has no 'fmt ' chunk")
    if samples is None:
        raise AudioError("WAV file has no 'data' chunk")
    tag, channels, rate, bits = fmt
    if tag != _FORMAT_PCM:
        name = _FORMAT_NAMES.get(tag, f"format 0x{tag:04x}")
        raise AudioError(f"{name} WAV not supported: 16-bit PCM only")
    if bits != 16:
        raise AudioError(f"{bits}-bit PCM not supported: 16-bit PCM only")
    return samples, rate, channels


def _to_audio(raw: bytes, *, rate: int, channels: int, max_seconds: float) -> Audio:
    pcm = _mono(raw, rate=rate, channels=channels)
    seconds = len(pcm) / rate
    if seconds > max_seconds:
        raise AudioTooLarge(f"audio too long: {seconds:.0f} s (limit {max_seconds:g} s)")
    return Audio(resample(pcm, rate, RATE), rate, channels)


def _mono(raw: bytes, *, rate: int, channels: int) -> np.ndarray:
    if channels not in (1, 2):
        raise AudioError(f"{channels} channels not supported: mono or stereo only")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise AudioError(f"sample rate {rate} Hz not supported ({MIN_RATE}–{MAX_RATE} Hz)")
    frame = 2 * channels
    usable = len(raw) - len(raw) % frame
    if usable == 0:
        raise AudioError("audio is empty (no samples)")
    pcm = np.frombuffer(raw[:usable], dtype="<i2")
    if channels == 2:
        pcm = (pcm.reshape(-1, 2).astype(np.int32).sum(axis=1) // 2).astype(np.int16)
    return pcm.astype(np.int16)


def encode_wav(pcm: np.ndarray, rate: int = RATE) -> bytes:
    """Mono int16 samples as a plain 16-bit PCM WAV file."""
    body = np.asarray(pcm, dtype="<i2").tobytes()
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(body), b"WAVE", b"fmt ", 16, _FORMAT_PCM, 1,
                         rate, rate * 2, 2, 16, b"data", len(body))
    return header + body


def read_wav(data: bytes) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV file's samples (mixed to mono) at its own rate, with that rate; no limits."""
    raw, rate, channels = _parse_wav(data)
    return _mono(raw, rate=rate, channels=channels), rate


# -- resampling ----------------------------------------------------------------------------------------


def _lowpass(x: np.ndarray, cutoff: float, taps: int = 63) -> np.ndarray:
    """Windowed-sinc low-pass; ``cutoff`` as a fraction of the sample rate (0–0.5)."""
    n = np.arange(taps) - (taps - 1) / 2
    kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hanning(taps)
    kernel /= kernel.sum()
    return np.convolve(x, kernel, mode="same")


def resample(pcm: np.ndarray, from_rate: int, to_rate: int = RATE) -> np.ndarray:
    """Resample int16 samples with numpy: low-pass below the new Nyquist when going down, then
    linear interpolation (or plain decimation for a whole ratio such as 48 → 16 kHz).

    Not studio quality, but speech keeps its band (up to ~7 kHz at 16 kHz) without aliasing.
    """
    if from_rate == to_rate:
        return np.ascontiguousarray(pcm, dtype=np.int16)
    x = pcm.astype(np.float32)
    if from_rate > to_rate:
        x = _lowpass(x, 0.45 * to_rate / from_rate)
        if from_rate % to_rate == 0:
            return _clip16(x[::from_rate // to_rate])
    count = int(round(len(x) * to_rate / from_rate))
    positions = np.arange(count) * (from_rate / to_rate)
    return _clip16(np.interp(positions, np.arange(len(x)), x))


def _clip16(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def to_float(pcm: np.ndarray) -> np.ndarray:
    """int16 samples as float32 in [-1, 1), the form Whisper takes."""
    return (np.asarray(pcm, dtype=np.int16).astype(np.float32) / 32768.0)


# -- silence -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceActivity:
    """Energy-based voice activity: where speech is, in samples (``start == end`` when there is none)."""

    start: int
    end: int
    speech_seconds: float

    @property
    def found(self) -> bool:
        return self.end > self.start


def find_speech(pcm: np.ndarray, rate: int = RATE, *, floor_db: float = -45.0, above_noise_db: float = 10.0,
                min_speech: float = 0.15, margin: float = 0.25, frame: float = 0.03) -> VoiceActivity:
    """Where the speech is in a clip, by frame energy.

    A frame is speech when its RMS level is above ``floor_db`` dBFS and ``above_noise_db`` over the
    quietest tenth of the clip's frames (or 20 dB under its loudest frame, for a clip that is
    nearly all speech). Less than ``min_speech`` seconds of such frames is no speech. ``margin``
    seconds are kept either side so soft word edges survive. Chosen over Silero VAD (bundled
    with faster-whisper) so the check needs only numpy, runs in microseconds, and works for every
    backend; a steady loud noise such as a fan passes it, and Whisper's own no-speech score and the
    hallucination list catch that case.
    """
    hop = max(1, int(rate * frame))
    count = len(pcm) // hop
    if count == 0:
        return VoiceActivity(0, 0, 0.0)
    frames = pcm[:count * hop].astype(np.float32).reshape(count, hop) / 32768.0
    level = 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-12)
    noise = float(np.percentile(level, 10))
    threshold = max(floor_db, min(noise + above_noise_db, float(level.max()) - 20.0))
    speech = np.flatnonzero(level > threshold)
    if len(speech) * frame < min_speech:
        return VoiceActivity(0, 0, len(speech) * frame)
    pad = int(margin * rate)
    return VoiceActivity(max(0, int(speech[0]) * hop - pad), min(len(pcm), (int(speech[-1]) + 1) * hop + pad),
                         len(speech) * frame)


# -- MQTT audio streams --------------------------------------------------------------------------------

AUDIO_CHANNELS = ("start", "chunk", "end")
_STREAM_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class AudioRoute:
    """Where an audio stream message comes from: ``<prefix>/<home>/<device>/audio/<channel>[/<stream>]``."""

    home: str
    device: str
    channel: str
    """``start``, ``chunk`` or ``end``."""
    stream: str | None = None
    """Only on ``chunk`` topics: the stream id is the last topic level, so the payload stays raw PCM."""


def parse_audio_topic(topic: str, prefix: str) -> AudioRoute | None:
    """The route of an audio stream topic, or None when the topic is not one."""
    parts = topic.split("/")
    if len(parts) < 5 or parts[0] != prefix or parts[3] != "audio" or parts[2] == "hub":
        return None
    if len(parts) == 5 and parts[4] in ("start", "end"):
        return AudioRoute(parts[1], parts[2], parts[4])
    if len(parts) == 6 and parts[4] == "chunk":
        return AudioRoute(parts[1], parts[2], "chunk", parts[5])
    return None


class StreamError(AudioError):
    """A stream message that was refused; ``device`` and ``stream`` say which (``stream`` may be None)."""

    def __init__(self, reason: str, *, device: str, stream: str | None = None) -> None:
        self.device = device
        self.stream = stream
        super().__init__(reason)


@dataclass(frozen=True)
class Utterance:
    """A complete stream: what a satellite heard between ``start`` and ``end``."""

    device: str
    stream: str
    pcm: np.ndarray
    """16 kHz mono int16 samples."""
    language: str | None = None
    """The satellite's language hint, if it sent one."""

    @property
    def seconds(self) -> float:
        return len(self.pcm) / RATE


@dataclass
class _Stream:
    rate: int
    channels: int
    language: str | None
    started: float
    last: float
    parts: list[bytes] = field(default_factory=list)
    size: int = 0


class StreamAssembler:
    """Per-(device, stream) buffers for satellites' audio; pure, so the hub feeds it and a test can too.

    ``now`` is seconds on any monotonic scale (the hub's clock); a stream silent for ``idle_timeout``
    seconds is dropped when the next message arrives or ``expire`` is called.
    """

    def __init__(self, *, max_seconds: float = MAX_SECONDS, max_streams_per_device: int = 2,
                 idle_timeout: float = 5.0) -> None:
        self.max_seconds = max_seconds
        self.max_streams_per_device = max_streams_per_device
        self.idle_timeout = idle_timeout
        self._streams: dict[tuple[str, str], _Stream] = {}

    def __len__(self) -> int:
        return len(self._streams)

    def handle(self, route: AudioRoute, payload: bytes, now: float) -> Utterance | None:
        """Take one message; returns the utterance when it was a stream's ``end``. Raises StreamError."""
        self.expire(now)
        if route.channel == "start":
            self.start(route.device, payload, now)
            return None
        if route.channel == "chunk":
            self.chunk(route.device, route.stream or "", payload, now)
            return None
        return self.end(route.device, payload, now)

    def start(self, device: str, payload: bytes, now: float) -> str:
        body = _json_object(payload, device, "start")
        stream = _stream_id(body.get("stream"), device)
        rate, width, channels = body.get("rate", RATE), body.get("width", 2), body.get("channels", 1)
        if width != 2:
            raise StreamError(f"start: width {width!r} not supported: 16-bit (width 2) PCM only",
                              device=device, stream=stream)
        if channels not in (1, 2):
            raise StreamError(f"start: channels {channels!r} not supported: 1 or 2", device=device, stream=stream)
        if not isinstance(rate, int) or not MIN_RATE <= rate <= MAX_RATE:
            raise StreamError(f"start: rate {rate!r} not supported ({MIN_RATE}–{MAX_RATE} Hz)",
                              device=device, stream=stream)
        language = body.get("language")
        if language is not None and not (isinstance(language, str) and 0 < len(language) <= 16):
            raise StreamError("start: language must be a short string such as 'en' or 'zh-CN'",
                              device=device, stream=stream)
        key = (device, stream)
        if key not in self._streams:
            open_here = sum(1 for d, _ in self._streams if d == device)
            if open_here >= self.max_streams_per_device:
                raise StreamError(f"start: device already has {open_here} open stream(s) "
                                  f"(limit {self.max_streams_per_device})", device=device, stream=stream)
        # A repeated start (a satellite that restarted) begins the stream afresh.
        self._streams[key] = _Stream(rate, channels, language, now, now)
        return stream

    def chunk(self, device: str, stream: str, payload: bytes, now: float) -> None:
        if not _STREAM_ID.match(stream):
            raise StreamError("chunk: stream id in the topic must be 1–64 of A-Z a-z 0-9 _ -", device=device)
        current = self._streams.get((device, stream))
        if current is None:
            raise StreamError(f"chunk: unknown stream '{stream}' (no start, or it ended or timed out)",
                              device=device, stream=stream)
        limit = int(self.max_seconds * current.rate) * 2 * current.channels
        if current.size + len(payload) > limit:
            del self._streams[(device, stream)]
            seconds = (current.size + len(payload)) / (2 * current.channels * current.rate)
            raise StreamError(f"chunk: audio too long: over {seconds:.0f} s (limit {self.max_seconds:g} s); "
                              "stream dropped", device=device, stream=stream)
        current.parts.append(payload)
        current.size += len(payload)
        current.last = now

    def end(self, device: str, payload: bytes, now: float) -> Utterance:
        body = _json_object(payload, device, "end")
        stream = _stream_id(body.get("stream"), device)
        current = self._streams.pop((device, stream), None)
        if current is None:
            raise StreamError(f"end: unknown stream '{stream}' (no start, or it ended or timed out)",
                              device=device, stream=stream)
        try:
            audio = _to_audio(b"".join(current.parts), rate=current.rate, channels=current.channels,
                              max_seconds=self.max_seconds)
        except AudioError as error:
            raise StreamError(f"end: {error.reason}", device=device, stream=stream) from None
        return Utterance(device, stream, audio.pcm, current.language)

    def expire(self, now: float) -> list[tuple[str, str]]:
        """Drop streams idle for longer than ``idle_timeout``; returns their (device, stream) keys."""
        stale = [key for key, s in self._streams.items() if now - s.last > self.idle_timeout]
        for key in stale:
            del self._streams[key]
        return stale


def _json_object(payload: bytes, device: str, what: str) -> dict:
    try:
        body = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise StreamError(f"{what}: payload must be JSON such as {{\"stream\": \"s1\"}}", device=device) from None
    if not isinstance(body, dict):
        raise StreamError(f"{what}: payload must be a JSON object", device=device)
    return body


def _stream_id(value: object, device: str) -> str:
    if not isinstance(value, str) or not _STREAM_ID.match(value):
        raise StreamError("stream: required, 1–64 of A-Z a-z 0-9 _ -", device=device)
    return value
