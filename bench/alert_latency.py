"""Caregiver alert latency, SOS publish → notification received, through Mosquitto and a hub process.

A panic button's SOS goes in as a device would send it (``{"type": "sos"}`` at QoS 1 on
``carehub/<home>/panic-button/event``); it comes out as the caregiver's notification, posted by Apprise
(``json://127.0.0.1:PORT/anna``) to a local HTTP receiver in this process. Both ends are timestamped here,
on one clock.

    python bench/alert_latency.py                          # 200 SOS idle, then 200 under 1,000 readings/s
    python bench/alert_latency.py --quick                  # 30 SOS each, background 300/s (CI smoke)
    python bench/alert_latency.py --sos 500 --background-rate 2000
    python bench/alert_latency.py --profile DIR            # also write a cProfile of the hub into DIR

SOS events go strictly one at a time: publish, wait for the notification (or 5 s), acknowledge the
alert through its link like a caregiver would (so open alerts do not pile up), pause, then the next.
That makes matching trivial; after the run each notification's alert id is still checked against its
SOS through the event log's cause chain (alert → alert_requested → sos_pressed, whose dedupe key
holds the SOS's msg_id). The same chain's timestamps split each latency into stages.

The baseline phase runs with nothing else going on; the loaded phase while a separate publisher process
sends wearable readings at a steady paced rate. Its achieved rate is printed twice: as the broker
acknowledged the publishes, and as the hub acknowledged the messages (after committing them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# Run as a script, so this folder is on sys.path: reuse the ingest bench's broker and process helpers.
from ingest import BenchError, Mosquitto, free_port, log, percentile, show_logs, stop_process

REPO = Path(__file__).resolve().parent.parent
HOME = "bench"
PERSON = "grandma"
BUTTON = "panic-button"
WATCH = "watch"
CAREGIVER = "anna"
GOAL_P50_MS = 20.0
GOAL_P99_MS = 100.0
SOS_TIMEOUT = 5.0
ALERT_ID = re.compile(r"alert-id: (\S+)")
ADMIN_TOKEN = secrets.token_urlsafe(32)
"""The bench's own admin credential (``http.admins``): the full ``/api/health`` is for admins."""
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
ALERT_LINK = re.compile(r"(http://\S+)/app/alerts/([^/?\s]+)\?token=(\S+)")
"""The page's link to the alert in the caregiver app; the bench taps it as ``/api/alerts/<id>/ack?token=``."""


# -- worker: the background publisher ------------------------------------------------------------


def background_worker(args: argparse.Namespace) -> int:
    """Publish wearable readings at ``--rate`` per second until SIGTERM; print what the broker acknowledged.

    Paced against the start time (not a fixed sleep per message), so a late wake-up catches up instead
    of drifting below the rate.
    """
    import paho.mqtt.client as mqtt

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    acked = 0
    connected = threading.Event()

    def on_publish(client: mqtt.Client, userdata: object, mid: int, code: object, props: object) -> None:
        nonlocal acked
        acked += 1

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-bg-{os.getpid()}",
                         protocol=mqtt.MQTTv311)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.on_publish = on_publish
    client.on_connect = lambda c, u, f, rc, p: connected.set()
    client.connect("127.0.0.1", args.port, keepalive=30)
    client.loop_start()
    sent = 0
    try:
        if not connected.wait(10):
            raise BenchError("background publisher could not connect")
        Path(args.ready).touch()
        template = b'{"heart_rate": %d, "spo2": 97, "msg_id": "bg-%d"}'
        start = time.monotonic()
        # Bounded even if nobody stops it.
        while not stop.is_set() and time.monotonic() - start < args.timeout:
            due = int((time.monotonic() - start) * args.rate)
            # After a stall, catch up by at most a tenth of a second's worth at once (a steady stream, not a burst).
            for _ in range(min(due - sent, max(1, int(args.rate / 10)))):
                client.publish(args.topic, template % (60 + sent % 40, sent), qos=1)
                sent += 1
            time.sleep(0.001)
        elapsed = time.monotonic() - start
        deadline = time.monotonic() + 5
        while acked < sent and time.monotonic() < deadline:
            time.sleep(0.01)
        print(json.dumps({"sent": sent, "acked": acked, "seconds": elapsed}), flush=True)
    finally:
        client.disconnect()
        client.loop_stop()
    return 0


