"""English heard in pieces: speech-to-text cuts a word it did not know into two ("cur tins", "bright ness",
"remind ers", "bed side"). Two words next to each other are put together when together they are a word carehub
knows and are not both words it knows already, or are one letter or two from a long word it knows and neither
is a small word of the language ("remind me" is not "reminder", nor "humid is" "humidity").

A word it does not know is also put right by likeness ("tempature" → "temperature": a letter from a word it
knows of eight letters or more, two from one of ten) or by sound ("cattle" → "kettle": the same consonants,
heard the same), when exactly one word it knows fits."""

from __future__ import annotations

import re
from collections.abc import Iterable

SHORTEST = 7
"""Letters in the shortest word a pair may be joined into by likeness (exact joins may be shorter)."""


def distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance, stopping early above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def sound(word: str) -> str:
    """What a word sounds like, roughly: its consonants as heard ("cattle" and "kettle" are both "ktl")."""
    w = re.sub(r"^(?:kn|wr)", lambda m: m.group()[1], word.lower())
    w = w.replace("ph", "f").replace("ck", "k").replace("q", "k").replace("x", "ks")
    w = re.sub(r"c(?=[eiy])", "s", w).replace("c", "k")
    w = re.sub(r"(.)\1+", r"\1", w)
    return (w[:1] if w[:1] not in "aeiouy" else "a") + re.sub(r"[aeiouyhw']", "", w[1:])


class Spelling:
    """The English words carehub listens for, to join the halves of a word cut in two."""

    def __init__(self, words: Iterable[str], small: Iterable[str] = ()) -> None:
        """``words`` to join halves into; ``small`` words (me, is, the) are never half of a word joined by likeness."""
        self.words = {w for phrase in words for w in phrase.lower().split() if w.isalpha() or "'" in w}
        self.small = {w for phrase in small for w in phrase.lower().split()}
        self._long = sorted(w for w in self.words if len(w) >= SHORTEST)
        by_sound: dict[str, set[str]] = {}
        for word in self.words:
            if len(word) >= 5 and word not in self.small:
                by_sound.setdefault(sound(word), set()).add(word)
        self._by_sound = {key: next(iter(found)) for key, found in by_sound.items() if len(found) == 1}

    def _alike(self, word: str) -> str | None:
        """The one word carehub knows that ``word`` (which it does not know) was meant to be, or None."""
        if word in self.words or word in self.small or not word.isalpha() or len(word) < 5:
            return None
        if len(word) >= 7:
            close = {w for w in self._long if len(w) >= 8
                     and distance(word, w, 1 if len(w) < 10 else 2) <= (1 if len(w) < 10 else 2)}
            if len(close) == 1:
                return close.pop()
            if close:
                return None
        return self._by_sound.get(sound(word))

    def _joined(self, first: str, second: str) -> str | None:
        together = first + second
        if together in self.words:
            return together
        if len(together) < SHORTEST - 1 or first in self.small or second in self.small:
            return None
        for word in self._long:
            allowed = 1 if len(word) < 8 else 2
            if distance(together, word, allowed) <= allowed:
                return word
        return None

    def correct(self, text: str) -> str:
        """``text`` with split words joined: "open the cur tins" → "open the curtains"."""
        words = text.split()
        out: list[str] = []
        i = 0
        while i < len(words):
            first, second = (words[i].lower(), words[i + 1].lower()) if i + 1 < len(words) else ("", "")
            if second and not (first in self.words and second in self.words):
                joined = self._joined(first, second)
                if joined is not None:
                    out.append(joined)
                    i += 2
                    continue
            out.append(self._alike(words[i].lower()) or words[i])
            i += 1
        return " ".join(out)
