"""What the vitals skill says, in English and Chinese: names of vitals, readings noted, NEWS2 explained."""

from __future__ import annotations

from typing import Any

from skills.vitals.news2 import News2Score, NotScored

# --- texts -------------------------------------------------------------------------------------------

NAMES = {
    "respiration_rate": ("respiration", "呼吸频率"), "spo2": ("SpO2", "血氧"), "air_or_oxygen": ("air/oxygen", "吸氧"),
    "systolic": ("systolic BP", "收缩压"), "pulse": ("pulse", "脉搏"), "consciousness": ("consciousness", "意识"),
    "temperature": ("temperature", "体温"),
}
UNITS = {"respiration_rate": "/min", "spo2": " %", "systolic": " mmHg", "pulse": "/min", "temperature": " °C"}
BANDS_ZH = {"low": "低", "low-medium": "中低", "medium": "中", "high": "高"}
NOTED = {"en": "I've noted your {what}: {value}.", "zh": "好的，已记下您的{what}：{value}。"}
TOLD = {"en": " I've let your family know.", "zh": "我已经告诉您的家人了。"}
WHAT = {
    "temperature": ("temperature", "体温"), "blood_pressure": ("blood pressure", "血压"),
    "heart_rate": ("heart rate", "心率"), "spo2": ("oxygen level", "血氧"),
    "respiration_rate": ("breathing rate", "呼吸频率"),
}
NOT_A_READING = {"en": "Sorry, I didn't catch a reading in that ({reason}).", "zh": "抱歉，没听清读数。"}
WHO = {"en": "Whose reading is that?", "zh": "这是谁的读数？"}
WHO_ASKS = {"en": "Whose health shall I tell you about? Say their name.", "zh": "您想问谁的身体情况？请说名字。"}
VERDICT = {
    "low": ("your vital signs look fine", "您的生命体征看起来正常"),
    "low-medium": ("one of your vital signs is off and needs a closer look", "有一项体征不太正常，需要留意"),
    "medium": ("your vital signs are worrying: a nurse or doctor should look at you soon",
               "您的体征让人担心，应该尽快请医生或护士看看"),
    "high": ("your vital signs are very worrying: you need urgent help", "您的体征很不好，需要紧急帮助"),
}
"""NEWS2's four bands as a family would say them (docs/care/vitals.md)."""


def _fmt(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def explain(result: News2Score, language: str) -> str:
    """``pulse 135/min → 3, SpO2 91 % → 3`` for the parameters that scored, worst first."""
    zh = language == "zh"
    parts = [f"{NAMES[p][1 if zh else 0]} {_fmt(result.values[p])}{UNITS.get(p, '')} → {result.scores[p]}"
             for p in result.worst()]
    absent = [NAMES[p][1 if zh else 0] for p in (*result.missing, *result.stale)]
    text = ("，" if zh else ", ").join(parts) or ("各项均为0分" if zh else "every parameter scored 0")
    if result.stale:
        stale = ("、" if zh else ", ").join(NAMES[p][1 if zh else 0] for p in result.stale)
        text += f"；{stale}读数过旧" if zh else f"; stale: {stale}"
    if absent:
        text += "（不完整，实际分数可能更高）" if zh else " (partial set: the full score may be higher)"
    return text


def how_you_are(result: News2Score | NotScored, steps: int | None, language: str) -> str:
    """The answer to "how am I doing": the vital signs' band in plain words with the readings behind it, and
    today's steps."""
    zh = language == "zh"
    if isinstance(result, NotScored):
        text = "我现在没有足够的最新读数，说不准您的体征。" if zh else \
            "I don't have enough recent readings to say how your vital signs are."
    else:
        verdict = VERDICT[result.band][1 if zh else 0]
        readings = [f"{NAMES[p][1 if zh else 0]} {_fmt(result.values[p])}{UNITS.get(p, '')}"
                    for p in ("pulse", "spo2", "temperature", "systolic") if p in result.values]
        shown = ("，" if zh else ", ").join(readings)
        if zh:
            text = f"{verdict}（NEWS2 {result.total}分{'：' + shown if shown else ''}）。"
        else:
            text = f"{verdict[0].upper()}{verdict[1:]} (NEWS2 {result.total}{': ' + shown if shown else ''})."
        unknown = [NAMES[p][1 if zh else 0] for p in (*result.missing, *result.stale)]
        if unknown:  # the score is a lower bound: say what it could not see
            text += f"没有最近的{'、'.join(unknown)}读数。" if zh else f" I have no recent {', '.join(unknown)}."
    if steps is not None:
        text += f"今天您走了{steps}步。" if zh else f" You've walked {steps:,} steps today."
    return text
