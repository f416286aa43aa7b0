"""The child_safety skill's own events and alert kinds (log kinds come from the class names)."""

from __future__ import annotations

from dataclasses import dataclass

from skills.sdk import Event

LEFT_ZONE = "child_left_zone"
NOT_HOME = "child_not_home"
CURFEW = "child_curfew"
NOT_ARRIVED = "child_not_arrived"
"""Alert kinds."""


@dataclass(frozen=True, kw_only=True)
class ChildLeftZone(Event):
    """A child's watch was confirmed outside a zone it had been inside."""

    zone: str
    lat: float
    lon: float
    accuracy: float | None = None
    distance_m: float = 0.0
    """From the zone's centre, at the confirming fix."""
    left_at: str = ""
    """When the first fix outside was taken (ISO, UTC)."""
    in_window: bool = False
    """Whether it happened in one of the child's windows for the zone (and so paged)."""


@dataclass(frozen=True, kw_only=True)
class ChildEnteredZone(Event):
    """A child's watch was confirmed inside a zone."""

    zone: str
    lat: float
    lon: float
    accuracy: float | None = None


@dataclass(frozen=True, kw_only=True)
class ChildSosLocated(Event):
    """Where a child was, relative to the zones, when they pressed SOS (the ``safety`` skill pages)."""

    zone: str | None
    """The zone the child was confirmed inside, if any."""
    nearest_zone: str | None
    distance_m: float | None
    """From the nearest zone's centre."""
    lat: float | None
    lon: float | None
    accuracy: float | None = None
    age_s: float | None = None
    """How old the fix was."""
