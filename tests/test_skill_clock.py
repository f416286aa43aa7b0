"""The clock skill: the time and the date in the home's time zone, in the language asked."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from skills.clock import Clock
from skills.clock.spoken import chinese_number, date_en, date_zh, time_en, time_zh


@pytest.mark.parametrize("hour, minute, english, chinese", [
    (15, 10, "It's ten past three.", "现在是下午三点十分。"),
    (15, 0, "It's three o'clock.", "现在是下午三点整。"),
    (8, 30, "It's half past eight.", "现在是上午八点半。"),
    (7, 15, "It's quarter past seven.", "现在是早上七点十五分。"),
    (9, 45, "It's quarter to ten.", "现在是上午九点四十五分。"),
    (14, 5, "It's five past two.", "现在是下午两点零五分。"),
    (10, 35, "It's twenty-five to eleven.", "现在是上午十点三十五分。"),
    (11, 7, "It's seven minutes past eleven.", "现在是上午十一点零七分。"),
    (16, 59, "It's one minute to five.", "现在是下午四点五十九分。"),
    (23, 38, "It's twenty-two minutes to twelve.", "现在是晚上十一点三十八分。"),
    (12, 0, "It's noon.", "现在是中午十二点整。"),
    (12, 20, "It's twenty past twelve.", "现在是中午十二点二十分。"),
    (0, 0, "It's midnight.", "现在是凌晨零点整。"),
    (0, 40, "It's twenty to one.", "现在是凌晨零点四十分。"),
    (3, 1, "It's one minute past three.", "现在是凌晨三点零一分。"),
    (20, 20, "It's twenty past eight.", "现在是晚上八点二十分。"),
])
def test_the_time_as_people_say_it(hour, minute, english, chinese):
    assert time_en(hour, minute) == english
    assert time_zh(hour, minute) == chinese


@pytest.mark.parametrize("n, words", [(0, "零"), (2, "二"), (10, "十"), (15, "十五"), (20, "二十"), (59, "五十九")])
def test_chinese_numerals(n, words):
    assert chinese_number(n) == words


def test_dates_in_both_languages():
    assert date_en(date(2026, 12, 3)) == "Today is Thursday 3 December."
    assert date_zh(date(2026, 12, 3)) == "今天是12月3日，星期四。"
    assert date_en(date(2027, 1, 1)) == "Today is Friday 1 January."
    assert date_zh(date(2026, 3, 29)) == "今天是3月29日，星期日。"


async def test_answers_from_the_hubs_clock_in_the_language_asked(skill_harness):
    h = await skill_harness(Clock, start=datetime(2026, 12, 3, 15, 10))  # home time, London
    assert (await h.say("what time is it")).text == "It's ten past three."
    assert (await h.say("现在几点了")).text == "现在是下午三点十分。"
    assert (await h.say("what's the date")).text == "Today is Thursday 3 December."
    assert (await h.say("今天几号")).text == "今天是12月3日，星期四。"
    await h.advance(5 * 60)
    assert (await h.say("what's the time")).text == "It's quarter past three."


async def test_the_homes_time_zone_decides_the_day(skill_harness):
    # 23:30 in London on Thursday is already 07:30 on Friday in Shanghai.
    h = await skill_harness(Clock, config={"home": {"timezone": "Asia/Shanghai"}},
                            start=datetime(2026, 12, 4, 7, 30))
    assert h.clock.now().day == 3
    assert (await h.say("what day is it today")).text == "Today is Friday 4 December."
    assert (await h.say("现在几点")).text == "现在是早上七点半。"
