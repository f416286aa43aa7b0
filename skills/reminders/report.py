"""The reminders skill's section of the caregiver's daily report: the day's reminders set, spoken and
cancelled. Pure: built from the ``ReportDay``'s events."""

from __future__ import annotations

from datetime import datetime

from skills.reminders.events import ReminderCancelled, ReminderDue, ReminderSet
from skills.sdk import ReportDay, ReportSection, ReportTable, Words

ORDER = 600
"""After the alerts (400) and the check-ins (500): a record of the day, not a worry."""
LATE_AFTER = 120.0
"""Seconds after its time a reminder counts as spoken late (the hub was down then)."""
TITLE = Words("Reminders", zh="提醒")


def _due(day: ReportDay, iso: str) -> str:
    """A reminder's time for the table: ``15:00``, or ``Tue 09:00`` on another day."""
    try:
        due = day.local(datetime.fromisoformat(iso))
    except ValueError:
        return "?"
    return f"{due:%H:%M}" if due.date() == day.date else f"{due:%a %H:%M}"


def section(day: ReportDay) -> ReportSection:
    """The reminders section for ``day``."""
    rows: list[tuple[str, Words, Words]] = []
    timeline: list[tuple[datetime, Words]] = []
    counts = {"set": 0, "spoken": 0, "cancelled": 0}
    for event in day.events:
        at = day.local(event.ts)
        if isinstance(event, ReminderSet):
            what, label = "set", Words(f"set for {_due(day, event.due)}", zh=f"设定在 {_due(day, event.due)}")
        elif isinstance(event, ReminderDue):
            late = event.late_seconds > LATE_AFTER
            what, label = "spoken", (Words("spoken late (carehub was off)", zh="晚播报了（carehub 当时关闭）") if late
                                     else Words("spoken", zh="已播报"))
        elif isinstance(event, ReminderCancelled):
            what, label = "cancelled", Words(f"cancelled (was for {_due(day, event.due)})",
                                             zh=f"已取消（原定 {_due(day, event.due)}）")
        else:
            continue
        counts[what] += 1
        task = Words(event.task) if event.task else Words("(nothing said)", zh="（没有说内容）")
        rows.append((f"{at:%H:%M}", task, label))
        timeline.append((at, Words(f"reminder {label}: {task}",
                                   zh=f"提醒{label.by_language['zh']}：{task.by_language.get('zh', task)}")))
    empty = Words("No reminders were set, spoken or cancelled.", zh="没有设定、播报或取消提醒。")
    if not rows:
        return ReportSection(TITLE, ORDER, empty=empty)
    summary = (Words(f"Reminders: {counts['set']} set, {counts['spoken']} spoken, {counts['cancelled']} cancelled.",
                     zh=f"提醒：设定 {counts['set']} 个，播报 {counts['spoken']} 个，取消 {counts['cancelled']} 个。"),)
    return ReportSection(
        TITLE, ORDER, summary=summary,
        facts=((Words("reminders set", zh="设定的提醒"), counts["set"]),
               (Words("reminders spoken", zh="播报的提醒"), counts["spoken"]),
               (Words("reminders cancelled", zh="取消的提醒"), counts["cancelled"])),
        tables=(ReportTable((Words("time", zh="时间"), Words("reminder", zh="提醒内容"),
                             Words("what happened", zh="情况")), tuple(rows)),),
        timeline=tuple(timeline), empty=empty, has_data=True)
