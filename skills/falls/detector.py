"""Fall detection over accelerometer samples (in g): the verdict on one impact candidate, the verdict on a
window, and whether someone is up again. Pure functions over plain data and a ``PlacementModel``; no I/O.

The scheme is the impact-plus-posture one of the threshold literature, with the evidence weighed by a model
trained on real recordings instead of fixed thresholds:

* Bourke, O'Brien & Lyons 2007 (Gait & Posture 26:194-199): an impact above an upper fall threshold on
  ``|a|``, often after a free-fall dip below ~0.6 g;
* Kangas et al. 2008 (Gait & Posture 28:285-291): the posture after the impact (lying, ~2 s later) is what
  makes an impact a fall; the wrist does markedly worse than the waist;
* the aftermath: lying still, and not walking or jogging on, weighs against an impact that was a stride, a
  clap or a stumble (``skills.falls.features`` lists every feature and why).

An impact is a peak of ``|a|`` at or above the placement's ``trigger_g`` (the largest within 0.5 s); a lower
peak (``low_trigger_g`` up) is judged too when the posture turned by ``low_change_deg``: the low-impact path
for a faint, a slide down a wall or a slip out of bed. Each is judged once its ``POST_S`` seconds of aftermath
are there (``WearableStream``) or when the caller says there is no more (``final``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from skills.falls.features import (
    ANALYSIS_RATE_HZ, FEATURES, angle_deg, candidates, features, magnitude, posture_after, posture_before,
    to_grid,
)
from skills.falls.model import PlacementModel, load_models

Sample = tuple[float, float, float]

FREE_FALL_G = 0.6
"""Bourke et al. 2007's lower fall threshold (0.41-0.60 g quoted): only reported, the model weighs the dip."""
STILL_SD_G = 0.10
"""The aftermath is "lying still" when |a| spreads less than this ..."""
STILL_OFFSET_G = 0.15
"""... and its mean is within this of 1 g (reported with the verdict; the model weighs the raw figures)."""

_F = {name: i for i, name in enumerate(FEATURES)}


@dataclass(frozen=True)
class FallVerdict:
    """A fall found in accelerometer samples."""

    impact_g: float
    """Largest |a| of the impact, in g, on the 20 Hz analysis grid (a faster sensor's own peak can be higher)."""
    impact_time_s: float
    """When, in seconds from the first sample judged (of the window, or of the stream's unbroken segment)."""
    confidence: float
    """The model's score, 0..1; a fall from the placement's ``threshold`` up (not a calibrated probability)."""
    low_impact: bool
    """Found by the low-impact path (peak under the placement's ``trigger_g``, posture turned)."""
    free_fall: bool
    """Whether |a| dipped under ``FREE_FALL_G`` in the second before the impact."""
    orientation_change_deg: float
    """Angle between the mean acceleration vector before the fall and the one 1-3 s after the impact."""
    lying_still: bool
    """Whether the 1-3.5 s after the impact were quiet (|a| spread and offset from 1 g both small)."""
    post_impact_sd_g: float
    """Standard deviation of |a| 1-3.5 s after the impact, in g."""
    posture_after: Sample
    """Mean acceleration vector 1-3 s after the impact: how the sensor lies (for "up again" later)."""
    placement: str
    """Which placement's model judged it."""
    impact_index: int = -1
    """``detect_fall``: index into the samples given of the impact's largest |a|; -1 from a stream."""


def worth_judging(grid: np.ndarray, mag: np.ndarray, at: int, model: PlacementModel) -> bool:
    """Whether the candidate ``at`` goes to the model: an impact, or a lower peak (from ``low_trigger_g``)
    with a posture change of ``low_change_deg``; either way the posture must have turned by ``min_change_deg``
    (a blow that leaves the sensor as it was is a jump, a clap or a stumble, whatever the aftermath)."""
    peak = float(mag[at])
    if peak < model.low_trigger_g or at + 1 >= len(grid):
        return False
    change = angle_deg(posture_before(grid, at), posture_after(grid, at))
    if peak < model.trigger_g:
        return change >= max(model.low_change_deg, model.min_change_deg)
    return change >= model.min_change_deg


def judge(grid: np.ndarray, mag: np.ndarray, at: int, model: PlacementModel) -> FallVerdict | None:
    """The verdict on the candidate ``at`` of ``grid`` (n x 3 at the analysis rate, ``mag`` its |a|), or None."""
    if not worth_judging(grid, mag, at, model):
        return None
    x = features(grid, mag, at)
    score = model.score(x.tolist())
    if score < model.threshold:
        return None
    after = posture_after(grid, at)
    return FallVerdict(
        impact_g=round(float(mag[at]), 3),
        impact_time_s=round(at / ANALYSIS_RATE_HZ, 3),
        confidence=round(score, 3),
        low_impact=bool(mag[at] < model.trigger_g),
        free_fall=bool(x[_F["min_before_g"]] < FREE_FALL_G),
        orientation_change_deg=round(float(x[_F["posture_change_deg"]]), 1),
        lying_still=bool(x[_F["after_sd_g"]] < STILL_SD_G and x[_F["after_offset_g"]] < STILL_OFFSET_G),
        post_impact_sd_g=round(float(x[_F["after_sd_g"]]), 4),
        posture_after=(float(after[0]), float(after[1]), float(after[2])),
        placement=model.placement,
    )


