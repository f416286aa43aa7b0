"""Many homes on workers: what one worker costs per home, SOS → caregiver latency at load, and a takeover.

    python bench/many_homes.py                       # 1,000 homes, 30 s of load, then the kill -9 takeover
    python bench/many_homes.py --homes 200 --seconds 10 --no-failover   # a quick look
    python bench/many_homes.py --homes 10000         # the issue's size (needs the memory: see the per-home figure)
    python bench/many_homes.py --homes 10000 --soak 1200 --answer 30   # twenty minutes, each alert answered in 30 s
    python bench/many_homes.py --homes 10000 --soak 1200 --answer 30 --workers 2   # the same homes on two workers
    python bench/many_homes.py --homes 10000 --soak 300 --answer 30 --sos-every 0.1  # a flood of alarms
    python bench/many_homes.py --homes 4000 --handovers 8   # the second of two workers killed and replaced 8 times

Everything is started and stopped here: a Mosquitto on a free port, an etcd (for the takeover), the workers
(``carehub worker`` processes) and the simulator (this process). Each home is a household file as an operator
writes it (an elder, her watch, a hall sensor, a caregiver whose channel is this process's webhook), with every
built-in skill. The simulator publishes a reading every 5 s per home (the hall sensor's), spread evenly, a heartbeat of
each watch every 300 s as the device contract asks of a device with nothing else to say, and presses SOS on a home
every second (after one untimed SOS that warms up the notifier), timing each SOS from its publish to the
caregiver's webhook receiving the page.

Figures, each against a baseline measured in the same run:
- one worker: its RSS, CPU and open files with 10 homes (the baseline) and with N; per home = the difference /
  (N - 10); the time to start the N homes; SOS → caregiver p50/p99 at load beside the same with 10 homes. Each SOS
  goes to a home not yet paged (a second SOS while the first alert is open folds into it and pages nobody).
- one against two workers, each capped to the same CPU share by a cgroup (root and cgroup v1's cpu controller;
  skipped, saying why, without them): readings/s sustained while a flood of readings is logged (until the last
  row's own time), the ratio, and how busy the whole machine was meanwhile (with no core idle, the machine is the
  limit, not the caps); ``--rounds`` rounds taken in turn (one, two, one, two, ...), each ratio and their median.
- takeover (two workers sharing the homes through etcd, at the same load): kill -9 of one; seconds until the other
  holds every partition, until the dead worker's homes' readings flow again and until every one of those homes has
  started on the survivor; readings published during the run logged exactly once (0 lost, 0 doubled); SOS pressed
  in the gap paged, and the slowest of those pages; no (alert, step, caregiver) delivered twice.
- frozen (the same, but one worker is stopped with SIGSTOP past its lease and then woken): 0 lost, 0 doubled, no
  (alert, step, caregiver) delivered twice (an alert's repeat after the first round is a later step), and the woken
  worker carries on (it stops what it lost and claims its share again).
- ``--soak``: the machine each second of the load (``host_sample.py``, into ``host.jsonl`` in the work folder): the
  worker's stalls and slow commits counted, the seconds around them printed with the CPU split (steal included),
  pressure, the worker's busiest threads and the WAL's size; ``--keep`` keeps the folder. One reading in 100 is
  timed from its publish to the worker's row for it: how long readings waited at the broker.
- ``--handovers K``: two workers at load, the second killed (kill -9) every ``--handover-every`` seconds and a new
  one started in its place; each takeover and hand-back timed, readings lost or doubled, SOS paged and how late,
  steps paged twice, and the first worker's RSS after each hand-over (what repeated hand-overs leave behind).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, deque
from datetime import datetime
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiomqtt
import paho.mqtt.client as paho
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import host_sample  # noqa: E402  (bench/, beside this script)
from assistant import eventloop  # noqa: E402
from assistant.cluster import centre  # noqa: E402
from assistant.cluster.homes import partition_of  # noqa: E402
from assistant.cluster.overview import Overview  # noqa: E402

READING_EVERY = 5.0
SOS_EVERY = 1.0
READING_SAMPLE = 100
"""One reading in this many is timed from its publish to the worker's row (``reading_delays``)."""
HEARTBEAT_EVERY = 300.0
"""Each watch's heartbeat (its configured ``heartbeat``, the default): without one, a watch that has sent an SOS
is silent 2.5 intervals later and its home raises a technical alarm, as it should for a real watch."""
FALL_WINDOW = 10.0
"""The homes' fall cancel window (seconds): the takeover phase's unanswered falls fall due in the gap."""
FALLS = 10
"""Unanswered falls on the worker about to be killed, timed to fall due ``FALL_DUE`` s after the kill."""
FALL_DUE = 2.0
GAP_SOS = 5
"""SOS pressed on the killed worker's homes just after the kill (besides any of the one a second)."""
BASELINE = 10
IDLE_S = 10.0
"""Seconds a worker's CPU is measured with its homes started and nothing published."""
FIRST_MINUTE = 62.0
"""Seconds after the last home started before anything is measured: every home's first minute ticks are over."""
"""Homes of the baseline worker: the same worker, as small as a family's own hub with its neighbours'."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class Webhook:
    """The caregivers' phones (``bench/phone.py``, a process of its own): when each page arrived, by its home."""

    def __init__(self) -> None:
        self.port = free_port()
        self._pages: dict[str, list[float]] = {}
        self._pages_wall: dict[str, list[float]] = {}
        self._falls: dict[str, list[float]] = {}
        self._steps: Counter[tuple[str, str, str]] = Counter()
        self._first_paged: dict[tuple[str, str], float] = {}
        self.proc: subprocess.Popen | None = None
        self.file = Path(tempfile.mkdtemp(prefix="carehub-phone-")) / "pages.jsonl"
        self._read = 0

    @property
    def pages(self) -> dict[str, list[float]]:
        """Each home's page arrivals (monotonic seconds)."""
        self._refresh()
        return self._pages

    @property
    def pages_wall(self) -> dict[str, list[float]]:
        """The same arrivals in wall-clock time, to set beside the times the worker logged."""
        self._refresh()
        return self._pages_wall

    @property
    def falls(self) -> dict[str, list[float]]:
        """When each home's fall alerts arrived (the page says who "may have fallen")."""
        self._refresh()
        return self._falls

    @property
    def steps(self) -> Counter[tuple[str, str, str]]:
        """How often each (home, alert, step) was delivered: the home's one caregiver, so once each is right. An
        alert's repeat after its ladder's first round is a later step, not a second delivery."""
        self._refresh()
        return self._steps

    @property
    def first_paged(self) -> dict[tuple[str, str], float]:
        """When each (home, alert) was first paged (monotonic seconds): when its caregiver starts to answer."""
        self._refresh()
        return self._first_paged

    def _refresh(self) -> None:
        if not self.file.exists():
            return
        with self.file.open("rb") as f:
            f.seek(self._read)
            data = f.read()
        whole = data[:data.rfind(b"\n") + 1]
        self._read += len(whole)
        for line in whole.decode().splitlines():
            page = json.loads(line)
            home, message = page["home"], page["message"]
            self._pages.setdefault(home, []).append(page["mono"])
            self._pages_wall.setdefault(home, []).append(page["wall"])
            if "may have fallen" in message:
                self._falls.setdefault(home, []).append(page["mono"])
            for alert, step in re.findall(r"alert-id: (\w+) step: (\d+)", message):
                self._steps[(home, alert, step)] += 1
                self._first_paged.setdefault((home, alert), page["mono"])

    async def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "phone.py"), str(self.port),
                                      str(self.file)], cwd=ROOT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"the phones' server did not listen on {self.port}")

    async def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            await asyncio.to_thread(self.proc.wait, 10)
        self._refresh()  # the last pages, for the figures taken after the run
        shutil.rmtree(self.file.parent, ignore_errors=True)


