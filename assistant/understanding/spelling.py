"""English heard in pieces: speech-to-text cuts a word it did not know into two ("cur tins", "bright ness",
"remind ers", "bed side"). Two words next to each other are put together when together they are a word carehub
knows and are not both words it knows already, or are one letter or two from a long word it knows and neither
is a small word of the language ("remind me" is not "reminder", nor "humid is" "humidity")."""

from __future__ import annotations

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


class Spelling:
    """The English words carehub listens for, to join the halves of a word cut in two."""

    def __init__(self, words: Iterable[str], small: Iterable[str] = ()) -> None:
        """``words`` to join halves into; ``small`` words (me, is, the) are never half of a word joined by likeness."""
        self.words = {w for phrase in words for w in phrase.lower().split() if w.isalpha() or "'" in w}
        self.small = {w for phrase in small for w in phrase.lower().split()}
        self._long = sorted(w for w in self.words if len(w) >= SHORTEST)

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
            out.append(words[i])
            i += 1
        return " ".join(out)
