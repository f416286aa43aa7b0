"""The reminders skill's own events (log kinds from the class names: ``reminder_set``...)."""

from __future__ import annotations

from dataclasses import dataclass

from skills.sdk import Event


@dataclass(frozen=True, kw_only=True)
class ReminderSet(Event):
    """Someone asked to be reminded of something at a time."""

    reminder: str
    """The reminder's id, the same on every event about it."""
    task: str
    """What it is about, as said ("call Anna", "吃药"); empty when nothing was said."""
    due: str
    """When it is to be said (ISO, UTC)."""
    room: str | None = None
    """The room it was asked in."""
    language: str = "en"
    """The language it was asked in, which it will be said in."""


@dataclass(frozen=True, kw_only=True)
class ReminderDue(Event):
    """A reminder was said on the person's speaker."""

    reminder: str
    """The reminder's id."""
    task: str
    """What it was about."""
    due: str
    """When it was for (ISO, UTC)."""
    late_seconds: float = 0.0
    """How long after its time it was said: more than a moment only when the hub was down then."""


@dataclass(frozen=True, kw_only=True)
class ReminderCancelled(Event):
    """Someone cancelled a reminder before its time."""

    reminder: str
    """The reminder's id."""
    task: str
    """What it was about."""
    due: str
    """When it was for (ISO, UTC)."""
