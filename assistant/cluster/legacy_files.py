"""A home's own SQLite file, from before a partition kept all its homes in one, brought into its partition's file.

Workers once kept a file per home (``p<k>/<home>.db``). When a partition starts such a home, the home's rows are
copied into the partition's file (``p<k>/homes.db``) before the home starts, so it comes back with its open
alerts, its skills' state, its devices and the messages it already handled (which it must not handle twice); the
old file is then renamed ``<home>.db.imported`` and kept, not deleted. The copy is one transaction, fenced like
every write of the partition: a worker that lost the partition meanwhile copies nothing.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from assistant.alerts.store import secret_key
from assistant.eventlog import open_database
from assistant.log_writer import Fenced

log = logging.getLogger(__name__)

IMPORTED = ".imported"
"""What an old file's name takes once its rows are in the partition's file."""
_COPIED = ("events", "devices", "alerts", "skill_store")
"""Tables copied as they are (each row already names its home, or is keyed by something unique)."""
_LOG_COLUMNS = "alert_id, ts, transition, step, caregiver, channel, ok, detail"
"""``alert_log`` without its row id, which the partition's file numbers afresh."""


def legacy_file(folder: Path, home: str) -> Path:
    """Where a home's own file would be, in its partition's folder."""
    return folder / f"{home}.db"


def import_home(partition_file: Path, old: Path, home: str, token: int | None) -> int:
    """Copy the rows of ``old`` (``home``'s own file) into ``partition_file``, then rename ``old``; the rows copied.

    Blocking: a thread's work. ``token`` is the partition's fencing token (None without etcd): if a later owner's
    is in the partition's file, nothing is copied (``Fenced``)."""
    for path in (old, partition_file):
        try:
            open_database(path).conn.close()  # both schemas up to date (the old file's skill rows take their home)
        except sqlite3.DatabaseError as error:
            raise sqlite3.DatabaseError(f"{path}: {error} (home {home}'s rows not imported; the file is left as it "
                                        "is)") from error
    conn = sqlite3.connect(str(partition_file), timeout=30)
    copied = 0
    try:
        conn.execute("ATTACH DATABASE ? AS old", [str(old)])
        try:
            with conn:
                if token is not None:
                    row = conn.execute("SELECT value FROM main.hub_settings WHERE key = 'fence'").fetchone()
                    if row is not None and int(row[0]) > token:
                        raise Fenced(f"{old.name}: not imported, a later owner's fencing token ({row[0]}) is in "
                                     f"{partition_file.name}")
                for table in _COPIED:
                    copied += conn.execute(f"INSERT OR IGNORE INTO main.{table} SELECT * FROM old.{table}").rowcount
                copied += conn.execute(f"INSERT INTO main.alert_log ({_LOG_COLUMNS}) SELECT {_LOG_COLUMNS} "
                                       "FROM old.alert_log ORDER BY id").rowcount
                # Its secret keeps signing what it signed (caregivers' links, the care centre's commands).
                conn.execute("INSERT OR IGNORE INTO main.hub_settings (key, value) SELECT ?, value "
                             "FROM old.hub_settings WHERE key IN ('secret', ?) ORDER BY key = 'secret' LIMIT 1",
                             [secret_key(home), secret_key(home)])
        finally:
            conn.execute("DETACH DATABASE old")
    finally:
        conn.close()
    old.rename(old.with_name(old.name + IMPORTED))
    log.warning("home %s: %d row(s) of its own file %s copied into %s (the file is kept as %s%s)", home, copied,
                old.name, partition_file.name, old.name, IMPORTED)
    return copied
