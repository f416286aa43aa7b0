"""Threshold fall detection over one window of tri-axial accelerometer samples (in g), as a pure function.

The method is the impact-plus-posture scheme of the threshold literature:

* Bourke, O'Brien & Lyons 2007, "Evaluation of a threshold-based tri-axial accelerometer fall detection
  algorithm", Gait & Posture 26(2):194-199, doi:10.1016/j.gaitpost.2006.09.012: an upper fall threshold
  (UFT) on the sum-vector magnitude ``SVM = sqrt(x² + y² + z²)`` separated 480 falls and ADL at the trunk;
  a lower fall threshold (LFT) catches the free-fall dip before the impact. As commonly quoted from that
  paper: UFT 3.52 g at the trunk and 2.74 g at the thigh; LFT 0.41-0.60 g.
* Kangas et al. 2008, "Comparison of low-complexity fall detection algorithms for body attached
  accelerometers", Gait & Posture 28(2):285-291, doi:10.1016/j.gaitpost.2008.01.003: adding the posture
  after the impact (lying, judged ~2 s after it) to the impact threshold gave 97-98 % sensitivity and
  100 % specificity at the waist and head; the wrist did markedly worse, because a wrist's acceleration is
  dominated by arm movement.

``detect_fall`` looks for an impact (SVM above ``impact_g``, optionally preceded within ``free_fall_window_s``
by a dip below ``free_fall_g``), then compares the mean acceleration vector (the gravity direction) before
the fall with the one in a window after the impact: a change above ``min_orientation_change_deg`` means
the wearer is no longer in the posture they fell from. It returns a ``FallVerdict`` for such an event, and
says whether the wearer was also lying still (low SVM spread around 1 g), which is what makes it urgent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Sample = tuple[float, float, float]


@dataclass(frozen=True)
class FallVerdict:
    """A fall found in a window of accelerometer samples."""

    impact_g: float
    """Peak sum-vector magnitude of the impact, in g."""
    impact_index: int
    """Index into the samples of that peak."""
    impact_time_s: float
    """Same moment in seconds from the first sample."""
    free_fall: bool
    """Whether the SVM dipped below the free-fall threshold shortly before the impact."""
    orientation_change_deg: float
    """Angle between the mean acceleration vector before the fall and the one after the impact."""
    lying_still: bool
    """Whether the post-impact window was quiet (SVM spread and offset from 1 g both small)."""
    post_impact_sd_g: float
    """Standard deviation of the SVM over the post-impact window, in g."""
    confidence: float
    """0..1 heuristic (not a calibrated probability): higher with stillness, free fall and a bigger impact."""


def sum_vector_magnitude(samples: Sequence[Sample]) -> list[float]:
    """SVM of each sample, in g (1.0 at rest, whatever the orientation)."""
    return [math.sqrt(x * x + y * y + z * z) for x, y, z in samples]


def angle_between_deg(a: Sample, b: Sample) -> float:
    """Angle between two vectors in degrees; 0.0 if either is (nearly) zero."""
    norm = math.sqrt(sum(v * v for v in a)) * math.sqrt(sum(v * v for v in b))
    if norm < 1e-9:
        return 0.0
    cosine = sum(p * q for p, q in zip(a, b)) / norm
    return math.degrees(math.acos(max(-1.0, min(1.0, cosine))))


def _mean_vector(samples: Sequence[Sample]) -> Sample:
    n = len(samples)
    return (sum(s[0] for s in samples) / n, sum(s[1] for s in samples) / n, sum(s[2] for s in samples) / n)


def _validate(samples: Sequence[Sample], rate_hz: float, windows: dict[str, float]) -> None:
    if isinstance(rate_hz, bool) or not isinstance(rate_hz, (int, float)) or not math.isfinite(rate_hz) \
            or rate_hz <= 0:
        raise ValueError(f"rate_hz must be a positive, finite number of samples per second, got {rate_hz!r}")
    if len(samples) == 0:
        raise ValueError("samples is empty: need (x, y, z) accelerometer readings in g")
    for index, sample in enumerate(samples):
        if len(sample) != 3:
            raise ValueError(f"samples[{index}] has {len(sample)} values, expected 3 (x, y, z in g)")
    bad = [f"{name}={value!r}" for name, value in windows.items() if not (math.isfinite(value) and value >= 0)]
    if bad:
        raise ValueError("windows and thresholds must be finite and >= 0: " + ", ".join(bad))
    if windows["post_impact_end_s"] <= windows["post_impact_start_s"]:
        raise ValueError("post_impact_end_s must be greater than post_impact_start_s")


def detect_fall(
    samples: Sequence[Sample],
    rate_hz: float,
    *,
    impact_g: float = 2.0,
    free_fall_g: float = 0.6,
    free_fall_window_s: float = 1.0,
    require_free_fall: bool = False,
    pre_fall_start_s: float = 3.0,
    pre_fall_end_s: float = 1.0,
    post_impact_start_s: float = 1.0,
    post_impact_end_s: float = 3.0,
    min_orientation_change_deg: float = 60.0,
    still_sd_g: float = 0.10,
    still_mean_tolerance_g: float = 0.15,
) -> FallVerdict | None:
    """The first fall in ``samples`` (x, y, z in g at ``rate_hz``), or None.

    A fall is an impact followed by a change of posture; the verdict also says whether the wearer then
    lay still. Impacts without ``post_impact_end_s`` of samples after them are not judged (call again
    with a longer window).

    Defaults, and where they come from:

    * ``impact_g=2.0``: Bourke et al. 2007 put the UFT at 3.52 g at the trunk and 2.74 g at the thigh.
      A wrist sees larger spikes than the trunk when the hand or forearm hits the floor, but a watch is
      also shaken by everyday arm movement, and a slow fall of a frail person, or a fall from the bed's
      edge, lands softly. So carehub does not raise the threshold for a watch: it lowers it to 2.0 g to
      keep soft falls, and leaves specificity to the posture test, which Kangas et al. 2008 found
      necessary at the wrist. On ``bench/fall_detection.py`` (synthetic) 2.0 g finds 88 % of falls from
      the bed's edge against 71 % at 2.5 g and 52 % at 3.0 g; its cost is the odd hard flop onto a bed
      (an impact, then lying still) counted as a fall.
    * ``free_fall_g=0.6``, ``free_fall_window_s=1.0``: Bourke et al. 2007's LFT (0.41-0.60 g quoted); the
      dip precedes the impact by well under a second in falls from standing. Off by default
      (``require_free_fall=False``) because a fall onto an arm, or out of bed, may not show it; it only
      raises the confidence.
    * ``pre_fall_start_s=3.0`` .. ``pre_fall_end_s=1.0`` before the impact: the posture the wearer fell
      from, ending before a ~0.5-1 s descent (carehub choice).
    * ``post_impact_start_s=1.0`` .. ``post_impact_end_s=3.0`` after the impact: Kangas et al. 2008 judged
      posture about 2 s after the impact; the window starts at 1 s so rebound and settling are excluded.
    * ``min_orientation_change_deg=60``: "no longer upright". Kangas et al. 2008 used a lying posture
      after the impact; Bourke & Lyons 2008 (Med Eng Phys 30:84-90) used a trunk-angle change of
      0.59 rad (34°) with a gyroscope. 60° is stricter, to ignore leaning back after sitting down hard
      and the tilt a wrist adds (carehub choice, checked on the bench).
    * ``still_sd_g=0.10``, ``still_mean_tolerance_g=0.15``: quiet means the SVM's standard deviation is
      under 0.1 g and its mean within 0.15 g of 1 g; walking at the wrist spreads ~0.2-0.4 g.
      Carehub choices, not published figures.
    """
    windows = {
        "impact_g": impact_g, "free_fall_g": free_fall_g, "free_fall_window_s": free_fall_window_s,
        "pre_fall_start_s": pre_fall_start_s, "pre_fall_end_s": pre_fall_end_s,
        "post_impact_start_s": post_impact_start_s, "post_impact_end_s": post_impact_end_s,
        "min_orientation_change_deg": min_orientation_change_deg, "still_sd_g": still_sd_g,
        "still_mean_tolerance_g": still_mean_tolerance_g,
    }
    _validate(samples, rate_hz, windows)
    svm = sum_vector_magnitude(samples)
    n = len(svm)
    post_first = round(post_impact_start_s * rate_hz)
    post_last = max(post_first + 1, round(post_impact_end_s * rate_hz))
    peak_halfwidth = max(1, round(0.5 * rate_hz))
    min_pre_samples = max(1, round(0.25 * rate_hz))

    index = 0
    while index < n:
        if svm[index] < impact_g:
            index += 1
            continue
        # The peak of this burst: the largest SVM within half a second after the first crossing.
        burst = range(index, min(n, index + peak_halfwidth))
        peak = max(burst, key=svm.__getitem__)
        index = burst.stop
        if peak + post_last > n:
            break
        pre_start = max(0, peak - round(pre_fall_start_s * rate_hz))
        pre_end = max(0, peak - round(pre_fall_end_s * rate_hz))
        if pre_end - pre_start < min_pre_samples:
            continue
        before = _mean_vector(samples[pre_start:pre_end])
        after_samples = samples[peak + post_first:peak + post_last]
        after = _mean_vector(after_samples)
        orientation_change = angle_between_deg(before, after)
        if orientation_change < min_orientation_change_deg:
            continue
        dip_start = max(0, peak - round(free_fall_window_s * rate_hz))
        free_fall = dip_start < peak and min(svm[dip_start:peak]) < free_fall_g
        if require_free_fall and not free_fall:
            continue
        post_svm = svm[peak + post_first:peak + post_last]
        post_mean = sum(post_svm) / len(post_svm)
        post_sd = math.sqrt(sum((v - post_mean) ** 2 for v in post_svm) / len(post_svm))
        lying_still = post_sd < still_sd_g and abs(post_mean - 1.0) < still_mean_tolerance_g
        confidence = 0.4 + 0.3 * lying_still + 0.15 * free_fall + 0.15 * min(1.0, svm[peak] / (2 * impact_g))
        return FallVerdict(
            impact_g=round(svm[peak], 3),
            impact_index=peak,
            impact_time_s=round(peak / rate_hz, 3),
            free_fall=free_fall,
            orientation_change_deg=round(orientation_change, 1),
            lying_still=lying_still,
            post_impact_sd_g=round(post_sd, 4),
            confidence=round(min(1.0, confidence), 3),
        )
    return None


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
    z axis as it is when the arm hangs or swings while walking; moving means the SVM spreads by
    ``moving_sd_g`` (walking at the wrist spreads ~0.2-0.4 g, lying still under 0.05 g). Both must
    hold: rolling over on the floor changes posture without walking, and a shaking hand moves
    without getting up. Carehub choices, checked against the simulator's traces.
    """
    _validate(samples, rate_hz, {"impact_g": 1.0, "free_fall_g": 0.0, "free_fall_window_s": 0.0,
                                 "pre_fall_start_s": 0.0, "pre_fall_end_s": 0.0, "post_impact_start_s": 0.0,
                                 "post_impact_end_s": 1.0, "min_orientation_change_deg": 0.0,
                                 "still_sd_g": 0.0, "still_mean_tolerance_g": 0.0})
    tail = samples[-max(2, round(window_s * rate_hz)):]
    svm = sum_vector_magnitude(tail)
    mean_svm = sum(svm) / len(svm)
    sd = math.sqrt(sum((v - mean_svm) ** 2 for v in svm) / len(svm))
    posture = _mean_vector(tail)
    if lying is not None:
        up = angle_between_deg(posture, lying) >= min_change_deg
    else:
        up = angle_between_deg(posture, (0.0, 0.0, 1.0)) <= upright_within_deg
    return up and sd >= moving_sd_g


def lying_posture(samples: Sequence[Sample], verdict: FallVerdict, rate_hz: float) -> Sample:
    """The mean acceleration vector of the second after the impact's post window starts (how she lies)."""
    start = verdict.impact_index + round(rate_hz)
    window = samples[start:start + max(1, round(rate_hz))] or samples[-1:]
    return _mean_vector(window)
