"""A device command said in one breath with a remark of its own: "telly on quick the news is starting", "I go
through, get the fan going", "put the kettle on for a cuppa". The clause as a whole is no command (the remark's
words are not a command's), so the command is looked for at either end, beside a run of words that is plainly
a remark: it starts with a subject ("I ...", "the news is ...") or says what the command is for ("for a
cuppa"), names no device, room, level or "it", says nothing against the request (no "not", no "later"), and
does not leave the command unfinished ("I can | turn the light off" is not one).
"""

from __future__ import annotations

from assistant.understanding.parse import Frame, Vocabulary

SHORTEST_REMARK = 2
"""Words in the shortest remark: a lone word beside a command is more likely part of it."""
DETERMINERS = ("the", "my", "a", "an", "this", "that", "our", "your")


def command_beside_remark(text: str, vocabulary: Vocabulary) -> Frame | None:
    """The device command at one end of ``text`` when the rest of it is a remark (English only), else None."""
    lexicon = vocabulary.lexicon
    if not lexicon.spaced:
        return None
    words = text.split()
    for cut in range(len(words) - SHORTEST_REMARK, 1, -1):  # the command first: "tv on quick | the news is ..."
        if _remark(words[cut:], vocabulary):
            frame = _command(words[:cut], vocabulary)
            if frame is not None:
                return frame
    for cut in range(SHORTEST_REMARK, len(words) - 1):  # the remark first: "i go through | get the fan going"
        command = words[cut:]
        starts = command[0] in lexicon.verbs or command[0] in lexicon.actions
        if starts and _remark(words[:cut], vocabulary, leading=True):
            frame = _command(command, vocabulary)
            if frame is not None:
                return frame
    return None


def _command(words: list[str], vocabulary: Vocabulary) -> Frame | None:
    frame = vocabulary.frame(" ".join(words))
    if frame is None or frame.action in (None, "check"):
        return None
    if not (frame.mentions.anything or frame.mentions.pronoun):
        return None
    return frame


def _remark(words: list[str], vocabulary: Vocabulary, leading: bool = False) -> bool:
    """Whether ``words`` are a remark of their own, beside a command and saying nothing about it."""
    lexicon = vocabulary.lexicon
    if len(words) < SHORTEST_REMARK:
        return False
    first = words[0]
    if first in lexicon.subjects or (not leading and first in lexicon.purposes):
        said = words[1:]
    elif first in DETERMINERS and any(w in lexicon.remark_verbs or w.endswith("'s") for w in words[2:]):
        said = words
    else:
        return False
    text = " ".join(said)
    padded, rest = f" {' '.join(words)} ", f" {text} "
    if any(f" {w} " in padded for w in (*lexicon.negations, *lexicon.later)) or \
            any(f" {w} " in rest for w in lexicon.unfinished):
        return False
    if leading and words[-1] in lexicon.subjects:
        return False
    pieces = vocabulary.pieces(text, lenient=True) or []
    if any(set(p.roles) & {"number", "level", "percent", "level_to"} for p in pieces):
        return False  # "... to twenty percent": part of the command
    named = vocabulary.mentions(text)
    return not (named.anything or named.rooms or named.here or named.owner or named.pronoun or named.all)
