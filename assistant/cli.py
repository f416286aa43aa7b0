"""The ``carehub`` command line: run the hub, check config, read the log, list devices, demo, simulate."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from assistant import __version__
from assistant.config import Config, load_config
from assistant.errors import ConfigError
from assistant.eventlog import EventQuery
from assistant.speech.cli_commands import listen

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


def _load(ctx: click.Context) -> Config:
    try:
        return load_config(ctx.obj.get("config"))
    except ConfigError as error:
        # Plain lines, never wrapped: one problem per line, so they can be grepped.
        click.echo(f"invalid configuration {error.source}:", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        ctx.exit(2)
        raise  # unreachable; keeps type checkers happy


def _open_log(config: Config) -> EventQuery:
    path = config.database_path
    if not path.exists():
        err_console.print(f"no event log at {path} yet (start the hub with 'carehub run')")
        sys.exit(1)
    return EventQuery(path)


@click.group()
@click.version_option(__version__, prog_name="carehub")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="CAREHUB_CONFIG",
              help="config.yaml to use (default: $CAREHUB_CONFIG, ./config.yaml, built-in defaults)")
@click.pass_context
def main(ctx: click.Context, config_path: str | None) -> None:
    """carehub: a local-first home hub for families who look after someone."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config_path


@main.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Run the hub until Ctrl-C."""
    from assistant.app import Hub
    from assistant.logsetup import configure_logging

    config = _load(ctx)
    configure_logging(config.log_level)

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        hub = Hub(config)
        try:
            await hub.start()
        except OSError as error:
            await hub.stop()
            err_console.print(f"[bold red]cannot start:[/] {error}")
            sys.exit(1)
        where = f"http://{config.http.host}:{hub.http.port}" if hub.http else "HTTP off"
        err_console.print(
            f"carehub {__version__}: home '{config.home.id}', {len(config.devices)} device(s), "
            f"broker {config.mqtt.broker} at {config.mqtt.host}:{config.mqtt.port}, {where}, "
            f"log {config.database_path}"
        )
        try:
            await stop.wait()
        finally:
            await hub.stop()

    asyncio.run(serve())


@main.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Validate the configuration and the skills; list every problem and exit non-zero if there is any."""
    from assistant.skill_loader import discover

    config = _load(ctx)
    classes, errors = discover(config)
    if errors:
        click.echo(f"{len(errors)} skill(s) cannot load:", err=True)
        for error in errors:
            click.echo(f"  {error}", err=True)
        ctx.exit(2)
    click.echo(
        f"configuration OK: home '{config.home.id}', {len(config.people)} people, "
        f"{len(config.devices)} devices, {len(classes)} skill(s), broker {config.mqtt.broker}, "
        f"log {config.database_path}"
    )


@main.command()
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
@click.pass_context
def skills(ctx: click.Context, as_json: bool) -> None:
    """List installed skills with their intents, schedules, tools and event handlers."""
    from assistant.skill_api import ScheduleSpec, ToolSpec, IntentSpec, OnSpec
    from assistant.skill_loader import discover

    config = _load(ctx)
    classes, errors = discover(config)
    listing = []
    for sc in classes:
        entry: dict[str, Any] = {"id": sc.id, "origin": sc.origin, "intents": [], "schedules": [], "tools": [],
                                 "events": []}
        for name, spec in sc.cls.handlers():
            if isinstance(spec, IntentSpec):
                entry["intents"].append(spec.name)
            elif isinstance(spec, ScheduleSpec):
                entry["schedules"].append(f"{name}: {spec.describe()}")
            elif isinstance(spec, ToolSpec):
                entry["tools"].append(spec.name)
            elif isinstance(spec, OnSpec):
                entry["events"].append(f"{name}: {', '.join(t.kind for t in spec.types)}")
        listing.append(entry)
    if as_json:
        click.echo(json.dumps({"skills": listing, "errors": [str(e) for e in errors]}, ensure_ascii=False, indent=2))
    else:
        table = Table(title="skills")
        for column in ("id", "intents", "schedules", "tools", "events", "from"):
            table.add_column(column, overflow="fold")
        for e in listing:
            table.add_row(e["id"], "\n".join(e["intents"]), "\n".join(e["schedules"]), "\n".join(e["tools"]),
                          "\n".join(e["events"]), e["origin"])
        console.print(table)
        for error in errors:
            click.echo(f"cannot load: {error}", err=True)
    if errors:
        ctx.exit(2)


