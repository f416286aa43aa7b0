"""The wearable (watch, band): vital signs, steps, motion bursts, location, falls and SOS."""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from assistant.commands import Command, Speak, Vibrate
from assistant.events import (
    AccelerationSampled,
    ButtonPressed,
    Event,
    FallDetected,
    LocationReported,
    SosPressed,
    StepsCounted,
    VitalSignsMeasured,
    WearStateReported,
)
from devices.codec import KindCodec
from devices.schemas import G, Heartbeat, Metres, Payload, Steps, Strict

MAX_ACCEL_SAMPLES = 1000

Sample = Annotated[tuple[G, ...], Field(min_length=3, max_length=3)]
"""One accelerometer reading (x, y, z) in g; a variadic tuple gives "should have 3 items" errors."""

VITALS = ("heart_rate", "spo2", "skin_temp", "systolic", "diastolic", "respiration_rate")


class Accel(Strict):
    """A burst of accelerometer samples taken at ``rate_hz``."""

    rate_hz: Annotated[float, Field(gt=0, le=10_000)]
    samples: Annotated[tuple[Sample, ...], Field(max_length=MAX_ACCEL_SAMPLES)]


class WearableState(Payload):
    """The wearable's ``state`` topic (docs/mqtt.md, "wearable")."""

    heart_rate: Annotated[float, Field(ge=20, le=250)] | None = None
    spo2: Annotated[float, Field(ge=50, le=100)] | None = None
    skin_temp: Annotated[float, Field(ge=25, le=45)] | None = None
    systolic: Annotated[float, Field(ge=50, le=260)] | None = None
    diastolic: Annotated[float, Field(ge=30, le=160)] | None = None
    respiration_rate: Annotated[float, Field(ge=4, le=60)] | None = None
    steps: Steps | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    accuracy: Metres | None = None
    worn: bool | None = None
    accel: Accel | None = None

    @model_validator(mode="after")
    def _fix_is_whole(self) -> WearableState:
        # Half a GPS fix would put someone on the equator or the prime meridian.
        if (self.lat is None) != (self.lon is None):
            given, missing = ("lat", "lon") if self.lon is None else ("lon", "lat")
            raise PydanticCustomError("location_pair", f"{missing}: required together with {given}")
        if self.accuracy is not None and self.lat is None:
            raise PydanticCustomError("location_pair", "accuracy: given without lat and lon")
        return self

    def to_events(self) -> list[Event]:
        events: list[Event] = []
        vitals: dict[str, Any] = {name: getattr(self, name) for name in VITALS}
        if any(value is not None for value in vitals.values()):
            events.append(VitalSignsMeasured(**vitals))
        if self.steps is not None:
            events.append(StepsCounted(steps=self.steps))
        if self.accel is not None and self.accel.samples:
            # Each sample is checked to hold exactly 3 numbers, so the cast is true.
            samples = cast("tuple[tuple[float, float, float], ...]", self.accel.samples)
            events.append(AccelerationSampled(rate_hz=self.accel.rate_hz, samples=samples))
        if self.lat is not None and self.lon is not None:
            events.append(LocationReported(lat=self.lat, lon=self.lon, accuracy=self.accuracy))
        if self.worn is not None:
            events.append(WearStateReported(worn=self.worn))
        return events + self.battery_events()


class FallEvent(Payload):
    """The wearable's own fall detector fired."""

    type: Literal["fall"]

    def to_events(self) -> list[Event]:
        return [FallDetected(source="device"), *self.battery_events()]


class SosEvent(Payload):
    """The SOS button (or gesture) was used."""

    type: Literal["sos"]

    def to_events(self) -> list[Event]:
        return [SosPressed(), *self.battery_events()]


class ButtonEvent(Payload):
    """A press that is not an SOS; a bare ``{"type": "button"}`` is a single press."""

    type: Literal["button"]
    action: Literal["single", "double", "long", "cancel"] = "single"

    def to_events(self) -> list[Event]:
        return [ButtonPressed(action=self.action), *self.battery_events()]


def encode(command: Command) -> dict[str, Any] | None:
    """``/set`` bodies a wearable understands (SetHeartbeat is handled for every kind)."""
    if isinstance(command, Vibrate):
        if not command.seconds > 0:
            raise ValueError(f"vibrate seconds must be > 0, not {command.seconds!r}")
        return {"vibrate": command.seconds}
    if isinstance(command, Speak):
        return {"say": command.text, "language": command.language}
    return None


WEARABLE = KindCodec(
    "wearable", state=WearableState, events=(FallEvent, SosEvent, ButtonEvent, Heartbeat), encode=encode
)
