"""Utterances made ready: lower case, slips put right, fillers and politeness out, cut into clauses."""

from __future__ import annotations

import pytest

from assistant.understanding.lexicon import lexicon
from tests.understandingkit import understanding


def clauses(text: str, language: str) -> list[str]:
    heard = understanding().heard(text, language)
    assert heard is not None
    return [c.text for c in heard.clauses]


@pytest.mark.parametrize("text, expected", [
    ("Put the kettle on please", ["put the kettle on"]),
    ("um, the telly, can you put the telly on, the news is starting",
     ["the tv", "put the tv on", "the news is starting"]),
    ("oh goodness, I've left the kettle going again, switch it off would you",
     ["i've left the kettle going again", "switch it off"]),
    ("switch off leos light he's fallen asleep", ["switch off leo's light", "he's fallen asleep"]),
    ("turn of the kitchen lite", ["turn off the kitchen light"]),
    ("clothes the blinds", ["close the blinds"]),
    ("open the cur tins in the living room", ["open the curtains in the living room"]),
    ("kitchen light to thirty per cent", ["kitchen light to thirty percent"]),
    ("I feel dizzy when I stand up", ["i feel dizzy", "when", "i stand up"]),
])
def test_english(text, expected):
    assert clauses(text, "en") == expected


@pytest.mark.parametrize("text, expected", [
    ("麻烦你把走廊的灯打开，谢谢", ["把走廊的灯打开"]),
    ("那个……床头灯，帮我开一下", ["床头灯", "帮我开"]),
    ("哎呀，天都黑了，你帮我把客厅灯开开吧", ["天都黑了", "帮我把客厅灯开开"]),
    ("打开厨房的等", ["打开厨房的灯"]),
    ("请问客厅的风扇还开着吗", ["客厅的风扇还开着吗"]),
    ("就命啊我摔倒了", ["救命", "我摔倒了"]),               # a run-on cut where a new clause starts
    ("帮我把电视打开", ["帮我把电视打开"]),                   # 帮我 takes 我: no cut
])
def test_chinese(text, expected):
    assert clauses(text, "zh-CN") == expected


def test_a_question_mark_marks_its_clause():
    heard = understanding().heard("front door open? thanks", "en")
    assert [(c.text, c.question) for c in heard.clauses] == [("front door open", True)]
    zh = understanding().heard("灯开着吗", "zh-CN")
    assert zh.clauses[0].question


def test_slips_are_put_right_in_the_text_as_said_keeping_its_case():
    heard = understanding().heard("Remind me tomorrow at ate to call Anna", "en")
    assert heard.corrected == "Remind me tomorrow at eight to call Anna"


def test_lexicons_exist_for_both_languages_and_no_other():
    assert lexicon("en") is not None and lexicon("zh-CN") is not None
    assert lexicon("fr") is None
