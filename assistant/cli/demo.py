"""``carehub demo`` (the hub and a simulated household living through a scenario, shown live) and
``carehub simulate`` (the household alone, against a running hub)."""

from __future__ import annotations

import asyncio
import functools
import socket
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.cli.common import console, err_console, load
from assistant.cli.trust import device_passwords
from assistant.clock import SteppedClock
from assistant.config import CaregiverConfig, Config
from assistant.events import Event, MessageRejected

if TYPE_CHECKING:
    from assistant.alerts.model import Alert
    from assistant.app import Hub
    from firmware_stubs.household import Household

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


def demo_database(config: Config) -> Path:
    """Where ``carehub demo`` keeps its event log by default: ``demo.db`` beside the configured one."""
    return config.database_path.with_name("demo.db")


SETTLE_TIMEOUT = 2.0
"""Real seconds the demo waits for the hub to settle before moving its clock on regardless."""


async def settle(hub: Hub) -> None:
    """Run until the hub is still: every queued event handled, every handler done or waiting on the clock (or
    for someone to answer), every commit done; give up after ``SETTLE_TIMEOUT`` real seconds."""

    def progress() -> tuple[int, int, int]:
        delivered = sum(stats["delivered"] for stats in hub.bus.stats().values())
        return hub.log.committed_rows, delivered, hub.ingest.counters["received"]

    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_TIMEOUT
    quiet = 0
    while quiet < 2 and loop.time() < deadline:
        before = progress()
        if hub.log.pending:
            await hub.log.append([])  # one commit round trip: whatever awaited a commit resumes
        for _ in range(20):
            await asyncio.sleep(0)
        waiting = hub.skills.waiting_subscriptions()
        busy = [name for name, stats in hub.bus.stats().items()
                if (stats["queued"] or stats["active"]) and name not in waiting]
        busy += hub.skills.busy() + (["messages"] if hub.messenger.sending else [])
        quiet = quiet + 1 if before == progress() and not busy else 0


class HouseholdTime:
    """The hub's stepped clock, moved by the simulated household (its ``TimeBase``): one time base for both.

    The household paces itself on real time at ``speed``; then, before each thing it does, the hub takes in
    every message the household has sent so far, its clock moves to the household's time (whatever falls
    due on the way runs and settles, in time order), and only then does the household act. So a busy
    machine slows the demo down but cannot reorder it: the 10:00 check-in question is asked before the
    10:00:45 answer, and no heartbeat can look late.
    """

    def __init__(self, hub: Hub, clock: SteppedClock, household: Household, speed: float,
                 loop: asyncio.AbstractEventLoop) -> None:
        self.hub = hub
        self.clock = clock
        self.household = household
        self.loop = loop
        from firmware_stubs.household import OwnClock

        self.pace = OwnClock(clock.now().timestamp(), speed)
        self.unreceived = 0
        """Household messages the hub has not received when it stopped waiting for them."""

    def reach(self, when: float) -> None:
        """In the household's thread: wait for ``when`` on real time, then move the hub's clock to it."""
        self.pace.reach(when)
        asyncio.run_coroutine_threadsafe(self.advance(when), self.loop).result()

    async def advance(self, when: float) -> None:
        await self.taken_in()
        await settle(self.hub)
        await self.clock.advance_to(datetime.fromtimestamp(when, timezone.utc))
        await settle(self.hub)

    async def taken_in(self) -> None:
        """Wait until the hub has received every message the household published (a few real seconds at most)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_TIMEOUT
        for _ in range(100_000):  # the ingest has no signal to wait on; its counter is polled
            if self.hub.ingest.counters["received"] >= self.household.published or loop.time() > deadline:
                break
            await asyncio.sleep(0.001)
        self.unreceived = max(0, self.household.published - self.hub.ingest.counters["received"])


def show_on_phone(console: Console, caregiver: CaregiverConfig, zone: ZoneInfo, alert: Alert) -> None:
    """An alert as the caregiver's open app shows it, in the live view."""
    language = (caregiver.language or "en").split("-")[0]
    text = alert.messages.get(language) or next(iter(alert.messages.values()), alert.kind)
    when = alert.raised_at.astimezone(zone).strftime("%a %H:%M:%S")
    console.print(f"[dim]{when}[/] [bold magenta]{caregiver.name}'s app[/]: "
                  f"[bold]{alert.priority.value}[/] {escape(text)}", highlight=False)


