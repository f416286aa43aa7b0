"""The report's summary paragraph, from fixed rules: the core's sentences about activity and alerts, and
the sentences each skill's section gives, in section order; in English or Simplified Chinese."""

from __future__ import annotations

from assistant.report.model import DailyReport
from assistant.report.sections import ACTIVITY_ORDER, ALERTS_ORDER, text_in
from assistant.report.words import chinese, format_duration, hhmm, long_date, times


def summary_text(report: DailyReport, language: str = "en") -> str:
    """A plain-language paragraph about the day, built from fixed rules, for a reader of ``language``.

    The HTML page shows it at the top. ``render_html(..., summary=...)`` and ``html_document`` take
    another text instead (the HTTP API may have a language model reword this one).
    """
    zh = chinese(language)
    if not report.has_data:
        titles = [text_in(s.section.title, language) for s in report.sections if s.section.title]
        if zh:
            listed = "、".join(["活动", *titles])
            return f"{long_date(report.day, language)}没有记录到{report.name}的{listed}或警报。"
        things = ["activity", *(_noun(title) for title in titles), "alerts"]
        listed = ", ".join(things[:-1]) + " or " + things[-1]
        return f"No {listed} were recorded for {report.name} on {long_date(report.day)}."
    core = (_activity_zh(report), _alerts_zh(report)) if zh else (_activity(report), _alerts(report))
    parts: list[tuple[int, str, list[str]]] = [
        (ACTIVITY_ORDER, "", core[0]), (ALERTS_ORDER, "", [core[1]]),
        *((s.section.order, s.skill, [text_in(sentence, language) for sentence in s.section.summary])
          for s in report.sections),
    ]
    parts.sort(key=lambda part: (part[0], part[1]))
    sentences = [sentence for _, _, part in parts for sentence in part if sentence]
    if not zh:
        return " ".join(sentences)
    # Chinese sentences run on without spaces; one after a skill's English sentence still gets one.
    return "".join(s if i == 0 or not sentences[i - 1][-1:].isascii() else " " + s for i, s in enumerate(sentences))


def _noun(title: str) -> str:
    """A section's title as it reads mid-sentence: ``Sleep diary`` → ``sleep diary`` (``SpO2`` stays)."""
    return title if title[:2].isupper() else title[:1].lower() + title[1:]


def _doors(report: DailyReport) -> dict[str, int]:
    doors: dict[str, int] = {}
    for opening in report.activity.openings:
        if opening.subtype == "door":
            doors[opening.name] = doors.get(opening.name, 0) + 1
    return doors


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
    doors = _doors(report)
    if doors:
        text = ", ".join(f"{door} opened {times(n)}" for door, n in doors.items())
        out.append(f"The {text}.")
    return out


def _activity_zh(report: DailyReport) -> list[str]:
    a = report.activity
    out = []
    if a.first is not None and a.last is not None:
        sentence = f"{report.name}最早在{hhmm(a.first)}活动，最后一次活动在{hhmm(a.last)}"
        if not report.complete:
            sentence += "（截至目前）"
        if a.longest_quiet is not None and a.longest_quiet.seconds >= 3600:
            q = a.longest_quiet
            sentence += f"；最长的安静时段为{format_duration(q.seconds, 'zh')}（{hhmm(q.start)}-{hhmm(q.end)}）"
        out.append(sentence + "。")
    else:
        out.append(f"没有记录到{report.name}的活动。")
    if a.steps:
        out.append(f"走了{a.steps:,}步。")
    doors = _doors(report)
    if doors:
        out.append("，".join(f"{door}打开了{times(n, 'zh')}" for door, n in doors.items()) + "。")
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


def _alerts_zh(report: DailyReport) -> str:
    if not report.alerts:
        return "没有警报。"
    n = len(report.alerts)
    acked = sum(1 for x in report.alerts if x.acked_at is not None)
    sentence = f"共{n}条警报"
    if acked == n:
        sentence += "，均已确认" if n > 1 else "，已确认"
    else:
        sentence += f"，{acked}条已确认"
        still_open = sum(1 for x in report.alerts if x.status == "open")
        if still_open:
            sentence += f"，{still_open}条仍未处理"
    median = report.median_ack_seconds
    if median is not None:
        sentence += f"；确认的中位用时为{format_duration(median, 'zh')}"
    return sentence + "。"
