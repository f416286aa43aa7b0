"""The child_safety skill's decisions, pure over plain data: which fixes are trusted, which side of a zone a
fix leaves the child on, whether a departure falls in a window (school hours, after curfew), whether a
daily check is due, whether the child counts as home or arrived, and where a fix puts the child.

No I/O and no clock: times come in as arguments (local ``datetime``s in the home's zone, epoch seconds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from skills.child_safety.fence import FenceState, Transition, update
from skills.child_safety.geo import Circle, distance_m, nearest, side_of
from skills.child_safety.settings import WEEKDAYS, Child, Curfew, Gps, Weekday, ZoneWindow
from skills.child_safety.state import Fix

# --- fixes and zones -------------------------------------------------------------------------------------


def trusted(accuracy: float | None, gps: Gps) -> bool:
    """Whether a fix is accurate enough to use; a fix that reports no accuracy is trusted (the margin applies)."""
    return accuracy is None or accuracy <= gps.max_accuracy_m


def crossing(state: FenceState, zone: Circle, lat: float, lon: float, accuracy: float | None, at: float,
             gps: Gps) -> tuple[FenceState, Transition | None]:
    """Fold one trusted fix taken at ``at`` (epoch seconds) into the child's state for ``zone``: the new
    state, and ``left`` / ``entered`` when the fix confirms a crossing."""
    verdict = side_of(zone, lat, lon, margin_m=gps.exit_margin_m, accuracy_m=accuracy)
    return update(state, verdict, at, gps.fixes_to_change, gps.confirm_minutes * 60)


def fresh(fix: Fix | None, now: float, gps: Gps) -> bool:
    """Whether there is a last fix and it is no older than ``stale_after_minutes`` at ``now`` (epoch seconds)."""
    return fix is not None and now - fix.at <= gps.stale_after_minutes * 60


def confirmed_zone(zones: Iterable[Circle], fences: Mapping[str, FenceState]) -> str | None:
    """The zone the child is confirmed inside (the smallest, if zones overlap)."""
    inside = [c for c in zones if fences.get(c.name, FenceState()).side == "inside"]
    return min(inside, key=lambda c: c.radius_m).name if inside else None


def at_home(fix: Fix | None, fences: Mapping[str, FenceState], home: Circle | None, now: float, gps: Gps) -> bool:
    """Confirmed at home with a fresh fix, or the latest fresh fix is at home (arriving: no page in the few
    minutes before the hysteresis confirms it). A stale fix at home is not home."""
    if fix is None or not fresh(fix, now, gps) or home is None:
        return False
    state = fences.get(home.name, FenceState())
    return state.side == "inside" or side_of(home, fix.lat, fix.lon) == "inside"


def arrived(fix: Fix | None, fences: Mapping[str, FenceState], zone: str, now: float, gps: Gps) -> bool:
    """Confirmed inside ``zone`` with a fresh fix (a stale one says nothing about now)."""
    return fresh(fix, now, gps) and fences.get(zone, FenceState()).side == "inside"


@dataclass(frozen=True)
class Whereabouts:
    """Where a fix puts a child, for words: inside a zone, or some distance from one."""

    zone: str
    """Zone id."""
    distance_m: float | None = None
    """From the centre of ``zone``; None when the child is confirmed inside it."""


def whereabouts(zones: list[Circle], fences: Mapping[str, FenceState], fix: Fix,
                from_zone: Circle | None = None) -> Whereabouts | None:
    """The zone the child is confirmed in, else the distance from the nearest zone; with ``from_zone``
    (the zone just left, or awaited) always the distance from that one. None when there are no zones."""
    zone = confirmed_zone(zones, fences) if from_zone is None else None
    if zone is not None:
        return Whereabouts(zone)
    near = nearest(zones, fix.lat, fix.lon) if from_zone is None else \
        (from_zone, distance_m(from_zone.lat, from_zone.lon, fix.lat, fix.lon))
    if near is None:
        return None
    return Whereabouts(near[0].name, near[1])


# --- windows and daily checks ---------------------------------------------------------------------------


def in_window(when: datetime, days: list[Weekday], start: time, end: time) -> bool:
    """Whether local time ``when`` falls in a daily window on ``days``; a window with ``end <= start``
    runs past midnight and belongs to the day it starts on."""
    day = WEEKDAYS[when.weekday()]
    now = when.time()
    if start < end:
        return day in days and start <= now < end
    yesterday = WEEKDAYS[(when.weekday() - 1) % 7]
    return (day in days and now >= start) or (yesterday in days and now < end)


def expected_in(child: Child, zone: str, when: datetime) -> ZoneWindow | Curfew | None:
    """The rule that expects the child inside ``zone`` at local time ``when``: one of its windows for the
    zone (school hours), else its curfew when ``zone`` is home; None when leaving then pages nobody."""
    for window in child.schedules:
        if window.zone == zone and in_window(when, window.days, window.start, window.end):
            return window
    curfew = child.curfew
    if curfew and zone == child.home_zone and in_window(when, curfew.days, curfew.at, curfew.until):
        return curfew
    return None


def arrival_check_at(start: time, within_minutes: float) -> time:
    """When "not arrived" is checked: ``within_minutes`` after a window's ``start`` (wrapping midnight)."""
    return (datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=within_minutes)).time()


def due(local: datetime, days: list[Weekday], at: time, late_minutes: float) -> bool:
    """Whether a daily check at ``at`` on ``days`` falls due at ``local`` (aware, home time): from ``at``
    until ``late_minutes`` later, so a check missed while the hub was down still runs, but not hours late."""
    if WEEKDAYS[local.weekday()] not in days:
        return False
    when = datetime.combine(local.date(), at, tzinfo=local.tzinfo)
    return when <= local < when + timedelta(minutes=late_minutes)


def check_key(local: datetime, pid: str, what: str, at: time) -> str:
    """The record that a daily check ran, as ``<date>|<person>|<what>|<HH:MM>``."""
    return f"{local.date().isoformat()}|{pid}|{what}|{at:%H:%M}"


def remember(done: list[str], key: str, today: date) -> list[str]:
    """``done`` with ``key`` added; records from before yesterday are dropped, so the list stays short."""
    yesterday = (today - timedelta(days=1)).isoformat()
    return [k for k in done if k[:10] >= yesterday] + [key]


# --- who ------------------------------------------------------------------------------------------------


def find_child(who: str, names: Mapping[str, str]) -> str | None:
    """A child's person id from their id or name, as typed or spoken; ``names`` maps each child's id to
    their name."""
    wanted = who.strip().lower().rstrip("?？ ")
    for pid, name in names.items():
        if wanted in (pid.lower(), name.lower()):
            return pid
    return None
