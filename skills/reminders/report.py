"""The reminders skill's section of the caregiver's daily report: the day's reminders set, spoken and
cancelled. Pure: built from the ``ReportDay``'s events."""

from __future__ import annotations

from datetime import datetime

from skills.reminders.events import ReminderCancelled, ReminderDue, ReminderSet
from skills.sdk import ReportDay, ReportSection, ReportTable

ORDER = 600
"""After the alerts (400) and the check-ins (500): a record of the day, not a worry."""
LATE_AFTER = 120.0
"""Seconds after its time a reminder counts as spoken late (the hub was down then)."""


def _due(day: ReportDay, iso: str) -> str:
    """A reminder's time for the table: ``15:00``, or ``Tue 09:00`` on another day."""
    try:
        due = day.local(datetime.fromisoformat(iso))
    except ValueError:
        return "?"
    return f"{due:%H:%M}" if due.date() == day.date else f"{due:%a %H:%M}"


def section(day: ReportDay) -> ReportSection:
    """The reminders section for ``day``."""
    rows: list[tuple[str, str, str]] = []
    timeline: list[tuple[datetime, str]] = []
    counts = {"set": 0, "spoken": 0, "cancelled": 0}
    for event in day.events:
        at = day.local(event.ts)
        if isinstance(event, ReminderSet):
            what, label = "set", f"set for {_due(day, event.due)}"
        elif isinstance(event, ReminderDue):
            late = event.late_seconds > LATE_AFTER
            what, label = "spoken", "spoken late (carehub was off)" if late else "spoken"
        elif isinstance(event, ReminderCancelled):
            what, label = "cancelled", f"cancelled (was for {_due(day, event.due)})"
        else:
            continue
        counts[what] += 1
        task = event.task or "(nothing said)"
        rows.append((f"{at:%H:%M}", task, label))
        timeline.append((at, f"reminder {label}: {task}"))
    empty = "No reminders were set, spoken or cancelled."
    if not rows:
        return ReportSection("Reminders", ORDER, empty=empty)
    summary = (f"Reminders: {counts['set']} set, {counts['spoken']} spoken, {counts['cancelled']} cancelled.",)
    return ReportSection(
        "Reminders", ORDER, summary=summary,
        facts=(("reminders set", counts["set"]), ("reminders spoken", counts["spoken"]),
               ("reminders cancelled", counts["cancelled"])),
        tables=(ReportTable(("time", "reminder", "what happened"), tuple(rows)),),
        timeline=tuple(timeline), empty=empty, has_data=True)
