"""Reading an English time or duration ("at 3:30 pm", "tomorrow at 8 in the morning", "in twenty minutes",
"half past one", "an hour and a half") into a ``When``. Pure; words or digits."""

from __future__ import annotations

import re
from datetime import timedelta

from skills.reminders.when import When

ONES = {"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
        "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
UNITS = {"second": 1, "seconds": 1, "sec": 1, "secs": 1, "minute": 60, "minutes": 60, "min": 60, "mins": 60,
         "hour": 3600, "hours": 3600, "hr": 3600, "hrs": 3600, "day": 86400, "days": 86400,
         "week": 604800, "weeks": 604800}
WEEKDAYS = {name: i for i, names in enumerate((("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"),
                                                ("thursday", "thu", "thur", "thurs"), ("friday", "fri"),
                                                ("saturday", "sat"), ("sunday", "sun"))) for name in names}
PERIODS = {("am",): "am", ("pm",): "pm", ("in", "the", "morning"): "morning", ("in", "the", "afternoon"): "afternoon",
           ("in", "the", "evening"): "evening", ("at", "night"): "night", ("in", "the", "night"): "night"}
DAY_PARTS = {"morning": "morning", "afternoon": "afternoon", "evening": "evening", "night": "night"}

Tokens = list[str]


def tokens(text: str) -> Tokens:
    """Lower-case words, ``3:30`` kept whole, ``3pm`` split, ``a.m.`` as ``am``, punctuation dropped."""
    text = text.lower().replace("a.m.", "am").replace("p.m.", "pm").replace("o'clock", "oclock")
    text = re.sub(r"(\d)(am|pm)\b", r"\1 \2", text)
    text = re.sub(r"(\d)[.](\d\d)\b", r"\1:\2", text)
    text = re.sub(r"[^\w:'.]+", " ", text).replace("-", " ")
    return [w.strip(".'") for w in text.split() if w.strip(".'")]


def number(words: Tokens, i: int) -> tuple[int, int] | None:
    """A whole number at ``words[i]`` (``25``, ``twenty five``, ``twelve``) and the index after it."""
    if i >= len(words):
        return None
    word = words[i]
    if word.isdigit():
        return int(word), i + 1
    if word in TENS:
        if i + 1 < len(words) and words[i + 1] in ONES and 0 < ONES[words[i + 1]] < 10:
            return TENS[word] + ONES[words[i + 1]], i + 2
        return TENS[word], i + 1
    if word in ONES and word != "oh":
        return ONES[word], i + 1
    return None


def _amount(words: Tokens, i: int) -> tuple[float, int] | None:
    """A count before a unit: a number, ``1.5``, ``a`` / ``an``, ``a couple of``, ``one and a half``."""
    if i < len(words) and re.fullmatch(r"\d+\.\d+", words[i]):
        return float(words[i]), i + 1
    if words[i:i + 3] == ["a", "couple", "of"]:
        return 2.0, i + 3
    if i < len(words) and words[i] in ("a", "an"):
        value, j = 1.0, i + 1
    else:
        found = number(words, i)
        if found is None:
            return None
        value, j = float(found[0]), found[1]
    if words[j:j + 3] == ["and", "a", "half"]:
        return value + 0.5, j + 3
    return value, j


def duration(words: Tokens, i: int) -> tuple[timedelta, int] | None:
    """A length of time at ``words[i]``: "20 minutes", "an hour and a half", "half an hour", "a quarter of
    an hour", "1 hour 30 minutes", "two hours and fifteen minutes"."""
    total = 0.0
    j = i
    while j < len(words):
        if words[j:j + 3] in (["half", "an", "hour"], ["half", "a", "hour"]):
            total, j = total + 1800, j + 3
        elif words[j + (words[j] == "a"):][:4] == ["quarter", "of", "an", "hour"]:
            total, j = total + 900, j + (words[j] == "a") + 4
        else:
            found = _amount(words, j)
            if found is None or found[1] >= len(words) or words[found[1]] not in UNITS:
                break
            value, k = found
            unit = UNITS[words[k]]
            j = k + 1
            if words[j:j + 3] == ["and", "a", "half"] and value == int(value):
                value, j = value + 0.5, j + 3
            total += value * unit
        if words[j:j + 1] == ["and"] and duration(words, j + 1) is not None:
            j += 1
    if total <= 0:
        return None
    return timedelta(seconds=total), j


def _hour(words: Tokens, i: int) -> tuple[int, int] | None:
    found = number(words, i)
    if found is None or not 0 <= found[0] <= 24:
        return None
    return found


def clock(words: Tokens, i: int) -> tuple[When, int] | None:
    """A clock time at ``words[i]``: "3", "3:30", "three thirty", "seven oh five", "half past one", "quarter
    to four", "ten past three", "3 o'clock", "noon", "midnight"; any am / pm is read by the caller."""
    if i >= len(words):
        return None
    word = words[i]
    if word in ("noon", "midday"):
        return When(hour=12, period="noon"), i + 1
    if word == "midnight":
        return When(hour=12, period="midnight"), i + 1
    if m := re.fullmatch(r"(\d{1,2}):(\d\d)", word):
        hour, minute = int(m[1]), int(m[2])
        return (When(hour=hour, minute=minute), i + 1) if hour <= 24 and minute < 60 else None
    # half past one, quarter past / to four, ten (minutes) past three, twenty to four, half three
    for before, minutes in (("half", 30), ("quarter", 15)):
        if word == before:
            if words[i + 1:i + 2] in (["past"], ["after"]) and (h := _hour(words, i + 2)):
                return When(hour=h[0], minute=minutes), h[1]
            if minutes == 15 and words[i + 1:i + 2] in (["to"], ["till"]) and (h := _hour(words, i + 2)):
                return When(hour=(h[0] - 1) % 12 or 12, minute=45), h[1]
            if minutes == 30 and (h := _hour(words, i + 1)):
                return When(hour=h[0], minute=30), h[1]
            return None
    found = number(words, i)
    if found is None:
        return None
    value, j = found
    if words[j:j + 1] in (["minutes"], ["minute"], ["mins"]):
        j += 1
    if words[j:j + 1] in (["past"], ["after"], ["to"], ["till"]) and value < 60 and (h := _hour(words, j + 1)):
        if words[j] in ("past", "after"):
            return When(hour=h[0], minute=value), h[1]
        return When(hour=(h[0] - 1) % 12 or 12, minute=60 - value), h[1]
    if j != found[1] or value > 24:
        return None
    if words[j:j + 1] == ["oclock"]:
        return When(hour=value), j + 1
    if words[j:j + 1] == ["oh"] and (m2 := number(words, j + 1)) and m2[0] < 10:  # seven oh five
        return When(hour=value, minute=m2[0]), m2[1]
    after = number(words, j)
    if after and 10 <= after[0] < 60 and (after[1] >= len(words) or words[after[1]] not in UNITS):
        return When(hour=value, minute=after[0]), after[1]  # three thirty, 3 45
    return When(hour=value), j


def _day(words: Tokens, i: int) -> tuple[When, int] | None:
    """today, tomorrow, the day after tomorrow, tonight, this / tomorrow morning, (on / next) Thursday."""
    rest = words[i:]
    for said, day in ((["the", "day", "after", "tomorrow"], 2), (["day", "after", "tomorrow"], 2),
                      (["today"], 0), (["tomorrow"], 1)):
        if rest[:len(said)] == said:
            j = i + len(said)
            if words[j:j + 1] and words[j] in DAY_PARTS:
                return When(day=day, period=DAY_PARTS[words[j]]), j + 1
            return When(day=day), j
    if rest[:1] == ["tonight"]:
        return When(day=0, period="night"), i + 1
    if rest[:1] == ["this"] and rest[1:2] and rest[1] in DAY_PARTS:
        return When(day=0, period=DAY_PARTS[rest[1]]), i + 2
    j = i + 1 if rest[:1] in (["on"], ["next"], ["this"]) else i
    if words[j:j + 1] and words[j] in WEEKDAYS:
        k = j + 1
        if words[k:k + 1] and words[k] in DAY_PARTS:
            return When(weekday=WEEKDAYS[words[j]], period=DAY_PARTS[words[k]]), k + 1
        return When(weekday=WEEKDAYS[words[j]]), k
    return None


def _period(words: Tokens, i: int) -> tuple[When, int] | None:
    for said, period in PERIODS.items():
        if tuple(words[i:i + len(said)]) == said:
            return When(period=period), i + len(said)
    return None


def _bare_clock_ok(found: When, words: Tokens, start: int, end: int) -> bool:
    """A clock time without "at" counts only when it cannot be a count: after a day ("tomorrow 8"), before
    am / pm, or said as one ("3:30", "noon", "3 o'clock", "half past one")."""
    said = words[start:end]
    return (found.day is not None or found.weekday is not None or _period(words, end) is not None
            or ":" in said[0] or said[-1] in ("oclock", "noon", "midday", "midnight")
            or said[0] in ("half", "quarter") or any(w in ("past", "after", "to", "till") for w in said))


def when_at(words: Tokens, i: int = 0) -> tuple[When, int] | None:
    """The longest time expression starting at ``words[i]``, and where it ends."""
    if words[i:i + 1] in (["in"], ["after"], ["within"]) and (d := duration(words, i + 1)):
        j = d[1] + (2 if words[d[1]:d[1] + 2] == ["from", "now"] else 0)
        return When(after=d[0]), j
    if (d := duration(words, i)) and words[d[1]:d[1] + 2] == ["from", "now"]:
        return When(after=d[0]), d[1] + 2
    found = When()
    j = i
    while j < len(words):
        part: tuple[When, int] | None = None
        if words[j] in ("at", "by", "for", "around", "about") and (c := clock(words, j + 1)):
            part = c
        elif found.hour is None and (c := clock(words, j)) and _bare_clock_ok(found, words, j, c[1]):
            part = c
        elif (p := _period(words, j)) or (p := _day(words, j)):
            part = p
        if part is None:
            break
        merged = found.merged(part[0]) if found != When() else part[0]
        if merged is None or merged == found:
            break
        found, j = merged, part[1]
    return (found, j) if j > i and found.complete() else None


def parse_when(text: str) -> When | None:
    """``text`` as a whole read as a time ("tomorrow at 8 in the morning"); None if any of it is not."""
    words = tokens(text)
    found = when_at(words)
    return found[0] if found and found[1] == len(words) else None
