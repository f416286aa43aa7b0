"""``carehub worker`` runs a share of an operator's homes; ``carehub operator`` shows them (docs/operators.md)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import signal
import socket
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from assistant.cli.common import console, err_console, load
from assistant.cluster.homes import PARTITIONS, partition_of
from assistant.cluster.pg_homes import homes_source
from assistant import eventloop

_HOMES = click.option("--homes", "homes_dir", required=True, metavar="FOLDER|postgresql://...",
                      help="folder of per-home files (<home id>.yaml each), or a PostgreSQL registry's URL")
_DATA = click.option("--data", "data_dir", required=True, type=click.Path(file_okay=False),
                     help="folder of the partitions' databases (p<k>/homes.db, every home's rows)")
_PARTITIONS = click.option("--partitions", type=click.IntRange(1, 4096), default=PARTITIONS, show_default=True,
                           help="partitions of homes; the same on every worker, for the life of the deployment")
_ETCD = click.option("--etcd", metavar="URL", help="etcd's client URL (http://host:2379): share the homes with "
                                                   "other workers, take over from a dead one")


@click.command()
@_HOMES
@_DATA
@_ETCD
@_PARTITIONS
@click.option("--id", "worker_id", default=lambda: socket.gethostname(), show_default="the host name",
              help="this worker's name, unique among the workers")
@click.option("--ttl", type=click.IntRange(1, 60), default=3, show_default=True,
              help="seconds without renewing its lease after which the worker's partitions go to another")
@click.option("--scan-every", type=click.FloatRange(0.1, 3600), default=5.0, show_default=True,
              help="seconds between readings of the home files")
@click.option("--public-url", metavar="URL", help="the care centre's address as caregivers' phones reach it "
                                                  "(carehub operator serve): their alerts' links open there")
@click.option("--loop", "loop_kind", type=click.Choice(eventloop.KINDS), default="auto", show_default=True,
              help="the event loop: uvloop (in C; auto takes it when installed) or asyncio's own")
@click.option("--hold-at-most", type=click.FloatRange(0, 5), default=0.25, show_default=True,
              help="seconds an SOS or a fall stops the reading of the partitions' main sessions at most, "
                   "until its page is sent (0: never)")
@click.pass_context
def worker(ctx: click.Context, homes_dir: str, data_dir: str, etcd: str | None, partitions: int, worker_id: str,
           ttl: int, scan_every: float, public_url: str | None, loop_kind: str, hold_at_most: float) -> None:
    """Run an operator's homes: the partitions this worker holds, until Ctrl-C.

    The broker is config.yaml's mqtt section (an external broker: Mosquitto, an EMQX cluster). Without --etcd
    this worker carries every home alone.
    """
    from assistant.cluster.lease import PartitionLeases
    from assistant.cluster.worker import Worker, WorkerSettings
    from assistant.logsetup import configure_logging

    try:
        eventloop.chosen(loop_kind)
    except eventloop.LoopUnavailable as error:
        raise click.UsageError(str(error)) from None
    config = load(ctx)
    if config.mqtt.broker != "external":
        raise click.UsageError("a worker needs an external broker (mqtt.broker: external in config.yaml): its "
                               "partitions' sessions must outlive it")
    configure_logging(config.log_level)
    files = _raise_open_files()
    from assistant import intents

    # Thousands of homes start with the same skills: their sentence folders are looked at once every 30 s.
    intents.FILES_KEPT_FOR = 30.0
    settings = WorkerSettings(mqtt=config.mqtt, data_dir=Path(data_dir), partitions=partitions,
                              scan_every=scan_every, public_url=public_url, hold_at_most=hold_at_most)

    async def serve() -> None:
        leases = PartitionLeases(etcd, worker_id, ttl=ttl) if etcd else None
        running = Worker(worker_id, homes_source(homes_dir), settings, leases=leases)
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, task.cancel)  # type: ignore[union-attr]
        err_console.print(f"carehub worker {escape(worker_id)}: homes in {escape(homes_dir)}, {partitions} "
                          f"partition(s), broker {config.mqtt.host}:{config.mqtt.port}, "
                          + (f"etcd {escape(etcd)}" if etcd else "alone (no etcd)")
                          + f"; up to {files} open files (a partition keeps {FILES_PER_PARTITION}); event loop "
                          + eventloop.running_kind(), highlight=False)
        try:
            await running.run()
        except asyncio.CancelledError:
            pass
        finally:
            if leases is not None:
                await leases.close()

    eventloop.run(serve(), loop_kind)


FILES_PER_PARTITION = 5
"""Open files a partition keeps in a worker, however many homes it has: its homes share one SQLite connection,
which keeps the file, its WAL and its shared memory open, and its MQTT sessions (the main one and the urgent lane)
are a socket each."""


def _raise_open_files() -> int:
    """Raise this process's open-file limit to its hard limit: every partition keeps a few files open, and a home
    reading a file (a skill's sentences) one more for a moment."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft


@click.group()
def operator() -> None:
    """An operator's view of many homes: homes, partitions, workers, open alerts."""


@operator.command()
@_HOMES
@_PARTITIONS
@click.option("--json", "as_json", is_flag=True, help="one JSON object instead of a table")
def homes(homes_dir: str, partitions: int, as_json: bool) -> None:
    """Every home, its partition, and the files that were refused (exit 1 when some were)."""
    scan = homes_source(homes_dir).scan()
    rows = [{"home": home, "partition": partition_of(home, partitions), "people": len(f.config.people),
             "devices": len(f.config.devices), "file": f.path.name} for home, f in sorted(scan.homes.items())]
    if as_json:
        click.echo(json.dumps({"homes": rows, "problems": scan.problems}, indent=2))
    else:
        table = Table("home", "partition", "people", "devices", "file")
        for row in rows:
            table.add_row(*(str(row[k]) for k in ("home", "partition", "people", "devices", "file")))
        console.print(table)
        for name, problems in scan.problems.items():
            err_console.print(f"[bold red]{escape(name)}[/] refused: " + escape("; ".join(problems)))
    if scan.problems:
        raise SystemExit(1)


async def _ask_etcd(etcd: str) -> tuple[list[str], dict[int, Any]]:
    from assistant.cluster.lease import PartitionLeases

    leases = PartitionLeases(etcd, "operator")  # asking grants no lease and claims nothing
    try:
        return await leases.workers(), await leases.holders()
    finally:
        await leases.close()


@operator.command()
@click.option("--etcd", metavar="URL", required=True, help="etcd's client URL")
@_PARTITIONS
@click.option("--json", "as_json", is_flag=True, help="one JSON object instead of a table")
def partitions(etcd: str, partitions: int, as_json: bool) -> None:
    """The live workers and which partition each holds, with its fencing token; partitions nobody holds."""
    from assistant.cluster.lease import EtcdError

    try:
        workers, holders = asyncio.run(_ask_etcd(etcd))
    except EtcdError as error:
        raise click.ClickException(str(error)) from None
    free = [k for k in range(partitions) if k not in holders]
    if as_json:
        click.echo(json.dumps({"workers": workers, "free": free,
                               "partitions": {str(k): {"worker": h.worker, "token": h.token}
                                              for k, h in holders.items()}}, indent=2))
        return
    table = Table("worker", "partitions", "held")
    for name in workers:
        held = [k for k, h in holders.items() if h.worker == name]
        table.add_row(name, str(len(held)), ", ".join(map(str, held)))
    console.print(table)
    console.print(f"not held: {', '.join(map(str, free)) or 'none'}", highlight=False)


@operator.command()
@_HOMES
@_DATA
@_PARTITIONS
@click.option("--json", "as_json", is_flag=True, help="one JSON list instead of a table")
def alerts(homes_dir: str, data_dir: str, partitions: int, as_json: bool) -> None:
    """Open and acknowledged alerts across every home, most urgent first (read from the homes' databases)."""
    from assistant.cluster.overview import Overview

    found = Overview(homes_dir, data_dir, partitions).alerts()
    for alert in found:
        alert.pop("messages")
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    table = Table("home", "person", "alert", "priority", "status", "raised", "id")
    for a in found:
        status = a["status"] + (f" by {a['acked_by']}" if a["acked_by"] else "")
        table.add_row(a["home"], a["person"] or "", a["kind"], a["priority"], status, a["raised_at"][:19], a["id"])
    console.print(table)
    console.print(f"{sum(a['status'] == 'open' for a in found)} open, "
                  f"{sum(a['status'] == 'acknowledged' for a in found)} acknowledged", highlight=False)


@operator.command()
@_HOMES
@_DATA
@_ETCD
@_PARTITIONS
@click.option("--staff", "staff_file", required=True, type=click.Path(dir_okay=False, exists=True),
              help="YAML file of the centre's staff: staff: [{id, name, token}] (token: 32+ characters or sha256:)")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8770, show_default=True)
