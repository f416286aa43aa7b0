"""A small learned scam classifier beside the cue rules: logistic regression over hashed character and word
n-grams of the normalised text, its weights shipped as ``scam_model.npz`` (trained by
``bench/train_scam_model.py``). Pure numpy at inference; it also says which phrases weighed most.

Character n-grams (1-4) need no word segmentation, so one model reads Chinese and English; English also gets
word unigrams and bigrams. Digits all read as ``0`` (amounts and numbers vary, their shape does not).
"""

from __future__ import annotations

import dataclasses
import math
import re
import threading
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skills.scam_guard.catalogue import HAN
from skills.scam_guard.rules import LEVELS, Assessment, CueMatch, Thresholds, level_rank, normalize

MODEL_PATH = Path(__file__).with_name("scam_model.npz")
HASH_BITS = 20
"""Features are hashed into ``2 ** HASH_BITS`` slots."""
CHAR_NGRAMS = (1, 4)
"""Smallest and largest character n-gram."""
WORD_NGRAMS = (1, 2)
"""Smallest and largest word n-gram (Latin words only)."""

_WORD = re.compile(r"[a-z0-9'£$€]+")
_DIGIT = re.compile(r"\d")
_HAN_CHAR = re.compile(rf"[{HAN}]")


@dataclass(frozen=True)
class Feature:
    """One n-gram of a text, where it is, and its hashed slot."""

    slot: int
    """Index into the weight vector."""
    start: int
    """First character of the n-gram in the prepared text."""
    end: int
    """One past its last character."""
    readable: bool = False
    """Whether it says something to a person: two or more words, or three or more Chinese characters."""


def prepare(text: str) -> str:
    """The text the model reads: ``rules.normalize`` with every digit as ``0``."""
    return _DIGIT.sub("0", normalize(text))


def _slot(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) & ((1 << HASH_BITS) - 1)


def features(prepared: str) -> list[Feature]:
    """Every character n-gram and Latin word n-gram of a prepared text, with its position."""
    out = []
    low, high = CHAR_NGRAMS
    for n in range(low, high + 1):
        for start in range(0, len(prepared) - n + 1):
            gram = prepared[start:start + n]
            if gram.strip():
                readable = n >= 3 and all(_HAN_CHAR.match(c) for c in gram)
                out.append(Feature(_slot("c" + gram), start, start + n, readable))
    words = list(_WORD.finditer(prepared))
    low, high = WORD_NGRAMS
    for n in range(low, high + 1):
        for i in range(0, len(words) - n + 1):
            name = "w" + " ".join(m.group(0) for m in words[i:i + n])
            out.append(Feature(_slot(name), words[i].start(), words[i + n - 1].end(), n >= 2))
    return out


def vector(found: list[Feature]) -> tuple[np.ndarray, np.ndarray]:
    """Slots and values of a text's features: ``1 + log(count)`` per slot, scaled to unit length."""
    counts = Counter(f.slot for f in found)
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    slots = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = np.array([1.0 + math.log(c) for c in counts.values()])
    return slots, values / np.linalg.norm(values)


@dataclass(frozen=True)
class Phrase:
    """A stretch of the text that pushed the model's score up."""

    text: str
    """The words or characters, as the model read them (normalised, digits as 0)."""
    weight: float
    """Their summed contribution to the model's log-odds."""


@dataclass(frozen=True)
class ModelOpinion:
    """What the model makes of one text."""

    probability: float
    """Its estimate that the text is a scam, 0..1."""
    phrases: tuple[Phrase, ...] = ()
    """The phrases that weighed most towards a scam, strongest first."""


_loaded: dict[tuple[str, int, int], ScamModel] = {}
_loaded_lock = threading.Lock()


