"""``carehub demo`` (the hub and a simulated household living through a scenario, shown live) and
``carehub simulate`` (the household alone, against a running hub)."""

from __future__ import annotations

import asyncio
import socket
import sys
import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table

from assistant.cli.common import console, load
from assistant.cli.trust import device_passwords
from assistant.clock import ScaledClock
from assistant.config import Config
from assistant.events import Event, MessageRejected

_QUIET_KINDS = {"battery_reported", "steps_counted"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def describe(event: Event) -> str:
    """A short human line for the live view."""
    data = {k: v for k, v in event.data().items() if v is not None}
    if "samples" in data:
        data["samples"] = f"<{len(data['samples'])} samples>"
    return ", ".join(f"{k}={v}" for k, v in data.items())


def demo_config(config: Config, database: Path) -> Config:
    """The user's household on an embedded broker at a free port, logging to ``database``."""
    return config.model_copy(update={
        # Plain MQTT on the loopback: the simulated firmware speaks no TLS, and nothing leaves the machine.
        "mqtt": config.mqtt.model_copy(update={"broker": "embedded", "host": "127.0.0.1", "port": free_port(),
                                               "client_id": "carehub-demo", "tls": False, "ca_file": None,
                                               "certfile": None, "keyfile": None}),
        "http": config.http.model_copy(update={"enabled": False}),
        "storage": config.storage.model_copy(update={"database": str(database)}),
        "base_dir": database.parent,
    })


async def run_demo(config: Config, scenario_name: str, speed: float, database: Path | None,
                   console: Console, show_all: bool = False) -> Counter[str]:
    from assistant.app import build_hub
    from firmware_stubs import household as sim
    from firmware_stubs.scenarios import SCENARIOS

    tmp = None
    if database is None:
        tmp = tempfile.TemporaryDirectory(prefix="carehub-demo-")
        database = Path(tmp.name) / "demo.db"
    config = demo_config(config, database)
    zone = ZoneInfo(config.home.timezone)
    scenario = SCENARIOS[scenario_name](day=datetime.now(zone).strftime("%a").lower())
    start = datetime.combine(datetime.now(zone).date(), scenario.starts_at, tzinfo=zone)
    clock = ScaledClock(start, speed, paused=True)  # runs from when the household does
    hub = build_hub(config, clock=clock)
    counts: Counter[str] = Counter()
    names = {p.id: p.name for p in config.people}

    def show(event: Event) -> None:
        counts[event.kind] += 1
        if event.kind in _QUIET_KINDS and not show_all:
            return
        style = "bold red" if event.kind in {"fall_detected", "sos_pressed"} else (
            "yellow" if isinstance(event, MessageRejected) else "")
        when = event.ts.astimezone(zone).strftime("%a %H:%M:%S")
        who = names.get(event.person or "", "")
        console.print(f"[dim]{when}[/] [cyan]{who:<9}[/] {event.device or 'hub':<16} "
                      f"[{style or 'default'}]{event.kind:<22}[/] {describe(event)}", highlight=False)

    hub.bus.subscribe(show, name="demo-view")
    specs = [d.model_dump() for d in config.devices if d.kind in sim.FIRMWARE]
    passwords = await asyncio.to_thread(device_passwords, config)
    household = sim.Household(specs, "127.0.0.1", config.mqtt.port, config.home.id, config.mqtt.topic_prefix,
                              passwords=passwords)
    await hub.start()
    try:
        await hub.wait_connected()
        console.rule(f"{scenario.name}: {scenario.description}  ({speed:g}x real time)")
        await asyncio.to_thread(household.start, start.timestamp())
        result = await asyncio.to_thread(sim.run, scenario, household, speed, start, real_start=clock.resume())
        clock.pause()  # the scenario is over: no time passes in which devices could seem silent
        await asyncio.sleep(0.5)  # the last messages' rows
        await hub.bus.drain()
    finally:
        # The hub stops first: the household going away at the end is not a device failure.
        await hub.stop()
        if household.started:
            await asyncio.to_thread(household.stop)
    table = Table(title=f"{result.published} messages from {len(specs)} devices; event log {database}"
                  + (" (temporary)" if tmp else ""))
    table.add_column("kind")
    table.add_column("events", justify="right")
    for kind, n in sorted(counts.items()):
        table.add_row(kind, str(n))
    console.print(table)
    if tmp is not None:
        tmp.cleanup()
    return counts


@click.command()
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
    config = load(ctx)
    asyncio.run(run_demo(config, scenario, speed, database, console, show_all))


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def simulate(ctx: click.Context) -> None:
    """Replay a scenario with simulated devices against a running hub's broker.

    Defaults come from the configuration (broker host and port, home id); any option of the
    simulator (--scenario, --speed, --start, --seed, --host, --port) can be given; see --help.
    """
    from firmware_stubs.household import main as simulate_main

    args = list(ctx.args)
    passwords: dict[str, str] = {}
    if "-h" not in args and "--help" not in args:
        config = load(ctx)
        # The running hub's secret gives each simulated device its login.
        passwords = device_passwords(config, only_if_stored=True)
        defaults = {"--host": config.mqtt.host, "--port": str(config.mqtt.port), "--home": config.home.id,
                    "--prefix": config.mqtt.topic_prefix}
        for flag, value in defaults.items():
            if flag not in args and not any(a.startswith(flag + "=") for a in args):
                args += [flag, value]
    sys.exit(simulate_main(args, passwords=passwords))


COMMANDS = (demo, simulate)
