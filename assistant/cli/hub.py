"""``carehub run``, ``check``, ``skills`` and ``say``: run the hub, check it, list skills, talk to it."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import traceback
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click
from rich.markup import escape
from rich.table import Table

from assistant import __version__
from assistant.cli.common import console, err_console, load
from assistant.cli.startup import refuse_a_refusing_broker, start_failure
from assistant.clock import ScaledClock
from assistant.config import Config, database_problems, find_config_path
from assistant.events import DeviceCameOnline, DeviceWentOffline, Event, HubStarted
from assistant.skill_api import IntentSpec, OnSpec, ScheduleSpec, ToolSpec
from assistant.skill_loader import SkillClass, discover

if TYPE_CHECKING:
    from assistant.app import Hub


def _refuse_to_start(ctx: click.Context, config: Config) -> list[SkillClass]:
    """The skills to run; or exit 2 listing, one line each, what would keep the hub from doing its job: an
    unusable database, a skill that cannot load (a hub without its medication skill must not look as if it
    were running fine). ``check`` and ``run`` refuse the same things."""
    classes, errors = discover(config)
    problems = database_problems(config)
    if problems:
        source = find_config_path((ctx.obj or {}).get("config")) or "built-in defaults"
        click.echo(f"invalid configuration {source}:", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
    if errors:
        click.echo(f"{len(errors)} skill(s) cannot load:", err=True)
        for error in errors:
            click.echo(f"  {error}", err=True)
    if problems or errors:
        ctx.exit(2)
    _warn_unreached(config)
    return classes


def _warn_unreached(config: Config) -> None:
    """People whose alerts would reach nobody (or only an app that may be closed): said plainly, not refused."""
    from assistant.alerts.reach import reach_warnings
    from assistant.cli.caregivers import signed_in_caregivers

    for warning in reach_warnings(config, signed_in_caregivers(config)):
        click.echo(f"warning: {warning}", err=True)


def demo_clock(config: Config, speed: float, start: str | None) -> ScaledClock:
    """The clock of ``carehub run --speed``: ``speed`` times real time from ``start`` (HH:MM today at home; by
    default now), held until a device comes online."""
    zone = ZoneInfo(config.home.timezone)
    now = datetime.now(zone)
    when = now if start is None else datetime.combine(now.date(), datetime.strptime(start, "%H:%M").time(),
                                                      tzinfo=zone)
    return ScaledClock(when.replace(microsecond=0), speed, paused=True)


FAST_CLOCK_SLACK = 3.0
"""Real seconds a device may go unheard on a fast clock before it counts as silent: at 600x a 0.3 s stall of a
busy machine is three simulated minutes, more than a minute-heartbeat device's usual allowance."""


def fast_clock_config(config: Config, speed: float) -> Config:
    """``config`` for a hub on a ``speed``-times clock: device_health's silence allowance stretched to at least
    ``FAST_CLOCK_SLACK`` real seconds (a real stall must not look like a device gone quiet)."""
    heartbeats = [d.heartbeat for d in config.devices if d.heartbeat]
    if speed <= 1 or not heartbeats:
        return config
    settings = dict(config.skills.get("device_health") or {})
    factor = max(float(settings.get("silent_factor", 2.5)), speed * FAST_CLOCK_SLACK / min(heartbeats))
    skills = {**config.skills, "device_health": {**settings, "silent_factor": round(factor, 1)}}
    return config.model_copy(update={"skills": skills})


def run_while_devices_are_online(hub: Hub, clock: ScaledClock) -> None:
    """A fast hub's clock runs only while some device is online: a simulated household's day passes while it
    is there, and stands still once it has gone (no evening pills missed after the night's scenario)."""
    online: set[str] = set()

    def online_changed(event: Event) -> None:
        if isinstance(event, HubStarted):
            # What an earlier run left says nothing about who is connected now; without this, a device
            # saying "online" again would not be news, and the clock would wait for it forever.
            for status in hub.registry.devices.values():
                if status.online:
                    status.online = None
        elif isinstance(event, DeviceCameOnline) and event.device:
            online.add(event.device)
        elif event.device:
            online.discard(event.device)
        if online:
            clock.resume()
        else:
            clock.pause()

    hub.bus.subscribe(online_changed, HubStarted, DeviceCameOnline, DeviceWentOffline, name="clock-while-online")