@dataclass(frozen=True)
class ScamModel:
    """Trained weights: one per hashed slot, and a bias."""

    weights: np.ndarray
    bias: float

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> ScamModel:
        """The weights in ``path``; raises ValueError naming the file when it is not a model of this shape.

        Read once per process while the file is unchanged: every home a worker carries shares the weights
        (4 MB), which are never written to.
        """
        try:
            stat = path.stat()
        except OSError as error:
            raise ValueError(f"{path}: not a scam model: {error}") from None
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        with _loaded_lock:
            model = _loaded.get(key)
            if model is None:
                model = _loaded[key] = cls._read(path)
            return model

    @classmethod
    def _read(cls, path: Path) -> ScamModel:
        try:
            with np.load(path) as data:
                weights = data["weights"].astype(np.float32)
                bias = float(data["bias"])
                bits = int(data["hash_bits"])
        except (OSError, KeyError, ValueError) as error:
            raise ValueError(f"{path}: not a scam model: {error}") from None
        if bits != HASH_BITS or weights.shape != (1 << HASH_BITS,):
            raise ValueError(f"{path}: weights for {bits} hash bits, this code reads {HASH_BITS}")
        weights.setflags(write=False)  # shared by every home in the process
        return cls(weights, bias)

    def probability(self, text: str) -> float:
        """The model's scam probability for ``text``."""
        slots, values = vector(features(prepare(text)))
        return _sigmoid(float(self.weights[slots] @ values) + self.bias)

    def opinion(self, text: str, *, top: int = 3) -> ModelOpinion:
        """The probability, and the ``top`` phrases that pushed it up most."""
        prepared = prepare(text)
        found = features(prepared)
        slots, values = vector(found)
        probability = _sigmoid(float(self.weights[slots] @ values) + self.bias)
        # Ranked by the n-gram's own weight (not times its count, or "a" and "the" would lead).
        weighed = sorted(((float(self.weights[f.slot]), f) for f in found if f.readable), key=lambda pair: -pair[0])
        phrases: list[Phrase] = []
        taken: list[tuple[int, int]] = []
        for weight, f in weighed:
            if weight <= 0 or len(phrases) == top:
                break
            text = prepared[f.start:f.end]
            if not any(f.start < end and start < f.end or text == p.text for (start, end), p in zip(taken, phrases)):
                taken.append((f.start, f.end))
                phrases.append(Phrase(text, weight))
        return ModelOpinion(probability, tuple(phrases))


@dataclass(frozen=True)
class Blend:
    """How the model's probability and the rules' score make the final score (chosen on the leave-one-set-out
    folds of ``bench/scam_guard.py --model``, by their mean)."""

    rules_weight: float = 0.25
    """The final score is ``rules_weight * rules + (1 - rules_weight) * model``."""
    sharpness: float = 1.5
    """The model's log-odds are multiplied by this..."""
    shift: float = 1.25
    """...after this is taken off them. With the default thresholds and no cue, a text reaches medium from a
    model probability of about 0.82 and high from about 0.95; a rules' medium (0.45) stays medium from about
    0.75 and is lowered to low below it."""

    def model_score(self, probability: float) -> float:
        """The model's probability on the rules' scale."""
        p = min(max(probability, 1e-6), 1 - 1e-6)
        return _sigmoid(self.sharpness * (math.log(p / (1 - p)) - self.shift))


BLEND = Blend()


def blend(rules: Assessment, opinion: ModelOpinion, thresholds: Thresholds = Thresholds(),
          how: Blend = BLEND) -> Assessment:
    """The final assessment: the rules' score mixed with the model's, except that the rules' high stays high.

    The model's view is one more cue (id ``learned_model``, weight 0, family ``model``) naming its probability,
    the phrases that weighed most and, when the level differs from the rules' own, that the model moved it; it is
    left out when both say none.
    """
    mixed = how.rules_weight * rules.score + (1 - how.rules_weight) * how.model_score(opinion.probability)
    score = max(mixed, rules.score) if rules.level == "high" else mixed
    score = round(score, 4)
    level = thresholds.level(score)
    if level == rules.level == "none":
        return dataclasses.replace(rules, score=score)
    phrases = ", ".join(f'"{p.text}"' for p in opinion.phrases)
    phrases_zh = "、".join(f"“{p.text}”" for p in opinion.phrases)
    en = f"the learned model rates it {opinion.probability:.0%} likely a scam"
    zh = f"学习模型判断为诈骗的可能性为{opinion.probability:.0%}"
    if phrases:
        en += f"; phrases that weighed most: {phrases}"
        zh += f"，影响最大的词语：{phrases_zh}"
    if level != rules.level:
        moved = "raised" if level_rank(level) > level_rank(rules.level) else "lowered"
        en += f"; it {moved} the level from {rules.level} (rules alone) to {level}"
        zh += (f"；它把风险从{_LEVEL_ZH[rules.level]}（仅规则）{'提高' if moved == 'raised' else '降低'}到"
               f"{_LEVEL_ZH[level]}")
    cue = CueMatch("learned_model", "model", en, zh, "; ".join(p.text for p in opinion.phrases), 0.0)
    return dataclasses.replace(rules, score=score, level=level, cues=(*rules.cues, cue))


_LEVEL_ZH = dict(zip(LEVELS, ("无", "低", "中", "高"), strict=True))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


__all__ = ["BLEND", "CHAR_NGRAMS", "HASH_BITS", "MODEL_PATH", "WORD_NGRAMS", "Blend", "Feature", "ModelOpinion",
           "Phrase", "ScamModel", "blend", "features", "prepare", "vector"]
