"""Device kinds: payload schemas and pure decode / encode adapters.

``decode`` turns one MQTT payload from a device's ``state`` or ``event`` topic into typed events;
``encode`` turns a command into the device's ``/set`` payload. Both are pure: no I/O, no clock,
so the hub, the simulator and the tests all use them as they are. The contract is docs/mqtt.md.
"""

from __future__ import annotations

from assistant.commands import Command
from assistant.config import DEVICE_KINDS
from assistant.errors import DecodeError, UnsupportedCommand
from devices.actuators import COVER, FAN, LIGHT, SPEAKER, SWITCH
from devices.buttons import BUTTON, PILLBOX
from devices.codec import Decoded, KindCodec
from devices.locks import LOCK
from devices.phone import PHONE
from devices.sensors import CLIMATE, CONTACT, MOTION, OCCUPANCY
from devices.wearable import WEARABLE

__all__ = ["KINDS", "Decoded", "decode", "encode"]

KINDS: tuple[str, ...] = DEVICE_KINDS
"""Every device kind config.yaml may name (the list lives with the config's validation)."""

_CODECS: dict[str, KindCodec] = {
    codec.kind: codec
    for codec in (
        WEARABLE, MOTION, CONTACT, OCCUPANCY, LIGHT, SWITCH, CLIMATE, BUTTON, PILLBOX, SPEAKER, PHONE, FAN, COVER,
        LOCK,
    )
}
assert tuple(_CODECS) == KINDS, "every kind config.yaml accepts needs exactly one codec, in the same order"


def decode(kind: str, channel: str, payload: bytes) -> Decoded:
    """Decode a payload from ``<device>/state`` (channel ``"state"``) or ``<device>/event`` (``"event"``).

    Raises DecodeError whose ``reason`` names the offending field, for the ``message_rejected`` row.
    """
    codec = _CODECS.get(kind)
    if codec is None:
        raise DecodeError(f"unknown device kind {kind!r}")
    return codec.decode(channel, payload)


def encode(kind: str, command: Command) -> bytes:
    """JSON bytes for the device's ``/set`` topic.

    Raises UnsupportedCommand when the kind cannot carry the command out, and ValueError when the
    command's own values are impossible (brightness 300), which is a bug in whoever sent it.
    """
    codec = _CODECS.get(kind)
    if codec is None:
        raise UnsupportedCommand(kind, command)
    return codec.encode(command)
