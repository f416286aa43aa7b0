"""Door locks: ``{"locked": true, "jammed": false}`` on ``state``; ``{"state": "lock"}`` / ``{"state": "unlock"}``
on ``set``. Whether the hub may send ``unlock`` when someone asks by voice is the voice skill's business
(``voice_unlock`` in config.yaml); the adapter only writes what it is asked."""

from __future__ import annotations

from typing import Any

from assistant.commands import Command, Lock, Unlock
from assistant.events import Event, LockStateReported
from devices.codec import KindCodec
from devices.schemas import Heartbeat, Payload


class LockState(Payload):
    """``{"locked": true}``, or ``{"locked": false, "jammed": true}`` when the bolt stuck."""

    locked: bool | None = None
    jammed: bool | None = None

    def to_events(self) -> list[Event]:
        events: list[Event] = []
        if self.locked is not None or self.jammed is not None:
            events.append(LockStateReported(locked=self.locked, jammed=bool(self.jammed)))
        return events + self.battery_events()


def encode_lock(command: Command) -> dict[str, Any] | None:
    """``{"state": "lock"}`` / ``{"state": "unlock"}``; a lock is never switched "on" or "off"."""
    if isinstance(command, Lock):
        return {"state": "lock"}
    if isinstance(command, Unlock):
        return {"state": "unlock"}
    return None


LOCK = KindCodec("lock", state=LockState, events=(Heartbeat,), encode=encode_lock)
