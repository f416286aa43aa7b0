"""skills/falls/detector.py on hand-built 50 Hz traces, and bench/fall_detection.py --quick end to end."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from skills.falls.detector import FallVerdict, detect_fall

RATE = 50.0
UPRIGHT = (0.0, 0.0, 1.0)
LYING = (1.0, 0.0, 0.0)
BENCH = Path(__file__).resolve().parent.parent / "bench" / "fall_detection.py"


def hold(vector, seconds, wobble=0.0):
    """A still posture; wobble adds a 3 Hz shake of that many g along x (someone moving)."""
    n = int(seconds * RATE)
    return [(vector[0] + wobble * math.sin(2 * math.pi * 3 * i / RATE), vector[1], vector[2]) for i in range(n)]


def drop(depth_g=0.3, seconds=0.5):
    """Free fall: the SVM sinks to depth_g, still pointing up."""
    n = int(seconds * RATE)
    return [(0.0, 0.0, 1 - (1 - depth_g) * math.sin(math.pi * i / n)) for i in range(n)]


def hit(peak_g, direction=LYING):
    """A three-sample impact peaking at peak_g."""
    return [tuple(peak_g * 0.6 * c for c in direction), tuple(peak_g * c for c in direction),
            tuple(peak_g * 0.6 * c for c in direction)]


def test_a_clear_fall_is_detected_with_the_person_lying_still():
    trace = hold(UPRIGHT, 3) + drop() + hit(4.0) + hold(LYING, 4)
    verdict = detect_fall(trace, RATE)
    assert isinstance(verdict, FallVerdict)
    assert verdict.impact_g == pytest.approx(4.0, abs=0.01)
    assert verdict.impact_index == int(3.5 * RATE) + 1
    assert verdict.free_fall and verdict.lying_still
    assert verdict.orientation_change_deg == pytest.approx(90, abs=1)
    assert 0.9 <= verdict.confidence <= 1.0


def test_lying_down_gently_is_not_a_fall():
    turning = [(math.sin(a), 0.0, math.cos(a)) for a in (math.pi / 2 * i / 100 for i in range(100))]
    assert detect_fall(hold(UPRIGHT, 3) + turning + hold(LYING, 4), RATE) is None


def test_a_jump_landing_upright_is_not_a_fall():
    trace = hold(UPRIGHT, 3) + drop(0.1, 0.3) + hit(5.0, UPRIGHT) + hold(UPRIGHT, 4)
    assert detect_fall(trace, RATE) is None


def test_a_fall_then_getting_up_within_the_window_is_not_lying_still():
    trace = hold(UPRIGHT, 3) + drop() + hit(4.0) + hold(LYING, 1.2) + hold(UPRIGHT, 3, wobble=0.3)
    verdict = detect_fall(trace, RATE)
    assert verdict is None or not verdict.lying_still


def test_a_fall_with_the_person_moving_on_the_floor_is_found_but_not_lying_still():
    trace = hold(UPRIGHT, 3) + drop() + hit(4.0) + hold(LYING, 4, wobble=0.4)
    verdict = detect_fall(trace, RATE)
    assert verdict is not None
    assert not verdict.lying_still
    assert verdict.confidence < detect_fall(hold(UPRIGHT, 3) + drop() + hit(4.0) + hold(LYING, 4), RATE).confidence


def test_an_impact_without_enough_samples_after_it_is_not_judged():
    assert detect_fall(hold(UPRIGHT, 3) + drop() + hit(4.0) + hold(LYING, 1), RATE) is None


def test_the_impact_threshold_is_a_keyword_argument():
    trace = hold(UPRIGHT, 3) + drop() + hit(4.0) + hold(LYING, 4)
    assert detect_fall(trace, RATE, impact_g=5.0) is None


def test_empty_samples_are_rejected():
    with pytest.raises(ValueError, match="samples is empty"):
        detect_fall([], RATE)


@pytest.mark.parametrize("rate", [0, -50.0, float("nan"), float("inf")])
def test_a_wrong_rate_is_rejected(rate):
    with pytest.raises(ValueError, match="rate_hz must be a positive"):
        detect_fall(hold(UPRIGHT, 1), rate)


def test_a_sample_without_three_axes_is_rejected():
    with pytest.raises(ValueError, match=r"samples\[1\] has 2 values"):
        detect_fall([(0.0, 0.0, 1.0), (0.0, 1.0)], RATE)


def test_bench_quick_runs_and_prints_sensitivity():
    done = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert any(line.startswith("sensitivity:") for line in done.stdout.splitlines()), done.stdout
