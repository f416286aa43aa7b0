"""NEWS2 scoring (RCP 2017, Chart 1): every band edge of every parameter, both sides; aggregate bands; partial
and stale sets; rounding of device readings to the chart's resolution."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from skills.vitals.news2 import (
    RESPONSE, Freshness, News2Score, NotScored, Observations, Reading, classify, consciousness_score,
    observations, oxygen_score, pulse_score, recorded, respiration_score, score, spo2_scale1_score, spo2_scale2_score,
    systolic_score, temperature_score,
)

EDGES = [
    # respiration rate: ≤8:3, 9–11:1, 12–20:0, 21–24:2, ≥25:3
    (respiration_score, 4, 3), (respiration_score, 8, 3), (respiration_score, 9, 1), (respiration_score, 11, 1),
    (respiration_score, 12, 0), (respiration_score, 20, 0), (respiration_score, 21, 2), (respiration_score, 24, 2),
    (respiration_score, 25, 3), (respiration_score, 40, 3),
    # SpO2 scale 1: ≤91:3, 92–93:2, 94–95:1, ≥96:0
    (spo2_scale1_score, 80, 3), (spo2_scale1_score, 91, 3), (spo2_scale1_score, 92, 2), (spo2_scale1_score, 93, 2),
    (spo2_scale1_score, 94, 1), (spo2_scale1_score, 95, 1), (spo2_scale1_score, 96, 0), (spo2_scale1_score, 100, 0),
    # systolic: ≤90:3, 91–100:2, 101–110:1, 111–219:0, ≥220:3
    (systolic_score, 70, 3), (systolic_score, 90, 3), (systolic_score, 91, 2), (systolic_score, 100, 2),
    (systolic_score, 101, 1), (systolic_score, 110, 1), (systolic_score, 111, 0), (systolic_score, 219, 0),
    (systolic_score, 220, 3), (systolic_score, 250, 3),
    # pulse: ≤40:3, 41–50:1, 51–90:0, 91–110:1, 111–130:2, ≥131:3
    (pulse_score, 30, 3), (pulse_score, 40, 3), (pulse_score, 41, 1), (pulse_score, 50, 1), (pulse_score, 51, 0),
    (pulse_score, 90, 0), (pulse_score, 91, 1), (pulse_score, 110, 1), (pulse_score, 111, 2), (pulse_score, 130, 2),
    (pulse_score, 131, 3), (pulse_score, 180, 3),
    # temperature: ≤35.0:3, 35.1–36.0:1, 36.1–38.0:0, 38.1–39.0:1, ≥39.1:2
    (temperature_score, 34.0, 3), (temperature_score, 35.0, 3), (temperature_score, 35.1, 1),
    (temperature_score, 36.0, 1), (temperature_score, 36.1, 0), (temperature_score, 38.0, 0),
    (temperature_score, 38.1, 1), (temperature_score, 39.0, 1), (temperature_score, 39.1, 2),
    (temperature_score, 41.0, 2),
    # decimal readings are rounded half up to the chart's resolution first
    (temperature_score, 35.04, 3), (temperature_score, 35.05, 1), (temperature_score, 36.05, 0),
    (temperature_score, 38.04, 0), (temperature_score, 38.05, 1), (temperature_score, 39.05, 2),
    (spo2_scale1_score, 91.4, 3), (spo2_scale1_score, 91.5, 2), (spo2_scale1_score, 95.5, 0),
    (systolic_score, 90.4, 3), (systolic_score, 90.5, 2), (systolic_score, 219.5, 3),
    (pulse_score, 40.5, 1), (pulse_score, 90.49, 0), (pulse_score, 90.5, 1), (pulse_score, 130.5, 3),
    (respiration_score, 8.5, 1), (respiration_score, 20.5, 2), (respiration_score, 24.5, 3),
]


@pytest.mark.parametrize(("fn", "value", "points"), EDGES, ids=[f"{f.__name__}-{v}" for f, v, _ in EDGES])
def test_band_edges(fn, value, points):
    assert fn(value) == points


SCALE2 = [
    # ≤83:3, 84–85:2, 86–87:1, 88–92:0, ≥93 on air:0, 93–94 on O2:1, 95–96 on O2:2, ≥97 on O2:3
    (80, False, 3), (83, False, 3), (84, False, 2), (85, False, 2), (86, False, 1), (87, False, 1),
    (88, False, 0), (92, False, 0), (93, False, 0), (97, False, 0), (100, False, 0),
    (83, True, 3), (84, True, 2), (85, True, 2), (86, True, 1), (87, True, 1), (88, True, 0), (92, True, 0),
    (93, True, 1), (94, True, 1), (95, True, 2), (96, True, 2), (97, True, 3), (100, True, 3),
    (92.4, True, 0), (92.5, True, 1), (87.5, False, 0),
]


@pytest.mark.parametrize(("spo2", "on_oxygen", "points"), SCALE2)
def test_spo2_scale2_edges(spo2, on_oxygen, points):
    assert spo2_scale2_score(spo2, on_oxygen) == points


def test_air_oxygen_and_consciousness():
    assert oxygen_score(False) == 0 and oxygen_score(True) == 2
    assert consciousness_score("A") == 0
    assert [consciousness_score(x) for x in "CVPU"] == [3, 3, 3, 3]
    assert consciousness_score("alert") == 0 and consciousness_score("confused") == 3
    with pytest.raises(ValueError):
        consciousness_score("X")


def test_recorded_rounds_half_up_at_the_charts_resolution():
    assert recorded("temperature", 35.05) == 35.1   # the float is 35.0499..., the reading is 35.05
    assert recorded("temperature", 38.04) == 38.0
    assert recorded("spo2", 91.5) == 92 and recorded("spo2", 92.5) == 93   # not banker's rounding
    assert recorded("pulse", 130.49) == 130


FULL = dict(respiration_rate=16, spo2=97, on_oxygen=False, systolic=125, pulse=72, consciousness="A", temperature=36.8)


def _scored(**changes) -> News2Score:
    result = score(Observations(**{**FULL, **changes}))
    assert isinstance(result, News2Score)
    return result


@pytest.mark.parametrize(("changes", "total", "band", "trigger"), [
    ({}, 0, "low", "0"),
    ({"pulse": 95}, 1, "low", "1-4"),
    ({"pulse": 95, "respiration_rate": 22, "spo2": 95}, 4, "low", "1-4"),
    ({"systolic": 88}, 3, "low-medium", "single 3"),
    ({"consciousness": "C"}, 3, "low-medium", "single 3"),
    ({"temperature": 39.5, "pulse": 115}, 4, "low", "1-4"),
    ({"pulse": 115, "respiration_rate": 22, "spo2": 95}, 5, "medium", "5-6"),
    ({"pulse": 135, "respiration_rate": 22}, 5, "medium", "5-6"),      # a single 3 inside 5-6 is medium
    ({"pulse": 115, "respiration_rate": 22, "spo2": 93}, 6, "medium", "5-6"),
    ({"pulse": 115, "respiration_rate": 22, "spo2": 93, "on_oxygen": True}, 8, "high", "7+"),
    ({"pulse": 135, "respiration_rate": 26, "spo2": 90, "systolic": 88, "consciousness": "V",
      "temperature": 34.5, "on_oxygen": True}, 20, "high", "7+"),   # the chart's maximum
])
def test_aggregate_bands(changes, total, band, trigger):
    result = _scored(**changes)
    assert (result.total, result.band, result.trigger) == (total, band, trigger)
    assert result.red == any(s == 3 for s in result.scores.values())
    assert result.response == RESPONSE[trigger]
    assert result.complete


def test_classify_edges():
    assert classify(0, False) == ("low", "0")
    assert classify(4, False) == ("low", "1-4")
    assert classify(3, True) == ("low-medium", "single 3")
    assert classify(4, True) == ("low-medium", "single 3")
    assert classify(5, False) == ("medium", "5-6") and classify(6, True) == ("medium", "5-6")
    assert classify(7, False) == ("high", "7+") and classify(7, True) == ("high", "7+")


def test_scale2_with_and_without_oxygen_in_a_set():
    on_air = score(Observations(**{**FULL, "spo2": 90}, spo2_scale=2))
    assert isinstance(on_air, News2Score) and on_air.scores["spo2"] == 0 and on_air.total == 0
    on_o2 = score(Observations(**{**FULL, "spo2": 97, "on_oxygen": True}, spo2_scale=2))
    assert isinstance(on_o2, News2Score)
    assert on_o2.scores["spo2"] == 3 and on_o2.scores["air_or_oxygen"] == 2 and on_o2.trigger == "5-6"
    scale1 = score(Observations(**{**FULL, "spo2": 90}))
    assert isinstance(scale1, News2Score) and scale1.scores["spo2"] == 3


def test_a_partial_set_names_what_is_missing_and_is_a_lower_bound():
    result = score(Observations(pulse=72, spo2=97, respiration_rate=16, on_oxygen=False, consciousness="A"))
    assert isinstance(result, News2Score)
    assert result.missing == ("systolic", "temperature") and not result.complete
    assert "temperature" not in result.scores and result.total == 0


@pytest.mark.parametrize(("obs", "why"), [
    (Observations(spo2=97, respiration_rate=16, systolic=120, temperature=37), "pulse"),
    (Observations(pulse=72, respiration_rate=16, systolic=120, temperature=37), "spo2"),
    (Observations(pulse=72, spo2=97, on_oxygen=False, consciousness="A"), "respiration rate, systolic"),
    (Observations(), "pulse and spo2"),
])
def test_too_little_is_not_scored(obs, why):
    result = score(obs)
    assert isinstance(result, NotScored)
    assert why in result.reason


NOW = datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)


def test_stale_readings_are_named_and_not_scored():
    latest = {
        "pulse": Reading(140, NOW - timedelta(minutes=90)),
        "spo2": Reading(97, NOW - timedelta(minutes=5)),
        "respiration_rate": Reading(16, NOW - timedelta(minutes=5)),
        "temperature": Reading(39.5, NOW - timedelta(hours=5), "manual"),
        "air_or_oxygen": Reading("air", NOW), "consciousness": Reading("A", NOW),
    }
    fresh = Freshness({"pulse": 60, "temperature": 240})
    obs = observations(latest, NOW, fresh)
    assert obs.pulse is None and obs.temperature is None and set(obs.stale) == {"pulse", "temperature"}
    result = score(obs)
    assert isinstance(result, NotScored)                   # pulse is required, and it is stale
    assert result.stale == ("pulse", "temperature") and result.missing == ("systolic",)
    latest["pulse"] = Reading(72, NOW - timedelta(minutes=1))
    result = score(observations(latest, NOW, fresh))
    assert isinstance(result, News2Score)
    assert result.stale == ("temperature",) and "temperature" not in result.scores and result.total == 0


def test_a_reading_exactly_at_its_age_limit_is_still_fresh():
    latest = {"pulse": Reading(72, NOW - timedelta(minutes=60))}
    assert observations(latest, NOW, Freshness({"pulse": 60})).pulse == 72
    latest = {"pulse": Reading(72, NOW - timedelta(minutes=60, seconds=1))}
    assert observations(latest, NOW, Freshness({"pulse": 60})).stale == ("pulse",)
