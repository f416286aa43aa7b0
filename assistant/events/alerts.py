"""Events of an alert's life (raised, folded, delivered, escalated, undeliverable, the technical alarm,
acknowledged, resolved), and of a message to a caregiver (requested, delivered)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.events.base import Event


# --- caregiver alerts ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AlertRaised(Event):
    """An alert for caregivers was opened; ``cause`` is what it is about."""

    alert_id: str
    """The alert's id, the same in every event of its life."""
    alert_kind: str
    """What the alert is about, e.g. ``fall`` or a skill's ``kind``."""
    priority: str
    """``high``, ``medium`` or ``low``."""
    message: str
    """The text caregivers are sent."""


@dataclass(frozen=True, kw_only=True)
class AlertFolded(Event):
    """The same condition happened again while its alert was open; ``count`` is how often in all."""

    alert_id: str
    """The open alert it was folded into."""
    count: int


@dataclass(frozen=True, kw_only=True)
class AlertDelivered(Event):
    """One delivery attempt of an alert step to one caregiver over one channel, and how it went."""

    alert_id: str
    """The alert delivered."""
    caregiver: str
    """The caregiver's id."""
    channel: str
    """The channel's scheme and host only (no secrets)."""
    step: int
    """The escalation step, from 0."""
    ok: bool
    """Whether the channel took the message."""
    detail: str = ""
    """The channel's answer or error, for diagnosis."""


@dataclass(frozen=True, kw_only=True)
class AlertEscalated(Event):
    """Nobody acknowledged in time: the alert went to its next, wider step."""

    alert_id: str
    """The alert escalated."""
    step: int
    """The step it went to."""
    caregivers: tuple[str, ...] = ()
    """The ids of the caregivers the step reaches."""


@dataclass(frozen=True, kw_only=True)
class AlertUndeliverable(Event):
    """A step reached no caregiver at all over any channel."""

    alert_id: str
    """The alert that could not be delivered."""
    step: int
    """The step that reached nobody."""


@dataclass(frozen=True, kw_only=True)
class CaregiversUnreachable(Event):
    """The technical alarm: a high alert reached no caregiver, so the hub said so wherever it still could."""

    alert_id: str
    """The high alert that reached nobody."""
    told: tuple[str, ...]
    """Channels (scheme and host) that took the "cannot reach any caregiver" message."""
    spoken_on: tuple[str, ...]
    """Speakers at home it was said on."""


@dataclass(frozen=True, kw_only=True)
class AlertAcknowledged(Event):
    """Someone took responsibility for an alert."""

    alert_id: str
    """The alert acknowledged."""
    by: str
    """A caregiver id, or the person's id when they cancelled it themselves."""
    via: str
    """``http``, ``cli``, ``button``, ``voice`` or ``mqtt``."""


@dataclass(frozen=True, kw_only=True)
class AlertResolved(Event):
    """The alert's condition ended or someone closed it."""

    alert_id: str
    """The alert resolved."""
    reason: str = ""
    """Why, e.g. ``condition ended``."""


@dataclass(frozen=True, kw_only=True)
class MessageRequested(Event):
    """Someone (through a skill) asked for a message to be passed to a caregiver: once, no escalation."""

    to: str
    """The caregiver's id."""
    text: str
    """The words to pass on, as said."""
    skill: str | None = None
    """The skill that asked."""


@dataclass(frozen=True, kw_only=True)
class MessageDelivered(Event):
    """One attempt to pass a message to a caregiver over one channel, and how it went; ``cause`` is the request."""

    to: str
    """The caregiver's id."""
    channel: str
    """The channel's scheme and host only (no secrets)."""
    ok: bool
    """Whether the channel took the message."""
    detail: str = ""
    """The channel's answer or error, for diagnosis."""
