"""Readings said or typed by a person ("my temperature is 38.5", "血压一百四十over九十"), parsed and checked.

Pure functions: numbers in digits or Chinese numerals, blood pressure as two numbers, and the ranges a
reading must fall in to be believed (a slip of the tongue must not score 3 points).
"""

from __future__ import annotations

import re

RANGES: dict[str, tuple[float, float]] = {
    "temperature": (30.0, 44.0),
    "systolic": (50.0, 260.0),
    "diastolic": (30.0, 160.0),
    "heart_rate": (20.0, 250.0),
    "spo2": (50.0, 100.0),
    "respiration_rate": (4.0, 60.0),
}
"""Plausible values per reading; the wearable decoder's limits, temperature in °C."""

FAHRENHEIT = (93.0, 111.0)
"""A spoken temperature in this range is in °F (93 °F = 33.9 °C, 111 °F = 43.9 °C) and is converted."""

_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100}
_CHINESE = re.compile(r"[零〇一幺二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?")
_ARABIC = re.compile(r"\d+(?:[.,]\d+)?")


class ReadingError(ValueError):
    """What was said is not a usable reading; ``reason`` says why in a few words."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _chinese_integer(text: str) -> int:
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        else:
            total += (current or 1) * _UNITS[char]
            current = 0
    return total + current


def chinese_number(text: str) -> float:
    """``三十八点五`` → 38.5, ``一百四十`` → 140, ``九十五`` → 95, ``十二`` → 12."""
    whole, _, fraction = text.partition("点")
    if all(c in _DIGITS for c in whole) and len(whole) > 1:
        value = float("".join(str(_DIGITS[c]) for c in whole))  # digit by digit: 一四零 → 140
    else:
        value = float(_chinese_integer(whole))
    if fraction:
        value += float("0." + "".join(str(_DIGITS[c]) for c in fraction))
    return value


def numbers(text: str) -> list[float]:
    """Every number in ``text``, in order, in Arabic digits or Chinese numerals."""
    found: list[tuple[int, float]] = []
    for match in _ARABIC.finditer(text):
        found.append((match.start(), float(match.group().replace(",", "."))))
    for match in _CHINESE.finditer(text):
        found.append((match.start(), chinese_number(match.group())))
    return [value for _, value in sorted(found)]


def check(kind: str, value: float) -> float:
    """``value`` if it is plausible for ``kind``; a temperature in °F is converted to °C."""
    if kind == "temperature" and FAHRENHEIT[0] <= value <= FAHRENHEIT[1]:
        value = round((value - 32) * 5 / 9, 1)
    low, high = RANGES[kind]
    if not low <= value <= high:
        raise ReadingError(f"{value:g} is not a plausible {kind.replace('_', ' ')}")
    return value


def parse_single(kind: str, text: str) -> float:
    """The first plausible reading in ``text`` ("量了一下，38.5" skips the 一), checked."""
    found = numbers(text)
    if not found:
        raise ReadingError(f"no number for the {kind.replace('_', ' ')}")
    for value in found:
        try:
            return check(kind, value)
        except ReadingError:
            continue
    return check(kind, found[0])


def parse_blood_pressure(text: str) -> tuple[float, float]:
    """``140 over 90`` / ``140/90`` / ``一百四十和九十`` → (systolic, diastolic), checked."""
    found = numbers(text)
    if len(found) < 2:
        raise ReadingError("blood pressure needs two numbers, like 140 over 90")
    systolic, diastolic = found[0], found[1]
    if diastolic > systolic:
        systolic, diastolic = diastolic, systolic
    return check("systolic", systolic), check("diastolic", diastolic)
