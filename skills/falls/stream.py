"""One wearable's accelerometer as a stream: bursts joined into a ring buffer on the analysis grid, so every
impact is judged with its context and aftermath whatever the device's burst length.

A small pure class (no clock, no I/O): the caller hands it each burst with the time of the burst's last
sample, and calls ``flush`` when the device has gone quiet (``silence_s``). Rules, in docs/mqtt.md too:

* a burst's samples are evenly spaced at its ``rate_hz`` and its last sample is at the time given; bursts
  that follow each other (a gap of at most ``max_gap_s``) are one unbroken stream, spliced sample to sample,
  so arrival jitter does not matter; a change of rate is resampled like any other burst;
* a longer gap breaks the stream: what is pending is judged on what there is, and a new segment starts
  (nothing is spliced across a gap);
* a burst whose last sample is not newer than the last one taken is late (a resend, or out of order): it is
  dropped and counted in ``dropped``;
* after a fall, candidates within ``refractory_s`` of its impact are the same fall and are not judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from skills.falls.detector import FallVerdict, judge, validate
from skills.falls.features import (
    ANALYSIS_RATE_HZ, MIN_AFTER_S, PEAK_HALFWIDTH_S, POST_S, PRE_S, candidates, magnitude, resample,
)
from skills.falls.model import PlacementModel

STEP_S = 1.0 / ANALYSIS_RATE_HZ
KEEP_S = PRE_S + POST_S + 2.0
"""Seconds of grid kept: a pending candidate is at most ``POST_S`` old and reads ``PRE_S`` before it."""


@dataclass(frozen=True)
class DetectedFall:
    """A fall the stream found."""

    at: float
    """Time of the impact, on the caller's clock (Unix seconds for the skill)."""
    verdict: FallVerdict
    """What the detector saw."""


@dataclass(frozen=True)
class StreamUpdate:
    """What one burst did to the stream."""

    falls: list[DetectedFall] = field(default_factory=list)
    """Falls judged now (their aftermath arrived with this burst, or a gap closed the segment before it)."""
    dropped: bool = False
    """The burst was late (not newer than the stream) and was ignored."""
    gap_s: float | None = None
    """Seconds missing before this burst when they broke the stream; None when it followed on."""


