"""The alerts table and its log: every transition of every alert, committed before it takes effect.

All methods are blocking (one SQLite connection, opened on first use, behind a lock); the alert desk
and the escalation call them on the alerts' own threads (``threads.py``).

When the disk refuses a write (full, read-only), the store carries on in an in-memory copy of the
database, so alerts are still raised and delivered, and keeps the writes to replay in order on the
file (``flush``) once it takes them again; ``failing`` says why until then.
"""

from __future__ import annotations

import builtins

import functools
import json
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

from assistant.alerts.model import Alert, AlertStatus, Priority, Transition
from assistant.eventlog import ConnectionWrapper, OneConnection, open_database

log = logging.getLogger(__name__)
_Result = TypeVar("_Result")

_ALERT_COLUMNS = ("id", "raised_at", "home", "person", "device", "kind", "priority", "messages", "cause",
                  "status", "count", "fold_key", "self_cancel", "step", "next_at", "acked_by", "acked_via",
                  "acked_at", "resolved_at", "resolve_reason", "updated")


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _required_time(text: str) -> datetime:
    when = _time(text)
    assert when is not None, "an alert always has a time it was raised"
    return when


def _time(text: str | None) -> datetime | None:
    """A stored time (ISO-8601 text, UTC when it has no offset)."""
    if not text:
        return None
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _writes(method: Callable[..., _Result]) -> Callable[..., _Result]:
    """A write that falls back to the in-memory copy when the file refuses it, and is kept for replay."""

    @functools.wraps(method)
    def write(self: AlertStore, *args: Any, **kwargs: Any) -> _Result:
        with self._lock:
            if self._memory is None:
                try:
                    return method(self, *args, **kwargs)
                except sqlite3.OperationalError as error:
                    self._to_memory(error)
            result = method(self, *args, **kwargs)
            self._pending.append((method, args, kwargs))
            return result

    return write


def facts(conn: Any) -> Any:
    """``conn`` for recording what already happened: past a fencing check when it has one
    (``assistant/cluster/fencing.py``)."""
    return conn.facts() if hasattr(conn, "facts") else conn


