"""The report's charts as PNG: the core's activity heat strip, and any chart a skill's section describes.

matplotlib's object interface only (``Figure``, drawn by Agg when saved as PNG), never pyplot: no GUI
backend to pick, no global figure list, nothing left behind in a long-running hub. A Chinese report's charts
are in Chinese when the machine has a CJK font (WenQuanYi, Noto CJK, Source Han); in English otherwise.
"""

from __future__ import annotations

import functools
import io
import logging
import threading
from contextlib import nullcontext
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from assistant.report.model import DailyReport, SkillSection
from assistant.report.sections import Chart, text_in
from assistant.report.words import chinese

log = logging.getLogger(__name__)

_RENDER_LOCK = threading.Lock()
"""matplotlib keeps global state (font cache, rcParams); HTTP requests render in worker threads."""
_CJK_FILES = ("wqy", "notosanscjk", "notoserifcjk", "sourcehansans", "droidsansfallback")
"""Font files (lower-case name parts) that draw Chinese."""


@functools.cache
def cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese (added to matplotlib's list if it came
    after matplotlib's font cache), or None: then a Chinese report's charts stay in English."""
    from matplotlib import font_manager

    def known() -> str | None:
        return next((f.name for f in font_manager.fontManager.ttflist
                     if any(part in f.fname.lower().replace("-", "").replace("_", "") for part in _CJK_FILES)
                     and "mono" not in f.name.lower()), None)

    found = known()
    if found is None:
        for path in font_manager.findSystemFonts():
            if any(part in path.lower().replace("-", "").replace("_", "") for part in _CJK_FILES):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    log.warning("the font %s cannot be used for charts", path)
        found = known()
    return found


def chart_language(language: str) -> str:
    """The language the charts are drawn in: Chinese only when a CJK font can draw it."""
    return "zh" if chinese(language) and cjk_font() is not None else "en"


def chart_names(entry: SkillSection) -> list[str]:
    """The names of a section's charts: the skill id for one chart, ``<skill>-1``, ``<skill>-2`` ... for more."""
    count = len(entry.section.charts)
    return [entry.skill] if count == 1 else [f"{entry.skill}-{n}" for n in range(1, count + 1)]


def render_charts(report: DailyReport, language: str = "en") -> dict[str, bytes]:
    """PNG charts by name (``activity``, then each section's by ``chart_names``); nothing to show, no chart.

    Titles and labels in ``language`` when it is Chinese and ``chart_language`` allows, else English.
    A skill's chart that cannot be drawn is logged and left out; the page still shows the rest.
    """
    charts: dict[str, bytes] = {}
    zone = ZoneInfo(report.timezone)
    language = chart_language(language)
    with _RENDER_LOCK, _fonts(language):
        if report.activity.motion_by_room:
            charts["activity"] = _activity_chart(report, language)
        for entry in report.sections:
            for name, chart in zip(chart_names(entry), entry.section.charts):
                if not chart.panels:
                    continue
                try:
                    charts[name] = _chart(chart, zone, report.timezone, language)
                except Exception:  # noqa: BLE001 - a skill's odd chart must not cost the page
                    log.error("daily report of %s for %s: chart %s of the %s skill could not be drawn",
                              report.person, report.day, name, entry.skill, exc_info=True)
    return charts


def _fonts(language: str) -> Any:
    """matplotlib's settings for drawing ``language`` (under ``_RENDER_LOCK``, put back afterwards)."""
    font = cjk_font() if language == "zh" else None
    if font is None:
        return nullcontext()
    import matplotlib

    return matplotlib.rc_context({"font.family": "sans-serif",
                                  "font.sans-serif": [font, *matplotlib.rcParams["font.sans-serif"]],
                                  "axes.unicode_minus": False})


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return buffer.getvalue()


def _hour_of(when: datetime) -> float:
    return when.hour + when.minute / 60 + when.second / 3600


def _activity_chart(report: DailyReport, language: str) -> bytes:
    """A heat strip: one row per room, one column per hour, shaded (and labelled) by motion events."""
    from matplotlib.figure import Figure

    rooms = report.activity.motion_by_room
    figure = Figure(figsize=(9, 0.45 * len(rooms) + 1.4))
    ax = figure.add_subplot()
    matrix = list(rooms.values())
    ax.imshow(matrix, aspect="auto", cmap="Blues", vmin=0, interpolation="nearest")
    ax.set_yticks(range(len(rooms)), list(rooms))
    ax.set_xticks(range(24), [f"{h:02d}" for h in range(24)], fontsize=8)
    peak = max(max(hours) for hours in matrix) or 1
    for y, hours in enumerate(matrix):
        for x, count in enumerate(hours):
            if count:
                ax.text(x, y, str(count), ha="center", va="center", fontsize=7,
                        color="white" if count > peak / 2 else "black")
    if language == "zh":
        ax.set_xlabel(f"一天中的小时（{report.timezone}）")
        ax.set_title("各房间每小时的移动感应次数")
    else:
        ax.set_xlabel(f"hour of the day ({report.timezone})")
        ax.set_title("Motion per room per hour")
    return _png(figure)


def _chart(chart: Chart, zone: ZoneInfo, zone_name: str, language: str) -> bytes:
    """One panel per ``Panel``, stacked over a shared time-of-day axis; a legend where a panel has several series."""
    from matplotlib.figure import Figure

    rows = len(chart.panels)
    figure = Figure(figsize=(9, 1.7 * rows + 0.6))
    axes = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    for ax, panel in zip(axes, chart.panels):
        for series in panel.series:
            hours = [_hour_of(at.astimezone(zone)) for at, _ in series.points]
            values = [value for _, value in series.points]
            if series.step:
                ax.step(hours, values, where="post", marker="o", markersize=3, label=text_in(series.label, language))
            else:
                ax.plot(hours, values, marker="o", markersize=3, linewidth=1.2, label=text_in(series.label, language))
        if len(panel.series) > 1:
            ax.legend(fontsize=7, loc="upper right")
        title, unit = text_in(panel.title, language), text_in(panel.unit, language)
        ax.set_title(f"{title} ({unit})" if unit else title, fontsize=9, loc="left")
        ax.grid(alpha=0.3)
    axes[-1].set_xlim(0, 24)
    axes[-1].set_xticks(range(0, 25, 3), [f"{h:02d}:00" for h in range(0, 25, 3)])
    axes[-1].set_xlabel(f"时刻（{zone_name}）" if language == "zh" else f"time of day ({zone_name})")
    figure.tight_layout()
    return _png(figure)
