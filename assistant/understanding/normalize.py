"""Making an utterance ready to understand: lower case, speech-to-text slips put right, politeness and fillers
taken out, and cut into clauses ("oh dear, the kettle, would you turn it off, I forgot it again" is four)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assistant.understanding.lexicon import Lexicon

_BREAKS_EN = re.compile(r"\s*(?:[,.;:!?…]+|\s-+\s|\s–\s)\s*")
_BREAKS_ZH = re.compile(r"\s*[，。！？；、,.;!?：:~…\s]+\s*")
_QUESTION = re.compile(r"^\s*[?？]")
_NOT_WORD_EN = re.compile(r"[^a-z0-9'%\s]")


@dataclass(frozen=True)
class Clause:
    """A stretch of an utterance between two breaks."""

    text: str
    question: bool = False
    """Whether it was written as a question (a question mark after it, or 吗 / 呢 at its end)."""


@dataclass(frozen=True)
class Heard:
    """An utterance made ready for understanding."""

    raw: str
    text: str
    """The clauses together, as one text for the grammars."""
    clauses: tuple[Clause, ...]
    spaced: bool = True
    """Whether words are separated by spaces."""
    corrected: str = ""
    """The utterance as said, only with slips put right (for grammars whose wildcards take words as said)."""

    def spans(self, longest: int = 3) -> list[tuple[int, int, str]]:
        """(first clause, last clause + 1, text) of every run of up to ``longest`` adjacent clauses, longest first."""
        joiner = " " if self.spaced else ""
        out = []
        n = len(self.clauses)
        for size in range(min(longest, n), 0, -1):
            for start in range(0, n - size + 1):
                out.append((start, start + size, joiner.join(c.text for c in self.clauses[start:start + size])))
        return out


def _replace_words(text: str, table: dict[str, str]) -> str:
    """Whole words and phrases replaced, whatever their case (the rest of the text keeps its own)."""
    for heard in sorted(table, key=len, reverse=True):
        text = re.sub(rf"(?<![\w']){re.escape(heard)}(?![\w'])", table[heard].replace("\\", "\\\\"), text,
                      flags=re.IGNORECASE)
    return text


def _slips(text: str, patterns: tuple[tuple[str, str], ...]) -> str:
    for pattern, meant in patterns:
        text = re.sub(pattern, meant, text, flags=re.IGNORECASE)
    return text


def _after_correction(text: str, markers: tuple[str, ...], spaced: bool) -> str:
    """What follows the last word that takes back what came before it ("did I lock... I mean, did I shut the
    front door"), when something follows it; else ``text``."""
    lowered = text.lower()
    said = len(lowered.rstrip(" ,.;:!?…，。！？；"))
    cut = -1
    for marker in markers:
        pattern = rf"(?<![\w']){re.escape(marker)}(?![\w'])" if spaced else re.escape(marker)
        for found in re.finditer(pattern, lowered):
            rest = lowered[found.end():said].strip(" ,.;:!?…，。！？；")
            if len(rest.split()) >= 2 if spaced else len(rest) >= 2:  # "turn it off, I mean it" takes nothing back
                cut = max(cut, found.end())
    return text[cut:].lstrip(" ,.;:!?…，。！？；") if cut >= 0 else text


def after_names(table: dict[str, str], names: Iterable[str]) -> Callable[[str], str]:
    """Puts right the slips of ``table`` where they follow one of ``names`` ("the living room like" → "the
    living room light", "the front door clothes" → "the front door closed")."""
    names = sorted({n.lower() for n in names if n}, key=len, reverse=True)
    if not table or not names:
        return lambda text: text
    pattern = re.compile(rf"(?<![\w'])({'|'.join(map(re.escape, names))})\s+({'|'.join(map(re.escape, table))})"
                         rf"(?![\w'])", re.IGNORECASE)
    return lambda text: pattern.sub(lambda m: f"{m.group(1)} {table[m.group(2).lower()]}", text)


def _remove_words(text: str, words: tuple[str, ...]) -> str:
    for word in words:
        text = re.sub(rf"(?<![\w']){re.escape(word)}(?![\w'])", " ", text)
    return " ".join(text.split())


def _strip_start(text: str, words: tuple[str, ...], spaced: bool) -> str:
    changed = True
    while changed and text:
        changed = False
        for word in words:
            if spaced and (text == word or text.startswith(word + " ")):
                text, changed = text[len(word):].strip(), True
            elif not spaced and text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word):], True
    return text


