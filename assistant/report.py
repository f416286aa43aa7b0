"""The daily caregiver report: one person's day, read from the event log, as a self-contained HTML page.

``collect`` reads the log (read-only) for one local calendar day in the home's time zone and returns a
``DailyReport`` of plain data; ``summary_text`` turns it into a rule-based paragraph; ``render_html``
draws the charts with matplotlib and writes the page. Everything here is blocking: the CLI calls it
directly, the HTTP API through ``asyncio.to_thread``.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import re
import sqlite3
import statistics
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from assistant.config import Config
from assistant.errors import CarehubError

MEDICATION_SKILL = "medication"
"""The skill whose store holds adherence counts (``adherence:<person>:YYYY-MM-DD`` = ``{"taken": n, "missed": n}``)."""

ACTIVITY_KINDS = frozenset({
    "motion_detected", "contact_changed", "occupancy_changed", "pillbox_opened", "button_pressed",
    "sos_pressed", "utterance_heard", "check_in_answered",
})
"""Events that mean the person did something (a rising step count counts too). Vital-sign readings
do not: a watch reports them while its wearer sleeps."""

_READ_KINDS = ACTIVITY_KINDS | {
    "steps_counted", "location_reported", "vital_signs_measured", "vital_signs_recorded", "news2_scored",
    "alert_requested",
    "intent_recognized", "fall_detected",
}

VITALS: dict[str, tuple[str, str]] = {
    "heart_rate": ("Heart rate", "bpm"),
    "spo2": ("SpO2", "%"),
    "skin_temp": ("Skin temperature", "°C"),
    "temperature": ("Body temperature", "°C"),
    "systolic": ("Systolic blood pressure", "mmHg"),
    "diastolic": ("Diastolic blood pressure", "mmHg"),
    "respiration_rate": ("Respiration rate", "breaths/min"),
}
"""The fields of ``vital_signs_measured`` (the watch) and ``vital_signs_recorded`` (a thermometer, a cuff,
a spoken reading) the report charts, with a label and unit each, in display order."""

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RENDER_LOCK = threading.Lock()
"""matplotlib keeps global state (font cache, rcParams); HTTP requests render in worker threads."""


class ReportError(CarehubError):
    """A report cannot be made; the message says why."""


class UnknownPerson(ReportError):
    """The person is not in the configuration; ``known`` lists the ids that are."""

    def __init__(self, person: str, known: list[str]) -> None:
        self.person = person
        self.known = known
        super().__init__(f"no person with id '{person}' (known: {', '.join(known) or 'none configured'})")


class NoEventLog(ReportError):
    """There is no event log at ``path`` yet."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"no event log at {path} yet (start the hub with 'carehub run')")


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


# -- the report's data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    """A door, window, fridge or cabinet contact that opened."""

    at: datetime
    device: str
    name: str
    """The device's display name, e.g. "front door"."""
    subtype: str | None
    room: str | None


@dataclass(frozen=True)
class OccupancyChange:
    """A bed or chair that became occupied or empty."""

    at: datetime
    device: str
    subtype: str | None
    occupied: bool