def detect_fall(
    samples: Sequence[Sequence[float]],
    rate_hz: float,
    *,
    placement: str = "wrist",
    model: PlacementModel | None = None,
    impact_g: float | None = None,
    min_after_s: float = 3.0,
) -> FallVerdict | None:
    """The first fall in one window of ``samples`` (x, y, z in g at ``rate_hz``), or None.

    Candidates with less than ``min_after_s`` of samples after them are not judged (call again with a longer
    window, or feed a ``WearableStream``, which judges each impact once its aftermath is in). ``model``
    defaults to the packaged one for ``placement`` (read once); ``impact_g`` overrides its trigger.
    """
    validate(samples, rate_hz)
    if model is None:
        model = _packaged()[placement]
    if impact_g is not None:
        model = replace(model, trigger_g=impact_g, low_trigger_g=min(model.low_trigger_g, impact_g))
    raw = np.asarray(samples, dtype=float)
    grid = to_grid(raw, rate_hz)
    mag = magnitude(grid)
    last = len(grid) - int(round(min_after_s * ANALYSIS_RATE_HZ))
    for at in candidates(mag, 0, max(0, last), model.low_trigger_g):
        verdict = judge(grid, mag, at, model)
        if verdict is not None:
            # The impact's own sample: the largest raw |a| within one grid step of the grid's peak.
            centre = at / ANALYSIS_RATE_HZ * rate_hz
            reach = max(1, math.ceil(rate_hz / ANALYSIS_RATE_HZ))
            lo, hi = max(0, int(centre) - reach), min(len(raw), int(centre) + reach + 1)
            index = lo + int(np.argmax(magnitude(raw[lo:hi])))
            return replace(verdict, impact_index=index)
    return None


_models: dict[str, PlacementModel] = {}


def _packaged() -> dict[str, PlacementModel]:
    """The packaged models, read on first use (the skill reads them itself, off the event loop)."""
    if not _models:
        _models.update(load_models())
    return _models


def validate(samples: Sequence[Sequence[float]], rate_hz: float) -> None:
    """Raise ValueError naming what is wrong with a burst: the rate, an empty burst, a sample without 3 axes."""
    if isinstance(rate_hz, bool) or not isinstance(rate_hz, (int, float)) or not math.isfinite(rate_hz) \
            or rate_hz <= 0:
        raise ValueError(f"rate_hz must be a positive, finite number of samples per second, got {rate_hz!r}")
    if len(samples) == 0:
        raise ValueError("samples is empty: need (x, y, z) accelerometer readings in g")
    for index, sample in enumerate(samples):
        if len(sample) != 3:
            raise ValueError(f"samples[{index}] has {len(sample)} values, expected 3 (x, y, z in g)")


def sum_vector_magnitude(samples: Sequence[Sample]) -> list[float]:
    """|a| of each sample, in g (1.0 at rest, whatever the orientation)."""
    return [math.sqrt(x * x + y * y + z * z) for x, y, z in samples]


def angle_between_deg(a: Sample, b: Sample) -> float:
    """Angle between two vectors in degrees; 0.0 if either is (nearly) zero."""
    return angle_deg(np.asarray(a, dtype=float), np.asarray(b, dtype=float))


def up_and_moving(
    samples: Sequence[Sample],
    rate_hz: float,
    *,
    lying: Sample | None = None,
    window_s: float = 2.0,
    moving_sd_g: float = 0.08,
    min_change_deg: float = 45.0,
    upright_within_deg: float = 45.0,
) -> bool:
    """Whether the last ``window_s`` of samples show the wearer back up and moving after a fall.

    Up means the posture left the lying orientation (``lying``, the mean vector after the impact) by
    ``min_change_deg``, or, without it, that gravity is within ``upright_within_deg`` of the watch's
    z axis as it is when the arm hangs or swings while walking; moving means |a| spreads by
    ``moving_sd_g`` (walking at the wrist spreads ~0.2-0.4 g, lying still under 0.05 g). Both must
    hold: rolling over on the floor changes posture without walking, and a shaking hand moves
    without getting up. Carehub choices, checked against the simulator's traces.
    """
    validate(samples, rate_hz)
    tail = samples[-max(2, round(window_s * rate_hz)):]
    svm = sum_vector_magnitude(tail)
    mean_svm = sum(svm) / len(svm)
    sd = math.sqrt(sum((v - mean_svm) ** 2 for v in svm) / len(svm))
    n = len(tail)
    posture = (sum(s[0] for s in tail) / n, sum(s[1] for s in tail) / n, sum(s[2] for s in tail) / n)
    if lying is not None:
        up = angle_between_deg(posture, lying) >= min_change_deg
    else:
        up = angle_between_deg(posture, (0.0, 0.0, 1.0)) <= upright_within_deg
    return up and sd >= moving_sd_g
