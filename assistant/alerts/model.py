"""What an alert is: its priority, its state, and the alert itself as caregivers and the log see it."""

from __future__ import annotations

from enum import StrEnum


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
