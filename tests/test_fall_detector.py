"""skills/falls/detector.py on hand-built 50 Hz traces (with the packaged model), and bench/fall_detection.py
--quick end to end."""

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
    """A five-sample impact (0.1 s, as a body's blow on the floor lasts) peaking at peak_g."""
    return [tuple(peak_g * share * c for c in direction) for share in (0.5, 0.8, 1.0, 0.8, 0.5)]


def tilted(degrees):
    """Gravity as the sensor sees it after turning ``degrees`` away from upright."""
    return (math.sin(math.radians(degrees)), 0.0, math.cos(math.radians(degrees)))


def test_a_clear_fall_is_detected_with_the_person_lying_still():
    trace = hold(UPRIGHT, 3) + drop() + hit(4.0) + hold(LYING, 4)
    verdict = detect_fall(trace, RATE)
    assert isinstance(verdict, FallVerdict)
    assert verdict.impact_index == int(3.5 * RATE) + 2           # the raw sample of the impact's peak
    assert 3.0 < verdict.impact_g <= 4.0                          # as the 20 Hz analysis grid sees it
    assert verdict.free_fall and verdict.lying_still and not verdict.low_impact
    assert verdict.orientation_change_deg == pytest.approx(90, abs=1)
    assert verdict.posture_after == pytest.approx(LYING)
    assert 0.8 <= verdict.confidence <= 1.0 and verdict.placement == "wrist"


@pytest.mark.parametrize("placement", ["wrist", "waist", "pendant"])
def test_each_placement_finds_a_clear_fall(placement):
    verdict = detect_fall(hold(UPRIGHT, 3) + drop() + hit(4.0) + hold(LYING, 4), RATE, placement=placement)
    assert verdict is not None and verdict.placement == ("waist" if placement == "pendant" else placement)


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


def test_a_fall_with_the_person_moving_an_arm_after_is_found_with_less_confidence():
    trace = hold(UPRIGHT, 3) + drop() + hit(4.0) + hold(LYING, 1) + hold(LYING, 1, wobble=0.2) + hold(LYING, 2)
    verdict = detect_fall(trace, RATE)
    assert verdict is not None
    assert verdict.confidence < detect_fall(hold(UPRIGHT, 3) + drop() + hit(4.0) + hold(LYING, 4), RATE).confidence


def test_shaking_all_through_the_aftermath_weighs_against_the_impact():
    # Walking, jogging or clapping on after a blow: the aftermath is busy, so it was not a fall.
    assert detect_fall(hold(UPRIGHT, 3) + drop() + hit(4.0) + hold(LYING, 4, wobble=0.4), RATE) is None


def test_an_impact_that_leaves_the_posture_as_it_was_is_not_judged():
    # Every candidate needs a 30° turn (Kangas et al. 2008: the posture after the impact makes it a fall).
    assert detect_fall(hold(UPRIGHT, 3) + drop() + hit(6.0, tilted(20)) + hold(tilted(20), 4), RATE) is None


def test_an_impact_without_enough_samples_after_it_is_not_judged():
    assert detect_fall(hold(UPRIGHT, 3) + drop() + hit(4.0) + hold(LYING, 1), RATE) is None


def test_the_impact_threshold_is_a_keyword_argument():
    # A 50° turn is enough after an impact over the trigger, but not for the low-impact path (60° at the wrist).
    trace = hold(UPRIGHT, 3) + drop() + hit(4.0, tilted(50)) + hold(tilted(50), 4)
    assert detect_fall(trace, RATE) is not None
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
