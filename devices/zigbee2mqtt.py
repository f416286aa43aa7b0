"""Zigbee2MQTT converters: read ``zigbee2mqtt/<friendly_name>`` and write its ``/set`` commands.

Zigbee2MQTT publishes the device's whole cached state with many fields carehub has no use for
(``linkquality``, ``voltage``, ``update``, ``tamper``, ...), and they differ per model, so unknown
fields are ignored here rather than rejected as on carehub's own topics. The fields a kind does
read are still checked strictly. Each kind reads only its own fields, so a motion sensor's
``temperature`` cannot make a climate reading.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, TypeAdapter

from assistant.commands import Command, TurnOff, TurnOn
from assistant.errors import DecodeError, UnsupportedCommand
from assistant.events import (
    BatteryReported,
    ButtonPressed,
    ClimateMeasured,
    ContactChanged,
    Event,
    MotionCleared,
    MotionDetected,
    OccupancyChanged,
    SosPressed,
    SwitchStateReported,
)
from devices.codec import Decoded, brightness, parse, to_json, with_article
from devices.schemas import Brightness, Celsius, Percent, Watts

__all__ = ["KINDS", "decode", "encode"]

ACTIONS: dict[str, str] = {
    "single": "single",
    "double": "double",
    "hold": "long",
    "long": "long",
    "cancel": "cancel",
}
"""Zigbee2MQTT ``action`` values that are button presses, as ButtonPressed actions."""

SOS_ACTIONS = frozenset({"emergency", "sos"})
"""``action`` values of panic buttons (e.g. Tuya TS0215A_sos sends ``emergency``)."""


class Z2mPayload(BaseModel):
    """Fields every Zigbee2MQTT device may report that carehub reads."""

    model_config = ConfigDict(extra="ignore", strict=True, allow_inf_nan=False, frozen=True)

    battery: Percent | None = None

    def to_events(self) -> list[Event]:
        return self.battery_events()

    def battery_events(self) -> list[Event]:
        return [] if self.battery is None else [BatteryReported(level=self.battery)]


class Z2mMotion(Z2mPayload):
    """``occupancy`` of a PIR sensor (e.g. Aqara RTCGQ11LM)."""

    occupancy: bool | None = None

    def to_events(self) -> list[Event]:
        events: list[Event] = []
        if self.occupancy is not None:
            events.append(MotionDetected() if self.occupancy else MotionCleared())
        return events + self.battery_events()


class Z2mContact(Z2mPayload):
    """``contact`` of a door / window sensor (e.g. Aqara MCCGQ11LM); true means closed."""

    contact: bool | None = None

    def to_events(self) -> list[Event]:
        events: list[Event] = [] if self.contact is None else [ContactChanged(open=not self.contact)]
        return events + self.battery_events()


class Z2mOccupancy(Z2mPayload):
    """``occupancy`` of a bed or chair pad."""

    occupancy: bool | None = None

    def to_events(self) -> list[Event]:
        events: list[Event] = [] if self.occupancy is None else [OccupancyChanged(occupied=self.occupancy)]
        return events + self.battery_events()


class Z2mSwitched(Z2mPayload):
    """``state`` ``ON`` / ``OFF`` of a light or plug, with ``brightness`` or ``power``."""

    state: Literal["ON", "OFF"] | None = None
    brightness: Brightness | None = None
    power: Watts | None = None

    uses_brightness: ClassVar[bool] = True

    def to_events(self) -> list[Event]:
        events: list[Event] = []
        if self.state is not None:
            events.append(
                SwitchStateReported(
                    on=self.state == "ON",
                    brightness=self.brightness if self.uses_brightness else None,
                    power=self.power,
                )
            )
        return events + self.battery_events()


class Z2mLight(Z2mSwitched):
    """A light; Zigbee2MQTT brightness is 0-254."""


class Z2mSwitch(Z2mSwitched):
    """A switch or plug; some plugs also report a brightness-like level that means nothing here."""

    uses_brightness: ClassVar[bool] = False


class Z2mClimate(Z2mPayload):
    """``temperature`` and ``humidity`` (e.g. Aqara WSDCGQ11LM)."""

    temperature: Celsius | None = None
    humidity: Percent | None = None

    def to_events(self) -> list[Event]:
        events: list[Event] = []
        if self.temperature is not None or self.humidity is not None:
            events.append(ClimateMeasured(temperature=self.temperature, humidity=self.humidity))
        return events + self.battery_events()


class Z2mButton(Z2mPayload):
    """``action`` of a button; values that are not presses (``release``, ``""``) are ignored."""

    action: str | None = None

    def to_events(self) -> list[Event]:
        events: list[Event] = []
        if self.action in SOS_ACTIONS:
            events.append(SosPressed())
        elif self.action in ACTIONS:
            events.append(ButtonPressed(action=ACTIONS[self.action]))
        return events + self.battery_events()


_MODELS: dict[str, type[Z2mPayload]] = {
    "motion": Z2mMotion,
    "contact": Z2mContact,
    "occupancy": Z2mOccupancy,
    "light": Z2mLight,
    "switch": Z2mSwitch,
    "climate": Z2mClimate,
    "button": Z2mButton,
}
_ADAPTERS: dict[str, TypeAdapter[Z2mPayload]] = {kind: TypeAdapter(model) for kind, model in _MODELS.items()}

KINDS: tuple[str, ...] = tuple(_ADAPTERS)
"""Device kinds that can be read from Zigbee2MQTT."""


def decode(kind: str, payload: bytes) -> Decoded:
    """Decode a ``zigbee2mqtt/<friendly_name>`` payload for a device of ``kind``.

    Zigbee2MQTT sends neither ``msg_id`` nor ``ts``, so those stay None, and it has no heartbeat.
    """
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        # Imported here, not at the top, so devices/__init__ may one day import this module.
        from devices import KINDS as ALL_KINDS

        if kind in ALL_KINDS:
            raise DecodeError(f"no Zigbee2MQTT converter for {with_article(kind)}")
        raise DecodeError(f"unknown device kind {kind!r}")
    return Decoded(events=parse(adapter, payload, kind=kind).to_events())


def encode(kind: str, command: Command) -> bytes:
    """The ``zigbee2mqtt/<friendly_name>/set`` payload: ``{"state": "ON", "brightness": 128}``."""
    body: dict[str, Any] | None = None
    if kind in ("light", "switch"):
        if isinstance(command, TurnOn):
            body = {"state": "ON"}
            if kind == "light" and command.brightness is not None:
                body["brightness"] = brightness(command.brightness)
        elif isinstance(command, TurnOff):
            body = {"state": "OFF"}
    if body is None:
        raise UnsupportedCommand(kind, command)
    return to_json(body)
