"""A person's doses as data: the times a schedule falls on a day, and what became of each dose, read from the
skill's own events. Pure: the skill, its ``adherence`` tool and its daily-report section share it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from skills.medication.events import DoseDue, DoseMissed, DoseTaken, DoseUnobserved
from skills.sdk import Event

DoseKey = tuple[str, str, datetime]
"""One dose: (person, medication name, scheduled time in UTC)."""

STATUSES = ("taken", "missed", "unobserved", "pending")
"""What can become of a dose; each dose of a day has exactly one."""

_RANK = {DoseTaken: 0, DoseMissed: 1, DoseUnobserved: 2}
"""Which outcome wins should a dose have two rows (it never should): taken, then missed, then unobserved."""


def occurrences(rule: str, day: date, zone: ZoneInfo) -> list[datetime]:
    """The times a rule falls on ``day`` (aware, in ``zone``)."""
    start = datetime.combine(day, datetime.min.time())
    times = rrulestr(rule, dtstart=start).between(start, start + timedelta(days=1), inc=True)
    return [t.replace(tzinfo=zone) for t in times if t.date() == day]


def key_of(person: str | None, name: str, due: datetime) -> DoseKey:
    return (person or "", name, due.astimezone(timezone.utc))


def due_of(text: str) -> datetime | None:
    """A logged ``due`` (ISO) as an aware time; None when it cannot be read (a row from who knows where)."""
    try:
        due = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return due if due.tzinfo is not None else None


def logged_key(event: DoseDue | DoseTaken | DoseMissed | DoseUnobserved) -> DoseKey | None:
    due = due_of(event.due)
    return None if due is None else key_of(event.person, event.dose, due)


@dataclass(frozen=True)
class DoseOutcome:
    """What became of one dose."""

    name: str
    """The medication's name."""
    due: datetime
    """When it was scheduled (aware)."""
    status: str
    """One of ``STATUSES``: ``pending`` is still to come or still in its window."""
    at: datetime | None = None
    """When it was taken, or when the caregivers were alerted that it was missed."""
    how: str = ""
    """How it was confirmed: ``voice``, ``button`` or ``pillbox``."""
    early: bool = False
    """Confirmed before its time."""
    reminded: bool = False
    """The person was reminded of it (a ``dose_due`` row)."""
    logged: bool = False
    """Some row of the skill's is about it; False for a dose known only from the schedule."""


def outcomes(person: str, scheduled: Iterable[tuple[str, datetime]], events: Iterable[Event], *,
             start: datetime, end: datetime, complete: bool) -> list[DoseOutcome]:
    """Each of ``person``'s doses due from ``start`` to ``end``, once, by due time.

    ``scheduled`` is (name, time) from the schedule; a dose logged that day but no longer in the schedule
    counts too. A dose with no outcome logged is ``pending``, or ``unobserved`` once the day is ``complete``.
    """
    wanted: dict[DoseKey, str] = {key_of(person, name, due): name for name, due in scheduled}
    decided: dict[DoseKey, DoseTaken | DoseMissed | DoseUnobserved] = {}
    reminded: set[DoseKey] = set()
    logged: set[DoseKey] = set()
    for event in events:
        if not isinstance(event, (DoseDue, DoseTaken, DoseMissed, DoseUnobserved)) or event.person != person:
            continue
        key = logged_key(event)
        if key is None or not start <= key[2] < end:
            continue
        wanted.setdefault(key, event.dose)
        logged.add(key)
        if isinstance(event, DoseDue):
            reminded.add(key)
        elif key not in decided or _RANK[type(event)] < _RANK[type(decided[key])]:
            decided[key] = event
    out = []
    for key in sorted(wanted, key=lambda k: (k[2], k[1])):
        name, due, outcome = wanted[key], key[2].astimezone(start.tzinfo), decided.get(key)
        was_reminded, was_logged = key in reminded, key in logged
        if isinstance(outcome, DoseTaken):
            out.append(DoseOutcome(name, due, "taken", outcome.ts, outcome.how, outcome.early,
                                   reminded=was_reminded, logged=was_logged))
        elif isinstance(outcome, DoseMissed):
            out.append(DoseOutcome(name, due, "missed", outcome.ts, reminded=was_reminded, logged=was_logged))
        else:
            status = "unobserved" if outcome is not None or complete else "pending"
            out.append(DoseOutcome(name, due, status, reminded=was_reminded, logged=was_logged))
    return out


def counts(doses: Iterable[DoseOutcome]) -> dict[str, int]:
    """How many doses were scheduled, and how many of them are in each of ``STATUSES``."""
    tally = {"scheduled": 0, **{status: 0 for status in STATUSES}}
    for dose in doses:
        tally["scheduled"] += 1
        tally[dose.status] += 1
    return tally


def day_summary(doses: Iterable[DoseOutcome], now: datetime, zone: ZoneInfo) -> tuple[str, dict[str, Any]]:
    """A person's day of doses at a glance ("1 of 2 taken, 1 missed") and in detail: how many are taken, due
    (their time has come, still in their window), missed, unobserved and still to come, and each dose's time and
    status. What Home Assistant shows as "Medication today"."""
    listed: list[dict[str, Any]] = []
    tally = {"scheduled": 0, "taken": 0, "due": 0, "missed": 0, "unobserved": 0, "upcoming": 0}
    for dose in doses:
        status = dose.status if dose.status != "pending" else "due" if dose.due <= now else "upcoming"
        tally["scheduled"] += 1
        tally[status] += 1
        shown: dict[str, Any] = {"name": dose.name, "time": f"{dose.due.astimezone(zone):%H:%M}", "status": status}
        if dose.status == "taken" and dose.at is not None:
            shown["taken_at"] = f"{dose.at.astimezone(zone):%H:%M}"
            shown["how"] = dose.how
        listed.append(shown)
    if not tally["scheduled"]:
        summary = "no doses today"
    else:
        summary = f"{tally['taken']} of {tally['scheduled']} taken"
        summary += "".join(f", {tally[s]} {s}" for s in ("due", "missed", "unobserved") if tally[s])
    return summary, {**tally, "doses": listed}
