"""The fall model: per placement, a small boosted ensemble of two-level decision trees over the physical
features of ``skills.falls.features``, read from ``fall_model.json`` (made by ``bench/train_fall_model.py``).

Plain data and pure functions: ``parse_models`` turns the JSON into ``PlacementModel`` values, ``score``
adds up the trees. Reading the file is the caller's business (the skill does it once, off the event loop).
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from skills.falls.features import ANALYSIS_RATE_HZ, FEATURES

MODEL_FILE = "fall_model.json"
PLACEMENTS = ("wrist", "waist", "pendant")


class FallModelError(ValueError):
    """``fall_model.json`` does not fit this version of the detector."""


@dataclass(frozen=True)
class Tree:
    """One regression tree, as parallel node lists; a leaf has ``feature`` -1."""

    feature: tuple[int, ...]
    """Index into ``FEATURES`` each node splits on."""
    threshold: tuple[float, ...]
    """A sample goes left when its feature is <= this."""
    left: tuple[int, ...]
    """Node index of the left child."""
    right: tuple[int, ...]
    """Node index of the right child."""
    value: tuple[float, ...]
    """A leaf's contribution to the log-odds."""

    def predict(self, x: Sequence[float]) -> float:
        node = 0
        while self.feature[node] >= 0:
            node = self.left[node] if x[self.feature[node]] <= self.threshold[node] else self.right[node]
        return self.value[node]


@dataclass(frozen=True)
class PlacementModel:
    """Everything the detector needs for one place on the body."""

    placement: str
    """``wrist`` or ``waist`` (a pendant uses the waist's; see ``for_placement``)."""
    trigger_g: float
    """An |a| peak at least this big is an impact worth judging."""
    min_change_deg: float
    """Posture change (before the fall against 1-3 s after) any candidate needs: no turn, no fall."""
    low_trigger_g: float
    """The low-impact path: a smaller peak is judged too when the posture turned by ``low_change_deg``."""
    low_change_deg: float
    """Posture change a peak between ``low_trigger_g`` and ``trigger_g`` needs to be judged at all."""
    threshold: float
    """Score (0..1) from which a candidate is a fall."""
    base: float
    """Log-odds before any tree."""
    learning_rate: float
    """Weight of each tree's value."""
    trees: tuple[Tree, ...]
    """The ensemble."""

    def score(self, x: Sequence[float]) -> float:
        """The model's probability-like score (0..1) that the features ``x`` are a fall's."""
        logit = self.base + self.learning_rate * sum(tree.predict(x) for tree in self.trees)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit))))


def _tree(raw: dict[str, list[Any]]) -> Tree:
    fields = ("feature", "threshold", "left", "right", "value")
    lists = [raw[name] for name in fields]
    if len({len(values) for values in lists}) != 1:
        raise FallModelError("a tree's node lists differ in length")
    return Tree(tuple(int(v) for v in raw["feature"]), tuple(float(v) for v in raw["threshold"]),
                tuple(int(v) for v in raw["left"]), tuple(int(v) for v in raw["right"]),
                tuple(float(v) for v in raw["value"]))


def parse_models(data: dict[str, Any]) -> dict[str, PlacementModel]:
    """The models in ``data`` (the parsed JSON), by placement; pendant falls back to the waist's."""
    if tuple(data.get("features", ())) != FEATURES:
        raise FallModelError("the model was trained on other features than skills.falls.features.FEATURES")
    if float(data.get("analysis_rate_hz", 0)) != ANALYSIS_RATE_HZ:
        raise FallModelError(f"the model was trained at {data.get('analysis_rate_hz')} Hz, not {ANALYSIS_RATE_HZ}")
    models = {}
    for placement, raw in data["placements"].items():
        models[placement] = PlacementModel(
            placement=placement, trigger_g=float(raw["trigger_g"]), min_change_deg=float(raw["min_change_deg"]),
            low_trigger_g=float(raw["low_trigger_g"]),
            low_change_deg=float(raw["low_change_deg"]), threshold=float(raw["threshold"]),
            base=float(raw["base"]), learning_rate=float(raw["learning_rate"]),
            trees=tuple(_tree(tree) for tree in raw["trees"]))
    for alias, target in data.get("aliases", {}).items():
        models.setdefault(alias, models[target])
    missing = [p for p in PLACEMENTS if p not in models]
    if missing:
        raise FallModelError("no model for " + ", ".join(missing))
    return models


def read_models_text() -> str:
    """The packaged ``fall_model.json`` (blocking file I/O: call it off the event loop)."""
    return (files("skills.falls") / MODEL_FILE).read_text(encoding="utf-8")


_parsed: dict[str, PlacementModel] = {}
_parsed_lock = threading.Lock()


def load_models() -> dict[str, PlacementModel]:
    """The packaged models, parsed once per process (blocking the first time: call it off the event loop).

    The models are immutable, so every home a worker carries shares one copy; each caller gets its own dict.
    """
    with _parsed_lock:
        if not _parsed:
            _parsed.update(parse_models(json.loads(read_models_text())))
        return dict(_parsed)
