"""devices: motion, contact, occupancy and climate sensors."""

from __future__ import annotations

import pytest

from assistant.commands import SetHeartbeat, TurnOn
from assistant.errors import DecodeError, UnsupportedCommand
from assistant.events import (
    BatteryReported,
    ClimateMeasured,
    ContactChanged,
    MotionCleared,
    MotionDetected,
    OccupancyChanged,
)
from devices import decode, encode


def reason_for(kind: str, channel: str, payload: bytes) -> str:
    with pytest.raises(DecodeError) as caught:
        decode(kind, channel, payload)
    return caught.value.reason


def test_motion_detected_with_illuminance_and_battery():
    decoded = decode("motion", "state", b'{"motion": true, "illuminance": 12, "battery": 90}')
    assert decoded.events == [MotionDetected(), BatteryReported(level=90)]


def test_motion_cleared():
    assert decode("motion", "state", b'{"motion": false}').events == [MotionCleared()]


def test_motion_state_with_only_illuminance_says_nothing():
    assert decode("motion", "state", b'{"illuminance": 3}').events == []


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b'{"motion": "yes"}', "motion: Input should be a valid boolean"),
        (b'{"motion": 1}', "motion: Input should be a valid boolean"),
        (b'{"illuminance": -1}', "illuminance: Input should be greater than or equal to 0"),
        (b'{"occupancy": true}', "unexpected field 'occupancy'"),
    ],
)
def test_bad_motion_state(payload, expected):
    assert reason_for("motion", "state", payload) == expected


@pytest.mark.parametrize("is_open", [True, False])
def test_contact(is_open):
    payload = b'{"open": %s, "battery": 77}' % (b"true" if is_open else b"false")
    assert decode("contact", "state", payload).events == [ContactChanged(open=is_open), BatteryReported(level=77)]


def test_contact_open_must_be_a_boolean():
    assert reason_for("contact", "state", b'{"open": "true"}') == "open: Input should be a valid boolean"


def test_contact_does_not_speak_zigbee2mqtt_on_its_own_topic():
    assert reason_for("contact", "state", b'{"contact": true}') == "unexpected field 'contact'"


@pytest.mark.parametrize("occupied", [True, False])
def test_occupancy(occupied):
    payload = b'{"occupied": %s}' % (b"true" if occupied else b"false")
    assert decode("occupancy", "state", payload).events == [OccupancyChanged(occupied=occupied)]


def test_occupancy_must_be_a_boolean():
    assert reason_for("occupancy", "state", b'{"occupied": null, "battery": 101}') == (
        "battery: Input should be less than or equal to 100"
    )
    assert reason_for("occupancy", "state", b'{"occupied": 0}') == "occupied: Input should be a valid boolean"


def test_climate_reading():
    decoded = decode("climate", "state", b'{"temperature": 21.5, "humidity": 44, "target": 21}')
    assert decoded.events == [ClimateMeasured(temperature=21.5, humidity=44, target=21)]


def test_climate_partial_reading():
    assert decode("climate", "state", b'{"humidity": 51.2}').events == [ClimateMeasured(humidity=51.2)]


def test_climate_with_only_battery():
    assert decode("climate", "state", b'{"battery": 12}').events == [BatteryReported(level=12)]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b'{"temperature": 215}', "temperature: Input should be less than or equal to 100"),
        (b'{"temperature": "21.5"}', "temperature: Input should be a valid number"),
        (b'{"humidity": 101}', "humidity: Input should be less than or equal to 100"),
        (b'{"target": -60}', "target: Input should be greater than or equal to -50"),
        (b'{"temprature": 21}', "unexpected field 'temprature'"),
    ],
)
def test_bad_climate_reading(payload, expected):
    assert reason_for("climate", "state", payload) == expected


@pytest.mark.parametrize("kind", ["motion", "contact", "occupancy", "climate"])
def test_sensors_send_only_heartbeat_events(kind):
    assert decode(kind, "event", b'{"type": "heartbeat"}').heartbeat is True
    article = "an" if kind == "occupancy" else "a"
    assert reason_for(kind, "event", b'{"type": "sos"}') == f"unknown event type 'sos' for {article} {kind}"
    assert reason_for(kind, "event", b'{"type": "heartbeat", "motion": true}') == "unexpected field 'motion'"


@pytest.mark.parametrize("kind", ["motion", "contact", "occupancy", "climate"])
def test_sensors_take_only_a_heartbeat_command(kind):
    assert encode(kind, SetHeartbeat(interval=300)) == b'{"heartbeat":300}'
    with pytest.raises(UnsupportedCommand):
        encode(kind, TurnOn())
