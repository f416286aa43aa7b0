"""Events the hub and its skills state: refused messages, the hub and broker, conversation, skills."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.events.base import Event


# --- the hub --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MessageRejected(Event):
    """An MQTT message the hub refused; nothing else was made of it."""

    topic: str
    """The MQTT topic it came on."""
    reason: str
    """What was wrong with it."""
    preview: str = ""
    """The first bytes of the payload, for diagnosis."""


@dataclass(frozen=True, kw_only=True)
class HubStarted(Event):
    """The hub came up."""

    version: str = ""
    """carehub's version."""


@dataclass(frozen=True, kw_only=True)
class HubStopped(Event):
    """The hub shut down cleanly."""


@dataclass(frozen=True, kw_only=True)
class BrokerConnected(Event):
    """The hub's MQTT link is up."""

    broker: str = ""
    """The broker's host and port."""


@dataclass(frozen=True, kw_only=True)
class BrokerDisconnected(Event):
    """The hub's MQTT link went down."""

    broker: str = ""
    """The broker's host and port."""
    reason: str = ""
    """Why the link went down, as far as is known."""


@dataclass(frozen=True, kw_only=True)
class SubscriberFailed(Event):
    """A bus subscriber raised or timed out while handling the ``cause`` event."""

    subscriber: str
    """The subscriber's name."""
    error: str
    """The exception, as text."""


# --- conversation and skills ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class UtteranceHeard(Event):
    """Someone said or typed something to carehub."""

    text: str
    """What was said, as transcribed or typed."""
    language: str
    """Its language code, e.g. ``en`` or ``zh-CN``."""
    source: str = "text"
    """``text`` (CLI / HTTP), ``speech`` (a satellite's audio), ``satellite`` (a satellite's own transcript),
    ``test``."""


@dataclass(frozen=True, kw_only=True)
class IntentRecognized(Event):
    """An utterance matched a skill's intent; ``cause`` is the utterance."""

    intent: str
    """The intent name, e.g. ``HassTurnOn``."""
    skill: str
    """The id of the skill that handles it."""
    slots: dict[str, Any] = field(default_factory=dict)
    """Slot values (device ids, area ids, numbers), by slot name."""


@dataclass(frozen=True, kw_only=True)
class UtteranceNotUnderstood(Event):
    """No grammar matched an utterance; ``cause`` is the utterance."""

    text: str
    """What was said."""
    language: str
    """The language it was tried in."""


@dataclass(frozen=True, kw_only=True)
class ReplyGiven(Event):
    """carehub answered someone (spoken on a speaker or returned as text)."""

    text: str
    """The words of the reply."""
    language: str = "en"
    """Their language code."""
    room: str | None = None
    """The room it was spoken in, when spoken to a room."""
    skill: str | None = None
    """The skill that replied; None for carehub's own replies."""


@dataclass(frozen=True, kw_only=True)
class CommandSent(Event):
    """A command was published to a device's ``set`` topic."""

    command: str
    """The command class name, e.g. ``TurnOn``."""
    args: dict[str, Any] = field(default_factory=dict)
    """The command's arguments, e.g. ``{"brightness": 128}``."""
    topic: str = ""
    """The MQTT topic it was published on."""
    skill: str | None = None
    """The skill that sent it; None for the hub itself."""
    home_assistant: dict[str, Any] | None = None
    """A command carried out as a Home Assistant service call: ``entity_id``, ``service`` and Home Assistant's
    ``context_id`` of the call (what its logbook names; None when the call changed no state)."""


@dataclass(frozen=True, kw_only=True)
class CommandRequested(Event):
    """Someone outside carehub asked for a device command (Home Assistant's dashboard); the ``command_sent``
    that carried it out has this event as its cause."""

    command: str
    """The command class name, e.g. ``TurnOn``."""
    args: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    """Who asked: ``home_assistant``."""
    topic: str = ""
    """The MQTT topic the request came on."""


@dataclass(frozen=True, kw_only=True)
class AlertRequested(Event):
    """A skill asked for caregivers to be alerted; the alert desk raises (or folds) the alert.

    Nobody has been told yet when this is logged: ``alert_raised`` and ``alert_delivered`` follow.
    """

    message: str | dict[str, str]
    """The text, or the text by language (``{"en": ..., "zh": ...}``) so each caregiver reads their own."""
    priority: str = "medium"
    """``high``, ``medium`` or ``low``."""
    alert_kind: str = ""
    """What the alert is about (``ctx.notify(kind=...)``); alerts of one kind, person and device fold into one."""
    skill: str | None = None
    """The skill that asked."""
    self_cancel: bool = False
    """Whether the person may cancel it themselves (panic button "cancel", "I'm OK")."""


@dataclass(frozen=True, kw_only=True)
class SkillFailed(Event):
    """A skill's handler raised; ``cause`` is the event it was handling, if any."""

    skill: str
    """The skill's id."""
    handler: str
    """The handler's method name."""
    error: str
    """The exception, as text."""


@dataclass(frozen=True, kw_only=True)
class SkillLoadFailed(Event):
    """A skill could not be imported or validated; the hub runs on without it."""

    skill: str
    """The skill's id."""
    error: str
    """Why it could not load."""


@dataclass(frozen=True, kw_only=True)
class DaySummaryUpdated(Event):
    """A skill's summary of one person's day changed (the person is in the envelope); Home Assistant shows the
    latest one as a sensor of the person ("Medication today: 1 of 2 taken")."""

    subject: str
    """What it sums up, one per skill: ``medication``. With the person, it names the sensor."""
    title: str
    """The sensor's name, e.g. "Medication today"."""
    summary: str
    """The sensor's state, e.g. "1 of 2 taken" (at most 255 characters)."""
    details: dict[str, Any] = field(default_factory=dict)
    """Shown as the sensor's attributes: counts, and each dose's time and status."""
