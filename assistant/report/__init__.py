"""The daily caregiver report: one person's day, read from the event log, as a self-contained HTML page.

``collect`` reads the log (read-only) for one local calendar day in the home's time zone, asks the skills
for their sections (``Skill.daily_report``) and returns a ``DailyReport`` of plain data; ``summary_text``
turns it into a rule-based paragraph; ``render_html`` draws the charts with matplotlib and writes the page.
The core knows the home's devices and the alerts; everything else on the page comes from skills.
Everything here is blocking: the CLI calls it directly, the HTTP API through ``asyncio.to_thread``.
"""

from assistant.report.charts import render_charts
from assistant.report.collect import collect, parse_day, today_at_home
from assistant.report.errors import NoEventLog, ReportError, UnknownPerson
from assistant.report.html import html_document, render_html, report_body
from assistant.report.model import DailyReport
from assistant.report.summary import summary_text
from assistant.report.words import format_duration

__all__ = [
    "collect", "summary_text", "html_document", "report_body", "render_html", "render_charts", "parse_day",
    "today_at_home",
    "DailyReport", "ReportError", "NoEventLog", "UnknownPerson", "format_duration",
]