@main.command()
@click.argument("text")
@click.option("--language", help="en, zh-CN, ... (default: guessed from the text)")
@click.option("--person", help="who is speaking (a person id)")
@click.option("--room", help="where (a room id)")
@click.option("--json", "as_json", is_flag=True, help="print the whole answer as JSON")
@click.option("--speak", "speak_path", type=click.Path(dir_okay=False, path_type=Path),
              help="also write the spoken reply to this WAV file (Piper or espeak-ng)")
@click.pass_context
def say(ctx: click.Context, text: str, language: str | None, person: str | None, room: str | None,
        as_json: bool, speak_path: Path | None) -> None:
    """Say something to the running hub as if spoken: "turn on the kitchen light", "打开厨房的灯"."""
    import urllib.error
    import urllib.request

    config = _load(ctx)
    url = f"http://{config.http.host}:{config.http.port}/api/say"
    body = json.dumps({"text": text, "language": language, "person": person, "room": room}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            message = json.loads(raw).get("error", error)
        except (ValueError, AttributeError):
            message = f"HTTP {error.code}: {raw[:200].decode('utf-8', 'replace')}"
        click.echo(f"carehub: {message}", err=True)
        ctx.exit(2)
    except (urllib.error.URLError, OSError) as error:
        click.echo(f"carehub: no hub answering at {url} ({getattr(error, 'reason', error)}); "
                   "start it with 'carehub run'", err=True)
        ctx.exit(1)
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False))
    else:
        click.echo(answer["reply"] or "")
    if speak_path is not None and answer["reply"]:
        from assistant.speech.cli_commands import speak_to_file
        from assistant.speech.tts import SpeechUnavailable

        try:
            speak_to_file(answer["reply"], answer["language"], speak_path)
        except SpeechUnavailable as error:
            click.echo(f"carehub: cannot speak the reply: {error.reason}", err=True)
            ctx.exit(2)
        click.echo(f"spoken reply written to {speak_path}", err=True)
    if not answer["understood"]:
        ctx.exit(3)


@main.command()
@click.option("--kind", help="only this kind, e.g. vital_signs_measured or message_rejected")
@click.option("--device", help="only this device id")
@click.option("--person", help="only this person id")
@click.option("--since", help="30m, 2h, 7d or an ISO-8601 time")
@click.option("--until", help="an ISO-8601 time")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100000))
@click.option("--why", "why", metavar="EVENT_ID", help="show EVENT_ID and the chain of events that caused it")
@click.option("--json", "as_json", is_flag=True, help="print JSON lines instead of a table")
@click.pass_context
def events(ctx: click.Context, kind: str | None, device: str | None, person: str | None, since: str | None,
           until: str | None, limit: int, why: str | None, as_json: bool) -> None:
    """Read the event log, newest first."""
    config = _load(ctx)
    query = _open_log(config)
    if why:
        rows = query.cause_chain(why)
        if not rows:
            err_console.print(f"no event with id {why}")
            sys.exit(1)
    else:
        rows = query.events(kind=kind, device=device, person=person, home=config.home.id,
                            since=parse_since(since), until=parse_since(until), limit=limit)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    table = Table(title="why: effect first, then its causes" if why else None)
    for column in ("time (UTC)", "kind", "device", "person", "data", "id"):
        table.add_column(column, overflow="fold")
    for row in rows:
        data = json.dumps(row["data"], ensure_ascii=False)
        table.add_row(row["ts"][:19], row["kind"], row["device"] or "", row["person"] or "",
                      data if len(data) < 100 else data[:97] + "...", row["id"])
    console.print(table)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of tables")
@click.pass_context
def devices(ctx: click.Context, as_json: bool) -> None:
    """Configured devices with last seen and state, and senders the hub refused."""
    from assistant.registry import DeviceRegistry

    config = _load(ctx)
    registry = DeviceRegistry.from_config(config)
    rejected: list[dict[str, Any]] = []
    if config.database_path.exists():
        query = EventQuery(config.database_path)
        registry.restore(query.devices())
        rejected = query.rejected_senders()
    now = datetime.now(timezone.utc)
    snapshot = registry.snapshot(now)
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


@main.command()
@click.option("--scenario", default="normal_day", show_default=True,
              type=click.Choice(["normal_day", "fall", "missed_medication", "night_wandering",
                                 "child_leaves_school"]))
