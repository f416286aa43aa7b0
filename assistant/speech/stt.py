"""Speech-to-text with local Whisper models: one small interface, two backends, a router by language.

``faster-whisper`` (CTranslate2, int8 on the CPU) is the default; ``openai-whisper`` (PyTorch) is
the reference. A model loads lazily, once, in a worker thread; transcription runs in a worker thread
too, so the hub's event loop never blocks. Silence is found with a numpy energy check first and
never reaches a model. A transcript that is not speech (empty, Whisper's own no-speech score, a
known hallucination such as "Thank you." on noise, the prompt echoed back) is marked ``no_speech``
so it is never sent on as a command.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import ReasonError
from assistant.speech.audio import RATE, find_speech, to_float
from assistant.speech.chinese import Script, conversion_for, convert
from assistant.speech.models import is_multilingual, models_dir, resolve_model, resolve_openai_whisper

log = logging.getLogger(__name__)


class SpeechError(ReasonError):
    """Speech could not be transcribed (not a missing model: that is ``ModelUnavailable``)."""


@dataclass(frozen=True)
class Transcript:
    """What was heard in one clip."""

    text: str
    language: str | None
    """Whisper's code (``en``, ``zh``): the one asked for, or the one detected."""
    no_speech: bool
    """True when nothing should be acted on: silence, noise, or a known hallucination."""
    audio_seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent: ``vad``, ``load`` (first use only), ``model``."""
    reason: str | None = None
    """Why ``no_speech`` is set."""
    model: str = ""


@runtime_checkable
class SpeechToText(Protocol):
    """Anything that turns 16 kHz mono 16-bit PCM into a Transcript."""

    async def transcribe(self, pcm: np.ndarray, language: str | None = None) -> Transcript: ...


# -- judging a transcript --------------------------------------------------------------------------

HALLUCINATIONS: frozenset[str] = frozenset({
    "thank you", "thanks", "thank you very much", "thanks for watching", "thank you for watching",
    "thank you so much for watching", "please subscribe", "subscribe", "you", "bye", "bye bye",
    "subtitles by the amaraorg community", "i", "so", "oh",
    "谢谢", "谢谢观看", "谢谢大家", "感谢观看", "字幕由amaraorg社区提供", "请不吝点赞订阅转发打赏支持明镜与点点栏目",
    "明镜与点点栏目", "优优独播剧场youyoutvcom", "中文字幕",
})
"""Phrases Whisper is known to produce from silence or noise (normalised: lower case, no punctuation)."""


def normalise(text: str) -> str:
    """Lower case, punctuation and symbols removed, spaces collapsed (for comparing transcripts)."""
    kept = "".join(c if not unicodedata.category(c).startswith(("P", "S")) else " " for c in text.lower())
    return " ".join(kept.split())


def whisper_language(code: str | None) -> str | None:
    """``zh-CN`` → ``zh``, ``en-GB`` → ``en``: the primary subtag, which is what Whisper knows."""
    if not code:
        return None
    return code.strip().replace("_", "-").split("-")[0].lower() or None


def collapse_repeats(text: str) -> str:
    """``"Help me. Help me. Help"`` → ``"Help me."``: a decoding loop, kept once.

    Whisper loops when it sees a short clip; the loop is found as a sequence (of words, or of
    characters in text written without spaces such as Chinese) whose end repeats its start, by at
    least two units (or one, for a one-unit loop).
    """
    spaced = " " in text.strip()
    units = text.split() if spaced else list(text.strip())
    plain = [normalise(u) for u in units]
    n = len(units)
    for k in range(1, n):
        if plain[k:] == plain[:n - k] and n - k >= min(2, k) and any(plain[:k]):
            return (" " if spaced else "").join(units[:k])
    return text


def no_speech_reason(text: str, *, no_speech_prob: float, avg_logprob: float, prompt: str | None = None) -> str | None:
    """Why a transcript is not speech to act on, or None when it is.

    Whisper's own rule (openai/whisper ``transcribe``: silent when ``no_speech_prob > 0.6`` and
    ``avg_logprob < -1``) lets through much of what tiny.en makes of noise, tones and clatter, so
    carehub, which acts on what it hears, is stricter (see ``NOT_SPEECH``). A known hallucination
    phrase is dropped unless the model was sure it heard speech; a transcript that is most of the
    prompt is the prompt echoed back.
    """
    plain = normalise(text)
    if not plain:
        return "empty transcript"
    for most_no_speech, least_logprob in NOT_SPEECH:
        if no_speech_prob > most_no_speech and avg_logprob < least_logprob:
            return f"not speech (no_speech_prob {no_speech_prob:.2f}, avg_logprob {avg_logprob:.2f})"
    if plain.replace(" ", "") in _HALLUCINATIONS and (no_speech_prob >= 0.1 or avg_logprob < -0.5):
        return f"known hallucination {text.strip()!r}"
    if prompt:
        echo = normalise(prompt)
        if len(plain) >= 0.6 * len(echo) and plain in echo:
            return "the prompt echoed back"
    return None


NOT_SPEECH: tuple[tuple[float, float], ...] = ((0.6, 0.0), (0.5, -0.5), (0.3, -1.0), (-1.0, -1.5))
"""(no_speech_prob above, avg_logprob below): any pair marks a transcript as not speech.

