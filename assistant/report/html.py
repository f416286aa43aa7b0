"""The report as one self-contained HTML page: the core's Activity and Alerts and the skills' sections in
order, then the timeline; charts embedded as base64 PNG, every text escaped."""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from assistant.report.charts import chart_names, render_charts
from assistant.report.model import DailyReport, SkillSection
from assistant.report.sections import ACTIVITY_ORDER, ALERTS_ORDER
from assistant.report.summary import summary_text
from assistant.report.words import format_duration, hhmm, long_date, times

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


def _table(headers: Any, rows: Any) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    # A wide table scrolls inside its box: the page itself stays as wide as a phone.
    return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _facts(rows: Any) -> str:
    """A two-column table of labelled values."""
    body = "".join(f'<tr><th scope="row">{_e(label)}</th><td>{_e(value)}</td></tr>' for label, value in rows)
    return f'<div class="wide"><table><tbody>{body}</tbody></table></div>'


def _none(text: str) -> str:
    return f'<p class="none">{_e(text)}</p>'


def _img(charts: dict[str, bytes], name: str, alt: str) -> str:
    data = charts.get(name)
    if data is None:
        return ""
    return f'<p><img src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}" alt="{_e(alt)}"></p>'


def html_document(report: DailyReport, *, summary: str | None = None,
                  charts: dict[str, bytes] | None = None) -> str:
    """The report as one self-contained HTML page (charts embedded as base64 PNG).

    ``summary`` replaces the rule-based paragraph of ``summary_text``; ``charts`` reuses charts
    already drawn by ``render_charts``.
    """
    title = f"Daily report: {report.name}, {long_date(report.day)}"
    head = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>", f"<h1>{_e(title)}</h1>"]
    return "\n".join([*head, report_body(report, summary=summary, charts=charts), "</body></html>"])


def report_body(report: DailyReport, *, summary: str | None = None, charts: dict[str, bytes] | None = None) -> str:
    """The report's content without a page around it or a title: where and when it was made, the summary,
    the sections and the timeline (the caregiver app puts it in its own page)."""
    charts = render_charts(report) if charts is None else charts
    summary = summary_text(report) if summary is None else summary
    state = "" if report.complete else f" The day is still going on: this covers it up to {hhmm(report.generated_at)}."
    out = [
        f'<p class="meta">{_e(report.home_name)} &middot; times in {_e(report.timezone)} &middot; made '
        f"{_e(report.generated_at.strftime('%Y-%m-%d %H:%M'))} by carehub from the home's event log.{_e(state)}</p>",
        f'<p class="summary">{_e(summary)}</p>',
    ]
    if not report.has_data:
        out.append(_none(f"No data was recorded for {report.name} on this day."))
    blocks: list[tuple[int, str, str]] = [
        (ACTIVITY_ORDER, "", _activity_html(report, charts)), (ALERTS_ORDER, "", _alerts_html(report)),
        *((entry.section.order, entry.skill, _section_html(entry, charts)) for entry in report.sections),
    ]
    out.extend(block for _, _, block in sorted(blocks, key=lambda b: (b[0], b[1])))
    for failed in report.failed:
        out.append(_none(f"The {failed.skill} skill's section failed and is left out ({failed.error})."))
    out.append("<h2>Timeline</h2>")
    out.append(_table(["time", "what"], [[hhmm(t.at), t.what] for t in report.timeline])
               if report.timeline else _none("Nothing notable was recorded."))
    return "\n".join(out)


def _section_html(entry: SkillSection, charts: dict[str, bytes]) -> str:
    """A skill's section: its facts, charts and tables, or its ``empty`` sentence when it has none."""
    section = entry.section
    out = [f"<h2>{_e(section.title)}</h2>"]
    images = [_img(charts, name, chart.title) for name, chart in zip(chart_names(entry), section.charts)]
    if not (section.facts or section.tables or any(images)):
        out.append(_none(section.empty or "Nothing was recorded."))
        return "\n".join(out)
    if section.facts:
        out.append(_facts(section.facts))
    out.extend(image for image in images if image)
    out.extend(_table(table.headers, table.rows) for table in section.tables)
    return "\n".join(out)


def _activity_html(report: DailyReport, charts: dict[str, bytes]) -> str:
    a = report.activity
    out = ["<h2>Activity</h2>"]
    facts: list[tuple[str, Any]] = []
    if a.first is not None:
        facts.append(("first activity", hhmm(a.first)))
        facts.append(("last activity", hhmm(a.last)))
    if a.longest_quiet is not None:
        q = a.longest_quiet
        facts.append(("longest quiet spell", f"{format_duration(q.seconds)} ({hhmm(q.start)}-{hhmm(q.end)})"))
    if a.motion_total:
        facts.append(("motion events", a.motion_total))
    for name, count in a.openings_by_device().items():
        facts.append((f"{name} opened", times(count)))
    if a.occupancy:
        facts.append(("bed / chair changes", len(a.occupancy)))
    if a.steps is not None:
        facts.append(("steps", f"{a.steps:,}"))
    if a.location_reports:
        facts.append(("location reports", a.location_reports))
    if not facts:
        out.append(_none("No activity was recorded."))
        return "\n".join(out)
    out.append(_facts(facts))
    out.append(_img(charts, "activity", "motion per room per hour"))
    if a.motion_by_room:
        out.append(_table(["room", "motion events", "busiest hour"],
                          [[room, sum(hours), f"{hours.index(max(hours)):02d}:00"]
                           for room, hours in a.motion_by_room.items()]))
    return "\n".join(out)


def _alerts_html(report: DailyReport) -> str:
    out = ["<h2>Alerts</h2>"]
    if not report.alerts:
        out.append(_none("No alerts were raised."))
        return "\n".join(out)
    rows = []
    for a in report.alerts:
        rows.append([
            hhmm(a.raised_at), a.priority, a.kind, a.message, a.status,
            hhmm(a.acked_at) if a.acked_at else "not acknowledged",
            f"{a.acked_by_name} via {a.acked_via}" if a.acked_by else "",
            format_duration(a.ack_seconds) if a.ack_seconds is not None else "",
            a.escalations, ", ".join(a.notified), a.count,
        ])
    out.append(_table(["raised", "priority", "kind", "message", "status", "acknowledged", "by",
                       "time to acknowledge", "escalations", "sent to", "times"], rows))
    median = report.median_ack_seconds
    if median is not None:
        out.append(f"<p>Median time for a caregiver to acknowledge: <strong>{_e(format_duration(median))}"
                   "</strong>.</p>")
    return "\n".join(out)


def render_html(report: DailyReport, out_path: Path | str, *, summary: str | None = None,
                write_png: bool = False) -> list[Path]:
    """Write the report to ``out_path`` as one self-contained HTML page; return the files written.

    ``summary`` replaces the rule-based paragraph (the HTTP API may pass a language model's wording).
    With ``write_png`` each chart is also written next to the page, as ``<page name>-<chart>.png``.
    """
    out_path = Path(out_path)
    charts = render_charts(report)
    out_path.write_text(html_document(report, summary=summary, charts=charts), encoding="utf-8")
    written = [out_path]
    if write_png:
        for name, data in charts.items():
            png = out_path.with_name(f"{out_path.stem}-{name}.png")
            png.write_bytes(data)
            written.append(png)
    return written
