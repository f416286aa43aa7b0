"""Numbers as people say them: English number words ("thirty", "twenty five") and Chinese numerals (八十,
百分之七十, 一百八十) as integers, and text with them written as digits."""

from __future__ import annotations

import re

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_EN_NUMBER = re.compile(
    r"\b(?:(?:a|one) hundred(?: and)?(?: (?:%s)(?:[ -](?:%s))?| (?:%s))?|(?:%s)(?:[ -](?:%s))?|(?:%s))\b" % (
        "|".join(_TENS), "|".join(k for k in _UNITS if _UNITS[k] < 10), "|".join(_UNITS),
        "|".join(_TENS), "|".join(k for k in _UNITS if _UNITS[k] < 10), "|".join(_UNITS)))

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_ZH_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+")


def english_number(words: str) -> int | None:
    """``"thirty"`` → 30, ``"twenty five"`` / ``"twenty-five"`` → 25, ``"a hundred"`` → 100; None otherwise."""
    words = words.strip().lower().replace("-", " ")
    total = 0
    parts = words.split()
    if not parts:
        return None
    if parts[:2] in (["a", "hundred"], ["one", "hundred"]):
        total, parts = 100, [p for p in parts[2:] if p != "and"]
    if not parts:
        return total
    if len(parts) == 1 and parts[0] in _UNITS:
        return total + _UNITS[parts[0]]
    if parts[0] in _TENS and (len(parts) == 1 or (len(parts) == 2 and _UNITS.get(parts[1], 10) < 10)):
        return total + _TENS[parts[0]] + (_UNITS[parts[1]] if len(parts) == 2 else 0)
    return None


def english_digits(text: str) -> str:
    """Number words in English text written as digits: "set it to thirty per cent" → "set it to 30 per cent"."""
    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "one":  # "the kitchen one", "that one": a one that is no number
            return "one"
        value = english_number(match.group(0))
        return match.group(0) if value is None else str(value)

    return _EN_NUMBER.sub(replace, text)


def chinese_number(text: str) -> int | None:
    """``八十`` → 80, ``十五`` → 15, ``二十五`` → 25, ``一百八十`` / ``一百八`` → 180, ``七`` → 7, ``三五`` → None."""
    if not text or any(c not in _ZH_DIGITS and c not in "十百" for c in text) or text.count("百") > 1 or \
            text.count("十") > 1:
        return None  # 百百, 十十: speech-to-text noise, not a number
    if all(c in _ZH_DIGITS for c in text):
        return _ZH_DIGITS[text] if len(text) == 1 else None
    hundreds, rest = (text.split("百", 1) if "百" in text else ("", text))
    total = 0
    if "百" in text:
        if len(hundreds) > 1:
            return None
        total = 100 * (_ZH_DIGITS[hundreds] if hundreds else 1)
        if len(rest) == 1 and rest in _ZH_DIGITS:
            return total + 10 * _ZH_DIGITS[rest]  # 一百八 is 180
        rest = rest.lstrip("零〇")
    if not rest:
        return total
    if "十" in rest:
        tens, units = rest.split("十", 1)
        if len(tens) > 1 or len(units) > 1 or "十" in units:
            return None
        return total + 10 * (_ZH_DIGITS[tens] if tens else 1) + (_ZH_DIGITS[units] if units else 0)
    return total + _ZH_DIGITS[rest] if len(rest) == 1 and rest in _ZH_DIGITS else None


def chinese_digits(text: str) -> str:
    """Chinese numerals in text written as digits: 百分之七十 → 70%, 十分钟 → 10分钟, 两点 → 2点.

    A lone 一 is left alone (一下, 一点, 一个 are not numbers); so is 十 inside 十分 meaning "very"
    only when a number cannot be meant, which in commands it always can.
    """
    def percent(match: re.Match[str]) -> str:
        value = match.group(1) if match.group(1).isdigit() else chinese_number(match.group(1))
        return match.group(0) if value is None else f"{value}%"

    text = re.sub(r"百分之\s*([零〇一二两三四五六七八九十百]+|\d+)", percent, text)

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        if word == "百":  # 百叶窗, 百分: a hundred is said 一百
            return word
        if word in ("一", "两") and match.end() < len(text) and text[match.end()] in "下点些个会边样直起同块半":
            return word
        value = chinese_number(word)
        return word if value is None else str(value)

    return _ZH_NUMBER.sub(replace, text)
