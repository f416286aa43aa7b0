"""Asking back when more than one thing fits, and reading the answer: "Which light: the kitchen light or the
hallway light?" / "哪个灯：厨房的灯还是走廊的灯？", then "the kitchen one", "厨房的", "the first"."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.understanding.household import Home
from assistant.understanding.parse import Vocabulary
from assistant.understanding.resolve import Act, Refuse

NOUNS = {"en": {"light": "light", "switch": "one", "fan": "fan", "cover": "one", "room": "room", "lock": "lock"},
         "zh": {"light": "灯", "switch": "个", "fan": "风扇", "cover": "窗帘", "room": "房间", "lock": "锁"}}
KIND_WORDS = {"en": {"light": "light", "switch": "plug", "fan": "fan", "cover": "blinds or curtains",
                     "contact": "door sensor", "lock": "lock"},
              "zh": {"light": "灯", "switch": "插座", "fan": "风扇", "cover": "窗帘", "contact": "门", "lock": "锁"}}


@dataclass(frozen=True)
class Pending:
    """A question carehub asked and the answer it waits for."""

    language: str
    about: str
    """``device`` or ``room``."""
    choices: tuple[str, ...]
    action: str = ""
    """For devices: the action asked for."""
    level: int | None = None
    state: str | None = None
    intent: str = ""
    """For rooms: the intent to finish once the room is known, with ``slots``."""
    slots: dict[str, Any] = field(default_factory=dict)


def _short(language: str) -> str:
    return "zh" if language.startswith("zh") else "en"


def _list(names: list[str], language: str) -> str:
    if _short(language) == "zh":
        return "、".join(names[:-1]) + "还是" + names[-1] if len(names) > 1 else names[0]
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


def question(pending: Pending, home: Home) -> str:
    """The question for ``pending``, in its language."""
    lang = _short(pending.language)
    if pending.about == "room":
        names = [r.name(pending.language) if (r := home.room(c)) else c for c in pending.choices]
        names = names if lang == "zh" else [_the(n) for n in names]
        return f"哪个房间：{_list(names, pending.language)}？" if lang == "zh" else \
            f"Which room: {_list(names, pending.language)}?"
    devices = [d for d in (home.device(c) for c in pending.choices) if d is not None]
    kinds = {d.kind for d in devices}
    noun = NOUNS[lang].get(next(iter(kinds)), "") if len(kinds) == 1 else ("个" if lang == "zh" else "one")
    names = [d.name(pending.language) for d in devices]
    if lang == "zh":
        return f"哪个{noun}：{_list(names, pending.language)}？"
    return f"Which {noun}: {_list([_the(n) for n in names], pending.language)}?"


def _the(name: str) -> str:
    """"the kitchen light", but "Leo's light"."""
    first, _, rest = name.partition(" ")
    return f"{first[:1].upper()}{first[1:]} {rest}".strip() if first.endswith("'s") else f"the {name}"


def refusal(refuse: Refuse, home: Home, language: str) -> str:
    """What carehub says when nothing fits: "There's no light in the bathroom." / "I can't open the front door."."""
    lang = _short(language)
    if refuse.reason == "none_in_room":
        words = KIND_WORDS[lang]
        kind = next(iter(sorted(refuse.kinds)), "light")
        rooms = [r.name(language) if (r := home.room(c)) else c for c in refuse.rooms]
        where = _list(rooms, language) if rooms else ""
        if lang == "zh":
            return f"{where}没有{words.get(kind, '这样的设备')}。"
        return f"There's no {words.get(kind, 'such device')} in the {where}."
    names = [d.name(language) for d in (home.device(i) for i in refuse.devices) if d is not None]
    if lang == "zh":
        return f"我没办法控制{_list(names, language)}。"
    return f"I can't control the {_list(names, language)}."


def choose(pending: Pending, text: str, vocabulary: Vocabulary, home: Home) -> str | None:
    """The one choice an answer names ("the kitchen one", "厨房的", "the second"), or None when it names none or
    several, or says something else. Every word of the answer must be understood: a new request is not an answer."""
    pieces = vocabulary.pieces(text)
    if not pieces:
        return None
    ordinals = [p.roles["ordinal"] for p in pieces if "ordinal" in p.roles]
    if any(set(p.roles) & {"action", "verb", "question", "negation", "number", "level"} and "ordinal" not in p.roles
           for p in pieces):
        return None
    if ordinals:
        index = ordinals[0]
        return pending.choices[index] if -len(pending.choices) <= index < len(pending.choices) else None
    left = list(pending.choices)
    named = False
    for piece in pieces:
        roles = piece.roles
        if "device" in roles and pending.about == "device":
            left, named = [c for c in left if c in roles["device"]], True
        elif "room" in roles:
            rooms = roles["room"]
            if pending.about == "room":
                left = [c for c in left if c in rooms]
            else:
                left = [c for c in left if (d := home.device(c)) is not None and d.room in rooms]
            named = True
        elif "kind" in roles and pending.about == "device":
            left = [c for c in left if (d := home.device(c)) is not None and d.kind in roles["kind"]] or left
    return left[0] if named and len(left) == 1 else None


def answered(pending: Pending, choice: str) -> Act:
    """The command, now that the person has chosen."""
    return Act(pending.action, (choice,), pending.level, pending.state)