# -- the caregiver's end: a local webhook --------------------------------------------------------


@dataclass
class Notification:
    arrived: float
    """time.monotonic() when the request reached the handler."""
    arrived_wall: float
    alert_id: str
    ack_link: str | None
    title: str


class Receiver:
    """What Apprise's json:// posts ({"version", "title", "message", "type"}), queued as it arrives."""

    def __init__(self) -> None:
        self.port = free_port()
        self.queue: asyncio.Queue[Notification] = asyncio.Queue()
        self._runner = None

    async def start(self) -> None:
        from aiohttp import web

        async def hook(request: web.Request) -> web.Response:
            arrived, arrived_wall = time.monotonic(), time.time()
            body = await request.json()
            message = str(body.get("message", ""))
            alert_id = ALERT_ID.search(message)
            link = ALERT_LINK.search(message)
            ack = f"{link.group(1)}/api/alerts/{link.group(2)}/ack?token={link.group(3)}" if link else None
            self.queue.put_nowait(Notification(arrived, arrived_wall, alert_id.group(1) if alert_id else "",
                                               ack, str(body.get("title", ""))))
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post("/{who}", hook)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, who: str) -> str:
        return f"json://127.0.0.1:{self.port}/{who}"


# -- the device's end: one SOS at a time ---------------------------------------------------------


class SosButton:
    """The panic button: a paho client publishing ``{"type": "sos", "msg_id": ...}`` at QoS 1."""

    def __init__(self, port: int) -> None:
        import paho.mqtt.client as mqtt

        self._connected = threading.Event()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-sos-{os.getpid()}",
                                  protocol=mqtt.MQTTv311)
        self.client.on_connect = lambda c, u, f, rc, p: self._connected.set()
        self.client.connect("127.0.0.1", port, keepalive=30)
        self.client.loop_start()
        if not self._connected.wait(10):
            self.close()
            raise BenchError("the SOS publisher could not connect")
        self.topic = f"carehub/{HOME}/{BUTTON}/event"

    def press(self, msg_id: str) -> tuple[float, float]:
        """Publish one SOS; returns (monotonic, wall) time of the publish call."""
        payload = json.dumps({"type": "sos", "msg_id": msg_id}).encode()
        at, wall = time.monotonic(), time.time()
        self.client.publish(self.topic, payload, qos=1)
        return at, wall

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


# -- the hub -------------------------------------------------------------------------------------


def hub_config(broker_port: int, http_port: int, receiver: Receiver, db: Path) -> dict:
    return {
        "home": {"id": HOME, "name": "Bench flat", "timezone": "UTC"},
        "mqtt": {"broker": "external", "host": "127.0.0.1", "port": broker_port, "client_id": "bench-alert-hub"},
        "storage": {"database": str(db)},
        # One caregiver answering an SOS every few tenths of a second, all from this address: past the guard's
        # 20 acknowledgements a minute an address is meant for, so the bench's household allows its pace.
        "http": {"enabled": True, "host": "127.0.0.1", "port": http_port, "acks_per_minute": 10000,
                 "admins": [{"id": "bench", "token": ADMIN_TOKEN}]},
        "people": [{"id": PERSON, "name": "Margaret", "role": "elder"}],
        "devices": [{"id": BUTTON, "kind": "button", "person": PERSON},
                    {"id": WATCH, "kind": "wearable", "person": PERSON}],
        "caregivers": [{"id": CAREGIVER, "name": "Anna", "people": [PERSON], "tier": 1,
                        "channels": [receiver.url(CAREGIVER)]}],
        # Every SOS its own alert; no repeat round can fire during the run (each alert is acknowledged anyway).
        "alerts": {"fold_window": 0, "public_url": f"http://127.0.0.1:{http_port}",
                   "high": {"repeat_every": 3600}},
        "log_level": "WARNING",
    }