def _strip_end(text: str, words: tuple[str, ...]) -> str:
    changed = True
    while changed and text:
        changed = False
        for word in words:
            if text.endswith(word) and len(text) > len(word):
                text, changed = text[:-len(word)], True
    return text


def normalize(text: str, lexicon: Lexicon, correct: Callable[[str], str] | None = None) -> Heard:
    """``text`` as clauses of known words: ``correct`` puts right what was heard by sound (Chinese)."""
    if lexicon.spaced:
        return _normalize_spaced(text, lexicon, correct)
    return _normalize_unspaced(text, lexicon, correct)


def _normalize_spaced(text: str, lexicon: Lexicon, correct: Callable[[str], str] | None) -> Heard:
    raw = text
    said = _after_correction(text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'"),
                             lexicon.corrections, True)
    text = said.lower()
    clauses: list[Clause] = []
    pieces = _BREAKS_EN.split(text)
    marks = _BREAKS_EN.findall(text) + [""]
    for piece, mark in zip(pieces, marks):
        question = "?" in mark
        piece = _NOT_WORD_EN.sub(" ", piece)
        piece = " ".join(piece.split())
        piece = _slips(_replace_words(piece, lexicon.homophones), lexicon.slip_patterns)
        if correct is not None:
            piece = correct(piece)
        piece = _remove_words(piece, lexicon.fillers)
        for part in _split_before(piece, lexicon.clause_starts):
            part = _strip_start(part, lexicon.openers, True)
            if part:
                clauses.append(Clause(part, question))
    corrected = _slips(_replace_words(" ".join(said.split()), lexicon.homophones), lexicon.slip_patterns)
    corrected = correct(corrected) if correct is not None else corrected
    return Heard(raw, " ".join(c.text for c in clauses), tuple(clauses), corrected=corrected)


def _split_before(text: str, starts: tuple[str, ...]) -> list[str]:
    """Cut before a word that begins a new clause, when something comes before it."""
    words = text.split()
    out: list[list[str]] = [[]]
    i = 0
    while i < len(words):
        hit = next((s for s in sorted(starts, key=len, reverse=True)
                    if words[i:i + len(s.split())] == s.split()), None)
        if hit is not None and out[-1]:
            out.append([])
        out[-1].append(words[i])
        i += 1
    return [" ".join(part) for part in out if part]


def _split_unspaced(text: str, lexicon: Lexicon) -> list[str]:
    """Cut a run-on Chinese clause where a new one starts (救命啊 | 我摔倒了)."""
    cuts = []
    for start in lexicon.clause_starts:
        i = text.find(start, 1)
        while i != -1:
            before, after = text[:i], text[i + len(start):i + len(start) + 1]
            if not before.endswith(lexicon.takes_object) and after not in ("的", "们"):
                cuts.append(i)
            i = text.find(start, i + 1)
    parts, last = [], 0
    for cut in sorted(cuts):
        parts.append(text[last:cut])
        last = cut
    return parts + [text[last:]]


def _normalize_unspaced(text: str, lexicon: Lexicon, correct: Callable[[str], str] | None) -> Heard:
    raw = text
    text = text.strip().lower()
    for heard, meant in sorted(lexicon.homophones.items(), key=lambda kv: len(kv[0]), reverse=True):
        text = text.replace(heard, meant)
    text = _after_correction(_slips(text, lexicon.slip_patterns), lexicon.corrections, False)
    clauses: list[Clause] = []
    pieces = _BREAKS_ZH.split(text)
    marks = _BREAKS_ZH.findall(text) + [""]
    for piece, mark in zip(pieces, marks):
        question = "?" in mark or "？" in mark or piece.endswith(("吗", "呢", "么"))
        if correct is not None:
            piece = correct(piece)
        for filler in lexicon.fillers:
            piece = piece.replace(filler, "")
        for part in _split_unspaced(piece, lexicon):
            part = _strip_start(part, lexicon.openers, False)
            part = _strip_end(part, lexicon.closers)
            if part:
                clauses.append(Clause(part, question))
    corrected = correct(text) if correct is not None else text
    return Heard(raw, "".join(c.text for c in clauses), tuple(clauses), spaced=False, corrected=corrected)
