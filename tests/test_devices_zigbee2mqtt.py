"""devices.zigbee2mqtt: Zigbee2MQTT payloads in, Zigbee2MQTT commands out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.commands import SetHeartbeat, Speak, TurnOff, TurnOn
from assistant.errors import DecodeError, UnsupportedCommand
from assistant.events import (
    BatteryReported,
    ButtonPressed,
    ClimateMeasured,
    ContactChanged,
    MotionCleared,
    MotionDetected,
    OccupancyChanged,
    SosPressed,
    SwitchStateReported,
)
from devices import zigbee2mqtt

FIXTURES = Path(__file__).parent / "fixtures" / "zigbee2mqtt"


def recorded(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def reason_for(kind: str, payload: bytes) -> str:
    with pytest.raises(DecodeError) as caught:
        zigbee2mqtt.decode(kind, payload)
    return caught.value.reason


def test_aqara_motion_sensor_occupancy_is_motion():
    decoded = zigbee2mqtt.decode("motion", recorded("aqara_rtcgq11lm_motion.json"))
    assert decoded.events == [MotionDetected(), BatteryReported(level=100)]
    assert decoded.msg_id is None and decoded.device_ts is None and decoded.heartbeat is False


def test_aqara_motion_sensor_clearing():
    decoded = zigbee2mqtt.decode("motion", recorded("aqara_rtcgq11lm_motion_cleared.json"))
    assert decoded.events == [MotionCleared(), BatteryReported(level=100)]


def test_aqara_door_contact_false_means_open():
    decoded = zigbee2mqtt.decode("contact", recorded("aqara_mccgq11lm_contact_open.json"))
    assert decoded.events == [ContactChanged(open=True), BatteryReported(level=91)]


def test_contact_true_means_closed():
    assert zigbee2mqtt.decode("contact", b'{"contact": true}').events == [ContactChanged(open=False)]


def test_aqara_climate_sensor():
    decoded = zigbee2mqtt.decode("climate", recorded("aqara_wsdcgq11lm_climate.json"))
    assert decoded.events == [ClimateMeasured(temperature=21.68, humidity=47.32), BatteryReported(level=87)]


def test_aqara_button_hold_is_a_long_press():
    decoded = zigbee2mqtt.decode("button", recorded("aqara_wxkg11lm_button_hold.json"))
    assert decoded.events == [ButtonPressed(action="long"), BatteryReported(level=100)]


def test_tuya_plug_state_and_power_ignoring_the_rest():
    decoded = zigbee2mqtt.decode("switch", recorded("tuya_ts011f_plug.json"))
    assert decoded.events == [SwitchStateReported(on=True, power=4.0)]


def test_ikea_bulb_state_and_brightness():
    decoded = zigbee2mqtt.decode("light", recorded("ikea_led1836g9_bulb.json"))
    assert decoded.events == [SwitchStateReported(on=True, brightness=180)]


def test_light_off():
    assert zigbee2mqtt.decode("light", b'{"state": "OFF", "brightness": 0}').events == [
        SwitchStateReported(on=False, brightness=0)
    ]


def test_bed_pad_occupancy_is_occupancy():
    assert zigbee2mqtt.decode("occupancy", b'{"occupancy": true, "linkquality": 40}').events == [
        OccupancyChanged(occupied=True)
    ]


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("single", [ButtonPressed(action="single")]),
        ("double", [ButtonPressed(action="double")]),
        ("hold", [ButtonPressed(action="long")]),
        ("long", [ButtonPressed(action="long")]),
        ("emergency", [SosPressed()]),
        ("sos", [SosPressed()]),
        ("release", []),
        ("triple", []),
        ("", []),
        (None, []),
    ],
)
def test_button_actions(action, expected):
    assert zigbee2mqtt.decode("button", json.dumps({"action": action}).encode()).events == expected


@pytest.mark.parametrize(
    "noise",
    [
        {"linkquality": 87},
        {"voltage": 3005},
        {"update": {"state": "available", "installed_version": 1, "latest_version": 2}},
        {"tamper": False},
        {"battery_low": True},
        {"last_seen": "2024-05-14T07:31:05+08:00"},
        {"update_available": None},
    ],
)
def test_fields_carehub_does_not_read_are_ignored(noise):
    payload = json.dumps({"occupancy": True, **noise}).encode()
    assert zigbee2mqtt.decode("motion", payload).events == [MotionDetected()]


def test_each_kind_reads_only_its_own_fields():
    payload = b'{"occupancy": true, "temperature": 24.5, "contact": false, "state": "ON"}'
    assert zigbee2mqtt.decode("motion", payload).events == [MotionDetected()]
    assert zigbee2mqtt.decode("climate", payload).events == [ClimateMeasured(temperature=24.5)]


def test_a_payload_with_nothing_carehub_reads_is_fine():
    assert zigbee2mqtt.decode("motion", b'{"linkquality": 12}').events == []


@pytest.mark.parametrize(
    ("kind", "payload", "expected"),
    [
        ("motion", b'{"occupancy": "true"}', "occupancy: Input should be a valid boolean"),
        ("contact", b'{"contact": 1}', "contact: Input should be a valid boolean"),
        ("motion", b'{"occupancy": true, "battery": 150}', "battery: Input should be less than or equal to 100"),
        ("light", b'{"state": "on"}', "state: Input should be 'ON' or 'OFF'"),
        ("light", b'{"state": "ON", "brightness": 300}', "brightness: Input should be less than or equal to 255"),
        ("switch", b'{"state": "ON", "power": -1}', "power: Input should be greater than or equal to 0"),
        ("climate", b'{"temperature": "21"}', "temperature: Input should be a valid number"),
        ("button", b'{"action": 1}', "action: Input should be a valid string"),
    ],
)
def test_fields_carehub_reads_are_still_checked(kind, payload, expected):
    assert reason_for(kind, payload) == expected


@pytest.mark.parametrize(
    ("payload", "expected_start"),
    [
        (b"{", "malformed JSON: "),
        (b"online", "malformed JSON: "),
        (b"[]", "payload must be a JSON object"),
    ],
)
def test_bad_payloads(payload, expected_start):
    assert reason_for("motion", payload).startswith(expected_start)


def test_kind_without_a_converter():
    assert reason_for("wearable", b"{}") == "no Zigbee2MQTT converter for a wearable"
    assert reason_for("thermometr", b"{}") == "unknown device kind 'thermometr'"


def test_convertible_kinds():
    assert zigbee2mqtt.KINDS == ("motion", "contact", "occupancy", "light", "switch", "climate", "button")


def test_encode_light():
    assert json.loads(zigbee2mqtt.encode("light", TurnOn(brightness=128))) == {"state": "ON", "brightness": 128}
    assert json.loads(zigbee2mqtt.encode("light", TurnOn())) == {"state": "ON"}
    assert json.loads(zigbee2mqtt.encode("light", TurnOff())) == {"state": "OFF"}


def test_encode_switch():
    assert zigbee2mqtt.encode("switch", TurnOn(brightness=10)) == b'{"state":"ON"}'
    assert zigbee2mqtt.encode("switch", TurnOff()) == b'{"state":"OFF"}'


def test_encode_refuses_impossible_brightness():
    with pytest.raises(ValueError, match="brightness"):
        zigbee2mqtt.encode("light", TurnOn(brightness=-1))


@pytest.mark.parametrize(
    ("kind", "command"),
    [
        ("light", Speak(text="hi")),
        ("light", SetHeartbeat(interval=60)),
        ("motion", TurnOn()),
        ("button", TurnOff()),
    ],
)
def test_encode_unsupported(kind, command):
    with pytest.raises(UnsupportedCommand):
        zigbee2mqtt.encode(kind, command)
