"""Train the scam guard's learned model on every labelled set and write skills/scam_guard/scam_model.npz.

    python bench/train_scam_model.py            # train on all sets, write the weights
    python bench/train_scam_model.py --check    # train, and only say whether the packaged file matches

Logistic regression (scikit-learn, L2, C = ``C``; lbfgs, deterministic) over the hashed n-grams of
``skills.scam_guard.model.features``. Training needs scikit-learn; the hub reads the weights with numpy alone.
The weights are stored as float16: a few MB at most, and the scores they give move by less than 0.001.
C and the blend with the rules (``skills.scam_guard.model.BLEND``) were chosen by the mean over the
leave-one-set-out folds of ``bench/scam_guard.py --model``, never by one set.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skills.scam_guard.model import HASH_BITS, MODEL_PATH, ScamModel, features, prepare, vector  # noqa: E402
from skills.scam_guard.samples import Sample, load_dev_samples, load_samples  # noqa: E402

C = 100.0
"""Inverse L2 strength; 10 under-fits the folds (recall at the same false alarms falls), 1000 adds nothing."""


def design(samples: Sequence[Sample]):  # type: ignore[no-untyped-def]
    """The samples' feature matrix (scipy CSR) and labels (1 = scam)."""
    from scipy import sparse

    rows = [vector(features(prepare(s.text))) for s in samples]
    indptr = np.cumsum([0] + [len(slots) for slots, _ in rows])
    matrix = sparse.csr_matrix((np.concatenate([v for _, v in rows]), np.concatenate([s for s, _ in rows]), indptr),
                               shape=(len(samples), 1 << HASH_BITS))
    return matrix, np.array([s.is_scam for s in samples], dtype=int)


def train(samples: Sequence[Sample]) -> ScamModel:
    """A model fitted to ``samples`` (deterministic: the same samples give the same weights)."""
    from sklearn.linear_model import LogisticRegression

    matrix, labels = design(samples)
    fitted = LogisticRegression(C=C, max_iter=5000, tol=1e-6).fit(matrix, labels)
    return ScamModel(fitted.coef_[0].astype(np.float32), float(fitted.intercept_[0]))


def save(model: ScamModel, path: Path = MODEL_PATH) -> None:
    np.savez_compressed(path, weights=model.weights.astype(np.float16), bias=np.float64(model.bias),
                        hash_bits=np.int64(HASH_BITS))


def all_samples() -> list[Sample]:
    return load_samples() + load_dev_samples()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the packaged weights")
    args = parser.parse_args(argv)
    samples = all_samples()
    model = train(samples)
    if args.check:
        packaged = ScamModel.load()
        worst = max(abs(model.probability(s.text) - packaged.probability(s.text)) for s in samples)
        print(f"largest difference in probability over {len(samples)} samples: {worst:.4f}")
        return 0 if worst < 0.01 else 1
    save(model)
    print(f"trained on {len(samples)} samples; wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