@dataclass(frozen=True)
class QuietPeriod:
    """The longest stretch between two activities (between the day's first and last activity)."""

    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class Activity:
    """What the person did through the day."""

    motion_by_room: dict[str, list[int]] = field(default_factory=dict)
    """Motion events per room (device id when the sensor has no room), 24 counts by local hour."""
    openings: list[Opening] = field(default_factory=list)
    occupancy: list[OccupancyChange] = field(default_factory=list)
    first: datetime | None = None
    """The first activity of the day, local time; None when there was none."""
    last: datetime | None = None
    longest_quiet: QuietPeriod | None = None
    steps: int | None = None
    """Steps taken that day (from the wearable's counter); None without any step reading."""
    steps_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    location_reports: int = 0

    @property
    def motion_total(self) -> int:
        return sum(sum(hours) for hours in self.motion_by_room.values())

    def openings_by_device(self) -> dict[str, int]:
        """How often each contact opened, by display name, most first."""
        counts: dict[str, int] = {}
        for opening in self.openings:
            counts[opening.name] = counts.get(opening.name, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass
class VitalSeries:
    """One vital sign through the day."""

    name: str
    """The event field, e.g. ``heart_rate``."""
    label: str
    unit: str
    readings: list[tuple[datetime, float]] = field(default_factory=list)

    @property
    def minimum(self) -> float:
        return min(v for _, v in self.readings)

    @property
    def maximum(self) -> float:
        return max(v for _, v in self.readings)

    @property
    def mean(self) -> float:
        return statistics.fmean(v for _, v in self.readings)


@dataclass(frozen=True)
class News2Score:
    """A NEWS2 early-warning score, from a ``news2_scored`` event."""

    at: datetime
    score: int
    band: str


@dataclass
class Vitals:
    """The vital signs measured that day."""

    series: dict[str, VitalSeries] = field(default_factory=dict)
    """Only the vitals with at least one reading, in ``VITALS`` order."""
    news2: list[News2Score] = field(default_factory=list)

    @property
    def highest_news2(self) -> News2Score | None:
        return max(self.news2, key=lambda s: s.score, default=None)


@dataclass
class Medication:
    """Doses taken and missed."""

    taken: int | None = None
    """From the medication skill's adherence count; None when it recorded nothing that day."""
    missed: int | None = None
    scheduled: list[datetime] = field(default_factory=list)
    """This person's dose times that day, from the medication skill's settings."""
    confirmations: list[tuple[datetime, str]] = field(default_factory=list)
    """(time, how): ``pillbox`` openings and ``voice`` confirmations."""
    missed_notices: list[tuple[datetime, str]] = field(default_factory=list)
    """(time, message) of the skill's missed-dose notifications about this person."""

    @property
    def recorded(self) -> bool:
        return self.taken is not None or bool(self.missed_notices or self.confirmations or self.scheduled)


@dataclass(frozen=True)
class AlertSummary:
    """One caregiver alert about the person raised that day, and how it was answered."""

    id: str
    kind: str
    priority: str
    status: str
    """``open``, ``acknowledged`` or ``resolved`` (now, not at the end of the day)."""
    raised_at: datetime
    message: str
    count: int
    """How often the condition happened while the alert was open (folded repeats included)."""
    escalations: int
    """Escalation steps taken because nobody acknowledged in time."""
    notified: tuple[str, ...]
    """Names of the caregivers it was sent to, in the order they were told."""
    acked_at: datetime | None = None
    acked_by: str | None = None
    """A caregiver id, or the person's id when they cancelled it themselves."""
    acked_by_name: str | None = None
    """Who acknowledged, as a name for people to read."""
    acked_via: str | None = None
    ack_seconds: float | None = None
    """Time from raised to acknowledged."""
    by_person: bool = False
    """Acknowledged by the person themselves (a cancel press, "I'm OK"), not by a caregiver."""
    resolved_at: datetime | None = None
    resolve_reason: str | None = None


@dataclass(frozen=True)
class CheckIn:
    """An answer to a check-in question, from a ``check_in_answered`` event."""

    at: datetime
    answer: str
    mood: str


@dataclass(frozen=True)
class TimelineEntry:
    """A notable moment of the day, in plain words (escaped when rendered)."""

    at: datetime
    what: str


@dataclass
class DailyReport:
    """One person's day."""

    person: str
    name: str
    day: date
    timezone: str
    home_name: str
    generated_at: datetime
    """Local time the report was made."""
    complete: bool
    """False while the day is still going on."""
    activity: Activity = field(default_factory=Activity)
    vitals: Vitals = field(default_factory=Vitals)
    medication: Medication = field(default_factory=Medication)
    alerts: list[AlertSummary] = field(default_factory=list)
    check_ins: list[CheckIn] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)

    @property
    def median_ack_seconds(self) -> float | None:
        """Median time for a caregiver to acknowledge (self-cancelled alerts left out)."""
        times = [a.ack_seconds for a in self.alerts if a.ack_seconds is not None and not a.by_person]
        return statistics.median(times) if times else None

    @property
    def has_data(self) -> bool:
        a = self.activity
        return bool(a.first or a.motion_total or a.openings or a.occupancy or a.steps or a.location_reports
                    or self.vitals.series or self.vitals.news2 or self.medication.taken is not None
                    or self.medication.missed_notices or self.alerts or self.check_ins or self.timeline)


# -- collecting -------------------------------------------------------------------------------------------


