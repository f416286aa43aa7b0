"""Clock times ("09:30") and daily windows ("08:00-21:00", "22:00-06:00") in the home's time zone; pure.

Datetimes given to these functions are timezone-aware local times; differences are taken in UTC, so a
window that spans a daylight-saving change counts the hours that really passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache


@lru_cache(maxsize=256)
def parse_clock(text: str) -> time:
    """``"HH:MM"`` as a time; ValueError names the bad text."""
    try:
        return datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        raise ValueError(f"expected a clock time 'HH:MM', got {text!r}") from None


@lru_cache(maxsize=1024)
def at_clock(day: date, clock: time, zone: tzinfo) -> datetime:
    """``clock`` on ``day`` in ``zone`` (the first of a repeated wall time, just after a skipped one)."""
    return datetime.combine(day, clock).replace(tzinfo=zone, fold=0).astimezone(timezone.utc).astimezone(zone)


def seconds_between(start: datetime, end: datetime) -> float:
    """Real seconds from ``start`` to ``end`` (both aware), whatever their zones."""
    return (end.astimezone(timezone.utc) - start.astimezone(timezone.utc)).total_seconds()


@dataclass(frozen=True)
class DailyWindow:
    """A stretch of every day, from ``start`` to ``end``; it wraps midnight when ``end <= start``."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> DailyWindow:
        """``"HH:MM-HH:MM"``, e.g. ``"22:00-06:00"``."""
        return _parse_window(text)

    @property
    def wraps(self) -> bool:
        return self.end <= self.start

    def _occurrence(self, day: date, zone: tzinfo) -> tuple[datetime, datetime]:
        """The window that opens on ``day``."""
        opens = at_clock(day, self.start, zone)
        closes = at_clock(day + timedelta(days=1) if self.wraps else day, self.end, zone)
        return opens, closes

    def opened(self, local: datetime) -> datetime | None:
        """When the occurrence of the window that contains ``local`` opened; None outside the window."""
        zone = local.tzinfo
        assert zone is not None, "DailyWindow needs aware datetimes"
        for day in (local.date(), local.date() - timedelta(days=1)):
            opens, closes = self._occurrence(day, zone)
            if seconds_between(opens, local) >= 0 and seconds_between(local, closes) > 0:
                return opens
        return None

    def contains(self, local: datetime) -> bool:
        return self.opened(local) is not None

    def overlap_seconds(self, start: datetime, end: datetime) -> float:
        """Seconds of ``[start, end)`` that fall inside the window (on any day)."""
        zone = end.tzinfo
        assert zone is not None and start.tzinfo is not None, "DailyWindow needs aware datetimes"
        if seconds_between(start, end) <= 0:
            return 0.0
        total = 0.0
        day = start.astimezone(zone).date() - timedelta(days=1)
        while day <= end.date():
            opens, closes = self._occurrence(day, zone)
            lo = opens if seconds_between(start, opens) > 0 else start
            hi = closes if seconds_between(closes, end) > 0 else end
            total += max(0.0, seconds_between(lo, hi))
            day += timedelta(days=1)
        return total


@lru_cache(maxsize=64)
def _parse_window(text: str) -> DailyWindow:
    parts = text.split("-")
    if len(parts) != 2:
        raise ValueError(f"expected a window 'HH:MM-HH:MM', got {text!r}")
    return DailyWindow(parse_clock(parts[0]), parse_clock(parts[1]))
