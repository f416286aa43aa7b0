"""A partition of homes in a worker: one MQTT session on a real Mosquitto and one SQLite writer carry several
homes; each home's messages reach its own skills and caregivers; homes come and go without a restart; the
partition's persistent session keeps what arrived while no worker held it."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from pathlib import Path

import pytest
import yaml

from assistant.clock import FakeClock
from assistant.cluster.homes import HomeDirectory, partition_of
from assistant.cluster.partition import STARTING_AT_ONCE, Partition, StartGate
from assistant.config import MqttConfig
from assistant.skill_runtime.store import SqliteKeyValueStore
from assistant.skill_loader import SkillClass
from skills.safety import Safety, SafetySettings
from tests.hubkit import publish, wait_for_rows
from tests.test_alerts import T0, Receiver, receiver, until  # noqa: F401 - receiver is a fixture

pytestmark = pytest.mark.mosquitto


def home_file(folder: Path, home: str, receiver: Receiver) -> Path:  # noqa: F811
    """A household's file as an operator writes it: grandma, her watch, a kitchen sensor, her caregiver."""
    path = folder / f"{home}.yaml"
    path.write_text(yaml.safe_dump({
        "home": {"id": home, "timezone": "Europe/London"},
        "people": [{"id": "grandma", "name": f"Grandma of {home}", "role": "elder"}],
        "devices": [{"id": "grandma-watch", "kind": "wearable", "person": "grandma"},
                    {"id": "kitchen-motion", "kind": "motion", "room": "kitchen"}],
        "caregivers": [{"id": "anna", "name": "Anna", "people": ["grandma"], "channels": [receiver.url(home)]}],
    }), encoding="utf-8")
    return path


def two_homes(tmp_path: Path, receiver: Receiver) -> list:  # noqa: F811
    """flat-a's and flat-b's files in ``tmp_path / "homes"``, and their configurations."""
    folder = tmp_path / "homes"
    folder.mkdir()
    for home in ("flat-a", "flat-b"):
        home_file(folder, home, receiver)
    return [f.config for f in HomeDirectory(folder).scan().homes.values()]


def sos(home: str, msg_id: str) -> tuple[str, str]:
    return f"carehub/{home}/grandma-watch/event", json.dumps({"type": "sos", "msg_id": msg_id})


def motion(home: str, msg_id: str) -> tuple[str, str]:
    return f"carehub/{home}/kitchen-motion/state", json.dumps({"motion": True, "msg_id": msg_id})


def partition(broker, tmp_path: Path) -> Partition:
    mqtt = MqttConfig(broker="external", host=broker.host, port=broker.port)
    return Partition(0, mqtt, tmp_path / "data", clock=FakeClock(T0), skills=[SkillClass("safety", Safety, "test", SafetySettings())], min_backoff=0.1)


def messages_logged(path: Path, prefix: str, home: str = "%") -> list[str]:
    """The device messages (msg_id) starting with ``prefix`` in a partition's log (of ``home``), each once per row,
    in log order."""
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        keys = conn.execute("SELECT dedupe_key FROM events WHERE dedupe_key LIKE ? AND home LIKE ? ORDER BY rowid",
                            [f"%/{prefix}%#0", home]).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()
    return [key.rsplit("/", 1)[1][:-2] for (key,) in keys]


async def held_once(broker, tmp_path: Path, receiver: Receiver, names: list[str]) -> list:  # noqa: F811
    """The homes' files, and partition 0's session made on the broker by a first holder that has stopped."""
    folder = tmp_path / "homes"
    folder.mkdir()
    for home in names:
        home_file(folder, home, receiver)
    configs = [f.config for f in HomeDirectory(folder).scan().homes.values()]
    first = partition(broker, tmp_path)
    await first.start(configs)
    await first.link.wait_connected()
    await first.stop()
    return configs


def rows_of(rows: list[dict], home: str, kind: str) -> list[dict]:
    return [r for r in rows if r["home"] == home and r["kind"] == kind]