def collect(config: Config, person: str, day: date, *, now: datetime | None = None,
            database: Path | None = None) -> DailyReport:
    """Read one person's local calendar day from the event log (read-only) into a ``DailyReport``.

    ``now`` (default: the wall clock) only decides whether the day is complete. ``database``
    defaults to the configured log. Raises ``UnknownPerson`` or ``NoEventLog``.
    """
    profile = config.person(person)
    if profile is None:
        raise UnknownPerson(person, [p.id for p in config.people])
    zone = ZoneInfo(config.home.timezone)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)  # 23 or 25 h on DST days
    now = now or datetime.now(timezone.utc)
    report = DailyReport(person=person, name=profile.name, day=day, timezone=config.home.timezone,
                         home_name=config.home.name, generated_at=now.astimezone(zone),
                         complete=now >= end)
    path = Path(database) if database is not None else config.database_path
    conn = _connect_read_only(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        rows = _events(conn, config.home.id, person, start, end) if "events" in tables else []
        steps_before = _last_steps_before(conn, config.home.id, person, start) if "events" in tables else None
        report.activity = _activity(config, rows, zone, steps_before)
        report.vitals = _vitals(rows, zone)
        report.medication = _medication(config, person, day, zone, rows,
                                        _adherence(conn, person, day) if "skill_store" in tables else None)
        if "alerts" in tables:
            report.alerts = _alerts(conn, config, person, profile.name, start, end, zone)
        report.check_ins = [CheckIn(at, str(data.get("answer", "")), str(data.get("mood", "")))
                            for at, _, kind, data in _local(rows, zone) if kind == "check_in_answered"]
    finally:
        conn.close()
    report.timeline = _timeline(report, rows, zone, start, end)
    return report


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write (``mode=ro``): a report never changes the log, even by accident."""
    if not path.exists():
        raise NoEventLog(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def _utc_text(when: datetime) -> str:
    """A time as the log stores it, so text comparison orders correctly."""
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


Row = tuple[datetime, str | None, str, dict[str, Any]]
"""(time in UTC, device, kind, data) of one event."""


def _events(conn: sqlite3.Connection, home: str, person: str, start: datetime, end: datetime) -> list[Row]:
    kinds = sorted(_READ_KINDS)
    sql = (f"SELECT ts, device, kind, data FROM events WHERE home = ? AND person = ? AND ts >= ? AND ts < ? "
           f"AND kind IN ({', '.join('?' * len(kinds))}) ORDER BY ts, id")
    out: list[Row] = []
    for ts, device, kind, data in conn.execute(sql, [home, person, _utc_text(start), _utc_text(end), *kinds]):
        try:
            parsed = json.loads(data) if data else {}
        except ValueError:
            parsed = {}
        out.append((datetime.fromisoformat(ts), device, kind, parsed if isinstance(parsed, dict) else {}))
    return out


def _local(rows: Iterable[Row], zone: ZoneInfo) -> Iterable[Row]:
    for at, device, kind, data in rows:
        yield at.astimezone(zone), device, kind, data


def _last_steps_before(conn: sqlite3.Connection, home: str, person: str, start: datetime) -> int | None:
    row = conn.execute(
        "SELECT data FROM events WHERE kind = 'steps_counted' AND home = ? AND person = ? AND ts < ? "
        "ORDER BY ts DESC LIMIT 1", [home, person, _utc_text(start)]).fetchone()
    if not row or not row[0]:
        return None
    try:
        data = json.loads(row[0])
    except ValueError:
        return None
    return _number(data.get("steps"), int) if isinstance(data, dict) else None


def _number(value: Any, kind: type = float) -> Any:
    """``value`` as a number, or None if it is not one (a log row written by anything is possible)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = kind(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _activity(config: Config, rows: list[Row], zone: ZoneInfo, steps_before: int | None) -> Activity:
    activity = Activity()
    moments: list[datetime] = []
    previous_steps = steps_before
    for at, device, kind, data in _local(rows, zone):
        dev = config.device(device) if device else None
        if kind in ACTIVITY_KINDS:
            moments.append(at)
        if kind == "motion_detected":
            room = (dev.room if dev else None) or device or "unknown"
            activity.motion_by_room.setdefault(room, [0] * 24)[at.hour] += 1
        elif kind == "contact_changed" and data.get("open") is True:
            activity.openings.append(Opening(at, device or "", dev.display_name if dev else (device or "contact"),
                                             dev.subtype if dev else None, dev.room if dev else None))
        elif kind == "occupancy_changed" and isinstance(data.get("occupied"), bool):
            activity.occupancy.append(OccupancyChange(at, device or "", dev.subtype if dev else None,
                                                      data["occupied"]))
        elif kind == "steps_counted":
            steps = _number(data.get("steps"), int)
            if steps is None:
                continue
            # A cumulative counter: count increases; a drop means it was reset, so it counts from zero.
            gained = steps - previous_steps if previous_steps is not None and steps >= previous_steps else steps
            previous_steps = steps
            activity.steps = (activity.steps or 0) + gained
            activity.steps_by_hour[at.hour] += gained
            if gained > 0:
                moments.append(at)
        elif kind == "location_reported":
            activity.location_reports += 1
    moments.sort()
    if moments:
        activity.first, activity.last = moments[0], moments[-1]
    gaps = [QuietPeriod(a, b) for a, b in zip(moments, moments[1:]) if b > a]
    activity.longest_quiet = max(gaps, key=lambda g: g.seconds, default=None)
    activity.motion_by_room = dict(sorted(activity.motion_by_room.items()))
    return activity


def _vitals(rows: list[Row], zone: ZoneInfo) -> Vitals:
    series = {name: VitalSeries(name, label, unit) for name, (label, unit) in VITALS.items()}
    news2: list[News2Score] = []
    for at, _, kind, data in _local(rows, zone):
        if kind in ("vital_signs_measured", "vital_signs_recorded"):
            for name in VITALS:
                value = _number(data.get(name))
                if value is not None:
                    series[name].readings.append((at, value))
        elif kind == "news2_scored":
            score = _number(data.get("score"), int)
            if score is not None:
                news2.append(News2Score(at, score, str(data.get("band") or "")))
    return Vitals({name: s for name, s in series.items() if s.readings}, news2)


def _adherence(conn: sqlite3.Connection, person: str, day: date) -> dict[str, Any] | None:
    row = conn.execute("SELECT value FROM skill_store WHERE skill = ? AND key = ?",
                       [MEDICATION_SKILL, f"adherence:{person}:{day.isoformat()}"]).fetchone()
    if not row:
        return None
    try:
        value = json.loads(row[0])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _doses(config: Config) -> list[dict[str, Any]]:
    settings = config.skills.get(MEDICATION_SKILL) or {}
    if settings.get("enabled") is False:
        return []
    doses = settings.get("doses") or []
    return [d for d in doses if isinstance(d, dict)]


def _scheduled(doses: list[dict[str, Any]], person: str, day: date, zone: ZoneInfo) -> list[datetime]:
    """The person's dose times on ``day`` (the medication skill's rule: RFC 5545 in home time)."""
    from dateutil.rrule import rrulestr

    start = datetime.combine(day, time(0))
    times: list[datetime] = []
    for dose in doses:
        if dose.get("person") != person or not isinstance(dose.get("rrule"), str):
            continue
        try:
            found = rrulestr(dose["rrule"], dtstart=start).between(start, start + timedelta(days=1), inc=True)
        except (ValueError, TypeError):
            continue  # the skill refuses such settings when it loads; the report just leaves them out
        times += [t.replace(tzinfo=zone) for t in found if t.date() == day]
    return sorted(times)


def _medication(config: Config, person: str, day: date, zone: ZoneInfo, rows: list[Row],
                counts: dict[str, Any] | None) -> Medication:
    doses = _doses(config)
    medication = Medication(scheduled=_scheduled(doses, person, day, zone))
    if counts is not None:
        medication.taken = _number(counts.get("taken"), int) or 0
        medication.missed = _number(counts.get("missed"), int) or 0
    for at, _, kind, data in _local(rows, zone):
        if kind == "pillbox_opened":
            medication.confirmations.append((at, "pillbox"))
        elif kind == "intent_recognized" and data.get("intent") == "MedicationTaken":
            medication.confirmations.append((at, "voice"))
        elif kind == "alert_requested" and data.get("alert_kind") == "missed_dose":
            medication.missed_notices.append((at, _message_text(data.get("message"))))
    return medication


def _message_text(message: Any) -> str:
    """A notification's text: English if given by language, else any language."""
    if isinstance(message, dict):
        text = message.get("en") or next(iter(message.values()), "")
        return str(text)
    return "" if message is None else str(message)


def _parse_time(text: str | None, zone: ZoneInfo) -> datetime | None:
    if not text:
        return None
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(zone)


def _alerts(conn: sqlite3.Connection, config: Config, person: str, name: str, start: datetime, end: datetime,
            zone: ZoneInfo) -> list[AlertSummary]:
    home = config.home.id
    conn.row_factory = sqlite3.Row
    try:
        # raised_at is ISO text, not always with microseconds: select a day either side, then compare times.
        candidates = conn.execute(
            "SELECT * FROM alerts WHERE person = ? AND (home = ? OR home IS NULL) AND raised_at >= ? "
            "AND raised_at < ? ORDER BY raised_at, id",
            [person, home, _utc_text(start - timedelta(days=1)), _utc_text(end + timedelta(days=1))]).fetchall()
        alerts = [dict(r) for r in candidates
                  if start <= (_parse_time(r["raised_at"], zone) or start - timedelta(days=1)) < end]
        history: dict[str, list[dict[str, Any]]] = {a["id"]: [] for a in alerts}
        if alerts:
            ids = list(history)
            for row in conn.execute(
                    f"SELECT alert_id, transition, caregiver FROM alert_log WHERE alert_id IN "
                    f"({', '.join('?' * len(ids))}) ORDER BY id", ids):
                history[row["alert_id"]].append(dict(row))
    finally:
        conn.row_factory = None
    out = []
    for a in alerts:
        raised = _parse_time(a["raised_at"], zone)
        acked = _parse_time(a["acked_at"], zone)
        assert raised is not None
        try:
            messages = json.loads(a["messages"] or "{}")
        except ValueError:
            messages = {}
        log = history[a["id"]]
        told = dict.fromkeys(h["caregiver"] for h in log if h["transition"] == "sending" and h["caregiver"])
        notified = tuple(_who(config, c, person, name) for c in told)
        out.append(AlertSummary(
            id=a["id"], kind=a["kind"] or "", priority=a["priority"] or "", status=a["status"] or "",
            raised_at=raised, message=_message_text(messages), count=a["count"] or 1,
            escalations=sum(1 for h in log if h["transition"] == "escalated"), notified=notified,
            acked_at=acked, acked_by=a["acked_by"],
            acked_by_name=_who(config, a["acked_by"], person, name) if a["acked_by"] else None,
            acked_via=a["acked_via"],
            ack_seconds=(acked - raised).total_seconds() if acked else None,
            by_person=a["acked_by"] == person, resolved_at=_parse_time(a["resolved_at"], zone),
            resolve_reason=a["resolve_reason"],
        ))
    return out


def _timeline(report: DailyReport, rows: list[Row], zone: ZoneInfo, start: datetime,
              end: datetime) -> list[TimelineEntry]:
    """Notable moments, in order; routine motion is in the chart, not here."""
    entries: list[TimelineEntry] = []
    for opening in report.activity.openings:
        entries.append(TimelineEntry(opening.at, f"{opening.name} opened"))
    for change in report.activity.occupancy:
        thing = change.subtype or "seat"
        if thing == "bed":
            what = "got into bed" if change.occupied else "got out of bed"
        else:
            what = f"sat down ({thing})" if change.occupied else f"got up ({thing})"
        entries.append(TimelineEntry(change.at, what))
    for at, how in report.medication.confirmations:
        entries.append(TimelineEntry(at, "pillbox opened" if how == "pillbox" else "said the medication was taken"))
    for at, message in report.medication.missed_notices:
        entries.append(TimelineEntry(at, f"missed dose: {message}" if message else "missed dose"))
    for at, _, kind, data in _local(rows, zone):
        if kind == "sos_pressed":
            entries.append(TimelineEntry(at, "SOS button pressed"))
        elif kind == "fall_detected":
            entries.append(TimelineEntry(at, "possible fall detected"))
    for alert in report.alerts:
        entries.append(TimelineEntry(alert.raised_at, f"alert raised: {alert.kind} ({alert.priority})"))
        if alert.acked_at is not None and start <= alert.acked_at < end:
            entries.append(TimelineEntry(alert.acked_at, f"alert {alert.kind} acknowledged by {alert.acked_by_name} "
                                                         f"after {format_duration(alert.ack_seconds or 0)}"))
    for check_in in report.check_ins:
        entries.append(TimelineEntry(check_in.at, f"check-in answered: {check_in.answer}"
                                                  + (f" (mood: {check_in.mood})" if check_in.mood else "")))
    entries.sort(key=lambda e: e.at)
    return entries


def _who(config: Config, who: str, person: str, name: str) -> str:
    """A caregiver's (or the person's own) name for an id."""
    if who == person:
        return f"{name} (themselves)"
    caregiver = config.caregiver(who)
    return caregiver.name if caregiver is not None and caregiver.name else who


# -- words -----------------------------------------------------------------------------------------------


def format_duration(seconds: float) -> str:
    """``45 s``, ``12 min``, ``2 h 30 min``."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _hhmm(when: datetime | None) -> str:
    return when.strftime("%H:%M") if when else ""


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _range(low: str, high: str) -> str:
    return low if low == high else f"{low}-{high}"


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def summary_text(report: DailyReport) -> str:
    """A plain-language paragraph about the day, built from fixed rules.

    The HTML page shows it at the top. A later version may let a language model write this paragraph
    from the same ``DailyReport``; ``render_html(..., summary=...)`` takes such a text instead.
    """
    name = report.name
    if not report.has_data:
        return f"No activity, vital signs, medication or alerts were recorded for {name} on {_long_date(report.day)}."
    parts: list[str] = []
    a = report.activity
    if a.first is not None and a.last is not None:
        sentence = f"{name} was first active at {_hhmm(a.first)} and last active at {_hhmm(a.last)}"
        if not report.complete:
            sentence += " (so far today)"
        if a.longest_quiet is not None and a.longest_quiet.seconds >= 3600:
            q = a.longest_quiet
            sentence += (f"; the longest quiet spell was {format_duration(q.seconds)} "
                         f"({_hhmm(q.start)}-{_hhmm(q.end)})")
        parts.append(sentence + ".")
    else:
        parts.append(f"No activity was recorded for {name}.")
    if a.steps:
        parts.append(f"{a.steps:,} steps.")
    doors: dict[str, int] = {}
    for opening in a.openings:
        if opening.subtype == "door":
            doors[opening.name] = doors.get(opening.name, 0) + 1
    if doors:
        text = ", ".join(f"{door} opened {_times(n)}" for door, n in doors.items())
        parts.append(f"The {text}.")
    m = report.medication
    if m.taken is not None:
        total = m.taken + (m.missed or 0)
        pills = f"Medication: {m.taken} of {total} dose{'s' if total != 1 else ''} taken"
        if m.missed:
            pills += f", {m.missed} missed"
        parts.append(pills + ".")
    elif m.missed_notices:
        parts.append(f"Medication: {len(m.missed_notices)} missed dose(s).")
    vitals = []
    for key in ("heart_rate", "spo2", "systolic", "respiration_rate", "skin_temp"):
        s = report.vitals.series.get(key)
        if s is None:
            continue
        if key == "systolic" and "diastolic" in report.vitals.series:
            d = report.vitals.series["diastolic"]
            low, high = f"{_num(s.minimum)}/{_num(d.minimum)}", f"{_num(s.maximum)}/{_num(d.maximum)}"
            vitals.append(f"blood pressure {_range(low, high)} mmHg")
            continue
        label = s.label if key == "spo2" else s.label.lower()
        vitals.append(f"{label} {_range(_num(s.minimum), _num(s.maximum))} {s.unit}")
    if vitals:
        text = "; ".join(vitals)
        parts.append(text[0].upper() + text[1:] + ".")
    top = report.vitals.highest_news2
    if top is not None:
        parts.append(f"Highest NEWS2 score {top.score}" + (f" ({top.band})" if top.band else "")
                     + f" at {_hhmm(top.at)}.")
    if report.alerts:
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
        parts.append(sentence + ".")
    else:
        parts.append("No alerts.")
    if report.check_ins:
        last = report.check_ins[-1]
        parts.append(f"Check-in at {_hhmm(last.at)}: \u201c{last.answer}\u201d"
                     + (f" (mood: {last.mood})." if last.mood else "."))
    return " ".join(parts)


# -- charts ------------------------------------------------------------------------------------------------


def _hour_of(when: datetime) -> float:
    return when.hour + when.minute / 60 + when.second / 3600


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return buffer.getvalue()


def render_charts(report: DailyReport) -> dict[str, bytes]:
    """PNG charts by name (``activity``, ``vitals``); a chart with nothing to show is left out.

    Uses matplotlib's object interface (``Figure``, drawn by Agg when saved as PNG) and never pyplot:
    no GUI backend to pick, no global figure list, nothing left behind in a long-running hub.
    """
    charts: dict[str, bytes] = {}
    with _RENDER_LOCK:
        if report.activity.motion_by_room:
            charts["activity"] = _activity_chart(report)
        if report.vitals.series or report.vitals.news2:
            charts["vitals"] = _vitals_chart(report)
    return charts


def _activity_chart(report: DailyReport) -> bytes:
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
    ax.set_xlabel(f"hour of the day ({report.timezone})")
    ax.set_title("Motion per room per hour")
    return _png(figure)


def _vitals_chart(report: DailyReport) -> bytes:
    """One panel per vital measured (both blood pressures in one), then NEWS2 if scored; shared time axis."""
    from matplotlib.figure import Figure

    series = report.vitals.series
    panels: list[tuple[str, list[VitalSeries]]] = []
    for name in ("heart_rate", "spo2", "systolic", "respiration_rate", "skin_temp"):
        if name == "systolic":
            pressure = [series[n] for n in ("systolic", "diastolic") if n in series]
            if pressure:
                panels.append(("Blood pressure (mmHg)", pressure))
        elif name in series:
            panels.append((f"{series[name].label} ({series[name].unit})", [series[name]]))
    news2 = report.vitals.news2
    rows = len(panels) + (1 if news2 else 0)
    figure = Figure(figsize=(9, 1.7 * rows + 0.6))
    axes = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    for ax, (title, group) in zip(axes, panels):
        for vital in group:
            ax.plot([_hour_of(t) for t, _ in vital.readings], [v for _, v in vital.readings], marker="o",
                    markersize=3, linewidth=1.2, label=vital.name)
        if len(group) > 1:
            ax.legend(fontsize=7, loc="upper right")
        ax.set_title(title, fontsize=9, loc="left")
        ax.grid(alpha=0.3)
    if news2:
        ax = axes[-1]
        ax.step([_hour_of(score.at) for score in news2], [score.score for score in news2], where="post",
                marker="o", markersize=3, color="tab:red")
        ax.set_title("NEWS2 score", fontsize=9, loc="left")
        ax.grid(alpha=0.3)
    axes[-1].set_xlim(0, 24)
    axes[-1].set_xticks(range(0, 25, 3), [f"{h:02d}:00" for h in range(0, 25, 3)])
    axes[-1].set_xlabel(f"time of day ({report.timezone})")
    figure.tight_layout()
    return _png(figure)


# -- HTML ----------------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:2em auto;max-width:60em;
color:#1d2329;padding:0 1em;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #d7dde3}
.meta{color:#5b6670;font-size:.9em}.summary{background:#f3f6f9;border-left:4px solid #3d7ab8;padding:.8em 1em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{border:1px solid #d7dde3;padding:.3em .6em;
text-align:left;vertical-align:top}th{background:#f3f6f9}img{max-width:100%;height:auto}
.none{color:#5b6670;font-style:italic}.open{color:#b3261e;font-weight:600}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _facts(rows: list[tuple[str, Any]]) -> str:
    """A two-column table of labelled values."""
    body = "".join(f'<tr><th scope="row">{_e(label)}</th><td>{_e(value)}</td></tr>' for label, value in rows)
    return f"<table><tbody>{body}</tbody></table>"


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
    charts = render_charts(report) if charts is None else charts
    summary = summary_text(report) if summary is None else summary
    title = f"Daily report: {report.name}, {_long_date(report.day)}"
    state = "" if report.complete else f" The day is still going on: this covers it up to {_hhmm(report.generated_at)}."
    out = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(report.home_name)} &middot; times in {_e(report.timezone)} &middot; made '
        f"{_e(report.generated_at.strftime('%Y-%m-%d %H:%M'))} by carehub from the home's event log.{_e(state)}</p>",
        f'<p class="summary">{_e(summary)}</p>',
    ]
    if not report.has_data:
        out.append(_none(f"No data was recorded for {report.name} on this day."))
    out.append(_activity_html(report, charts))
    out.append(_vitals_html(report, charts))
    out.append(_medication_html(report))
    out.append(_alerts_html(report))
    if report.check_ins:
        out.append("<h2>Check-ins</h2>")
        out.append(_table(["time", "answer", "mood"], [[_hhmm(c.at), c.answer, c.mood] for c in report.check_ins]))
    out.append("<h2>Timeline</h2>")
    out.append(_table(["time", "what"], [[_hhmm(t.at), t.what] for t in report.timeline])
               if report.timeline else _none("Nothing notable was recorded."))
    out.append("</body></html>")
    return "\n".join(out)


def _activity_html(report: DailyReport, charts: dict[str, bytes]) -> str:
    a = report.activity
    out = ["<h2>Activity</h2>"]
    facts: list[tuple[str, Any]] = []
    if a.first is not None:
        facts.append(("first activity", _hhmm(a.first)))
        facts.append(("last activity", _hhmm(a.last)))
    if a.longest_quiet is not None:
        q = a.longest_quiet
        facts.append(("longest quiet spell", f"{format_duration(q.seconds)} ({_hhmm(q.start)}-{_hhmm(q.end)})"))
    if a.motion_total:
        facts.append(("motion events", a.motion_total))
    for name, count in a.openings_by_device().items():
        facts.append((f"{name} opened", _times(count)))
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


def _vitals_html(report: DailyReport, charts: dict[str, bytes]) -> str:
    v = report.vitals
    out = ["<h2>Vital signs</h2>"]
    if not v.series and not v.news2:
        out.append(_none("No vital signs were measured."))
        return "\n".join(out)
    if v.series:
        out.append(_table(["vital sign", "readings", "min", "max", "mean", "unit"],
                          [[s.label, len(s.readings), _num(s.minimum), _num(s.maximum), f"{s.mean:.1f}", s.unit]
                           for s in v.series.values()]))
    out.append(_img(charts, "vitals", "vital signs through the day"))
    if v.news2:
        out.append(_table(["time", "NEWS2 score", "band"], [[_hhmm(s.at), s.score, s.band] for s in v.news2]))
    return "\n".join(out)


def _medication_html(report: DailyReport) -> str:
    m = report.medication
    out = ["<h2>Medication</h2>"]
    if not m.recorded:
        out.append(_none("No medication was scheduled or recorded."))
        return "\n".join(out)
    rows: list[tuple[str, Any]] = []
    if m.scheduled:
        rows.append(("scheduled", ", ".join(_hhmm(t) for t in m.scheduled)))
    if m.taken is not None:
        rows.append(("doses taken", m.taken))
        rows.append(("doses missed", m.missed or 0))
    else:
        rows.append(("adherence", "nothing recorded by the medication skill"))
    out.append(_facts(rows))
    events = [[_hhmm(at), "taken (pillbox opened)" if how == "pillbox" else "taken (said so)"]
              for at, how in m.confirmations]
    events += [[_hhmm(at), f"missed: {message}"] for at, message in m.missed_notices]
    if events:
        out.append(_table(["time", "dose"], sorted(events, key=lambda r: r[0])))
    return "\n".join(out)


def _alerts_html(report: DailyReport) -> str:
    out = ["<h2>Alerts</h2>"]
    if not report.alerts:
        out.append(_none("No alerts were raised."))
        return "\n".join(out)
    rows = []
    for a in report.alerts:
        rows.append([
            _hhmm(a.raised_at), a.priority, a.kind, a.message, a.status,
            _hhmm(a.acked_at) if a.acked_at else "not acknowledged",
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

    ``summary`` replaces the rule-based paragraph (a hook for a language-model summary later).
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


def build_html(config: Config, person: str, day: date, now: datetime | None = None) -> str:
    """``collect`` then ``html_document``: the page the HTTP API serves (blocking; run it in a thread)."""
    return html_document(collect(config, person, day, now=now))
