"""The state store: the latest known state of each device, folded from its events.

Events say what happened; the state store answers "is the kitchen light on?" without a query.
"""

from __future__ import annotations

from typing import Any

from assistant.events import (
    BatteryReported, ClimateMeasured, ContactChanged, CoverStateReported, DeviceCameOnline, DeviceWentOffline, Event,
    LocationReported, LockStateReported, MotionCleared, MotionDetected, OccupancyChanged, SpeakerStateReported,
    SwitchStateReported, VitalSignsMeasured, WearStateReported,
)


def fold(state: dict[str, Any], event: Event) -> dict[str, Any]:
    """The device state after ``event`` (a new dict; ``state`` is not changed)."""
    new = dict(state)
    if isinstance(event, (SwitchStateReported, ClimateMeasured, SpeakerStateReported, VitalSignsMeasured,
                          ContactChanged, OccupancyChanged, WearStateReported, LocationReported,
                          CoverStateReported, LockStateReported)):
        new.update({k: v for k, v in event.data().items() if v is not None})
    elif isinstance(event, MotionDetected):
        new["motion"] = True
    elif isinstance(event, MotionCleared):
        new["motion"] = False
    elif isinstance(event, BatteryReported):
        new["battery"] = event.level
    elif isinstance(event, DeviceCameOnline):
        new["online"] = True
    elif isinstance(event, DeviceWentOffline):
        new["online"] = False
    else:
        return state
    new["updated"] = event.ts.isoformat()
    return new


_PRESENCE = (MotionDetected, ContactChanged, OccupancyChanged)
"""Events that put their device's person in the device's room."""


class StateStore:
    """Latest state per device id, and the room each person was last noticed in."""

    def __init__(self, rooms: dict[str, str] | None = None) -> None:
        self._states: dict[str, dict[str, Any]] = {}
        self._rooms = rooms or {}
        """Room of each device id that has one."""
        self._presence: dict[str, tuple[str, Any]] = {}

    def room_of(self, person: str) -> str | None:
        """The room where ``person`` was last noticed by a room sensor, if any."""
        seen = self._presence.get(person)
        return seen[0] if seen else None

    def noticed_at(self, person: str) -> Any:
        """When ``person`` was last noticed by a room sensor (the event's time), if since the hub started."""
        seen = self._presence.get(person)
        return seen[1] if seen else None

    def apply(self, event: Event) -> bool:
        """Fold ``event`` in; True if the device's state changed."""
        if event.device is None:
            return False
        if event.person and isinstance(event, _PRESENCE) and event.device in self._rooms:
            self._presence[event.person] = (self._rooms[event.device], event.ts)
        old = self._states.get(event.device, {})
        new = fold(old, event)
        if new is old:
            return False
        self._states[event.device] = new
        return {k: v for k, v in new.items() if k != "updated"} != {k: v for k, v in old.items() if k != "updated"}

    def get(self, device: str) -> dict[str, Any]:
        return dict(self._states.get(device, {}))
