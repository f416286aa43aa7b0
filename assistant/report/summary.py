"""The report's summary paragraph, from fixed rules: the core's sentences about activity and alerts, and
the sentences each skill's section gives, in section order."""

from __future__ import annotations

from assistant.report.model import DailyReport
from assistant.report.sections import ACTIVITY_ORDER, ALERTS_ORDER
from assistant.report.words import format_duration, hhmm, long_date, times


def summary_text(report: DailyReport) -> str:
    """A plain-language paragraph about the day, built from fixed rules.

    The HTML page shows it at the top. ``render_html(..., summary=...)`` and ``html_document`` take
    another text instead (the HTTP API may have a language model reword this one).
    """
    if not report.has_data:
        things = ["activity", *(_noun(s.section.title) for s in report.sections if s.section.title), "alerts"]
        listed = ", ".join(things[:-1]) + " or " + things[-1]
        return f"No {listed} were recorded for {report.name} on {long_date(report.day)}."
    parts: list[tuple[int, str, list[str]]] = [
        (ACTIVITY_ORDER, "", _activity(report)), (ALERTS_ORDER, "", [_alerts(report)]),
        *((s.section.order, s.skill, list(s.section.summary)) for s in report.sections),
    ]
    parts.sort(key=lambda part: (part[0], part[1]))
    return " ".join(sentence for _, _, sentences in parts for sentence in sentences)


def _noun(title: str) -> str:
    """A section's title as it reads mid-sentence: ``Sleep diary`` → ``sleep diary`` (``SpO2`` stays)."""
    return title if title[:2].isupper() else title[:1].lower() + title[1:]


def _activity(report: DailyReport) -> list[str]:
    a = report.activity
    out = []
    if a.first is not None and a.last is not None:
        sentence = f"{report.name} was first active at {hhmm(a.first)} and last active at {hhmm(a.last)}"
        if not report.complete:
            sentence += " (so far today)"
        if a.longest_quiet is not None and a.longest_quiet.seconds >= 3600:
            q = a.longest_quiet
            sentence += f"; the longest quiet spell was {format_duration(q.seconds)} ({hhmm(q.start)}-{hhmm(q.end)})"
        out.append(sentence + ".")
    else:
        out.append(f"No activity was recorded for {report.name}.")
    if a.steps:
        out.append(f"{a.steps:,} steps.")
    doors: dict[str, int] = {}
    for opening in a.openings:
        if opening.subtype == "door":
            doors[opening.name] = doors.get(opening.name, 0) + 1
    if doors:
        text = ", ".join(f"{door} opened {times(n)}" for door, n in doors.items())
        out.append(f"The {text}.")
    return out


def _alerts(report: DailyReport) -> str:
    if not report.alerts:
        return "No alerts."
    n = len(report.alerts)
    acked = [x for x in report.alerts if x.acked_at is not None]
    sentence = f"{n} alert{'s' if n != 1 else ''}"
    if len(acked) == n:
        sentence += ", all acknowledged" if n > 1 else ", acknowledged"
    else:
        sentence += f", {len(acked)} acknowledged"
        still_open = sum(1 for x in report.alerts if x.status == "open")
        if still_open:
            sentence += f", {still_open} still open"
    median = report.median_ack_seconds
    if median is not None:
        sentence += f"; median time to acknowledge {format_duration(median)}"
    return sentence + "."
