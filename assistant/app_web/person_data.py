"""What the person page shows, read from the event log (read-only) as plain data: now, today, the latest
vitals and NEWS2, seven days of trends, the person's devices. Blocking: the app calls ``read_person`` in a
worker thread.

The core reads the rows the skills log under their documented kinds (``dose_taken``, ``news2_scored``,
``check_in_answered``; docs/reference/events.md) and never a skill's own store.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from assistant.config import Config
from assistant.registry import DeviceStatus
from assistant.report.activity import number
from assistant.report.query import connect_read_only, tables, utc_text

DAYS = 7
"""Days of trends, today included."""
ACTIVITY_KINDS = ("motion_detected", "contact_changed", "occupancy_changed", "pillbox_opened", "button_pressed",
                  "sos_pressed", "utterance_heard", "utterance_reported", "check_in_answered", "dose_taken")
"""Rows that mean the person did something (a rising step count too). A watch's readings do not: it
measures its wearer asleep too."""
DOSE_KINDS = ("dose_due", "dose_taken", "dose_missed", "dose_unobserved")
VITAL_KINDS = ("vital_signs_measured", "vital_signs_recorded")
TIMELINE_KINDS = (*ACTIVITY_KINDS, *DOSE_KINDS[:3], "fall_detected", "wear_state_reported", "vital_signs_recorded",
                  "alert_raised", "device_went_offline", "device_came_online", "check_in_missed")
READ_KINDS = tuple(dict.fromkeys((*TIMELINE_KINDS, *DOSE_KINDS, *VITAL_KINDS, "steps_counted", "news2_scored")))
MAX_TIMELINE = 40
"""Moments shown for today, newest first (repeats in a row are folded into one with a count)."""
VITAL_FIELDS = ("heart_rate", "spo2", "temperature", "skin_temp", "systolic", "diastolic", "respiration_rate")
_OUTCOME_RANK = {"dose_taken": 0, "dose_missed": 1, "dose_unobserved": 2, "dose_due": 3}
"""What a dose became when it has several rows: taken, then missed, then not observed, then only due."""


@dataclass(frozen=True)
class Reading:
    """The latest value of one vital sign and when it was taken."""

    name: str
    """``heart_rate``, ``spo2``, ``temperature`` (a thermometer's), ``skin_temp`` (the watch's),
    ``systolic`` (with ``second`` the diastolic) or ``respiration_rate``."""
    value: float
    at: datetime
    second: float | None = None


@dataclass(frozen=True)
class News2:
    """The vitals skill's latest NEWS2 score of the person (``news2_scored``)."""

    at: datetime
    score: int
    band: str
    """``low``, ``low-medium``, ``medium`` or ``high``."""
    complete: bool
    """All seven parameters were scored; otherwise the score is a lower bound."""


@dataclass(frozen=True)
class DeviceView:
    """One of the person's devices as the log knows it."""

    id: str
    name: str
    kind: str
    room: str | None
    state: str
    """``online``, ``offline``, ``silent`` or ``never seen`` (``DeviceStatus.state``)."""
    last_seen: datetime | None = None
    battery: float | None = None
    """Percent, from its last ``battery_reported``."""
    worn: bool | None = None
    """A wearable's last ``wear_state_reported``; None when it never said."""


@dataclass(frozen=True)
class Moment:
    """Something that happened today, as a key of the app's words and the values to fill it with."""

    at: datetime
    what: str
    """A key of the app's words without its ``t_`` prefix, e.g. ``motion``."""
    values: dict[str, str] = field(default_factory=dict)
    count: int = 1
    """How many times in a row it happened (folded repeats)."""


@dataclass(frozen=True)
class DayTrend:
    """One day's figures for the trend lines."""

    day: date
    vitals: dict[str, float] = field(default_factory=dict)
    """Each vital's mean that day."""
    activity: int = 0
    """Rows that mean the person did something."""
    steps: int | None = None
    taken: int = 0
    decided: int = 0
    """Doses whose outcome is known (taken, missed or not observed): adherence is ``taken / decided``."""


@dataclass
class PersonView:
    """Everything the person page shows about one person."""

    person: str
    name: str
    now: datetime
    last_seen: datetime | None = None
    last_device: str | None = None
    devices: list[DeviceView] = field(default_factory=list)
    timeline: list[Moment] = field(default_factory=list)
    """Today, newest first."""
    doses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("taken", "missed", "due", "unobserved"), 0))
    """Today's doses by what became of them (``due``: reminded, not confirmed yet)."""
    check_in: tuple[datetime, str, str] | None = None
    """Today's last check-in answer: when, the words, the mood (``good``, ``worrying``, ``unclear``)."""
    steps: int | None = None
    vitals: dict[str, Reading] = field(default_factory=dict)
    news2: News2 | None = None
    trend: list[DayTrend] = field(default_factory=list)
    """The last seven days, oldest first."""