async def test_one_session_and_one_writer_carry_several_homes_each_reaching_its_own_caregiver(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    folder = tmp_path / "homes"
    folder.mkdir()
    for home in ("flat-a", "flat-b"):
        home_file(folder, home, receiver)
    homes = HomeDirectory(folder)
    part = partition(mosquitto_broker, tmp_path)
    before = set(threading.enumerate())  # other tests' threads may linger; count only the partition's
    await part.start(f.config for f in homes.scan().homes.values())
    try:
        await part.link.wait_connected()
        writers = [t.name for t in set(threading.enumerate()) - before if t.name.endswith("log")]
        assert writers == ["carehub-p0-log"]  # two homes, one file, one writer thread
        await publish(mosquitto_broker.port, [sos("flat-a", "a-1"), motion("flat-b", "b-1")])
        await until(lambda: receiver.count("flat-a") == 1)
        rows = await wait_for_rows(part.database(), lambda rows: rows_of(rows, "flat-b", "motion_detected")
                                   and rows_of(rows, "flat-a", "sos_pressed"))
        assert {r["home"] for r in rows} == {"flat-a", "flat-b"}
        # In the partition's one file each row names its home: each home reads only its own.
        assert {r["home"] for r in await part.hubs["flat-b"].reader.rows()} == {"flat-b"}
        assert not await part.hubs["flat-b"].reader.rows(kind="sos_pressed")
        assert receiver.count("flat-b") == 0
        assert "Grandma of flat-a" in receiver.got["flat-a"][0]["message"]

        # A new household's file: the running partition takes it up, and its SOS reaches its own caregiver.
        home_file(folder, "flat-c", receiver)
        scan = homes.scan()
        assert sorted(scan.homes) == ["flat-a", "flat-b", "flat-c"] and not scan.problems
        await part.add(scan.homes["flat-c"].config)
        await publish(mosquitto_broker.port, [sos("flat-c", "c-1")])
        await until(lambda: receiver.count("flat-c") == 1)

        # A household that leaves: nothing of it is logged any more, the others go on.
        await part.remove("flat-b")
        await publish(mosquitto_broker.port, [motion("flat-b", "b-2"), motion("flat-a", "a-2")])
        rows = await wait_for_rows(part.database(), lambda rows: rows_of(rows, "flat-a", "motion_detected"))
        b = [r for r in rows if r["home"] == "flat-b"]
        assert len(rows_of(b, "flat-b", "motion_detected")) == 1 and b[-1]["kind"] == "hub_stopped"
        assert part.homes == ["flat-a", "flat-c"]
    finally:
        await part.stop()


async def test_what_arrives_while_no_worker_holds_the_partition_is_delivered_to_the_next_holder(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    configs = await held_once(mosquitto_broker, tmp_path, receiver, ["flat-a"])
    # The partition's persistent session (client id carehub-p0) keeps these for whoever takes it next.
    await publish(mosquitto_broker.port, [motion("flat-a", "gap-1"), sos("flat-a", "gap-2")])
    second = partition(mosquitto_broker, tmp_path)
    await second.start(configs)
    try:
        await until(lambda: receiver.count("flat-a") == 1)
        rows = await wait_for_rows(second.database(), lambda rows: rows_of(rows, "flat-a", "sos_pressed"))
        assert len(rows_of(rows, "flat-a", "motion_detected")) == 1
        assert second.link.config.client_id == "carehub-p0"
    finally:
        await second.stop()


def test_a_refused_home_file_is_named_with_its_problems_and_a_running_home_keeps_its_last_good_config(
        tmp_path):
    receiver = Receiver()  # noqa: F811
    good = home_file(tmp_path, "flat-a", receiver)
    (tmp_path / "flat-x.yaml").write_text("home: {id: flat-y}\n", encoding="utf-8")
    (tmp_path / "flat-z.yaml").write_text("home: [not, a, mapping\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a home", encoding="utf-8")
    homes = HomeDirectory(tmp_path)
    scan = homes.scan()
    assert list(scan.homes) == ["flat-a"]
    assert "does not match the file name" in scan.problems["flat-x.yaml"][0]
    assert "not valid YAML" in scan.problems["flat-z.yaml"][0]
    assert homes.rejected == 2
    homes.scan()
    assert homes.rejected == 2  # an unchanged refused file is not counted again

    good.write_text("home: {id: flat-a}\npeople: [{id: grandma, role: nobody}]\n", encoding="utf-8")
    scan = homes.scan()
    assert scan.homes["flat-a"].config.people[0].name == "Grandma of flat-a"  # still the last good one
    assert "people" in scan.problems["flat-a.yaml"][0]
    good.unlink()
    assert "flat-a" not in homes.scan().homes


def test_a_home_s_partition_is_stable_and_spreads_homes_evenly():
    assert partition_of("flat-a") == partition_of("flat-a")
    counts = [0] * 64
    for i in range(6400):
        counts[partition_of(f"home-{i}")] += 1
    assert min(counts) > 60 and max(counts) < 145


async def test_a_worker_s_home_remembers_a_bounded_number_of_messages_and_a_copy_is_still_logged_once(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    from assistant.ingest import RECENT_MESSAGES_SHARED

    configs = await held_once(mosquitto_broker, tmp_path, receiver, ["flat-a"])
    part = partition(mosquitto_broker, tmp_path)
    await part.start(configs)
    try:
        count = RECENT_MESSAGES_SHARED + 50
        await publish(mosquitto_broker.port, [motion("flat-a", f"m-{i}") for i in range(count)])
        await until(lambda: len(messages_logged(part.database(), "m-")) == count)
        ingest = part.hubs["flat-a"].ingest
        assert ingest.remembered == RECENT_MESSAGES_SHARED  # not every message the home ever had
        # A copy of the newest (the broker handing over what was in flight) is known and goes no further; a copy
        # of the oldest is no longer remembered, and the log still keeps one row of it.
        await publish(mosquitto_broker.port, [motion("flat-a", f"m-{count - 1}"), motion("flat-a", "m-0")])
        await until(lambda: ingest.counters["received"] >= count + 2)
        assert ingest.counters["duplicate"] == 1
        await publish(mosquitto_broker.port, [motion("flat-a", "m-after")])
        await until(lambda: messages_logged(part.database(), "m-after") == ["m-after"])
        assert len(messages_logged(part.database(), "m-")) == count + 1  # m-after; no message twice
    finally:
        await part.stop()


async def test_a_taken_over_partition_starts_first_the_home_with_messages_waiting_and_hands_them_over_in_order(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    names = [f"flat-{i:02d}" for i in range(20)]
    configs = await held_once(mosquitto_broker, tmp_path, receiver, names)
    # While nobody holds the partition, the last home in starting order has a reading, an SOS and a reading.
    await publish(mosquitto_broker.port, [motion("flat-19", "wait-1"), sos("flat-19", "wait-2"),
                                          motion("flat-19", "wait-3")])
    second = partition(mosquitto_broker, tmp_path)
    await second.start(configs, wait=False)
    try:
        assert second.homes == names  # every home is the partition's at once, started or not
        await second.all_started.wait()
        started = list(second.hubs)
        assert started.index("flat-19") < 12, started  # ahead of homes with nothing waiting
        await until(lambda: receiver.count("flat-19") == 1)
        await until(lambda: len(messages_logged(second.database("flat-19"), "wait-")) == 3)
        assert messages_logged(second.database("flat-19"), "wait-") == ["wait-1", "wait-2", "wait-3"]  # in order
        assert second.unrouted == 0
    finally:
        await second.stop()


async def started_behind_a_busy_gate(broker, tmp_path: Path, configs: list, receiver: Receiver) -> list[str]:  # noqa: F811
    """The order a partition taking over 20 homes started them in, its worker's only start slot busy (another
    partition's home) until every home had a message waiting; flat-19's SOS paged by then."""
    gate = StartGate(at_once=1)
    await gate.acquire(lambda: 0)
    second = partition(broker, tmp_path)
    second.gate = gate
    await second.start(configs, wait=False)
    try:
        await until(lambda: len(second._called) == 20)  # noqa: SLF001 - every home has its message waiting
        gate.release()
        await second.all_started.wait()
        await until(lambda: receiver.count("flat-19") == 1)
        return list(second.hubs)
    finally:
        await second.stop()


async def test_among_homes_with_messages_waiting_one_with_an_sos_starts_before_those_with_readings_only(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    names = [f"flat-{i:02d}" for i in range(20)]
    configs = await held_once(mosquitto_broker, tmp_path, receiver, names)
    # After a takeover nearly every home has a reading waiting; the SOS came last, to the last home in order.
    await publish(mosquitto_broker.port, [motion(home, f"r-{home}") for home in names[:-1]]
                  + [sos("flat-19", "sos-1")])
    started = await started_behind_a_busy_gate(mosquitto_broker, tmp_path, configs, receiver)
    assert started[0] == "flat-19" and started[1:4] == ["flat-00", "flat-01", "flat-02"], started


async def test_a_home_with_an_open_alert_starts_after_one_with_an_sos_waiting_but_before_those_with_readings(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    names = [f"flat-{i:02d}" for i in range(20)]
    configs = await held_once(mosquitto_broker, tmp_path, receiver, names)
    first = partition(mosquitto_broker, tmp_path)
    await first.start(configs)
    try:  # the owner before: flat-17's SOS is paged and its alert stays open (its next round falls due later)
        await publish(mosquitto_broker.port, [sos("flat-17", "open-1")])
        await until(lambda: receiver.count("flat-17") == 1)
    finally:
        await first.stop()
    # At load every home has a reading waiting by the time it could start; flat-19 also has an SOS.
    await publish(mosquitto_broker.port, [motion(home, f"r-{home}") for home in names] + [sos("flat-19", "sos-1")])
    started = await started_behind_a_busy_gate(mosquitto_broker, tmp_path, configs, receiver)
    assert started[:4] == ["flat-19", "flat-17", "flat-00", "flat-01"], started


async def test_messages_for_homes_not_started_when_the_partition_stops_go_to_the_next_holder(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    configs = await held_once(mosquitto_broker, tmp_path, receiver, [f"flat-{i:02d}" for i in range(20)])
    await publish(mosquitto_broker.port, [motion("flat-19", "gone-1"), motion("flat-18", "gone-2")])
    second = partition(mosquitto_broker, tmp_path)
    await second.start(configs, wait=False)
    await second.stop()  # at once: most homes never started here
    assert second.unrouted == 0  # nothing was acknowledged for a home that did not take it
    third = partition(mosquitto_broker, tmp_path)
    await third.start(configs)
    try:
        await until(lambda: messages_logged(third.database(), "gone-", "flat-19") == ["gone-1"])
        await until(lambda: messages_logged(third.database(), "gone-", "flat-18") == ["gone-2"])
    finally:
        await third.stop()


async def test_a_worker_s_start_gate_gives_a_free_slot_first_to_a_partition_with_a_home_called_by_messages():
    gate = StartGate(1)
    await gate.acquire(lambda: False)
    order: list[str] = []
    called = {"b": False}

    async def start(name: str) -> None:
        await gate.acquire(lambda: called[name] if name in called else False)
        order.append(name)
        gate.release()

    waiting = [asyncio.create_task(start("a")), asyncio.create_task(start("b"))]
    await asyncio.sleep(0)
    called["b"] = True  # a message for one of b's homes came while both waited
    gate.release()
    await asyncio.gather(*waiting)
    assert order == ["b", "a"]
    assert gate.free == 1


async def test_a_taken_over_partition_starts_first_the_homes_whose_care_was_under_way(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    names = [f"flat-{i:02d}" for i in range(20)]
    configs = await held_once(mosquitto_broker, tmp_path, receiver, names)
    first = partition(mosquitto_broker, tmp_path)
    await first.start(configs)
    try:
        await publish(mosquitto_broker.port, [sos("flat-19", "open-1")])
        await until(lambda: receiver.count("flat-19") == 1)  # its alert is open: nobody has acknowledged it
    finally:
        await first.stop()
    second = partition(mosquitto_broker, tmp_path)
    await second.start(configs, wait=False)
    try:
        await second.all_started.wait()
        assert list(second.hubs).index("flat-19") < STARTING_AT_ONCE  # in the first round, not the last
    finally:
        await second.stop()


def files_open(folder: Path) -> list[str]:
    """The files under ``folder`` this process holds open (its SQLite files, their WAL and shared memory)."""
    names = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = fd.readlink()
        except OSError:
            continue
        if str(target).startswith(str(folder)):
            names.append(target.name)
    return sorted(names)


async def test_a_partition_s_homes_keep_one_connection_to_its_one_file_each_seeing_only_its_own_rows(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    part = partition(mosquitto_broker, tmp_path)
    await part.start(two_homes(tmp_path, receiver))
    try:
        await part.link.wait_connected()
        await publish(mosquitto_broker.port, [sos("flat-a", "a-1"), motion("flat-a", "a-2"), motion("flat-b", "b-1")])
        await until(lambda: receiver.count("flat-a") == 1)
        a, b = part.hubs["flat-a"], part.hubs["flat-b"]
        await until(lambda: a.log.committed_rows >= 3 and b.log.committed_rows >= 1)  # read through the hubs: a
        # connection of the test's own would stay open in the process as long as theirs (SQLite keeps a file's
        # locks per process)
        assert [r["device"] for r in await a.reader.rows(kind="motion_detected")] == ["kitchen-motion"]
        # Each home's log, reader, alert desk and skills' store answer through the partition's one connection,
        # each with its own rows only.
        assert [r["home"] for r in await a.reader.rows(kind="sos_pressed")] == ["flat-a"]
        assert {r["home"] for r in await b.reader.rows()} == {"flat-b"}
        assert [x.kind for x in await asyncio.to_thread(a.alerts.store.open_alerts)] == ["sos"]
        assert await asyncio.to_thread(b.alerts.store.open_alerts) == []
        assert {d["id"] for d in await b.reader.devices()} == {"kitchen-motion"}
        stores = {hub: SqliteKeyValueStore(hub.skills.store_connection, "t") for hub in (a, b)}
        await stores[a].set("k", "of flat-a")
        await stores[b].set("k", "of flat-b")
        assert [await stores[a].get("k"), await stores[b].get("k")] == ["of flat-a", "of flat-b"]
        await stores[b].delete("k")
        assert [await stores[a].keys(), await stores[b].keys()] == [["k"], []]
        assert a.alerts.store.secret() != b.alerts.store.secret()
        assert files_open(part.folder.resolve()) == ["homes.db", "homes.db-shm", "homes.db-wal"]
    finally:
        await part.stop()
    assert files_open(tmp_path) == []


class HeldWriter:
    """Stands in the writer's queue like a log whose commit takes until ``go`` is set: the worker's writer thread
    held up (behind on a busy machine), everything queued after it waiting, no file's lock held."""

    may_commit = None
    shares = None

    def __init__(self) -> None:
        self.go = threading.Event()

    def _commit(self, writes) -> None:
        self.go.wait(30)


async def test_an_sos_reaches_its_caregiver_by_the_urgent_lane_while_the_main_session_waits_for_the_log(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    from assistant.log_writer import Write

    configs = await held_once(mosquitto_broker, tmp_path, receiver, ["flat-a", "flat-b"])
    part = partition(mosquitto_broker, tmp_path)
    part.link.max_unacked = 2  # the main session stops reading at two messages not yet logged (500 in a worker)
    await part.start(configs)
    held = HeldWriter()
    try:
        await part.link.wait_connected()
        await part.urgent.link.wait_connected()
        assert part.urgent.link.config.client_id == "carehub-p0-urgent" and not part.urgent.link.persistent
        part.writer.put(held, Write([], [], None, None))  # type: ignore[arg-type]
        await publish(mosquitto_broker.port, [motion("flat-a", f"r-{i}") for i in range(5)])
        await until(lambda: part.link.reading_stopped)
        await publish(mosquitto_broker.port, [sos("flat-b", "b-sos"),
                                              ("carehub/flat-a/grandma-watch/event", json.dumps({"type": "sos"}))])
        # The main session reads nothing now; the lane brings flat-b's SOS to its home and its caregiver is paged.
        await until(lambda: receiver.count("flat-b") == 1)
        assert part.link.reading_stopped and part.urgent.taken == 1
        assert receiver.count("flat-a") == 0  # an SOS without a message id is left to the main session
        assert part.urgent.left == 1
        held.go.set()
        # The writer goes on, the main session reads again: the id-less SOS is handled from it, and the main copy
        # of flat-b's SOS is recognised as a copy: logged once, paged once.
        await until(lambda: receiver.count("flat-a") == 1)
        await until(lambda: part.hubs["flat-b"].ingest.counters["duplicate"] == 1)
        assert messages_logged(part.database(), "b-sos") == ["b-sos"]
        await until(lambda: len(messages_logged(part.database(), "r-")) == 5)
        assert part.hubs["flat-b"].ingest.counters["early"] == 1
        await asyncio.sleep(0.5)  # anything sent twice would have arrived by now
        assert receiver.count("flat-b") == 1 and receiver.count("flat-a") == 1
    finally:
        held.go.set()
        await part.stop()
    # Both sessions acknowledged what they were handed: the next holder is given none of it again.
    again = partition(mosquitto_broker, tmp_path)
    await again.start(configs)
    try:
        await again.link.wait_connected()
        await publish(mosquitto_broker.port, [motion("flat-a", "after")])
        await until(lambda: messages_logged(again.database(), "after") == ["after"])
        assert again.hubs["flat-b"].ingest.counters["received"] == 0
        assert again.hubs["flat-a"].ingest.counters["received"] == 1
    finally:
        await again.stop()


async def test_what_the_disk_refused_a_worker_s_home_is_saved_by_the_partition_s_one_storage_watch(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    from assistant.app import STORAGE_RETRY_EVERY

    part = partition(mosquitto_broker, tmp_path)
    await part.start(two_homes(tmp_path, receiver))
    db = part.file.open()
    try:
        await part.link.wait_connected()
        names = [task.get_name() for task in asyncio.all_tasks()]
        assert "carehub-p0-storage" in names and "carehub-storage" not in names  # one watch, not one a home
        with part.file.lock:
            db.conn.execute("PRAGMA query_only = 1")  # the file refuses every write, as a full disk does
        await publish(mosquitto_broker.port, [sos("flat-a", "a-1")])
        await until(lambda: receiver.count("flat-a") == 1)  # delivered from memory
        hub = part.hubs["flat-a"]
        await until(lambda: hub.log.failing is not None and hub.alerts.store.failing is not None)
        assert "readonly" in hub.log.failing and messages_logged(part.database(), "a-") == []

        with part.file.lock:
            db.conn.execute("PRAGMA query_only = 0")  # space again
        assert hub.alerts.store.failing is not None  # nothing else would try the alert's changes again
        await part.clock.advance(STORAGE_RETRY_EVERY)  # type: ignore[attr-defined]
        await until(lambda: hub.log.failing is None and hub.alerts.store.failing is None)
        assert messages_logged(part.database(), "a-") == ["a-1"]
        with part.file.lock:
            kinds = db.conn.execute("SELECT home, kind FROM alerts").fetchall()
        assert kinds == [("flat-a", "sos")]
    finally:
        await part.stop()
        part.file.release()


class SlowPhone:
    """The caregivers' channel (apprise, to the test's HTTP receiver) with each page held until ``go`` is set."""

    def __init__(self) -> None:
        from assistant.alerts.delivery import AppriseNotifier

        self.inner = AppriseNotifier()
        self.go = asyncio.Event()

    async def send(self, url: str, title: str, body: str, priority: str) -> tuple[bool, str]:
        await self.go.wait()
        return await self.inner.send(url, title, body, priority)


async def _held_partition(broker, tmp_path: Path, receiver: Receiver, hold_at_most: float):  # noqa: F811
    from assistant.cluster.urgent import Precedence

    configs = two_homes(tmp_path, receiver)
    phone = SlowPhone()
    mqtt = MqttConfig(broker="external", host=broker.host, port=broker.port)
    part = Partition(0, mqtt, tmp_path / "data", clock=FakeClock(T0), notifier=phone, min_backoff=0.1,
                     skills=[SkillClass("safety", Safety, "test", SafetySettings())],
                     precedence=Precedence(hold_at_most))
    await part.start(configs)
    await part.link.wait_connected()
    await part.urgent.link.wait_connected()
    await publish(broker.port, [motion("flat-b", "b-0")])  # the main session reads on its own first
    await until(lambda: messages_logged(part.database(), "b-") == ["b-0"])
    return part, phone


async def test_while_an_sos_from_the_urgent_lane_is_paged_the_main_session_reads_nothing(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    part, phone = await _held_partition(mosquitto_broker, tmp_path, receiver, hold_at_most=30)
    try:
        await publish(mosquitto_broker.port, [sos("flat-a", "a-1")])
        await until(lambda: part.link.holds == 1)
        await publish(mosquitto_broker.port, [motion("flat-b", "b-1")])
        await asyncio.sleep(0.5)  # it would have been logged by now
        assert messages_logged(part.database(), "b-") == ["b-0"] and receiver.count("flat-a") == 0
        phone.go.set()  # the SOS's page goes out: reading starts again
        await until(lambda: receiver.count("flat-a") == 1)
        await until(lambda: messages_logged(part.database(), "b-") == ["b-0", "b-1"])
        assert part.precedence.held == 1 and part.precedence.expired == 0
        await publish(mosquitto_broker.port, [motion("flat-a", "a-2")])  # a reading holds nothing
        await until(lambda: messages_logged(part.database(), "a-") == ["a-1", "a-2"])
        assert part.link.holds == 1
    finally:
        phone.go.set()
        await part.stop()


async def test_a_page_that_does_not_go_out_holds_the_reading_no_longer_than_the_limit(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    part, phone = await _held_partition(mosquitto_broker, tmp_path, receiver, hold_at_most=0.3)
    try:
        await publish(mosquitto_broker.port, [sos("flat-a", "a-1")])
        await until(lambda: part.link.holds == 1)
        await publish(mosquitto_broker.port, [motion("flat-b", "b-1")])
        await until(lambda: messages_logged(part.database(), "b-") == ["b-0", "b-1"])  # the page still held
        assert part.precedence.expired == 1 and receiver.count("flat-a") == 0
    finally:
        phone.go.set()
        await part.stop()