The first contains Whisper's default (0.6, -1.0) and drops its log-probability guard: a decoding
loop on a tone ("Be Be Be ...") scores -0.2. They were set on tiny.en (short-clip decoding) from white
noise, noise bursts and pure tones, every one of which they reject, against espeak-ng commands in
four voices, none of which they reject (speech scored ``no_speech_prob`` ≤ 0.23 and
``avg_logprob`` ≥ -0.9; tests/test_speech_stt.py keeps both sides)."""

_HALLUCINATIONS = frozenset(h.replace(" ", "") for h in HALLUCINATIONS)


# -- settings ----------------------------------------------------------------------------------------

DEFAULT_PROMPTS = {
    "en": "I took my pills. I've taken my medicine. I feel dizzy. Help me, I've fallen. Call my daughter.",
}
"""Whisper's ``initial_prompt`` per language: a few care sentences bias decoding towards their
words (without them, tiny.en hears "pills" as "bills" in a third of synthetic recordings, and a
list of single words was not enough). The household's device and room names go before them.
For Chinese those names are the whole prompt: the usual "以下是普通话的句子。" made base worse on
synthetic Mandarin, and it echoed itself back."""


class SpeechSettings(BaseModel):
    """Speech-to-text settings (the ``voice:`` section of config.yaml)."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["faster-whisper", "openai-whisper"] = "faster-whisper"
    models: dict[str, str] = Field(default_factory=lambda: {"en": "tiny.en", "zh": "base", "*": "base"})
    """Model per language (Whisper code); ``*`` serves other languages and detection when none is given."""
    models_dir: str | None = None
    """Model cache folder (default ``$CAREHUB_MODELS`` or ``~/.cache/carehub/models``)."""
    beam_size: int = Field(1, ge=1, le=5)
    cpu_threads: int = Field(2, ge=1, le=64)
    compute_type: str = "int8"
    audio_context: Literal["auto", "full"] = "auto"
    """``auto``: clips up to 20 s are encoded at their own length plus 6 s of silence instead of
    Whisper's fixed 30 s window (about 5x faster on a short command); ``full``: always 30 s."""
    prompts: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_PROMPTS))
    max_seconds: float = Field(30.0, gt=0, le=120)
    languages: list[str] = Field(default_factory=list)
    """When detecting, choose only among these (e.g. the household's ``en``, ``zh``); empty = any."""
    chinese_script: Script | None = None
    """Characters Chinese transcripts are written in: ``simplified``, ``traditional`` or ``as_heard``;
    by default the script of the language asked for (``zh-TW``: traditional), else of ``languages``."""


# -- backends ----------------------------------------------------------------------------------------