@click.option("--https", "behind_https", is_flag=True,
              help="staff and caregivers reach the centre over HTTPS (a proxy in front): its cookie is Secure")
@click.pass_context
def serve(ctx: click.Context, homes_dir: str, data_dir: str, etcd: str | None, partitions: int, staff_file: str,
          host: str, port: int, behind_https: bool) -> None:
    """The care centre's web app: every home's open alerts, acknowledged or resolved from one page.

    Runs where the homes' files are (it reads them, read-only); commands reach the homes through the broker of
    config.yaml's mqtt section, whichever worker holds them. Until Ctrl-C."""
    from aiohttp import web

    from assistant.cluster.centre_web import Centre, load_staff
    from assistant.cluster.overview import Overview
    from assistant.errors import ConfigError
    from assistant.mqtt import MqttLink

    config = load(ctx)
    try:
        staff = load_staff(staff_file)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    mqtt = config.mqtt.model_copy(update={"client_id": "carehub-centre"})

    async def run() -> None:
        link = MqttLink(mqtt, subscriptions=[], status_topic=f"{mqtt.topic_prefix}/_centre/status")
        link.start()
        centre = Centre(Overview(homes_dir, data_dir, partitions), staff, link, etcd=etcd,
                        secure_cookie=behind_https)
        runner = web.AppRunner(centre.app())
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        console.print(f"care centre on http://{host}:{port}/centre/ for {len(staff)} staff", highlight=False)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
            await link.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


