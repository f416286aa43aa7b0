"""What a reminder request says: the time and the thing to be reminded of, split out of one utterance
("at three to call Anna", "to take my pills at eight tonight", "明天早上八点吃药"). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from skills.reminders import when_en, when_zh
from skills.reminders.when import When
from skills.sdk import short_language

CONNECTORS = ("to", "that", "about", "of", "for")
"""Words joining "remind me" to what about: kept, so it can be said back ("remind you about the doctor")."""
EN_FILLERS = {"please", "dear", "thanks", "ok", "okay", "say", "then", "will", "would", "can", "could", "you",
              "is", "are", "on", "at", "by", "for", "and", "so"}
"""Words left dangling at the end of a task once the time is taken out ("the hairdresser is [Thursday...]")."""
ZH_LEADING = ("一下", "一声", "我要", "要", "记得", "该")
ZH_TRAILING = ("一下", "一声", "吧", "啊", "呀", "哦", "的时候", "到时候")


@dataclass(frozen=True)
class Request:
    """A reminder request, read."""

    when: When | None
    """The time asked for; None when none was said (or it could not be read)."""
    task: str
    """What it is about, as said ("call Anna", "吃药"); empty when nothing was said."""
    connector: str = ""
    """``to``, ``that``, ``about``... ("remind me *to* call Anna"); empty in Chinese."""


def parse_when(text: str, language: str) -> When | None:
    """``text`` as a whole read as a time, in ``language``."""
    return when_zh.parse_when(text) if short_language(language) == "zh" else when_en.parse_when(text)


def read(text: str, language: str, *, when_text: str | None = None) -> Request:
    """Split a request into its time and its task. The time may open or close it, or both ("tomorrow ... at
    three"); ``when_text`` is a time said apart from it ("{when} remind me {task}")."""
    glue = "" if short_language(language) == "zh" else " "
    units = _units(text, language)
    # A time said apart may follow a remark ("oh, I'll only forget, at three remind me"): its longest end.
    said = _longest(_units(when_text, language), language, glue, from_start=False)[1] if when_text else None
    start, opening = _longest(units, language, glue, from_start=True)
    end, closing = _longest(units[start:], language, glue, from_start=False)
    end += start
    found = [w for w in (said, opening, closing) if w is not None]
    when: When | None = found[0] if found else None
    for other in found[1:]:
        assert when is not None
        when = when.merged(other) or when
    task_units = units[start:end]
    if short_language(language) == "zh":
        return Request(when, _clean_zh("".join(task_units)))
    task, connector = _clean_en(task_units)
    return Request(when, task, connector)


def _units(text: str, language: str) -> list[str]:
    """Characters of Chinese (without punctuation), words of English: where a time may begin or end."""
    if short_language(language) == "zh":
        return list(re.sub(r"[\s，。！？、,.!?]+", "", text))
    return [w for w in (w.strip(",.!?;") for w in text.split()) if w]


def _longest(units: list[str], language: str, glue: str, *, from_start: bool) -> tuple[int, When | None]:
    """The longest time at the start (or the end) of ``units``: (how many units it leaves before it, or
    takes from the start, and the time)."""
    for size in range(len(units), 0, -1):
        part = units[:size] if from_start else units[len(units) - size:]
        found = parse_when(glue.join(part), language)
        if found is not None:
            return (size if from_start else len(units) - size), found
    return (0 if from_start else len(units)), None


def _clean_en(words: list[str]) -> tuple[str, str]:
    while words and words[-1].lower() in EN_FILLERS:
        words = words[:-1]
    while words and words[0].lower() in ("please", "and", "just"):
        words = words[1:]
    connector = "about" if words else ""
    if words and words[0].lower() in CONNECTORS:
        connector, words = words[0].lower(), words[1:]
    return " ".join(words), connector


def _clean_zh(task: str) -> str:
    changed = True
    while changed:
        changed = False
        for lead in ZH_LEADING:
            if task.startswith(lead) and len(task) > len(lead):
                task, changed = task[len(lead):], True
        for trail in ZH_TRAILING:
            if task.endswith(trail):
                task, changed = task[: -len(trail)], True
    return task


YOURS = {"i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're",
         "i've": "you've", "i'll": "you'll", "i'd": "you'd", "am": "are", "we": "you", "our": "your", "us": "you"}


def as_yours(task: str, language: str) -> str:
    """What someone said about themselves, said back to them: "take my pills" → "take your pills",
    "给我女儿打电话" → "给您女儿打电话"."""
    if short_language(language) == "zh":
        return task.replace("我们", "你们").replace("我", "您")
    words = task.split()
    swapped = []
    for word in words:
        core = word.lower()
        if core in YOURS:
            swapped.append(YOURS[core])
        else:
            swapped.append(word)
    return " ".join(swapped)
