"""The vitals skill's section of the daily report: each vital sign through the day (the watch's and the
readings people recorded), its range and chart, and the NEWS2 scores. Pure: built from the ``ReportDay``."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from skills.sdk import (
    Chart,
    Panel,
    ReportDay,
    ReportSection,
    ReportTable,
    Series,
    VitalSignsMeasured,
)
from skills.vitals.events import News2Scored, VitalSignsRecorded

ORDER = 200
"""Right after the core's Activity (100)."""

VITALS: dict[str, tuple[str, str]] = {
    "heart_rate": ("Heart rate", "bpm"),
    "spo2": ("SpO2", "%"),
    "skin_temp": ("Skin temperature", "°C"),
    "temperature": ("Body temperature", "°C"),
    "systolic": ("Systolic blood pressure", "mmHg"),
    "diastolic": ("Diastolic blood pressure", "mmHg"),
    "respiration_rate": ("Respiration rate", "breaths/min"),
}
"""The fields of ``VitalSignsMeasured`` (the watch) and ``VitalSignsRecorded`` (a thermometer, a cuff, a
spoken reading) the report shows, with a label and unit each, in display order."""

CHARTED = ("heart_rate", "spo2", "systolic", "respiration_rate", "skin_temp")
"""The vitals with a chart panel and a summary phrase, in order (``systolic`` brings ``diastolic`` along)."""


@dataclass
class VitalSeries:
    """One vital sign through the day."""

    name: str
    """The event field, e.g. ``heart_rate``."""
    label: str
    unit: str
    readings: list[tuple[datetime, float]] = field(default_factory=list)

    @property
    def minimum(self) -> float:
        return min(v for _, v in self.readings)

    @property
    def maximum(self) -> float:
        return max(v for _, v in self.readings)

    @property
    def mean(self) -> float:
        return statistics.fmean(v for _, v in self.readings)


@dataclass(frozen=True)
class DayScore:
    """A NEWS2 score of the day."""

    at: datetime
    score: int
    band: str


def _number(value: Any, kind: type = float) -> Any:
    """``value`` as a number, or None if it is not one (a log row written by anything is possible)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = kind(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def series(day: ReportDay) -> dict[str, VitalSeries]:
    """The vitals with at least one reading that day, in ``VITALS`` order, readings in local time."""
    found = {name: VitalSeries(name, label, unit) for name, (label, unit) in VITALS.items()}
    for event in day.events:
        if isinstance(event, (VitalSignsMeasured, VitalSignsRecorded)):
            for name, vital in found.items():
                value = _number(getattr(event, name, None))
                if value is not None:
                    vital.readings.append((day.local(event.ts), value))
    return {name: vital for name, vital in found.items() if vital.readings}


def news2_scores(day: ReportDay) -> list[DayScore]:
    """The NEWS2 scores logged that day (one whose score is not a number is left out)."""
    scores = []
    for event in day.events:
        if isinstance(event, News2Scored):
            score = _number(event.score, int)
            if score is not None:
                scores.append(DayScore(day.local(event.ts), score, str(event.band or "")))
    return scores


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _range(low: str, high: str) -> str:
    return low if low == high else f"{low}-{high}"


def section(day: ReportDay) -> ReportSection:
    """The section for ``day``: a table of each vital's readings, the chart, the NEWS2 scores."""
    vitals = series(day)
    scores = news2_scores(day)
    empty = "No vital signs were measured."
    if not vitals and not scores:
        return ReportSection("Vital signs", ORDER, empty=empty)
    tables = []
    if vitals:
        tables.append(ReportTable(
            ("vital sign", "readings", "min", "max", "mean", "unit"),
            tuple((v.label, len(v.readings), _num(v.minimum), _num(v.maximum), f"{v.mean:.1f}", v.unit)
                  for v in vitals.values())))
    if scores:
        tables.append(ReportTable(("time", "NEWS2 score", "band"),
                                  tuple((f"{s.at:%H:%M}", s.score, s.band) for s in scores)))
    panels = _panels(vitals, scores)
    return ReportSection(
        "Vital signs", ORDER, summary=_summary(vitals, scores), tables=tuple(tables),
        charts=(Chart("vital signs through the day", panels),) if panels else (), empty=empty, has_data=True)


def _panels(vitals: dict[str, VitalSeries], scores: list[DayScore]) -> tuple[Panel, ...]:
    """One panel per charted vital (both blood pressures in one), then NEWS2 if scored."""
    def line(vital: VitalSeries) -> Series:
        return Series(vital.name, tuple(vital.readings))

    panels = []
    for name in CHARTED:
        if name == "systolic":
            pressure = [vitals[n] for n in ("systolic", "diastolic") if n in vitals]
            if pressure:
                panels.append(Panel("Blood pressure", "mmHg", tuple(line(v) for v in pressure)))
        elif name in vitals:
            panels.append(Panel(vitals[name].label, vitals[name].unit, (line(vitals[name]),)))
    if scores:
        panels.append(Panel("NEWS2 score", "", (Series("NEWS2", tuple((s.at, s.score) for s in scores), step=True),)))
    return tuple(panels)


def _summary(vitals: dict[str, VitalSeries], scores: list[DayScore]) -> tuple[str, ...]:
    out = []
    phrases = []
    for name in CHARTED:
        s = vitals.get(name)
        if s is None:
            continue
        if name == "systolic" and "diastolic" in vitals:
            d = vitals["diastolic"]
            low, high = f"{_num(s.minimum)}/{_num(d.minimum)}", f"{_num(s.maximum)}/{_num(d.maximum)}"
            phrases.append(f"blood pressure {_range(low, high)} mmHg")
            continue
        label = s.label if name == "spo2" else s.label.lower()
        phrases.append(f"{label} {_range(_num(s.minimum), _num(s.maximum))} {s.unit}")
    if phrases:
        text = "; ".join(phrases)
        out.append(text[0].upper() + text[1:] + ".")
    top = max(scores, key=lambda s: s.score, default=None)
    if top is not None:
        out.append(f"Highest NEWS2 score {top.score}" + (f" ({top.band})" if top.band else "")
                   + f" at {top.at:%H:%M}.")
    return tuple(out)
