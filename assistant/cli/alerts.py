"""``carehub alerts``: list, show, acknowledge alerts and print a caregiver's token — through the alert desk.

The commands work beside a running hub: they share its database, and the hub checks an alert's state
before every escalation step, so an acknowledgement here stops it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import click
from rich.table import Table

from assistant.alerts.desk import AlertDesk, AlertRefused
from assistant.alerts.model import Alert
from assistant.alerts.store import AlertStore
from assistant.alerts.tokens import CaregiverTokens
from assistant.cli.common import console, load, require_database, resolve_id, shortened, utc_time
from assistant.cli.log import event_table
from assistant.clock import SystemClock
from assistant.config import Config
from assistant.eventlog import EventLog, EventQuery
from assistant.recorder import Recorder

ALERT_STATUSES = ("open", "acknowledged", "resolved")
T = TypeVar("T")


@asynccontextmanager
async def _open_desk(config: Config) -> AsyncIterator[AlertDesk]:
    """The alert desk over the home's database; what it logs (an acknowledgement) goes to the event log."""
    path = require_database(config)
    clock = SystemClock()
    event_log = EventLog(path)
    await event_log.start()
    store = AlertStore(path, home=config.home.id)
    desk = AlertDesk(config, store, Recorder(event_log, clock, config.home.id), clock)
    try:
        await desk.start()
        yield desk
    finally:
        store.close()
        await event_log.close()


def _with_desk(config: Config, work: Callable[[AlertDesk], Awaitable[T]]) -> T:
    async def run() -> T:
        async with _open_desk(config) as desk:
            return await work(desk)

    return asyncio.run(run())


def _full_id(ctx: click.Context, config: Config, given: str) -> str:
    """The alert's whole id from ``given`` (whole, or a start or end of it); exit 2 when none or several."""
    query = EventQuery(require_database(config))
    try:
        return resolve_id(ctx, query.db.conn, "alert", given)
    finally:
        query.close()


def _short(config: Config, what: str, ids: list[str]) -> dict[str, str]:
    query = EventQuery(config.database_path)
    try:
        return shortened(query.db.conn, what, ids)
    finally:
        query.close()


def _acked(alert: Alert) -> str:
    return f"{alert.acked_by} via {alert.acked_via}" if alert.acked_by else ""


