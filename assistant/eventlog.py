"""The SQLite event log: every event as a row, committed in batches on a writer thread.

``append`` returns a future that resolves once the rows are committed; the MQTT link waits for it
before acknowledging a message to the broker, which is what makes a hub crash lose nothing.
Commits group naturally: while one batch commits, the next accumulates.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from assistant.events import Event
from assistant.log_writer import LogWriter, OnCommit, Write, latest_touches, settle
from assistant.migrations import migrations

log = logging.getLogger(__name__)

_INSERT = (
    "INSERT OR IGNORE INTO events (id, ts, home, device, person, kind, data, cause, dedupe_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_TOUCH = (
    "INSERT INTO devices (home, id, last_seen, online, configured, last_topic) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(home, id) DO UPDATE SET last_seen = excluded.last_seen, "
    "online = COALESCE(excluded.online, devices.online), configured = excluded.configured, "
    "last_topic = excluded.last_topic"
)
_to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` without building an encoder per row."""
_PLAIN = (str, int, float, bool)
_ENVELOPE = frozenset(f.name for f in dataclasses.fields(Event))
_DATA_FIELDS: dict[type[Event], tuple[str, ...]] = {}


def _data_fields(cls: type[Event]) -> tuple[str, ...]:
    names = _DATA_FIELDS.get(cls)
    if names is None:
        names = _DATA_FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.name not in _ENVELOPE)
    return names


def _reported(event: Event) -> dict[str, Any]:
    """``event.data()`` without the fields that are None.

    On the ingest path, for every message: plain values are taken as they are (which is what
    ``data()`` does with them) without asking ``dataclasses.fields`` twice per event.
    """
    if type(event).data is Event.data:
        data: dict[str, Any] = {}
        for name in _data_fields(type(event)):
            value = getattr(event, name)
            if value is None:
                continue
            if type(value) not in _PLAIN:
                break
            data[name] = value
        else:
            return data
    return {k: v for k, v in event.data().items() if v is not None}


def event_row(event: Event, dedupe_key: str | None = None, extra: dict[str, Any] | None = None) -> tuple:
    # None means "not reported": leaving it out keeps rows small, and event_from_row restores it.
    data = _reported(event)
    if extra:
        data.update(extra)
    ts = event.ts if event.ts.tzinfo is timezone.utc else event.ts.astimezone(timezone.utc)
    return (
        event.id, ts.isoformat(timespec="microseconds"), event.home, event.device, event.person, event.kind,
        _to_json(data), event.cause, dedupe_key,
    )


_MAX_HELD_ROWS = 200_000
"""Rows kept in memory while the disk refuses writes (full, read-only); beyond this the oldest are lost."""

ConnectionWrapper = Callable[[sqlite3.Connection], Any]
"""Wraps the connection the hub writes through; tests wrap it to inject disk faults."""

def open_database(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the log at ``path`` in WAL mode, with migrations applied."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode survives a process crash (kill -9); only power loss can drop the last commits.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=30000")
    migrations.apply(db)
    return db


class OneConnection:
    """A home's one SQLite connection, shared by its event log, its reader, its alert store and its skills' store,
    one transaction at a time under ``lock``.

    A hub on its own keeps a connection for each (they read while the log commits); a worker carrying thousands of
    homes cannot: each connection in WAL mode keeps two files open, and the homes' files would exhaust the open-file
    limit. Shared, a home keeps three (its file, the WAL, the shared memory). Opened by the first user, closed by
    the last (``open``/``release``, blocking: a thread's work)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.lock = threading.RLock()
        self.commits = 0
        """Transactions that committed several homes' rows at once (``EventLog._commit_together``)."""
        self.took = (0.0, 0.0, 0.0)
        """Its last log transaction: seconds waiting for ``lock``, inserting, committing (with any checkpoint)."""
        self._db: sqlite_utils.Database | None = None
        self._users = 0

    def open(self) -> sqlite_utils.Database:
        with self.lock:
            if self._db is None:
                self._db = open_database(self.path)
            self._users += 1
            return self._db

    def release(self) -> None:
        with self.lock:
            self._users -= 1
            if self._users <= 0 and self._db is not None:
                self._db.conn.close()  # the last connection to close checkpoints the WAL
                self._db = None
                self._users = 0


