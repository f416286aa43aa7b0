"""Devices the hub drives: lights, switches / plugs, fans, covers (blinds, curtains) and speaker satellites."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from assistant.commands import Close, Command, Open, SetPosition, Speak, Stop, TurnOff, TurnOn
from assistant.events import CoverStateReported, Event, SpeakerStateReported, SwitchStateReported, UtteranceReported
from devices.codec import KindCodec, brightness
from devices.schemas import Brightness, Heartbeat, OnOff, Payload, Watts


class SwitchedState(Payload):
    """``{"state": "on", "brightness": 180}`` or ``{"state": "off", "power": 0.0}``."""

    state: OnOff | None = None
    brightness: Brightness | None = None
    power: Watts | None = None

    @model_validator(mode="after")
    def _state_with_readings(self) -> SwitchedState:
        # SwitchStateReported needs on/off; a brightness alone would have to be dropped silently.
        if self.state is None and (self.brightness is not None or self.power is not None):
            given = "brightness" if self.brightness is not None else "power"
            raise PydanticCustomError("state_missing", f"state: required together with {given}")
        return self

    def to_events(self) -> list[Event]:
        events: list[Event] = []
        if self.state is not None:
            events.append(
                SwitchStateReported(on=self.state == "on", brightness=self.brightness, power=self.power)
            )
        return events + self.battery_events()


class FanState(Payload):
    """``{"state": "on", "speed": 60}``: on or off, and how fast (percent) when the fan says."""

    state: OnOff | None = None
    speed: Annotated[int, Field(ge=0, le=100)] | None = None

    def to_events(self) -> list[Event]:
        events: list[Event] = []
        if self.state is not None:
            events.append(SwitchStateReported(on=self.state == "on"))
        return events + self.battery_events()


class CoverState(Payload):
    """``{"state": "closed", "position": 0}``: where blinds or curtains are (position: percent open)."""

    state: Literal["open", "closed", "opening", "closing", "stopped"] | None = None
    position: Annotated[int, Field(ge=0, le=100)] | None = None

    def to_events(self) -> list[Event]:
        events: list[Event] = []
        if self.state is not None or self.position is not None:
            events.append(CoverStateReported(state=self.state, position=self.position))
        return events + self.battery_events()


class SpeakerState(Payload):
    """``{"volume": 60, "muted": false}``."""

    volume: Annotated[int, Field(ge=0, le=100)] | None = None
    muted: bool | None = None

    def to_events(self) -> list[Event]:
        events: list[Event] = []
        if self.volume is not None or self.muted is not None:
            events.append(SpeakerStateReported(volume=self.volume, muted=self.muted))
        return events + self.battery_events()


class HeardEvent(Payload):
    """``{"type": "heard", "text": "I'm fine, thank you", "language": "en"}``: a satellite that does its own
    speech-to-text (or a tablet someone typed on) sends the words; carehub takes them as said in the
    speaker's room by its person and answers on the speaker."""

    type: Literal["heard"]
    text: Annotated[str, Field(min_length=1, max_length=500)]
    language: Annotated[str, Field(max_length=16, pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")] | None = None

    def to_events(self) -> list[Event]:
        return [UtteranceReported(text=self.text.strip(), language=self.language or ""), *self.battery_events()]


def encode_light(command: Command) -> dict[str, Any] | None:
    """``{"state": "on", "brightness": 128}`` / ``{"state": "off"}``."""
    if isinstance(command, TurnOn):
        if command.brightness is None:
            return {"state": "on"}
        return {"state": "on", "brightness": brightness(command.brightness)}
    if isinstance(command, TurnOff):
        return {"state": "off"}
    return None


def encode_switch(command: Command) -> dict[str, Any] | None:
    """``{"state": "on"}`` / ``{"state": "off"}``; a plug cannot dim, so brightness is not sent."""
    if isinstance(command, TurnOn):
        return {"state": "on"}
    if isinstance(command, TurnOff):
        return {"state": "off"}
    return None


def encode_cover(command: Command) -> dict[str, Any] | None:
    """``{"state": "open" | "close" | "stop"}`` / ``{"position": 40}``."""
    if isinstance(command, (Open, TurnOn)):
        return {"state": "open"}
    if isinstance(command, (Close, TurnOff)):
        return {"state": "close"}
    if isinstance(command, Stop):
        return {"state": "stop"}
    if isinstance(command, SetPosition):
        return {"position": percent(command.position)}
    return None


def percent(value: int) -> int:
    """Check a cover position before it reaches a device that would misread it."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValueError(f"position must be a whole number 0-100, not {value!r}")
    return value


def encode_speaker(command: Command) -> dict[str, Any] | None:
    """``{"say": "Time for your pills", "language": "en"}``."""
    if isinstance(command, Speak):
        return {"say": command.text, "language": command.language}
    return None


LIGHT = KindCodec("light", state=SwitchedState, events=(Heartbeat,), encode=encode_light)
SWITCH = KindCodec("switch", state=SwitchedState, events=(Heartbeat,), encode=encode_switch)
SPEAKER = KindCodec("speaker", state=SpeakerState, events=(HeardEvent, Heartbeat), encode=encode_speaker)
FAN = KindCodec("fan", state=FanState, events=(Heartbeat,), encode=encode_switch)
COVER = KindCodec("cover", state=CoverState, events=(Heartbeat,), encode=encode_cover)
