"""WAV decoding and checks, resampling, silence finding, and the MQTT audio stream assembler."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess

import numpy as np
import pytest

from assistant import topics
from assistant.speech.audio import (
    AudioError, AudioRoute, AudioTooLarge, StreamAssembler, StreamError, decode_wav,
    encode_wav, find_speech, parse_audio_topic, read_wav, resample,
)

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed "
                                  "(apt-get install espeak-ng)")


def tone(seconds: float, rate: int, hz: float = 440.0, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (level * 32767 * np.sin(2 * np.pi * hz * t)).astype(np.int16)


def wav(samples: np.ndarray, rate: int, *, channels: int = 1, bits: int = 16, tag: int = 1) -> bytes:
    """A WAV file written by hand, so any header can be made (including unsupported ones)."""
    body = samples.astype("<i2").tobytes()
    return struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(body), b"WAVE", b"fmt ", 16, tag, channels, rate,
                       rate * channels * bits // 8, channels * bits // 8, bits, b"data", len(body)) + body


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float32)))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[spectrum.argmax()])


# -- WAV -----------------------------------------------------------------------------------------------


def test_a_16k_mono_wav_decodes_unchanged():
    samples = tone(1.0, 16000)
    audio = decode_wav(wav(samples, 16000))
    assert np.array_equal(audio.pcm, samples) and audio.seconds == 1.0 and audio.source_rate == 16000


@pytest.mark.parametrize("rate", [8000, 22050, 44100, 48000])
def test_other_rates_are_resampled_to_16k_keeping_pitch_and_length(rate):
    audio = decode_wav(wav(tone(2.0, rate, hz=440), rate))
    assert abs(audio.seconds - 2.0) < 0.01
    assert abs(dominant_hz(audio.pcm, 16000) - 440) < 2


def test_downsampling_filters_what_16k_cannot_hold():
    # 12 kHz is above 16 kHz's Nyquist (8 kHz): decimating without a filter would fold it to 4 kHz.
    high = tone(1.0, 48000, hz=12000)
    out = resample(high, 48000, 16000)
    assert np.sqrt(np.mean(out.astype(np.float64) ** 2)) < 0.05 * np.sqrt(np.mean(high.astype(np.float64) ** 2))


def test_stereo_is_mixed_to_mono():
    left, right = tone(1.0, 16000, hz=300), np.zeros(16000, np.int16)
    interleaved = np.stack([left, right], axis=1).reshape(-1)
    audio = decode_wav(wav(interleaved, 16000, channels=2))
    assert audio.source_channels == 2 and len(audio.pcm) == 16000
    assert np.allclose(audio.pcm, left // 2, atol=1)


def test_extensible_header_and_placeholder_length_are_accepted():
    samples = tone(0.5, 16000)
    body = samples.astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHHHHI16s", 0xFFFE, 1, 16000, 32000, 2, 16, 22, 16, 4,
                      b"\x01\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71")
    data = (b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"LIST" + struct.pack("<I", 4) + b"INFO" + b"data" + struct.pack("<I", 0x7FFFFFFF) + body)
    assert np.array_equal(decode_wav(data).pcm, samples)


@pytest.mark.parametrize("data, message", [
    (b"ID3\x03 an mp3 file", "not a WAV file"),
    (b"RIFF\x00\x00\x00\x00AVI LIST", "not a WAV file"),
    (wav(tone(0.2, 16000), 16000, bits=24), "24-bit PCM not supported"),
    (wav(tone(0.2, 16000), 16000, tag=3, bits=32), "32-bit float WAV not supported"),
    (wav(tone(0.2, 16000), 16000, tag=0x55), "MP3 WAV not supported"),
    (wav(tone(0.2, 16000), 4000), "sample rate 4000 Hz not supported"),
    (wav(np.zeros(60, np.int16), 16000, channels=6), "6 channels not supported"),
    (wav(np.zeros(0, np.int16), 16000), "audio is empty"),
    (b"RIFF\x04\x00\x00\x00WAVE", "no 'fmt ' chunk"),
])
def test_bad_wavs_are_refused_saying_what_is_wrong(data, message):
    with pytest.raises(AudioError) as error:
        decode_wav(data)
    assert message in error.value.reason and not isinstance(error.value, AudioTooLarge)


def test_limits_name_the_length_and_the_limit():
    long = wav(np.zeros(95 * 8000, np.int16), 8000)
    with pytest.raises(AudioTooLarge, match=r"audio too long: 95 s \(limit 30 s\)"):
        decode_wav(long)
    with pytest.raises(AudioTooLarge, match=r"WAV file too large: \d+ bytes \(limit 1000\)"):
        decode_wav(wav(tone(1.0, 16000), 16000), max_bytes=1000)


def test_encode_then_read_round_trips():
    samples = tone(0.3, 22050)
    assert [np.array_equal(read_wav(encode_wav(samples, 22050))[0], samples), read_wav(encode_wav(samples, 22050))[1]] \
        == [True, 22050]


# -- silence ---------------------------------------------------------------------------------------------


def test_silence_and_faint_hiss_have_no_speech():
    assert not find_speech(np.zeros(32000, np.int16)).found
    hiss = (np.random.default_rng(1).normal(0, 0.002, 48000) * 32767).astype(np.int16)  # about -54 dBFS
    assert not find_speech(hiss).found


@needs_espeak
def test_speech_is_found_and_the_silence_around_it_trimmed():
    spoken = decode_wav(subprocess.run(["espeak-ng", "-v", "en-us", "--stdout", "help me"], capture_output=True,
                                       check=True).stdout).pcm
    padded = np.concatenate([np.zeros(32000, np.int16), spoken, np.zeros(48000, np.int16)])
    voice = find_speech(padded)
    assert voice.found
    assert 32000 - 0.3 * 16000 <= voice.start <= 32000 + 0.2 * 16000
    assert voice.end - voice.start < len(spoken) + 0.8 * 16000


# -- MQTT audio streams ---------------------------------------------------------------------------------------


def test_audio_topics_parse_and_are_subscribed():
    assert "carehub/home/+/audio/#" in topics.subscriptions("carehub", ["home"], None)
    assert parse_audio_topic("carehub/home/kitchen-speaker/audio/start", "carehub") == \
        AudioRoute("home", "kitchen-speaker", "start")
    assert parse_audio_topic("carehub/home/kitchen-speaker/audio/chunk/s1", "carehub") == \
        AudioRoute("home", "kitchen-speaker", "chunk", "s1")
    for topic in ("carehub/home/kitchen-speaker/state", "carehub/home/kitchen-speaker/audio/chunk",
                  "carehub/home/hub/audio/start", "other/home/x/audio/start", "carehub/home/x/audio/stop"):
        assert parse_audio_topic(topic, "carehub") is None


def start(stream: str = "s1", **fields) -> bytes:
    return json.dumps({"stream": stream, "rate": 16000, "width": 2, "channels": 1, **fields}).encode()


def feed(streams: StreamAssembler, device: str, channel: str, payload: bytes, now: float, stream: str | None = None):
    return streams.handle(AudioRoute("home", device, channel, stream), payload, now)


def test_a_stream_is_assembled_into_one_utterance():
    streams = StreamAssembler()
    samples = tone(1.5, 16000)
    raw = samples.tobytes()
    assert feed(streams, "kitchen-speaker", "start", start(language="zh-CN"), 0.0) is None
    for i in range(0, len(raw), 3200):  # 100 ms chunks
        assert feed(streams, "kitchen-speaker", "chunk", raw[i:i + 3200], 0.1, "s1") is None
    utterance = feed(streams, "kitchen-speaker", "end", b'{"stream": "s1"}', 1.6)
    assert (utterance.device, utterance.stream, utterance.language) == ("kitchen-speaker", "s1", "zh-CN")
    assert np.array_equal(utterance.pcm, samples) and utterance.seconds == 1.5
    assert len(streams) == 0


def test_a_48k_stereo_stream_comes_out_16k_mono():
    streams = StreamAssembler()
    samples = tone(1.0, 48000)
    feed(streams, "sat", "start", start(rate=48000, channels=2), 0.0)
    feed(streams, "sat", "chunk", np.stack([samples, samples], axis=1).tobytes(), 0.5, "s1")
    utterance = feed(streams, "sat", "end", b'{"stream": "s1"}', 1.0)
    assert len(utterance.pcm) == 16000 and abs(dominant_hz(utterance.pcm, 16000) - 440) < 2


def test_chunks_and_ends_of_unknown_streams_are_refused():
    streams = StreamAssembler()
    with pytest.raises(StreamError, match="chunk: unknown stream 'nope'") as error:
        feed(streams, "sat", "chunk", b"\x00\x00", 0.0, "nope")
    assert (error.value.device, error.value.stream) == ("sat", "nope")
    feed(streams, "sat", "start", start("s1"), 0.0)
    with pytest.raises(StreamError, match="end: unknown stream 's2'"):
        feed(streams, "sat", "end", b'{"stream": "s2"}', 0.1)
    with pytest.raises(StreamError, match="unknown stream 's1'"):  # the same id on another device is another stream
        feed(streams, "other-sat", "chunk", b"\x00\x00", 0.1, "s1")


@pytest.mark.parametrize("payload, message", [
    (b"{not json", "start: payload must be JSON"),
    (b"[1, 2]", "start: payload must be a JSON object"),
    (b'{"rate": 16000}', "stream: required"),
    (b'{"stream": "a/b"}', "stream: required, 1"),
    (start(width=3), "width 3 not supported"),
    (start(channels=4), "channels 4 not supported"),
    (start(rate=96000), "rate 96000 not supported"),
    (start(language=["en"]), "language must be a short string"),
])
def test_malformed_starts_are_refused(payload, message):
    with pytest.raises(StreamError, match=message):
        feed(StreamAssembler(), "sat", "start", payload, 0.0)


def test_an_oversized_stream_is_dropped_with_the_limit_named():
    streams = StreamAssembler(max_seconds=2)
    feed(streams, "sat", "start", start(), 0.0)
    second = np.zeros(16000, np.int16).tobytes()
    feed(streams, "sat", "chunk", second, 1.0, "s1")
    feed(streams, "sat", "chunk", second, 2.0, "s1")
    with pytest.raises(StreamError, match=r"audio too long: over 3 s \(limit 2 s\); stream dropped"):
        feed(streams, "sat", "chunk", second, 3.0, "s1")
    with pytest.raises(StreamError, match="unknown stream 's1'"):
        feed(streams, "sat", "end", b'{"stream": "s1"}', 3.1)


def test_a_device_may_not_open_more_than_its_streams():
    streams = StreamAssembler(max_streams_per_device=2)
    feed(streams, "sat", "start", start("a"), 0.0)
    feed(streams, "sat", "start", start("b"), 0.0)
    feed(streams, "sat", "start", start("a"), 0.1)  # a restart of an open stream is no new stream
    with pytest.raises(StreamError, match=r"already has 2 open stream\(s\) \(limit 2\)"):
        feed(streams, "sat", "start", start("c"), 0.2)
    feed(streams, "other", "start", start("c"), 0.2)  # the limit is per device


def test_streams_that_never_end_time_out():
    streams = StreamAssembler(idle_timeout=5.0)
    feed(streams, "sat", "start", start("quiet"), 0.0)
    feed(streams, "sat", "start", start("busy"), 0.0)
    for t in (2.0, 4.0):
        feed(streams, "sat", "chunk", b"\x00\x00" * 160, t, "busy")
    assert streams.expire(5.0) == []
    assert streams.expire(5.5) == [("sat", "quiet")]
    feed(streams, "sat", "chunk", b"\x00\x00" * 160, 6.0, "busy")
    with pytest.raises(StreamError, match="unknown stream 'quiet'"):
        feed(streams, "sat", "end", b'{"stream": "quiet"}', 6.6)
    assert feed(streams, "sat", "end", b'{"stream": "busy"}', 7.0).seconds == pytest.approx(0.03)
    feed(streams, "sat", "start", start("late"), 10.0)
    with pytest.raises(StreamError, match="unknown stream 'late'"):  # timed out on the next message's clock
        feed(streams, "sat", "chunk", b"\x00\x00", 15.1, "late")


def test_an_empty_stream_is_an_error_at_its_end():
    streams = StreamAssembler()
    feed(streams, "sat", "start", start(), 0.0)
    with pytest.raises(StreamError, match="end: audio is empty"):
        feed(streams, "sat", "end", b'{"stream": "s1"}', 0.5)
