"""The medication skill's section of the daily report: adherence, the day's doses, confirmations and
missed-dose notices. Pure: built from the ``ReportDay`` and the dose times the skill's schedule gives."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from skills.sdk import AlertRequested, IntentRecognized, PillboxOpened, ReportDay, ReportSection, ReportTable

ORDER = 300
"""After vital signs (200), before the alerts (400)."""


def adherence_key(person: str, day: str) -> str:
    """The store key of a person's counts for a day (``YYYY-MM-DD``): ``{"taken": n, "missed": n}``."""
    return f"adherence:{person}:{day}"


def _count(value: Any) -> int:
    """A stored count as a whole number; 0 for anything else (the store holds JSON anyone could write)."""
    if isinstance(value, bool):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 0


def _text(message: Any) -> str:
    """A notification's text: English if given by language, else any language."""
    if isinstance(message, dict):
        return str(message.get("en") or next(iter(message.values()), ""))
    return "" if message is None else str(message)


def section(day: ReportDay, scheduled: list[datetime]) -> ReportSection:
    """The section for ``day``; ``scheduled`` is the person's dose times that day."""
    counts = day.stored(adherence_key(day.person, day.date.isoformat()))
    taken = missed = None
    if isinstance(counts, dict):
        taken, missed = _count(counts.get("taken")), _count(counts.get("missed"))
    confirmations: list[tuple[datetime, str]] = []
    notices: list[tuple[datetime, str]] = []
    for event in day.events:
        at = day.local(event.ts)
        if isinstance(event, PillboxOpened):
            confirmations.append((at, "pillbox"))
        elif isinstance(event, IntentRecognized) and event.intent == "MedicationTaken":
            confirmations.append((at, "voice"))
        elif isinstance(event, AlertRequested) and event.alert_kind == "missed_dose":
            notices.append((at, _text(event.message)))
    empty = "No medication was scheduled or recorded."
    if taken is None and not (notices or confirmations or scheduled):
        return ReportSection("Medication", ORDER, empty=empty)
    facts: list[tuple[str, str | int]] = []
    if scheduled:
        facts.append(("scheduled", ", ".join(f"{day.local(t):%H:%M}" for t in scheduled)))
    if taken is not None:
        facts += [("doses taken", taken), ("doses missed", missed or 0)]
    else:
        facts.append(("adherence", "nothing recorded by the medication skill"))
    rows = [(f"{at:%H:%M}", "taken (pillbox opened)" if how == "pillbox" else "taken (said so)")
            for at, how in confirmations]
    rows += [(f"{at:%H:%M}", f"missed: {message}") for at, message in notices]
    timeline = [(at, "pillbox opened" if how == "pillbox" else "said the medication was taken")
                for at, how in confirmations]
    timeline += [(at, f"missed dose: {message}" if message else "missed dose") for at, message in notices]
    return ReportSection(
        "Medication", ORDER, summary=_summary(taken, missed, len(notices)), facts=tuple(facts),
        tables=(ReportTable(("time", "dose"), tuple(sorted(rows, key=lambda r: r[0]))),) if rows else (),
        timeline=tuple(timeline), empty=empty, has_data=taken is not None or bool(notices))


def _summary(taken: int | None, missed: int | None, notices: int) -> tuple[str, ...]:
    if taken is not None:
        total = taken + (missed or 0)
        pills = f"Medication: {taken} of {total} dose{'s' if total != 1 else ''} taken"
        if missed:
            pills += f", {missed} missed"
        return (pills + ".",)
    if notices:
        return (f"Medication: {notices} missed dose(s).",)
    return ()
