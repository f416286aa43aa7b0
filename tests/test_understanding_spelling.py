"""English words cut in two by speech-to-text, joined back."""

from __future__ import annotations

import pytest

from assistant.understanding.spelling import Spelling, distance

WORDS = ["curtains", "reminders", "brightness", "bedside lamp", "bathroom", "humidity", "tomorrow", "kettle"]
SMALL = ["me", "is", "it", "the", "in", "a"]


@pytest.mark.parametrize("a, b, d", [("curtins", "curtains", 1), ("curtens", "curtains", 2), ("kettle", "kettle", 0),
                                     ("abc", "abcdef", 3)])
def test_distance(a, b, d):
    assert distance(a, b) == d


@pytest.mark.parametrize("text, expected", [
    ("open the cur tins", "open the curtains"), ("stop the cur tens", "stop the curtains"),
    ("what remind ers have i got", "what reminders have i got"), ("turn up the bright ness", "turn up the brightness"),
    ("dim the bed side lamp", "dim the bedside lamp"), ("i fell in the bath room", "i fell in the bathroom"),
    # small words are never half of a word joined by likeness
    ("remind me tomorrow", "remind me tomorrow"), ("how humid is it", "how humid is it"),
    ("turn on the kettle", "turn on the kettle"),
    ("Remind Me To Call Anna", "Remind Me To Call Anna"),  # case is kept where nothing is joined
])
def test_correct(text, expected):
    assert Spelling(WORDS, SMALL).correct(text) == expected
