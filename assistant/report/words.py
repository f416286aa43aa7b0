"""How the report writes times, durations and counts (shared by the summary and the page)."""

from __future__ import annotations

from datetime import date, datetime


def format_duration(seconds: float) -> str:
    """``45 s``, ``12 min``, ``2 h 30 min``."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def hhmm(when: datetime | None) -> str:
    return when.strftime("%H:%M") if when else ""


def long_date(day: date) -> str:
    """``Monday 5 January 2026``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def times(count: int) -> str:
    """``once``, ``twice``, ``3 times``."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def message_text(message: object) -> str:
    """A notification's text: English if given by language, else any language."""
    if isinstance(message, dict):
        text = message.get("en") or next(iter(message.values()), "")
        return str(text)
    return "" if message is None else str(message)