@click.group(invoke_without_command=True)
@click.option("--status", type=click.Choice(ALERT_STATUSES), help="only alerts in this state")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100000))
@click.option("--json", "as_json", is_flag=True, help="print JSON lines instead of a table")
@click.pass_context
def alerts(ctx: click.Context, status: str | None, limit: int, as_json: bool) -> None:
    """Caregiver alerts: list them (the default), show one, acknowledge one, print a caregiver's token."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(alerts_list, status=status, limit=limit, as_json=as_json)


@alerts.command("list")
@click.option("--status", type=click.Choice(ALERT_STATUSES), help="only alerts in this state")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100000))
@click.option("--json", "as_json", is_flag=True, help="print JSON lines instead of a table")
@click.pass_context
def alerts_list(ctx: click.Context, status: str | None, limit: int, as_json: bool) -> None:
    """Alerts, newest first."""
    config = load(ctx)
    rows = _with_desk(config, lambda desk: desk.list(None, status, limit))
    if as_json:
        for alert in rows:
            click.echo(json.dumps(alert.as_json(), ensure_ascii=False))
        return
    short = _short(config, "alert", [a.id for a in rows])
    table = Table(title=f"alerts ({status})" if status else "alerts", show_edge=False)
    table.add_column("id", no_wrap=True)  # whole, so it can be copied into 'alerts show' and 'alerts ack'
    table.add_column("raised (UTC)", no_wrap=True)
    table.add_column("priority", no_wrap=True)
    for column in ("kind", "person"):
        table.add_column(column, overflow="fold")
    table.add_column("status", overflow="fold")
    for a in rows:
        # Narrow enough for 80 columns: minutes only (``show`` has the seconds), the count beside the kind.
        table.add_row(short[a.id], utc_time(a.raised_at)[:16], a.priority.value,
                      a.kind if a.count == 1 else f"{a.kind} ×{a.count}", a.person or "",
                      f"{a.status.value} by {_acked(a)}" if a.acked_by else a.status.value)
    console.print(table)


@alerts.command("show")
@click.argument("alert_id", metavar="ALERT_ID")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document instead of tables")
@click.pass_context
def alerts_show(ctx: click.Context, alert_id: str, as_json: bool) -> None:
    """An alert, every transition it went through, and the chain of events that caused it.

    ALERT_ID is the whole id or, as tables show it, its start or end.
    """
    config = load(ctx)
    alert_id = _full_id(ctx, config, alert_id)

    async def read(desk: AlertDesk) -> tuple[Alert | None, list[Any]]:
        return await desk.get(alert_id), await desk.history(alert_id)

    alert, history = _with_desk(config, read)
    if alert is None:  # gone between finding its id and reading it
        click.echo(f"no alert with id {alert_id}", err=True)
        ctx.exit(2)
        return
    chain: list[dict[str, Any]] = []
    if alert.cause:
        query = EventQuery(config.database_path)
        try:
            chain = query.cause_chain(alert.cause)
        finally:
            query.close()
    if as_json:
        click.echo(json.dumps({"alert": alert.as_json(), "history": [h.as_json() for h in history],
                               "cause_chain": chain}, ensure_ascii=False, indent=2))
        return
    summary = Table(show_header=False, title=f"alert {alert.id}")
    summary.add_column("field")
    summary.add_column("value", overflow="fold")
    for field, value in (
        ("status", alert.status.value), ("priority", alert.priority.value), ("kind", alert.kind),
        ("person", alert.person or ""), ("device", alert.device or ""), ("raised (UTC)", utc_time(alert.raised_at)),
        ("count", str(alert.count)), ("next step", str(alert.step)), ("next step at (UTC)", utc_time(alert.next_at)),
        ("acknowledged", _acked(alert)), ("acknowledged at (UTC)", utc_time(alert.acked_at)),
        ("resolved", f"{utc_time(alert.resolved_at)} {alert.resolve_reason or ''}".strip()),
        ("message", "\n".join(f"{lang}: {text}" for lang, text in alert.messages.items())),
    ):
        summary.add_row(field, value)
    console.print(summary)
    log_table = Table(title="history")
    for column in ("time (UTC)", "transition", "step", "caregiver", "channel", "ok", "detail"):
        log_table.add_column(column, overflow="fold")
    for h in history:
        ok = "" if h.ok is None else ("yes" if h.ok else "no")
        log_table.add_row(utc_time(h.ts), h.transition, "" if h.step is None else str(h.step), h.caregiver or "",
                          h.channel or "", ok, h.detail)
    console.print(log_table)
    if not chain:
        click.echo("cause: none recorded" if not alert.cause else f"cause {alert.cause} is not in the log")
        return
    console.print(event_table(chain, "why: what raised it, then its causes",
                              _short(config, "event", [row["id"] for row in chain])))


@alerts.command("ack")
@click.argument("alert_id", metavar="ALERT_ID")
@click.option("--by", "caregiver_id", required=True, metavar="CAREGIVER_ID",
              help="the caregiver taking responsibility (an id from config.yaml)")
@click.pass_context
def alerts_ack(ctx: click.Context, alert_id: str, caregiver_id: str) -> None:
    """Acknowledge an alert: a running hub sends none of its further steps.

    ALERT_ID is the whole id or, as tables show it, its start or end.
    """
    config = load(ctx)
    alert_id = _full_id(ctx, config, alert_id)
    try:
        done = _with_desk(config, lambda desk: desk.acknowledge(alert_id, by=caregiver_id, via="cli"))
    except AlertRefused as refused:
        click.echo(refused.reason, err=True)
        ctx.exit(2)
        return
    alert = done.alert
    if not done.now:
        if alert.status.value == "acknowledged":
            click.echo(f"alert {alert_id} was already acknowledged by {_acked(alert)} "
                       f"at {utc_time(alert.acked_at)} UTC")
        else:
            click.echo(f"alert {alert_id} is already {alert.status.value}")
        return
    click.echo(f"acknowledged alert {alert_id} ({alert.priority.value} {alert.kind}"
               f"{' for ' + alert.person if alert.person else ''}) as {caregiver_id}")


@alerts.command("token")
@click.argument("caregiver_id")
@click.pass_context
def alerts_token(ctx: click.Context, caregiver_id: str) -> None:
    """Print a caregiver's acknowledgement token and the links that use it."""
    config = load(ctx)
    caregiver = config.caregiver(caregiver_id)
    if caregiver is None:
        click.echo(f"no caregiver with id '{caregiver_id}' in the configuration", err=True)
        ctx.exit(2)
        return
    if caregiver.token:
        token = caregiver.token
    else:
        # The secret is made on first use and kept in the database, so a token printed before the
        # hub's first run is the one the hub will accept.
        store = AlertStore(config.database_path, home=config.home.id)
        try:
            token = CaregiverTokens(config, store.secret()).token_for(caregiver_id)
        finally:
            store.close()
    base = config.alerts.public_url.rstrip("/")
    click.echo(token)
    click.echo(f"an alert in the app (signs the phone in): {base}/app/alerts/<alert-id>?token={token}")
    click.echo(f"acknowledge from a script: POST {base}/api/alerts/<alert-id>/ack?token={token}")
    click.echo(f"their alerts: {base}/api/alerts?token={token}")


COMMANDS = (alerts,)