def _clock_time(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            datetime.strptime(value, "%H:%M")
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a time of day; use HH:MM, e.g. 01:25") from None
    return value


@click.command()
@click.option("--speed", type=click.FloatRange(min=1), metavar="N",
              help="run the hub's clock N times faster than real time, for a simulated household "
                   "('carehub simulate' follows it); it runs only while some device is online")
@click.option("--start", metavar="HH:MM", callback=_clock_time,
              help="with --speed: the time of day the clock starts at (default: now)")
@click.pass_context
def run(ctx: click.Context, speed: float | None, start: str | None) -> None:
    """Run the hub until Ctrl-C."""
    from assistant.app import build_hub
    from assistant.logsetup import configure_logging

    config = load(ctx)
    if start is not None and speed is None:
        raise click.UsageError("--start needs --speed: a hub in real time keeps the real time")
    classes = _refuse_to_start(ctx, config)
    configure_logging(config.log_level)
    clock = demo_clock(config, speed, start) if speed is not None else None
    if speed is not None:
        config = fast_clock_config(config, speed)

    async def serve() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        serving = asyncio.current_task()
        starting = True

        def on_signal() -> None:
            stop.set()
            if starting and serving is not None:
                serving.cancel()  # a start stuck on a disk or a port must still end on SIGTERM

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal)
        hub = build_hub(config, skills=classes, clock=clock)
        if clock is not None:
            run_while_devices_are_online(hub, clock)
        try:
            await hub.start()
            await refuse_a_refusing_broker(hub)
        except (Exception, asyncio.CancelledError) as error:  # noqa: BLE001 - one line, the traceback with --debug
            starting = False
            try:
                await asyncio.wait_for(hub.stop(), 15)
            except Exception as stop_error:  # noqa: BLE001 - the first error is the one to report
                err_console.print(f"(stopping the half-started hub also failed: {stop_error!r})")
            if isinstance(error, asyncio.CancelledError):
                err_console.print("stopped while starting")
                return 1
            if (ctx.obj or {}).get("debug"):
                traceback.print_exception(error)
            problem, code = start_failure(error, config)
            err_console.print(f"[bold red]cannot start:[/] {escape(problem)}", soft_wrap=True, markup=True,
                              highlight=False)
            return code
        starting = False
        where = f"http://{config.http.host}:{hub.http.port}" if hub.http else "HTTP off"
        err_console.print(
            f"carehub {__version__}: home '{config.home.id}', {len(config.devices)} device(s), "
            f"broker {config.mqtt.broker} at {config.mqtt.host}:{config.mqtt.port}, {where}, "
            f"log {config.database_path}"
        )
        if clock is not None:
            when = clock.now().astimezone(ZoneInfo(config.home.timezone))
            err_console.print(f"clock: {clock.speed:g}x real time from {when:%a %H:%M}, running only while some "
                              "device is online; try 'carehub simulate --scenario night_wandering'", highlight=False)
        try:
            await stop.wait()
        finally:
            await hub.stop()
        return 0

    code = asyncio.run(serve())
    if code:
        sys.exit(code)


@click.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Validate the configuration and the skills; list every problem and exit non-zero if there is any."""
    config = load(ctx)
    classes = _refuse_to_start(ctx, config)
    click.echo(
        f"configuration OK: home '{config.home.id}', {len(config.people)} people, "
        f"{len(config.devices)} devices, {len(classes)} skill(s), broker {config.mqtt.broker}, "
        f"log {config.database_path}"
    )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
@click.pass_context
def skills(ctx: click.Context, as_json: bool) -> None:
    """List installed skills with their intents, schedules, tools and event handlers."""
    config = load(ctx)
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


@click.command()
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
    config = load(ctx)
    url = f"http://{config.http.host}:{config.http.port}/api/say"
    body = json.dumps({"text": text, "language": language, "person": person, "room": room}).encode()
    from assistant.cli.tokens import local_admin_token

    token = local_admin_token(config)  # the command line is the hub's own admin (docs/security/http.md)
    request = urllib.request.Request(url, body, {"Content-Type": "application/json",
                                                 "Authorization": f"Bearer {token}"})
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
        from assistant.cli.listen import speak_to_file
        from assistant.speech.tts import SpeechUnavailable

        try:
            speak_to_file(answer["reply"], answer["language"], speak_path)
        except SpeechUnavailable as error:
            click.echo(f"carehub: cannot speak the reply: {error.reason}", err=True)
            ctx.exit(2)
        click.echo(f"spoken reply written to {speak_path}", err=True)
    if not answer["understood"]:
        ctx.exit(3)


COMMANDS = (run, check, skills, say)