class EventLog:
    """Append-only event log whose commits happen on a writer thread (its own, or a shared ``LogWriter``).

    When a commit fails (disk full, read-only file), its rows are held in memory and committed with the
    next write or ``retry()``; ``failing`` says why until then, and waiters are told of the failure.
    """

    def __init__(self, path: Path | str, *, wrap: ConnectionWrapper | None = None,
                 writer: LogWriter | None = None, shared: OneConnection | None = None,
                 may_commit: Callable[[], bool] | None = None) -> None:
        self.path = Path(path)
        self.may_commit = may_commit
        """Asked by the writer before committing this log's writes: a worker's home answers with its partition's
        lease (``LogWriter``)."""
        self._shared = shared
        self._transaction: contextlib.AbstractContextManager[Any] = shared.lock if shared else contextlib.nullcontext()
        self._wrap = wrap
        self._writer = writer or LogWriter()
        self._attached = False
        self._db: sqlite_utils.Database | None = None
        self._conn: Any = None
        self._held: dict[str, tuple] = {}
        self._held_touches: list[tuple] = []
        self.committed_rows = 0
        self.commits = 0
        self.queued = 0
        """Writes handed to the writer thread (``append``, ``append_then``)."""
        self.finished = 0
        """Of those, how many are committed (or failed) and their waiters scheduled on their loop."""
        self.write_errors = 0
        self.failing: str | None = None
        """Why the last commit failed, until one succeeds."""
        self.held_rows = 0
        """Rows waiting in memory for the disk to take them."""
        self.lost_rows = 0
        """Rows dropped because more than ``_MAX_HELD_ROWS`` were waiting."""

    def retry(self) -> None:
        """Try the held rows again now (the hub calls this periodically while ``failing``)."""
        if self.failing is not None and self._attached:
            self.queued += 1
            self._writer.put(self, Write([], [], None, None))

    @property
    def started(self) -> bool:
        return self._attached

    async def start(self) -> None:
        self._db = await asyncio.to_thread(self._shared.open if self._shared else lambda: open_database(self.path))
        self._conn = self._wrap(self._db.conn) if self._wrap else self._db.conn
        self._writer.attach()
        self._attached = True

    async def close(self) -> None:
        if self._attached:
            self._attached = False
            await self._writer.detach(self)
        if self._db is not None:
            # closing may checkpoint the WAL: disk work
            await asyncio.to_thread(self._shared.release if self._shared else self._db.conn.close)
            self._db = None
            self._conn = None

    def append(self, events: Iterable[Event], *, dedupe_key: str | None = None,
               extra: dict[str, Any] | None = None,
               touches: Sequence[tuple] = ()) -> asyncio.Future[None]:
        """Queue events (and device last-seen updates) for the next commit; the future resolves after it.

        With ``dedupe_key``, the n-th event gets ``<key>#n``: a redelivered message adds nothing.
        A touch is ``(home, device, last_seen, online|None, configured, topic)``; ``last_seen`` is ISO
        text, or a datetime the writer turns into ``isoformat()`` text (once per commit, not per message).
        """
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.queued += 1
        self._writer.put(self, Write(_rows(events, dedupe_key, extra), list(touches), future, loop))
        return future

    def append_then(self, on_commit: OnCommit, events: Iterable[Event], *, dedupe_key: str | None = None,
                    extra: dict[str, Any] | None = None, touches: Sequence[tuple] = ()) -> None:
        """``append``, then call ``on_commit(error)`` on this loop instead of resolving a future.

        The ingest path acknowledges every message this way: a future and its done callback cost
        more than the rest of the acknowledgement.
        """
        loop = asyncio.get_running_loop()
        self.queued += 1
        self._writer.put(self, Write(_rows(events, dedupe_key, extra), list(touches), None, loop, on_commit))

    async def write(self, *events: Event) -> None:
        """Append and wait for the commit."""
        await self.append(events)

    # -- on the writer thread ----------------------------------------------------------------

    def _refuse(self, batch: list[Write], error: BaseException) -> None:
        """Tell a batch's writers it was not committed (writer thread)."""
        self._resolve(batch, error)
        self.finished += len(batch)

    def _commit(self, batch: list[Write]) -> None:
        """Commit a batch of this log's writes with the rows held from failed commits (writer thread)."""
        conn = self._conn
        held = self._held
        rows: list[tuple] = []
        touches: list[tuple] = []
        try:
            rows, touches = self._prepare(batch)
            _insert_timed(conn, self._transaction, [(rows, touches)], self._shared)
            self._committed(batch, rows)
            return
        except Exception as exc:  # noqa: BLE001 - the writer thread must outlive any bad batch
            self.write_errors += 1
            error = exc
            if not isinstance(exc, sqlite3.OperationalError):
                # Bad data, not a bad disk: the batch is refused whole (held rows wait for the next try).
                log.error("event log commit of %d writes failed: %s", len(batch), exc)
                self._resolve(batch, error)
                self.finished += len(batch)
                return
            if self.failing is None:
                log.error("event log commit of %d writes failed, holding the rows in memory: %s", len(batch), exc)
            self.failing = f"{type(exc).__name__}: {exc}"
            # Keyed by event id: a message retried while the disk is full is held once.
            held.update((r[0], r) for r in rows)
            self._held_touches = touches
            while len(held) > _MAX_HELD_ROWS:
                del held[next(iter(held))]
                self.lost_rows += 1
        self.held_rows = len(self._held)
        self._resolve(batch, error)
        self.finished += len(batch)

    def _prepare(self, batch: list[Write]) -> tuple[list[tuple], list[tuple]]:
        """The rows and device touches a commit of ``batch`` writes: the held ones first (writer thread)."""
        rows = [*self._held.values(), *(r for w in batch for r in w.rows)]
        return rows, latest_touches([*self._held_touches, *(t for w in batch for t in w.touches)])

    def _committed(self, batch: list[Write], rows: list[tuple]) -> None:
        """``batch`` and the held rows are in the file: count them and tell the writers (writer thread)."""
        self.committed_rows += len(rows)
        self.commits += 1
        if self.failing is not None:
            log.warning("event log writable again: %d held row(s) committed", len(self._held))
        self._held, self._held_touches, self.failing = {}, [], None
        self.held_rows = 0
        self._resolve(batch, None)
        self.finished += len(batch)

    @staticmethod
    def _commit_together(parts: list[tuple["EventLog", list[Write]]]) -> None:
        """Commit several logs' batches that share one connection (a partition's homes) in one transaction: a
        commit costs about as much as a few dozen rows, and at load each home has a row or two a batch.

        If the transaction fails, each log commits its part alone, so a bad write is refused only to its own
        home and a failing disk holds each home's rows as ``_commit`` does (writer thread)."""
        first = parts[0][0]
        try:
            prepared = [log_._prepare(writes) for log_, writes in parts]
            _insert_timed(first._conn, first._transaction, prepared, first._shared)
        except Exception:  # noqa: BLE001 - said and handled home by home below
            for log_, writes in parts:
                log_._commit(writes)
            return
        if first._shared is not None:
            first._shared.commits += 1
        for (log_, writes), (rows, _) in zip(parts, prepared):
            log_._committed(writes, rows)

    @property
    def shares(self) -> "OneConnection | None":
        """The connection this log shares with other homes' (and may commit together with), if any."""
        return self._shared if self._wrap is None else None

    @staticmethod
    def _resolve(batch: list[Write], error: BaseException | None) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[Write]] = {}
        for w in batch:
            if w.loop is not None:
                by_loop.setdefault(w.loop, []).append(w)
        for loop, writes in by_loop.items():
            settle(loop, writes, error)

    @property
    def pending(self) -> int:
        """Writes not yet committed; 0 means every waiter's wake-up is already on its loop."""
        return self.queued - self.finished

    # -- reading -----------------------------------------------------------------------------

    def reader(self) -> "EventQuery":
        """A read-only query helper on its own connection (use from a worker thread)."""
        return EventQuery(self.path)


