"""A skill's own key-value store: JSON values in the ``skill_store`` table, read and written off the loop."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.eventlog import OneConnection


class StoreConnection:
    """The one connection every skill's store of a hub goes through (opened on first use, by one thread at a
    time): a worker carrying thousands of homes keeps one per home, not one per skill."""

    def __init__(self, path: Path, home: str) -> None:
        self.path = path
        self.home = home
        """Whose rows these are: a worker's partition keeps all its homes in one file."""
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self.wrap: Callable[[sqlite3.Connection], Any] | None = None
        """Wraps the connection when it is opened (as the hub's ``database_wrapper`` does its others)."""
        self.shared: OneConnection | None = None
        """The home's one connection, when its hub shares one (a worker's homes): used under its lock."""

    def run(self, sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
        with self.shared.lock if self.shared else self._lock:
            if self._conn is None:
                conn = self.shared.open().conn if self.shared else sqlite3.connect(self.path, timeout=30,
                                                                                   check_same_thread=False)
                self._conn = self.wrap(conn) if self.wrap else conn
            with self._conn:
                return self._conn.execute(sql, args).fetchall()

    def close(self) -> None:
        """Close it (a later use opens it again)."""
        with self.shared.lock if self.shared else self._lock:
            if self._conn is not None:
                if self.shared:
                    self.shared.release()
                else:
                    self._conn.close()
                self._conn = None


class SqliteKeyValueStore:
    """The ``KeyValueStore`` of one skill (its rows are keyed by the skill's id)."""

    def __init__(self, connection: StoreConnection, skill_id: str,
                 now: Callable[[], datetime] | None = None) -> None:
        self._connection = connection
        self._skill = skill_id
        self._now = now or (lambda: datetime.now(timezone.utc))

    def _run(self, sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
        return self._connection.run(sql, [self._connection.home, self._skill, *args])

    async def get(self, key: str, default: Any = None) -> Any:
        rows = await asyncio.to_thread(self._run, "SELECT value FROM skill_store WHERE home = ? AND skill = ? "
                                       "AND key = ?", [key])
        return json.loads(rows[0][0]) if rows else default

    async def set(self, key: str, value: Any) -> None:
        await asyncio.to_thread(
            self._run,
            "INSERT INTO skill_store (home, skill, key, value, updated) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(home, skill, key) DO UPDATE SET value = excluded.value, updated = excluded.updated",
            [key, json.dumps(value, ensure_ascii=False), self._now().isoformat()])

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._run, "DELETE FROM skill_store WHERE home = ? AND skill = ? AND key = ?", [key])

    async def keys(self) -> list[str]:
        rows = await asyncio.to_thread(self._run, "SELECT key FROM skill_store WHERE home = ? AND skill = ? "
                                       "ORDER BY key", [])
        return [r[0] for r in rows]

    def close(self) -> None:
        """Close the hub's store connection (the other skills' stores open it again when next used)."""
        self._connection.close()
