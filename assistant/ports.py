"""The narrow interfaces carehub's services are given instead of the whole hub.

Each service names what it uses: an ``EventSink`` to log and publish what happened, a
``CommandSender`` to reach a device, an ``EventReader`` to look back, a ``Publisher`` for raw MQTT,
``DeviceAdapters`` (the ``devices`` package) to read and write device payloads.
``assistant/app.py`` (the composition root) hands each one the concrete part; tests hand fakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from assistant.commands import Command
from assistant.config import DeviceConfig
from assistant.events import Event


class EventSink(Protocol):
    """Where facts go: stamped (id, time, home), committed to the event log, published on the bus."""

    def stamp(self, event: Event, **envelope: Any) -> Event:
        """``event`` with a new id, the clock's time and this home (``envelope`` adds device, person, cause)."""

    async def emit(self, event: Event, *, wait: bool = True) -> Event:
        """Stamp (unless stamped), log and publish ``event``; with ``wait``, return once it is committed."""


class CommandSender(Protocol):
    """Sends commands to configured devices and logs each as ``command_sent``."""

    async def send_command(self, device_id: str, command: Command, *, skill: str | None = None,
                           cause: str | None = None) -> Event:
        """Encode ``command`` for the device and publish it; returns the logged ``CommandSent``."""


class EventReader(Protocol):
    """Reads this home's event log, off the event loop."""

    async def rows(self, *, kind: str | None = None, kinds: Sequence[str] | None = None,
                   device: str | None = None, person: str | None = None, cause: str | None = None,
                   since: datetime | str | None = None, until: datetime | str | None = None,
                   limit: int = 100, newest_first: bool = True,
                   people: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Log rows (``data`` parsed) matching every given filter, newest first unless told otherwise;
        ``people`` keeps rows about those people or about nobody in particular."""

    async def cause_chain(self, event_id: str) -> list[dict[str, Any]]:
        """The event and every cause before it, effect first."""


class Publisher(Protocol):
    """Raw MQTT out: the broker link when online, a list when the hub runs offline (tests, ``listen``)."""

    async def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        """Publish ``payload`` on ``topic``."""


@dataclass(frozen=True)
class Decoded:
    """What one device payload turned into."""

    events: list[Event] = field(default_factory=list)
    """Events with empty envelopes; the hub stamps id, ts, home, device and person."""
    msg_id: str | None = None
    """The payload's ``msg_id``, for dropping a redelivered message."""
    device_ts: str | None = None
    """The payload's ``ts`` exactly as the device wrote it (checked to be an ISO-8601 date-time)."""
    heartbeat: bool = False
    """True for ``{"type": "heartbeat"}``, which only refreshes the device's ``last_seen``."""


@dataclass(frozen=True)
class Availability:
    """What a device said on its ``availability`` topic."""

    online: bool
    reason: str | None = None
    """Why an ``offline`` device went away, when it said so (a planned shutdown); None for a bare ``offline``,
    which is also what its last will says when the connection is lost."""


class DeviceAdapters(Protocol):
    """Device payloads in and out (``devices.routing.Adapters``); pure, and raising ``DecodeError`` /
    ``UnsupportedCommand`` with a reason a person can act on."""

    def availability(self, payload: bytes) -> Availability:
        """An ``availability`` payload: online or offline, and why (a planned shutdown says so)."""

    def decode(self, device: DeviceConfig, channel: str, payload: bytes) -> Decoded:
        """The events in a ``state``, ``event`` or Zigbee2MQTT (channel ``zigbee2mqtt``) payload."""

    def command(self, device: DeviceConfig, command: Command, *, prefix: str, home: str,
                zigbee2mqtt_topic: str) -> tuple[str, bytes]:
        """The topic and payload that carry ``command`` to ``device``."""