async def wait_hub_ready(proc: subprocess.Popen, http_port: int, workdir: Path, timeout: float = 30.0) -> None:
    """Until the hub reports itself connected to the broker with the safety skill loaded."""
    import aiohttp

    deadline = time.monotonic() + timeout
    health: dict = {}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise BenchError(f"the hub exited with {proc.returncode} (see {workdir})")
            try:
                async with http.get(f"http://127.0.0.1:{http_port}/api/health", headers=ADMIN) as resp:
                    health = await resp.json()
                if health.get("broker", {}).get("connected"):
                    if "safety" not in health.get("skills", {}).get("loaded", []):
                        raise BenchError(f"the safety skill is not loaded: {health.get('skills')}")
                    return
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                pass
            await asyncio.sleep(0.1)
    raise BenchError(f"the hub did not connect within {timeout:g} s (see {workdir})")


async def hub_acked(http_port: int) -> int | None:
    """Messages the hub has acknowledged to the broker (each one after its rows were committed)."""
    import aiohttp

    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            async with http.get(f"http://127.0.0.1:{http_port}/api/health") as resp:
                return int((await resp.json())["messages"]["acked"])
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError, TypeError):
        return None


# -- one phase: N SOS, one at a time -------------------------------------------------------------


@dataclass
class Sample:
    msg_id: str
    alert_id: str
    published_wall: float
    received_wall: float
    latency_ms: float


@dataclass
class Phase:
    name: str
    samples: list[Sample] = field(default_factory=list)
    timeouts: int = 0
    strays: int = 0
    """Notifications that arrived while no SOS was waiting (late ones, after a timeout)."""
    ack_failures: int = 0
    seconds: float = 0.0

    @property
    def latencies(self) -> list[float]:
        return [s.latency_ms for s in self.samples]


async def run_phase(name: str, count: int, button: SosButton, receiver: Receiver, spacing: float) -> Phase:
    import aiohttp

    phase = Phase(name)
    seen: set[str] = set()
    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=SOS_TIMEOUT)) as http:
        for i in range(count):
            while not receiver.queue.empty():
                receiver.queue.get_nowait()
                phase.strays += 1
            msg_id = f"{name}-{i:05d}"
            published, published_wall = button.press(msg_id)
            deadline = published + SOS_TIMEOUT
            note: Notification | None = None
            while note is None:
                try:
                    got = await asyncio.wait_for(receiver.queue.get(), max(0.0, deadline - time.monotonic()))
                except asyncio.TimeoutError:
                    break
                if got.alert_id and got.alert_id not in seen:
                    note = got
                else:
                    phase.strays += 1  # a repeat round of an earlier alert, not this SOS
            if note is None:
                phase.timeouts += 1
                continue
            seen.add(note.alert_id)
            phase.samples.append(Sample(msg_id, note.alert_id, published_wall, note.arrived_wall,
                                        (note.arrived - published) * 1000))
            if note.ack_link is None:
                phase.ack_failures += 1
            else:
                try:
                    async with http.post(note.ack_link) as resp:
                        if resp.status != 200:
                            phase.ack_failures += 1
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    phase.ack_failures += 1
            await asyncio.sleep(spacing)
    phase.seconds = time.monotonic() - started
    return phase


# -- where the time went: the event log's cause chain --------------------------------------------

STAGES = ("MQTT in + decode", "skill -> notify", "alert stored", "timer -> sending", "Apprise -> receiver",
          "delivery logged")
CHAIN = """
SELECT sos.dedupe_key, sos.ts, note.ts, raised.ts,
       (SELECT ts FROM alert_log WHERE alert_id = a.id AND transition = 'sending' ORDER BY id LIMIT 1),
       (SELECT ts FROM alert_log WHERE alert_id = a.id AND transition = 'attempt' ORDER BY id LIMIT 1)
FROM alerts a
JOIN events note ON note.id = a.cause
JOIN events sos ON sos.id = note.cause
LEFT JOIN events raised ON raised.kind = 'alert_raised' AND json_extract(raised.data, '$.alert_id') = a.id
WHERE a.id = ?
"""


