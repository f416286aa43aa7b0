"""devices: the public API across every kind."""

from __future__ import annotations

import dataclasses

import pytest

import devices
from assistant.commands import Command, SetHeartbeat, TurnOn
from assistant.errors import DecodeError, UnsupportedCommand
from assistant.events import BatteryReported
from devices import KINDS, Decoded, decode, encode


def test_public_api():
    assert set(devices.__all__) == {"KINDS", "Decoded", "decode", "encode"}
    assert KINDS == (
        "wearable", "motion", "contact", "occupancy", "light", "switch",
        "climate", "button", "pillbox", "speaker", "phone", "fan", "cover", "lock",
    )


def test_decoded_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Decoded(events=[]).heartbeat = True  # type: ignore[misc]


def test_unknown_kind():
    with pytest.raises(DecodeError) as caught:
        decode("thermometr", "state", b"{}")
    assert caught.value.reason == "unknown device kind 'thermometr'"
    with pytest.raises(UnsupportedCommand):
        encode("thermometr", TurnOn())


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_accepts_a_heartbeat_with_common_fields(kind):
    payload = b'{"type": "heartbeat", "msg_id": "m-9", "ts": "2024-05-14T07:31:05Z", "battery": 50}'
    decoded = decode(kind, "event", payload)
    assert decoded == Decoded(
        events=[BatteryReported(level=50)], msg_id="m-9", device_ts="2024-05-14T07:31:05Z", heartbeat=True
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_accepts_an_empty_state(kind):
    assert decode(kind, "state", b"{}") == Decoded(events=[])


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_rejects_unknown_fields_and_types(kind):
    with pytest.raises(DecodeError, match="unexpected field 'firmware'"):
        decode(kind, "state", b'{"firmware": "1.2"}')
    with pytest.raises(DecodeError, match="unknown event type 'reboot'"):
        decode(kind, "event", b'{"type": "reboot"}')


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_takes_set_heartbeat(kind):
    assert encode(kind, SetHeartbeat(interval=60)) == b'{"heartbeat":60}'


@pytest.mark.parametrize("interval", [0, -5, 1.5, True])
def test_impossible_heartbeat_interval_is_a_caller_bug(interval):
    with pytest.raises(ValueError, match="heartbeat interval"):
        encode("motion", SetHeartbeat(interval=interval))


def test_unknown_command_class():
    @dataclasses.dataclass(frozen=True)
    class Dance(Command):
        pass

    with pytest.raises(UnsupportedCommand, match="a wearable device cannot do Dance"):
        encode("wearable", Dance())


def test_payload_may_be_str():
    assert decode("motion", "state", '{"motion": true}').events