def day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def read_person(config: Config, person: str, now: datetime, database: Path | None = None) -> PersonView:
    """The person page's data from the log at ``database`` (default: the configured one). Blocking."""
    profile = config.person(person)
    if profile is None:
        raise KeyError(person)
    view = PersonView(person, profile.name, now)
    path = Path(database) if database is not None else config.database_path
    if not path.exists():
        view.devices = _devices(config, person, now, {}, {})
        return view
    zone = ZoneInfo(config.home.timezone)
    today = now.astimezone(zone).date()
    first_day = today - timedelta(days=DAYS - 1)
    conn = connect_read_only(path)
    try:
        have = tables(conn)
        rows = _rows(conn, config.home.id, person, day_start(first_day, zone), now) if "events" in have else []
        steps_before = _steps_before(conn, config.home.id, person, day_start(first_day, zone)) \
            if "events" in have else None
        touched = _touched(conn, config.home.id) if "devices" in have else {}
        latest = _latest_device_rows(conn, config, person) if "events" in have else {}
    finally:
        conn.close()
    view.devices = _devices(config, person, now, touched, latest)
    _fill(view, config, rows, zone, today, first_day, steps_before)
    return view


def _rows(conn: sqlite3.Connection, home: str, person: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
    marks = ", ".join("?" * len(READ_KINDS))
    sql = (f"SELECT ts, device, kind, data FROM events WHERE home = ? AND person = ? AND ts >= ? AND ts <= ? "
           f"AND kind IN ({marks}) ORDER BY ts, id")
    out = []
    for ts, device, kind, data in conn.execute(sql, [home, person, utc_text(start), utc_text(end), *READ_KINDS]):
        at = _time(ts)
        if at is not None:
            out.append({"at": at, "device": device, "kind": kind, "data": _json(data)})
    return out


def _steps_before(conn: sqlite3.Connection, home: str, person: str, start: datetime) -> Any:
    row = conn.execute("SELECT data FROM events WHERE kind = 'steps_counted' AND home = ? AND person = ? AND ts < ? "
                       "ORDER BY ts DESC LIMIT 1", [home, person, utc_text(start)]).fetchone()
    return _json(row[0]).get("steps") if row else None


def _touched(conn: sqlite3.Connection, home: str) -> dict[str, tuple[datetime | None, bool | None]]:
    """Each device's last message and availability, as the hub keeps them (the ``devices`` table)."""
    out = {}
    for device, last_seen, online in conn.execute("SELECT id, last_seen, online FROM devices WHERE home = ?", [home]):
        out[device] = (_time(last_seen), None if online is None else bool(online))
    return out


def _latest_device_rows(conn: sqlite3.Connection, config: Config, person: str) -> dict[tuple[str, str], Any]:
    """Each of the person's devices' last battery level and wear state, however old."""
    out: dict[tuple[str, str], Any] = {}
    for device in (d for d in config.devices if d.person == person):
        for kind, key in (("battery_reported", "level"), ("wear_state_reported", "worn")):
            row = conn.execute("SELECT data FROM events WHERE home = ? AND device = ? AND kind = ? "
                               "ORDER BY ts DESC LIMIT 1", [config.home.id, device.id, kind]).fetchone()
            if row:
                out[(device.id, kind)] = _json(row[0]).get(key)
    return out


def _devices(config: Config, person: str, now: datetime, touched: dict[str, tuple[datetime | None, bool | None]],
             latest: dict[tuple[str, str], Any]) -> list[DeviceView]:
    out = []
    for device in (d for d in config.devices if d.person == person):
        last_seen, online = touched.get(device.id, (None, None))
        state = DeviceStatus(device, config.home.id, last_seen=last_seen, online=online).state(now)
        worn = latest.get((device.id, "wear_state_reported"))
        out.append(DeviceView(device.id, device.display_name, device.kind, device.room, state, last_seen,
                              number(latest.get((device.id, "battery_reported"))),
                              worn if isinstance(worn, bool) else None))
    return out


def _fill(view: PersonView, config: Config, rows: list[dict[str, Any]], zone: ZoneInfo, today: date,
          first_day: date, steps_before: Any) -> None:
    """Everything but the devices, from the week's rows (oldest first)."""
    days = {first_day + timedelta(days=n): _DayTally() for n in range(DAYS)}
    previous_steps = number(steps_before, int)
    moments: list[Moment] = []
    for row in rows:
        kind, data, at = row["kind"], row["data"], row["at"]
        local_day = at.astimezone(zone).date()
        tally = days.get(local_day)
        if tally is None:
            continue
        if kind in ACTIVITY_KINDS:
            tally.activity += 1
            view.last_seen, view.last_device = at, row["device"]
        if kind == "steps_counted":
            steps = number(data.get("steps"), int)
            if steps is None:
                continue
            gained = steps - previous_steps if previous_steps is not None and steps >= previous_steps else steps
            previous_steps = steps
            tally.steps = (tally.steps or 0) + gained
            if gained > 0:
                tally.activity += 1
                view.last_seen, view.last_device = at, row["device"]
        elif kind in VITAL_KINDS:
            _vitals(view, tally, kind, data, at)
        elif kind in DOSE_KINDS:
            key = (str(data.get("dose", "")), str(data.get("due", "")))
            known = tally.doses.get(key)
            if known is None or _OUTCOME_RANK[kind] < _OUTCOME_RANK[known]:
                tally.doses[key] = kind
        elif kind == "news2_scored" and isinstance(number(data.get("score"), int), int):
            view.news2 = News2(at, int(data["score"]), str(data.get("band", "")), data.get("complete") is True)
        if local_day == today:
            if kind == "check_in_answered":
                view.check_in = (at, str(data.get("answer", "")), str(data.get("mood", "")))
            moment = _moment(config, row)
            if moment is not None:
                moments.append(moment)
    view.trend = [tally.trend(day) for day, tally in days.items()]
    view.steps = view.trend[-1].steps
    statuses = {"dose_taken": "taken", "dose_missed": "missed", "dose_due": "due", "dose_unobserved": "unobserved"}
    for outcome in days[today].doses.values():
        view.doses[statuses[outcome]] += 1
    view.timeline = fold(reversed(moments))[:MAX_TIMELINE]


@dataclass
class _DayTally:
    activity: int = 0
    steps: int | None = None
    sums: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    doses: dict[tuple[str, str], str] = field(default_factory=dict)

    def trend(self, day: date) -> DayTrend:
        outcomes = list(self.doses.values())
        return DayTrend(day, {name: sum(v) / len(v) for name, v in self.sums.items() if v}, self.activity,
                        self.steps, taken=outcomes.count("dose_taken"),
                        decided=sum(1 for o in outcomes if o != "dose_due"))


def _vitals(view: PersonView, tally: _DayTally, kind: str, data: dict[str, Any], at: datetime) -> None:
    values = {name: number(data.get(name)) for name in VITAL_FIELDS}
    if kind == "vital_signs_recorded":
        values["skin_temp"] = None  # a spoken or typed temperature is a thermometer's
    for name, value in values.items():
        if value is None or name == "diastolic":
            continue
        tally.sums[name].append(value)
        second = values["diastolic"] if name == "systolic" else None
        view.vitals[name] = Reading(name, value, at, second)


def _moment(config: Config, row: dict[str, Any]) -> Moment | None:
    """Today's row in plain words (a key of the app's words and its values); None for what is not worth a line."""
    kind, data, at = row["kind"], row["data"], row["at"]
    device = config.device(row["device"]) if row["device"] else None
    name = device.display_name if device else (row["device"] or "")
    room = (device.room if device else None) or name
    if kind == "motion_detected":
        return Moment(at, "motion", {"room": room})
    if kind == "contact_changed":
        return Moment(at, "opened", {"device": name}) if data.get("open") is True else None
    if kind == "occupancy_changed" and isinstance(data.get("occupied"), bool):
        thing = "bed" if device is not None and device.subtype == "bed" else "seat"
        return Moment(at, f"{thing}_{'in' if data['occupied'] else 'out'}", {"device": name})
    if kind == "wear_state_reported" and isinstance(data.get("worn"), bool):
        return Moment(at, "worn" if data["worn"] else "not_worn", {"device": name})
    if kind in ("dose_due", "dose_taken", "dose_missed"):
        return Moment(at, kind, {"dose": str(data.get("dose", ""))})
    if kind == "check_in_answered":
        return Moment(at, "check_in", {"answer": str(data.get("answer", ""))})
    if kind == "alert_raised":
        return Moment(at, "alert", {"alert_kind": str(data.get("alert_kind") or data.get("kind") or "")})
    if kind in ("device_went_offline", "device_came_online"):
        return Moment(at, kind.removeprefix("device_"), {"device": name})
    simple = {"pillbox_opened": "pillbox", "button_pressed": "button", "sos_pressed": "sos", "utterance_heard": "spoke",
              "utterance_reported": "spoke", "fall_detected": "fall", "vital_signs_recorded": "recorded",
              "check_in_missed": "check_in_missed"}
    return Moment(at, simple[kind], {"device": name}) if kind in simple else None


def fold(moments: Iterable[Moment]) -> list[Moment]:
    """Moments with each run of the same thing (motion in one room, minute after minute) as one, with a count;
    the run keeps its newest time."""
    out: list[Moment] = []
    for moment in moments:
        if out and out[-1].what == moment.what and out[-1].values == moment.values:
            last = out[-1]
            out[-1] = Moment(last.at, last.what, last.values, last.count + 1)
        else:
            out.append(moment)
    return out


def _time(text: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
