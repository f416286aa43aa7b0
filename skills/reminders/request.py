"""What a reminder request says: the time and the thing to be reminded of, split out of one utterance
("at three to call Anna", "to take my pills at eight tonight", "明天早上八点吃药"). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from skills.reminders import when_en, when_zh
from skills.reminders.when import When
from skills.sdk import short_language

CONNECTORS = ("to", "that", "about", "of", "for")
"""Words joining "remind me" to what about: kept, so it can be said back ("remind you about the doctor")."""
EN_FILLERS = {"please", "dear", "thanks", "ok", "okay", "say", "then", "will", "would", "can", "could", "you",
              "is", "are", "on", "at", "by", "for", "and", "so"}
"""Words left dangling at the end of a task once the time is taken out ("the hairdresser is [Thursday...]")."""
EN_DAY_WORDS = {"today", "tomorrow", "tonight", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                "sunday"}
"""Words that name a day in a remark (not "sat" or "wed", which are words of their own)."""
_EN_REMARK = re.compile(r"(?<=\S)\s+(?=(?:i'll|i'm|i've|i'd|i|it's|because|cause|otherwise|or else)\b)", re.IGNORECASE)
_ZH_REMARK = re.compile(r"(?<=.)(?=我|不然|要不然|免得)")
"""Where a remark may start after a request (punctuation aside, which the grammars take out)."""
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
    three"); ``when_text`` is a time said apart from it ("{when} remind me {task}"), perhaps after a remark
    ("tomorrow I've got the dentist at three, remind me at two"): a day the remark names is the reminder's
    day when its time says none. ``when`` is None when the parts say different moments: carehub then asks.
    When none is found, a time that ends a clause before a remark is ("to ring my daughter at three, I'll only
    forget otherwise")."""
    request, unsure = _read(text, language, when_text)
    if request.when is not None or unsure:
        return request
    starts = _ZH_REMARK if short_language(language) == "zh" else _EN_REMARK
    breaks = sorted({m.start() for m in re.finditer(r"[,，。;；]", text)} | {m.start() for m in starts.finditer(text)})
    for cut in reversed(breaks):  # the longest run of clauses from the start that ends with a time
        shorter, unsure = _read(text[:cut], language, when_text)
        if unsure:
            break
        if shorter.when is not None:
            return shorter
    return request


def _read(text: str, language: str, when_text: str | None) -> tuple[Request, bool]:
    """``read``, and whether its parts said different moments."""
    glue = "" if short_language(language) == "zh" else " "
    units = _units(text, language)
    said_units = _units(when_text, language) if when_text else []
    # A time said apart may follow a remark ("oh, I'll only forget, at three remind me"): its longest end.
    said_at, said = _longest(said_units, language, glue, from_start=False) if when_text else (0, None)
    remark = said_units[:said_at]
    start, opening = _longest(units, language, glue, from_start=True)
    end, closing = _longest(units[start:], language, glue, from_start=False)
    end += start
    own, unsure = _merged([w for w in (opening, closing) if w is not None])
    when: When | None
    if said is not None and own is not None and remark and said.merged(own) is None:
        when, remark = own, said_units  # "the dentist at three, remind me at two": that time was the remark's
    else:
        when, more = _merged([w for w in (said, own) if w is not None])
        unsure = unsure or more
    unsure = unsure or (when is not None and when.after is None and when.day is None and when.weekday is None
                        and len(_days(remark, language, glue)) > 1)
    if unsure:
        when = None
    elif when is not None and when.after is None and when.day is None and when.weekday is None:
        days = _days(remark, language, glue)  # one at most: two ("today ... tomorrow ...") are unsure
        if days:
            when = replace(when, day=days[0][0], weekday=days[0][1])
    task_units = units[start:end]
    if short_language(language) == "zh":
        task = _clean_zh("".join(task_units))
        if not task and remark:  # 明天下午两点半要去医院复查，你一点半提醒我: the remark says what about
            task = _clean_zh(_without_times(remark).removesuffix("你").removesuffix("您"))
        return Request(when, task), unsure
    task, connector = _clean_en(task_units)
    return Request(when, task, connector), unsure


def _merged(parts: list[When]) -> tuple[When | None, bool]:
    """The parts of a time said in two places as one ("tomorrow ... at three"); when two say different
    moments, the first ("at two about the dentist at three"), and whether that leaves it unsure: a part
    left out names a day the first does not ("at half one, the hospital's tomorrow at half two")."""
    if not parts:
        return None, False
    when = parts[0]
    unsure = False
    for other in parts[1:]:
        merged = when.merged(other)
        if merged is None:
            unsure = unsure or (when.day is None and when.weekday is None and when.after is None
                                and (other.day is not None or other.weekday is not None))
        else:
            when = merged
    return when, unsure


def _days(units: list[str], language: str, glue: str) -> list[tuple[int | None, int | None]]:
    """The different days (days from today, weekday) a remark names ("tomorrow", 明天, "on Thursday")."""
    found: list[tuple[int | None, int | None]] = []
    zh = short_language(language) == "zh"
    longest = 6 if zh else 4
    for i in range(len(units)):
        for j in range(min(len(units), i + longest), i, -1):
            piece = units[i:j]
            if not zh and not any(w.lower() in EN_DAY_WORDS for w in piece):
                continue
            when = parse_when(glue.join(piece), language)
            if when is not None and (when.day is not None or when.weekday is not None):
                if (when.day, when.weekday) not in found:
                    found.append((when.day, when.weekday))
                break
    return found


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


def _without_times(units: list[str]) -> str:
    """Chinese ``units`` with the times in them taken out (明天下午两点半要去医院复查 → 要去医院复查)."""
    kept: list[str] = []
    i = 0
    while i < len(units):
        size = next((n for n in range(min(len(units) - i, 10), 1, -1)
                     if parse_when("".join(units[i:i + n]), "zh-CN") is not None), 0)
        if size:
            i += size
        else:
            kept.append(units[i])
            i += 1
    return "".join(kept)


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
