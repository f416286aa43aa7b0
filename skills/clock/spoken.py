"""The time and the date as people say them, in English and Chinese: pure functions of a clock reading."""

from __future__ import annotations

from datetime import date

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty"}
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
WEEKDAYS_ZH = ["一", "二", "三", "四", "五", "六", "日"]
DIGITS_ZH = "零一二三四五六七八九"


def english_number(n: int) -> str:
    """0-59 in words: ``twenty-five``."""
    if n < 20:
        return ONES[n]
    tens, ones = divmod(n, 10)
    return TENS[tens * 10] + (f"-{ONES[ones]}" if ones else "")


def chinese_number(n: int) -> str:
    """0-99 in Chinese numerals: 十, 十五, 二十三."""
    if n < 10:
        return DIGITS_ZH[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS_ZH[tens]) + "十" + (DIGITS_ZH[ones] if ones else "")


def _hour_en(hour: int) -> str:
    return english_number(hour % 12 or 12)


def time_en(hour: int, minute: int) -> str:
    """``It's ten past three.``: the words on a clock face, without a.m. or p.m."""
    if minute == 0:
        if hour in (0, 12):
            return "It's midnight." if hour == 0 else "It's noon."
        return f"It's {_hour_en(hour)} o'clock."
    if minute <= 30:
        before, after = minute, hour
        joiner = "past"
    else:
        before, after = 60 - minute, hour + 1
        joiner = "to"
    if before == 15:
        amount = "quarter"
    elif before == 30:
        amount = "half"
    elif before % 5 == 0:
        amount = english_number(before)
    else:
        amount = f"{english_number(before)} minute{'s' if before != 1 else ''}"
    return f"It's {amount} {joiner} {_hour_en(after)}."


def period_zh(hour: int) -> str:
    """The part of the day a Chinese speaker names before the hour: 凌晨, 早上, 上午, 中午, 下午, 晚上."""
    if hour < 5:
        return "凌晨"
    if hour < 8:
        return "早上"
    if hour < 12:
        return "上午"
    if hour < 13:
        return "中午"
    if hour < 18:
        return "下午"
    return "晚上"


def clock_zh(hour: int, minute: int) -> str:
    """``下午三点十分``, ``上午八点半``, ``晚上九点整``, ``下午两点零五分``."""
    twelve = hour % 12 or (12 if hour == 12 else 0)
    spoken_hour = "两" if twelve == 2 else chinese_number(twelve)
    if minute == 0:
        rest = "整"
    elif minute == 30:
        rest = "半"
    elif minute < 10:
        rest = f"零{chinese_number(minute)}分"
    else:
        rest = f"{chinese_number(minute)}分"
    return f"{period_zh(hour)}{spoken_hour}点{rest}"


def time_zh(hour: int, minute: int) -> str:
    """``现在是下午三点十分。``"""
    return f"现在是{clock_zh(hour, minute)}。"


def date_en(day: date) -> str:
    """``Today is Thursday 3 December.``"""
    return f"Today is {WEEKDAYS_EN[day.weekday()]} {day.day} {MONTHS_EN[day.month - 1]}."


def date_zh(day: date) -> str:
    """``今天是12月3日，星期四。``"""
    return f"今天是{day.month}月{day.day}日，星期{WEEKDAYS_ZH[day.weekday()]}。"
