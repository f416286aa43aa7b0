"""The vitals skill's settings: per-person thresholds, how long a condition must last, priorities."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from skills.sdk import Priority
from skills.vitals.news2 import PARAMETERS, TRIGGERS

AlertLevel = Priority | Literal["none"]
"""A caregiver alert's priority, or ``none`` for no alert."""
RANK: dict[str, int] = {"none": 0, "low": 1, "medium": 2, "high": 3}
CONDITIONS = ("heart_rate_high", "heart_rate_low", "spo2_low", "fever")
"""Single-vital conditions; each is also the alert kind."""


# --- settings ----------------------------------------------------------------------------------------


def _levels(by_name: dict[str, str]) -> dict[str, AlertLevel]:
    return {key: "none" if level == "none" else Priority(level) for key, level in by_name.items()}


class PersonVitals(BaseModel):
    """How one person is scored and alerted on; fields set under ``people.<id>`` override ``defaults``."""

    model_config = ConfigDict(extra="forbid")

    news2: bool | None = None
    """Score NEWS2; None means yes for elders and adults, no for children (NEWS2 is not validated under 16)."""
    spo2_scale: Literal[1, 2] = 1
    """2 only when a clinician has set a target saturation of 88–92 % (hypercapnic respiratory failure)."""
    on_oxygen: bool = False
    """On supplemental oxygen (2 NEWS2 points; changes scale 2)."""
    consciousness: Literal["A", "C", "V", "P", "U"] = "A"
    """ACVPU when nobody has recorded otherwise; only *new* confusion is C."""
    skin_temp_offset: float | None = None
    """°C to add to the wrist's skin temperature for a core estimate; None ignores skin temperature."""
    heart_rate_high: float = Field(120, gt=0)
    """Alert when the heart rate stays above this at rest."""
    heart_rate_low: float = Field(40, gt=0)
    """Alert when it stays below this (NEWS2 scores ≤40 as 3)."""
    spo2_low: float | None = Field(None, gt=50, le=100)
    """Alert when SpO2 stays below this; None means 90 % on scale 1 and 84 % on scale 2."""
    fever: float = Field(38.0, gt=35, lt=43)
    """°C; a temperature at or above this is a fever (NICE NG143 / CG160: 38 °C)."""

    def spo2_threshold(self) -> float:
        if self.spo2_low is not None:
            return self.spo2_low
        return 84.0 if self.spo2_scale == 2 else 90.0


class VitalsSettings(BaseModel):
    """Settings of the vitals skill: ``skills: {vitals: {...}}``."""

    model_config = ConfigDict(extra="forbid")

    defaults: PersonVitals = Field(default_factory=PersonVitals)
    people: dict[str, PersonVitals] = Field(default_factory=dict)
    """Per person, e.g. ``{grandma: {spo2_scale: 2, skin_temp_offset: 2.5}}``."""
    sustain_minutes: float = Field(10, gt=0)
    """A single-vital condition must hold in every reading across this long to page (and to clear)."""
    min_readings: int = Field(2, ge=1)
    """... in at least this many readings."""
    max_gap_minutes: float = Field(20, gt=0)
    """A longer gap between readings restarts the window."""
    rest_minutes: float = Field(10, gt=0)
    """Rest is judged over this long before each reading ..."""
    rest_steps_per_minute: float = Field(20, ge=0)
    """... as at most this many steps a minute on average (walking is 60–120)."""
    unknown_activity_is_rest: bool = True
    """With no step counter at all, readings count as taken at rest."""
    needs_rest: dict[str, bool] = Field(default_factory=lambda: {
        "heart_rate_high": True, "heart_rate_low": False, "spo2_low": True, "fever": False})
    """Per condition: only readings at rest count towards it."""
    alert_priority: dict[str, AlertLevel] = Field(default_factory=lambda: _levels(
        {"heart_rate_high": "medium", "heart_rate_low": "medium", "spo2_low": "medium", "fever": "medium"}))
    """Per single-vital condition; ``none`` logs without paging."""
    news2_priority: dict[str, AlertLevel] = Field(default_factory=lambda: _levels(
        {"0": "none", "1-4": "none", "single 3": "medium", "5-6": "medium", "7+": "high"}))
    """Per RCP trigger (``0``, ``1-4``, ``single 3``, ``5-6``, ``7+``)."""
    news2_confirm_minutes: float = Field(5, ge=0)
    """A NEWS2 priority must hold over wearable scorings this long (and two of them) to page or clear;
    a manual reading confirms at once."""
    news2_at_rest_only: bool = True
    """Wearable scorings taken while walking neither raise nor clear a NEWS2 alert (the chart is for rest)."""
    stale_after_minutes: dict[str, float] = Field(default_factory=lambda: {
        "respiration_rate": 60.0, "spo2": 60.0, "pulse": 60.0, "systolic": 240.0, "temperature": 240.0,
        "consciousness": 720.0, "air_or_oxygen": 720.0})
    """How old a parameter's latest reading may be and still be scored."""
    score_every_minutes: float = Field(5, gt=0)
    """Rescore (for staleness) this often when no reading arrives; logged only when the result changed."""
    steps_grace_seconds: float = Field(3, ge=0)
    """How long a wearable reading waits for the same report's step count before it is judged."""

    @field_validator("needs_rest", "alert_priority")
    @classmethod
    def _conditions(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - set(CONDITIONS)
        if unknown:
            raise ValueError(f"unknown condition {sorted(unknown)}; known: {', '.join(CONDITIONS)}")
        return value

    @field_validator("news2_priority")
    @classmethod
    def _triggers(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - set(TRIGGERS)
        if unknown:
            raise ValueError(f"unknown trigger {sorted(unknown)}; known: {', '.join(TRIGGERS)}")
        return value

    @field_validator("stale_after_minutes")
    @classmethod
    def _parameters(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - set(PARAMETERS)
        if unknown:
            raise ValueError(f"unknown parameter {sorted(unknown)}; known: {', '.join(PARAMETERS)}")
        return value
