"""skills/falls/stream.py: bursts joined into one stream per wearable, whatever their length, rate and timing."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest

from skills.falls.features import POST_S
from skills.falls.model import load_models
from skills.falls.stream import KEEP_S, WearableStream

RATE = 50.0
UPRIGHT = (0.0, 0.0, 1.0)
LYING = (1.0, 0.0, 0.0)
T0 = 1_700_000_000.0
"""Any clock will do; Unix seconds like the skill's."""
MODELS = load_models()


def hold(vector, seconds, rate=RATE, noise=0.01, rng=None):
    rng = rng or random.Random(1)
    return [tuple(v + rng.gauss(0, noise) for v in vector) for _ in range(int(seconds * rate))]


def fall(rate=RATE, before_s=3.0, after_s=8.0):
    """Upright, a half-second drop, a 0.1 s impact of 4 g, then lying still: the impact is at before_s + 0.55 s."""
    n = int(0.5 * rate)
    drop = [(0.0, 0.0, 1 - 0.7 * math.sin(math.pi * i / n)) for i in range(n)]
    width = max(1, round(0.1 * rate))
    hit = [(4.0 * math.sin(math.pi * (i + 1) / (width + 1)), 0.0, 0.0) for i in range(width)]
    return hold(UPRIGHT, before_s, rate) + drop + hit + hold(LYING, after_s, rate)


def walking(seconds, rate=RATE):
    out = []
    for i in range(int(seconds * rate)):
        phase = 2 * math.pi * 1.8 * i / rate
        out.append((0.12 * math.sin(phase), 0.05 * math.cos(phase), 1.0 + 0.3 * math.sin(2 * phase)))
    return out


def stream(placement="wrist"):
    return WearableStream(MODELS[placement])


def feed(s, samples, burst_s, rate=RATE, start=T0, jitter=0.0, rng=None):
    """Send ``samples`` in bursts of ``burst_s``, each stamped with its last sample's time (plus jitter)."""
    rng = rng or random.Random(7)
    size = max(1, round(burst_s * rate))
    found, updates = [], []
    for first in range(0, len(samples), size):
        burst = samples[first:first + size]
        ts = start + (first + len(burst) - 1) / rate + (rng.uniform(-jitter, jitter) if jitter else 0.0)
        update = s.add(ts, rate, burst)
        updates.append(update)
        found += update.falls
    return found, updates


@pytest.mark.parametrize("burst_s", [0.5, 1.0, 3.0, 8.0, 20.0])
def test_an_impact_is_found_once_whatever_the_burst_length(burst_s):
    s = stream()
    found, _ = feed(s, fall(), burst_s)
    found += s.flush()
    (one,) = found
    assert one.at == pytest.approx(T0 + 3.55, abs=0.1)
    assert one.verdict.lying_still and one.verdict.orientation_change_deg == pytest.approx(90, abs=3)


def test_split_bursts_judge_exactly_what_the_whole_recording_gives():
    whole, split = stream(), stream()
    samples = walking(5) + fall(after_s=10) + walking(5)
    a, _ = feed(whole, samples, 100)
    b, _ = feed(split, samples, 1.3)
    a += whole.flush()
    b += split.flush()
    assert len(a) == len(b) == 1
    assert a[0].at == pytest.approx(b[0].at)
    assert replace(a[0].verdict, posture_after=LYING) == replace(b[0].verdict, posture_after=LYING)
    assert a[0].verdict.posture_after == pytest.approx(b[0].verdict.posture_after)


def test_an_impact_at_the_end_of_a_burst_waits_for_the_next_one():
    s = stream()
    samples = fall(after_s=10)
    first = s.add(T0 + 3.8, RATE, samples[:191])           # the burst ends 0.2 s after the impact
    assert first.falls == []
    second = s.add(T0 + 11.8, RATE, samples[191:591])       # 8 s later: the aftermath is in
    assert len(second.falls) == 1


def test_when_the_device_goes_quiet_the_impact_is_judged_on_what_there_is():
    s = stream()
    samples = fall(after_s=2.5)
    found, _ = feed(s, samples, 8)
    assert found == []                                      # 2.5 s of aftermath: still waiting for POST_S
    assert s.silence_s >= POST_S
    assert len(s.flush()) == 1                              # the caller's timeout: judge on what there is