@click.option("--speed", default=1200.0, show_default=True, type=click.FloatRange(min=1),
              help="simulated seconds per real second")
@click.option("--database", type=click.Path(dir_okay=False, path_type=Path),
              help="keep the demo's event log here (default: a temporary file)")
@click.option("--all", "show_all", is_flag=True, help="also show battery and step readings")
@click.pass_context
def demo(ctx: click.Context, scenario: str, speed: float, database: Path | None, show_all: bool) -> None:
    """Run the hub and a simulated household through a day, showing every event live."""
    from assistant.demo import run_demo

    config = _load(ctx)
    asyncio.run(run_demo(config, scenario, speed, database, console, show_all))


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def simulate(ctx: click.Context) -> None:
    """Replay a scenario with simulated devices against a running hub's broker.

    Defaults come from the configuration (broker host and port, home id); any option of the
    simulator (--scenario, --speed, --start, --seed, --host, --port) can be given; see --help.
    """
    from firmware_stubs.household import main as simulate_main

    args = list(ctx.args)
    if "-h" not in args and "--help" not in args:
        config = _load(ctx)
        defaults = {"--host": config.mqtt.host, "--port": str(config.mqtt.port), "--home": config.home.id,
                    "--prefix": config.mqtt.topic_prefix}
        for flag, value in defaults.items():
            if flag not in args and not any(a.startswith(flag + "=") for a in args):
                args += [flag, value]
    sys.exit(simulate_main(args))


@main.group()
def skill() -> None:
    """Write new skills (see docs/skills.md)."""


@skill.command("new")
@click.argument("name")
@click.option("--dir", "dest", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
              help="folder to create the package folder in")
@click.option("--force", is_flag=True, help="rewrite the generated files if the package folder exists")
def skill_new(name: str, dest: Path, force: bool) -> None:
    """Write a new skill package, carehub-skill-NAME/.

    The package installs with pip and its tests pass as generated; make it your own. NAME is the
    skill id: lower-case letters and digits, starting with a letter, words joined by '_' or '-'
    (e.g. water_reminder).
    """
    from importlib.metadata import entry_points

    from assistant.scaffold import InvalidSkillName, PackageExists, scaffold, skill_names
    from assistant.skill_loader import ENTRY_POINT_GROUP

    try:
        names = skill_names(name)
        written = scaffold(name, dest, force=force)
    except InvalidSkillName as error:
        raise click.BadParameter(str(error), param_hint="NAME") from None
    except PackageExists as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot write the package: {error}") from None
    target = dest / names.distribution
    click.echo(f"wrote {target}/")
    for path in written:
        click.echo(f"  {path.relative_to(target)}")
    ours = f"{names.package}:{names.class_name}"
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == names.skill_id and ep.value != ours:
            click.echo(f"note: skill id '{ep.name}' is taken by an installed skill ({ep.value}); "
                       "the hub loads only one of them", err=True)
    click.echo(f"next:\n  cd {target}\n  pip install -e .\n  python -m pytest -q\n  carehub skills")


# -- alerts ------------------------------------------------------------------------------------------

ALERT_STATUSES = ("open", "acknowledged", "resolved")


def _require_database(config: Config) -> Path:
    path = config.database_path
    if not path.exists():
        click.echo(f"no database at {path} yet (start the hub with 'carehub run')", err=True)
        sys.exit(1)
    return path


def _utc_time(text: str | None) -> str:
    """A stored ISO time as ``YYYY-MM-DD HH:MM:SS`` in UTC (blank for none)."""
    if not text:
        return ""
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _acked(alert: dict[str, Any]) -> str:
    return f"{alert['acked_by']} via {alert['acked_via']}" if alert["acked_by"] else ""


def _alert_json(alert: dict[str, Any]) -> dict[str, Any]:
    return {**alert, "self_cancel": bool(alert["self_cancel"])}


def _history_json(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "ok": None if entry["ok"] is None else bool(entry["ok"])}


@main.group(invoke_without_command=True)
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
    from assistant.alerts.store import AlertStore

    config = _load(ctx)
    store = AlertStore(_require_database(config))
    try:
        rows = store.list(status=status, limit=limit)
    finally:
        store.close()
    if as_json:
        for row in rows:
            click.echo(json.dumps(_alert_json(row), ensure_ascii=False))
        return
    table = Table(title=f"alerts ({status})" if status else "alerts")
    for column in ("id", "raised (UTC)", "priority", "kind", "person", "count", "status", "acked by/via"):
        table.add_column(column, overflow="fold")
    for a in rows:
        table.add_row(a["id"], _utc_time(a["raised_at"]), a["priority"], a["kind"], a["person"] or "",
                      str(a["count"]), a["status"], _acked(a))
    console.print(table)


