"""Reading a Chinese time or duration (明天早上八点, 下午三点半, 三点四十五, 二十分钟后, 半小时以后, 两个小时之后)
into a ``When``. Pure; Chinese numerals or digits."""

from __future__ import annotations

import re
from datetime import timedelta

from skills.reminders.when import When

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUM = r"[零〇一二两三四五六七八九十百\d]+"
DAYS = {"今天": (0, None), "今日": (0, None), "今儿": (0, None), "明天": (1, None), "明日": (1, None),
        "明儿": (1, None), "后天": (2, None), "大后天": (3, None), "今晚": (0, "night"), "今早": (0, "morning"),
        "明早": (1, "morning"), "明晚": (1, "night")}
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
PERIODS = {"凌晨": "am", "早上": "morning", "早晨": "morning", "清早": "morning", "上午": "morning", "中午": "noon",
           "下午": "afternoon", "傍晚": "evening", "晚上": "night", "夜里": "night", "半夜": "night"}

_DAY = ("(?P<day>" + "|".join(sorted(DAYS, key=len, reverse=True))
        + r"|(?:这个?)?(?:星期|礼拜|周)(?P<weekday>[一二三四五六日天]))")
_PERIOD = "(?P<period>" + "|".join(PERIODS) + ")"
_CLOCK = (rf"(?:(?P<hh>\d{{1,2}})[:：](?P<mm>\d\d)|(?P<hour>{NUM})(?:点|时)钟?"
          rf"(?:(?P<half>半)|(?P<quarter>一刻|三刻)|整|零?(?P<minute>{NUM})分?)?)")
_DURATION = (rf"(?:(?P<hours>{NUM})个?(?P<and_half>半)?(?:小时|钟头)(?:(?P<hour_minutes>{NUM})分钟?)?"
             rf"|(?P<half_hour>半)个?(?:小时|钟头)|(?P<quarters>一|三)刻钟|(?P<minutes>{NUM})分钟?"
             rf"|(?P<seconds>{NUM})秒钟?|(?P<days>{NUM})天)")
_AFTER = re.compile(rf"[再过]?{_DURATION}(?:后|以后|之后|过后)")
_AT = re.compile(rf"[在到等]?(?:{_DAY})?(?:的)?(?:{_PERIOD})?(?:{_CLOCK})?(?:的时候|左右)?")


def chinese_number(text: str) -> int | None:
    """二十五 → 25, 十五 → 15, 两 → 2, 一百二十 → 120, 零五 → 5, 20 → 20; None if not a number."""
    if text.isdigit():
        return int(text)
    total = current = 0
    for char in text:
        if char in DIGITS:
            current = DIGITS[char]
        elif char in "十百":
            total += (current or 1) * (10 if char == "十" else 100)
            current = 0
        else:
            return None
    return total + current


def duration(text: str) -> timedelta | None:
    """二十分钟, 半个小时, 两个小时, 一个半小时, 1小时20分钟, 三刻钟, 十秒 as a length of time."""
    m = re.fullmatch(_DURATION, text)
    return _duration(m) if m else None


def _duration(m: re.Match[str]) -> timedelta | None:
    def num(name: str) -> int:
        return chinese_number(m[name]) or 0 if m[name] else 0

    seconds = num("hours") * 3600 + (1800 if m["and_half"] else 0) + num("hour_minutes") * 60
    seconds += (1800 if m["half_hour"] else 0) + (900 * (1 if m["quarters"] == "一" else 3) if m["quarters"] else 0)
    seconds += num("minutes") * 60 + num("seconds") + num("days") * 86400
    return timedelta(seconds=seconds) if seconds > 0 else None


def parse_when(text: str) -> When | None:
    """``text`` as a whole read as a time (明天早上八点, 二十分钟后); None if any of it is not."""
    text = re.sub(r"\s+", "", text)
    if m := _AFTER.fullmatch(text):
        after = _duration(m)
        return When(after=after) if after else None
    m = _AT.fullmatch(text)
    if not m or not (m["day"] or m["period"] or m["hour"] or m["hh"]):
        return None
    day, period = DAYS.get(m["day"] or "", (None, None))
    weekday = WEEKDAYS[m["weekday"]] if m["weekday"] else None
    if m["period"]:
        period = PERIODS[m["period"]]
    hour: int | None = None
    minute = 0
    if m["hh"]:
        hour, minute = int(m["hh"]), int(m["mm"])
    elif m["hour"]:
        hour = chinese_number(m["hour"])
        if m["half"]:
            minute = 30
        elif m["quarter"]:
            minute = 15 if m["quarter"] == "一刻" else 45
        elif m["minute"]:
            minute = chinese_number(m["minute"]) or 0
    if hour is not None and not (0 <= hour <= 24 and 0 <= minute < 60):
        return None
    return When(day=day, weekday=weekday, hour=hour, minute=minute, period=period)