def _insert_timed(conn: Any, lock: contextlib.AbstractContextManager[Any],
                  prepared: list[tuple[list[tuple], list[tuple]]], shared: OneConnection | None) -> None:
    """Insert each (rows, touches) in one transaction under ``lock``; a shared connection keeps how long the lock,
    the inserts and the commit took (``OneConnection.took``, named by the writer's slow-batch line)."""
    asked = time.monotonic()
    with lock:
        locked = time.monotonic()
        with conn:
            for rows, touches in prepared:
                _insert(conn, rows, touches)
            inserted = time.monotonic()
    if shared is not None:
        shared.took = (locked - asked, inserted - locked, time.monotonic() - inserted)


def _insert(conn: Any, rows: list[tuple], touches: list[tuple]) -> None:
    """A statement's step a row (``executemany``), each letting the GIL go. Up to 64 rows a statement commits more
    rows a second beside a busy thread (``bench/writer_gil.py``: 1.84x), but in a worker at the edge of its core
    the writer then holds the interpreter in longer stretches and the event loop waits for it: SOS p99 at 10,000
    homes over five minutes 115 ms against 51 ms this way (one run each)."""
    if rows:
        conn.executemany(_INSERT, rows)
    if touches:
        conn.executemany(_TOUCH, touches)


def _utc_text(when: datetime | str) -> str:
    """A time as the log stores it (ISO-8601 in UTC), so text comparison orders correctly."""
    if isinstance(when, str):
        when = datetime.fromisoformat(when)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _rows(events: Iterable[Event], dedupe_key: str | None, extra: dict[str, Any] | None) -> list[tuple]:
    return [event_row(ev, f"{dedupe_key}#{i}" if dedupe_key else None, extra) for i, ev in enumerate(events)]


