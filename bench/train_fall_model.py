"""Train carehub's fall model on real recordings and write skills/falls/fall_model.json.

    python bench/train_fall_model.py             # train on ../shared/datasets/falls-real, write the model
    python bench/train_fall_model.py --check     # train, and only say whether the packaged file matches

Data: SisFall (waist, 50 Hz) and UMAFall (wrist and waist, ~20 Hz), converted to one JSON-lines format
(see that folder's README.md). The recordings are read where they are, never copied into the repository.
Without them this script says so and exits 0.

For each placement (wrist: UMAFall wrist; waist: SisFall and UMAFall waist; a pendant uses the waist's),
every impact candidate of every recording (``skills.falls.features.candidates``, gated like the detector
gates them) is described by the detector's own features. A fall recording's candidate within 0.5 s of its
impact (the largest |a|, as the data marks it) is a fall; every candidate of an ADL recording is not; a fall
recording's other candidates (strides before it, moving about after) are left out of training. The model is
gradient boosting of two-level regression trees on the logistic loss (Friedman 2001), written here in numpy
so training needs nothing beyond the hub's own dependencies and is reproducible bit for bit from a seed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skills.falls.detector import worth_judging  # noqa: E402
from skills.falls.features import (  # noqa: E402
    ANALYSIS_RATE_HZ, FEATURES, MIN_AFTER_S, candidates, features, magnitude, to_grid,
)
from skills.falls.model import MODEL_FILE, PlacementModel, Tree  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "falls-real"
FILES = ("sisfall-dev.jsonl.gz", "umafall-dev.jsonl.gz")
OUTPUT = ROOT / "skills" / "falls" / MODEL_FILE

# Which candidates are judged (carehub choices, explained in docs/care/README.md). At the waist 1.6 g
# catches all falls here but one, while walking stays under it; at the wrist arm movements pass 1.6 g all
# the time and no fall here peaks under 2.8 g on the 20 Hz grid, so 2.0 g. Every candidate needs a posture
# change of 30° (Kangas et al. 2008: the posture after the impact makes it a fall; 4 of 1,221 waist and 2 of
# 96 wrist fall impacts here turn less). The low-impact path judges a smaller peak (from 1.3 g) when the
# trunk turned by 45°; at the wrist the forearm turns that much in everyday movement, so 60° from 1.5 g.
GATES = {
    "waist": {"trigger_g": 1.6, "min_change_deg": 30.0, "low_trigger_g": 1.3, "low_change_deg": 45.0},
    "wrist": {"trigger_g": 2.0, "min_change_deg": 30.0, "low_trigger_g": 1.5, "low_change_deg": 60.0},
}
# What the wrist's model may not read: UMAFall's volunteers stood still before every fall, so a model reading
# the activity before the impact learns that no fall follows walking, and would miss the commonest real one.
# SisFall's waist recordings include falls while walking and jogging, so the waist's model reads it.
IGNORED = {"waist": (), "wrist": ("before_sd_g", "before_busy_s")}
THRESHOLD = 0.5
BOOSTING = {"trees": 150, "depth": 2, "learning_rate": 0.1, "subsample": 0.8, "min_leaf": 20, "bins": 32,
            "seed": 2017}
NEAR_IMPACT_S = 0.5
PRE_IMPACT_NEGATIVES = {"waist": True, "wrist": False}


@dataclass
class Trace:
    """One recording, as the data set gives it (samples as an n x 3 array in g)."""

    id: str
    """Unique id (source, activity, subject, trial)."""
    source: str
    """``sisfall`` or ``umafall``."""
    label: str
    """``fall`` or ``adl``."""
    type: str
    """The activity code or name (D01, F05, Aplausing...)."""
    placement: str
    """``waist`` or ``wrist``."""
    rate_hz: float
    """Samples per second."""
    subject: str
    """Who; folds never split a subject."""
    samples: np.ndarray
    """n x 3, in g."""
    event_index: int | None
    """Falls: index of the largest |a|, taken as the impact."""

    @property
    def person(self) -> str:
        return f"{self.source}:{self.subject}"


def data_present(folder: Path = DATA) -> bool:
    return all((folder / name).is_file() for name in FILES)


def load_traces(folder: Path = DATA) -> list[Trace]:
    """Every recording of both files."""
    traces = []
    for name in FILES:
        with gzip.open(folder / name, "rt", encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                traces.append(Trace(row["id"], row["source"], row["label"], row["type"], row["placement"],
                                    float(row["rate_hz"]), row["subject"], np.asarray(row["samples"], dtype=float),
                                    row.get("event_index")))
    return traces


def gate_model(placement: str) -> PlacementModel:
    """A model without trees: the placement's gates only, to pick candidates as the detector does."""
    return PlacementModel(placement=placement, threshold=THRESHOLD, base=0.0, learning_rate=0.0, trees=(),
                          **GATES[placement])


