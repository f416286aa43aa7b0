"""Two `carehub worker` processes share an operator's homes on a real Mosquitto and a real etcd: they split the
partitions evenly, and when one is killed (kill -9) or frozen (SIGSTOP past its lease) the other takes its
partitions over; every reading is logged exactly once, every SOS reaches its caregiver once, and a frozen
worker that wakes commits nothing and takes no session back.

Leases are real time in etcd, so waits here are real; each is bounded generously and no timing is asserted
(bench/many_homes.py measures the takeover time).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from assistant.cluster import PartitionLeases
from assistant.cluster.homes import PARTITION_FILE, partition_of
from tests.hubkit import publish
from tests.test_alerts import Receiver, receiver, until  # noqa: F401 - receiver is a fixture
from tests.test_cluster_lease import etcd  # noqa: F401 - a fixture

pytestmark = [pytest.mark.slow, pytest.mark.mosquitto]

ROOT = Path(__file__).resolve().parent.parent
PARTITIONS = 4
HOMES = [f"home-{i}" for i in range(8)]
TIMER = 6.0
"""Seconds of the falls cancel window and between a high alert's rounds in the timers test."""
WAIT = 60.0
"""Seconds any one state may take to come about on a loaded machine (process starts included)."""


class Deployment:
    """An operator's folder of homes, the workers' config.yaml, and the workers started on it."""

    def __init__(self, tmp_path: Path, broker_port: int, etcd_url: str, receiver: Receiver,  # noqa: F811
                 timers: bool = False) -> None:
        self.tmp = tmp_path
        self.etcd = etcd_url
        self.broker_port = broker_port
        self.homes = tmp_path / "homes"
        self.data = tmp_path / "data"
        self.homes.mkdir()
        off = ["check_in", "routines", "medication", "reminders", "timers", "clock", "room_climate",
               "family_messages", "scam_guard", "child_safety", "device_health", "vitals", "device_control"]
        for home in HOMES:
            household = {
                "home": {"id": home, "timezone": "Europe/London"},
                "people": [{"id": "grandma", "name": f"Grandma of {home}", "role": "elder"}],
                "devices": [{"id": "watch", "kind": "wearable", "person": "grandma"},
                            {"id": "hall", "kind": "motion", "room": "hallway"}],
                "caregivers": [{"id": "anna", "name": "Anna", "people": ["grandma"], "tier": 1,
                                "channels": [receiver.url(home)]}],
                "skills": {name: {"enabled": False} for name in off},
            }
            if timers:
                # Short real-time windows: a fall's cancel window and the next round of a high alert both fall
                # due while one worker is dead and before the other has taken over.
                household["caregivers"].append({"id": "sam", "name": "Sam", "people": ["grandma"], "tier": 2,
                                                "channels": [receiver.url(f"{home}-sam")]})
                household["skills"]["falls"] = {"cancel_window": TIMER}
                household["alerts"] = {"high": {"repeat_every": TIMER}}
            else:
                household["skills"]["falls"] = {"enabled": False}
            (self.homes / f"{home}.yaml").write_text(yaml.safe_dump(household), encoding="utf-8")
        self.config = tmp_path / "worker.yaml"
        self.config.write_text(yaml.safe_dump({"mqtt": {"broker": "external", "host": "127.0.0.1",
                                                        "port": broker_port, "auth": False}}), encoding="utf-8")
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, loop: str = "auto") -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "--config", str(self.config), "worker", "--homes", str(self.homes),
             "--data", str(self.data), "--etcd", self.etcd, "--partitions", str(PARTITIONS), "--id", name,
             "--ttl", "2", "--scan-every", "1", "--loop", loop],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        self.procs[name] = proc
        return proc

    def log_of(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    async def holders(self) -> dict[int, str]:
        leases = PartitionLeases(self.etcd, "test")
        try:
            return {k: h.worker for k, h in (await leases.holders()).items()}
        finally:
            await leases.close()

    async def until_held(self, want: dict[str, int]) -> None:
        """Until each named worker holds that many partitions (and nobody else holds any)."""
        async with asyncio.timeout(WAIT):
            while True:
                counts = Counter((await self.holders()).values())
                if dict(counts) == want:
                    return
                await asyncio.sleep(0.2)

    def logged(self) -> Counter[str]:
        """How many rows each device message (its msg_id) left, over every partition's file."""
        counts: Counter[str] = Counter()
        for path in self.data.glob("p*/*.db"):
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
            try:
                # A message's rows are keyed home/device/msg_id#n: the first row of each message counts it.
                for (key,) in conn.execute("SELECT dedupe_key FROM events WHERE dedupe_key LIKE '%#0'"):
                    counts[key.rsplit("/", 1)[1][:-2]] += 1
            except sqlite3.OperationalError:
                pass  # a file being created: read again on the next round
            finally:
                conn.close()
        return counts

    async def until_logged(self, msg_ids: list[str]) -> Counter[str]:
        async with asyncio.timeout(WAIT):
            while True:
                counts = await asyncio.to_thread(self.logged)
                if all(counts[m] for m in msg_ids):
                    return counts
                await asyncio.sleep(0.2)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.kill(proc.pid, signal.SIGCONT)
                except ProcessLookupError:
                    pass
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


def readings(round_: str) -> list[tuple[str, str]]:
    return [(f"carehub/{home}/hall/state", json.dumps({"motion": True, "msg_id": f"{round_}-{home}"}))
            for home in HOMES]


def sos(home: str, msg_id: str) -> tuple[str, str]:
    return f"carehub/{home}/watch/event", json.dumps({"type": "sos", "msg_id": msg_id})


@pytest.fixture
def deployment(tmp_path, mosquitto_broker, etcd, receiver):  # noqa: F811 - etcd is the fixture
    d = Deployment(tmp_path, mosquitto_broker.port, etcd.url, receiver)
    yield d
    d.stop_all()


async def _two_workers_sharing(d: Deployment, loop_a: str = "auto") -> None:
    d.start("worker-a", loop_a)
    await d.until_held({"worker-a": PARTITIONS})
    d.start("worker-b")
    await d.until_held({"worker-a": PARTITIONS // 2, "worker-b": PARTITIONS // 2})
    await publish(d.broker_port, readings("before"))
    await d.until_logged([f"before-{h}" for h in HOMES])


def _a_home_of(holders: dict[int, str], worker: str) -> str:
    return next(h for h in HOMES if holders[partition_of(h, PARTITIONS)] == worker)


async def test_a_killed_worker_s_homes_are_taken_over_and_nothing_is_lost_or_doubled(
        deployment, receiver):  # noqa: F811
    d = deployment
    await _two_workers_sharing(d, loop_a="asyncio")  # one worker on each event loop a worker can run on
    assert "event loop asyncio" in d.log_of("worker-a") and "event loop uvloop" in d.log_of("worker-b")
    home = _a_home_of(await d.holders(), "worker-a")

    d.procs["worker-a"].kill()  # kill -9: no goodbye, no release; its lease expires in etcd
    await publish(d.broker_port, [*readings("gap"), sos(home, "sos-gap")])
    await d.until_held({"worker-b": PARTITIONS})
    counts = await d.until_logged([*(f"gap-{h}" for h in HOMES), "sos-gap"])
    await until(lambda: receiver.count(home) >= 1, WAIT)

    await publish(d.broker_port, readings("after"))
    counts = await d.until_logged([f"after-{h}" for h in HOMES])
    doubled = {m: n for m, n in counts.items() if n != 1}
    assert not doubled, f"messages logged more than once: {doubled}"
    assert receiver.count(home) == 1
    assert "SOS" in receiver.got[home][0]["message"] or "sos" in receiver.got[home][0]["title"].lower()


async def test_a_frozen_worker_that_wakes_after_its_lease_commits_nothing_and_takes_no_session_back(
        deployment, receiver):  # noqa: F811
    d = deployment
    await _two_workers_sharing(d)
    holders = await d.holders()
    home, other = [h for h in HOMES if holders[partition_of(h, PARTITIONS)] == "worker-a"][:2]
    frozen = d.procs["worker-a"]

    os.kill(frozen.pid, signal.SIGSTOP)  # frozen past its 2 s lease: worker-b takes everything over
    await d.until_held({"worker-b": PARTITIONS})
    await publish(d.broker_port, [*readings("frozen"), sos(home, "sos-frozen")])
    await d.until_logged([*(f"frozen-{h}" for h in HOMES), "sos-frozen"])
    os.kill(frozen.pid, signal.SIGCONT)
    async with asyncio.timeout(WAIT):  # it wakes, finds its lease gone and stops its partitions
        while "lost partition(s)" not in d.log_of("worker-a"):
            await asyncio.sleep(0.2)

    await publish(d.broker_port, [*readings("woken"), sos(other, "sos-woken")])
    counts = await d.until_logged([*(f"woken-{h}" for h in HOMES), "sos-woken"])
    await until(lambda: receiver.count(other) >= 1, WAIT)
    doubled = {m: n for m, n in counts.items() if n != 1}
    assert not doubled, f"messages logged more than once: {doubled}"
    assert (receiver.count(home), receiver.count(other)) == (1, 1)  # one page per SOS, none from the woken worker

    # After waking it may claim partitions again, but only under a new lease (a new, larger fencing token) and
    # only partitions worker-b handed over: never a session it lost.
    woke = d.log_of("worker-a").split("lost partition(s)", 1)[1]
    assert "exception=Fenced" not in woke  # refused writes nobody waited for are not reported as errors
    for k in re.findall(r"connected to MQTT broker \S+ as carehub-p(\d+)", woke):
        assert f"partition {k}: worker-a owns it" in woke.split(f"as carehub-p{k}")[0]


@pytest.fixture
def deployment_with_timers(tmp_path, mosquitto_broker, etcd, receiver):  # noqa: F811 - etcd is the fixture
    d = Deployment(tmp_path, mosquitto_broker.port, etcd.url, receiver, timers=True)
    yield d
    d.stop_all()


def _rows(d: Deployment, home: str, sql: str, *args: str) -> list[tuple]:
    """Rows of the file of the home's partition (the query names the home where a table has one)."""
    path = d.data / f"p{partition_of(home, PARTITIONS)}" / PARTITION_FILE
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _pages(receiver: Receiver, who: str) -> list[tuple[str, str]]:  # noqa: F811
    """(alert id, step) of every page a caregiver received."""
    return [tuple(re.search(r"alert-id: (\w+) step: (\d+)", p["message"]).groups()) for p in receiver.got.get(who, [])]


async def test_a_fall_window_and_an_alert_round_due_while_the_worker_is_dead_fire_on_the_new_owner_once(
        deployment_with_timers, receiver):  # noqa: F811
    d = deployment_with_timers
    await _two_workers_sharing(d)
    sos_home, fall_home = [h for h in HOMES if (await d.holders())[partition_of(h, PARTITIONS)] == "worker-a"][:2]
    await publish(d.broker_port, [sos(sos_home, "sos-1"),
                                  (f"carehub/{fall_home}/watch/event", json.dumps({"type": "fall", "msg_id": "fall-1"}))])
    await until(lambda: receiver.count(sos_home) == 1, WAIT)  # round 1: tier 1 at once
    # ... and its delivery recorded: a worker killed between a caregiver's service taking a page and the record of
    # it sends it again on the new owner (delivery is at least once; the page carries its alert id and step).
    await until(lambda: _rows(d, sos_home, "SELECT 1 FROM alert_log WHERE transition = 'delivered' AND alert_id IN "
                              "(SELECT id FROM alerts WHERE home = ?)", sos_home), WAIT)
    await d.until_logged(["fall-1"])
    d.procs["worker-a"].kill()  # the fall's cancel window and the alert's round 2 are now due on nobody's clock

    await d.until_held({"worker-b": PARTITIONS})
    await until(lambda: receiver.count(f"{sos_home}-sam") >= 1 and receiver.count(fall_home) >= 1, WAIT)
    # The fall's check was taken up by the new owner with what was left of its window, and it paged once.
    resumed = _rows(d, fall_home, "SELECT data FROM events WHERE kind = 'fall_check_resumed' AND home = ?",
                    fall_home)
    assert len(resumed) == 1 and json.loads(resumed[0][0])["seconds_left"] < TIMER
    alerts = _rows(d, fall_home, "SELECT kind, count FROM alerts WHERE home = ?", fall_home)
    assert alerts == [("fall", 1)]
    # Round 2 of the SOS (tier 2 joins) was sent by the new owner; no (alert, step) reached anyone twice.
    for who in (sos_home, f"{sos_home}-sam", fall_home):
        pages = _pages(receiver, who)
        assert len(pages) == len(set(pages)), f"{who} was paged twice for one step: {pages}"
    assert _pages(receiver, f"{sos_home}-sam")[0][1] == "1"
    sent = _rows(d, sos_home, "SELECT alert_id, step, caregiver, COUNT(*) FROM alert_log WHERE transition = 'sending' "
                              "GROUP BY alert_id, step, caregiver HAVING COUNT(*) > 1")
    assert sent == []
