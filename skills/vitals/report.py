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
    Words,
)
from skills.vitals.events import News2Scored, VitalSignsRecorded

ORDER = 200
"""Right after the core's Activity (100)."""
TITLE = Words("Vital signs", zh="生命体征")
BANDS_ZH = {"low": "低", "low-medium": "低-中", "medium": "中", "high": "高"}
"""NEWS2's clinical risk bands in Chinese."""

VITALS: dict[str, tuple[Words, Words]] = {
    "heart_rate": (Words("Heart rate", zh="心率"), Words("bpm", zh="次/分")),
    "spo2": (Words("SpO2", zh="血氧饱和度"), Words("%")),
    "skin_temp": (Words("Skin temperature", zh="皮肤温度"), Words("°C")),
    "temperature": (Words("Body temperature", zh="体温"), Words("°C")),
    "systolic": (Words("Systolic blood pressure", zh="收缩压"), Words("mmHg")),
    "diastolic": (Words("Diastolic blood pressure", zh="舒张压"), Words("mmHg")),
    "respiration_rate": (Words("Respiration rate", zh="呼吸频率"), Words("breaths/min", zh="次/分")),
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
    label: Words
    unit: Words
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


def _band(band: str) -> Words:
    return Words(band, zh=BANDS_ZH.get(band, band))


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _range(low: str, high: str) -> str:
    return low if low == high else f"{low}-{high}"


def section(day: ReportDay) -> ReportSection:
    """The section for ``day``: a table of each vital's readings, the chart, the NEWS2 scores."""
    vitals = series(day)
    scores = news2_scores(day)
    empty = Words("No vital signs were measured.", zh="没有测量到生命体征。")
    if not vitals and not scores:
        return ReportSection(TITLE, ORDER, empty=empty)
    tables = []
    if vitals:
        tables.append(ReportTable(
            (Words("vital sign", zh="生命体征"), Words("readings", zh="次数"), Words("min", zh="最低"),
             Words("max", zh="最高"), Words("mean", zh="平均"), Words("unit", zh="单位")),
            tuple((v.label, len(v.readings), _num(v.minimum), _num(v.maximum), f"{v.mean:.1f}", v.unit)
                  for v in vitals.values())))
    if scores:
        tables.append(ReportTable((Words("time", zh="时间"), Words("NEWS2 score", zh="NEWS2 评分"),
                                   Words("band", zh="风险等级")),
                                  tuple((f"{s.at:%H:%M}", s.score, _band(s.band)) for s in scores)))
    panels = _panels(vitals, scores)
    return ReportSection(
        TITLE, ORDER, summary=_summary(vitals, scores), tables=tuple(tables),
        charts=(Chart(Words("vital signs through the day", zh="全天生命体征"), panels),) if panels else (),
        empty=empty, has_data=True)



def _panels(vitals: dict[str, VitalSeries], scores: list[DayScore]) -> tuple[Panel, ...]:
    """One panel per charted vital (both blood pressures in one), then NEWS2 if scored."""
    def line(vital: VitalSeries) -> Series:
        return Series(vital.name, tuple(vital.readings))

    panels = []
    for name in CHARTED:
        if name == "systolic":
            pressure = [vitals[n] for n in ("systolic", "diastolic") if n in vitals]
            if pressure:
                panels.append(Panel(Words("Blood pressure", zh="血压"), "mmHg", tuple(line(v) for v in pressure)))
        elif name in vitals:
            panels.append(Panel(vitals[name].label, vitals[name].unit, (line(vitals[name]),)))
    if scores:
        panels.append(Panel(Words("NEWS2 score", zh="NEWS2 评分"), "",
                            (Series("NEWS2", tuple((s.at, s.score) for s in scores), step=True),)))
    return tuple(panels)


def _summary(vitals: dict[str, VitalSeries], scores: list[DayScore]) -> tuple[Words, ...]:
    out = []
    phrases, phrases_zh = [], []
    for name in CHARTED:
        s = vitals.get(name)
        if s is None:
            continue
        if name == "systolic" and "diastolic" in vitals:
            d = vitals["diastolic"]
            low, high = f"{_num(s.minimum)}/{_num(d.minimum)}", f"{_num(s.maximum)}/{_num(d.maximum)}"
            phrases.append(f"blood pressure {_range(low, high)} mmHg")
            phrases_zh.append(f"血压 {_range(low, high)} mmHg")
            continue
        label = s.label if name == "spo2" else s.label.lower()
        phrases.append(f"{label} {_range(_num(s.minimum), _num(s.maximum))} {s.unit}")
        phrases_zh.append(f"{s.label.by_language['zh']} {_range(_num(s.minimum), _num(s.maximum))} "
                          f"{s.unit.by_language.get('zh', s.unit)}")
    if phrases:
        text = "; ".join(phrases)
        out.append(Words(text[0].upper() + text[1:] + ".", zh="；".join(phrases_zh) + "。"))
    top = max(scores, key=lambda s: s.score, default=None)
    if top is not None:
        band = _band(top.band)
        out.append(Words(f"Highest NEWS2 score {top.score}" + (f" ({top.band})" if top.band else "")
                         + f" at {top.at:%H:%M}.",
                         zh=f"NEWS2 最高评分 {top.score}" + (f"（{band.by_language['zh']}）" if top.band else "")
                         + f"，在 {top.at:%H:%M}。"))
    return tuple(out)
