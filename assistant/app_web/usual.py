"""The usual range of each vital sign on the person page: NEWS2's zero-point band (Royal College of Physicians
2017, Chart 1; SpO2 on scale 1), so a value outside it is one NEWS2 would score. Pure."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

USUAL: dict[str, tuple[float, float]] = {
    "heart_rate": (51, 90),
    "spo2": (96, 100),
    "temperature": (36.1, 38.0),
    "systolic": (111, 219),
    "respiration_rate": (12, 20),
}
"""Lowest and highest value that scores 0 points, by vital; a watch's skin temperature has none."""

Verdict = Literal["below", "within", "above"]


def as_recorded(name: str, value: float) -> float:
    """A reading as a nurse records it (and NEWS2 scores it): temperature to 0.1 °C, the rest whole, half up."""
    step = Decimal("0.1") if name in ("temperature", "skin_temp") else Decimal("1")
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def judge(name: str, value: float) -> Verdict | None:
    """Where ``value`` lies against the usual range of ``name``; None when it has none."""
    usual = USUAL.get(name)
    if usual is None:
        return None
    shown = as_recorded(name, value)
    if shown < usual[0]:
        return "below"
    return "above" if shown > usual[1] else "within"


def shown(name: str, value: float) -> str:
    """The value as the page writes it: ``72``, ``36.8``."""
    return f"{as_recorded(name, value):g}"
