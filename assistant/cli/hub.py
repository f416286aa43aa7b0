"""``carehub run``, ``check``, ``skills`` and ``say``: run the hub, check it, list skills, talk to it."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import traceback
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from assistant import __version__
from assistant.cli.common import console, err_console, load
from assistant.cli.startup import refuse_a_refusing_broker, start_failure
from assistant.config import Config, database_problems, find_config_path
from assistant.skill_api import IntentSpec, OnSpec, ScheduleSpec, ToolSpec
from assistant.skill_loader import SkillClass, discover


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


@click.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Run the hub until Ctrl-C."""
    from assistant.app import build_hub
    from assistant.logsetup import configure_logging

    config = load(ctx)
    classes = _refuse_to_start(ctx, config)
    configure_logging(config.log_level)

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
        hub = build_hub(config, skills=classes)
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
