"""Geofence geometry (haversine, sides of a zone, nearest zone) and the hysteresis rule, as pure functions."""

from __future__ import annotations

import pytest

from firmware_stubs.scenarios import HOME, SCHOOL
from firmware_stubs.scenarios import distance_m as simulator_distance
from skills.child_safety.fence import FenceState, update
from skills.child_safety.geo import Circle, distance_m, nearest, offset, side_of

SCHOOL_ZONE = Circle("school", *SCHOOL, 200.0)
HOME_ZONE = Circle("home", *HOME, 100.0)


def test_haversine_against_known_distances():
    assert distance_m(*HOME, *HOME) == 0.0
    # One degree of latitude is 111.2 km on a sphere of the mean radius.
    assert distance_m(0.0, 0.0, 1.0, 0.0) == pytest.approx(111_195, rel=1e-4)
    # London (51.5074, -0.1278) to Paris (48.8566, 2.3522): about 343.5 km.
    assert distance_m(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343_500, rel=3e-3)
    # Antipodes do not fail on rounding (asin of slightly more than 1).
    assert distance_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(20_015_087, rel=1e-4)
    # The household simulator agrees (home to school, about 1 km).
    assert distance_m(*HOME, *SCHOOL) == pytest.approx(simulator_distance(HOME, SCHOOL), rel=1e-3)


def test_offset_moves_by_the_given_metres():
    lat, lon = offset(*SCHOOL, 300.0, -400.0)
    assert distance_m(*SCHOOL, lat, lon) == pytest.approx(500.0, rel=1e-3)


def test_side_of_a_zone_has_a_band_outside_the_edge():
    assert side_of(SCHOOL_ZONE, *offset(*SCHOOL, 199, 0), margin_m=50) == "inside"
    assert side_of(SCHOOL_ZONE, *offset(*SCHOOL, 230, 0), margin_m=50) == "unsure"
    assert side_of(SCHOOL_ZONE, *offset(*SCHOOL, 260, 0), margin_m=50) == "outside"
    # A fix whose own error circle still reaches the zone is not a departure.
    assert side_of(SCHOOL_ZONE, *offset(*SCHOOL, 260, 0), margin_m=50, accuracy_m=80) == "unsure"
    assert side_of(SCHOOL_ZONE, *offset(*SCHOOL, 290, 0), margin_m=50, accuracy_m=80) == "outside"
    assert side_of(SCHOOL_ZONE, *offset(*SCHOOL, 201, 0)) == "outside"  # no margin: the naive rule


def test_nearest_zone_is_by_edge_and_reports_the_distance_from_the_centre():
    shop = Circle("shop", *offset(*SCHOOL, 0, 400), 20.0)
    point = offset(*SCHOOL, 0, 250)  # 50 m beyond the school's edge, 130 m from the shop's
    zone, far = nearest([HOME_ZONE, SCHOOL_ZONE, shop], *point)
    assert zone.name == "school" and far == pytest.approx(250, abs=1)
    assert nearest([], *point) is None


def _run(verdicts: list[str], need: int = 2) -> tuple[FenceState, list[tuple[int, str]]]:
    state, crossings = FenceState(), []
    for i, verdict in enumerate(verdicts):
        state, crossing = update(state, verdict, float(i), need)  # type: ignore[arg-type]
        if crossing:
            crossings.append((i, crossing))
    return state, crossings


def test_the_first_confirmation_is_knowledge_not_a_crossing():
    state, crossings = _run(["inside", "inside"])
    assert (state.side, crossings) == ("inside", [])
    state, crossings = _run(["outside", "inside", "inside"])  # a streak from unknown may change direction
    assert (state.side, crossings) == ("inside", [])


def test_leaving_needs_consecutive_fixes_and_reports_when_the_crossing_began():
    state, crossings = _run(["inside", "inside", "outside", "unsure", "outside", "outside"])
    assert crossings == [(4, "left")]
    assert state.changed_at == 2.0  # the first fix outside, not the confirming one


def test_one_outlier_between_good_fixes_changes_nothing():
    state, crossings = _run(["inside", "inside", "outside", "inside", "outside", "inside"])
    assert (state.side, crossings) == ("inside", [])


def test_coming_back_is_a_crossing_too_and_one_fix_rule_reacts_at_once():
    _, crossings = _run(["inside", "inside", "outside", "outside", "inside", "inside"])
    assert crossings == [(3, "left"), (5, "entered")]
    _, crossings = _run(["inside", "outside", "inside"], need=1)
    assert crossings == [(1, "left"), (2, "entered")]


def test_state_round_trips_through_json():
    state, _ = _run(["inside", "inside", "outside"])
    assert FenceState.from_json(state.to_json()) == state
    assert FenceState.from_json({}) == FenceState()


def test_a_hold_time_outlasts_a_short_burst_whatever_the_reporting_rate():
    state, crossings = FenceState(side="inside"), []
    fixes = [(0, "outside"), (30, "outside"), (60, "outside"), (90, "inside")]  # a 90 s multipath burst
    fixes += [(t, "outside") for t in range(120, 400, 30)]                        # then really gone
    for at, verdict in fixes:
        state, crossing = update(state, verdict, float(at), 2, hold_s=240)  # type: ignore[arg-type]
        if crossing:
            crossings.append((at, crossing))
    assert crossings == [(360, "left")] and state.changed_at == 120.0
