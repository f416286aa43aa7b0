"""What an alert is: its priority, its state, and the alert itself as caregivers and the log see it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any


class Priority(StrEnum):
    """How urgently caregivers are told (IEC 60601-1-8's three levels).

    ``high``: every first-tier caregiver at once, repeated and widened until someone acknowledges.
    ``medium``: one caregiver at a time in escalation order. ``low``: a daily digest.
    """

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @classmethod
    def parse(cls, value: "Priority | str") -> "Priority":
        """``value`` as a Priority; ValueError naming the allowed values otherwise."""
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"priority must be high, medium or low, not {value!r}") from None


class AlertStatus(StrEnum):
    """Where an alert is in its life."""

    OPEN = "open"
    """Raised and not yet taken on: escalation runs."""
    ACKNOWLEDGED = "acknowledged"
    """Someone took responsibility: no further steps are sent."""
    RESOLVED = "resolved"
    """The condition ended or someone closed it."""


@dataclass(frozen=True)
class Alert:
    """One alert, as stored: what it is about, where its escalation stands, who took it on."""

    id: str
    raised_at: datetime
    home: str
    person: str | None
    """Whom it is about; None for the household (a broker that went away)."""
    device: str | None
    kind: str
    """What happened, e.g. ``fall``, ``missed_dose``, ``sos``; with person and device, the condition."""
    priority: Priority
    messages: dict[str, str]
    """The text by language (``en``, ``zh``...), so each caregiver reads their own."""
    cause: str | None
    """Id of the event that raised it (``alert_requested``), whose own causes say why."""
    status: AlertStatus
    count: int
    """How often the condition happened while the alert was open (folded repeats included)."""
    fold_key: str
    self_cancel: bool
    """Whether the person may call it off themselves (panic button "cancel", "I'm OK")."""
    step: int
    """The next escalation step to take (0 before the first delivery)."""
    next_at: datetime | None
    """When that step is due; None once acknowledged, resolved or out of steps."""
    acked_by: str | None = None
    """A caregiver id, or the person's id when they called it off."""
    acked_via: str | None = None
    """``http``, ``cli``, ``button``, ``voice``..."""
    acked_at: datetime | None = None
    resolved_at: datetime | None = None
    resolve_reason: str | None = None
    updated: datetime | None = None

    def message(self, language: str) -> str:
        """The text for a reader of ``language`` (``zh-CN`` reads ``zh``), else English, else any."""
        family = "zh" if language.startswith("zh") else "en"
        return self.messages.get(language) or self.messages.get(family) or self.messages.get("en") \
            or next(iter(self.messages.values()), "")

    def as_json(self) -> dict[str, Any]:
        """JSON-ready, times as ISO-8601 text (what ``GET /api/alerts`` and ``carehub alerts --json`` show)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, datetime) else value
        out["priority"] = self.priority.value
        out["status"] = self.status.value
        return out


@dataclass(frozen=True)
class Transition:
    """One line of an alert's history (the ``alert_log`` table)."""

    ts: datetime
    transition: str
    """``raised``, ``folded``, ``sending``, ``attempt``, ``delivered``, ``failed``, ``escalated``, ``exhausted``,
    ``acknowledged`` or ``resolved``."""
    step: int | None = None
    caregiver: str | None = None
    channel: str | None = None
    """The channel's scheme and host only (no secrets)."""
    ok: bool | None = None
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"ts": self.ts.isoformat(), "transition": self.transition, "step": self.step,
                "caregiver": self.caregiver, "channel": self.channel, "ok": self.ok, "detail": self.detail}