class _LazyWhisper:
    """What both backends share: lazy single load off the loop, the silence check, the verdict."""

    name = ""

    def __init__(self, model: str | Path, *, settings: SpeechSettings | None = None,
                 prompts: dict[str, str] | None = None) -> None:
        self.model_name = str(model)
        self.settings = settings or SpeechSettings()
        self.prompts = dict(self.settings.prompts if prompts is None else prompts)
        self.cache = Path(self.settings.models_dir).expanduser() if self.settings.models_dir else models_dir()
        self.model_calls = 0
        """Times a model actually ran (silence never gets here)."""
        self._checked = False
        self.loads = 0
        """Times the model was loaded (once, however many first calls race)."""
        self._model: Any = None
        self._load_lock: asyncio.Lock | None = None
        self.load_seconds: float | None = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    async def load(self) -> float:
        """Load the model once (concurrent first callers wait for the same load); returns seconds spent."""
        if self._model is not None:
            return 0.0
        if self._load_lock is None:
            self._load_lock = asyncio.Lock()
        async with self._load_lock:
            if self._model is not None:
                return 0.0
            started = time.perf_counter()
            self._model = await asyncio.to_thread(self._load)
            self.loads += 1
            self.load_seconds = time.perf_counter() - started
            log.info("speech model %s (%s) loaded in %.1f s", self.model_name, self.name, self.load_seconds)
            return self.load_seconds

    module = ""
    """The engine's import name; ``extra`` is the pip extra of carehub that installs it."""
    extra = ""

    def check(self) -> None:
        """Raise SpeechError if the engine is not installed, ModelUnavailable if the model is not on this
        machine (cheap: no load)."""
        if importlib.util.find_spec(self.module) is None:
            raise SpeechError(f"speech-to-text engine {self.name} is not installed: "
                              f"pip install -e '.[{self.extra}]' (docs/voice.md)")

    async def transcribe(self, pcm: np.ndarray, language: str | None = None) -> Transcript:
        samples = np.asarray(pcm, dtype=np.int16)
        seconds = len(samples) / RATE
        if seconds > self.settings.max_seconds:
            raise SpeechError(f"audio too long: {seconds:.0f} s (limit {self.settings.max_seconds:g} s)")
        asked, language = language, whisper_language(language)
        if not self._checked:  # may assemble a split model: never on the event loop
            await asyncio.to_thread(self.check)
        self._check_language(language)
        started = time.perf_counter()
        voice = find_speech(samples)
        timings = {"vad": time.perf_counter() - started}
        if not voice.found:
            return Transcript("", language, True, seconds, timings, "silence", self.model_name)
        timings["load"] = await self.load()
        started = time.perf_counter()
        audio = to_float(samples[voice.start:voice.end])
        self.model_calls += 1
        text, detected, no_speech_prob, avg_logprob = await asyncio.to_thread(self._heard, audio, language, asked)
        timings["model"] = time.perf_counter() - started
        text = collapse_repeats(text.strip())
        prompt = self.prompts.get(detected or "") if detected else None
        reason = no_speech_reason(text, no_speech_prob=no_speech_prob, avg_logprob=avg_logprob, prompt=prompt)
        return Transcript(text, detected, reason is not None, seconds, timings, reason, self.model_name)

    def _check_language(self, language: str | None) -> None:
        pass

    def _heard(self, audio: np.ndarray, language: str | None, asked: str | None
               ) -> tuple[str, str | None, float, float]:
        """``_run``, then Chinese written in the household's script (``assistant.speech.chinese``)."""
        text, detected, no_speech_prob, avg_logprob = self._run(audio, language)
        if detected == "zh":
            text = convert(text, conversion_for(asked, self.settings.languages, self.settings.chinese_script))
        return text, detected, no_speech_prob, avg_logprob

    def _prompt(self, language: str | None) -> str | None:
        return self.prompts.get(language or "") or None

    def _choose(self, probabilities: list[tuple[str, float]]) -> str:
        """The most likely language, among the household's when they are configured."""
        allowed = {whisper_language(code) for code in self.settings.languages}
        for code, _ in probabilities:
            if not allowed or code in allowed:
                return code
        return probabilities[0][0]

    def _load(self) -> Any:
        raise NotImplementedError

    def _run(self, audio: np.ndarray, language: str | None) -> tuple[str, str | None, float, float]:
        """(text, language, no_speech_prob, avg_logprob); runs in a worker thread."""
        raise NotImplementedError


