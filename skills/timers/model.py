"""Timers as data: what one is, how long it has left, which ones a request means. Pure."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

STORE_PREFIX = "timer:"
"""Each running or paused timer is kept under ``timer:<id>`` in the skill's store."""


@dataclass(frozen=True)
class Timer:
    """One timer someone set."""

    id: str
    seconds: int
    """How long it was set for ("the ten minute timer"), before any time was added or taken off."""
    started: datetime
    due: datetime | None
    """When it rings (UTC); None while it is paused."""
    paused_left: float | None = None
    """Seconds it had left when it was paused."""
    name: str | None = None
    room: str | None = None
    """The room it was set in (and rings in); None when not known."""
    person: str | None = None
    """Who set it; it rings in their room when the room is not known."""
    language: str = "en"

    def left(self, now: datetime) -> float:
        """Seconds until it rings (0 when due)."""
        if self.due is None:
            return max(0.0, self.paused_left or 0.0)
        return max(0.0, (self.due - now).total_seconds())

    def paused(self, now: datetime) -> Timer:
        return self if self.due is None else replace(self, due=None, paused_left=self.left(now))

    def resumed(self, now: datetime) -> Timer:
        if self.due is not None:
            return self
        return replace(self, due=now + timedelta(seconds=self.paused_left or 0.0), paused_left=None)

    def shifted(self, seconds: float, now: datetime) -> Timer:
        """With ``seconds`` more (or, negative, less) to run; never less than none."""
        left = max(0.0, self.left(now) + seconds)
        if self.due is None:
            return replace(self, paused_left=left)
        return replace(self, due=now + timedelta(seconds=left))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["started"] = self.started.isoformat()
        data["due"] = self.due.isoformat() if self.due else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Timer:
        return cls(**{**data, "started": datetime.fromisoformat(data["started"]),
                      "due": datetime.fromisoformat(data["due"]) if data.get("due") else None})


def slot_seconds(slots: dict[str, Any], prefix: str = "") -> int:
    """Seconds from the ``hours`` / ``minutes`` / ``seconds`` slots (``start_hours``... with ``prefix="start_"``)."""
    total = 0.0
    for unit, factor in (("hours", 3600), ("minutes", 60), ("seconds", 1)):
        value = slots.get(prefix + unit)
        if value is not None:
            total += float(value) * factor
    return round(total)


def clean_name(name: str | None) -> str | None:
    """A spoken timer name without its article or possessive: "my homework" → "homework"."""
    if not name:
        return None
    words = name.strip().split()
    while words and words[0].lower() in ("a", "an", "the", "my", "our"):
        words = words[1:]
    cleaned = " ".join(words).strip()
    return cleaned.removeprefix("那个").removeprefix("我的") or None


def select(timers: list[Timer], *, name: str | None = None, start_seconds: int = 0,
           area: str | None = None) -> list[Timer]:
    """The timers a request names: by name, by the length it was set for, or by the room it was set in;
    every timer when it names none. Soonest first."""
    chosen = timers
    wanted = clean_name(name)
    if wanted:
        chosen = [t for t in chosen if t.name and t.name.casefold() == wanted.casefold()]
    if start_seconds:
        chosen = [t for t in chosen if t.seconds == start_seconds]
    if area:
        chosen = [t for t in chosen if t.room == area]
    return sorted(chosen, key=lambda t: (t.due is None, t.due or t.started, t.id))


def one_of(candidates: list[Timer], room: str | None) -> Timer | None:
    """The one timer meant: the only candidate, or the only one set in the speaker's room."""
    if len(candidates) == 1:
        return candidates[0]
    here = [t for t in candidates if room and t.room == room]
    return here[0] if len(here) == 1 else None
