"""Commands: imperative requests sent to a device over its ``/set`` topic."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """Base of every device command."""


@dataclass(frozen=True)
class TurnOn(Command):
    """Switch a light or plug on; ``brightness`` (0-255) for dimmable lights."""

    brightness: int | None = None


@dataclass(frozen=True)
class TurnOff(Command):
    """Switch a light or plug off."""


@dataclass(frozen=True)
class Open(Command):
    """Open a cover (blinds, curtains) all the way."""


@dataclass(frozen=True)
class Close(Command):
    """Close a cover all the way."""


@dataclass(frozen=True)
class Stop(Command):
    """Stop a cover where it is."""


@dataclass(frozen=True)
class SetPosition(Command):
    """Move a cover to ``position`` percent open (0 closed, 100 open)."""

    position: int


@dataclass(frozen=True)
class Lock(Command):
    """Lock a door lock."""


@dataclass(frozen=True)
class Unlock(Command):
    """Unlock a door lock (by voice only where the lock's ``voice_unlock`` allows it)."""


@dataclass(frozen=True)
class Speak(Command):
    """Ask a speaker satellite or a wearable to say ``text`` aloud."""

    text: str
    language: str = "en"


@dataclass(frozen=True)
class Notify(Command):
    """Show a message on a person's phone (the phone bridge posts it as a notification)."""

    text: str
    title: str = "carehub"


@dataclass(frozen=True)
class Vibrate(Command):
    """Buzz a wearable, e.g. to ask "are you OK?"."""

    seconds: float = 1.0


@dataclass(frozen=True)
class SetHeartbeat(Command):
    """Change how often a device reports that it is alive, in seconds."""

    interval: int
