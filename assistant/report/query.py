"""The report's reads of the event log, read-only: a person's events of a day, a skill's store, the alerts.

Every function takes an open connection from ``connect_read_only``; nothing here can write.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from assistant.events import Event, GenericEvent, event_from_row
from assistant.report.errors import NoEventLog


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write (``mode=ro``): a report never changes the log, even by accident."""
    if not path.exists():
        raise NoEventLog(path)
    # Not bound to this thread: the HTTP API builds a report in a worker thread.
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def tables(conn: sqlite3.Connection) -> set[str]:
    """The tables the log has (an old or new log may lack some)."""
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def utc_text(when: datetime) -> str:
    """A time as the log stores it, so text comparison orders correctly."""
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def day_events(conn: sqlite3.Connection, home: str, person: str, start: datetime,
               end: datetime) -> tuple[Event, ...]:
    """Every event of ``person`` from ``start`` (inclusive) to ``end``, oldest first, typed."""
    sql = ("SELECT id, ts, home, device, person, kind, data, cause FROM events "
           "WHERE home = ? AND person = ? AND ts >= ? AND ts < ? ORDER BY ts, id")
    out: list[Event] = []
    for id_, ts, home_, device, person_, kind, data, cause in conn.execute(
            sql, [home, person, utc_text(start), utc_text(end)]):
        parsed = _json(data)
        row = {"id": id_, "ts": ts, "home": home_, "device": device, "person": person_, "kind": kind,
               "data": parsed if isinstance(parsed, dict) else {}, "cause": cause}
        event = _typed(row)
        if event is not None:
            out.append(event)
    return tuple(out)


def _typed(row: dict[str, Any]) -> Event | None:
    """The row as its event class; a row that does not fit the class (missing or unknown fields written
    by another version) as a ``GenericEvent``; None when even its time is unreadable."""
    try:
        ts = datetime.fromisoformat(row["ts"])
    except (TypeError, ValueError):
        return None
    try:
        return event_from_row({**row, "ts": ts})
    except (TypeError, ValueError):
        return GenericEvent(id=row["id"], ts=ts, home=row["home"] or "", device=row["device"],
                            person=row["person"], cause=row["cause"], name=row["kind"], payload=row["data"])


def last_steps_before(conn: sqlite3.Connection, home: str, person: str, start: datetime) -> Any:
    """The ``steps`` of the person's last step-counter reading before ``start`` (as logged), or None."""
    row = conn.execute(
        "SELECT data FROM events WHERE kind = 'steps_counted' AND home = ? AND person = ? AND ts < ? "
        "ORDER BY ts DESC LIMIT 1", [home, person, utc_text(start)]).fetchone()
    data = _json(row[0]) if row else None
    return data.get("steps") if isinstance(data, dict) else None


def store_reader(conn: sqlite3.Connection, home: str, skill: str) -> Callable[[str], Any]:
    """``stored(key)`` for one skill's key-value store (JSON values); None for a missing or unreadable key."""
    by_home = any(column[1] == "home" for column in conn.execute("PRAGMA table_info(skill_store)"))
    scope, args = ("home = ? AND ", [home]) if by_home else ("", [])  # a file from before skill state had a home

    def stored(key: str) -> Any:
        row = conn.execute(f"SELECT value FROM skill_store WHERE {scope}skill = ? AND key = ?",
                           [*args, skill, key]).fetchone()
        return _json(row[0]) if row else None

    return stored


def alert_rows(conn: sqlite3.Connection, home: str, person: str, start: datetime,
               end: datetime) -> list[dict[str, Any]]:
    """The person's alerts raised from a day before ``start`` to a day after ``end``, oldest first.

    ``raised_at`` is ISO text, not always with microseconds, so text comparison is only near: the caller
    keeps the ones whose parsed time falls in the day.
    """
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(
            "SELECT * FROM alerts WHERE person = ? AND (home = ? OR home IS NULL) AND raised_at >= ? "
            "AND raised_at < ? ORDER BY raised_at, id",
            [person, home, utc_text(start - timedelta(days=1)), utc_text(end + timedelta(days=1))]).fetchall()
        return [dict(r) for r in rows]
    finally:
        conn.row_factory = None


def alert_history(conn: sqlite3.Connection, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each alert's transitions (``alert_log``: sending, escalated, ...), in order, by alert id."""
    history: dict[str, list[dict[str, Any]]] = {alert_id: [] for alert_id in ids}
    if not ids:
        return history
    sql = (f"SELECT alert_id, transition, caregiver FROM alert_log WHERE alert_id IN ({', '.join('?' * len(ids))}) "
           "ORDER BY id")
    for alert_id, transition, caregiver in conn.execute(sql, ids):
        history[alert_id].append({"transition": transition, "caregiver": caregiver})
    return history
