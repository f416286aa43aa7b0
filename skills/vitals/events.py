"""The vitals skill's own events: NEWS2 scored (or not), and a reading someone gave by voice or a tool."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skills.sdk import Event

# --- events ------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class News2Scored(Event):
    """A NEWS2 score from the person's latest fresh readings."""

    score: int
    """Aggregate score; a lower bound when ``complete`` is False."""
    band: str
    """Clinical risk: ``low``, ``low-medium``, ``medium`` or ``high``."""
    trigger: str = ""
    """RCP trigger: ``0``, ``1-4``, ``single 3``, ``5-6``, ``7+``."""
    scores: dict[str, int] = field(default_factory=dict)
    """Points per scored parameter."""
    values: dict[str, Any] = field(default_factory=dict)
    """The recorded values scored."""
    missing: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()
    assumed: tuple[str, ...] = ()
    """Parameters taken from settings (air or oxygen, consciousness), not observed."""
    complete: bool = False
    at_rest: bool | None = None
    """Whether the person was at rest (None: no step counter)."""
    response: str = ""
    """The RCP's recommended clinical response."""


@dataclass(frozen=True, kw_only=True)
class News2NotScored(Event):
    """Too few fresh readings to score NEWS2: what is missing and what is stale."""

    reason: str
    missing: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class VitalSignsRecorded(Event):
    """Readings someone said, typed or recorded through a tool (a thermometer, a cuff, an oximeter)."""

    temperature: float | None = None
    """°C, from a thermometer (core)."""
    systolic: float | None = None
    diastolic: float | None = None
    heart_rate: float | None = None
    spo2: float | None = None
    respiration_rate: float | None = None
    consciousness: str | None = None
    on_oxygen: bool | None = None
    source: str = "voice"
