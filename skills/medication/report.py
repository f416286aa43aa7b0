"""The medication skill's section of the daily report: each of the day's doses once (taken, missed, not
observed, still to come), and confirmations that found no dose due. Pure: built from the ``ReportDay``'s
events and the dose times the skill's schedule gives."""

from __future__ import annotations

from datetime import datetime

from skills.medication.doses import DoseOutcome, counts, outcomes
from skills.medication.events import DoseTaken
from skills.sdk import IntentRecognized, PillboxOpened, ReportDay, ReportSection, ReportTable

ORDER = 300
"""After vital signs (200), before the alerts (400)."""

HOW = {"voice": "said so", "button": "button pressed", "pillbox": "pillbox opened"}
"""How a dose was confirmed, in the report's words."""


def section(day: ReportDay, scheduled: list[tuple[str, datetime]]) -> ReportSection:
    """The section for ``day``; ``scheduled`` is (medication, time) of the person's doses that day."""
    doses = outcomes(day.person, scheduled, day.events, start=day.start, end=day.end, complete=day.complete)
    confirmed = {event.cause for event in day.events if isinstance(event, DoseTaken)}
    stray = [(day.local(event.ts), "pillbox opened" if isinstance(event, PillboxOpened)
              else "said the medication was taken")
             for event in day.events
             if event.id not in confirmed and (isinstance(event, PillboxOpened) or (
                 isinstance(event, IntentRecognized) and event.intent == "MedicationTaken"))]
    empty = "No medication was scheduled or recorded."
    recorded = bool(stray) or any(d.logged for d in doses)
    times = ", ".join(f"{d.due:%H:%M}" for d in doses)
    if not recorded:
        if not doses:
            return ReportSection("Medication", ORDER, empty=empty)
        return ReportSection("Medication", ORDER, empty=empty, facts=(
            ("scheduled", times), ("adherence", "nothing recorded by the medication skill")))
    tally = counts(doses)
    facts: list[tuple[str, str | int]] = [("scheduled", times)] if doses else []
    facts += [("doses taken", tally["taken"]), ("doses missed", tally["missed"])]
    if tally["unobserved"]:
        facts.append(("doses not observed (carehub was off)", tally["unobserved"]))
    if tally["pending"]:
        facts.append(("doses still to come", tally["pending"]))
    rows = [(f"{d.due:%H:%M}", d.name, _what(d)) for d in doses]
    rows += [(f"{at:%H:%M}", "", f"{what}; no dose was due then") for at, what in stray]
    timeline = [(d.at, _moment(d)) for d in doses if d.at is not None]
    timeline += [(at, f"{what} (no dose was due)") for at, what in stray]
    return ReportSection(
        "Medication", ORDER, summary=(_summary(tally),), facts=tuple(facts),
        tables=(ReportTable(("time", "dose", "what happened"), tuple(sorted(rows, key=lambda r: r[0]))),),
        timeline=tuple(timeline), empty=empty, has_data=True)


def _what(dose: DoseOutcome) -> str:
    if dose.status == "taken" and dose.at is not None:
        return f"taken at {dose.at.astimezone(dose.due.tzinfo):%H:%M} ({HOW.get(dose.how, dose.how)})" + \
            (", early" if dose.early else "")
    if dose.status == "missed" and dose.at is not None:
        return f"missed: caregivers alerted at {dose.at.astimezone(dose.due.tzinfo):%H:%M}"
    if dose.status == "unobserved":
        return "not observed: carehub was off" + (" before its window closed" if dose.reminded else "")
    return "reminded, not confirmed yet" if dose.reminded else "still to come"


def _moment(dose: DoseOutcome) -> str:
    if dose.status == "taken":
        return f"{dose.name} taken ({HOW.get(dose.how, dose.how)})"
    return f"missed dose: {dose.name} (due {dose.due:%H:%M}), caregivers alerted"


def _summary(tally: dict[str, int]) -> str:
    total = tally["scheduled"]
    text = f"Medication: {tally['taken']} of {total} dose{'s' if total != 1 else ''} taken"
    for status, words in (("missed", "missed"), ("unobserved", "not observed (carehub was off)"),
                          ("pending", "still to come")):
        if tally[status]:
            text += f", {tally[status]} {words}"
    return text + "."
