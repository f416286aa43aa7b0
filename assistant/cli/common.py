"""What the ``carehub`` commands share: loading the configuration, times, the event log, ids, the consoles."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
from rich.console import Console

from assistant.config import Config, load_config
from assistant.errors import AmbiguousId, ConfigError, UnknownId
from assistant.eventlog import EventQuery
from assistant.ids import SHORT_ID, id_part, short_ids, the_one

console = Console()
err_console = Console(stderr=True)

_RELATIVE = re.compile(r"^(\d+)\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_since(value: str | None, now: datetime | None = None) -> str | None:
    """``30m``, ``2h``, ``7d`` (before now) or an ISO-8601 time, as an ISO string in UTC."""
    if value is None:
        return None
    now = now or datetime.now(timezone.utc)
    match = _RELATIVE.match(value.strip())
    if match:
        return (now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})).isoformat()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a time: {value!r} (use 30m, 2h, 7d or an ISO-8601 time)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).isoformat()


def load(ctx: click.Context, config_path: str | None = None) -> Config:
    """The configuration the command was given (``--config``, ``$CAREHUB_CONFIG``, ./config.yaml, built in);
    every problem listed and exit code 2 when it is invalid. ``carehub --database PATH`` replaces its event log."""
    path = config_path or (ctx.obj or {}).get("config")
    database = (ctx.find_root().obj or {}).get("database")
    try:
        config = load_config(path)
    except ConfigError as error:
        # Plain lines, never wrapped: one problem per line, so they can be grepped.
        click.echo(f"invalid configuration {error.source}:", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        ctx.exit(2)
        raise  # unreachable; keeps type checkers happy
    if database:
        # Relative to where the command runs, as a user typing 'carehub --database data/demo.db' means it.
        absolute = str(Path(database).expanduser().resolve())
        config = config.model_copy(update={"storage": config.storage.model_copy(update={"database": absolute})})
    return config


def require_database(config: Config) -> Path:
    """The event log's path; exit 1 with a hint when the hub has never run."""
    path = config.database_path
    if not path.exists():
        click.echo(f"no event log at {path} yet (start the hub with 'carehub run')", err=True)
        sys.exit(1)
    return path


def open_log(config: Config) -> EventQuery:
    return EventQuery(require_database(config))


def utc_time(when: datetime | str | None) -> str:
    """A time as ``YYYY-MM-DD HH:MM:SS`` in UTC (blank for none)."""
    if not when:
        return ""
    if isinstance(when, str):
        when = datetime.fromisoformat(when)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


ID_TABLES = {"event": "events", "alert": "alerts"}


def find_id(db: sqlite3.Connection, what: str, given: str) -> str:
    """The full id of the ``what`` (``event``, ``alert``) that ``given`` names: its whole id, or a start or
    an end of it (as tables show) that no other has. UnknownId or AmbiguousId otherwise."""
    table = ID_TABLES[what]
    if db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [given]).fetchone():
        return given
    part = id_part(given)
    if part is None:
        raise UnknownId(what, given)
    # Ids start with the time, so a start is a range of the primary key; an end needs a scan.
    starting = db.execute(f"SELECT id FROM {table} WHERE id >= ? AND id < ? ORDER BY id LIMIT 6",
                          [part, part + "\x7f"]).fetchall()
    ending = db.execute(f"SELECT id FROM {table} WHERE id LIKE ? ORDER BY id LIMIT 6", ["%" + part]).fetchall()
    return the_one(what, given, [row[0] for row in (*starting, *ending)])


def resolve_id(ctx: click.Context, db: sqlite3.Connection, what: str, given: str) -> str:
    """``find_id``, or exit 2 with its one-line error (none such, or which ones it could be)."""
    try:
        return find_id(db, what, given)
    except (UnknownId, AmbiguousId) as error:
        click.echo(str(error), err=True)
        ctx.exit(2)
        raise  # unreachable; keeps type checkers happy


def shortened(db: sqlite3.Connection, what: str, ids: Iterable[str]) -> dict[str, str]:
    """The short form of each id, unique among every ``what`` in the database (``ids.short_ids``)."""
    ids = list(ids)
    tails = sorted({full[-SHORT_ID:] for full in ids})
    sharing = db.execute(f"SELECT id FROM {ID_TABLES[what]} WHERE substr(id, -{SHORT_ID}) IN "
                         "(SELECT value FROM json_each(?))", [json.dumps(tails)]).fetchall()
    return short_ids(ids, [row[0] for row in sharing])
