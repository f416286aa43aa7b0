"""Which day, and reading it: one person's local calendar day from the event log (read-only), with the
sections the skills contribute, as a ``DailyReport``. Blocking: the HTTP API runs it in a worker thread."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from assistant.config import Config
from assistant.events import Event, FallDetected, SosPressed
from assistant.report import query
from assistant.report.activity import activity
from assistant.report.alert_summaries import raised_between, summaries
from assistant.report.errors import UnknownPerson
from assistant.report.labels import KIND_ZH, PRIORITY_ZH, SEAT_ZH
from assistant.report.model import AlertSummary, DailyReport, FailedSection, SkillSection, TimelineEntry
from assistant.report.sections import ACTIVITY_ORDER, ALERTS_ORDER, ReportDay, ReportSection, Words
from assistant.report.words import format_duration

if TYPE_CHECKING:
    from assistant.skill_loader import SkillClass

log = logging.getLogger(__name__)

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(text: str) -> date:
    """``YYYY-MM-DD`` as a date; ValueError naming the problem otherwise."""
    if not _DAY.match(text.strip()):
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD, e.g. 2026-01-05)")
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise ValueError(f"not a date: {text!r} ({error})") from None


def today_at_home(config: Config, now: datetime | None = None) -> date:
    """The current calendar date in the home's time zone."""
    return (now or datetime.now(timezone.utc)).astimezone(ZoneInfo(config.home.timezone)).date()


def collect(config: Config, person: str, day: date, *, now: datetime | None = None,
            database: Path | None = None, skills: Sequence[SkillClass] = ()) -> DailyReport:
    """Read one person's local calendar day from the event log (read-only) into a ``DailyReport``.

    ``skills`` contribute their sections (``Skill.daily_report``); one that raises is left out and named
    in ``failed``. ``now`` (default: the wall clock) only decides whether the day is complete.
    ``database`` defaults to the configured log. Raises ``UnknownPerson`` or ``NoEventLog``.
    """
    profile = config.person(person)
    if profile is None:
        raise UnknownPerson(person, [p.id for p in config.people])
    now = now or datetime.now(timezone.utc)
    home = config.home.id
    bare = ReportDay.of(person, day, config.home.timezone, name=profile.name, now=now)
    zone = ZoneInfo(config.home.timezone)
    conn = query.connect_read_only(Path(database) if database is not None else config.database_path)
    try:
        have = query.tables(conn)
        events = query.day_events(conn, home, person, bare.start, bare.end) if "events" in have else ()
        steps_before = query.last_steps_before(conn, home, person, bare.start) if "events" in have else None
        the_day = dataclasses.replace(bare, events=events)
        sections: list[SkillSection] = []
        failed: list[FailedSection] = []
        for skill in skills:
            stored = query.store_reader(conn, home, skill.id) if "skill_store" in have else bare.stored
            outcome = _section(skill, dataclasses.replace(the_day, stored=stored))
            if isinstance(outcome, FailedSection):
                failed.append(outcome)
            elif outcome is not None:
                sections.append(SkillSection(skill.id, outcome))
        alerts: list[AlertSummary] = []
        if "alerts" in have:
            rows = raised_between(query.alert_rows(conn, home, person, bare.start, bare.end), bare.start, bare.end,
                                  zone)
            alerts = summaries(config, person, profile.name, rows, query.alert_history(conn, [r["id"] for r in rows]),
                               zone)
    finally:
        conn.close()
    sections.sort(key=lambda s: (s.section.order, s.skill))
    report = DailyReport(
        person=person, name=profile.name, day=day, timezone=config.home.timezone, home_name=config.home.name,
        generated_at=now.astimezone(zone), complete=bare.complete,
        activity=activity(config, events, zone, steps_before,
                          [moment for s in sections for moment in s.section.activity]),
        alerts=alerts, sections=sections, failed=failed)
    report.timeline = _timeline(report, events, zone, bare)
    return report


def _section(skill: SkillClass, day: ReportDay) -> ReportSection | FailedSection | None:
    """The skill's section; a failure is logged and returned as data, never raised into the report."""
    try:
        section = skill.cls.daily_report(skill.settings, day)
        if section is not None and not isinstance(section, ReportSection):
            raise TypeError(f"daily_report returned {type(section).__name__}, not a ReportSection or None")
    except Exception as error:  # noqa: BLE001 - one skill's bug must not cost the caregiver the whole report
        log.error("daily report of %s for %s: the %s skill's section failed", day.person, day.date, skill.id,
                  exc_info=True)
        return FailedSection(skill.id, f"{type(error).__name__}: {error}")
    return section


def _timeline(report: DailyReport, events: Sequence[Event], zone: ZoneInfo, day: ReportDay) -> list[TimelineEntry]:
    """Notable moments, in order (at the same moment, in section order); routine motion is in the chart."""
    blocks: list[tuple[int, str, list[TimelineEntry]]] = []
    moves = [TimelineEntry(opening.at, Words(f"{opening.name} opened", zh=f"{opening.name}打开了"))
             for opening in report.activity.openings]
    for change in report.activity.occupancy:
        thing = change.subtype or "seat"
        if thing == "bed":
            what = (Words("got into bed", zh="上床") if change.occupied
                    else Words("got out of bed", zh="起床"))
        else:
            seat = SEAT_ZH.get(thing, thing)
            what = (Words(f"sat down ({thing})", zh=f"坐下（{seat}）") if change.occupied
                    else Words(f"got up ({thing})", zh=f"起身（{seat}）"))
        moves.append(TimelineEntry(change.at, what))
    blocks.append((ACTIVITY_ORDER, "", moves))
    alarms: list[TimelineEntry] = []
    for event in events:
        if isinstance(event, SosPressed):
            alarms.append(TimelineEntry(event.ts.astimezone(zone), Words("SOS button pressed", zh="按下了求助按钮")))
        elif isinstance(event, FallDetected):
            alarms.append(TimelineEntry(event.ts.astimezone(zone), Words("possible fall detected", zh="可能跌倒")))
    for alert in report.alerts:
        kind_zh, priority_zh = KIND_ZH.get(alert.kind, alert.kind), PRIORITY_ZH.get(alert.priority, alert.priority)
        alarms.append(TimelineEntry(alert.raised_at, Words(f"alert raised: {alert.kind} ({alert.priority})",
                                                           zh=f"发出警报：{kind_zh}（{priority_zh}优先级）")))
        if alert.acked_at is not None and day.start <= alert.acked_at < day.end:
            taken = alert.ack_seconds or 0
            who_zh = f"{report.name}（本人）" if alert.by_person else alert.acked_by_name
            alarms.append(TimelineEntry(alert.acked_at, Words(
                f"alert {alert.kind} acknowledged by {alert.acked_by_name} after {format_duration(taken)}",
                zh=f"警报“{kind_zh}”由{who_zh}在{format_duration(taken, 'zh')}后确认")))
    blocks.append((ALERTS_ORDER, "", alarms))
    for entry in report.sections:
        blocks.append((entry.section.order, entry.skill,
                       [TimelineEntry(at.astimezone(zone), what) for at, what in entry.section.timeline]))
    blocks.sort(key=lambda block: (block[0], block[1]))
    return sorted((e for _, _, entries in blocks for e in entries), key=lambda e: e.at)
