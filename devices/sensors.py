"""Home sensors that only report: motion, contact, occupancy and climate."""

from __future__ import annotations



from assistant.events import (
    ClimateMeasured,
    ContactChanged,
    Event,
    MotionCleared,
    MotionDetected,
    OccupancyChanged,
)
from devices.codec import KindCodec
from devices.schemas import Celsius, Heartbeat, Lux, Payload, Percent


class MotionState(Payload):
    """``{"motion": true, "illuminance": 12}``; illuminance is accepted but not an event (yet)."""

    motion: bool | None = None
    illuminance: Lux | None = None

    def to_events(self) -> list[Event]:
        events: list[Event] = []
        if self.motion is not None:
            events.append(MotionDetected() if self.motion else MotionCleared())
        return events + self.battery_events()


class ContactState(Payload):
    """``{"open": true}`` from a door, window, fridge or cabinet contact."""

    open: bool | None = None

    def to_events(self) -> list[Event]:
        events: list[Event] = [] if self.open is None else [ContactChanged(open=self.open)]
        return events + self.battery_events()


class OccupancyState(Payload):
    """``{"occupied": true}`` from a bed or chair pad."""

    occupied: bool | None = None

    def to_events(self) -> list[Event]:
        events: list[Event] = [] if self.occupied is None else [OccupancyChanged(occupied=self.occupied)]
        return events + self.battery_events()


class ClimateState(Payload):
    """``{"temperature": 21.5, "humidity": 44, "target": 21}``."""

    temperature: Celsius | None = None
    humidity: Percent | None = None
    target: Celsius | None = None

    def to_events(self) -> list[Event]:
        events: list[Event] = []
        if self.temperature is not None or self.humidity is not None or self.target is not None:
            events.append(
                ClimateMeasured(temperature=self.temperature, humidity=self.humidity, target=self.target)
            )
        return events + self.battery_events()


MOTION = KindCodec("motion", state=MotionState, events=(Heartbeat,))
CONTACT = KindCodec("contact", state=ContactState, events=(Heartbeat,))
OCCUPANCY = KindCodec("occupancy", state=OccupancyState, events=(Heartbeat,))
CLIMATE = KindCodec("climate", state=ClimateState, events=(Heartbeat,))