@dataclass
class Candidates:
    """The candidates of many recordings: features, labels and where each came from."""

    x: np.ndarray
    """Features, one row per candidate."""
    label: np.ndarray
    """1 a fall's impact, 0 an ADL's candidate, -1 another candidate of a fall recording."""
    trace: np.ndarray
    """Index of the recording in the list given."""


def candidate_table(traces: Sequence[Trace], placement: str) -> Candidates:
    """Features and labels of every judged candidate of the recordings at ``placement``."""
    gate = gate_model(placement)
    rows, labels, owners = [], [], []
    for index, trace in enumerate(traces):
        if trace.placement != placement:
            continue
        grid = to_grid(trace.samples, trace.rate_hz)
        mag = magnitude(grid)
        impact_s = None if trace.event_index is None else trace.event_index / trace.rate_hz
        # As the stream does at the end of a recording: no verdict without MIN_AFTER_S of aftermath.
        last = len(mag) - int(round(MIN_AFTER_S * ANALYSIS_RATE_HZ))
        for at in candidates(mag, 0, len(mag), gate.low_trigger_g):
            if at > last or not worth_judging(grid, mag, at, gate):
                continue
            rows.append(features(grid, mag, at))
            owners.append(index)
            labels.append(_label(trace, at / ANALYSIS_RATE_HZ, impact_s))
    return Candidates(np.array(rows).reshape(-1, len(FEATURES)), np.array(labels, dtype=int),
                      np.array(owners, dtype=int))


def _label(trace: Trace, at_s: float, impact_s: float | None) -> int:
    """1 the fall's impact, 0 not a fall, -1 left out: a fall recording's candidates after its impact (moving
    about on the floor), and at the wrist also those before it, where the largest |a| is often an arm's swing
    rather than the landing. At the waist, a candidate seconds before the impact (a stride, the trip) is
    not the fall: an alarm there comes early, and the landing is what the model must pick."""
    if trace.label == "adl":
        return 0
    if impact_s is None or at_s > impact_s + NEAR_IMPACT_S:
        return -1
    if at_s >= impact_s - NEAR_IMPACT_S:
        return 1
    return 0 if PRE_IMPACT_NEGATIVES[trace.placement] else -1


# --- gradient boosting ------------------------------------------------------------------------------------


def _best_split(codes: np.ndarray, residual: np.ndarray, bins: int, min_leaf: int,
                allowed: Sequence[int]) -> tuple[float, int, int]:
    """(gain, feature, bin) of the least-squares split of ``residual`` over the ``allowed`` binned features;
    gain 0 if none."""
    best = (0.0, -1, -1)
    total, count = residual.sum(), len(residual)
    for feature in allowed:
        sums = np.cumsum(np.bincount(codes[:, feature], weights=residual, minlength=bins))[:-1]
        counts = np.cumsum(np.bincount(codes[:, feature], minlength=bins))[:-1]
        ok = (counts >= min_leaf) & (count - counts >= min_leaf)
        if not ok.any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            gain = sums**2 / counts + (total - sums) ** 2 / (count - counts) - total**2 / count
        gain = np.where(ok, gain, -np.inf)
        at = int(np.argmax(gain))
        if gain[at] > best[0]:
            best = (float(gain[at]), feature, at)
    return best