class EventQuery:
    """Queries over the event log, shared by the CLI and the HTTP API."""

    def __init__(self, path: Path | str, *, shared: OneConnection | None = None) -> None:
        self._shared = shared
        self.db = shared.open() if shared else open_database(path)

    def close(self) -> None:
        if self._shared:
            self._shared.release()
        else:
            self.db.conn.close()

    def events(self, *, kind: str | None = None, device: str | None = None, person: str | None = None,
               home: str | None = None, since: datetime | str | None = None,
               until: datetime | str | None = None, cause: str | None = None,
               limit: int = 100, newest_first: bool = True,
               kinds: Sequence[str] | None = None,
               people: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Events matching every given filter, newest first by default, with ``data`` parsed.

        ``kinds`` keeps rows of any of those kinds (with ``kind``, of that one too); ``people`` keeps rows
        about those people or about nobody in particular (what a caregiver may see).
        """
        where: list[str] = []
        args: list[Any] = []
        for column, value in (("kind", kind), ("device", device), ("person", person),
                              ("home", home), ("cause", cause)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if kinds is not None:
            where.append(f"kind IN ({', '.join('?' * len(kinds))})" if kinds else "0")
            args.extend(kinds)
        if people is not None:
            where.append(f"(person IS NULL OR person IN ({', '.join('?' * len(people))}))" if people
                         else "person IS NULL")
            args.extend(people)
        if since is not None:
            where.append("ts >= ?")
            args.append(_utc_text(since))
        if until is not None:
            where.append("ts < ?")
            args.append(_utc_text(until))
        sql = "SELECT id, ts, home, device, person, kind, data, cause FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY ts {'DESC' if newest_first else 'ASC'}, id {'DESC' if newest_first else 'ASC'}"
        sql += " LIMIT ?"
        args.append(int(limit))
        rows = [dict(zip(("id", "ts", "home", "device", "person", "kind", "data", "cause"), r))
                for r in self.db.execute(sql, args).fetchall()]
        for row in rows:
            row["data"] = json.loads(row["data"]) if row["data"] else {}
        return rows

    def event(self, event_id: str) -> dict[str, Any] | None:
        rows = [r for r in self.db.execute(
            "SELECT id, ts, home, device, person, kind, data, cause FROM events WHERE id = ?", [event_id])]
        if not rows:
            return None
        row = dict(zip(("id", "ts", "home", "device", "person", "kind", "data", "cause"), rows[0]))
        row["data"] = json.loads(row["data"]) if row["data"] else {}
        return row

    def cause_chain(self, event_id: str, max_depth: int = 50) -> list[dict[str, Any]]:
        """The event and every cause before it, effect first: "why was I paged?"."""
        chain: list[dict[str, Any]] = []
        current: str | None = event_id
        while current and len(chain) < max_depth:
            row = self.event(current)
            if row is None:
                break
            chain.append(row)
            current = row["cause"]
        return chain

    def count(self, kind: str | None = None) -> int:
        if kind is None:
            return self.db.execute("SELECT count(*) FROM events").fetchone()[0]
        return self.db.execute("SELECT count(*) FROM events WHERE kind = ?", [kind]).fetchone()[0]

    def devices(self, home: str | None = None) -> list[dict[str, Any]]:
        """Rows of the ``devices`` table: a home's, or every home's in the file."""
        if home is None:
            return [dict(r) for r in self.db["devices"].rows_where(order_by="home, id")]
        return [dict(r) for r in self.db["devices"].rows_where("home = ?", [home], order_by="id")]

    def recent_message_keys(self, home: str, limit: int) -> list[str]:
        """The dedupe keys (``home/device/msg_id``) of the latest ``limit`` device messages, oldest first."""
        rows = self.db.execute(
            # By the home's index in the order the hub logged them (a partition's file holds many homes' events)
            "SELECT dedupe_key FROM events WHERE home = ? AND dedupe_key IS NOT NULL ORDER BY ts DESC, rowid DESC "
            "LIMIT ?",
            [home, limit]).fetchall()
        keys = dict.fromkeys(key.rsplit("#", 1)[0] for (key,) in reversed(rows))
        return list(keys)

    def rejected_senders(self) -> list[dict[str, Any]]:
        """Topics that sent messages the hub refused, with how often and why (latest reason)."""
        sql = (
            "SELECT json_extract(data, '$.topic') AS topic, count(*) AS count, max(ts) AS last_seen, "
            "json_extract(data, '$.reason') AS reason FROM events WHERE kind = 'message_rejected' "
            "GROUP BY topic ORDER BY last_seen DESC"
        )
        cols = ("topic", "count", "last_seen", "reason")
        return [dict(zip(cols, r)) for r in self.db.execute(sql).fetchall()]
