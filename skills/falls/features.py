"""What the acceleration around one moment says about a fall: the analysis grid, impact candidates, and the
physical features the fall model weighs. Pure functions over numpy arrays; no state, no I/O.

Everything is judged on one grid, ``ANALYSIS_RATE_HZ`` (20 Hz), whatever the device's rate: a watch at 50 Hz
and a band at 20 Hz give the same features, and the model trained on SisFall (50 Hz) and UMAFall (~20 Hz)
applies to both. 20 Hz is the lowest rate in the data; an impact's peak is what a 20 Hz sensor would see.
Orientation-free quantities only (the magnitude ``|a|`` and angles between mean vectors): the sensor's axes
differ between devices, datasets and the way a watch is put on.
"""

from __future__ import annotations

import math

import numpy as np

ANALYSIS_RATE_HZ = 20.0
"""Samples per second of the grid every burst is resampled to."""
PRE_S = 4.0
"""Seconds of context a candidate's features read before it."""
POST_S = 7.0
"""Seconds of aftermath a candidate's features read after it; it is judged once they are there."""
MIN_AFTER_S = 1.5
"""The least aftermath a candidate is judged on when no more samples come: the posture after is read 1-3 s
after the impact, and a blow the recording or the device stops right after says nothing about a fall."""
PEAK_HALFWIDTH_S = 0.5
"""A candidate is the largest |a| within this many seconds either side (one impact, one candidate)."""
BUSY_PEAK_G = 1.8
"""A peak above this near the candidate counts as another blow (clapping, strides, hopping)."""
ACTIVE_G = 0.25
"""| |a| - 1 g | above this is movement (walking at the waist spreads ~0.2-0.4 g)."""
STILL_SD_G = 0.06
"""A half second whose |a| spreads less than this is still (lying, sitting; a body at rest is ~0.01-0.03 g)."""

FEATURES = (
    "peak_g", "min_before_g", "free_fall_gs", "impact_energy_g2s", "impact_width_s", "posture_change_deg",
    "after_sd_g", "after_offset_g", "late_sd_g", "after_active_frac", "after_turn_deg", "still_frac",
    "before_sd_g", "before_busy_s", "after_busy_s", "peak_ratio", "other_peaks", "disturbed_s",
)
"""The model's inputs, in order (``features`` documents each)."""


def magnitude(grid: np.ndarray) -> np.ndarray:
    """|a| of each (x, y, z) row, in g (1.0 at rest, whatever the orientation)."""
    return np.sqrt(np.einsum("ij,ij->i", grid, grid))


def angle_deg(a: np.ndarray, b: np.ndarray) -> float:
    """Angle between two vectors in degrees; 0.0 if either is (nearly) zero."""
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    if norm < 1e-9:
        return 0.0
    return math.degrees(math.acos(max(-1.0, min(1.0, float(np.dot(a, b)) / norm))))


def resample(raw_times: np.ndarray, raw: np.ndarray, first_index: int, step_s: float) -> tuple[np.ndarray, int]:
    """The grid points ``k * step_s`` (k from ``first_index``) that fall within ``raw_times``, linearly
    interpolated from ``raw`` (n x 3); returns them and the next k.

    Grid times are integer multiples of the step, so a stream cut into bursts anywhere gives the same grid
    as the whole recording at once (the caller passes the last raw sample of the previous burst first).
    """
    last = int(math.floor(raw_times[-1] / step_s + 1e-9))
    if last < first_index:
        return np.empty((0, 3)), first_index
    times = np.arange(first_index, last + 1) * step_s
    points = np.column_stack([np.interp(times, raw_times, raw[:, axis]) for axis in range(3)])
    return points, last + 1


def to_grid(samples: np.ndarray, rate_hz: float) -> np.ndarray:
    """A whole recording (n x 3 at ``rate_hz``) on the analysis grid."""
    raw_times = np.arange(len(samples)) / rate_hz
    points, _ = resample(raw_times, samples, 0, 1.0 / ANALYSIS_RATE_HZ)
    return points


def _steps(seconds: float) -> int:
    return int(round(seconds * ANALYSIS_RATE_HZ))


def candidates(mag: np.ndarray, start: int, stop: int, low_g: float) -> list[int]:
    """Indices in ``[start, stop)`` whose |a| is at least ``low_g`` and the largest within
    ``PEAK_HALFWIDTH_S`` either side (the first of equal ones). Needs the grid to reach ``stop + halfwidth``
    to be final; the caller asks only for indices whose neighbourhood is complete (or at the end)."""
    half = _steps(PEAK_HALFWIDTH_S)
    out = []
    for i in np.flatnonzero(mag[start:stop] >= low_g) + start:
        lo, hi = max(0, i - half), min(len(mag), i + half + 1)
        if mag[i] >= mag[lo:hi].max() and (i == lo or mag[i] > mag[lo:i].max()):
            out.append(int(i))
    return out


def _window(values: np.ndarray, start_s: float, end_s: float, at: int) -> np.ndarray:
    lo, hi = max(0, at + _steps(start_s)), min(len(values), at + _steps(end_s))
    return values[lo:hi] if hi > lo else values[0:0]


def posture_before(grid: np.ndarray, at: int) -> np.ndarray:
    """Mean acceleration vector 2.5-0.75 s before ``at`` (gravity as the sensor sat before a fall's descent);
    with a short recording, whatever precedes the last half second."""
    before = _window(grid, -2.5, -0.75, at)
    if len(before) < _steps(0.25):
        before = grid[0:max(1, at - _steps(0.5))]
    return before.mean(axis=0)