class WearableStream:
    """The buffer and pending impact candidates of one wearable, judged with one placement's model."""

    def __init__(self, model: PlacementModel, *, max_gap_s: float = 2.0, refractory_s: float = 10.0) -> None:
        self.model = model
        self.max_gap_s = max_gap_s
        """A burst starting more than this after the previous one's last sample breaks the stream."""
        self.refractory_s = refractory_s
        """Seconds after a fall's impact in which further candidates are the same fall."""
        self.last_ts: float | None = None
        """Time of the last sample taken (the last accepted burst's time)."""
        self.last_span_s = 0.0
        """Duration of the last accepted burst."""
        self.dropped = 0
        """Late bursts ignored so far."""
        self.gaps = 0
        """Gaps that broke the stream so far."""
        self.unjudged = 0
        """Candidates the stream ended too soon after to judge (``MIN_AFTER_S``)."""
        self._new_segment()

    def _new_segment(self) -> None:
        self._grid = np.empty((0, 3))
        self._mag = np.empty(0)
        self._base = 0            # segment grid index of self._grid[0]
        self._next = 0            # segment grid index of the next grid point to make
        self._last_raw: tuple[float, np.ndarray] | None = None  # segment time and value of the last raw sample
        self._start = 0.0         # caller's time of the segment's first sample
        self._scanned = 0         # candidates are searched from here on
        self._pending: list[int] = []
        self._quiet_until = 0     # refractory: no candidate before this index

    @property
    def silence_s(self) -> float:
        """Seconds without a burst after which the caller should ``flush``: a little over the aftermath a
        candidate waits for, and a burst's length plus 2 s of arrival jitter, so a device sending bursts
        back to back is never flushed between two of them."""
        return max(POST_S + 1.0, self.last_span_s + 2.0)

    @property
    def buffered_s(self) -> float:
        """Seconds of grid held."""
        return len(self._grid) / ANALYSIS_RATE_HZ

    def add(self, ts: float, rate_hz: float, samples: Sequence[Sequence[float]]) -> StreamUpdate:
        """Take one burst whose last sample is at ``ts``; returns the falls judged now."""
        validate(samples, rate_hz)
        raw = np.asarray(samples, dtype=float)
        span = (len(raw) - 1) / rate_hz
        if self.last_ts is not None and ts <= self.last_ts:
            self.dropped += 1
            return StreamUpdate(dropped=True)
        falls: list[DetectedFall] = []
        gap = None
        if self.last_ts is not None:
            missing = (ts - span) - self.last_ts - 1.0 / rate_hz
            if missing > self.max_gap_s:
                self.gaps += 1
                gap = round(missing, 3)
                falls = self.flush()
        self.last_ts, self.last_span_s = ts, span
        if self._last_raw is None:
            self._start = ts - span
            times, values = np.arange(len(raw)) / rate_hz, raw
        else:
            previous_t, previous = self._last_raw
            times = np.concatenate(([previous_t], previous_t + np.arange(1, len(raw) + 1) / rate_hz))
            values = np.vstack((previous, raw))
        self._last_raw = (float(times[-1]), raw[-1].copy())
        points, self._next = resample(times, values, self._next, STEP_S)
        if len(points):
            self._grid = np.vstack((self._grid, points))
            self._mag = np.concatenate((self._mag, magnitude(points)))
        self._scan(final=False)
        falls += self._judge(min_after_s=POST_S)
        self._trim()
        return StreamUpdate(falls=falls, gap_s=gap)

    def flush(self, min_after_s: float = MIN_AFTER_S) -> list[DetectedFall]:
        """Judge what is pending on the samples there are (the device went quiet, or a gap), and close the
        segment: the next burst starts a new one. Candidates with less than ``min_after_s`` of aftermath
        cannot be judged and are counted in ``unjudged``."""
        self._scan(final=True)
        falls = self._judge(min_after_s=min_after_s)
        self.unjudged += len(self._pending)
        kept = self.last_ts, self.last_span_s, self.dropped, self.gaps, self.unjudged
        self._new_segment()
        self.last_ts, self.last_span_s, self.dropped, self.gaps, self.unjudged = kept
        return falls

    def _scan(self, *, final: bool) -> None:
        """Find the candidates whose ±0.5 s neighbourhood is complete (all of them when ``final``)."""
        end = self._next if final else self._next - int(round(PEAK_HALFWIDTH_S * ANALYSIS_RATE_HZ)) - 1
        start = max(self._scanned, self._quiet_until, self._base)
        if end <= start:
            return
        found = candidates(self._mag, start - self._base, end - self._base, self.model.low_trigger_g)
        self._pending += [self._base + i for i in found]
        self._scanned = end

    def _judge(self, *, min_after_s: float) -> list[DetectedFall]:
        need = int(round(min_after_s * ANALYSIS_RATE_HZ))
        falls, waiting = [], []
        for at in self._pending:
            if at < self._quiet_until:
                continue
            if self._next - at < need:
                waiting.append(at)
                continue
            verdict = judge(self._grid, self._mag, at - self._base, self.model)
            if verdict is None:
                continue
            verdict = _from_segment_start(verdict, at)
            falls.append(DetectedFall(at=self._start + verdict.impact_time_s, verdict=verdict))
            self._quiet_until = at + int(round(self.refractory_s * ANALYSIS_RATE_HZ))
        self._pending = [at for at in waiting if at >= self._quiet_until]
        return falls

    def _trim(self) -> None:
        extra = len(self._grid) - int(round(KEEP_S * ANALYSIS_RATE_HZ))
        if extra > 0:
            self._grid, self._mag = self._grid[extra:], self._mag[extra:]
            self._base += extra


def _from_segment_start(verdict: FallVerdict, at: int) -> FallVerdict:
    """The verdict with its time counted from the segment's first sample, not the trimmed buffer's."""
    return replace(verdict, impact_time_s=round(at / ANALYSIS_RATE_HZ, 3))