SHORT_CLIP_SECONDS = 20.0
TAIL_SILENCE_SECONDS = 6.0
"""Silence appended to a short clip before encoding at its own length: with less, Whisper (trained on
30 s windows) tends to loop ("help me help me help me"); 6 s scored best on synthetic commands."""


class FasterWhisper(_LazyWhisper):
    """faster-whisper (CTranslate2) on the CPU: int8, small beam, no timestamps, no carried-over context."""

    name = "faster-whisper"
    module = "faster_whisper"
    extra = "voice"

    def __init__(self, model: str | Path = "tiny.en", **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        self._folder: Path | None = None
        self.multilingual: bool | None = None

    def check(self) -> None:
        super().check()
        self._folder = resolve_model(self.model_name, cache=self.cache)
        self.multilingual = is_multilingual(self._folder)
        self._checked = True

    def _check_language(self, language: str | None) -> None:
        if language and language != "en" and not self.multilingual:
            raise SpeechError(f"model '{self.model_name}' is English-only; it cannot transcribe '{language}' "
                              "(map that language to a multilingual model such as 'base')")

    def _load(self) -> Any:
        from faster_whisper import WhisperModel

        if self._folder is None:
            self.check()
        s = self.settings
        return WhisperModel(str(self._folder), device="cpu", compute_type=s.compute_type, cpu_threads=s.cpu_threads,
                            num_workers=1, local_files_only=True)

    def _run(self, audio: np.ndarray, language: str | None) -> tuple[str, str | None, float, float]:
        model = self._model
        if not model.model.is_multilingual:
            language = "en"
        if self.settings.audio_context == "auto" and len(audio) <= SHORT_CLIP_SECONDS * RATE:
            return self._run_short(audio, language)
        if language is None:
            _, _, probabilities = model.detect_language(audio)
            language = self._choose(probabilities)
        segments, info = model.transcribe(
            audio, language=language, beam_size=self.settings.beam_size, without_timestamps=True,
            condition_on_previous_text=False, initial_prompt=self._prompt(language), vad_filter=False)
        segments = list(segments)
        if not segments:
            return "", info.language, 1.0, -10.0
        text = "".join(s.text for s in segments)
        return (text, info.language, max(s.no_speech_prob for s in segments),
                sum(s.avg_logprob for s in segments) / len(segments))

    def _run_short(self, audio: np.ndarray, language: str | None) -> tuple[str, str | None, float, float]:
        """Encode only the clip plus a little silence (whisper.cpp's ``audio_ctx`` idea), then decode."""
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        model = self._model
        padded = np.concatenate([audio, np.zeros(int(TAIL_SILENCE_SECONDS * RATE), np.float32)])
        features = model.feature_extractor(padded, padding=0)
        frames = min(3000, features.shape[1] - features.shape[1] % 2)
        encoded = model.encode(np.ascontiguousarray(features[:, :frames]))
        if language is None:
            probabilities = [(token[2:-2], p) for token, p in model.model.detect_language(encoded)[0]]
            language = self._choose(probabilities)
        tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language)
        prompt: list[int] = []
        prompt_text = self._prompt(language)
        if prompt_text:
            prompt = [tokenizer.sot_prev, *tokenizer.encode(" " + prompt_text.strip())[-200:]]
        prompt += [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        max_new = int(10 + 10 * len(audio) / RATE)
        result = model.model.generate(
            encoded, [prompt], beam_size=self.settings.beam_size, max_length=len(prompt) + max_new,
            return_scores=True, return_no_speech_prob=True, suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, [-1]))[0]
        tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        return tokenizer.decode(tokens), language, float(result.no_speech_prob), float(result.scores[0])


