"""The partition's fencing token, written into its file and checked inside every commit.

A worker checks its lease (locally, against its deadline) before each commit, publish and notification. That
leaves a window of microseconds: a process paused for longer than the lease's TTL *between* that check and the
commit would still commit once, after another worker took the partition over. Storage closes it. Before a
partition starts its first home, it writes its token (the etcd key's revision, larger for every later owner) into
the partition's file (``hub_settings``, key ``fence``), unless a larger one is already there; and every write
transaction of its homes reads it back just before committing. In WAL mode a writer holds the file's write lock
and sees the newest commit, so the check and the commit are one step: once the new owner has written its larger
token, nothing of the old owner's is committed any more (the transaction is rolled back and ``Fenced`` raised).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import TracebackType
from typing import Any

from assistant.eventlog import open_database
from assistant.log_writer import Fenced

KEY = "fence"


def claim(path: Path, token: int) -> None:
    """Write ``token`` into a partition's file (creating it if new) unless a larger one is there: Fenced then."""
    db = open_database(path)
    try:
        conn = db.conn
        with conn:
            conn.execute("INSERT INTO hub_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                         "value = excluded.value WHERE CAST(hub_settings.value AS INTEGER) <= "
                         "CAST(excluded.value AS INTEGER)", [KEY, str(token)])
            found = int(conn.execute("SELECT value FROM hub_settings WHERE key = ?", [KEY]).fetchone()[0])
        if found > token:
            raise Fenced(f"{path.name}: a later owner's fencing token ({found}) is in the file, not starting it "
                         f"under {token}")
    finally:
        db.conn.close()


def token_in(path: Path) -> int | None:
    """The fencing token in a partition's file, if any (the operator's view, the tests)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute("SELECT value FROM hub_settings WHERE key = ?", [KEY]).fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return int(row[0]) if row else None


class FencedConnection:
    """A home's view of its partition's connection whose commits are refused once a later owner's token is in the
    file."""

    def __init__(self, conn: sqlite3.Connection, token: int) -> None:
        self._conn = conn
        self.token = token
        self.refused = 0
        self._unchecked = False

    def facts(self) -> FencedConnection:
        """The connection for one transaction recording what already happened (a page delivered): committed
        without the check, as the next owner must know it happened."""
        self._unchecked = True
        return self

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def __enter__(self) -> FencedConnection:
        self._conn.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> bool:
        unchecked, self._unchecked = self._unchecked, False
        if kind is None and self._conn.in_transaction and not unchecked:
            try:
                row = self._conn.execute("SELECT value FROM hub_settings WHERE key = ?", [KEY]).fetchone()
                later = int(row[0]) if row is not None and int(row[0]) > self.token else None
            except BaseException:
                self._conn.rollback()  # the check itself failed (a disk error): nothing of it is kept, no lock held
                raise
            if later is not None:
                self._conn.rollback()
                self.refused += 1
                raise Fenced(f"not committed: a later owner's fencing token ({later}) is in the file, this "
                             f"worker's is {self.token}")
        return bool(self._conn.__exit__(kind, error, trace))


def wrapper(token: int) -> Any:
    """The ``database_wrapper`` for the homes of a partition held under ``token``."""
    return lambda conn: FencedConnection(conn, token)
