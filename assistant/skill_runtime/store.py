"""A skill's own key-value store: JSON values in the ``skill_store`` table, read and written off the loop."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


class SqliteKeyValueStore:
    """The ``KeyValueStore`` of one skill (its rows are keyed by the skill's id)."""

    def __init__(self, path: Path, skill_id: str, lock: threading.Lock,
                 now: Callable[[], datetime] | None = None) -> None:
        self._path = path
        self._skill = skill_id
        self._lock = lock
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._conn: sqlite3.Connection | None = None

    def _run(self, sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
        with self._lock:
            if self._conn is None:
                self._conn = sqlite3.connect(self._path, timeout=30, check_same_thread=False)
            with self._conn:
                return self._conn.execute(sql, args).fetchall()

    async def get(self, key: str, default: Any = None) -> Any:
        rows = await asyncio.to_thread(self._run, "SELECT value FROM skill_store WHERE skill = ? AND key = ?",
                                       [self._skill, key])
        return json.loads(rows[0][0]) if rows else default

    async def set(self, key: str, value: Any) -> None:
        await asyncio.to_thread(
            self._run,
            "INSERT INTO skill_store (skill, key, value, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(skill, key) DO UPDATE SET value = excluded.value, updated = excluded.updated",
            [self._skill, key, json.dumps(value, ensure_ascii=False), self._now().isoformat()])

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._run, "DELETE FROM skill_store WHERE skill = ? AND key = ?", [self._skill, key])

    async def keys(self) -> list[str]:
        rows = await asyncio.to_thread(self._run, "SELECT key FROM skill_store WHERE skill = ? ORDER BY key",
                                       [self._skill])
        return [r[0] for r in rows]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
