"""The report as one self-contained HTML page: the core's Activity and Alerts and the skills' sections in
order, then the timeline; charts embedded as base64 PNG, every text escaped."""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from assistant.report import labels
from assistant.report.charts import chart_names, render_charts
from assistant.report.model import DailyReport, SkillSection
from assistant.report.sections import ACTIVITY_ORDER, ALERTS_ORDER, text_in
from assistant.report.summary import summary_text
from assistant.report.words import chinese, format_duration, hhmm, long_date, times

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:2em auto;max-width:60em;
color:#1d2329;padding:0 1em;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #d7dde3}
.meta{color:#5b6670;font-size:.9em}.summary{background:#f3f6f9;border-left:4px solid #3d7ab8;padding:.8em 1em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{border:1px solid #d7dde3;padding:.3em .6em;
text-align:left;vertical-align:top}th{background:#f3f6f9}img{max-width:100%;height:auto}
.none{color:#5b6670;font-style:italic}.open{color:#b3261e;font-weight:600}.wide{overflow-x:auto}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _table(headers: Any, rows: Any, language: str) -> str:
    head = "".join(f"<th>{_e(text_in(h, language))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(text_in(c, language))}</td>" for c in row) + "</tr>" for row in rows)
    # A wide table scrolls inside its box: the page itself stays as wide as a phone.
    return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _facts(rows: Any, language: str) -> str:
    """A two-column table of labelled values."""
    body = "".join(f'<tr><th scope="row">{_e(text_in(label, language))}</th>'
                   f'<td>{_e(text_in(value, language))}</td></tr>' for label, value in rows)
    return f'<div class="wide"><table><tbody>{body}</tbody></table></div>'


def _none(text: str) -> str:
    return f'<p class="none">{_e(text)}</p>'


def _img(charts: dict[str, bytes], name: str, alt: str) -> str:
    data = charts.get(name)
    if data is None:
        return ""
    return f'<p><img src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}" alt="{_e(alt)}"></p>'


def html_document(report: DailyReport, *, summary: str | None = None,
                  charts: dict[str, bytes] | None = None, language: str = "en") -> str:
    """The report as one self-contained HTML page (charts embedded as base64 PNG), in ``language``'s words
    (Simplified Chinese for ``zh-CN`` and any ``zh``, else English).

    ``summary`` replaces the rule-based paragraph of ``summary_text``; ``charts`` reuses charts
    already drawn by ``render_charts``.
    """
    w = labels.labels(language)
    title = w["title"].format(name=report.name, day=long_date(report.day, language))
    lang = "zh-CN" if chinese(language) else "en"
    head = ['<!DOCTYPE html>', f'<html lang="{lang}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>", f"<h1>{_e(title)}</h1>"]
    return "\n".join([*head, report_body(report, summary=summary, charts=charts, language=language),
                      "</body></html>"])


def report_body(report: DailyReport, *, summary: str | None = None, charts: dict[str, bytes] | None = None,
                language: str = "en") -> str:
    """The report's content without a page around it or a title: where and when it was made, the summary,
    the sections and the timeline (the caregiver app puts it in its own page), in ``language``'s words."""
    w = labels.labels(language)
    charts = render_charts(report, language) if charts is None else charts
    summary = summary_text(report, language) if summary is None else summary
    state = "" if report.complete else w["so_far"].format(time=hhmm(report.generated_at))
    meta = w["meta"].format(home=report.home_name, zone=report.timezone,
                            made=report.generated_at.strftime("%Y-%m-%d %H:%M"))
    out = [f'<p class="meta">{_e(meta + state)}</p>', f'<p class="summary">{_e(summary)}</p>']
    if not report.has_data:
        out.append(_none(w["no_data"].format(name=report.name)))
    blocks: list[tuple[int, str, str]] = [
        (ACTIVITY_ORDER, "", _activity_html(report, charts, language)),
        (ALERTS_ORDER, "", _alerts_html(report, language)),
        *((entry.section.order, entry.skill, _section_html(entry, charts, language)) for entry in report.sections),
    ]
    out.extend(block for _, _, block in sorted(blocks, key=lambda b: (b[0], b[1])))
    for failed in report.failed:
        out.append(_none(w["failed"].format(skill=failed.skill, error=failed.error)))
    out.append(f"<h2>{_e(w['timeline'])}</h2>")
    out.append(_table([w["time"], w["what"]], [[hhmm(t.at), t.what] for t in report.timeline], language)
               if report.timeline else _none(w["no_timeline"]))
    return "\n".join(out)


def _section_html(entry: SkillSection, charts: dict[str, bytes], language: str) -> str:
    """A skill's section: its facts, charts and tables, or its ``empty`` sentence when it has none."""
    section = entry.section
    out = [f"<h2>{_e(text_in(section.title, language))}</h2>"]
    images = [_img(charts, name, text_in(chart.title, language))
              for name, chart in zip(chart_names(entry), section.charts)]
    if not (section.facts or section.tables or any(images)):
        out.append(_none(text_in(section.empty, language) or labels.labels(language)["nothing"]))
        return "\n".join(out)
    if section.facts:
        out.append(_facts(section.facts, language))
    out.extend(image for image in images if image)
    out.extend(_table(table.headers, table.rows, language) for table in section.tables)
    return "\n".join(out)


def _activity_html(report: DailyReport, charts: dict[str, bytes], language: str) -> str:
    a = report.activity
    w = labels.labels(language)
    out = [f"<h2>{_e(w['activity'])}</h2>"]
    facts: list[tuple[str, Any]] = []
    if a.first is not None:
        facts.append((w["first_activity"], hhmm(a.first)))
        facts.append((w["last_activity"], hhmm(a.last)))
    if a.longest_quiet is not None:
        q = a.longest_quiet
        facts.append((w["longest_quiet"], f"{format_duration(q.seconds, language)} ({hhmm(q.start)}-{hhmm(q.end)})"))
    if a.motion_total:
        facts.append((w["motion_events"], a.motion_total))
    for name, count in a.openings_by_device().items():
        facts.append((w["opened"].format(name=name), times(count, language)))
    if a.occupancy:
        facts.append((w["bed_chair"], len(a.occupancy)))
    if a.steps is not None:
        facts.append((w["steps"], f"{a.steps:,}"))
    if a.location_reports:
        facts.append((w["location_reports"], a.location_reports))
    if not facts:
        out.append(_none(w["no_activity"]))
        return "\n".join(out)
    out.append(_facts(facts, language))
    out.append(_img(charts, "activity", w["motion_chart"]))
    if a.motion_by_room:
        out.append(_table([w["room"], w["motion_events"], w["busiest_hour"]],
                          [[room, sum(hours), f"{hours.index(max(hours)):02d}:00"]
                           for room, hours in a.motion_by_room.items()], language))
    return "\n".join(out)


def _alerts_html(report: DailyReport, language: str) -> str:
    w = labels.labels(language)
    out = [f"<h2>{_e(w['alerts'])}</h2>"]
    if not report.alerts:
        out.append(_none(w["no_alerts"]))
        return "\n".join(out)
    rows = []
    for a in report.alerts:
        who = w["themselves"].format(name=report.name) if a.by_person else a.acked_by_name
        rows.append([
            hhmm(a.raised_at), labels.priority(a.priority, language), labels.kind(a.kind, language),
            text_in(a.messages, language) or a.message, labels.status(a.status, language),
            hhmm(a.acked_at) if a.acked_at else w["not_acknowledged"],
            w["by_via"].format(who=who, via=a.acked_via) if a.acked_by else "",
            format_duration(a.ack_seconds, language) if a.ack_seconds is not None else "",
            a.escalations, w["list"].join(a.notified), a.count,
        ])
    out.append(_table([w[key] for key in ("raised", "priority", "kind", "message", "status", "acknowledged", "by",
                                          "time_to_ack", "escalations", "sent_to", "times")], rows, language))
    median = report.median_ack_seconds
    if median is not None:
        out.append("<p>" + w["median_ack"].format(time=_e(format_duration(median, language))) + "</p>")
    return "\n".join(out)


def render_html(report: DailyReport, out_path: Path | str, *, summary: str | None = None,
                write_png: bool = False, language: str = "en") -> list[Path]:
    """Write the report to ``out_path`` as one self-contained HTML page in ``language``'s words; return the
    files written.

    ``summary`` replaces the rule-based paragraph (the HTTP API may pass a language model's wording).
    With ``write_png`` each chart is also written next to the page, as ``<page name>-<chart>.png``.
    """
    out_path = Path(out_path)
    charts = render_charts(report, language)
    out_path.write_text(html_document(report, summary=summary, charts=charts, language=language), encoding="utf-8")
    written = [out_path]
    if write_png:
        for name, data in charts.items():
            png = out_path.with_name(f"{out_path.stem}-{name}.png")
            png.write_bytes(data)
            written.append(png)
    return written
