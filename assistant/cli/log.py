"""``carehub events`` and ``carehub devices``: the event log and the devices, read without a running hub."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import click
from rich.table import Table

from assistant.cli.common import console, load, open_log, parse_since, resolve_id, shortened
from assistant.cli.trust import devices_add, devices_credentials
from assistant.eventlog import EventQuery
from assistant.registry import DeviceRegistry


def event_table(rows: list[dict[str, Any]], title: str | None = None, short: Mapping[str, str] | None = None) -> Table:
    """Event-log rows as a table, data shortened to one line, ids to their ``short`` form (``shortened``)."""
    short = short or {}
    table = Table(title=title)
    table.add_column("time (UTC)", no_wrap=True)
    for column in ("kind", "device", "person", "data"):
        table.add_column(column, overflow="fold")
    table.add_column("id", no_wrap=True)  # whole, so it can be copied into --why
    for row in rows:
        data = json.dumps(row["data"], ensure_ascii=False)
        table.add_row(row["ts"][:19].replace("T", " "), row["kind"], row["device"] or "", row["person"] or "",
                      data if len(data) < 100 else data[:97] + "...", short.get(row["id"], row["id"]))
    return table


@click.command()
@click.option("--kind", help="only this kind, e.g. vital_signs_measured or message_rejected")
@click.option("--device", help="only this device id")
@click.option("--person", help="only this person id")
@click.option("--since", help="30m, 2h, 7d or an ISO-8601 time")
@click.option("--until", help="an ISO-8601 time")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100000))
@click.option("--why", "why", metavar="EVENT_ID",
              help="show EVENT_ID (the whole id, or its start or end as tables show it) and the events that caused it")
@click.option("--json", "as_json", is_flag=True, help="print JSON lines instead of a table")
@click.pass_context
def events(ctx: click.Context, kind: str | None, device: str | None, person: str | None, since: str | None,
           until: str | None, limit: int, why: str | None, as_json: bool) -> None:
    """Read the event log, newest first."""
    config = load(ctx)
    query = open_log(config)
    if why:
        rows = query.cause_chain(resolve_id(ctx, query.db.conn, "event", why))
    else:
        rows = query.events(kind=kind, device=device, person=person, home=config.home.id,
                            since=parse_since(since), until=parse_since(until), limit=limit)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    short = shortened(query.db.conn, "event", [row["id"] for row in rows])
    console.print(event_table(rows, "why: effect first, then its causes" if why else None, short))


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of tables")
@click.pass_context
def devices(ctx: click.Context, as_json: bool) -> None:
    """Configured devices with last seen and state, and senders the hub refused."""
    if ctx.invoked_subcommand is not None:
        return
    config = load(ctx)
    registry = DeviceRegistry.from_config(config)
    rejected: list[dict[str, Any]] = []
    if config.database_path.exists():
        query = EventQuery(config.database_path)
        registry.restore(query.devices())
        rejected = query.rejected_senders()
    snapshot = registry.snapshot(datetime.now(timezone.utc))
    snapshot["unknown_senders"] = rejected
    if as_json:
        click.echo(json.dumps(snapshot, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"devices of home '{config.home.id}'")
    for column in ("id", "kind", "person", "room", "state", "last seen"):
        table.add_column(column)
    colours = {"online": "green", "offline": "red", "silent": "yellow", "never seen": "dim"}
    for d in snapshot["devices"]:
        table.add_row(d["id"], d["kind"], d["person"] or "", d["room"] or "",
                      f"[{colours[d['state']]}]{d['state']}[/]", (d["last_seen"] or "")[:19])
    console.print(table)
    if rejected:
        bad = Table(title="refused senders (from the event log)")
        for column in ("topic", "messages", "last seen", "latest reason"):
            bad.add_column(column, overflow="fold")
        for r in rejected:
            bad.add_row(r["topic"] or "", str(r["count"]), (r["last_seen"] or "")[:19], r["reason"] or "")
        console.print(bad)


devices.add_command(devices_add)
devices.add_command(devices_credentials)

COMMANDS = (events, devices)
