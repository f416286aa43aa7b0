"""skills/falls/model.py and features.py: the packaged model, orientation-free features, and the training script
and bench with and without the real recordings (../shared/datasets/falls-real, never in the repository)."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from skills.falls.features import FEATURES, candidates, features, magnitude, to_grid
from skills.falls.model import FallModelError, load_models, parse_models, read_models_text

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "datasets" / "falls-real"
RATE = 50.0


def a_fall() -> np.ndarray:
    rng = random.Random(3)
    upright = [(0.0, 0.0, 1.0)] * 150
    drop = [(0.0, 0.0, 1 - 0.7 * math.sin(math.pi * i / 25)) for i in range(25)]
    hit = [(4.0 * math.sin(math.pi * (i + 1) / 6), 0.0, 0.0) for i in range(5)]
    lying = [(1.0, 0.0, 0.0)] * 400
    return np.array([[v + rng.gauss(0, 0.01) for v in s] for s in upright + drop + hit + lying])


def random_rotation(seed: int) -> np.ndarray:
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))
    return q * np.sign(np.diag(r))


def test_the_packaged_model_covers_every_placement():
    models = load_models()
    assert set(models) >= {"wrist", "waist", "pendant"}
    assert models["pendant"] is models["waist"]
    assert all(len(m.trees) > 0 and 0 < m.threshold < 1 for m in models.values())
    assert models["waist"].trigger_g < models["wrist"].trigger_g


def test_a_model_for_other_features_is_refused():
    data = json.loads(read_models_text())
    data["features"] = data["features"][:-1]
    with pytest.raises(FallModelError, match="other features"):
        parse_models(data)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_features_do_not_depend_on_how_the_sensor_is_turned(seed):
    # A watch on either wrist, a clip upside down: the same fall must read the same.
    trace = a_fall()
    turned = trace @ random_rotation(seed).T
    grids = [to_grid(t, RATE) for t in (trace, turned)]
    mags = [magnitude(g) for g in grids]
    (at,) = candidates(mags[0], 0, len(mags[0]), 2.0)
    assert candidates(mags[1], 0, len(mags[1]), 2.0) == [at]
    assert features(grids[1], mags[1], at) == pytest.approx(features(grids[0], mags[0], at), abs=1e-6)
    assert len(FEATURES) == len(features(grids[0], mags[0], at))


def test_the_bench_says_so_and_runs_without_the_recordings(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "fall_detection.py"), "--quick", "--per-class", "5",
                           "--data", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "real recordings: not found" in done.stdout and "sensitivity:" in done.stdout


def test_training_without_the_recordings_says_so(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "train_fall_model.py"), "--data", str(tmp_path),
                           "--output", str(tmp_path / "model.json")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "no real recordings" in done.stdout
    assert not (tmp_path / "model.json").exists()


@pytest.mark.skipif(not (DATA / "sisfall-dev.jsonl.gz").is_file(), reason=f"real recordings not at {DATA}")
def test_the_packaged_model_is_what_the_training_script_makes():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "train_fall_model.py"), "--check"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the packaged model is reproduced" in done.stdout