class AlertStore:
    """Alerts, their transition log and the hub's secret."""

    def __init__(self, path: Path, *, home: str | None = None, wrap: ConnectionWrapper | None = None,
                 shared: OneConnection | None = None) -> None:
        self.path = path
        self.home = home
        """Whose alerts these are (a worker's partition keeps all its homes in one file); None: every alert in the
        file (the command line on a home's own file)."""
        self._mine = " AND home = ?" if home is not None else ""
        self._me: tuple[str, ...] = (home,) if home is not None else ()
        self._shared = shared
        self._wrap = wrap
        self._connection: sqlite3.Connection | None = None
        self._memory: sqlite3.Connection | None = None
        """The in-memory copy the store works on while the file refuses writes."""
        self._pending: builtins.list[tuple[Callable[..., Any], tuple, dict[str, Any]]] = []
        self._replaying = False
        self.failing: str | None = None
        """Why the file refused a write, until the writes kept since have been replayed on it."""
        self._lock = shared.lock if shared else threading.RLock()

    @property
    def _disk(self) -> sqlite3.Connection:
        if self._connection is None:
            conn = self._shared.open().conn if self._shared else open_database(self.path).conn
            self._connection = self._wrap(conn) if self._wrap else conn
        return self._connection

    @property
    def _conn(self) -> sqlite3.Connection:
        """The connection, opened (and the schema migrated) on first use, always under the lock."""
        if self._memory is not None and not self._replaying:
            return self._memory
        return self._disk

    @property
    def pending_writes(self) -> int:
        return len(self._pending)

    def _to_memory(self, error: sqlite3.OperationalError) -> None:
        self.failing = f"{type(error).__name__}: {error}"
        log.error("the alerts database refused a write (%s); carrying on in memory until it takes writes again",
                  error)
        if self._shared is None:
            memory = sqlite3.connect(":memory:", check_same_thread=False)
            self._disk.backup(memory)
        else:  # the partition's file holds every home's events: only this home's alerts are worked on
            memory = open_database(":memory:").conn
            disk, mine = self._disk, [self.home]
            for table, where in (("alerts", "home = ?"), ("hub_settings", "1"),
                                 ("alert_log", "alert_id IN (SELECT id FROM alerts WHERE home = ?)")):
                rows = disk.execute(f"SELECT * FROM {table} WHERE {where}", mine if "?" in where else []).fetchall()
                if rows:
                    memory.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
            memory.commit()
        self._memory = memory

    def flush(self) -> bool:
        """Replay the writes kept in memory on the file, in order; True once none are left."""
        with self._lock:
            if self._memory is None:
                return True
            self._replaying = True
            try:
                while self._pending:
                    method, args, kwargs = self._pending[0]
                    method(self, *args, **kwargs)
                    self._pending.pop(0)
            except sqlite3.OperationalError as error:
                self.failing = f"{type(error).__name__}: {error}"
                return False
            finally:
                self._replaying = False
            self._memory.close()
            self._memory = None
            self.failing = None
            log.warning("the alerts database takes writes again; every alert change made meanwhile is saved")
            return True

    def close(self) -> None:
        # Under the lock: a worker thread may still be inside a query the event loop gave up waiting for.
        with self._lock:
            if self._memory is not None:
                self.flush()
            if self._memory is not None:
                log.error("closing with %d alert change(s) the disk never took", len(self._pending))
                self._memory.close()
                self._memory = None
            if self._connection is not None:
                if self._shared:
                    self._shared.release()
                else:
                    self._connection.close()
                self._connection = None

    def _rows(self, sql: str, args: builtins.list[Any] | tuple = ()) -> builtins.list[dict[str, Any]]:
        with self._lock:
            cur = self._conn.execute(sql, args)
            cols = [c[0] for c in cur.description]
            return [dict(zip(cols, r)) for r in cur.fetchall()]

    def _alert(self, row: dict[str, Any]) -> Alert:
        return Alert(
            id=row["id"], raised_at=_required_time(row["raised_at"]), home=row["home"] or "", person=row["person"],
            device=row["device"], kind=row["kind"] or "", priority=Priority(row["priority"]),
            messages=json.loads(row["messages"] or "{}"), cause=row["cause"], status=AlertStatus(row["status"]),
            count=row["count"] or 1, fold_key=row["fold_key"] or "", self_cancel=bool(row["self_cancel"]),
            step=row["step"] or 0, next_at=_time(row["next_at"]), acked_by=row["acked_by"],
            acked_via=row["acked_via"], acked_at=_time(row["acked_at"]), resolved_at=_time(row["resolved_at"]),
            resolve_reason=row["resolve_reason"], updated=_time(row["updated"]),
        )

    # -- reading -------------------------------------------------------------------------------

    def get(self, alert_id: str) -> Alert | None:
        rows = self._rows(f"SELECT * FROM alerts WHERE id = ?{self._mine}", [alert_id, *self._me])
        return self._alert(rows[0]) if rows else None

    def open_alerts(self) -> builtins.list[Alert]:
        return [self._alert(r) for r in self._rows(f"SELECT * FROM alerts WHERE status = 'open'{self._mine} "
                                                   "ORDER BY raised_at", self._me)]

    def find_open(self, fold_key: str) -> Alert | None:
        rows = self._rows(f"SELECT * FROM alerts WHERE fold_key = ? AND status = 'open'{self._mine} "
                          "ORDER BY raised_at DESC LIMIT 1", [fold_key, *self._me])
        return self._alert(rows[0]) if rows else None

    def find_unresolved(self, fold_key: str) -> Alert | None:
        """The newest open or acknowledged alert for a condition."""
        rows = self._rows(f"SELECT * FROM alerts WHERE fold_key = ? AND status IN ('open', 'acknowledged')"
                          f"{self._mine} ORDER BY raised_at DESC LIMIT 1", [fold_key, *self._me])
        return self._alert(rows[0]) if rows else None

    def list(self, *, status: AlertStatus | str | None = None, people: Sequence[str] | None = None,
             limit: int = 100) -> builtins.list[Alert]:
        """Newest first; with ``people``, only alerts about them and household alerts."""
        where: builtins.list[str] = ["home = ?"] if self.home is not None else []
        args: builtins.list[Any] = [*self._me]
        if status:
            where.append("status = ?")
            args.append(str(status))
        if people is not None:
            # Household alerts (about nobody in particular) belong to everyone: see AlertDesk.may_see.
            where.append(f"(person IS NULL OR person IN ({','.join('?' * len(people))}))" if people
                         else "person IS NULL")
            args += people
        sql = "SELECT * FROM alerts" + (" WHERE " + " AND ".join(where) if where else "")
        return [self._alert(r) for r in self._rows(sql + " ORDER BY raised_at DESC LIMIT ?", args + [limit])]

    def history(self, alert_id: str) -> builtins.list[Transition]:
        rows = self._rows("SELECT ts, transition, step, caregiver, channel, ok, detail FROM alert_log "
                          "WHERE alert_id = ? ORDER BY id", [alert_id])
        return [Transition(ts=_time(r["ts"]) or datetime.min, transition=r["transition"], step=r["step"],
                           caregiver=r["caregiver"], channel=r["channel"],
                           ok=None if r["ok"] is None else bool(r["ok"]), detail=r["detail"] or "") for r in rows]

    def ever_delivered(self, alert_id: str) -> bool:
        """Whether any caregiver has received any step of the alert."""
        return bool(self._rows("SELECT 1 FROM alert_log WHERE alert_id = ? AND transition = 'delivered' LIMIT 1",
                               [alert_id]))

    def unfinished_sends(self, alert_id: str) -> builtins.list[tuple[int, str]]:
        """(step, caregiver) of sends marked as begun whose result never got written (a crash in between)."""
        rows = self._rows(
            "SELECT s.step, s.caregiver FROM alert_log s WHERE s.alert_id = ? AND s.transition = 'sending' "
            "AND NOT EXISTS (SELECT 1 FROM alert_log r WHERE r.alert_id = s.alert_id AND r.step = s.step "
            "AND r.caregiver = s.caregiver AND r.transition IN ('delivered', 'failed'))", [alert_id])
        return [(r["step"], r["caregiver"]) for r in rows]

    # -- writing -------------------------------------------------------------------------------

    def _log(self, alert_id: str, when: datetime, transition: str, step: int | None = None,
             caregiver: str | None = None, channel: str | None = None, ok: bool | None = None,
             detail: str = "") -> None:
        self._conn.execute(
            "INSERT INTO alert_log (alert_id, ts, transition, step, caregiver, channel, ok, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [alert_id, _iso(when), transition, step, caregiver, channel, None if ok is None else int(ok), detail])

    @_writes
    def insert(self, alert: Alert) -> None:
        row = {f.name: getattr(alert, f.name) for f in fields(alert)}
        row.update(raised_at=alert.raised_at.isoformat(), priority=alert.priority.value, status=alert.status.value,
                   messages=json.dumps(alert.messages, ensure_ascii=False), self_cancel=int(alert.self_cancel),
                   next_at=alert.next_at.isoformat() if alert.next_at else None,
                   updated=(alert.updated or alert.raised_at).isoformat())
        with self._lock, self._conn:
            self._conn.execute(f"INSERT INTO alerts ({', '.join(_ALERT_COLUMNS)}) VALUES "
                               f"({', '.join('?' * len(_ALERT_COLUMNS))})", [row.get(c) for c in _ALERT_COLUMNS])
            self._log(alert.id, alert.raised_at, "raised", detail=alert.priority.value)

    @_writes
    def fold(self, alert_id: str, when: datetime) -> int:
        with self._lock, self._conn:
            self._conn.execute("UPDATE alerts SET count = count + 1, updated = ? WHERE id = ?", [_iso(when), alert_id])
            count = self._conn.execute("SELECT count FROM alerts WHERE id = ?", [alert_id]).fetchone()[0]
            self._log(alert_id, when, "folded", detail=str(count))
        return count

    def insert_or_fold(self, alert: Alert, window: float) -> tuple[str, int]:
        """Fold ``alert`` into the open alert for its condition raised within ``window`` seconds, or insert it: one
        trip to the file for what an SOS needs before its page. Returns the alert id and its count (1: inserted)."""
        with self._lock:
            existing = self.find_open(alert.fold_key)
            if existing is not None and window > 0 \
                    and alert.raised_at - existing.raised_at <= timedelta(seconds=window):
                return existing.id, self.fold(existing.id, alert.raised_at)
            self.insert(alert)
            return alert.id, 1

    @_writes
    def begin_step(self, alert_id: str, step: int, caregivers: tuple[str, ...], next_at: datetime | None,
                   when: datetime) -> builtins.list[str] | None:
        """Record a step as being sent, atomically with the alert's next step and time.

        Returns the caregivers newly marked (a step already begun is not sent again), or None if the
        alert is no longer open.
        """
        with self._lock, self._conn:
            status = self._conn.execute("SELECT status, step FROM alerts WHERE id = ?", [alert_id]).fetchone()
            if status is None or status[0] != "open" or status[1] > step:
                return None
            fresh = []
            for caregiver in caregivers:
                cur = self._conn.execute(
                    "INSERT OR IGNORE INTO alert_log (alert_id, ts, transition, step, caregiver) "
                    "VALUES (?, ?, 'sending', ?, ?)", [alert_id, _iso(when), step, caregiver])
                if cur.rowcount:
                    fresh.append(caregiver)
            self._conn.execute("UPDATE alerts SET step = ?, next_at = ?, updated = ? WHERE id = ?",
                               [step + 1, _iso(next_at) if next_at else None, _iso(when), alert_id])
            if step > 0:
                self._log(alert_id, when, "escalated", step=step, detail=",".join(caregivers))
        return fresh

    @_writes
    def record_delivery(self, alert_id: str, step: int, caregiver: str, channel: str, ok: bool, detail: str,
                        when: datetime, final: bool) -> None:
        """One attempt; ``final`` closes the caregiver's step as delivered or failed. A delivery that happened is
        recorded even by a worker whose lease ran out meanwhile (``facts``): refusing it would make the next owner
        send the step again. A failure is not a fact the next owner may rely on: it is fenced like any write, so the
        next owner still sends the step."""
        with self._lock, facts(self._conn) if ok else self._conn:
            self._log(alert_id, when, "attempt", step, caregiver, channel, ok, detail)
            if final:
                self._log(alert_id, when, "delivered" if ok else "failed", step, caregiver, channel, ok, detail)

    @_writes
    def mark(self, alert_id: str, transition: str, when: datetime, detail: str = "", step: int | None = None) -> None:
        with self._lock, self._conn:
            self._log(alert_id, when, transition, step=step, detail=detail)

    @_writes
    def bring_forward(self, alert_id: str, when: datetime) -> None:
        """Make an open alert's next step due at ``when`` (a step that reached nobody widens at once)."""
        with self._lock, self._conn:
            self._conn.execute("UPDATE alerts SET next_at = ? WHERE id = ? AND status = 'open'",
                               [when.isoformat(), alert_id])

    @_writes
    def acknowledge(self, alert_id: str, by: str, via: str, when: datetime) -> bool:
        """True if this call acknowledged it (False: unknown, or no longer open)."""
        with self._lock, self._conn:
            cur = self._conn.execute(
                "UPDATE alerts SET status = 'acknowledged', acked_by = ?, acked_via = ?, acked_at = ?, "
                "next_at = NULL, updated = ? WHERE id = ? AND status = 'open'",
                [by, via, _iso(when), _iso(when), alert_id])
            if cur.rowcount:
                self._log(alert_id, when, "acknowledged", caregiver=by, channel=via)
            return bool(cur.rowcount)

    @_writes
    def resolve(self, alert_id: str, reason: str, when: datetime) -> bool:
        with self._lock, self._conn:
            cur = self._conn.execute(
                "UPDATE alerts SET status = 'resolved', resolved_at = ?, resolve_reason = ?, next_at = NULL, "
                "updated = ? WHERE id = ? AND status != 'resolved'", [_iso(when), reason, _iso(when), alert_id])
            if cur.rowcount:
                self._log(alert_id, when, "resolved", detail=reason)
            return bool(cur.rowcount)

    # -- the hub's secret, for caregivers' tokens ------------------------------------------------------

    @_writes
    def secret(self) -> str:
        """The home's secret (``hub_settings``, key ``secret:<home>``). A file written before homes shared files
        held one home, under the key ``secret``: that home takes it over under the new name (only such files have
        the old key)."""
        key = secret_key(self.home)
        with self._lock, self._conn:
            row = self._conn.execute("SELECT value FROM hub_settings WHERE key = ?", [key]).fetchone()
            if row:
                return row[0]
            old = self._conn.execute("SELECT value FROM hub_settings WHERE key = 'secret'").fetchone()
            value = old[0] if old else secrets.token_hex(32)
            self._conn.execute("INSERT INTO hub_settings (key, value) VALUES (?, ?)", [key, value])
            return value

def secret_key(home: str | None) -> str:
    """Where a home's secret is kept in ``hub_settings``."""
    return "secret" if home is None else f"secret:{home}"

