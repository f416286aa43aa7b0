"""When a reminder is for: what was said (``When``) and the moment it means (``resolve``). Pure.

``When`` is filled by the English and Chinese readers (``when_en``, ``when_zh``); ``resolve`` turns it
into a time in the home's zone, on the clock's "now", the way people mean a bare hour: "at eight" said
at 10:00 is 20:00 today, "at three" said at 16:00 is 15:00 tomorrow, "tomorrow at eight" is 08:00.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

WAKING = range(7, 23)
"""Hours a bare hour ("at eight", 八点) is taken to mean: never 03:00 for "three" unless said so."""
PERIOD_HOURS = {"morning": 9, "noon": 12, "afternoon": 15, "evening": 19, "night": 21}
"""The time a part of the day alone means ("tomorrow morning", 明天下午)."""


@dataclass(frozen=True)
class When:
    """A time as someone said it: after a while, or a clock time, on a day, in a part of the day."""

    after: timedelta | None = None
    """"in 20 minutes", 二十分钟后."""
    day: int | None = None
    """Days from today: 0 today, 1 tomorrow, 2 the day after; None when not said."""
    weekday: int | None = None
    """0 Monday ... 6 Sunday ("on Thursday", 星期四); None when not said."""
    hour: int | None = None
    """The hour as said: 3 for "three", 15 for "15:00"."""
    minute: int = 0
    period: str | None = None
    """``am``, ``pm``, ``morning``, ``noon``, ``afternoon``, ``evening``, ``night``, ``midnight``."""

    def merged(self, other: When) -> When | None:
        """Both parts of a time said in two places ("tomorrow ... at three"); None if they clash."""
        values = {}
        for name in ("after", "day", "weekday", "hour", "period"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine is not None and theirs is not None and mine != theirs:
                return None
            values[name] = mine if mine is not None else theirs
        values["minute"] = self.minute if self.hour is not None else other.minute
        merged = replace(self, **values)
        return merged if merged.complete() else None

    def complete(self) -> bool:
        """Says a moment: after a while, or a clock time, or at least a day or a part of it."""
        if self.after is not None:
            return self.day is None and self.weekday is None and self.hour is None and self.period is None
        return self.hour is not None or self.day is not None or self.weekday is not None or self.period is not None

    def has_time(self) -> bool:
        return self.after is not None or self.hour is not None or self.period is not None


def _hours(when: When) -> list[int]:
    """The 24-hour hours the said hour may mean, earliest first."""
    assert when.hour is not None
    hour, period = when.hour, when.period
    if period == "midnight" or (period == "night" and hour == 12):
        return [24]  # the midnight that ends the day
    if hour > 12 or hour == 0:
        return [hour]
    if period in ("am", "morning"):
        return [hour % 12]
    if period in ("pm", "afternoon", "evening"):
        return [hour % 12 + 12]
    if period == "noon":
        return [hour if hour >= 11 else hour + 12]
    if period == "night":
        return [hour if hour < 6 else hour % 12 + 12]
    return sorted({hour % 12, hour % 12 + 12})


def _on(day: datetime, hour: int, minute: int) -> datetime:
    midnight = datetime.combine(day.date(), time(0), tzinfo=day.tzinfo)
    return midnight + timedelta(hours=hour, minutes=minute)


def resolve(when: When, now: datetime) -> datetime | None:
    """The moment ``when`` means, seen from ``now`` (aware, in the home's zone); None if it says no moment.

    A time on a day that was said (today, tomorrow, Thursday) may have passed; one on no day said is the
    next such time. A bare hour means its waking-hours reading: 1-6 in the afternoon, 7-11 in the morning
    or evening, whichever comes next.
    """
    if when.after is not None:
        return now + when.after
    if when.hour is None and when.period is None:  # "tomorrow" alone says no time of day
        return None
    if when.hour is None:
        hour = PERIOD_HOURS.get(when.period or "", 9)
        when = replace(when, hour=hour, minute=0, period=None if when.period in ("am", "pm") else when.period)
    hours = _hours(when)
    explicit = len(hours) == 1

    def first_on(days: int, *, upcoming_first: bool = False) -> datetime:
        """The said hour's reading on that day: the said one, else the first in waking hours (the first
        still to come, with ``upcoming_first``: "today at eight" said at ten is 20:00)."""
        readings = [_on(now + timedelta(days=days), h, when.minute) for h in hours]
        on_day = [c for c in readings if explicit or c.hour in WAKING] or readings
        if upcoming_first:
            return next((c for c in on_day if c > now), on_day[0])
        return on_day[0]

    if when.day is not None:  # a day said: its time, even one that has passed
        return first_on(when.day, upcoming_first=True)
    if when.weekday is not None:  # "on Thursday": this week's, or next week's once it has passed
        ahead = (when.weekday - now.weekday()) % 7
        return next((c for c in (first_on(ahead), first_on(ahead + 7)) if c > now), None)
    upcoming = sorted(c for d in (0, 1, 2) for h in hours if (c := _on(now + timedelta(days=d), h, when.minute)) > now)
    fitting = [c for c in upcoming if explicit or c.hour in WAKING]
    return (fitting or upcoming)[0] if upcoming else None