def _grow(codes: np.ndarray, edges: list[np.ndarray], residual: np.ndarray, hessian: np.ndarray, depth: int,
          settings: dict[str, float], allowed: Sequence[int]) -> dict[str, list[float]]:
    """One regression tree fitted to ``residual`` by least squares, leaves set by a Newton step."""
    tree: dict[str, list[float]] = {"feature": [], "threshold": [], "left": [], "right": [], "value": []}

    def node(rows: np.ndarray, level: int) -> int:
        me = len(tree["feature"])
        for key in tree:
            tree[key].append(-1 if key in ("feature", "left", "right") else 0.0)
        gain, feature, cut = (0.0, -1, -1)
        if level < depth:
            gain, feature, cut = _best_split(codes[rows], residual[rows], int(settings["bins"]),
                                             int(settings["min_leaf"]), allowed)
        if feature < 0:
            value = residual[rows].sum() / max(hessian[rows].sum(), 1e-12)
            tree["value"][me] = float(np.clip(value, -10.0, 10.0))
            return me
        goes_left = codes[rows, feature] <= cut
        tree["feature"][me] = feature
        tree["threshold"][me] = float(edges[feature][cut])
        tree["left"][me] = node(rows[goes_left], level + 1)
        tree["right"][me] = node(rows[~goes_left], level + 1)
        return me

    node(np.arange(len(residual)), 0)
    return tree


def fit_boosted_trees(x: np.ndarray, y: np.ndarray, ignored: Sequence[str] = (), **overrides: float
                      ) -> dict[str, object]:
    """Gradient-boosted trees for P(fall | features) as the JSON-ready dict ``PlacementModel`` reads; the
    ``ignored`` features are never split on."""
    settings = {**BOOSTING, **overrides}
    allowed = [i for i, name in enumerate(FEATURES) if name not in ignored]
    rng = np.random.default_rng(int(settings["seed"]))
    bins = int(settings["bins"])
    edges = []
    for feature in range(x.shape[1]):
        cuts = np.unique(np.quantile(x[:, feature], np.arange(1, bins) / bins))
        edges.append(np.concatenate((cuts, np.full(bins - 1 - len(cuts), np.inf))))
    # A row's bin: how many cut points lie below it, so "bin <= k" is "value <= edges[k]".
    codes = np.column_stack([np.searchsorted(edges[f], x[:, f], side="left") for f in range(x.shape[1])])
    prior = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
    base = float(np.log(prior / (1 - prior)))
    logit = np.full(len(y), base)
    trees = []
    for _ in range(int(settings["trees"])):
        p = 1.0 / (1.0 + np.exp(-logit))
        rows = np.flatnonzero(rng.random(len(y)) < settings["subsample"])
        tree = _grow(codes[rows], edges, (y - p)[rows], (p * (1 - p))[rows], int(settings["depth"]), settings,
                     allowed)
        trees.append(tree)
        logit += settings["learning_rate"] * _predict(tree, x)
    return {"base": base, "learning_rate": float(settings["learning_rate"]), "trees": trees}


def _predict(tree: dict[str, list[float]], x: np.ndarray) -> np.ndarray:
    node = np.zeros(len(x), dtype=int)
    feature = np.asarray(tree["feature"], dtype=int)
    for _ in range(len(feature)):
        inner = feature[node] >= 0
        if not inner.any():
            break
        rows = np.flatnonzero(inner)
        left = x[rows, feature[node[rows]]] <= np.asarray(tree["threshold"])[node[rows]]
        node[rows] = np.where(left, np.asarray(tree["left"], dtype=int)[node[rows]],
                              np.asarray(tree["right"], dtype=int)[node[rows]])
    return np.asarray(tree["value"])[node]


