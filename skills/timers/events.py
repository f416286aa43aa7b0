"""The timers skill's own events (log kinds from the class names: ``timer_started``...)."""

from __future__ import annotations

from dataclasses import dataclass

from skills.sdk import Event


@dataclass(frozen=True, kw_only=True)
class TimerStarted(Event):
    """Someone started a timer."""

    timer: str
    """The timer's id, the same on every event about it."""
    seconds: int
    """How long it was set for."""
    due: str
    """When it will ring (ISO, UTC)."""
    name: str | None = None
    """Its name when one was given ("pasta")."""
    room: str | None = None
    """The room it was set in, where it will ring."""
    language: str = "en"
    """The language it was set in, which it will ring in."""


@dataclass(frozen=True, kw_only=True)
class TimerAdjusted(Event):
    """Time was added to or taken off a timer, or it was paused or resumed."""

    timer: str
    """The timer's id."""
    change: str
    """``added``, ``removed``, ``paused`` or ``resumed``."""
    seconds: int = 0
    """The time added or taken off (0 for a pause or a resume)."""
    due: str | None = None
    """When it will ring now (ISO, UTC); None while paused."""


@dataclass(frozen=True, kw_only=True)
class TimerFinished(Event):
    """A timer ran out and was announced."""

    timer: str
    """The timer's id."""
    seconds: int
    """How long it had been set for."""
    name: str | None = None
    """Its name, if it had one."""
    room: str | None = None
    """Where it was announced (the room it was set in)."""
    late_seconds: float = 0.0
    """How long after its time it was announced: more than a moment only when the hub was down then."""


@dataclass(frozen=True, kw_only=True)
class TimerCancelled(Event):
    """Someone cancelled a timer before it ran out."""

    timer: str
    """The timer's id."""
    left_seconds: float
    """How long it still had to run."""
    name: str | None = None
    """Its name, if it had one."""
