"""Chinese heard by sound: words carehub listens for are put back where the text sounds like them."""

from __future__ import annotations

import pytest

from assistant.understanding.pinyin import SoundIndex, sounds, sounds_alike

WORDS = ["厨房的灯", "电视", "关一下", "打开", "调暗", "调亮", "窗帘", "百叶窗", "温度", "湿度", "计时器", "提醒", "救命",
         "没事", "头晕", "几号", "几点了", "乐乐", "停一下", "安娜", "吃过药", "关灯", "定时"]
KEEP = ["多少", "是多少", "一声", "说一声", "医生", "一下"]


def test_sounds_of_a_character_with_several_readings():
    assert {"le", "yue"} <= sounds("乐")
    assert sounds("x") == frozenset({"x"})


@pytest.mark.parametrize("heard, word, alike", [
    ("等", "灯", True), ("电式", "电视", True), ("了了", "乐乐", True), ("问度", "温度", True),
    ("十", "时", False),  # numbers are only ever themselves
    ("电视", "电视机", False),
])
def test_sounds_alike(heard, word, alike):
    assert sounds_alike(heard, word) is alike


@pytest.mark.parametrize("text, expected", [
    ("打开厨房的等", "打开厨房的灯"), ("关电式", "关电视"), ("管一下厨房的灯", "关一下厨房的灯"), ("大开电水壶", "打开电水壶"),
    ("客厅的灯条暗一点", "客厅的灯调暗一点"), ("把客厅的床帘打开", "把客厅的窗帘打开"), ("把白叶窗关上", "把百叶窗关上"),
    ("客厅的问度是多少", "客厅的温度是多少"), ("这里适度多少", "这里湿度多少"), ("即时器还剩多少时间", "计时器还剩多少时间"),
    ("我都有哪些题型", "我都有哪些提醒"), ("就命啊", "救命啊"), ("我没是", "我没事"), ("我一站起来就头运", "我一站起来就头晕"),
    ("今天几好", "今天几号"), ("现在几点乐", "现在几点了"), ("了了在哪里", "乐乐在哪里"), ("客厅窗帘挺一下", "客厅窗帘停一下"),
    ("给安那发个信息", "给安娜发个信息"), ("我吃过要了", "我吃过药了"), ("关等", "关灯"),
    # words already there are kept, and so are numbers and common words
    ("电视还开着吗", "电视还开着吗"), ("帮我定十五分钟", "帮我定十五分钟"), ("跟儿子说一声", "跟儿子说一声"),
    ("客厅的温度是多少", "客厅的温度是多少"), ("我要睡了", "我要睡了"), ("不用你管", "不用你管"),
])
def test_correct(text, expected):
    assert SoundIndex(WORDS, KEEP).correct(text) == expected
