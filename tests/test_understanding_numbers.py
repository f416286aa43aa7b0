"""Numbers as people say them: English number words and Chinese numerals."""

from __future__ import annotations

import pytest

from assistant.understanding.numbers import chinese_digits, chinese_number, english_digits, english_number


@pytest.mark.parametrize("words, value", [
    ("thirty", 30), ("twenty five", 25), ("twenty-five", 25), ("a hundred", 100), ("one hundred and five", 105),
    ("seven", 7), ("nineteen", 19), ("light", None), ("twenty twenty", None), ("", None),
])
def test_english_number(words, value):
    assert english_number(words) == value


@pytest.mark.parametrize("text, expected", [
    ("kitchen light to thirty percent", "kitchen light to 30 percent"),
    ("set it to twenty five", "set it to 25"),
    ("a hundred percent", "100 percent"),
    ("the kitchen one", "the kitchen one"),
])
def test_english_digits(text, expected):
    assert english_digits(text) == expected


@pytest.mark.parametrize("text, value", [
    ("八十", 80), ("十五", 15), ("二十五", 25), ("一百八十", 180), ("一百八", 180), ("一百零五", 105), ("十", 10),
    ("七", 7), ("两", 2), ("三五", None), ("灯", None), ("百百", None),
])
def test_chinese_number(text, value):
    assert chinese_number(text) == value


@pytest.mark.parametrize("text, expected", [
    ("调到百分之七十", "调到70%"), ("百分之 30", "30%"), ("定个十分钟的计时", "定个10分钟的计时"),
    ("三点四十五提醒我", "3点45提醒我"),
    ("开一下", "开一下"), ("亮一点", "亮一点"), ("一半", "一半"),   # a lone 一 before these is not a number
    ("把百叶窗打开", "把百叶窗打开"),                                # 百 alone is not a hundred
])
def test_chinese_digits(text, expected):
    assert chinese_digits(text) == expected