def write_homes(folder: Path, homes: list[str], webhook: Webhook) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for home in homes:
        (folder / f"{home}.yaml").write_text(yaml.safe_dump({
            "home": {"id": home, "timezone": "Europe/London"},
            "people": [{"id": "grandma", "name": "Grandma", "role": "elder"}],
            "devices": [{"id": "watch", "kind": "wearable", "person": "grandma"},
                        {"id": "hall", "kind": "motion", "room": "hallway"}],
            "caregivers": [{"id": "anna", "name": "Anna", "people": ["grandma"],
                            "channels": [f"json://127.0.0.1:{webhook.port}/{home}"]}],
            "skills": {"falls": {"cancel_window": FALL_WINDOW}},
        }), encoding="utf-8")


class Worker:
    loop = "auto"
    """The workers' event loop (``carehub worker --loop``), the same for every worker of a run."""
    hold_at_most: float | None = None
    """``carehub worker --hold-at-most`` (its default when None)."""

    def __init__(self, name: str, work: Path, broker: int, homes: Path, data: Path, partitions: int,
                 etcd: str | None) -> None:
        self.name = name
        self.log = work / f"{name}.log"
        config = work / "worker.yaml"
        config.write_text(yaml.safe_dump({"mqtt": {"broker": "external", "port": broker, "auth": False},
                                          "log_level": "WARNING"}), encoding="utf-8")
        args = [sys.executable, "-m", "assistant", "--config", str(config), "worker", "--homes", str(homes),
                "--data", str(data), "--partitions", str(partitions), "--id", name, "--scan-every", "3600",
                "--loop", self.loop]
        if self.hold_at_most is not None:
            args += ["--hold-at-most", str(self.hold_at_most)]
        if etcd:
            args += ["--etcd", etcd, "--ttl", "3"]
        self.proc = subprocess.Popen(args, cwd=ROOT, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
                                     env={**os.environ, "PYTHONPATH": str(ROOT)})

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def cpu_s(self) -> float:
        return cpu_of(self.proc.pid)

    def said(self, text: str) -> int:
        """Lines of the worker's log holding ``text``."""
        with self.log.open(encoding="utf-8", errors="replace") as lines:
            return sum(text in line for line in lines)

    def open_files(self) -> int:
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(120)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def cpu_of(pid: int) -> float:
    """CPU seconds process ``pid`` has used (its threads', not its children's)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


BROKER_PID = 0
"""The bench's Mosquitto, for what the machine's other processes take beside the worker."""


def databases(data: Path) -> list[Path]:
    """The partitions' files (each holds every home of its partition)."""
    return list(data.glob("p*/*.db"))


def homes_with(data: Path, sql: str) -> Counter[str]:
    """Over every partition's file: ``sql``'s rows, each a home and a count, added up by home."""
    counts: Counter[str] = Counter()
    for path in databases(data):
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
            try:
                for home, count in conn.execute(sql):
                    counts[home] += count
            finally:
                conn.close()
        except sqlite3.OperationalError:
            pass  # a file being created: read again on the next round
    return counts


async def all_logged(data: Path, prefix: str, sim: Simulator, timeout: float) -> Counter[str]:
    """``logged`` once every message ``sim`` sent is there, or after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        got = await asyncio.to_thread(logged, data, prefix)
        if len(got) >= len(set(sim.sent)) or time.monotonic() >= deadline:
            return got
        await asyncio.sleep(1)


def logged(data: Path, prefix: str) -> Counter[str]:
    """Rows per message (its msg_id), for messages whose id starts with ``prefix``, over every partition's file."""
    counts: Counter[str] = Counter()
    for path in databases(data):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            for (key,) in conn.execute("SELECT dedupe_key FROM events WHERE dedupe_key LIKE ?", [f"%/{prefix}%#0"]):
                counts[key.rsplit("/", 1)[1][:-2]] += 1
        except sqlite3.OperationalError:
            pass
        finally:
            conn.close()
    return counts


def restarted(data: Path, homes: list[str]) -> int:
    """How many of ``homes`` have started twice (once on each worker): two hub_started rows of theirs."""
    started = homes_with(data, "SELECT home, COUNT(*) FROM events WHERE kind = 'hub_started' GROUP BY home")
    return sum(started[home] >= 2 for home in homes)


async def wait_started(data: Path, homes: int, worker: Worker, timeout: float) -> float:
    """Seconds until every home has its hub_started row."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if worker.proc.poll() is not None:
            raise RuntimeError(f"worker {worker.name} ended: {worker.log.read_text()[-3000:]}")
        started = await asyncio.to_thread(homes_with, data, "SELECT DISTINCT home, 1 FROM events "
                                                            "WHERE kind = 'hub_started'")
        if len(started) >= homes:
            return time.monotonic() - t0
        await asyncio.sleep(0.5)
    raise RuntimeError(f"{homes} homes not started within {timeout} s")


HEARTBEAT = json.dumps({"type": "heartbeat"})


class Simulator:
    """Readings every 5 s per home and a heartbeat of each watch every 300 s, spread evenly; an SOS on a random home
    every second."""

    def __init__(self, broker: int, homes: list[str], webhook: Webhook, tag: str) -> None:
        self.broker = broker
        self.homes = homes
        self.webhook = webhook
        self.tag = tag
        self.sent: list[str] = []
        self.sos: dict[str, tuple[str, float]] = {}  # msg_id -> (home, sent at)
        self.sent_at: dict[str, float] = {}
        self.home_of: dict[str, str] = {}
        self.sos_wall: dict[str, float] = {}
        """Each SOS's publish in wall-clock time (``stages``)."""
        self.reading_wall: dict[str, float] = {}
        """One reading in ``READING_SAMPLE``'s publish in wall-clock time (``reading_delays``)."""
        self.order = list(homes)
        random.Random(7).shuffle(self.order)  # each SOS on a home not yet paged, while there are some
        self.falls: dict[str, float] = {}
        """Each unanswered fall's home and when it was published."""

    async def run(self, seconds: float, during: asyncio.Event | None = None) -> None:
        """Publish the load for ``seconds``: every reading due by now each wake-up (a wake-up every 5 ms), each
        at QoS 1 without waiting for the last one's acknowledgement, from a paho client whose own thread does the
        network. The homes' devices are not on the worker's machine in production: the simulator is kept lean
        (an aiomqtt publish awaited a message took 0.54 core of this machine's two at 2,000 readings a second)."""
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"sim-{self.tag}-{os.getpid()}")
        client.max_inflight_messages_set(0)
        client.max_queued_messages_set(0)
        client.connect("127.0.0.1", self.broker)
        client.loop_start()
        pending: deque[paho.MQTTMessageInfo] = deque()
        try:
            while not client.is_connected():
                await asyncio.sleep(0.01)
            order, n = self.order, len(self.homes)
            gap, beat_gap = READING_EVERY / n, HEARTBEAT_EVERY / n
            t0 = time.monotonic()
            i, beats, next_sos = 0, 0, t0 + SOS_EVERY
            while (now := time.monotonic()) - t0 < seconds:
                for _ in range(beats, int((now - t0) / beat_gap) + 1):
                    client.publish(f"carehub/{self.homes[beats % n]}/watch/event", HEARTBEAT, qos=1)
                    beats += 1
                for _ in range(i, int((now - t0) / gap) + 1):
                    home = self.homes[i % n]
                    msg = f"{self.tag}{i}"
                    pending.append(client.publish(f"carehub/{home}/hall/state",
                                                  json.dumps({"motion": True, "msg_id": msg}), qos=1))
                    self.sent.append(msg)
                    self.home_of[msg], self.sent_at[msg] = home, time.monotonic()
                    if i % READING_SAMPLE == 0:
                        self.reading_wall[msg] = time.time()
                    i += 1
                if now >= next_sos:
                    next_sos += SOS_EVERY
                    target = order[len(self.sos) % len(order)]
                    sos = f"{self.tag}sos{len(self.sos)}"
                    self.sos[sos] = (target, time.monotonic())
                    self.sos_wall[sos] = time.time()
                    pending.append(client.publish(f"carehub/{target}/watch/event",
                                                  json.dumps({"type": "sos", "msg_id": sos}), qos=1))
                    self.sent.append(sos)
                    if during is not None:
                        during.set()
                while pending and pending[0].is_published():
                    pending.popleft()
                await asyncio.sleep(0.005)
            deadline = time.monotonic() + 60
            while pending and time.monotonic() < deadline:  # every one accepted by the broker before the count
                if pending[0].is_published():
                    pending.popleft()
                else:
                    await asyncio.sleep(0.05)
        finally:
            client.loop_stop()
            client.disconnect()

    async def fall(self, homes: list[str]) -> None:
        """A fall reported by each of ``homes``' watches, which nobody calls off."""
        await self._events(homes, "fall")

    async def press(self, homes: list[str]) -> None:
        """An SOS pressed on each of ``homes``' watches now (beside the one a second)."""
        await self._events(homes, "sos")

    async def _events(self, homes: list[str], kind: str) -> None:
        async with aiomqtt.Client("127.0.0.1", self.broker, identifier=f"{kind}-{self.tag}-{os.getpid()}") as client:
            for home in homes:
                msg = f"{self.tag}{kind}-{home}"
                sent = time.monotonic()
                await client.publish(f"carehub/{home}/watch/event", json.dumps({"type": kind, "msg_id": msg}),
                                     qos=1)
                if kind == "fall":
                    self.falls[home] = sent
                else:
                    self.sos[msg] = (home, sent)
                    self.sos_wall[msg] = time.time()
                self.sent.append(msg)

    def latencies(self) -> list[float]:
        """Publish → page seconds for each SOS whose home had no earlier open SOS (later ones fold into it)."""
        return list(self.sos_latencies().values())

    def sos_latencies(self) -> dict[str, float]:
        """``latencies`` by the SOS's message id."""
        paged: dict[str, list[float]] = {h: list(t) for h, t in self.webhook.pages.items()}
        out = {}
        for msg, (home, sent) in sorted(self.sos.items(), key=lambda item: item[1][1]):
            arrivals = [t for t in paged.get(home, []) if t >= sent]
            if arrivals:
                out[msg] = arrivals[0] - sent
                paged[home].remove(arrivals[0])
        return out