def trace(db: Path, phases: list[Phase]) -> tuple[int, int, dict[str, list[list[float]]]]:
    """Check each sample against its SOS through the cause chain; split its latency into stages (ms)."""
    stages: dict[str, list[list[float]]] = {}
    matched = total = 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        for phase in phases:
            rows: list[list[float]] = []
            for sample in phase.samples:
                total += 1
                row = conn.execute(CHAIN, [sample.alert_id]).fetchone()
                if row is None or row[0] != f"{HOME}/{BUTTON}/{sample.msg_id}#0":
                    continue
                matched += 1
                if any(v is None for v in row[1:]):
                    continue
                marks = [sample.published_wall, *(datetime.fromisoformat(ts).timestamp() for ts in row[1:5]),
                         sample.received_wall, datetime.fromisoformat(row[5]).timestamp()]
                rows.append([(b - a) * 1000 for a, b in zip(marks, marks[1:])])
            stages[phase.name] = rows
    finally:
        conn.close()
    return matched, total, stages


# -- the bench -----------------------------------------------------------------------------------


def start_background(workdir: Path, port: int, rate: float, timeout: float) -> subprocess.Popen:
    ready = workdir / "background.ready"
    proc = subprocess.Popen(
        [sys.executable, __file__, "--background-worker", "--port", str(port), "--rate", str(rate),
         "--topic", f"carehub/{HOME}/{WATCH}/state", "--ready", str(ready), "--timeout", str(timeout)],
        stdout=subprocess.PIPE, stderr=(workdir / "background.log").open("wb"))
    deadline = time.monotonic() + 15
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_process(proc)
            raise BenchError(f"the background publisher did not start (see {workdir})")
        time.sleep(0.05)
    return proc


def stop_background(proc: subprocess.Popen) -> dict:
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
        raise BenchError("the background publisher did not stop") from None
    lines = out.decode().strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise BenchError(f"the background publisher failed with {proc.returncode}")
    return json.loads(lines[-1])


def summary(phase: Phase, count: int) -> str:
    lat = phase.latencies
    if not lat:
        return f"no notification received ({phase.timeouts} timeouts)"
    text = (f"p50 {percentile(lat, 0.5):.1f} ms, p99 {percentile(lat, 0.99):.1f} ms "
            f"(min {min(lat):.1f}, mean {statistics.fmean(lat):.1f}, max {max(lat):.1f}; "
            f"{len(lat)}/{count} received")
    extras = [f"{phase.timeouts} timed out after {SOS_TIMEOUT:g} s" if phase.timeouts else "",
              f"{phase.strays} stray" if phase.strays else "",
              f"{phase.ack_failures} acknowledgements failed" if phase.ack_failures else ""]
    return text + "".join(f"; {e}" for e in extras if e) + ")"