def placement_model(placement: str, fitted: dict[str, object]) -> PlacementModel:
    """The fitted trees as the detector's ``PlacementModel``."""
    trees = tuple(Tree(tuple(int(v) for v in t["feature"]), tuple(float(v) for v in t["threshold"]),
                       tuple(int(v) for v in t["left"]), tuple(int(v) for v in t["right"]),
                       tuple(float(v) for v in t["value"]))
                  for t in fitted["trees"])  # type: ignore[attr-defined]
    return PlacementModel(placement=placement, threshold=THRESHOLD, base=float(fitted["base"]),  # type: ignore[arg-type]
                          learning_rate=float(fitted["learning_rate"]), trees=trees,  # type: ignore[arg-type]
                          **GATES[placement])


def train(table: Candidates, placement: str, rows: np.ndarray | None = None) -> dict[str, object]:
    """Fit ``placement``'s model on the labelled candidates (of ``rows`` of the table when given)."""
    use = table.label >= 0
    if rows is not None:
        use &= rows
    return fit_boosted_trees(table.x[use], table.label[use].astype(float), IGNORED[placement])


def subject_folds(people: Iterable[str], k: int = 5, seed: int = 0) -> list[list[str]]:
    """``k`` groups of people (shuffled with ``seed``): no one is ever in two."""
    ordered = sorted(set(people))
    np.random.default_rng(seed).shuffle(ordered)
    return [ordered[i::k] for i in range(k)]


def model_file(models: dict[str, dict[str, object]], counts: dict[str, dict[str, int]]) -> dict[str, object]:
    """The JSON document ``skills.falls.model.parse_models`` reads."""
    return {
        "version": 1,
        "analysis_rate_hz": ANALYSIS_RATE_HZ,
        "features": list(FEATURES),
        "trained_on": {
            "data": "SisFall (Sucerquia et al. 2017) and UMAFall (Casilari et al. 2017), development subjects",
            "script": "bench/train_fall_model.py",
            "boosting": BOOSTING,
            "candidates": counts,
        },
        "aliases": {"pendant": "waist"},
        "placements": {placement: {**GATES[placement], "threshold": THRESHOLD,
                                   "ignored_features": list(IGNORED[placement]), **models[placement]}
                       for placement in GATES},
    }


def first_difference(a: object, b: object, where: str = "") -> str | None:
    """Where two model documents differ (numbers compared within 1e-9), or None."""
    if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        if isinstance(a, dict) and isinstance(b, dict):
            if a.keys() != b.keys():
                return f"{where or '/'}: keys {sorted(a)} against {sorted(b)}"
            return next((d for k in a if (d := first_difference(a[k], b[k], f"{where}/{k}"))), None)
        if isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                return f"{where}: {len(a)} items against {len(b)}"
            return next((d for i, (x, y) in enumerate(zip(a, b)) if (d := first_difference(x, y, f"{where}[{i}]"))),
                        None)
        return None if a == b else f"{where}: {a!r} against {b!r}"
    return None if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) else f"{where}: {a!r} against {b!r}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with the two .jsonl.gz files")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="only compare with the packaged model")
    args = parser.parse_args(argv)
    if not data_present(args.data):
        print(f"no real recordings at {args.data}: nothing to train on (see bench/fall_detection.py)")
        return 0
    traces = load_traces(args.data)
    models, counts = {}, {}
    for placement in GATES:
        table = candidate_table(traces, placement)
        models[placement] = train(table, placement)
        counts[placement] = {"falls": int((table.label == 1).sum()), "adl": int((table.label == 0).sum())}
        print(f"{placement}: {counts[placement]['falls']} fall impacts, {counts[placement]['adl']} ADL candidates")
    text = json.dumps(model_file(models, counts), separators=(",", ":")) + "\n"
    if args.check:
        packaged = json.loads(args.output.read_text(encoding="utf-8")) if args.output.is_file() else None
        differs = first_difference(packaged, json.loads(text))
        # Floating-point sums differ in their last bits between numpy builds and CPUs: numbers within 1e-9 agree.
        print(f"the packaged model differs: {differs}" if differs else
              "the packaged model is reproduced (every number within 1e-9)")
        return 1 if differs else 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text) // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