class Caregivers:
    """The caregivers answering: each alert acknowledged ``after`` seconds after its first page reached the phone,
    the way the link in the page does it through the care centre (a command signed with the home's secret, published
    on the home's topic; ``assistant/cluster/centre.py``)."""

    def __init__(self, broker: int, webhook: Webhook, homes: Path, data: Path, partitions: int,
                 after: float) -> None:
        self.broker, self.webhook, self.after = broker, webhook, after
        self.overview = Overview(homes, data, partitions)
        self.answered: set[tuple[str, str]] = set()

    async def run(self, until: asyncio.Task) -> None:
        secrets: dict[str, str | None] = {}
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"caregivers-{os.getpid()}")
        client.connect("127.0.0.1", self.broker)
        client.loop_start()
        sent: list[paho.MQTTMessageInfo] = []
        try:
            while not until.done():
                now = time.monotonic()
                for (home, alert), paged in list(self.webhook.first_paged.items()):
                    if (home, alert) in self.answered or now - paged < self.after:
                        continue
                    if home not in secrets:
                        secrets[home] = await asyncio.to_thread(self.overview.secret, home)
                    secret = secrets[home]
                    if secret is None:
                        continue  # the home's file has no secret yet: asked again next round
                    command = centre.sign(secret, {"command": "acknowledge", "alert_id": alert, "caregiver": "anna"})
                    sent.append(client.publish(centre.command_topic("carehub", home), json.dumps(command), qos=1))
                    self.answered.add((home, alert))
                await asyncio.wait({until}, timeout=0.5)
            for info in sent:
                await asyncio.to_thread(info.wait_for_publish, 10)
        finally:
            client.loop_stop()
            client.disconnect()


async def warm_up(broker: int, home: str, webhook: Webhook) -> None:
    """One untimed SOS: the worker's notifier loads Apprise's plugins on its first page."""
    async with aiomqtt.Client("127.0.0.1", broker, identifier=f"warm-{home}") as client:
        await client.publish(f"carehub/{home}/watch/event", json.dumps({"type": "sos", "msg_id": f"warm-{home}"}),
                             qos=1)
    deadline = time.monotonic() + 30
    while not webhook.pages.get(home) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


STAGES = ("to_worker", "to_alert", "to_send", "to_phone")
"""Where an SOS's time goes: published → logged by the worker → alert raised → page being sent → at the phone."""


def stages(data: Path, sim: Simulator) -> dict[str, list[float]]:
    """Each paged SOS's time split by what its home's file says happened when (seconds, wall clock)."""
    out: dict[str, list[float]] = {name: [] for name in STAGES}
    conns = [sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) for path in databases(data)]
    try:
        for msg, (home, _) in sim.sos.items():
            arrivals = [t for t in sim.webhook.pages_wall.get(home, []) if t >= sim.sos_wall[msg]]
            found = [times for conn in conns if arrivals for times in [_sos_times(conn, home, msg)] if times]
            if not found:
                continue
            times = [sim.sos_wall[msg], *(datetime.fromisoformat(t).timestamp() for t in found[0]), arrivals[0]]
            for name, (a, b) in zip(STAGES, zip(times, times[1:])):
                out[name].append(b - a)
    finally:
        for conn in conns:
            conn.close()
    return out


def reading_delays(data: Path, sim: Simulator) -> list[float]:
    """Seconds from publish to the worker taking it in (its row's time), for the readings ``sim`` sampled: how long
    readings waited at the broker (behind a paused or held session)."""
    out = []
    for path in databases(data):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            for key, ts in conn.execute("SELECT dedupe_key, ts FROM events WHERE dedupe_key LIKE ?",
                                        [f"%/{sim.tag}%#0"]):
                msg = key.rsplit("/", 1)[1][:-2]
                if msg in sim.reading_wall:
                    out.append(datetime.fromisoformat(ts).timestamp() - sim.reading_wall[msg])
        finally:
            conn.close()
    return out


def _sos_times(conn: sqlite3.Connection, home: str, msg: str) -> tuple[str, str, str] | None:
    """When an SOS was logged, its home's alert raised and its first page begun, if this file has them."""
    logged_at = conn.execute("SELECT ts FROM events WHERE home = ? AND dedupe_key LIKE ?",
                             [home, f"%/{msg}#0"]).fetchone()
    alert = logged_at and conn.execute("SELECT id, raised_at FROM alerts WHERE kind = 'sos' AND home = ? "
                                       "ORDER BY raised_at LIMIT 1", [home]).fetchone()
    sending = alert and conn.execute("SELECT min(ts) FROM alert_log WHERE alert_id = ? AND transition = 'sending'",
                                     [alert[0]]).fetchone()
    if not (logged_at and alert and sending and sending[0]):
        return None
    return logged_at[0], alert[1], sending[0]