class OpenAIWhisper(_LazyWhisper):
    """openai-whisper (PyTorch) on the CPU, fp32, from a local ``.pt`` checkpoint only."""

    name = "openai-whisper"
    module = "whisper"
    extra = "voice-openai"

    def __init__(self, model: str | Path = "tiny.en", **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        self._checkpoint: Path | None = None

    def check(self) -> None:
        super().check()
        if importlib.util.find_spec("torch") is None:
            raise SpeechError("openai-whisper needs torch: pip install torch==2.13.0 (the CPU build) first")
        self._checkpoint = resolve_openai_whisper(self.model_name, cache=self.cache)
        self._checked = True

    def _check_language(self, language: str | None) -> None:
        if language and language != "en" and self.model_name.endswith(".en"):
            raise SpeechError(f"model '{self.model_name}' is English-only; it cannot transcribe '{language}'")

    def _load(self) -> Any:
        import torch
        import whisper

        if self._checkpoint is None:
            self.check()
        torch.set_num_threads(self.settings.cpu_threads)
        return whisper.load_model(str(self._checkpoint), device="cpu")

    def _run(self, audio: np.ndarray, language: str | None) -> tuple[str, str | None, float, float]:
        import whisper

        model = self._model
        if language is None and model.is_multilingual:
            mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio), model.dims.n_mels)
            _, probs = model.detect_language(mel)
            language = self._choose(sorted(probs.items(), key=lambda kv: -kv[1]))
        result = model.transcribe(audio, language=language or "en", fp16=False, temperature=0.0,
                                  beam_size=self.settings.beam_size if self.settings.beam_size > 1 else None,
                                  condition_on_previous_text=False, without_timestamps=True,
                                  initial_prompt=self._prompt(language))
        segments = result.get("segments") or []
        if not segments:
            return "", result.get("language"), 1.0, -10.0
        return (result["text"], result.get("language"), max(s["no_speech_prob"] for s in segments),
                sum(s["avg_logprob"] for s in segments) / len(segments))


BACKENDS: dict[str, type[_LazyWhisper]] = {"faster-whisper": FasterWhisper, "openai-whisper": OpenAIWhisper}


class SpeechRouter:
    """Picks a model by language: English to ``tiny.en``, Chinese to ``base``, no language to ``*``.

    Backends for the same model are shared, so ``zh`` and ``*`` both on ``base`` load it once.
    """

    def __init__(self, by_language: dict[str, SpeechToText]) -> None:
        if not by_language:
            raise SpeechError("no speech-to-text model configured")
        self.by_language = by_language

    def backend_for(self, language: str | None) -> SpeechToText:
        code = whisper_language(language)
        backend = self.by_language.get(code) if code else None
        backend = backend or self.by_language.get("*")
        if backend is None:
            known = ", ".join(sorted(self.by_language))
            raise SpeechError(f"no speech-to-text model for language '{language or 'unknown'}' (configured: {known}; "
                              "add '*' to detect the language)")
        return backend

    async def transcribe(self, pcm: np.ndarray, language: str | None = None) -> Transcript:
        return await self.backend_for(language).transcribe(pcm, language)

    def check(self) -> None:
        """Raise ModelUnavailable for the first configured model that is not on this machine."""
        for backend in {id(b): b for b in self.by_language.values()}.values():
            check = getattr(backend, "check", None)
            if check is not None:
                check()


def build_speech_to_text(settings: SpeechSettings | None = None, *, extra_prompt: dict[str, str] | None = None
                         ) -> SpeechRouter:
    """The router for ``settings``; ``extra_prompt`` adds words per language (device and room names)."""
    settings = settings or SpeechSettings()
    prompts = dict(settings.prompts)
    for code, words in (extra_prompt or {}).items():
        if words:
            prompts[code] = f"{words}. {prompts.get(code, '')}".strip()
    backend = BACKENDS[settings.backend]
    shared: dict[str, SpeechToText] = {}
    by_language: dict[str, SpeechToText] = {}
    for code, model in settings.models.items():
        if model not in shared:
            shared[model] = backend(model, settings=settings, prompts=prompts)
        by_language[code if code == "*" else whisper_language(code) or code] = shared[model]
    return SpeechRouter(by_language)

