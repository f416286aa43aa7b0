"""Schema migrations for the event log, registered with a decorator and applied in order once each."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone

import sqlite_utils

log = logging.getLogger(__name__)

Migration = Callable[[sqlite_utils.Database], None]


class Migrations:
    """An ordered set of named schema steps, tracked in the ``_migrations`` table."""

    def __init__(self) -> None:
        self._steps: list[tuple[str, Migration]] = []

    def __call__(self, fn: Migration) -> Migration:
        self._steps.append((fn.__name__, fn))
        return fn

    def pending(self, db: sqlite_utils.Database) -> list[str]:
        done = self._applied(db)
        return [name for name, _ in self._steps if name not in done]

    def apply(self, db: sqlite_utils.Database) -> list[str]:
        """Run every step not yet applied; return their names.

        A file that has every step says so in its ``user_version`` (the number of steps), so opening it again
        costs one pragma: a worker opens thousands of homes' files when it takes their partitions over."""
        if db.execute("PRAGMA user_version").fetchone()[0] == len(self._steps) and self._steps:
            return []
        if "_migrations" not in db.table_names():
            db.table("_migrations").create({"name": str, "applied_at": str}, pk="name")
        done = self._applied(db)
        applied = []
        for name, step in self._steps:
            if name in done:
                continue
            self._apply_one(db, name, step)
            log.info("applied migration %s", name)
            applied.append(name)
        if not self.pending(db):
            db.execute(f"PRAGMA user_version = {len(self._steps)}")
        return applied

    @staticmethod
    def _apply_one(db: sqlite_utils.Database, name: str, step: Migration) -> None:
        """Run one step in a real transaction, so a step that fails half way leaves nothing behind.

        Python's sqlite3 does not put DDL (CREATE TABLE) in its implicit transactions, and sqlite-utils
        commits after some calls; an explicit BEGIN with autocommit mode, and commits disabled for the
        duration, keeps the whole step atomic.
        """
        conn = db.conn
        previous = conn.isolation_level
        conn.isolation_level = None
        conn.execute("BEGIN")
        try:
            step(_NoCommit(db))
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                       [name, datetime.now(timezone.utc).isoformat()])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.isolation_level = previous

    @staticmethod
    def _applied(db: sqlite_utils.Database) -> set[str]:
        if "_migrations" not in db.table_names():
            return set()
        return {row["name"] for row in db["_migrations"].rows}


class _NoCommitConnection:
    """A connection whose commits (from ``with conn:`` inside sqlite-utils) wait for the migration's COMMIT."""

    def __init__(self, conn) -> None:  # noqa: ANN001
        self._conn = conn

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._conn, name)

    def commit(self) -> None:
        pass

    def __enter__(self) -> "_NoCommitConnection":
        return self

    def __exit__(self, *exc: object) -> None:
        return None  # never swallow: an exception reaches _apply_one, which rolls back


def _NoCommit(db: sqlite_utils.Database) -> sqlite_utils.Database:
    """The same database, seen through a connection that cannot commit."""
    return sqlite_utils.Database(_NoCommitConnection(db.conn))  # type: ignore[arg-type]


migrations = Migrations()


@migrations
def m001_events(db: sqlite_utils.Database) -> None:
    db.table("events").create(
        {
            "id": str, "ts": str, "home": str, "device": str, "person": str,
            "kind": str, "data": str, "cause": str, "dedupe_key": str,
        },
        pk="id",
        not_null={"id", "ts", "home", "kind"},
    )
    db.table("events").create_index(["home", "ts"], index_name="events_home_ts")
    db.table("events").create_index(["kind", "ts"], index_name="events_kind_ts")
    db.table("events").create_index(["device", "ts"], index_name="events_device_ts")
    db.table("events").create_index(["cause"], index_name="events_cause")
    # Partial unique index: a device's msg_id is only ever logged once, even when redelivered.
    db.execute("CREATE UNIQUE INDEX events_dedupe ON events(dedupe_key) WHERE dedupe_key IS NOT NULL")


@migrations
def m002_devices(db: sqlite_utils.Database) -> None:
    db.table("devices").create(
        {"home": str, "id": str, "last_seen": str, "online": int, "configured": int, "last_topic": str},
        pk=("home", "id"),
    )


@migrations
def m003_skill_store(db: sqlite_utils.Database) -> None:
    db.table("skill_store").create({"skill": str, "key": str, "value": str, "updated": str}, pk=("skill", "key"))


@migrations
def m004_alerts(db: sqlite_utils.Database) -> None:
    db.table("alerts").create(
        {
            "id": str, "raised_at": str, "home": str, "person": str, "device": str, "kind": str,
            "priority": str, "messages": str, "cause": str, "status": str, "count": int, "fold_key": str,
            "self_cancel": int, "step": int, "next_at": str, "acked_by": str, "acked_via": str,
            "acked_at": str, "resolved_at": str, "resolve_reason": str, "updated": str,
        },
        pk="id",
    )
    db.table("alerts").create_index(["status", "next_at"], index_name="alerts_status_next")
    db.table("alerts").create_index(["fold_key", "status"], index_name="alerts_fold")
    db.table("alert_log").create(
        {"id": int, "alert_id": str, "ts": str, "transition": str, "step": int, "caregiver": str,
         "channel": str, "ok": int, "detail": str},
        pk="id",
    )
    db.table("alert_log").create_index(["alert_id", "id"], index_name="alert_log_alert")
    # A step is sent to a caregiver once: the row is written (and committed) before the message goes out.
    db.execute("CREATE UNIQUE INDEX alert_log_step_once ON alert_log(alert_id, step, caregiver) "
               "WHERE transition = 'sending'")
    db.table("hub_settings").create({"key": str, "value": str}, pk="key")


@migrations
def m005_app_sign_in(db: sqlite_utils.Database) -> None:
    """The caregiver app's one-time sign-in links and sessions: only sha256 hashes of their secrets."""
    db.table("app_sign_in_links").create(
        {"code_hash": str, "role": str, "holder": str, "created": str, "expires": str, "used": str}, pk="code_hash")
    db.table("app_sessions").create(
        {"id_hash": str, "role": str, "holder": str, "csrf": str, "created": str, "expires": str}, pk="id_hash")


@migrations
def m006_home_scoped_skill_store(db: sqlite_utils.Database) -> None:
    """Skill state keyed by (home, skill, key): a worker's partition keeps all its homes in one file.

    A file written before this held one home: its rows take the home its events name."""
    db.execute("CREATE TABLE skill_store_by_home (home TEXT NOT NULL, skill TEXT NOT NULL, key TEXT NOT NULL, "
               "value TEXT, updated TEXT, PRIMARY KEY (home, skill, key))")
    db.execute("INSERT INTO skill_store_by_home (home, skill, key, value, updated) "
               "SELECT COALESCE((SELECT home FROM events WHERE home IS NOT NULL LIMIT 1), ''), skill, key, value, "
               "updated FROM skill_store")
    db.execute("DROP TABLE skill_store")
    db.execute("ALTER TABLE skill_store_by_home RENAME TO skill_store")