def stall_causes(log: Path, since: int) -> Counter[str]:
    """What the worker's loop was doing in its stalls after byte ``since`` of its log (the watch's "the loop was in"
    and whether the collector ran), with how often."""
    causes: Counter[str] = Counter()
    with log.open("rb") as f:
        f.seek(since)
        for line in f.read().decode(errors="replace").splitlines():
            if "event loop held up" in line:
                where = line.split("the loop was in: ")[1] if "the loop was in: " in line else "not seen"
                ran = "; the collector ran "
                collector = line.split(ran)[1].split(")")[0] + "); " if ran in line else ""
                causes[collector + where[:300]] += 1
    return causes


def stalls(log: Path, since: int, marker: str = "event loop held up ", ends: str = " ms") -> list[tuple[float, float]]:
    """(when it ended, seconds) of each "event loop held up" the worker logged after byte ``since`` of its log; with
    ``marker="to commit"``-style arguments, of another timed line (the writer's slow commits)."""
    out = []
    with log.open("rb") as f:
        f.seek(since)
        for line in f.read().decode(errors="replace").splitlines():
            if marker not in line:
                continue
            stamp, _, rest = line.partition(" WARNING")
            held = rest.split(marker)[1].split(ends)[0]
            when = datetime.strptime(stamp.strip(), "%Y-%m-%d %H:%M:%S,%f").astimezone().timestamp()
            out.append((when, float(held) / 1000))
    return out


def slow_commits(log: Path, since: int) -> list[tuple[float, float]]:
    """(when it ended, seconds) of each batch the worker's writer logged as slow to commit."""
    return [(when, took) for when, took in stalls(log, since, " took ", " ms to commit")]


def host_during(work: Path, workers: list[Worker], samples: Path, since: list[int]) -> dict:
    """The machine during the run's stalls and slow commits (of every worker, each from byte ``since`` of its log):
    their count, the run's worst seconds, and the samples overlapping them (in ``host-during-stalls.txt``)."""
    held = [h for w, mark in zip(workers, since) for h in stalls(w.log, mark)]
    slow = [c for w, mark in zip(workers, since) for c in slow_commits(w.log, mark)]
    windows = [(end - took, end) for end, took in held + slow]
    during = [host_sample.brief(s) for s in host_sample.around(samples, windows)]
    (work / "host-during-stalls.txt").write_text("\n".join(during) + "\n")
    return {"slow_commits": len(slow), "longest_commit_ms": round(1000 * max((t for _, t in slow), default=0.0)),
            "host_worst_second": host_sample.peaks(samples), "host_during_stalls": during[:40]}


def in_stall(sim: Simulator, held: list[tuple[float, float]]) -> str:
    """Whether the slowest SOS was under way while the worker's loop was held up."""
    lat = sim.sos_latencies()
    if not lat:
        return "no SOS paged"
    msg = max(lat, key=lambda m: lat[m])
    start, end = sim.sos_wall[msg], sim.sos_wall[msg] + lat[msg]
    during = [h for when, h in held if when - h <= end and when >= start]
    what = f"was under way during a stall of {1000 * max(during):.0f} ms" if during else "overlapped no stall"
    return f"the slowest SOS ({1000 * lat[msg]:.0f} ms) {what}"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def one_worker(work: Path, broker: int, n: int, partitions: int, seconds: float,
                     profile: Path | None = None) -> dict:
    webhook = Webhook()
    await webhook.start()
    results: dict = {}
    try:
        for label, count in (("baseline", BASELINE), ("many", n)):
            homes = [f"{label}-{i:05d}" for i in range(count)]
            folder, data = work / f"homes-{label}", work / f"data-{label}"
            write_homes(folder, homes, webhook)
            worker = Worker(f"{label}-worker", work, broker, folder, data, partitions, None)
            try:
                started = await wait_started(data, count, worker, timeout=120 + count * 1.0)
                await asyncio.sleep(2)
                rss_idle, files = worker.rss_mb(), worker.open_files()
                # Each home's minute timers first fire a minute after it started (and a routine's first daily
                # judgement with them): a one-off burst, not what a settled worker costs.
                await asyncio.sleep(FIRST_MINUTE)
                cpu0, t0 = worker.cpu_s(), time.monotonic()
                await asyncio.sleep(IDLE_S)  # what the homes cost with nothing happening: their timers
                cpu_idle = (worker.cpu_s() - cpu0) / (time.monotonic() - t0)
                await warm_up(broker, homes[-1], webhook)
                sim = Simulator(broker, homes[:-1], webhook, f"{label}-")
                cpu0, t0, mark = worker.cpu_s(), time.monotonic(), worker.log.stat().st_size
                spy = sample(worker, profile, seconds) if profile is not None and label == "many" else None
                await sim.run(seconds)
                if spy is not None:
                    await asyncio.to_thread(spy.wait)
                cpu = (worker.cpu_s() - cpu0) / (time.monotonic() - t0)
                got = await all_logged(data, f"{label}-", sim, 60)
                lat = sim.latencies()
                split = await asyncio.to_thread(stages, data, sim)
                held = stalls(worker.log, mark)
                causes = stall_causes(worker.log, mark)
                results[label] = {"homes": count, "start_s": started, "rss_mb": rss_idle,
                                  "rss_load_mb": worker.rss_mb(),
                                  "files": files, "cpu_idle_cores": cpu_idle, "cpu_cores": cpu,
                                  "published": len(sim.sent),
                                  "logged": len(got), "doubled": sum(1 for v in got.values() if v > 1),
                                  "sos": len(sim.sos), "paged": len(lat), "p50_ms": 1000 * pct(lat, 0.5),
                                  "p99_ms": 1000 * pct(lat, 0.99), "stalls": len(held),
                                  "worst_stall_ms": 1000 * max((h for _, h in held), default=0.0),
                                  "slowest": in_stall(sim, held), "causes": causes,
                                  **{f"{k}_ms": (1000 * pct(v, 0.5), 1000 * pct(v, 0.99)) if v else (0.0, 0.0)
                                     for k, v in split.items()}}
            finally:
                worker.stop()
    finally:
        await webhook.stop()
    return results


