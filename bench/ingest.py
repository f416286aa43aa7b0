"""Sustained ingest rate, device publish → committed row, through Mosquitto: carehub beside a bare baseline.

The baseline is what the hub's ingest costs at the least: a plain paho subscriber (QoS 1, persistent
session, acknowledged on receipt) doing group commits with executemany into a table of the same shape
and indexes. Both are measured in the same run against the same broker, alternating, so the ratio is
fair on a small, noisy machine.

    python bench/ingest.py                 # 20,000 messages, 3 rounds each
    python bench/ingest.py --quick         # 3,000 messages, 1 round (CI smoke)
    python bench/ingest.py --profile DIR   # also write a cProfile of each hub run into DIR
    python bench/ingest.py --py-spy DIR    # or sample every thread of each subscriber with py-spy

Each run gets its own home id (so its topics), client id and database; a subscriber process starts,
connects and subscribes; a publisher process then publishes N messages at QoS 1 as fast as it can, and
this process polls the database until it holds N rows. The rate is N over the time from the first
publish to the poll that saw the last row. Then, with the same subscriber, a second publisher sends a
short paced stream to measure publish → commit latency when the subscriber is not saturated. An
untimed warm-up run of each comes first. The machine's other load shows in the per-round figures;
the summary takes the median of each side and the ratio of the medians. "us CPU/msg" is the
subscriber's own CPU time (every thread) per message, steadier than the rate on a busy machine.

The hub acknowledges a message only once its row is committed, so Mosquitto's
``max_inflight_messages`` (``--broker-inflight``, 100 here; Mosquitto's own default is 20) bounds
how many messages it can have in hand; the baseline acknowledges on receipt and is never held back.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.7
DEVICE = "watch"
PERSON = "grandma"

# The event log's schema (assistant/migrations.py), restated so the baseline does not import carehub.
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
   id TEXT PRIMARY KEY NOT NULL, ts TEXT NOT NULL, home TEXT NOT NULL, device TEXT, person TEXT,
   kind TEXT NOT NULL, data TEXT, cause TEXT, dedupe_key TEXT);
CREATE INDEX IF NOT EXISTS events_home_ts ON events (home, ts);
CREATE INDEX IF NOT EXISTS events_kind_ts ON events (kind, ts);
CREATE INDEX IF NOT EXISTS events_device_ts ON events (device, ts);
CREATE INDEX IF NOT EXISTS events_cause ON events (cause);
CREATE UNIQUE INDEX IF NOT EXISTS events_dedupe ON events(dedupe_key) WHERE dedupe_key IS NOT NULL;
"""
INSERT = ("INSERT OR IGNORE INTO events (id, ts, home, device, person, kind, data, cause, dedupe_key) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


class BenchError(Exception):
    """A run did not complete (a process died or a deadline passed)."""


def show_logs(workdir: Path) -> None:
    """Print the tail of every process log in ``workdir``, to explain a failed run."""
    for item in sorted(workdir.glob("*.log")):
        tail = item.read_text(errors="replace")[-1500:]
        if tail.strip():
            log(f"--- {item.name} ---\n{tail}")


def log(text: str) -> None:
    print(text, flush=True)


# -- worker: the bare baseline subscriber --------------------------------------------------------


def baseline_worker(args: argparse.Namespace) -> int:
    """paho network thread → queue → writer thread: executemany and commit per batch (cut when idle)."""
    import paho.mqtt.client as mqtt

    conn = sqlite3.connect(args.db, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    rows: queue.SimpleQueue[tuple | None] = queue.SimpleQueue()
    stop = threading.Event()

    def on_message(client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        _, home, device, _ = message.topic.split("/", 3)
        try:
            data = json.loads(message.payload)
        except ValueError:
            return
        msg_id = data.get("msg_id")
        rows.put((
            f"{time.time_ns() // 1_000_000:012x}{os.urandom(7).hex()}",
            datetime.now(timezone.utc).isoformat(), home, device, PERSON, "state",
            json.dumps(data, separators=(",", ":")), None,
            f"{home}/{device}/{msg_id}#0" if msg_id else None,
        ))

    def writer() -> None:
        while True:
            first = rows.get()
            if first is None:
                return
            batch = [first]
            done = False
            while len(batch) < args.batch:
                try:
                    row = rows.get_nowait()
                except queue.Empty:
                    break
                if row is None:
                    done = True
                    break
                batch.append(row)
            with conn:
                conn.executemany(INSERT, batch)
            if done:
                return

    def on_subscribe(client: mqtt.Client, userdata: object, mid: int, codes: list, props: object) -> None:
        Path(args.ready).touch()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=args.client_id, clean_session=False,
                         protocol=mqtt.MQTTv311)
    client.on_message = on_message
    client.on_subscribe = on_subscribe
    client.on_connect = lambda c, u, f, rc, p: c.subscribe(f"carehub/{args.home}/+/state", qos=1)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    thread = threading.Thread(target=writer, name="baseline-writer")
    thread.start()
    client.connect("127.0.0.1", args.port, keepalive=30)
    client.loop_start()
    try:
        while not stop.wait(0.5):
            pass
    finally:
        client.disconnect()
        client.loop_stop()
        rows.put(None)
        thread.join(10)
        conn.close()
    return 0


# -- worker: the device publisher ----------------------------------------------------------------


def publisher_worker(args: argparse.Namespace) -> int:
    """Publish ``--count`` wearable readings at QoS 1; print when the first went out and the last was acked.

    Each msg_id carries its publish time (CLOCK_MONOTONIC, shared by every process on Linux), which is
    how the bench process measures publish → commit latency from the rows alone.
    """
    import paho.mqtt.client as mqtt

    acked = 0
    all_acked = threading.Event()
    connected = threading.Event()

    def on_publish(client: mqtt.Client, userdata: object, mid: int, code: object, props: object) -> None:
        nonlocal acked
        acked += 1
        if acked >= args.count:
            all_acked.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{os.getpid()}",
                         protocol=mqtt.MQTTv311)
    client.max_inflight_messages_set(args.inflight)
    client.max_queued_messages_set(0)
    client.on_publish = on_publish
    client.on_connect = lambda c, u, f, rc, p: connected.set()
    client.connect("127.0.0.1", args.port, keepalive=30)
    client.loop_start()
    try:
        if not connected.wait(10):
            raise BenchError("publisher could not connect")
        template = b'{"heart_rate": 72, "spo2": 97, "msg_id": "%s"}'
        start = time.monotonic()
        for i in range(args.count):
            if args.rate:
                delay = start + i / args.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            msg_id = b"%s-%06d-%d" % (args.tag.encode(), i, time.monotonic_ns() // 1000)
            client.publish(args.topic, template % msg_id, qos=1)
        if not all_acked.wait(args.timeout):
            raise BenchError(f"broker acked {acked} of {args.count} publishes within {args.timeout:g} s")
        last_ack = time.monotonic()
        print(json.dumps({"start": start, "last_ack": last_ack, "count": args.count}), flush=True)
    finally:
        client.disconnect()
        client.loop_stop()
    return 0


# -- the bench itself ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), all threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_process(proc: subprocess.Popen, timeout: float = 10.0, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class Mosquitto:
    """One broker for the whole run, in a temp dir, on 127.0.0.1 only."""

    def __init__(self, workdir: Path, inflight: int) -> None:
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not Path(binary).exists():
            raise BenchError("mosquitto is not installed (apt-get install mosquitto)")
        self.port = free_port()
        self.inflight = inflight
        conf = workdir / "mosquitto.conf"
        conf.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence false\n"
            "max_queued_messages 1000000\n"
            f"max_inflight_messages {inflight}\n"
            "persistent_client_expiration 1h\n"
        )
        self.proc = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise BenchError("mosquitto did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        stop_process(self.proc, 5)


@dataclass
class Run:
    """One subscriber's figures in one round."""

    name: str
    round: int
    rate: float
    publisher_rate: float
    cpu_us: float
    """Subscriber CPU time (all threads, user + system) per message while it ingested the burst."""
    latencies_ms: list[float] = field(default_factory=list)


class RowWatcher:
    """Polls a subscriber's database for rows carrying a msg_id; notes when each was first seen."""

    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        self.last_rowid = 0
        self.counts: dict[str, int] = {}

    def poll(self, tag: str, seen: dict[int, float] | None = None) -> int:
        rows = self.conn.execute(
            "SELECT rowid, dedupe_key FROM events WHERE rowid > ? AND dedupe_key IS NOT NULL ORDER BY rowid",
            (self.last_rowid,)).fetchall()
        now = time.monotonic()
        for rowid, key in rows:
            self.last_rowid = rowid
            msg_tag, seq, _ = key.rsplit("/", 1)[-1].split("#", 1)[0].split("-")
            if msg_tag != tag:
                continue
            self.counts[tag] = self.counts.get(tag, 0) + 1
            if seen is not None:
                seen[int(seq)] = now
        return self.counts.get(tag, 0)

    def close(self) -> None:
        self.conn.close()


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path, broker: Mosquitto) -> None:
        self.args = args
        self.workdir = workdir
        self.broker = broker

    # subscribers

    def start_baseline(self, home: str, db: Path) -> subprocess.Popen:
        ready = db.with_suffix(".ready")
        proc = subprocess.Popen(
            [sys.executable, __file__, "--baseline-worker", "--port", str(self.broker.port), "--home", home,
             "--db", str(db), "--client-id", f"bench-{home}", "--ready", str(ready)],
            stdout=(self.workdir / f"{home}.log").open("wb"), stderr=subprocess.STDOUT)
        self._wait(proc, ready.exists, f"baseline subscriber {home} did not subscribe")
        return proc

    def start_carehub(self, home: str, db: Path) -> subprocess.Popen:
        config = {
            "home": {"id": home},
            "mqtt": {"broker": "external", "host": "127.0.0.1", "port": self.broker.port,
                     "client_id": f"bench-{home}"},
            "storage": {"database": str(db)},
            "http": {"enabled": False},
            "people": [{"id": PERSON, "name": "Margaret", "role": "elder"}],
            "devices": [{"id": DEVICE, "kind": "wearable", "person": PERSON}],
            "log_level": "WARNING",
        }
        path = self.workdir / f"{home}.yaml"
        path.write_text(json.dumps(config, indent=1))  # JSON is YAML
        command = [sys.executable]
        if self.args.profile:
            Path(self.args.profile).mkdir(parents=True, exist_ok=True)
            command += ["-m", "cProfile", "-o", str(Path(self.args.profile).resolve() / f"{home}.prof")]
        command += ["-m", "assistant", "--config", str(path), "run"]
        proc = subprocess.Popen(command, cwd=REPO, stdout=(self.workdir / f"{home}.log").open("wb"),
                                stderr=subprocess.STDOUT)

        def subscribed() -> bool:
            # The hub logs broker_connected after it has subscribed.
            if not db.exists():
                return False
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                try:
                    row = conn.execute("SELECT 1 FROM events WHERE kind = 'broker_connected'").fetchone()
                    return row is not None
                finally:
                    conn.close()
            except sqlite3.Error:
                return False

        self._wait(proc, subscribed, f"carehub hub {home} did not connect")
        return proc

    def _wait(self, proc: subprocess.Popen, ready, what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if proc.poll() is not None or time.monotonic() > deadline:
                stop_process(proc)
                raise BenchError(f"{what} (see {self.workdir})")
            time.sleep(0.05)

    # publisher

    def publish(self, home: str, tag: str, count: int, rate: float = 0.0) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, __file__, "--publisher-worker", "--port", str(self.broker.port),
             "--topic", f"carehub/{home}/{DEVICE}/state", "--count", str(count), "--tag", tag,
             "--rate", str(rate), "--inflight", str(self.args.publisher_inflight),
             "--timeout", str(self.deadline(count))],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    @staticmethod
    def deadline(count: int) -> float:
        return 60.0 + count / 100.0

    def wait_rows(self, watcher: RowWatcher, publisher: subprocess.Popen, tag: str, count: int,
                  subscriber: subprocess.Popen, interval: float,
                  seen: dict[int, float] | None = None) -> tuple[float, dict]:
        deadline = time.monotonic() + self.deadline(count)
        while watcher.poll(tag, seen) < count:
            if subscriber.poll() is not None:
                raise BenchError(f"subscriber exited with {subscriber.returncode} (see {self.workdir})")
            if time.monotonic() > deadline:
                got = watcher.counts.get(tag, 0)
                raise BenchError(f"only {got} of {count} rows after {self.deadline(count):g} s")
            time.sleep(interval)
        done = time.monotonic()
        try:
            out, err = publisher.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            publisher.kill()
            raise BenchError("publisher did not finish") from None
        if publisher.returncode != 0:
            raise BenchError(f"publisher failed: {err.decode(errors='replace')[-2000:]}")
        return done, json.loads(out.decode().strip().splitlines()[-1])

    def run(self, name: str, rnd: int, messages: int | None = None) -> Run:
        """One fresh subscriber: a burst as fast as possible, then (for a timed run) the latency stream."""
        home = f"r{rnd}-{name}"
        db = self.workdir / f"{home}.db"
        start = self.start_baseline if name == "baseline" else self.start_carehub
        subscriber = start(home, db)
        publisher: subprocess.Popen | None = None
        watcher = RowWatcher(db)
        spy: subprocess.Popen | None = None
        try:
            spy = self.start_py_spy(home, subscriber.pid) if messages is None else None
            n = messages or self.args.messages
            cpu_before = cpu_seconds(subscriber.pid)
            publisher = self.publish(home, "f", n)
            done, report = self.wait_rows(watcher, publisher, "f", n, subscriber, self.args.poll)
            cpu_us = (cpu_seconds(subscriber.pid) - cpu_before) / n * 1e6
            if spy is not None:
                stop_process(spy, 30, signal.SIGINT)
            rate = n / (done - report["start"])
            publisher_rate = n / (report["last_ack"] - report["start"])
            seen: dict[int, float] = {}
            latencies: list[float] = []
            if self.args.latency_messages and messages is None:
                publisher = self.publish(home, "p", self.args.latency_messages, self.args.latency_rate)
                self.wait_rows(watcher, publisher, "p", self.args.latency_messages, subscriber, 0.002, seen)
                latencies = self._latencies(watcher, seen)
            return Run(name, rnd, rate, publisher_rate, cpu_us, latencies)
        finally:
            watcher.close()
            if spy is not None:
                stop_process(spy, 30, signal.SIGINT)
            if publisher is not None and publisher.poll() is None:
                publisher.kill()
                publisher.wait(5)
            stop_process(subscriber)

    def start_py_spy(self, home: str, pid: int) -> subprocess.Popen | None:
        """Sample every thread of the subscriber during the burst (``--py-spy DIR``, needs ptrace rights)."""
        if not self.args.py_spy:
            return None
        out = Path(self.args.py_spy).resolve()
        out.mkdir(parents=True, exist_ok=True)
        spy = subprocess.Popen(["py-spy", "record", "--pid", str(pid), "--threads", "--rate", "250",
                                "--format", "raw", "--output", str(out / f"{home}.txt")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)  # let it attach before the burst starts
        return spy

    def _latencies(self, watcher: RowWatcher, seen: dict[int, float]) -> list[float]:
        rows = watcher.conn.execute("SELECT dedupe_key FROM events WHERE dedupe_key LIKE ?",
                                    ("%/p-%",)).fetchall()
        latencies = []
        for (key,) in rows:
            _, seq, published_us = key.rsplit("/", 1)[-1].split("#", 1)[0].split("-")
            if int(seq) in seen:
                latencies.append((seen[int(seq)] - int(published_us) / 1e6) * 1000)
        return latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_main(args: argparse.Namespace) -> int:
    if args.quick:
        args.messages, args.rounds, args.latency_messages, args.warmup = 3000, 1, 300, 0
    names = {"baseline": "baseline (bare paho, auto-ack, executemany)",
             "carehub": "carehub  (hub process, ack after commit)"}
    runs: dict[str, list[Run]] = {"baseline": [], "carehub": []}
    with tempfile.TemporaryDirectory(prefix="carehub-bench-") as tmp:
        workdir = Path(tmp)
        broker: Mosquitto | None = None
        try:
            broker = Mosquitto(workdir, args.broker_inflight)
            log(f"ingest bench: {args.messages} messages x {args.rounds} round(s), Mosquitto on 127.0.0.1:"
                f"{broker.port} (max_inflight_messages {args.broker_inflight}), {os.cpu_count()} CPU(s)")
            bench = Bench(args, workdir, broker)
            if args.warmup:
                for name in ("baseline", "carehub"):
                    bench.run(name, 0, args.warmup)
            for rnd in range(1, args.rounds + 1):
                # Alternate who goes first so drift in the machine's load does not favour one side.
                order = ("baseline", "carehub") if rnd % 2 else ("carehub", "baseline")
                for name in order:
                    run = bench.run(name, rnd)
                    runs[name].append(run)
                    lat = (f", latency p50 {percentile(run.latencies_ms, 0.5):.1f} ms"
                           f" p99 {percentile(run.latencies_ms, 0.99):.1f} ms" if run.latencies_ms else "")
                    log(f"  round {rnd} {name:<8} {run.rate:8.0f} msg/s  ({run.cpu_us:.0f} us CPU/msg; "
                        f"publisher {run.publisher_rate:.0f} msg/s acked by broker{lat})")
        except BenchError as error:
            log(f"bench failed: {error}")
            show_logs(workdir)
            return 1
        finally:
            if broker is not None:
                broker.stop()
    medians = {name: statistics.median(r.rate for r in rs) for name, rs in runs.items()}
    cpu = {name: statistics.median(r.cpu_us for r in rs) for name, rs in runs.items()}
    for name in ("baseline", "carehub"):
        latencies = [v for r in runs[name] for v in r.latencies_ms]
        lat = (f"; publish->commit at {args.latency_rate:g} msg/s p50 {percentile(latencies, 0.5):.1f} ms, "
               f"p99 {percentile(latencies, 0.99):.1f} ms (rows polled every 2 ms)" if latencies else "")
        log(f"{names[name]}: {medians[name]:.0f} msg/s (median), {cpu[name]:.0f} us CPU/msg{lat}")
    ratio = medians["carehub"] / medians["baseline"]
    verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
    log(f"ratio carehub/baseline: {ratio:.2f}x (target {TARGET_RATIO:.2f}x: {verdict}); "
        f"CPU per message {cpu['carehub'] / cpu['baseline']:.2f}x the baseline's")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20000, help="messages per run (default 20000)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each subscriber (default 3)")
    parser.add_argument("--quick", action="store_true", help="3000 messages, 1 round, no warm-up")
    parser.add_argument("--warmup", type=int, default=2000,
                        help="messages in an untimed first run of each subscriber (default 2000; 0 to skip)")
    parser.add_argument("--broker-inflight", type=int, default=100,
                        help="Mosquitto max_inflight_messages per client (default 100; 0 = unlimited)")
    parser.add_argument("--publisher-inflight", type=int, default=100,
                        help="unacknowledged publishes the publisher allows itself (default 100)")
    parser.add_argument("--poll", type=float, default=0.02, help="seconds between row counts (default 0.02)")
    parser.add_argument("--latency-messages", type=int, default=1000,
                        help="paced messages for the latency figure (default 1000; 0 to skip)")
    parser.add_argument("--latency-rate", type=float, default=500.0, help="their rate in msg/s (default 500)")
    parser.add_argument("--profile", metavar="DIR", help="run each hub under cProfile into DIR/<run>.prof")
    parser.add_argument("--py-spy", metavar="DIR",
                        help="sample each subscriber with py-spy during the burst, writing DIR/<run>.txt")
    # Workers: this same file, run as a subprocess.
    parser.add_argument("--baseline-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--publisher-worker", action="store_true", help=argparse.SUPPRESS)
    for name, kind in (("--port", int), ("--home", str), ("--db", str), ("--client-id", str),
                       ("--ready", str), ("--topic", str), ("--count", int), ("--tag", str),
                       ("--rate", float), ("--inflight", int), ("--timeout", float)):
        parser.add_argument(name, type=kind, help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=2000, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline_worker:
        return baseline_worker(args)
    if args.publisher_worker:
        return publisher_worker(args)
    return bench_main(args)


if __name__ == "__main__":
    sys.exit(main())
