"""Home Assistant's entity states as carehub readings, and carehub's commands as Home Assistant service calls.

Pure functions, like the device adapters: ``readings`` is a mapped entity's decoder, ``service_call`` its
encoder. Both raise carehub's usual errors (``DecodeError``, ``UnsupportedCommand``) with a readable reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assistant.commands import Command, Lock, Speak, TurnOff, TurnOn, Unlock
from assistant.config import DeviceConfig
from assistant.errors import DecodeError, UnsupportedCommand
from assistant.events import (
    ClimateMeasured, ContactChanged, Event, LocationReported, LockStateReported, MotionCleared, MotionDetected,
    OccupancyChanged, SpeakerStateReported, SwitchStateReported,
)

UNAVAILABLE = "unavailable"
UNKNOWN = "unknown"
LOCK_STATES: dict[str, tuple[bool | None, bool]] = {
    "locked": (True, False), "unlocked": (False, False), "open": (False, False), "jammed": (None, True)}
"""A Home Assistant lock's states as carehub's (locked, jammed); ``locking``, ``unlocking`` and ``opening`` are on
the way to one."""
CHANGES_ONLY = ("motion", "contact", "occupancy")
"""Kinds whose events say that something happened: an attribute changing under the same state is no news."""


@dataclass(frozen=True)
class EntityState:
    """One state of one Home Assistant entity, as its REST and websocket APIs give it."""

    entity_id: str
    state: str
    attributes: dict[str, Any] = field(default_factory=dict)
    last_changed: str = ""
    """ISO-8601, as Home Assistant wrote it: when the state (not an attribute) last changed."""
    last_updated: str = ""
    """ISO-8601: when the state or an attribute last changed."""
    context_id: str | None = None
    """Home Assistant's context id: what caused the change (a user, an automation, a device)."""

    @classmethod
    def from_json(cls, data: Any) -> EntityState:
        """A state object from the websocket (``new_state`` of ``state_changed``) or ``GET /api/states``."""
        if not isinstance(data, dict) or not isinstance(data.get("entity_id"), str) \
                or not isinstance(data.get("state"), str):
            raise DecodeError("not a Home Assistant state (entity_id and state are needed)")
        context: dict[str, Any] = data["context"] if isinstance(data.get("context"), dict) else {}
        attributes: dict[str, Any] = data["attributes"] if isinstance(data.get("attributes"), dict) else {}
        return cls(entity_id=data["entity_id"], state=data["state"], attributes=attributes,
                   last_changed=str(data.get("last_changed") or ""),
                   last_updated=str(data.get("last_updated") or data.get("last_changed") or ""),
                   context_id=context.get("id") if isinstance(context.get("id"), str) else None)

    @property
    def domain(self) -> str:
        return self.entity_id.split(".")[0]

    def newer_than(self, other: EntityState) -> bool:
        try:
            return datetime.fromisoformat(self.last_updated) > datetime.fromisoformat(other.last_updated)
        except ValueError:
            return self.last_updated != other.last_updated


