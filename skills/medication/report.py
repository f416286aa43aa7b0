"""The medication skill's section of the daily report: each of the day's doses once (taken, missed, not
observed, still to come), and confirmations that found no dose due. Pure: built from the ``ReportDay``'s
events and the dose times the skill's schedule gives."""

from __future__ import annotations

from datetime import datetime

from skills.medication.doses import DoseOutcome, counts, outcomes
from skills.medication.events import DoseTaken
from skills.sdk import IntentRecognized, PillboxOpened, ReportDay, ReportSection, ReportTable, Words

ORDER = 300
"""After vital signs (200), before the alerts (400)."""

HOW = {"voice": "said so", "button": "button pressed", "pillbox": "pillbox opened"}
"""How a dose was confirmed, in the report's words."""
HOW_ZH = {"voice": "口头确认", "button": "按了按钮", "pillbox": "打开了药盒"}
TITLE = Words("Medication", zh="用药")
SCHEDULED = Words("scheduled", zh="计划服药时间")
PILLBOX_OPENED = Words("pillbox opened", zh="打开了药盒")
SAID_TAKEN = Words("said the medication was taken", zh="说已经吃过药")


def section(day: ReportDay, scheduled: list[tuple[str, datetime]]) -> ReportSection:
    """The section for ``day``; ``scheduled`` is (medication, time) of the person's doses that day."""
    doses = outcomes(day.person, scheduled, day.events, start=day.start, end=day.end, complete=day.complete)
    confirmed = {event.cause for event in day.events if isinstance(event, DoseTaken)}
    stray = [(day.local(event.ts), PILLBOX_OPENED if isinstance(event, PillboxOpened) else SAID_TAKEN)
             for event in day.events
             if event.id not in confirmed and (isinstance(event, PillboxOpened) or (
                 isinstance(event, IntentRecognized) and event.intent == "MedicationTaken"))]
    empty = Words("No medication was scheduled or recorded.", zh="没有安排或记录用药。")
    recorded = bool(stray) or any(d.logged for d in doses)
    times = ", ".join(f"{d.due:%H:%M}" for d in doses)
    if not recorded:
        if not doses:
            return ReportSection(TITLE, ORDER, empty=empty)
        return ReportSection(TITLE, ORDER, empty=empty, facts=(
            (SCHEDULED, times),
            (Words("adherence", zh="服药情况"), Words("nothing recorded by the medication skill",
                                                   zh="用药技能没有任何记录"))))
    tally = counts(doses)
    facts: list[tuple[Words, str | int]] = [(SCHEDULED, times)] if doses else []
    facts += [(Words("doses taken", zh="已服剂数"), tally["taken"]),
              (Words("doses missed", zh="漏服剂数"), tally["missed"])]
    if tally["unobserved"]:
        facts.append((Words("doses not observed (carehub was off)", zh="未观察到的剂数（carehub 当时关闭）"),
                      tally["unobserved"]))
    if tally["pending"]:
        facts.append((Words("doses still to come", zh="待服剂数"), tally["pending"]))
    rows: list[tuple[str, str, Words]] = [(f"{d.due:%H:%M}", d.name, _what(d)) for d in doses]
    rows += [(f"{at:%H:%M}", "", Words(f"{what}; no dose was due then",
                                       zh=f"{what.by_language['zh']}；当时没有到服药时间")) for at, what in stray]
    timeline = [(d.at, _moment(d)) for d in doses if d.at is not None]
    timeline += [(at, Words(f"{what} (no dose was due)", zh=f"{what.by_language['zh']}（没有到服药时间）"))
                 for at, what in stray]
    rows.sort(key=lambda row: row[0])
    return ReportSection(
        TITLE, ORDER, summary=(_summary(tally),), facts=tuple(facts),
        tables=(ReportTable((Words("time", zh="时间"), Words("dose", zh="药物"), Words("what happened", zh="情况")),
                            tuple(rows)),),
        timeline=tuple(timeline), empty=empty, has_data=True)


def _what(dose: DoseOutcome) -> Words:
    if dose.status == "taken" and dose.at is not None:
        at = f"{dose.at.astimezone(dose.due.tzinfo):%H:%M}"
        return Words(f"taken at {at} ({HOW.get(dose.how, dose.how)})" + (", early" if dose.early else ""),
                     zh=f"{at} 已服（{HOW_ZH.get(dose.how, dose.how)}）" + ("，提前服用" if dose.early else ""))
    if dose.status == "missed" and dose.at is not None:
        at = f"{dose.at.astimezone(dose.due.tzinfo):%H:%M}"
        return Words(f"missed: caregivers alerted at {at}", zh=f"漏服：已在 {at} 通知照护者")
    if dose.status == "unobserved":
        return Words("not observed: carehub was off" + (" before its window closed" if dose.reminded else ""),
                     zh="未观察到：carehub 当时关闭" + ("（在服药时段结束前）" if dose.reminded else ""))
    if dose.reminded:
        return Words("reminded, not confirmed yet", zh="已提醒，尚未确认")
    return Words("still to come", zh="尚未到时间")


def _moment(dose: DoseOutcome) -> Words:
    if dose.status == "taken":
        return Words(f"{dose.name} taken ({HOW.get(dose.how, dose.how)})",
                     zh=f"已服 {dose.name}（{HOW_ZH.get(dose.how, dose.how)}）")
    return Words(f"missed dose: {dose.name} (due {dose.due:%H:%M}), caregivers alerted",
                 zh=f"漏服：{dose.name}（应在 {dose.due:%H:%M} 服用），已通知照护者")


def _summary(tally: dict[str, int]) -> Words:
    total = tally["scheduled"]
    text = f"Medication: {tally['taken']} of {total} dose{'s' if total != 1 else ''} taken"
    text_zh = f"用药：{total} 剂中已服 {tally['taken']} 剂"
    for status, words, words_zh in (("missed", "missed", "漏服"),
                                    ("unobserved", "not observed (carehub was off)", "未观察到（carehub 当时关闭）"),
                                    ("pending", "still to come", "待服")):
        if tally[status]:
            text += f", {tally[status]} {words}"
            text_zh += f"，{words_zh} {tally[status]} 剂"
    return Words(text + ".", zh=text_zh + "。")