async def soak(work: Path, broker: int, n: int, partitions: int, seconds: float,
               profile: Path | None = None, answer: float | None = None, etcd: str | None = None,
               workers: int = 1) -> dict:
    """One worker with ``n`` homes at the same load for ``seconds``: its RSS each minute, whether it keeps growing
    with the collector run by the worker (young generations only once the homes have started), and the pages the
    phones took each minute (SOS presses nobody acknowledges are paged again each minute, for half an hour).
    ``profile``: py-spy's stacks of two minutes early in the run and of the last two, side by side. ``answer``: each
    alert is acknowledged this many seconds after its first page (else nobody answers). ``workers`` > 1: that many
    workers share the homes through ``etcd`` (each holding an equal share of the partitions); RSS, CPU, stalls and
    slow commits are then the workers' together, the machine sampled beside the first."""
    webhook = Webhook()
    await webhook.start()
    try:
        homes = [f"soak-{i:05d}" for i in range(n)]
        folder, data = work / "homes-soak", work / "data-soak"
        write_homes(folder, homes, webhook)
        names = ["soak-worker"] if workers == 1 else [f"soak-worker-{i + 1}" for i in range(workers)]
        crew = [Worker(name, work, broker, folder, data, partitions, etcd if workers > 1 else None) for name in names]
        worker = crew[0]
        try:
            if workers > 1 and etcd is not None:
                want = Counter({name: partitions // workers for name in names})
                await wait_until(lambda held: Counter(held.values()) == want, etcd, 300)
            await wait_started(data, n, worker, timeout=120 + n * 1.0)
            await asyncio.sleep(FIRST_MINUTE)
            # One untimed SOS a worker: a home of each partition (the last of each), so every worker's notifier is warm.
            last = {partition_of(home, partitions): home for home in homes}
            warm = set(last.values()) if workers > 1 else {homes[-1]}
            for home in sorted(warm):
                await warm_up(broker, home, webhook)
            sim = Simulator(broker, [home for home in homes if home not in warm], webhook, "soak-")
            rss = [sum(w.rss_mb() for w in crew)]
            cpu0, t0 = sum(w.cpu_s() for w in crew), time.monotonic()
            marks = [w.log.stat().st_size for w in crew]
            others0 = (cpu_of(os.getpid()), cpu_of(BROKER_PID), cpu_of(webhook.proc.pid) if webhook.proc else 0.0)
            samples = work / "host.jsonl"
            sampler = host_sample.HostSample(worker.proc.pid, data, samples).start()
            load = asyncio.create_task(sim.run(seconds))
            spies = asyncio.create_task(profile_early_and_late(worker, profile, seconds)) if profile else None
            carers = Caregivers(broker, webhook, folder, data, partitions, answer) if answer is not None else None
            answering = asyncio.create_task(carers.run(load)) if carers is not None else None
            pages = [sum(map(len, webhook.pages.values()))]
            while not load.done():
                await asyncio.wait({load}, timeout=60)
                if not load.done():
                    rss.append(sum(w.rss_mb() for w in crew))
                    pages.append(sum(map(len, webhook.pages.values())))
            rss.append(sum(w.rss_mb() for w in crew))
            if spies is not None:
                await spies
            if answering is not None:
                await answering
            took = time.monotonic() - t0
            sampler.stop()
            cpu = (sum(w.cpu_s() for w in crew) - cpu0) / took
            others = (cpu_of(os.getpid()), cpu_of(BROKER_PID), cpu_of(webhook.proc.pid) if webhook.proc else 0.0)
            beside = [round((b - a) / took, 2) for a, b in zip(others0, others)]
            got = await all_logged(data, "soak-", sim, 120)
            lat = sim.latencies()
            held = [h for w, mark in zip(crew, marks) for h in stalls(w.log, mark)]
            split = await asyncio.to_thread(stages, data, sim)
            waited = await asyncio.to_thread(reading_delays, data, sim)
            by_msg = sim.sos_latencies()
            slowest = sorted(by_msg, key=by_msg.__getitem__)[-10:]
            still_open = await asyncio.to_thread(homes_with, data, "SELECT home, count(*) FROM alerts "
                                                                   "WHERE status = 'open' GROUP BY home")
            return {"homes": n, "workers": workers, "seconds": seconds, "rss_mb_each_minute": [round(r) for r in rss],
                    "pages_each_minute": [b - a for a, b in zip(pages, pages[1:])],
                    "answered": len(carers.answered) if carers is not None else "nobody answers",
                    "open_alerts_at_end": sum(still_open.values()),
                    "cpu_cores": cpu, "simulator_broker_phones_cores": beside,
                    "published": len(set(sim.sent)), "lost": len(set(sim.sent) - set(got)),
                    "doubled": sum(1 for v in got.values() if v > 1), "sos": len(sim.sos), "paged": len(lat),
                    "p50_ms": 1000 * pct(lat, 0.5), "p99_ms": 1000 * pct(lat, 0.99), "stalls": len(held),
                    "reading_in_p50_p99_max_ms": tuple(round(1000 * q) for q in (pct(waited, 0.5), pct(waited, 0.99),
                                                                                  max(waited))) if waited else "none",
                    **{f"{k}_p50_p99_ms": (round(1000 * pct(v, 0.5)), round(1000 * pct(v, 0.99))) if v else (0, 0)
                       for k, v in split.items()},
                    "slowest_ms_at_s": [(round(1000 * by_msg[m]), round(sim.sos[m][1] - t0)) for m in slowest],
                    **host_during(work, crew, samples, marks)}
        finally:
            for w in crew:
                w.stop()
    finally:
        await webhook.stop()


async def profile_early_and_late(worker: Worker, out: Path, seconds: float, window: float = 120) -> None:
    """py-spy over ``window`` seconds from the second minute of a run and over its last ``window`` seconds."""
    await asyncio.sleep(60)
    await asyncio.to_thread(sample(worker, out.with_suffix(".early"), window).wait)
    await asyncio.sleep(max(0.0, seconds - 60 - 2 * window - 10))
    await asyncio.to_thread(sample(worker, out.with_suffix(".late"), window).wait)


def sample(worker: Worker, out: Path, seconds: float) -> subprocess.Popen:
    """py-spy sampling the worker (every thread, without pausing it) for ``seconds``: collapsed stacks in ``out``."""
    spy = Path(sys.executable).parent / "py-spy"
    return subprocess.Popen([str(spy), "record", "--pid", str(worker.proc.pid), "--duration", str(int(seconds)),
                             "--rate", "200", "--threads", "--nonblocking", "--format", "raw", "--output", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


CGROUP = Path("/sys/fs/cgroup/cpu")
"""cgroup v1's cpu controller (this machine's); phase (b) is skipped, saying why, without it."""


class CpuCap:
    """A cgroup capping the processes put in it to ``cores`` of CPU (CFS quota)."""

    def __init__(self, name: str, cores: float) -> None:
        self.path = CGROUP / f"carehub-bench-{name}-{os.getpid()}"
        self.path.mkdir()
        (self.path / "cpu.cfs_period_us").write_text("100000")
        (self.path / "cpu.cfs_quota_us").write_text(str(int(cores * 100000)))

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def remove(self) -> None:
        try:
            for pid in (self.path / "cgroup.procs").read_text().split():
                (CGROUP / "cgroup.procs").write_text(pid)
            self.path.rmdir()
        except OSError:
            pass


def cgroups_usable() -> str | None:
    """Why CPU caps cannot be set here, or None."""
    try:
        probe = CpuCap("probe", 0.5)
        probe.remove()
    except OSError as error:
        return f"cannot make a cgroup under {CGROUP}: {error}"
    return None


async def flood(broker: int, homes: list[str], count: int, tag: str) -> list[str]:
    """Publish ``count`` readings over the homes as fast as the broker takes them (QoS 1)."""
    sent = []
    quiet = logging.getLogger("carehub.bench.flood")  # aiomqtt warns of every publish beyond ten in flight
    quiet.setLevel(logging.ERROR)
    async with aiomqtt.Client("127.0.0.1", broker, identifier=f"flood-{tag}-{os.getpid()}", logger=quiet,
                              max_inflight_messages=1000, max_queued_outgoing_messages=0) as client:
        batch = []
        for i in range(count):
            home = homes[i % len(homes)]
            msg = f"{tag}{i}"
            batch.append(client.publish(f"carehub/{home}/hall/state", json.dumps({"motion": True, "msg_id": msg}),
                                        qos=1))
            sent.append(msg)
            if len(batch) >= 500:
                await asyncio.gather(*batch)
                batch = []
        await asyncio.gather(*batch)
    return sent


def last_logged(data: Path, prefix: str) -> float | None:
    """The wall time (epoch seconds) of the latest row of a message whose id starts with ``prefix``."""
    latest = None
    for path in databases(data):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            (ts,) = conn.execute("SELECT MAX(ts) FROM events WHERE dedupe_key LIKE ?", [f"%/{prefix}%#0"]).fetchone()
        except sqlite3.OperationalError:
            ts = None
        finally:
            conn.close()
        if ts:
            when = datetime.fromisoformat(ts).timestamp()
            latest = when if latest is None else max(latest, when)
    return latest


async def capped_flood(work: Path, broker: int, etcd: str, homes: list[str], names: list[str], data: Path,
                       partitions: int, cores: float, messages: int, tag: str) -> dict:
    """``names`` workers, each capped to ``cores``, share ``homes`` (their files in ``data``); once every home has
    started, ``messages`` readings are flooded at them: how fast they are logged, and what it cost."""
    folder = work / f"homes-{tag}"
    workers, caps = [], []
    try:
        for name in names:
            worker = Worker(name, work, broker, folder, data, partitions, etcd)
            cap = CpuCap(name, cores)
            cap.add(worker.proc.pid)
            workers.append(worker)
            caps.append(cap)
        want = Counter({name: partitions // len(names) for name in names})
        await wait_until(lambda held: Counter(held.values()) == want, etcd, 300 + len(homes))
        for worker in workers:
            await wait_started(data, len(homes), worker, 300 + len(homes))
        cpu0 = sum(w.cpu_s() for w in workers)
        lost0 = sum(w.said("lease lost") for w in workers)
        rss = 0.0
        machine = host_sample.machine_cpu()
        wall0, t0 = time.time(), time.monotonic()
        sent = await flood(broker, homes, messages, data.name + "-")
        published = time.monotonic() - t0
        while time.monotonic() - t0 < 600:
            got = await asyncio.to_thread(logged, data, data.name + "-")
            rss = max(rss, sum(w.rss_mb() for w in workers))
            if len(got) >= len(sent):
                break
            await asyncio.sleep(0.5)
        # The last row's own time, not when the files were looked at (every half second): short floods read true.
        last = await asyncio.to_thread(last_logged, data, data.name + "-")
        took = (last - wall0) if last is not None and len(got) >= len(sent) else time.monotonic() - t0
        busy, idle = host_sample.busy_cores(machine)
        return {"workers": len(names), "messages": len(sent), "logged": len(got), "seconds": took,
                "published_s": published, "rate": len(got) / took,
                "lost": sum(w.said("lease lost") for w in workers) - lost0, "rss_mb": rss,
                "machine_busy_idle": (busy, idle),
                "cpu_per_msg_ms": 1000 * (sum(w.cpu_s() for w in workers) - cpu0) / len(sent)}
    finally:
        for worker in workers:
            worker.stop()
        for cap in caps:
            cap.remove()


async def throughput(work: Path, broker: int, etcd: str, n: int, partitions: int, cores: float,
                     messages: int, rounds: int) -> dict:
    """Sustained readings/s: one worker capped to ``cores`` against two workers capped to ``cores`` each, in
    ``rounds`` rounds taken in turn (one, two, one, two, ...) so that what else the shared machine does falls on both;
    each round on fresh files."""
    webhook = Webhook()
    await webhook.start()
    results: dict = {"one": [], "two": []}
    try:
        for label in results:
            write_homes(work / f"homes-{label}", [f"{label}-{i:04d}" for i in range(n)], webhook)
        for r in range(rounds):
            for label, names in (("one", [f"t1-{r}-a"]), ("two", [f"t2-{r}-a", f"t2-{r}-b"])):
                homes = [f"{label}-{i:04d}" for i in range(n)]
                results[label].append(await capped_flood(work, broker, etcd, homes, names, work / f"data-{label}{r}",
                                                         partitions, cores, messages, label))
    finally:
        await webhook.stop()
    return results


async def holders(etcd: str) -> dict[int, str]:
    from assistant.cluster import PartitionLeases

    leases = PartitionLeases(etcd, "bench")
    try:
        return {k: h.worker for k, h in (await leases.holders()).items()}
    finally:
        await leases.close()


@contextlib.asynccontextmanager
async def two_workers(work: Path, broker: int, etcd: str, n: int, partitions: int,
                      name: str) -> AsyncIterator[tuple[Webhook, list[str], Path, Worker, Worker]]:
    """``n`` homes shared by two workers (``<name>-a`` and ``<name>-b``) through etcd, each holding half the partitions
    with every home started; everything stopped on the way out."""
    webhook = Webhook()
    await webhook.start()
    homes = [f"{name}-{i:05d}" for i in range(n)]
    folder, data = work / f"homes-{name}", work / f"data-{name}"
    write_homes(folder, homes, webhook)
    a = Worker(f"{name}-a", work, broker, folder, data, partitions, etcd)
    b: Worker | None = None
    try:
        await wait_until(lambda h: len(h) == partitions, etcd, 120 + n)
        b = Worker(f"{name}-b", work, broker, folder, data, partitions, etcd)
        await wait_until(lambda h: Counter(h.values()) == {a.name: partitions // 2,
                                                           b.name: partitions - partitions // 2}, etcd, 120 + n)
        # Every home has started somewhere (on a, or on b once handed over). A home handed over to b before a started
        # it starts only there; one a started starts again on b: its rows cannot tell which has happened yet.
        await wait_started(data, n, b, 120 + n)
        yield webhook, homes, data, a, b
    finally:
        a.stop()
        if b is not None:
            b.stop()
        await webhook.stop()


async def failover(work: Path, broker: int, etcd: str, n: int, partitions: int, seconds: float) -> dict:
    async with two_workers(work, broker, etcd, n, partitions, "failover") as (webhook, homes, data, a, b):
        sim = Simulator(broker, homes, webhook, "f-")
        load = asyncio.create_task(sim.run(seconds))
        kill_at = time.monotonic() + seconds / 3
        await asyncio.sleep(max(0.0, seconds / 3 - FALL_WINDOW + FALL_DUE))
        owned_by_a = {k for k, w in (await holders(etcd)).items() if w == a.name}
        spared = set(sim.order[:int(seconds / SOS_EVERY) + 1])  # no SOS of the run's goes to these homes
        chosen = [h for h in reversed(sim.order) if partition_of(h, partitions) in owned_by_a and h not in spared]
        await sim.fall(chosen[:FALLS])
        await asyncio.sleep(max(0.0, kill_at - time.monotonic()))
        a.proc.kill()
        killed = time.monotonic()
        await sim.press(chosen[FALLS:FALLS + GAP_SOS])
        await wait_until(lambda h: Counter(h.values()) == {b.name: partitions}, etcd, 60)
        took_over = time.monotonic() - killed
        a_homes = [h for h in homes if partition_of(h, partitions) in owned_by_a]
        a_set = set(a_homes)
        flowing = started = None
        while (flowing is None or started is None) and time.monotonic() - killed < 120:
            if flowing is None:
                after = [m for m, h in sim.home_of.items() if h in a_set and sim.sent_at[m] > killed]
                got = await asyncio.to_thread(logged, data, "f-")
                if any(m in got for m in after):
                    flowing = time.monotonic() - killed
            if started is None and await asyncio.to_thread(restarted, data, a_homes) >= len(a_homes):
                started = time.monotonic() - killed
            await asyncio.sleep(0.2)
        await load
        got = await all_logged(data, "f-", sim, 120)
        gap_sos = {m: v for m, v in sim.sos.items() if killed <= v[1] <= killed + took_over + 1
                   and v[0] in a_homes}
        gap_pages = [min([t for t in webhook.pages.get(h, []) if t >= sent] or [float("nan")]) - sent
                     for h, sent in gap_sos.values()]
        falls_late = [min([t for t in webhook.falls.get(h, []) if t >= sent] or [float("nan")]) - (sent + FALL_WINDOW)
                      for h, sent in sim.falls.items()]
        return {"homes": n, "partitions": partitions, "dead_worker_homes": len(a_homes), "takeover_s": took_over,
                "flowing_again_s": flowing, "every_home_started_s": started,
                "gap_sos_paged_max_s": max(gap_pages, default=float("nan")),
                "published": len(set(sim.sent)), "logged": len(got),
                "lost": len(set(sim.sent) - set(got)), "doubled": sum(1 for v in got.values() if v > 1),
                "gap_sos": len(gap_sos), "paged_sos_homes": sum(1 for m, (h, _) in gap_sos.items()
                                                               if webhook.pages.get(h)),
                "gap_falls": len(sim.falls), "gap_falls_due_after_kill_s": FALL_DUE,
                "gap_falls_paged": sum(1 for h in sim.falls if webhook.falls.get(h)),
                "gap_fall_paged_after_due_max_s": max((x for x in falls_late if x == x), default=float("nan")),
                "steps_paged_twice": twice(webhook)}


async def handovers(work: Path, broker: int, etcd: str, n: int, partitions: int, cycles: int,
                    every: float) -> dict:
    """Two workers at load, the second killed (kill -9) every ``every`` seconds and a fresh one started in its
    place: each time the first takes every partition over and then hands half back to the newcomer. Whether
    repeated hand-overs lose, double or page twice anything, and what they leave behind in the first worker."""
    async with two_workers(work, broker, etcd, n, partitions, "handover") as (webhook, homes, data, a, b):
        folder = work / "homes-handover"
        sim = Simulator(broker, homes, webhook, "h-")
        load = asyncio.create_task(sim.run(cycles * every + every / 2))
        t0 = time.monotonic()
        took, back, rss = [], [], [round(a.rss_mb())]
        victim = b
        try:
            for cycle in range(cycles):
                await asyncio.sleep(max(0.0, t0 + (cycle + 0.5) * every - time.monotonic()))
                victim.proc.kill()
                killed = time.monotonic()
                await wait_until(lambda held: Counter(held.values()) == {a.name: partitions}, etcd, 60)
                took.append(round(time.monotonic() - killed, 1))
                if victim is not b:
                    victim.stop()  # reaped
                victim = Worker(f"handover-b{cycle + 2}", work, broker, folder, data, partitions, etcd)
                joined = time.monotonic()
                want = Counter({a.name: partitions // 2, victim.name: partitions - partitions // 2})

                def balanced(held: dict[int, str], want: Counter[str] = want) -> bool:
                    return Counter(held.values()) == want

                await wait_until(balanced, etcd, 300 + n)
                back.append(round(time.monotonic() - joined, 1))
                rss.append(round(a.rss_mb()))
            await load
            got = await all_logged(data, "h-", sim, 120)
        finally:
            if victim is not b:
                victim.stop()
        lat = sim.latencies()
        return {"homes": n, "partitions": partitions, "hand_overs": cycles, "every_s": every,
                "taken_over_s": took, "handed_back_s": back, "first_worker_rss_mb_after_each": rss,
                "published": len(set(sim.sent)), "logged": len(got), "lost": len(set(sim.sent) - set(got)),
                "doubled": sum(1 for v in got.values() if v > 1), "sos": len(sim.sos), "sos_paged": len(lat),
                "sos_p50_p99_max_s": (round(pct(lat, 0.5), 3), round(pct(lat, 0.99), 3), round(max(lat), 3))
                if lat else "none", "sos_over_5_s": sum(1 for x in lat if x > 5),
                "steps_paged_twice": twice(webhook)}


def twice(webhook: Webhook, homes: set[str] | None = None) -> int:
    """How many (home, alert, step) deliveries arrived more than once, of ``homes`` (every home if None)."""
    return sum(1 for (home, _, _), c in webhook.steps.items() if c > 1 and (homes is None or home in homes))


async def frozen(work: Path, broker: int, etcd: str, n: int, partitions: int, seconds: float) -> dict:
    """Two workers at load; one is frozen (SIGSTOP) past its lease, the other takes its partitions, the frozen one
    wakes: nothing it held may be committed, published or paged twice."""
    async with two_workers(work, broker, etcd, n, partitions, "frozen") as (webhook, homes, data, a, b):
        sim = Simulator(broker, homes, webhook, "z-")
        load = asyncio.create_task(sim.run(seconds))
        await asyncio.sleep(seconds / 4)
        a.proc.send_signal(signal.SIGSTOP)
        stopped = time.monotonic()
        await wait_until(lambda h: Counter(h.values()) == {b.name: partitions}, etcd, 60)
        took_over = time.monotonic() - stopped
        await asyncio.sleep(2)
        a.proc.send_signal(signal.SIGCONT)
        frozen_for = time.monotonic() - stopped
        await load
        got = await all_logged(data, "z-", sim, 120)
        pages = {h: len(webhook.pages.get(h, [])) for h, _ in sim.sos.values()}
        sos_homes = {h for h, _ in sim.sos.values()}
        return {"homes": n, "frozen_s": frozen_for, "takeover_s": took_over, "published": len(set(sim.sent)),
                "logged": len(got), "lost": len(set(sim.sent) - set(got)),
                "doubled": sum(1 for v in got.values() if v > 1), "sos": len(sim.sos),
                "sos_paged": sum(1 for c in pages.values() if c),
                "sos_steps_paged_twice": twice(webhook, sos_homes), "steps_paged_twice": twice(webhook),
                "woken_worker_alive": a.proc.poll() is None}


async def wait_until(predicate: Callable[[dict[int, str]], bool], etcd: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate(await holders(etcd)):
            return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"etcd did not reach the wanted holders within {timeout} s: {await holders(etcd)}")


def start_etcd(work: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("etcd") or "/usr/bin/etcd"
    client, peer = free_port(), free_port()
    url, peer_url = f"http://127.0.0.1:{client}", f"http://127.0.0.1:{peer}"
    proc = subprocess.Popen([binary, "--name", "bench", "--data-dir", str(work / "etcd"), "--listen-client-urls", url,
                             "--advertise-client-urls", url, "--listen-peer-urls", peer_url,
                             "--initial-advertise-peer-urls", peer_url, "--initial-cluster", f"bench={peer_url}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(urllib.request.Request(url + "/v3/kv/range", data=b'{"key":"AA=="}'), timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("etcd did not start")


def report_one(one: dict) -> None:
    """Print the one-worker phase: the baseline beside the N homes, per home, and the SOS latency."""
    base, many = one["baseline"], one["many"]
    per_home = lambda key: (many[key] - base[key]) / max(many["homes"] - base["homes"], 1)  # noqa: E731
    print(f"\none worker              {base['homes']} homes (baseline)   {many['homes']} homes")
    for key, fmt in (("start_s", "{:.1f} s"), ("rss_mb", "{:.0f} MB"), ("rss_load_mb", "{:.0f} MB"),
                     ("files", "{:d}"), ("cpu_idle_cores", "{:.2f} cores"), ("cpu_cores", "{:.2f} cores"),
                     ("published", "{:d}"),
                     ("logged", "{:d}"), ("doubled", "{:d}"), ("sos", "{:d}"), ("paged", "{:d}"),
                     ("p50_ms", "{:.0f} ms"),
                     ("p99_ms", "{:.0f} ms")):
        print(f"  {key:<22}{fmt.format(base[key]):>20}{fmt.format(many[key]):>12}")
    print("  where an SOS's time goes, p50 / p99: published → logged by the worker → alert raised → page sent → "
          "at the phone")
    for key in STAGES:
        b, m = base[f"{key}_ms"], many[f"{key}_ms"]
        print(f"  {key:<22}{f'{b[0]:.0f} / {b[1]:.0f} ms':>20}{f'{m[0]:.0f} / {m[1]:.0f} ms':>16}")
    print(f"  per home: {1024 * per_home('rss_mb'):.0f} KB RSS idle, {1024 * per_home('rss_load_mb'):.0f} KB "
          f"at load, {per_home('files'):.1f} open files, {1000 * many['cpu_cores'] / many['homes']:.2f} "
          f"ms CPU per second ({1000 * many['cpu_idle_cores'] / many['homes']:.2f} ms with nothing "
          f"happening), {1000 * many['start_s'] / many['homes']:.0f} ms to start")
    reading = (many["cpu_cores"] - many["cpu_idle_cores"]) / (many["homes"] / READING_EVERY + 1 / SOS_EVERY)
    print(f"  a message costs {1000 * reading:.2f} ms CPU beyond the idle homes' timers")
    print(f"  the worker's event loop held up 250 ms or more during the load: {many['stalls']} time(s), the "
          f"longest {many['worst_stall_ms']:.0f} ms; {many['slowest']}")
    for cause, count in many["causes"].most_common(5):
        print(f"    {count} x where the loop was: {cause}")
    print(f"  SOS p99 at {many['homes']} homes / {base['homes']} homes: {many['p99_ms'] / base['p99_ms']:.2f}x; "
          f"lost {many['published'] - many['logged']}, doubled {many['doubled']}")


def main() -> int:
    global SOS_EVERY
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--homes", type=int, default=1000)
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--no-one", action="store_true", help="skip one worker against the 10-home baseline")
    parser.add_argument("--no-failover", action="store_true")
    parser.add_argument("--soak", type=float, default=0.0,
                        help="instead of the phases: one worker (or --workers) at load this many seconds")
    parser.add_argument("--profile", type=Path, help="py-spy's collapsed stacks of the N-home worker at load, to here")
    parser.add_argument("--no-caps", action="store_true", help="skip one against two CPU-capped workers")
    parser.add_argument("--cap", type=float, default=0.4, help="cores each capped worker may use (0.4)")
    parser.add_argument("--flood", type=int, default=60000, help="readings published as fast as possible per side")
    parser.add_argument("--sos-every", type=float, default=SOS_EVERY,
                        help="seconds between the simulator's SOS presses (1; 0.1 for a flood of alarms)")
    parser.add_argument("--handovers", type=int, default=0,
                        help="instead of the phases: two workers at load, the second killed and replaced this many "
                        "times (--handover-every apart)")
    parser.add_argument("--handover-every", type=float, default=120.0)
    parser.add_argument("--rounds", type=int, default=3, help="one against two capped workers: rounds, taken in turn")
    parser.add_argument("--workers", type=int, default=1, help="--soak: this many workers share the homes (etcd)")
    parser.add_argument("--answer", type=float, help="--soak: each alert acknowledged this many seconds after its "
                        "first page (the care centre's signed command); without it nobody answers")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (workers' logs, files) afterwards")
    parser.add_argument("--inflight", type=int, default=100,
                        help="Mosquitto max_inflight_messages: unacknowledged messages a session holds (0: no limit)")
    parser.add_argument("--loop", choices=("auto", "uvloop", "asyncio"), default="auto",
                        help="the workers' event loop (carehub worker --loop): uvloop when installed, or asyncio's own")
    parser.add_argument("--hold-at-most", type=float, help="the workers' hold on reading while an SOS or a fall is "
                        "paged (carehub worker --hold-at-most; 0: none), to compare with and without it")
    args = parser.parse_args()
    Worker.loop = args.loop
    SOS_EVERY = args.sos_every
    Worker.hold_at_most = args.hold_at_most
    work = Path(tempfile.mkdtemp(prefix="carehub-many-homes-"))
    broker = free_port()
    # A worker's session gets at most --inflight messages it has not acknowledged (docs/operators.md): a worker that
    # cannot keep up leaves the rest queued at the broker instead of drowning its event loop (and its lease).
    (work / "mosquitto.conf").write_text(f"listener {broker} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                                         f"max_queued_messages 1000000\nmax_inflight_messages {args.inflight}\n"
                                         "persistent_client_expiration 1h\n")
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    mosquitto = subprocess.Popen([binary, "-c", str(work / "mosquitto.conf")], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    global BROKER_PID
    BROKER_PID = mosquitto.pid
    etcd = None
    try:
        wait_port(broker)
        print(f"{args.homes} homes, {args.partitions} partitions, {args.soak or args.seconds:g} s of load "
              f"({args.homes / READING_EVERY:.0f} readings/s, an SOS every {SOS_EVERY:g} s); workers' event loop: "
              f"{eventloop.chosen(args.loop)}; work in {work}")
        if args.soak:
            if args.workers > 1:
                etcd, url = start_etcd(work)
            result = asyncio.run(soak(work, broker, args.homes, args.partitions, args.soak, args.profile, args.answer,
                                      url if args.workers > 1 else None, args.workers))
            print(f"\nsoak: {args.workers} worker(s), {args.homes} homes, {args.soak:g} s at load")
            during = result.pop("host_during_stalls")
            for key, value in result.items():
                print(f"  {key:<32}{value:.2f}" if isinstance(value, float) else f"  {key:<32}{value}")
            print(f"  the machine each second of the stalls and slow commits (first {len(during)}; all in "
                  f"host-during-stalls.txt, every second in host.jsonl; thread: CPU cores + seconds waited for one):")
            for line in during:
                print(f"    {line}")
            return 0
        if args.handovers:
            etcd, url = start_etcd(work)
            ho = asyncio.run(handovers(work, broker, url, args.homes, args.partitions, args.handovers,
                                       args.handover_every))
            print(f"\nhand-overs: two workers at load, the second killed (kill -9) and replaced {args.handovers} times")
            for key, value in ho.items():
                print(f"  {key:<32}{value:.2f}" if isinstance(value, float) else f"  {key:<32}{value}")
            return 0
        if not args.no_one:
            report_one(asyncio.run(one_worker(work, broker, args.homes, args.partitions, args.seconds,
                                              args.profile)))
        if not (args.no_failover and args.no_caps):
            etcd, url = start_etcd(work)
        if not args.no_caps:
            why = cgroups_usable()
            if why:
                print(f"\none against two CPU-capped workers: skipped ({why})")
            else:
                caps = asyncio.run(throughput(work, broker, url, min(args.homes, 200), args.partitions, args.cap,
                                              args.flood, args.rounds))
                print(f"\none against two workers, each capped to {args.cap:g} core (cgroup), "
                      f"{args.flood} readings flooded over {min(args.homes, 200)} homes, "
                      f"{args.rounds} round(s) taken in turn")
                ratios = []
                for r, (one, two) in enumerate(zip(caps["one"], caps["two"])):
                    for side in (one, two):
                        print(f"  round {r + 1}, {side['workers']} worker(s): {side['rate']:.0f} readings/s sustained "
                              f"({side['logged']}/{side['messages']} in {side['seconds']:.1f} s, published in "
                              f"{side['published_s']:.1f} s), {side['cpu_per_msg_ms']:.2f} ms CPU a reading, "
                              f"{side['lost']} lease(s) lost, RSS at most {side['rss_mb']:.0f} MB; the machine "
                              f"{side['machine_busy_idle'][0]:.2f} cores busy, {side['machine_busy_idle'][1]:.2f} idle")
                    ratios.append(two["rate"] / one["rate"])
                    print(f"  round {r + 1}, two / one: {ratios[-1]:.2f}x")
                print(f"  two / one over {len(ratios)} round(s): median {statistics.median(ratios):.2f}x, "
                      f"lowest {min(ratios):.2f}x, highest {max(ratios):.2f}x")
        if not args.no_failover:
            fo = asyncio.run(failover(work, broker, url, args.homes, args.partitions, args.seconds))
            print("\ntakeover: two workers, kill -9 of one at load")
            for key, value in fo.items():
                print(f"  {key:<32}{value:.2f}" if isinstance(value, float) else f"  {key:<32}{value}")
            fz = asyncio.run(frozen(work, broker, url, args.homes, args.partitions, args.seconds))
            print("\nfrozen: two workers, one stopped (SIGSTOP) past its lease at load, then woken")
            for key, value in fz.items():
                print(f"  {key:<32}{value:.2f}" if isinstance(value, float) else f"  {key:<32}{value}")
    finally:
        mosquitto.terminate()
        if etcd is not None:
            etcd.terminate()
        if args.keep:
            print(f"\nkept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