def test_a_late_burst_is_dropped_and_counted():
    s = stream()
    s.add(T0 + 8, RATE, walking(8))
    late = s.add(T0 + 7, RATE, walking(8))
    again = s.add(T0 + 8, RATE, walking(8))                 # the same time again: a resend
    assert late.dropped and again.dropped and s.dropped == 2
    assert not s.add(T0 + 16, RATE, walking(8)).dropped


def test_a_gap_is_not_spliced_over():
    # Before the gap: standing, then a knock at the very end; after it: lying on the sofa. Spliced, that would
    # read as an impact, a turn to lying and stillness: a fall that never happened.
    s = stream()
    knock = [(0.0, 0.0, 1.0)] * 2 + [(0.0, 3.0, 3.0), (0.0, 4.0, 4.0), (0.0, 3.0, 3.0)] + [(0.0, 0.0, 1.0)] * 2
    end = T0 + 6.14
    s.add(end, RATE, hold(UPRIGHT, 6) + knock)
    lying = hold(LYING, 8)
    after = s.add(end + 20 + (len(lying) - 1) / RATE, RATE, lying)  # its first sample 20 s after the knock
    assert after.gap_s == pytest.approx(20 - 1 / RATE) and s.gaps == 1
    assert after.falls == [] and s.flush() == []


def test_a_fall_after_a_gap_is_still_found():
    s = stream()
    s.add(T0 + 8, RATE, walking(8))
    found, updates = feed(s, fall(), 2, start=T0 + 8 + 5)  # 5 s of nothing, then the fall
    assert updates[0].gap_s is not None
    assert len(found + s.flush()) == 1


def test_arrival_jitter_does_not_break_the_stream():
    s = stream()
    found, updates = feed(s, walking(10) + fall() + walking(10), 2, jitter=0.4)
    assert all(u.gap_s is None and not u.dropped for u in updates)
    assert len(found + s.flush()) == 1


def test_a_change_of_rate_is_resampled_like_any_burst():
    s = stream()
    fast = walking(6)
    slow = fall(rate=25.0)
    s.add(T0 + 6 - 1 / RATE, RATE, fast)
    update = s.add(T0 + 6 + (len(slow) - 1) / 25.0, 25.0, slow)
    assert update.gap_s is None
    assert len(update.falls + s.flush()) == 1


def test_a_twenty_hertz_band_is_judged_like_a_fifty_hertz_watch():
    s = stream()
    found, _ = feed(s, fall(rate=20.0), 1, rate=20.0)
    assert len(found + s.flush()) == 1


def blow():
    return [(0.0, 0.0, 1.0 + 2.0 * math.sin(math.pi * (i + 1) / 6)) for i in range(5)]


@pytest.mark.parametrize(("apart_s", "falls"), [(3.0, 1), (15.0, 2)])
def test_blows_within_seconds_of_a_fall_are_the_same_fall(apart_s, falls):
    # A model that calls every blow over 2 g a fall, to see the stream's own rule.
    s = WearableStream(replace(MODELS["wrist"], trees=(), base=0.0, threshold=0.0, min_change_deg=0.0))
    samples = hold(UPRIGHT, 3) + blow() + hold(UPRIGHT, apart_s) + blow() + hold(UPRIGHT, 8)
    found, _ = feed(s, samples, 1)
    assert len(found + s.flush()) == falls


def test_an_hour_of_walking_keeps_the_buffer_small_and_raises_nothing():
    s = stream("waist")
    samples = walking(3600)
    found = []
    for second in range(3600):
        found += s.add(T0 + second + 1, RATE, samples[second * 50:(second + 1) * 50]).falls
        assert s.buffered_s <= KEEP_S
    assert found == [] and s.flush() == []


@pytest.mark.parametrize("rate", [0, -1.0, float("nan")])
def test_a_wrong_rate_is_refused(rate):
    with pytest.raises(ValueError, match="rate_hz"):
        stream().add(T0, rate, walking(1))