@alerts.command("show")
@click.argument("alert_id")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document instead of tables")
@click.pass_context
def alerts_show(ctx: click.Context, alert_id: str, as_json: bool) -> None:
    """An alert, every transition it went through, and the chain of events that caused it."""
    from assistant.alerts.store import AlertStore

    config = _load(ctx)
    path = _require_database(config)
    store = AlertStore(path)
    try:
        alert = store.get(alert_id)
        history = store.history(alert_id)
    finally:
        store.close()
    if alert is None:
        click.echo(f"no alert with id {alert_id}", err=True)
        ctx.exit(1)
    chain: list[dict[str, Any]] = []
    if alert["cause"]:
        query = EventQuery(path)
        try:
            chain = query.cause_chain(alert["cause"])
        finally:
            query.close()
    if as_json:
        click.echo(json.dumps({"alert": _alert_json(alert), "history": [_history_json(h) for h in history],
                               "cause_chain": chain}, ensure_ascii=False, indent=2))
        return
    summary = Table(show_header=False, title=f"alert {alert['id']}")
    summary.add_column("field")
    summary.add_column("value", overflow="fold")
    for field, value in (
        ("status", alert["status"]), ("priority", alert["priority"]), ("kind", alert["kind"]),
        ("person", alert["person"] or ""), ("device", alert["device"] or ""),
        ("raised (UTC)", _utc_time(alert["raised_at"])),
        ("count", str(alert["count"])), ("next step", str(alert["step"])),
        ("next step at (UTC)", _utc_time(alert["next_at"])), ("acknowledged", _acked(alert)),
        ("acknowledged at (UTC)", _utc_time(alert["acked_at"])),
        ("resolved", f"{_utc_time(alert['resolved_at'])} {alert['resolve_reason'] or ''}".strip()),
        ("message", "\n".join(f"{lang}: {text}" for lang, text in alert["messages"].items())),
    ):
        summary.add_row(field, value)
    console.print(summary)
    log_table = Table(title="history")
    for column in ("time (UTC)", "transition", "step", "caregiver", "channel", "ok", "detail"):
        log_table.add_column(column, overflow="fold")
    for h in history:
        ok = "" if h["ok"] is None else ("yes" if h["ok"] else "no")
        log_table.add_row(_utc_time(h["ts"]), h["transition"], "" if h["step"] is None else str(h["step"]),
                          h["caregiver"] or "", h["channel"] or "", ok, h["detail"] or "")
    console.print(log_table)
    if not chain:
        click.echo("cause: none recorded" if not alert["cause"] else f"cause {alert['cause']} is not in the log")
        return
    why = Table(title="why: what raised it, then its causes")
    for column in ("time (UTC)", "kind", "device", "person", "data", "id"):
        why.add_column(column, overflow="fold")
    for row in chain:
        data = json.dumps(row["data"], ensure_ascii=False)
        why.add_row(_utc_time(row["ts"]), row["kind"], row["device"] or "", row["person"] or "",
                    data if len(data) < 100 else data[:97] + "...", row["id"])
    console.print(why)


@alerts.command("ack")
@click.argument("alert_id")
@click.option("--by", "caregiver_id", required=True, metavar="CAREGIVER_ID",
              help="the caregiver taking responsibility (an id from config.yaml)")
