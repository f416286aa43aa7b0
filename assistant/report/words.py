"""How the report writes times, durations and counts (shared by the summary and the page), in English or
Simplified Chinese: ``language`` is a reader's (``zh-CN`` and any ``zh`` read Chinese, anything else English)."""

from __future__ import annotations

from datetime import date, datetime

_WEEKDAYS_ZH = "一二三四五六日"


def chinese(language: str | None) -> bool:
    """The reader reads Chinese (``zh``, ``zh-CN``, ``zh-TW``)."""
    return (language or "").lower().startswith("zh")


def format_duration(seconds: float, language: str = "en") -> str:
    """``45 s``, ``12 min``, ``2 h 30 min``; in Chinese ``45秒``, ``12分钟``, ``2小时30分钟``."""
    zh = chinese(language)
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}秒" if zh else f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes}分钟" if zh else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if zh:
        return f"{hours}小时{minutes}分钟" if minutes else f"{hours}小时"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def hhmm(when: datetime | None) -> str:
    return when.strftime("%H:%M") if when else ""


def long_date(day: date, language: str = "en") -> str:
    """``Monday 5 January 2026``; in Chinese ``2026年1月5日 星期一``."""
    if chinese(language):
        return f"{day.year}年{day.month}月{day.day}日 星期{_WEEKDAYS_ZH[day.weekday()]}"
    return f"{day:%A} {day.day} {day:%B %Y}"


def times(count: int, language: str = "en") -> str:
    """``once``, ``twice``, ``3 times``; in Chinese ``1次``, ``3次``."""
    if chinese(language):
        return f"{count}次"
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def message_text(message: object) -> str:
    """A notification's text: English if given by language, else any language."""
    if isinstance(message, dict):
        text = message.get("en") or next(iter(message.values()), "")
        return str(text)
    return "" if message is None else str(message)