@operator.group()
def registry() -> None:
    """The homes in PostgreSQL (carehub_homes): make the table, put home files in, take homes out."""


_REGISTRY = click.option("--homes", "dsn", required=True, metavar="postgresql://...",
                         help="the registry's URL (postgresql://user:password@host:5432/database)")


def _registry(dsn: str) -> Any:
    from assistant.cluster.pg_homes import PostgresHomes, is_registry

    if not is_registry(dsn):
        raise click.UsageError("--homes: a postgresql:// URL")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise click.ClickException('the registry needs psycopg: pip install "psycopg[binary]"') from None
    return PostgresHomes(dsn)


@registry.command("init")
@_REGISTRY
def registry_init(dsn: str) -> None:
    """Make the carehub_homes table and its trigger (safe to run again)."""
    import psycopg

    try:
        _registry(dsn).init()
    except psycopg.Error as error:
        raise click.ClickException(f"the registry: {error}") from None
    console.print("carehub_homes is ready", highlight=False)


@registry.command("put")
@_REGISTRY
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
def registry_put(dsn: str, files: tuple[str, ...]) -> None:
    """Add or replace homes from their files (<home id>.yaml each): each is checked first, and one that does not
    validate is named with every problem and left out (exit 1)."""
    import psycopg

    from assistant.errors import ConfigError

    homes, failed = _registry(dsn), 0
    for name in files:
        path = Path(name)
        try:
            homes.put(path.stem, path.read_text(encoding="utf-8"))
            console.print(f"{path.stem}: put", highlight=False)
        except ConfigError as error:
            failed += 1
            err_console.print(f"[bold red]{escape(path.name)}[/] refused: " + escape("; ".join(error.problems)))
        except psycopg.Error as error:
            raise click.ClickException(f"the registry: {error}") from None
    if failed:
        raise SystemExit(1)


@registry.command("delete")
@_REGISTRY
@click.argument("home")
def registry_delete(dsn: str, home: str) -> None:
    """Take a home out: the workers stop it at their next scan (its rows stay in its partition's file)."""
    if not _registry(dsn).delete(home):
        raise click.ClickException(f"no home {home!r} in the registry")
    console.print(f"{home}: deleted", highlight=False)


COMMANDS = (worker, operator)