@click.pass_context
def alerts_ack(ctx: click.Context, alert_id: str, caregiver_id: str) -> None:
    """Acknowledge an alert: a running hub sends none of its further steps.

    Written straight to the database; the hub checks an alert's state before every step.
    """
    from assistant.alerts.store import AlertStore
    from assistant.eventlog import EventLog
    from assistant.events import AlertAcknowledged
    from assistant.ids import new_id

    config = _load(ctx)
    path = _require_database(config)
    store = AlertStore(path)
    try:
        alert = store.get(alert_id)
        if alert is None:
            click.echo(f"no alert with id {alert_id}", err=True)
            ctx.exit(1)
        caregiver = config.caregiver(caregiver_id)
        if caregiver is None:
            click.echo(f"no caregiver with id '{caregiver_id}' in the configuration", err=True)
            ctx.exit(2)
        if alert["person"] is not None and alert["person"] not in caregiver.people:
            click.echo(f"caregiver '{caregiver_id}' does not look after '{alert['person']}'", err=True)
            ctx.exit(2)
        now = datetime.now(timezone.utc)
        done = store.acknowledge(alert_id, caregiver_id, "cli", now)
        if not done:
            alert = store.get(alert_id) or alert
    finally:
        store.close()
    if not done:
        if alert["status"] == "acknowledged":
            click.echo(f"alert {alert_id} was already acknowledged by {_acked(alert)} "
                       f"at {_utc_time(alert['acked_at'])} UTC")
        else:
            click.echo(f"alert {alert_id} is already {alert['status']}")
        return
    event = AlertAcknowledged(id=new_id(), ts=now, home=alert["home"] or config.home.id, person=alert["person"],
                              alert_id=alert_id, by=caregiver_id, via="cli")

    async def log_it() -> None:
        event_log = EventLog(path)
        await event_log.start()
        try:
            await event_log.write(event)
        finally:
            await event_log.close()

    asyncio.run(log_it())
    click.echo(f"acknowledged alert {alert_id} ({alert['priority']} {alert['kind']}"
               f"{' for ' + alert['person'] if alert['person'] else ''}) as {caregiver_id}")


@alerts.command("token")
@click.argument("caregiver_id")
@click.pass_context
def alerts_token(ctx: click.Context, caregiver_id: str) -> None:
    """Print a caregiver's acknowledgement token and the links that use it."""
    from assistant.alerts.store import AlertStore, caregiver_token

    config = _load(ctx)
    caregiver = config.caregiver(caregiver_id)
    if caregiver is None:
        click.echo(f"no caregiver with id '{caregiver_id}' in the configuration", err=True)
        ctx.exit(2)
    if caregiver.token:
        token = caregiver.token
    else:
        # The secret is made on first use and kept in the database, so a token printed before the
        # hub's first run is the one the hub will accept.
        store = AlertStore(config.database_path)
        try:
            token = caregiver_token(store.secret(), caregiver_id)
        finally:
            store.close()
    base = config.alerts.public_url.rstrip("/")
    click.echo(token)
    click.echo(f"acknowledge: {base}/api/alerts/<alert-id>/ack?token={token}")
    click.echo(f"their alerts: {base}/api/alerts?token={token}")


# -- daily report ------------------------------------------------------------------------------------


@main.command()
@click.argument("person")
@click.option("--date", "day_text", metavar="YYYY-MM-DD", help="the day (default: today in the home's time zone)")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write (default: ./report-PERSON-DATE.html)")
@click.option("--png", "write_png", is_flag=True, help="also write each chart as a PNG file next to the page")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="config.yaml to use (same as 'carehub --config')")
@click.pass_context
def report(ctx: click.Context, person: str, day_text: str | None, out_path: Path | None, write_png: bool,
           config_path: str | None) -> None:
    """Write PERSON's daily caregiver report as one HTML page: activity, vital signs, medication, alerts.

    Reads the event log without changing it; works while the hub is running.
    """
    from assistant.report import NoEventLog, collect, parse_day, render_html, today_at_home
    from assistant.skill_loader import discover

    if config_path is not None:
        ctx.obj["config"] = config_path
    config = _load(ctx)
    if config.person(person) is None:
        known = ", ".join(f"{p.id} ({p.name})" for p in config.people) or "none configured"
        click.echo(f"carehub: no person with id '{person}' in the configuration (known: {known})", err=True)
        ctx.exit(2)
    if day_text is None:
        day = today_at_home(config)
    else:
        try:
            day = parse_day(day_text)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--date") from None
    out_path = out_path or Path(f"report-{person}-{day.isoformat()}.html")
    skills, _ = discover(config)  # a skill that cannot load adds no section ('carehub check' says why)
    try:
        daily = collect(config, person, day, skills=skills)
    except NoEventLog as error:
        click.echo(f"carehub: {error}", err=True)
        ctx.exit(1)
    try:
        written = render_html(daily, out_path, write_png=write_png)
    except OSError as error:
        raise click.ClickException(f"cannot write {out_path}: {error.strerror or error}") from None
    for path in written:
        click.echo(str(path))


if __name__ == "__main__":  # pragma: no cover
    main()


main.add_command(listen)  # carehub listen FILE.wav (assistant/speech/cli_commands.py)
