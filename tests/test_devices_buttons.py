"""devices: panic buttons, pillboxes and the phone bridge."""

from __future__ import annotations

import json

import pytest

from assistant.commands import SetHeartbeat, Speak, TurnOn
from assistant.errors import DecodeError, UnsupportedCommand
from assistant.events import (
    BatteryReported,
    ButtonPressed,
    CallReported,
    PillboxOpened,
    SmsReceived,
    SosPressed,
)
from devices import decode, encode


def reason_for(kind: str, channel: str, payload: bytes) -> str:
    with pytest.raises(DecodeError) as caught:
        decode(kind, channel, payload)
    return caught.value.reason


def event(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def test_button_sos():
    decoded = decode("button", "event", event(type="sos", msg_id="b-1", battery=88))
    assert decoded.events == [SosPressed(), BatteryReported(level=88)]
    assert decoded.msg_id == "b-1"


@pytest.mark.parametrize("action", ["single", "double", "long", "cancel"])
def test_button_press(action):
    assert decode("button", "event", event(type="button", action=action)).events == [ButtonPressed(action=action)]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (event(type="button", action="hold"), "action: Input should be 'single', 'double', 'long' or 'cancel'"),
        (event(type="fall"), "unknown event type 'fall' for a button"),
        (event(type="sos", pressed=True), "unexpected field 'pressed'"),
    ],
)
def test_bad_button_event(payload, expected):
    assert reason_for("button", "event", payload) == expected


def test_button_state_carries_only_the_battery():
    assert decode("button", "state", b'{"battery": 55}').events == [BatteryReported(level=55)]
    assert reason_for("button", "state", b'{"pressed": true}') == "unexpected field 'pressed'"


def test_pillbox_opened():
    decoded = decode("pillbox", "event", event(type="pillbox_opened", compartment="mon-am"))
    assert decoded.events == [PillboxOpened(compartment="mon-am")]


def test_pillbox_lid_opened_without_compartment():
    assert decode("pillbox", "event", event(type="pillbox_opened")).events == [PillboxOpened()]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (event(type="pillbox_opened", compartment=3), "compartment: Input should be a valid string"),
        (event(type="pillbox_opened", compartment=""), "compartment: String should have at least 1 character"),
        (event(type="sos"), "unknown event type 'sos' for a pillbox"),
    ],
)
def test_bad_pillbox_event(payload, expected):
    assert reason_for("pillbox", "event", payload) == expected


def test_pillbox_state():
    assert decode("pillbox", "state", b'{"battery": 64}').events == [BatteryReported(level=64)]
    assert reason_for("pillbox", "state", b'{"open": true}') == "unexpected field 'open'"


def test_phone_call():
    payload = event(
        type="call",
        call_id="c-17",
        direction="incoming",
        number="+8613800000000",
        state="answered",
        transcript="this is the police, your bank account ...",
    )
    assert decode("phone", "event", payload).events == [
        CallReported(
            call_id="c-17",
            direction="incoming",
            number="+8613800000000",
            state="answered",
            transcript="this is the police, your bank account ...",
        )
    ]


def test_phone_call_from_a_withheld_number():
    payload = event(type="call", direction="incoming", number="", state="ringing")
    expected = CallReported(direction="incoming", number="", state="ringing")
    assert decode("phone", "event", payload).events == [expected]


def test_sms():
    payload = event(type="sms", number="95555", text="Your parcel is held, pay the fee at ...")
    assert decode("phone", "event", payload).events == [
        SmsReceived(number="95555", text="Your parcel is held, pay the fee at ...")
    ]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (event(type="call", number="1", state="ringing"), "direction: Field required"),
        (
            event(type="call", direction="inbound", number="1", state="ringing"),
            "direction: Input should be 'incoming' or 'outgoing'",
        ),
        (
            event(type="call", direction="incoming", number="1", state="missed"),
            "state: Input should be 'ringing', 'answered' or 'ended'",
        ),
        (
            event(type="call", direction="incoming", number=8613800000000, state="ringing"),
            "number: Input should be a valid string",
        ),
        (event(type="sms", number="95555"), "text: Field required"),
        (event(type="sms", number="95555", text="hi", body="hi"), "unexpected field 'body'"),
        (event(type="voicemail"), "unknown event type 'voicemail' for a phone"),
    ],
)
def test_bad_phone_event(payload, expected):
    assert reason_for("phone", "event", payload) == expected


@pytest.mark.parametrize("kind", ["button", "pillbox", "phone"])
def test_heartbeat(kind):
    assert decode(kind, "event", b'{"type": "heartbeat"}').heartbeat is True


@pytest.mark.parametrize("kind", ["button", "pillbox", "phone"])
def test_no_commands_but_heartbeat(kind):
    assert encode(kind, SetHeartbeat(interval=120)) == b'{"heartbeat":120}'
    for command in (TurnOn(), Speak(text="hi")):
        with pytest.raises(UnsupportedCommand):
            encode(kind, command)


def test_phone_notification_command():
    from assistant.commands import Notify
    from devices import encode

    assert json.loads(encode("phone", Notify(text="Time for your pills"))) == {
        "notify": "Time for your pills", "title": "carehub"}
    with pytest.raises(ValueError, match="needs text"):
        encode("phone", Notify(text="  "))
