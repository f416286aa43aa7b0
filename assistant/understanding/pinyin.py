"""Chinese heard by sound: speech-to-text writes a word it heard with another character of the same sound
(厨房的等 for 厨房的灯, 关电式 for 关电视, 就命 for 救命). Words carehub knows are put back wherever the text
has characters that sound the same (toneless pinyin, any reading of a character with several)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib.resources import files


@functools.cache
def _table() -> dict[str, frozenset[str]]:
    readings: dict[str, set[str]] = {}
    text = (files("assistant.understanding") / "pinyin.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        sound, chars = line.split("\t")
        for char in chars:
            readings.setdefault(char, set()).add(sound)
    return {char: frozenset(sounds) for char, sounds in readings.items()}


def sounds(char: str) -> frozenset[str]:
    """The toneless readings of a character (``乐`` → {le, yue}); a character not in the table sounds as itself."""
    return _table().get(char, frozenset((char,)))


def sounds_alike(heard: str, word: str) -> bool:
    """Whether ``heard`` could be ``word`` said aloud: as long, and each character shares a reading (a number
    only as itself)."""
    return len(heard) == len(word) and all(a == b or (a not in NUMERALS and b not in NUMERALS and sounds(a) & sounds(b))
                                           for a, b in zip(heard, word))


NUMERALS = set("零〇一二两三四五六七八九十半")
"""Numbers are never heard as something else (定十五分钟 is not 定时五分钟)."""


class SoundIndex:
    """The words carehub listens for, looked up by how they sound, and common words that are left alone."""

    def __init__(self, words: Iterable[str], keep: Iterable[str] = ()) -> None:
        """``words`` are put back where they are heard; ``keep`` words (一声, 多少) are only kept as they are,
        so 说一声 is not heard as 说医生 nor 是多少 as 湿度少."""
        # Only words of two characters or more: one character sounds like too many others (要 and 药).
        targets = {w for w in words if len(w) >= 2 and all(_is_han(c) for c in w)}
        self.targets = sorted(targets, key=len, reverse=True)
        self.words = sorted(targets | {w for w in keep if len(w) >= 2 and all(_is_han(c) for c in w)}, key=len,
                            reverse=True)
        self._by_first: dict[str, list[str]] = {}
        for word in self.targets:
            for sound in sounds(word[0]):
                self._by_first.setdefault(sound, []).append(word)

    def correct(self, text: str) -> str:
        """``text`` with every stretch that sounds like a known word (and is not already one) written as it.

        Known words already in the text are kept as they are, and a correction changes none of their
        characters: 电视 stays 电视 even though 电 and 视 begin other words.
        """
        exact = [False] * len(text)
        for word in self.words:
            start = text.find(word)
            while start != -1:
                if not any(exact[start:start + len(word)]):
                    exact[start:start + len(word)] = [True] * len(word)
                start = text.find(word, start + 1)
        out = list(text)
        i = 0
        while i < len(text):
            if not _is_han(text[i]):
                i += 1
                continue
            candidates = {w for sound in sounds(text[i]) for w in self._by_first.get(sound, ())}
            for word in sorted(candidates, key=len, reverse=True):
                end = i + len(word)
                # A word already there may be part of the correction only as itself (管一下 → 关一下).
                kept = all(not exact[p] or text[p] == word[p - i] for p in range(i, min(end, len(text))))
                if end <= len(text) and kept and sounds_alike(text[i:end], word) and text[i:end] != word:
                    out[i:end] = list(word)
                    i = end
                    break
            else:
                i += 1
        return "".join(out)


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"