def posture_after(grid: np.ndarray, at: int) -> np.ndarray:
    """Mean acceleration vector 1-3 s after ``at`` (how the sensor lies once the impact has settled)."""
    after = _window(grid, 1.0, 3.0, at)
    if len(after) == 0:
        after = grid[min(at + 1, len(grid) - 1):]
    return after.mean(axis=0)


def features(grid: np.ndarray, mag: np.ndarray, at: int) -> np.ndarray:
    """The ``FEATURES`` of the moment ``at`` (an index into ``grid``, n x 3 in g at ``ANALYSIS_RATE_HZ``, and
    ``mag`` its |a|). Windows are cut to the data there is; a missing window gives a neutral value.

    * ``peak_g``: |a| at ``at`` (the impact; Bourke et al. 2007's upper fall threshold is on this).
    * ``min_before_g``, ``free_fall_gs``: the lowest |a| in the second before, and the area of |a| under 1 g
      there (velocity lost in free fall, g·s; the "lower fall threshold" and the descent of a fall).
    * ``impact_energy_g2s``: the integral of (|a| - 1)² over ±0.25 s; ``impact_width_s``: time above half the
      peak within ±0.5 s (a fall's blow is short and hard; a flop onto a bed is soft and long).
    * ``posture_change_deg``: between the mean vector before the descent and the one 1-3 s after (Kangas et
      al. 2008: the posture after the impact).
    * ``after_sd_g``, ``after_offset_g``: spread of |a| 1-3.5 s after, and its mean's distance from 1 g;
      ``late_sd_g``: the spread 3.5-6 s after (walking or jogging on means no fall).
    * ``after_active_frac``: share of 1-6 s after with | |a| - 1 | over ``ACTIVE_G``; ``after_turn_deg``: the
      mean vector 1-2.5 s against 3-5 s after (getting up turns it back); ``still_frac``: share of half
      seconds 1.5-7 s after that are still.
    * ``before_sd_g``: spread of |a| 4-1 s before (walking or jogging before a trip; quiet before a faint).
    * ``before_busy_s``, ``after_busy_s``: time above ``BUSY_PEAK_G`` 3-0.5 s before and 1-4 s after.
    * ``peak_ratio``: the peak's excess over 1 g against the largest other one within ±3 s (a fall's impact
      stands out; claps, strides and hops are alike); ``other_peaks``: how many other peaks above
      ``BUSY_PEAK_G`` there are; ``disturbed_s``: time within ±3 s that |a| is over 0.3 g from 1 g.
    """
    peak = float(mag[at])
    before1 = _window(mag, -1.0, 0.0, at)
    min_before = float(before1.min()) if len(before1) else 1.0
    free_fall = float(np.clip(1.0 - before1, 0.0, None).sum() / ANALYSIS_RATE_HZ) if len(before1) else 0.0
    blow = _window(mag, -0.25, 0.25 + 1 / ANALYSIS_RATE_HZ, at)
    energy = float(((blow - 1.0) ** 2).sum() / ANALYSIS_RATE_HZ)
    around = _window(mag, -0.5, 0.5 + 1 / ANALYSIS_RATE_HZ, at)
    width = float((around > 0.5 * (peak + 1.0)).sum() / ANALYSIS_RATE_HZ)
    change = angle_deg(posture_before(grid, at), posture_after(grid, at)) if at + 1 < len(grid) else 0.0

    after = _window(mag, 1.0, 3.5, at)
    after_sd = float(after.std()) if len(after) > 1 else 0.0
    after_offset = float(abs(after.mean() - 1.0)) if len(after) else 0.0
    late = _window(mag, 3.5, 6.0, at)
    late_sd = float(late.std()) if len(late) > 2 else after_sd
    active = _window(mag, 1.0, 6.0, at)
    active_frac = float((np.abs(active - 1.0) > ACTIVE_G).mean()) if len(active) else 0.0
    early, later = _window(grid, 1.0, 2.5, at), _window(grid, 3.0, 5.0, at)
    turn = angle_deg(early.mean(axis=0), later.mean(axis=0)) if len(early) and len(later) else 0.0
    half = max(2, _steps(0.5))
    quiet = _window(mag, 1.5, POST_S, at)
    pieces = [quiet[k:k + half].std() < STILL_SD_G for k in range(0, len(quiet) - half + 1, half)]
    still = float(np.mean(pieces)) if pieces else 0.5

    before = _window(mag, -4.0, -1.0, at)
    before_sd = float(before.std()) if len(before) > 2 else 0.0
    before_busy = float((_window(mag, -3.0, -0.5, at) > BUSY_PEAK_G).sum() / ANALYSIS_RATE_HZ)
    after_busy = float((_window(mag, 1.0, 4.0, at) > BUSY_PEAK_G).sum() / ANALYSIS_RATE_HZ)

    lo = max(0, at - _steps(3.0))
    nearby = mag[lo:min(len(mag), at + _steps(3.0) + 1)].copy()
    disturbed = float((np.abs(nearby - 1.0) > 0.3).sum() / ANALYSIS_RATE_HZ)
    centre = at - lo
    nearby[max(0, centre - _steps(0.4)):centre + _steps(0.4) + 1] = 1.0
    ratio = (peak - 1.0) / max(float(nearby.max()) - 1.0, 0.05)
    k = max(1, _steps(0.2))
    others = sum(1 for i in range(1, len(nearby) - 1)
                 if nearby[i] > BUSY_PEAK_G and nearby[i] >= nearby[max(0, i - k):i + k + 1].max())
    return np.array([
        peak, min_before, free_fall, energy, width, change, after_sd, after_offset, late_sd, active_frac, turn,
        still, before_sd, before_busy, after_busy, ratio, others, disturbed,
    ])