async def bench(args: argparse.Namespace, workdir: Path, broker: Mosquitto) -> int:
    receiver = Receiver()
    await receiver.start()
    http_port = free_port()
    db = workdir / "hub.db"
    config = workdir / "config.yaml"
    config.write_text(json.dumps(hub_config(broker.port, http_port, receiver, db), indent=1))  # JSON is YAML
    command = [sys.executable]
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        command += ["-m", "cProfile", "-o", str(Path(args.profile).resolve() / "alert_latency_hub.prof")]
    command += ["-m", "assistant", "--config", str(config), "run"]
    hub = subprocess.Popen(command, cwd=REPO, stdout=(workdir / "hub.log").open("wb"), stderr=subprocess.STDOUT)
    button: SosButton | None = None
    background: subprocess.Popen | None = None
    try:
        await wait_hub_ready(hub, http_port, workdir)
        button = SosButton(broker.port)
        spacing = args.spacing / 1000
        # Untimed: the first alert pays for imports (Apprise and its plugins), connections, caches.
        warmup = await run_phase("warmup", args.warmup, button, receiver, spacing)
        if args.warmup and not warmup.samples:
            raise BenchError(f"no notification arrived in the warm-up (see {workdir})")
        baseline = await run_phase("idle", args.sos, button, receiver, spacing)
        log(f"  baseline (no background load):       {summary(baseline, args.sos)}")

        background = start_background(workdir, broker.port, args.background_rate,
                                      timeout=60 + args.sos * (SOS_TIMEOUT + spacing + 1))
        await asyncio.sleep(args.settle)
        acked_before, window_start = await hub_acked(http_port), time.monotonic()
        loaded = await run_phase("loaded", args.sos, button, receiver, spacing)
        acked_after, window = await hub_acked(http_port), time.monotonic() - window_start
        report = stop_background(background)
        background = None
        log(f"  under load ({args.background_rate:g} readings/s requested): {summary(loaded, args.sos)}")
        broker_rate = report["acked"] / report["seconds"] if report["seconds"] else 0.0
        # The hub's count includes the SOS messages themselves: leave them out.
        hub_rate = ((acked_after - acked_before - args.sos) / window
                    if acked_before is not None and acked_after is not None else None)
        log(f"  background load achieved: {broker_rate:.0f} readings/s acknowledged by the broker "
            f"({report['sent']} sent in {report['seconds']:.1f} s); "
            + (f"{hub_rate:.0f} readings/s committed and acknowledged by the hub during the loaded SOS run"
               if hub_rate is not None else "hub rate unknown (/api/health did not answer)"))
    finally:
        if background is not None:
            stop_process(background)
        if button is not None:
            button.close()
        stop_process(hub, 15)
        await receiver.stop()

    matched, total, stages = trace(db, [baseline, loaded])
    log(f"  matched to their SOS through the cause chain: {matched}/{total}")
    for name, rows in stages.items():
        if rows:
            parts = ", ".join(f"{stage} {statistics.median(col):.1f}/{percentile(col, 0.99):.1f}"
                              for stage, col in zip(STAGES, zip(*rows)))
            log(f"  stages {name} (median/p99 ms): {parts}")
    if not baseline.samples or not loaded.samples:
        return 1
    p50, p99 = percentile(loaded.latencies, 0.5), percentile(loaded.latencies, 0.99)
    verdict = "met" if p50 <= GOAL_P50_MS and p99 <= GOAL_P99_MS else "NOT met"
    log(f"goal under load: p50 <= {GOAL_P50_MS:g} ms, p99 <= {GOAL_P99_MS:g} ms: {verdict} "
        f"(p50 {p50:.1f} ms, p99 {p99:.1f} ms)")
    return 0


def bench_main(args: argparse.Namespace) -> int:
    if args.quick:
        args.sos, args.background_rate, args.warmup, args.settle = 30, 300.0, 3, 0.5
    with tempfile.TemporaryDirectory(prefix="carehub-alert-bench-") as tmp:
        workdir = Path(tmp)
        broker: Mosquitto | None = None
        try:
            broker = Mosquitto(workdir, args.broker_inflight)
            log(f"alert latency bench: SOS (MQTT QoS 1) -> hub -> Apprise json:// -> local receiver; "
                f"{args.sos} SOS per phase, one at a time, {args.spacing:g} ms apart; Mosquitto on 127.0.0.1:"
                f"{broker.port}; {os.cpu_count()} CPU(s)")
            return asyncio.run(bench(args, workdir, broker))
        except BenchError as error:
            log(f"bench failed: {error}")
            show_logs(workdir)
            return 1
        finally:
            if broker is not None:
                broker.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sos", type=int, default=200, help="SOS events per phase (default 200)")
    parser.add_argument("--background-rate", type=float, default=1000.0,
                        help="wearable readings per second during the loaded phase (default 1000)")
    parser.add_argument("--spacing", type=float, default=50.0,
                        help="ms between one SOS's notification and the next SOS (default 50)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed SOS events first (default 10)")
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds of background load before the loaded phase starts (default 1)")
    parser.add_argument("--broker-inflight", type=int, default=100,
                        help="Mosquitto max_inflight_messages per client (default 100)")
    parser.add_argument("--quick", action="store_true", help="30 SOS per phase, background 300/s (CI smoke)")
    parser.add_argument("--profile", metavar="DIR", help="run the hub under cProfile into DIR")
    # The background publisher: this same file, run as a subprocess.
    parser.add_argument("--background-worker", action="store_true", help=argparse.SUPPRESS)
    for name, kind in (("--port", int), ("--topic", str), ("--rate", float), ("--ready", str),
                       ("--timeout", float)):
        parser.add_argument(name, type=kind, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.background_worker:
        return background_worker(args)
    return bench_main(args)


if __name__ == "__main__":
    sys.exit(main())
