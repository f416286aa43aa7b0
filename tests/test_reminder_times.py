"""Reading reminder times and durations, English and Chinese, as tables: what was said, and the moment it
means in the home's zone seen from a fixed "now" (Monday 5 January 2026, 10:00 in London)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from skills.reminders import when_en, when_zh
from skills.reminders.request import as_yours, read
from skills.reminders.when import When, resolve

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 1, 5, 10, 0, tzinfo=LONDON)  # a Monday


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    """``day`` days after Monday 5 January, at ``hour``:``minute`` in London."""
    return datetime(2026, 1, 5 + day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize("said, moment", [
    ("at three", _at(0, 15)),                          # a bare hour: its waking-hours reading, next
    ("at 3", _at(0, 15)),
    ("at eight", _at(0, 20)),                          # 08:00 has passed: this evening
    ("at 11", _at(0, 11)),
    ("at 7", _at(0, 19)),
    ("at 3:30 pm", _at(0, 15, 30)),
    ("at 3.30", _at(0, 15, 30)),
    ("at 3:30 am", _at(1, 3, 30)),                     # said so: the small hours, tomorrow
    ("at 6 am", _at(1, 6)),
    ("at 12 am", _at(1, 0)),                           # 12 am is midnight
    ("at 12 pm", _at(0, 12)),                          # 12 pm is noon
    ("at noon", _at(0, 12)),
    ("at midnight", _at(1, 0)),
    ("at 15:00", _at(0, 15)),
    ("at half past one", _at(0, 13, 30)),
    ("at quarter to four", _at(0, 15, 45)),
    ("at ten past three", _at(0, 15, 10)),
    ("at twenty to five", _at(0, 16, 40)),
    ("at three thirty", _at(0, 15, 30)),
    ("at seven oh five", _at(0, 19, 5)),
    ("at 3 o'clock", _at(0, 15)),
    ("3pm", _at(0, 15)),
    ("for 6 pm", _at(0, 18)),
    ("at eight tonight", _at(0, 20)),
    ("tonight", _at(0, 21)),
    ("this afternoon", _at(0, 15)),
    ("tomorrow at 8 in the morning", _at(1, 8)),
    ("tomorrow at 8", _at(1, 8)),                      # a day said, a bare hour: 08:00, not 20:00
    ("tomorrow at 3", _at(1, 15)),                     # ... and never 03:00
    ("at 8 tomorrow morning", _at(1, 8)),
    ("tomorrow morning", _at(1, 9)),
    ("tomorrow evening at 7", _at(1, 19)),
    ("the day after tomorrow at 10 am", _at(2, 10)),
    ("on Thursday at 11 am", _at(3, 11)),
    ("thursday at eleven", _at(3, 11)),
    ("on monday at 9", _at(7, 9)),                     # today's 09:00 has passed: next Monday
    ("in 20 minutes", _at(0, 10, 20)),
    ("in twenty minutes", _at(0, 10, 20)),
    ("in twenty-five minutes", _at(0, 10, 25)),
    ("after 10 mins", _at(0, 10, 10)),
    ("in half an hour", _at(0, 10, 30)),
    ("in a quarter of an hour", _at(0, 10, 15)),
    ("in an hour", _at(0, 11)),
    ("in an hour and a half", _at(0, 11, 30)),
    ("in one and a half hours", _at(0, 11, 30)),
    ("in 1.5 hours", _at(0, 11, 30)),
    ("in 2 hours and 15 minutes", _at(0, 12, 15)),
    ("in a couple of minutes", _at(0, 10, 2)),
    ("in 90 seconds", _at(0, 10, 1, ) + timedelta(seconds=30)),
    ("in two days", _at(2, 10)),
    ("10 minutes from now", _at(0, 10, 10)),
])
def test_english_times(said, moment):
    when = when_en.parse_when(said)
    assert when is not None, said
    assert resolve(when, NOW) == moment


@pytest.mark.parametrize("said, moment", [
    ("三点", _at(0, 15)),
    ("下午三点", _at(0, 15)),
    ("三点半", _at(0, 15, 30)),
    ("三点一刻", _at(0, 15, 15)),
    ("三点四十五", _at(0, 15, 45)),
    ("三点十分", _at(0, 15, 10)),
    ("八点零五分", _at(0, 20, 5)),
    ("15点", _at(0, 15)),
    ("下午1点半", _at(0, 13, 30)),
    ("8:30", _at(0, 20, 30)),
    ("上午十一点", _at(0, 11)),
    ("中午十二点", _at(0, 12)),
    ("中午一点", _at(0, 13)),
    ("晚上八点", _at(0, 20)),
    ("晚上十二点", _at(1, 0)),
    ("今晚八点", _at(0, 20)),
    ("凌晨两点", _at(1, 2)),
    ("早上六点", _at(1, 6)),
    ("明天早上八点", _at(1, 8)),
    ("明天八点", _at(1, 8)),
    ("明天三点", _at(1, 15)),
    ("明早七点半", _at(1, 7, 30)),
    ("明天下午", _at(1, 15)),
    ("后天下午两点", _at(2, 14)),
    ("星期四上午十一点", _at(3, 11)),
    ("周五晚上七点", _at(4, 19)),
    ("十分钟后", _at(0, 10, 10)),
    ("10分钟后", _at(0, 10, 10)),
    ("二十分钟后", _at(0, 10, 20)),
    ("二十分钟以后", _at(0, 10, 20)),
    ("半小时以后", _at(0, 10, 30)),
    ("半个小时之后", _at(0, 10, 30)),
    ("两个小时后", _at(0, 12)),
    ("一个半小时后", _at(0, 11, 30)),
    ("1小时20分钟后", _at(0, 11, 20)),
    ("三刻钟后", _at(0, 10, 45)),
    ("过三十秒以后", _at(0, 10) + timedelta(seconds=30)),
])
def test_chinese_times(said, moment):
    when = when_zh.parse_when(said)
    assert when is not None, said
    assert resolve(when, NOW) == moment


@pytest.mark.parametrize("said", ["three", "吃药", "at three to call", "in minutes", "十分钟", "星期八", "25点"])
def test_not_times(said):
    assert (when_zh.parse_when(said) if any("\u4e00" <= c <= "\u9fff" for c in said) else when_en.parse_when(said)) is None


@pytest.mark.parametrize("said", ["tomorrow", "明天", "on Thursday"])
def test_a_day_alone_is_no_time_of_day(said):
    when = when_zh.parse_when(said) or when_en.parse_when(said)
    assert when is not None and resolve(when, NOW) is None


def test_a_bare_hour_after_its_afternoon_reading_is_tomorrows():
    late = NOW.replace(hour=16)
    assert resolve(When(hour=3), late) == _at(1, 15)
    assert resolve(When(hour=9), NOW.replace(hour=22)) == _at(1, 9)
    assert resolve(When(day=0, hour=8, period="am"), NOW) == _at(0, 8)  # today, said so: passed, still today
    assert resolve(When(day=0, hour=8), NOW) == _at(0, 20)  # "today at eight" at ten: this evening


@pytest.mark.parametrize("text, number", [
    ("三", 3), ("十", 10), ("十五", 15), ("二十", 20), ("二十五", 25), ("两", 2), ("一百二十", 120), ("零五", 5), ("45", 45),
])
def test_chinese_numerals(text, number):
    assert when_zh.chinese_number(text) == number


@pytest.mark.parametrize("text, minutes", [
    ("十分钟", 10), ("两个小时", 120), ("半小时", 30), ("半个钟头", 30), ("一个半小时", 90), ("1小时20分钟", 80), ("一刻钟", 15),
])
def test_chinese_durations(text, minutes):
    assert when_zh.duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text, language, when_text, task, connector, moment", [
    ("at three to call Anna", "en", None, "call Anna", "to", _at(0, 15)),
    ("to call Anna at three", "en", None, "call Anna", "to", _at(0, 15)),
    ("to take my pills at eight tonight", "en", None, "take my pills", "to", _at(0, 20)),
    ("tomorrow at 9 in the morning that the doctor's coming", "en", None, "the doctor's coming", "that", _at(1, 9)),
    ("about my eye drops after lunch, say half past one", "en", None, "my eye drops after lunch", "about",
     _at(0, 13, 30)),
    ("in ten minutes to check the bath", "en", None, "check the bath", "to", _at(0, 10, 10)),
    ("for 6 pm to take my evening tablets please", "en", None, "take my evening tablets", "to", _at(0, 18)),
    ("tomorrow to call Anna at 3", "en", None, "call Anna", "to", _at(1, 15)),
    ("the hairdresser is Thursday at eleven", "en", None, "the hairdresser", "about", _at(3, 11)),
    ("to call Anna", "en", "at three", "call Anna", "to", _at(0, 15)),
    ("to call Anna", "en", "oh I'll only forget otherwise at three", "call Anna", "to", _at(0, 15)),
    ("明天早上八点吃药", "zh-CN", None, "吃药", "", _at(1, 8)),
    ("二十分钟后吃药", "zh-CN", None, "吃药", "", _at(0, 10, 20)),
    ("吃药，明天早上八点", "zh-CN", None, "吃药", "", _at(1, 8)),
    ("星期四上午十一点要去理发", "zh-CN", None, "去理发", "", _at(3, 11)),
    ("点眼药水啊", "zh-CN", "哎，我这记性，你下午一点半", "点眼药水", "", _at(0, 13, 30)),
    ("一声，乐乐要过来，得给他弄点吃的", "zh-CN", "三点四十五", "乐乐要过来得给他弄点吃的", "", _at(0, 15, 45)),
])
def test_requests_split_into_time_and_task(text, language, when_text, task, connector, moment):
    request = read(text, language, when_text=when_text)
    assert (request.task, request.connector) == (task, connector)
    assert request.when is not None and resolve(request.when, NOW) == moment


@pytest.mark.parametrize("text, language, when_text, task, moment", [
    # a day named in the remark before the time carries to it; the remark's own time stays the remark's
    ("at 2", "en", "tomorrow I've got the dentist at 3", "", _at(1, 14)),
    ("to get the taxi", "en", "the clinic is on Thursday so at nine", "get the taxi", _at(3, 9)),
    ("一下", "zh-CN", "后天上午十点要去银行办事，你九点", "去银行办事", _at(2, 9)),
    ("一声", "zh-CN", "星期三下午三点复诊，两点", "复诊", _at(2, 14)),
    # no day in the remark: the time as said
    ("to call Anna", "en", "oh I've got the washing on so at three", "call Anna", _at(0, 15)),
])
def test_a_day_said_in_a_remark_carries_to_the_time(text, language, when_text, task, moment):
    request = read(text, language, when_text=when_text)
    assert request.task == task
    assert request.when is not None and resolve(request.when, NOW) == moment


@pytest.mark.parametrize("text, language, when_text", [
    ("at half past one, I've got the hospital tomorrow at half past two", "en", None),  # which day?
    ("明天下午两点去医院", "zh-CN", "一点"),
    ("", "zh-CN", "今天要买菜，明天要去医院，三点"),                                      # two days named
    ("at 3", "en", "today Anna's coming and on Friday the doctor, so"),
])
def test_a_day_that_is_not_clear_is_asked_not_guessed(text, language, when_text):
    assert read(text, language, when_text=when_text).when is None


@pytest.mark.parametrize("text, language, task, moment", [
    ("to water the plants at six this evening, they're looking sorry for themselves", "en", "water the plants",
     _at(0, 18)),
    ("to ring Sam at four, I'll only forget, I always do", "en", "ring Sam", _at(0, 16)),
    ("收衣服，下午五点，我老是忘，你记着点", "zh-CN", "收衣服", _at(0, 17)),
])
def test_a_time_ending_the_first_clause_before_a_remark(text, language, task, moment):
    request = read(text, language)
    assert request.task == task
    assert request.when is not None and resolve(request.when, NOW) == moment


def test_a_request_without_a_time():
    assert read("to call Anna", "en") == read("to call Anna", "en", when_text="whenever")
    assert read("to call Anna", "en").when is None


def test_said_back_to_the_person():
    assert as_yours("take my pills", "en") == "take your pills"
    assert as_yours("tell Anna I'm fine", "en") == "tell Anna you're fine"
    assert as_yours("给我女儿打电话", "zh-CN") == "给您女儿打电话"