def _number(value: Any, what: str, low: float, high: float) -> float | None:
    if value is None or value in (UNKNOWN, UNAVAILABLE, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DecodeError(f"{what}: not a number: {str(value)[:40]!r}") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise DecodeError(f"{what}: {number} is out of range ({low} to {high})")
    return number


def _on_off(state: EntityState, on: str = "on", off: str = "off") -> bool:
    if state.state not in (on, off):
        raise DecodeError(f"state: '{state.state[:40]}' is neither {on} nor {off}")
    return state.state == on


def readings(device: DeviceConfig, state: EntityState) -> list[Event]:
    """The carehub events one state of the entity mapped to ``device`` says (none for ``unknown``)."""
    if state.state == UNKNOWN and device.kind != "climate":
        return []
    kind = device.kind
    if kind == "motion":
        return [MotionDetected() if _on_off(state) else MotionCleared()]
    if kind == "contact":
        return [ContactChanged(open=_on_off(state))]
    if kind == "occupancy":
        return [OccupancyChanged(occupied=_on_off(state))]
    if kind in ("light", "switch"):
        on = _on_off(state)
        brightness = _number(state.attributes.get("brightness"), "brightness", 0, 255) if kind == "light" else None
        power = _number(state.attributes.get("current_power_w"), "current_power_w", 0, 100000) \
            if kind == "switch" else None
        return [SwitchStateReported(on=on, brightness=None if brightness is None else int(brightness), power=power)]
    if kind == "climate":
        return _climate(state)
    if kind == "lock":
        if state.state in ("locking", "unlocking", "opening"):
            return []
        if state.state not in LOCK_STATES:
            raise DecodeError(f"state: '{state.state[:40]}' is not a lock's (locked, unlocked, jammed, open)")
        locked, jammed = LOCK_STATES[state.state]
        return [LockStateReported(locked=locked, jammed=jammed)]
    if kind == "speaker":
        volume = _number(state.attributes.get("volume_level"), "volume_level", 0, 1)
        muted = state.attributes.get("is_volume_muted")
        if volume is None and not isinstance(muted, bool):
            return []
        return [SpeakerStateReported(volume=None if volume is None else round(volume * 100),
                                     muted=muted if isinstance(muted, bool) else None)]
    if kind == "phone":
        lat = _number(state.attributes.get("latitude"), "latitude", -90, 90)
        lon = _number(state.attributes.get("longitude"), "longitude", -180, 180)
        if lat is None or lon is None:
            return []  # a tracker that only says home / not_home has no fix to give
        return [LocationReported(lat=lat, lon=lon,
                                 accuracy=_number(state.attributes.get("gps_accuracy"), "gps_accuracy", 0, 1e7))]
    raise DecodeError(f"carehub does not read Home Assistant entities as a {kind}")


def _climate(state: EntityState) -> list[Event]:
    if state.domain == "climate":
        temperature = _number(state.attributes.get("current_temperature"), "current_temperature", -60, 100)
        humidity = _number(state.attributes.get("current_humidity"), "current_humidity", 0, 100)
        target = _number(state.attributes.get("temperature"), "temperature", -60, 100)
    elif state.attributes.get("device_class") == "humidity":
        temperature, target = None, None
        humidity = _number(state.state, "state", 0, 100)
    else:
        temperature, humidity, target = _number(state.state, "state", -60, 100), None, None
        if temperature is not None and state.attributes.get("unit_of_measurement") == "°F":
            temperature = round((temperature - 32) * 5 / 9, 2)
    if temperature is None and humidity is None and target is None:
        return []
    return [ClimateMeasured(temperature=temperature, humidity=humidity, target=target)]


def service_call(entity_id: str, device: DeviceConfig, command: Command,
                 tts: str | None = None) -> tuple[str, str, dict[str, Any]]:
    """The Home Assistant service (domain, service, data) that carries ``command`` out on ``entity_id``."""
    domain = entity_id.split(".")[0]
    if isinstance(command, (TurnOn, TurnOff)) and device.kind in ("light", "switch", "speaker"):
        data: dict[str, Any] = {"entity_id": entity_id}
        if isinstance(command, TurnOn) and command.brightness is not None and domain == "light":
            data["brightness"] = command.brightness
        return domain, "turn_on" if isinstance(command, TurnOn) else "turn_off", data
    if isinstance(command, (Lock, Unlock)) and device.kind == "lock":
        return "lock", "lock" if isinstance(command, Lock) else "unlock", {"entity_id": entity_id}
    if isinstance(command, Speak) and device.kind == "speaker" and tts is not None:
        return "tts", "speak", {"entity_id": tts, "media_player_entity_id": entity_id, "message": command.text}
    raise UnsupportedCommand(f"{device.kind} in Home Assistant", command)
