"""devices: lights, switches / plugs and speaker satellites."""

from __future__ import annotations

import json

import pytest

from assistant.commands import SetHeartbeat, Speak, TurnOff, TurnOn, Vibrate
from assistant.errors import DecodeError, UnsupportedCommand
from assistant.events import SpeakerStateReported, SwitchStateReported, UtteranceReported
from devices import decode, encode


def reason_for(kind: str, channel: str, payload: bytes) -> str:
    with pytest.raises(DecodeError) as caught:
        decode(kind, channel, payload)
    return caught.value.reason


def test_light_state():
    decoded = decode("light", "state", b'{"state": "on", "brightness": 180}')
    assert decoded.events == [SwitchStateReported(on=True, brightness=180)]


def test_switch_state_with_power():
    decoded = decode("switch", "state", b'{"state": "off", "power": 0.0}')
    assert decoded.events == [SwitchStateReported(on=False, power=0.0)]


def test_switch_state_alone():
    assert decode("switch", "state", b'{"state": "on"}').events == [SwitchStateReported(on=True)]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b'{"state": "ON"}', "state: Input should be 'on' or 'off'"),
        (b'{"state": true}', "state: Input should be 'on' or 'off'"),
        (b'{"state": "on", "brightness": 256}', "brightness: Input should be less than or equal to 255"),
        (b'{"state": "on", "brightness": 12.5}', "brightness: Input should be a valid integer"),
        (b'{"state": "on", "power": -3}', "power: Input should be greater than or equal to 0"),
        (b'{"brightness": 10}', "state: required together with brightness"),
        (b'{"power": 10}', "state: required together with power"),
        (b'{"state": "on", "colour": "red"}', "unexpected field 'colour'"),
    ],
)
@pytest.mark.parametrize("kind", ["light", "switch"])
def test_bad_switched_state(kind, payload, expected):
    assert reason_for(kind, "state", payload) == expected


def test_speaker_state():
    decoded = decode("speaker", "state", b'{"volume": 60, "muted": false}')
    assert decoded.events == [SpeakerStateReported(volume=60, muted=False)]


def test_speaker_state_without_readings_says_nothing():
    assert decode("speaker", "state", b'{"msg_id": "s1"}').events == []


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b'{"volume": 101}', "volume: Input should be less than or equal to 100"),
        (b'{"muted": "no"}', "muted: Input should be a valid boolean"),
    ],
)
def test_bad_speaker_state(payload, expected):
    assert reason_for("speaker", "state", payload) == expected


def test_a_speaker_that_transcribes_for_itself_sends_what_it_heard():
    decoded = decode("speaker", "event", '{"type": "heard", "text": " 我吃过药了 ", "language": "zh-CN"}'.encode())
    assert decoded.events == [UtteranceReported(text="我吃过药了", language="zh-CN")]
    assert decode("speaker", "event", b'{"type": "heard", "text": "help me"}').events == [
        UtteranceReported(text="help me", language="")]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b'{"type": "heard", "text": ""}', "text: String should have at least 1 character"),
        (b'{"type": "heard"}', "text: Field required"),
        (b'{"type": "heard", "text": "hi", "language": "klingon!"}', "language: String should match pattern"),
        (('{"type": "heard", "text": "%s"}' % ("a" * 501)).encode(), "text: String should have at most 500"),
    ],
)
def test_bad_heard_events(payload, expected):
    assert reason_for("speaker", "event", payload).startswith(expected)


@pytest.mark.parametrize("kind", ["light", "switch", "speaker"])
def test_actuators_send_only_heartbeat_events(kind):
    assert decode(kind, "event", b'{"type": "heartbeat"}').heartbeat is True
    assert reason_for(kind, "event", b'{"type": "wake"}') == f"unknown event type 'wake' for a {kind}"


def test_encode_light():
    assert json.loads(encode("light", TurnOn(brightness=128))) == {"state": "on", "brightness": 128}
    assert json.loads(encode("light", TurnOn())) == {"state": "on"}
    assert json.loads(encode("light", TurnOff())) == {"state": "off"}


def test_encode_light_refuses_impossible_brightness():
    with pytest.raises(ValueError, match="brightness"):
        encode("light", TurnOn(brightness=300))


def test_encode_switch_ignores_brightness():
    assert json.loads(encode("switch", TurnOn())) == {"state": "on"}
    assert json.loads(encode("switch", TurnOn(brightness=50))) == {"state": "on"}
    assert json.loads(encode("switch", TurnOff())) == {"state": "off"}


def test_encode_speaker():
    assert json.loads(encode("speaker", Speak(text="Time for your pills"))) == {
        "say": "Time for your pills",
        "language": "en",
    }


@pytest.mark.parametrize("kind", ["light", "switch", "speaker"])
def test_encode_heartbeat(kind):
    assert json.loads(encode(kind, SetHeartbeat(interval=30))) == {"heartbeat": 30}


@pytest.mark.parametrize(
    ("kind", "command"),
    [
        ("light", Speak(text="hi")),
        ("switch", Vibrate()),
        ("speaker", TurnOn()),
        ("speaker", Vibrate()),
    ],
)
def test_unsupported_commands(kind, command):
    with pytest.raises(UnsupportedCommand) as caught:
        encode(kind, command)
    assert caught.value.kind == kind and caught.value.command == command


# -- fans and covers ---------------------------------------------------------------------------------------


def test_fan_state_and_commands():
    assert decode("fan", "state", b'{"state": "on", "speed": 60}').events == [SwitchStateReported(on=True)]
    assert json.loads(encode("fan", TurnOn(brightness=100))) == {"state": "on"}  # a fan does not dim
    assert json.loads(encode("fan", TurnOff())) == {"state": "off"}
    assert "speed: Input should be less than or equal to 100" in reason_for("fan", "state", b'{"speed": 140}')


def test_cover_state_and_commands():
    from assistant.commands import Close, Open, SetPosition, Stop
    from assistant.events import CoverStateReported

    assert decode("cover", "state", b'{"state": "closed", "position": 0}').events == [
        CoverStateReported(state="closed", position=0)]
    assert decode("cover", "state", b'{"position": 35}').events == [CoverStateReported(position=35)]
    assert [json.loads(encode("cover", c)) for c in (Open(), Close(), Stop(), SetPosition(40))] == [
        {"state": "open"}, {"state": "close"}, {"state": "stop"}, {"position": 40}]
    assert json.loads(encode("cover", TurnOn())) == {"state": "open"}  # "turn on the blinds" opens them
    assert "state: Input should be 'open', 'closed', 'opening', 'closing' or 'stopped'" in \
        reason_for("cover", "state", b'{"state": "half"}')
    with pytest.raises(ValueError, match="position must be a whole number 0-100"):
        encode("cover", SetPosition(140))
    with pytest.raises(UnsupportedCommand):
        encode("cover", Speak("hello"))