async def run_demo(config: Config, scenario_name: str, speed: float, database: Path | None,
                   console: Console, show_all: bool = False) -> Counter[str]:
    """Run ``scenario_name`` through the hub at ``speed``, logging to ``database`` (default: ``demo_database``,
    replaced on each run); returns how many events of each kind happened."""
    from assistant.app import build_hub
    from firmware_stubs import household as sim
    from firmware_stubs.scenarios import SCENARIOS

    if database is None:
        database = demo_database(config)
        if database == config.database_path:
            raise click.ClickException(f"storage.database is {database}, where the demo keeps its own log; "
                                       "give the demo --database")
        database.parent.mkdir(parents=True, exist_ok=True)
        for old in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
            old.unlink(missing_ok=True)
    config = demo_config(config, database)
    zone = ZoneInfo(config.home.timezone)
    day = datetime.now(zone).date()
    scenario = SCENARIOS[scenario_name](day=day.strftime("%a").lower())
    if scenario.school_day and day.weekday() >= 5:  # a weekend: the school's hours are not in force
        day -= timedelta(days=day.weekday() - 4)
        scenario = SCENARIOS[scenario_name](day=day.strftime("%a").lower())
    start = datetime.combine(day, scenario.starts_at, tzinfo=zone)
    clock = SteppedClock(start)
    hub = build_hub(config, clock=clock)
    clock.settle = functools.partial(settle, hub)
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
    time_base = HouseholdTime(hub, clock, household, speed, asyncio.get_running_loop())
    await hub.start()
    phones: list[Callable[[], None]] = []
    try:
        # Each caregiver's app is open on the screen: what reaches the family is shown as it arrives.
        for caregiver in config.caregivers:
            phones.append(hub.app.live.watch(caregiver.id, functools.partial(show_on_phone, console, caregiver, zone)))
        await hub.wait_connected()
        console.rule(f"{scenario.name}: {scenario.description}  ({speed:g}x real time)")
        await asyncio.to_thread(household.start, start.timestamp())
        result = await asyncio.to_thread(sim.run, scenario, household, speed, start, clock=time_base)
        # The household leaves first, saying so: its devices going offline is planned, not a failure.
        await asyncio.to_thread(household.stop)
        await time_base.taken_in()
        await settle(hub)
    finally:
        for close in phones:
            close()
        if household.started:
            await asyncio.to_thread(household.stop)
        await hub.stop()
    if time_base.unreceived:
        err_console.print(f"({time_base.unreceived} of the household's messages did not reach the hub in time)")
    table = Table(title=f"{result.published} messages from {len(specs)} devices")
    table.add_column("kind")
    table.add_column("events", justify="right")
    for kind, n in sorted(counts.items()):
        table.add_row(kind, str(n))
    console.print(table)
    shown = _shown(database)
    console.print(f"event log kept in {shown}; try 'carehub --database {shown} report grandma' or "
                  f"'carehub --database {shown} events --kind alert_raised'", highlight=False, soft_wrap=True)
    return counts


def _shown(path: Path) -> str:
    """``path`` as a user would type it here: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@click.command()
@click.option("--scenario", default="normal_day", show_default=True,
              type=click.Choice(["normal_day", "fall", "missed_medication", "night_wandering",
                                 "child_leaves_school"]))
@click.option("--speed", default=1200.0, show_default=True, type=click.FloatRange(min=1),
              help="simulated seconds per real second")
@click.option("--database", type=click.Path(dir_okay=False, path_type=Path),
              help="keep the demo's event log here (default: demo.db beside the configured log, replaced on "
                   "each run)")
@click.option("--all", "show_all", is_flag=True, help="also show battery and step readings")
@click.pass_context
def demo(ctx: click.Context, scenario: str, speed: float, database: Path | None, show_all: bool) -> None:
    """Run the hub and a simulated household through a day, showing every event live."""
    config = load(ctx)
    asyncio.run(run_demo(config, scenario, speed, database, console, show_all))


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def simulate(ctx: click.Context) -> None:
    """Replay a scenario with simulated devices against a running hub's broker, on the hub's clock.

    Defaults come from the configuration (broker host and port, home id and time zone, the hub's HTTP
    address, whose /api/health tells the simulator how the hub's clock runs: 'carehub run --speed 600'
    makes a day pass in minutes); any option of the simulator (--scenario, --start, --seed, --host,
    --port, --hub, --speed) can be given; see --help.
    """
    from firmware_stubs.household import main as simulate_main

    args = list(ctx.args)
    passwords: dict[str, str] = {}
    if "-h" not in args and "--help" not in args:
        config = load(ctx)
        # The running hub's secret gives each simulated device its login.
        passwords = device_passwords(config, only_if_stored=True)
        defaults = {"--host": config.mqtt.host, "--port": str(config.mqtt.port), "--home": config.home.id,
                    "--prefix": config.mqtt.topic_prefix, "--timezone": config.home.timezone}
        if config.http.enabled:
            host = "127.0.0.1" if config.http.host in ("0.0.0.0", "::", "") else config.http.host
            defaults["--hub"] = f"http://{f'[{host}]' if ':' in host else host}:{config.http.port}"
        for flag, value in defaults.items():
            if flag not in args and not any(a.startswith(flag + "=") for a in args):
                args += [flag, value]
    sys.exit(simulate_main(args, passwords=passwords))


COMMANDS = (demo, simulate)
