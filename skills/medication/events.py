"""The medication skill's own events (log kinds from the class names: ``dose_due``, ``dose_taken``...).

Each names one scheduled dose by its medication (``dose``) and its time (``due``) with the person in the
envelope; at most one of ``dose_taken``, ``dose_missed`` and ``dose_unobserved`` is logged per dose. The
skill rebuilds its day from these rows when the hub starts, and the daily report counts them.
"""

from __future__ import annotations

from dataclasses import dataclass

from skills.sdk import Event


@dataclass(frozen=True, kw_only=True)
class DoseDue(Event):
    """A dose fell due and the person was given its first reminder."""

    dose: str
    """The medication's name, as configured ("blood pressure pills")."""
    due: str
    """When the dose was scheduled (ISO, UTC)."""
    late_seconds: float = 0.0
    """How long after its time the first reminder came: more than a minute only when carehub was off then."""


@dataclass(frozen=True, kw_only=True)
class DoseTaken(Event):
    """The person confirmed a dose; its cause is the confirmation (the words, the button, the pillbox)."""

    dose: str
    """The medication's name."""
    due: str
    """When the dose was scheduled (ISO, UTC)."""
    how: str = "voice"
    """``voice`` ("I took my pills"), ``button`` or ``pillbox``."""
    early: bool = False
    """Confirmed before its time (within ``early_minutes``)."""


@dataclass(frozen=True, kw_only=True)
class DoseMissed(Event):
    """A dose's window closed with no confirmation while carehub was running; the caregivers were alerted."""

    dose: str
    """The medication's name."""
    due: str
    """When the dose was scheduled (ISO, UTC)."""
    alert: str = ""
    """The id of the ``alert_requested`` event that raised the ``missed_dose`` alert."""


@dataclass(frozen=True, kw_only=True)
class DoseUnobserved(Event):
    """A dose's window closed while carehub was off (or before it first ran): nobody was reminded or alerted,
    and whether it was taken is not known."""

    dose: str
    """The medication's name."""
    due: str
    """When the dose was scheduled (ISO, UTC)."""
