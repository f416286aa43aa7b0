"""Which adapter reads a device's message, and which topic and payload carry a command to it.

A device talks either on carehub's own topics (``<prefix>/<home>/<device>/state|event|availability``,
commands on ``.../set``) or through Zigbee2MQTT (``zigbee2mqtt/<friendly name>``, commands on
``.../set``); ``config.yaml``'s ``zigbee2mqtt:`` name says which. Pure functions, like the adapters.
"""

from __future__ import annotations

import json

import devices
import devices.zigbee2mqtt
from assistant import topics
from assistant.commands import Command
from assistant.config import DeviceConfig
from assistant.errors import DecodeError
from assistant.ports import Availability, Decoded


AVAILABILITY_REASON_CHARS = 200


def parse_availability(payload: bytes) -> Availability:
    """``online`` or ``offline`` (plain text, any case, surrounding space ignored), or a device going away on
    purpose: ``{"state": "offline", "reason": "shutdown"}``; DecodeError otherwise."""
    text = payload.strip().decode("utf-8", "replace")
    if text.startswith("{"):
        try:
            message = json.loads(text)
        except ValueError:
            raise DecodeError("availability is not valid JSON") from None
        state, reason = message.get("state"), message.get("reason")
        if state not in ("online", "offline") or set(message) - {"state", "reason"}:
            raise DecodeError('availability JSON must be {"state": "online"|"offline", "reason": "..."}')
        if reason is not None and (not isinstance(reason, str) or not reason.strip()):
            raise DecodeError("availability reason must be a non-empty string")
        return Availability(state == "online", reason.strip()[:AVAILABILITY_REASON_CHARS] if reason else None)
    if text.lower() not in ("online", "offline"):
        raise DecodeError(f"availability must be 'online' or 'offline', not {text[:40]!r}")
    return Availability(text.lower() == "online")


def decode_readings(device: DeviceConfig, channel: str, payload: bytes) -> Decoded:
    """The events in a ``state`` or ``event`` payload, or a Zigbee2MQTT one (channel ``zigbee2mqtt``)."""
    if channel == "zigbee2mqtt":
        return devices.zigbee2mqtt.decode(device.kind, payload)
    return devices.decode(device.kind, channel, payload)


def command_message(device: DeviceConfig, command: Command, *, prefix: str, home: str,
                    zigbee2mqtt_topic: str) -> tuple[str, bytes]:
    """The topic and payload that carry ``command`` to ``device`` (UnsupportedCommand if it cannot)."""
    if device.zigbee2mqtt:
        return f"{zigbee2mqtt_topic}/{device.zigbee2mqtt}/set", devices.zigbee2mqtt.encode(device.kind, command)
    return topics.device_topic(prefix, home, device.id, "set"), devices.encode(device.kind, command)


class Adapters:
    """These functions as the hub's ``DeviceAdapters``."""

    def availability(self, payload: bytes) -> Availability:
        return parse_availability(payload)

    def decode(self, device: DeviceConfig, channel: str, payload: bytes) -> Decoded:
        return decode_readings(device, channel, payload)

    def command(self, device: DeviceConfig, command: Command, *, prefix: str, home: str,
                zigbee2mqtt_topic: str) -> tuple[str, bytes]:
        return command_message(device, command, prefix=prefix, home=home, zigbee2mqtt_topic=zigbee2mqtt_topic)
