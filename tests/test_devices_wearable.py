"""devices: the wearable kind's state, events and commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.commands import SetHeartbeat, Speak, TurnOn, Vibrate
from assistant.errors import DecodeError, UnsupportedCommand
from assistant.events import (
    AccelerationSampled,
    BatteryReported,
    ButtonPressed,
    FallDetected,
    LocationReported,
    SosPressed,
    StepsCounted,
    VitalSignsMeasured,
    WearStateReported,
)
from devices import decode, encode

FIXTURES = Path(__file__).parent / "fixtures" / "wearable"


def state(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def reason_for(channel: str, payload: bytes) -> str:
    with pytest.raises(DecodeError) as caught:
        decode("wearable", channel, payload)
    return caught.value.reason


def test_recorded_state_becomes_every_reading():
    raw = (FIXTURES / "watch_state.json").read_bytes()
    decoded = decode("wearable", "state", raw)
    samples = tuple(tuple(s) for s in json.loads(raw)["accel"]["samples"])
    assert decoded.events == [
        VitalSignsMeasured(
            heart_rate=74, spo2=96, skin_temp=33.8, systolic=128, diastolic=82, respiration_rate=16
        ),
        StepsCounted(steps=1842),
        AccelerationSampled(rate_hz=50, samples=samples),
        LocationReported(lat=31.230416, lon=121.473701, accuracy=8.5),
        WearStateReported(worn=True),
        BatteryReported(level=63),
    ]
    assert decoded.msg_id == "w7-000418"
    assert decoded.device_ts == "2024-05-14T07:31:05.250+08:00"
    assert decoded.heartbeat is False


def test_envelopes_are_left_for_the_hub_to_stamp():
    event = decode("wearable", "state", state(steps=1)).events[0]
    assert event.id == "" and event.home == "" and event.device is None and event.person is None


def test_only_the_vitals_present_are_set():
    assert decode("wearable", "state", state(heart_rate=61.5)).events == [VitalSignsMeasured(heart_rate=61.5)]


def test_no_vitals_means_no_vital_signs_event():
    assert decode("wearable", "state", state(worn=False)).events == [WearStateReported(worn=False)]


def test_empty_state_is_fine_and_says_nothing():
    decoded = decode("wearable", "state", b"{}")
    assert decoded.events == [] and decoded.msg_id is None and decoded.device_ts is None


def test_null_reading_counts_as_absent():
    assert decode("wearable", "state", state(heart_rate=None, steps=5)).events == [StepsCounted(steps=5)]


def test_device_ts_is_returned_as_the_device_wrote_it():
    assert decode("wearable", "state", state(ts="2024-05-14T07:31:05Z")).device_ts == "2024-05-14T07:31:05Z"


def test_location_accuracy_is_optional():
    events = decode("wearable", "state", state(lat=-33.86, lon=151.2)).events
    assert events == [LocationReported(lat=-33.86, lon=151.2)]


def test_accel_samples_are_tuples_of_three_floats():
    events = decode("wearable", "state", state(accel={"rate_hz": 25, "samples": [[0, 0, 1], [0.5, -0.5, 1]]})).events
    assert events == [AccelerationSampled(rate_hz=25.0, samples=((0.0, 0.0, 1.0), (0.5, -0.5, 1.0)))]
    assert isinstance(events[0].samples, tuple) and isinstance(events[0].samples[0], tuple)


def test_accel_with_no_samples_makes_no_event():
    assert decode("wearable", "state", state(accel={"rate_hz": 50, "samples": []})).events == []


def test_a_thousand_accel_samples_are_accepted():
    payload = state(accel={"rate_hz": 100, "samples": [[0, 0, 1]] * 1000})
    assert len(decode("wearable", "state", payload).events[0].samples) == 1000


@pytest.mark.parametrize(
    ("field", "low", "high"),
    [
        ("heart_rate", 20, 250),
        ("spo2", 50, 100),
        ("skin_temp", 25, 45),
        ("systolic", 50, 260),
        ("diastolic", 30, 160),
        ("respiration_rate", 4, 60),
        ("battery", 0, 100),
    ],
)
def test_out_of_range_reading_is_refused_naming_the_field(field, low, high):
    too_low, too_high = state(**{field: low - 0.5}), state(**{field: high + 0.5})
    assert reason_for("state", too_low) == f"{field}: Input should be greater than or equal to {low}"
    assert reason_for("state", too_high) == f"{field}: Input should be less than or equal to {high}"


def test_heart_rate_limits_are_inclusive():
    assert decode("wearable", "state", state(heart_rate=20)).events == [VitalSignsMeasured(heart_rate=20)]
    assert decode("wearable", "state", state(heart_rate=250)).events == [VitalSignsMeasured(heart_rate=250)]


def test_reason_for_heart_rate_too_high_is_readable():
    assert reason_for("state", state(heart_rate=300)) == "heart_rate: Input should be less than or equal to 250"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"lat": 90.5, "lon": 0}, "lat"),
        ({"lat": 0, "lon": -180.5}, "lon"),
        ({"steps": -1}, "steps"),
        ({"lat": 0, "lon": 0, "accuracy": -1}, "accuracy"),
    ],
)
def test_other_ranges_are_checked(fields, field):
    assert reason_for("state", state(**fields)).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"worn": "yes"}, "worn: Input should be a valid boolean"),
        ({"worn": 1}, "worn: Input should be a valid boolean"),
        ({"heart_rate": "72"}, "heart_rate: Input should be a valid number"),
        ({"heart_rate": True}, "heart_rate: Input should be a valid number"),
        ({"steps": 10.5}, "steps: Input should be a valid integer"),
        ({"msg_id": 17}, "msg_id: Input should be a valid string"),
        ({"ts": 1715643065}, "ts: Input should be a valid string"),
    ],
)
def test_wrong_type_is_refused_naming_the_field(fields, expected):
    assert reason_for("state", state(**fields)) == expected


def test_typo_in_a_field_name_is_refused():
    assert reason_for("state", state(hart_rate=72)) == "unexpected field 'hart_rate'"


def test_timestamp_must_be_iso_8601():
    assert reason_for("state", state(ts="yesterday")) == "ts: Input should be an ISO-8601 date-time, not 'yesterday'"


def test_msg_id_length_is_bounded():
    assert reason_for("state", state(msg_id="x" * 129)).startswith("msg_id: String should have at most 128")
    assert reason_for("state", state(msg_id="")).startswith("msg_id: String should have at least 1")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"lat": 31.2}, "lon: required together with lat"),
        ({"lon": 121.4}, "lat: required together with lon"),
        ({"accuracy": 10}, "accuracy: given without lat and lon"),
    ],
)
def test_half_a_location_is_refused(fields, expected):
    assert reason_for("state", state(**fields)) == expected


@pytest.mark.parametrize(
    ("accel", "expected"),
    [
        (
            {"rate_hz": 50, "samples": [[0, 0]]},
            "accel.samples.0: Tuple should have at least 3 items after validation, not 2",
        ),
        (
            {"rate_hz": 50, "samples": [[0, 0, 1, 2]]},
            "accel.samples.0: Tuple should have at most 3 items after validation, not 4",
        ),
        ({"rate_hz": 50, "samples": [[0, 0, 1], [0, "x", 1]]}, "accel.samples.1.1: Input should be a valid number"),
        ({"rate_hz": 0, "samples": []}, "accel.rate_hz: Input should be greater than 0"),
        ({"samples": []}, "accel.rate_hz: Field required"),
        ({"rate_hz": 50, "samples": [], "axis": "z"}, "unexpected field 'accel.axis'"),
        (
            {"rate_hz": 50, "samples": [[0, 0, 1]] * 1001},
            "accel.samples: Tuple should have at most 1000 items after validation, not 1001",
        ),
    ],
)
def test_bad_accel_is_refused_naming_the_field(accel, expected):
    assert reason_for("state", state(accel=accel)) == expected


def test_non_finite_numbers_are_refused():
    assert reason_for("state", b'{"skin_temp": NaN}') == "skin_temp: Input should be a finite number"
    assert reason_for("state", b'{"accel": {"rate_hz": 50, "samples": [[0, 0, Infinity]]}}') == (
        "accel.samples.0.2: Input should be a finite number"
    )


def test_many_problems_are_summarised():
    reason = reason_for("state", state(accel={"rate_hz": 50, "samples": [[0, 0]] * 20}))
    assert reason.count("accel.samples.") == 5
    assert reason.endswith("and 15 more problem(s)")


def test_several_problems_are_all_named():
    reason = reason_for("state", state(heart_rate=300, worn="yes"))
    assert reason == "heart_rate: Input should be less than or equal to 250; worn: Input should be a valid boolean"


@pytest.mark.parametrize("payload", [b"{", b"", b"\xff\xfe", b'{"heart_rate": 72,}'])
def test_malformed_json_is_refused(payload):
    assert reason_for("state", payload).startswith("malformed JSON: ")


@pytest.mark.parametrize("payload", [b"[]", b'"hello"', b"null", b"72", b"true"])
@pytest.mark.parametrize("channel", ["state", "event"])
def test_payload_must_be_an_object(channel, payload):
    assert reason_for(channel, payload) == "payload must be a JSON object"


def test_event_type_is_not_allowed_on_the_state_topic():
    assert reason_for("state", b'{"type": "fall"}') == "unexpected field 'type'"


# --- events ---------------------------------------------------------------------------------


def test_recorded_fall_event():
    decoded = decode("wearable", "event", (FIXTURES / "watch_fall_event.json").read_bytes())
    assert decoded.events == [FallDetected(source="device"), BatteryReported(level=63)]
    assert decoded.msg_id == "w7-000419"
    assert decoded.device_ts == "2024-05-14T07:31:09.870+08:00"
    assert decoded.heartbeat is False


def test_sos_event():
    assert decode("wearable", "event", b'{"type": "sos"}').events == [SosPressed()]


@pytest.mark.parametrize("action", ["single", "double", "long", "cancel"])
def test_button_event(action):
    payload = json.dumps({"type": "button", "action": action}).encode()
    assert decode("wearable", "event", payload).events == [ButtonPressed(action=action)]


def test_button_event_without_action_is_a_single_press():
    assert decode("wearable", "event", b'{"type": "button"}').events == [ButtonPressed(action="single")]


def test_heartbeat_event():
    decoded = decode("wearable", "event", b'{"type": "heartbeat", "msg_id": "h1"}')
    assert decoded.heartbeat is True and decoded.events == [] and decoded.msg_id == "h1"


def test_heartbeat_may_carry_the_battery_level():
    decoded = decode("wearable", "event", b'{"type": "heartbeat", "battery": 40}')
    assert decoded.heartbeat is True and decoded.events == [BatteryReported(level=40)]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b'{"type": "xyz"}', "unknown event type 'xyz' for a wearable"),
        (b'{"type": "pillbox_opened"}', "unknown event type 'pillbox_opened' for a wearable"),
        (b'{"type": 3}', "unknown event type '3' for a wearable"),
        (b"{}", "type: Field required"),
        (b'{"type": "button", "action": "triple"}', "action: Input should be 'single', 'double', 'long' or 'cancel'"),
        (b'{"type": "fall", "confidence": 0.9}', "unexpected field 'confidence'"),
        (b'{"type": "sos", "battery": "low"}', "battery: Input should be a valid number"),
        (b'{"type": "heartbeat", "ts": "now"}', "ts: Input should be an ISO-8601 date-time, not 'now'"),
    ],
)
def test_bad_event_is_refused_naming_the_problem(payload, expected):
    assert reason_for("event", payload) == expected


def test_unknown_channel_is_refused():
    with pytest.raises(DecodeError, match="unknown channel 'availability'"):
        decode("wearable", "availability", b"{}")


# --- commands -------------------------------------------------------------------------------


def test_encode_vibrate():
    assert json.loads(encode("wearable", Vibrate(seconds=1.5))) == {"vibrate": 1.5}


def test_encode_speak_keeps_unicode_readable():
    body = encode("wearable", Speak(text="你还好吗?", language="zh"))
    assert json.loads(body) == {"say": "你还好吗?", "language": "zh"}
    assert "你".encode() in body


def test_encode_set_heartbeat():
    assert json.loads(encode("wearable", SetHeartbeat(interval=60))) == {"heartbeat": 60}


def test_wearable_cannot_turn_on():
    with pytest.raises(UnsupportedCommand) as caught:
        encode("wearable", TurnOn())
    assert caught.value.kind == "wearable"


def test_impossible_vibration_is_a_caller_bug():
    with pytest.raises(ValueError, match="vibrate"):
        encode("wearable", Vibrate(seconds=0))
