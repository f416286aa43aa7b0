"""Reminders as data: what one is, and which ones a "cancel the reminder about ..." means. Pure."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, tzinfo
from typing import Any

from skills.reminders.when import When
from skills.sdk import short_language

STORE_PREFIX = "reminder:"
"""Each reminder still to be said is kept under ``reminder:<id>`` in the skill's store."""
STOP_WORDS = {"to", "the", "a", "an", "my", "your", "me", "about", "for", "of", "that", "reminder", "i", "please",
              "one", "this", "it"}
ZH_STOP = set("的了我您那个这提醒吧呢啊一下")


@dataclass(frozen=True)
class Reminder:
    """One thing to be said at a time."""

    id: str
    task: str
    """What it is about, as said ("call Anna"); may be empty."""
    due: datetime
    """When to say it (UTC)."""
    set_at: datetime
    connector: str = ""
    """How it joins "remind you": ``to``, ``about``, ``that`` (English only)."""
    person: str | None = None
    """Who asked; it is said on the speaker of the room they are in."""
    room: str | None = None
    """Where it was asked; it is said there when nobody is known."""
    language: str = "en"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "due": self.due.isoformat(), "set_at": self.set_at.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reminder:
        return cls(**{**data, "due": datetime.fromisoformat(data["due"]),
                      "set_at": datetime.fromisoformat(data["set_at"])})


def _words(text: str, language: str) -> set[str]:
    if short_language(language) == "zh":
        chars = [c for c in text if c not in ZH_STOP and not c.isspace()]
        return {a + b for a, b in zip(chars, chars[1:])} or set(chars)
    return {w for w in re.findall(r"[\w']+", text.lower()) if w not in STOP_WORDS}


def about(reminders: list[Reminder], what: str, language: str) -> list[Reminder]:
    """The reminders whose task best matches ``what`` ("the hairdresser", "call Anna", 理发, or a remark like
    "I've already called Anna"): at least half the words (in Chinese, pairs of characters) of the shorter
    of the two are in the other. Soonest first."""
    wanted = _words(what, language)
    if not wanted:
        return []
    scored = []
    for reminder in reminders:
        task = _words(reminder.task, language)
        scored.append((len(wanted & task) / min(len(wanted), len(task)) if task else 0.0, reminder))
    best = max((score for score, _ in scored), default=0.0)
    if best < 0.5:
        return []
    return soonest([r for score, r in scored if score == best])


def at_time(reminders: list[Reminder], when: When, zone: tzinfo) -> list[Reminder]:
    """The reminders due at the clock time ``when`` names ("my 3 o'clock reminder", 三点的提醒), either half
    of the day unless it says which."""
    if when.hour is None:
        return []
    hours = {when.hour % 24}
    if when.hour <= 12 and when.period is None:
        hours = {when.hour % 12, when.hour % 12 + 12}
    elif when.period in ("pm", "afternoon", "evening", "night") and when.hour < 12:
        hours = {when.hour + 12}
    elif when.period in ("am", "morning") and when.hour == 12:
        hours = {0}
    found = [r for r in reminders
             if r.due.astimezone(zone).hour in hours and r.due.astimezone(zone).minute == when.minute]
    return soonest(found)


def soonest(reminders: list[Reminder]) -> list[Reminder]:
    return sorted(reminders, key=lambda r: (r.due, r.id))
