"""Mandarin through carehub's real speech path: the multilingual base model on 24 of the household's
commands and care phrases spoken by a neural Mandarin voice (tests/mandarinkit.py), into an offline hub with
every built-in skill; and Chinese transcripts written in the household's script."""

from __future__ import annotations

import asyncio
import importlib.util
from datetime import datetime
from importlib.metadata import entry_points

import numpy as np
import pytest

from assistant.speech.chinese import conversion_for, convert, household_script
from assistant.speech.models import PACKAGED
from assistant.speech.pipeline import household_vocabulary, pipeline_for
from assistant.speech.stt import FasterWhisper, SpeechSettings, build_speech_to_text
from tests.mandarinkit import HOUSEHOLD, PHRASES, MandarinVoice, character_errors, plain_hanzi, voice_missing

needs_opencc = pytest.mark.skipif(importlib.util.find_spec("opencc") is None,
                                  reason="opencc not installed (pip install -e '.[voice]')")


def _base_and_voice_missing() -> str | None:
    """What is missing to hear the Mandarin voice with base, or None when nothing is."""
    missing = []
    if (importlib.util.find_spec("faster_whisper") is None
            or any(importlib.util.find_spec(n) is None for n, _ in PACKAGED["base"].parts)):
        missing.append("faster-whisper and base are not installed (pip install -e '.[voice]')")
    if voice_missing() is not None:
        missing.append(str(voice_missing()))
    return "; ".join(missing) or None


_MISSING = _base_and_voice_missing()
needs_base_and_voice = pytest.mark.skipif(_MISSING is not None, reason=_MISSING or "")


# -- pure parts ------------------------------------------------------------------------------------------


def test_characters_are_scored_without_punctuation_and_with_numbers_as_said():
    assert plain_hanzi("明天早上8点，提醒我吃药。") == "明天早上八点提醒我吃药"
    assert plain_hanzi("20分钟后") == "二十分钟后" and plain_hanzi("10分钟") == "十分钟"
    assert plain_hanzi("告诉 Anna 我很好!") == "告诉anna我很好"
    assert character_errors("打开电池。", "打开电视") == (1, 4)
    assert character_errors("百百叶窗打开", "把百叶窗打开") == (1, 6)
    assert character_errors("", "救命") == (2, 2)
    assert character_errors("我头晕着", "我头晕") == (1, 3)


def test_a_household_reads_the_chinese_it_speaks():
    assert household_script(["en", "zh-CN"]) == "simplified"
    assert household_script(["en"]) == "simplified"
    assert household_script(["zh-TW"]) == "traditional" and household_script(["zh-HK", "zh-Hant"]) == "traditional"
    assert household_script(["zh-CN", "zh-TW"]) == "as_heard"
    assert conversion_for(None, ["en", "zh-CN"]) == "t2s"
    assert conversion_for("zh", ["zh-TW"]) == "s2tw"
    assert conversion_for("zh-HK", ["en", "zh-CN"]) == "s2hk"  # the person's own language first
    assert conversion_for("zh-CN", ["zh-TW"]) == "t2s"
    assert conversion_for(None, ["zh-CN", "zh-TW"]) is None
    assert conversion_for("zh-CN", ["zh-CN"], "as_heard") is None  # the setting, when given, decides
    assert convert("打開廚房的燈", None) == "打開廚房的燈"


@needs_opencc
def test_traditional_characters_become_simplified_and_back():
    assert convert("打開廚房的燈，我喫過藥了", "t2s") == "打开厨房的灯，我吃过药了"
    assert convert("关掉电水壶", "s2tw") == "關掉電水壺"
    assert convert("告诉 Anna 我很好。", "t2s") == "告诉 Anna 我很好。"


def test_the_family_s_chinese_names_are_in_the_chinese_prompt():
    from assistant.config import parse_config

    config = parse_config({**HOUSEHOLD, "languages": ["en", "zh-CN"]}, "test", None)
    words = household_vocabulary(config)["zh"].split("，")
    assert {"厨房的灯", "电水壶", "窗帘", "客厅", "安娜", "女儿"} <= set(words)


# -- base on spoken Mandarin ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mandarin():
    """The voice and each phrase spoken once, at its natural speed."""
    voice = MandarinVoice()
    return {p.text: voice.speak(p.text) for p in PHRASES}


@pytest.fixture(scope="module")
def base_cache(tmp_path_factory):
    """A model cache with base assembled once for the module."""
    cache = tmp_path_factory.mktemp("models")
    asyncio.run(FasterWhisper("base", settings=SpeechSettings(models_dir=str(cache))).load())
    return str(cache)


async def household_hub(skill_harness):
    skills = [entry.load() for entry in entry_points(group="carehub.skills")]
    return await skill_harness(skills[0], also=skills[1:], config=HOUSEHOLD, start=datetime(2026, 1, 5, 8, 5))


@needs_base_and_voice
async def test_base_hears_the_household_s_mandarin_and_the_skills_act_on_it(skill_harness, mandarin, base_cache):
    """Measured (docs/voice-chinese.md): CER 0.057, 18 of 24 reach their intent; the floors leave room for
    the int8 arithmetic of another CPU. Calls for help must never be lost."""
    h = await household_hub(skill_harness)
    settings = SpeechSettings(models={"en": "tiny.en", "zh": "base", "*": "base"}, models_dir=base_cache)
    pipeline = pipeline_for(h.hub.config, h.hub.hear, settings)
    errors = said = right = 0
    heard = {}
    for phrase in PHRASES:
        before = len(h.published)
        result = await pipeline.handle_audio(mandarin[phrase.text], person="grandma", room=phrase.room)
        await h.settle()
        transcript, reply = result.transcript, result.reply
        assert transcript.language == "zh" and transcript.model == "base", transcript
        assert convert(transcript.text, "t2s") == transcript.text, transcript  # simplified, as zh-CN reads
        e, n = character_errors(transcript.text, phrase.text)
        errors, said = errors + e, said + n
        topics = [topic for topic, _ in h.published[before:]]
        ok = (reply is not None and reply.understood and reply.intent == phrase.intent
              and (phrase.topic is None or phrase.topic in topics))
        right += ok
        heard[phrase.text] = (transcript.text, ok)
        if phrase.intent == "CareHelp":
            assert ok, (phrase.text, transcript)
    assert errors / said <= 0.12, heard
    assert right >= 16, heard


@needs_base_and_voice
@needs_opencc
async def test_chinese_is_written_in_the_script_of_the_language_asked_for(mandarin, base_cache):
    """Without the household's words in the prompt base writes most Mandarin in traditional characters."""
    settings = SpeechSettings(models={"zh": "base", "*": "base"}, models_dir=base_cache, languages=["en", "zh-CN"])
    stt = build_speech_to_text(settings)
    clip = mandarin["打开厨房的灯"]
    simplified = await stt.transcribe(clip, "zh-CN")
    traditional = await stt.transcribe(clip, "zh-TW")
    assert "厨房" in simplified.text and "灯" in simplified.text, simplified
    assert "廚房" in traditional.text and "燈" in traditional.text, traditional
    detected = await stt.transcribe(np.concatenate([clip, np.zeros(8000, np.int16)]), None)
    assert detected.language == "zh" and "厨房" in detected.text, detected
