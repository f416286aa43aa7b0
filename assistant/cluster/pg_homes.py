"""An operator's homes in PostgreSQL: one row per home, for operators with more homes than a folder carries well.

The table (made by ``carehub operator registry init``)::

    carehub_homes (id text PRIMARY KEY, config text NOT NULL, version bigint NOT NULL, updated timestamptz)

``config`` is the home's YAML, exactly as a home file would hold it; ``version`` comes from one sequence, so it is
new for every insert and change, even of a row deleted and put back (the ``carehub_homes_touch`` trigger takes a
new one on each UPDATE that changes ``config`` and sets ``updated``). Every worker, the operator commands
and the care centre read the same rows: a scan asks for every (id, version) — one small query, even for tens of
thousands of homes — and reads the YAML only of the rows that are new or changed since its last scan, so adding,
editing or deleting a row is adding, changing or removing the home without restarting anything. A row whose YAML
does not validate is named with every problem, and a home that was running keeps its last good configuration, as
with files (``assistant/cluster/homes.py``). Rows are written with ``carehub operator registry put`` or by the
operator's own tools with plain SQL.

psycopg is imported only here, so a worker reading a folder does not need it (``pip install "psycopg[binary]"``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from assistant.cluster.homes import HomeFile, Scan
from assistant.config import config_from_file
from assistant.errors import ConfigError

log = logging.getLogger(__name__)

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS carehub_homes_version;
CREATE TABLE IF NOT EXISTS carehub_homes (
    id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]*$'),
    config text NOT NULL,
    version bigint NOT NULL DEFAULT nextval('carehub_homes_version'),
    updated timestamptz NOT NULL DEFAULT now()
);
CREATE OR REPLACE FUNCTION carehub_homes_touch() RETURNS trigger AS $$
BEGIN
    NEW.version := nextval('carehub_homes_version');
    NEW.updated := now();
    RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS carehub_homes_touch ON carehub_homes;
CREATE TRIGGER carehub_homes_touch BEFORE UPDATE ON carehub_homes
    FOR EACH ROW WHEN (OLD.config IS DISTINCT FROM NEW.config) EXECUTE FUNCTION carehub_homes_touch();
"""


def is_registry(where: str) -> bool:
    """Whether ``--homes`` names a PostgreSQL registry rather than a folder."""
    return where.startswith(("postgresql://", "postgres://"))


def homes_source(where: str) -> Any:
    """The homes ``--homes`` names: a folder of files, or a PostgreSQL registry."""
    from assistant.cluster.homes import HomeDirectory

    return PostgresHomes(where) if is_registry(where) else HomeDirectory(where)


class PostgresHomes:
    """The rows of ``carehub_homes`` at ``dsn``; ``scan`` reads what changed since the last scan (blocking)."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.folder = Path("postgresql")
        """Where the homes are said to come from in messages (``postgresql/<home>``)."""
        self._known: dict[str, HomeFile] = {}
        self._refused: dict[str, int] = {}
        self._problems: dict[str, list[str]] = {}
        self.rejected = 0
        self._conn: Any = None

    def _connection(self) -> Any:
        import psycopg

        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=10)
        return self._conn

    def where(self) -> str:
        """The registry's host, port and database, never its password (however the URL carries it)."""
        from psycopg.conninfo import conninfo_to_dict

        try:
            parts = conninfo_to_dict(self.dsn)
        except Exception:  # noqa: BLE001 - a URL psycopg cannot read: say only that
            return "postgresql (an unreadable URL)"
        return f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def init(self) -> None:
        """Make the table and its trigger (idempotent)."""
        self._connection().execute(SCHEMA)

    def put(self, home: str, text: str) -> None:
        """Add or replace one home's YAML after checking it (ConfigError naming every problem)."""
        config = config_from_file(self.folder / home, text)
        if config.home.id != home:
            raise ConfigError(f"postgresql/{home}", [f"home.id: {config.home.id!r} does not match the row's id"])
        self._connection().execute(
            "INSERT INTO carehub_homes (id, config) VALUES (%s, %s) ON CONFLICT (id) DO UPDATE SET "
            "config = excluded.config", [home, text])

    def delete(self, home: str) -> bool:
        return bool(self._connection().execute("DELETE FROM carehub_homes WHERE id = %s", [home]).rowcount)

    def scan(self) -> Scan:
        """Every home in the registry now; a registry that cannot be reached is one problem, and then no home
        changes (the running ones run on: a database restart must not stop every home)."""
        import psycopg

        scan = Scan()
        try:
            conn = self._connection()
            versions = dict(conn.execute("SELECT id, version FROM carehub_homes").fetchall())
            changed = [home for home, version in versions.items()
                       if (home not in self._known or self._known[home].stamp[1] != version)
                       and self._refused.get(home) != version]
            texts = dict(conn.execute("SELECT id, config FROM carehub_homes WHERE id = ANY(%s)",
                                      [changed]).fetchall()) if changed else {}
        except psycopg.Error as error:
            self._conn = None
            scan.homes = dict(self._known)
            scan.problems[self.where()] = [f"the registry cannot be read: {error}".strip()]
            log.error("home registry unreachable, the homes run on as they were: %s", error)
            return scan
        for home, version in sorted(versions.items()):
            known = self._known.get(home)
            entry = self._read(home, version, texts[home], scan) if home in texts else known
            if self._refused.get(home) == version:  # still the version that was refused: named on every scan
                scan.problems[home] = self._problems.get(home, [])
            if entry is not None:
                scan.homes[home] = entry
        self._known = dict(scan.homes)
        for gone in set(self._refused) - set(versions):
            self._refused.pop(gone)
            self._problems.pop(gone, None)
        return scan

    def _read(self, home: str, version: int, text: str, scan: Scan) -> HomeFile | None:
        path = self.folder / home
        try:
            config = config_from_file(path, text)
        except ConfigError as error:
            problems = error.problems
        else:
            if config.home.id == home:
                self._refused.pop(home, None)
                return HomeFile(config, path, (0, version))
            problems = [f"home.id: {config.home.id!r} does not match the row's id (expected {home!r})"]
        scan.problems[home] = problems
        self._problems[home] = problems
        if self._refused.get(home) != version:
            self._refused[home] = version
            self.rejected += 1
            log.error("home %s refused (registry version %d): %s", home, version, "; ".join(problems))
        return self._known.get(home)  # a home that ran keeps its last good configuration
