"""eventlog: rows are committed before the future resolves, deduplicated, and queryable (filters, causes)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import datetime, timedelta, timezone

import pytest

from assistant.eventlog import EventLog, EventQuery, open_database
from assistant.log_writer import SETTLE_AT_ONCE, LogWriter, Write, settle
from assistant.events import (
    AccelerationSampled, BatteryReported, Event, FallDetected, MessageRejected, MotionDetected,
    VitalSignsMeasured, event_from_row,
)
from assistant.migrations import migrations

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def stamp(event: Event, id: str, minutes: float = 0, **envelope) -> Event:
    return event.stamped(id=id, ts=at(minutes), home=envelope.pop("home", "flat1"), **envelope)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "data" / "carehub.db"


@pytest.fixture
async def log(db_path):
    log = EventLog(db_path)
    await log.start()
    yield log
    await log.close()


@pytest.fixture
async def query(log, db_path):
    query = EventQuery(db_path)
    yield query
    query.close()


def _other_connection_rows(db_path, sql: str, *args) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


async def test_written_events_are_committed_and_readable(log, query, db_path):
    vitals = stamp(VitalSignsMeasured(heart_rate=71, spo2=97), "e1", device="watch", person="grandma")
    burst = stamp(AccelerationSampled(rate_hz=50, samples=((0.0, 0.1, 1.0), (0.2, -0.1, 0.9))), "e2", 1,
                  device="watch", person="grandma")
    await log.write(vitals, burst)

    rows = query.events(newest_first=False)
    assert [r["id"] for r in rows] == ["e1", "e2"]
    assert rows[0] == {"id": "e1", "ts": T0.isoformat(timespec="microseconds"), "home": "flat1", "device": "watch",
                       "person": "grandma", "kind": "vital_signs_measured",
                       "data": {"heart_rate": 71, "spo2": 97}, "cause": None}
    assert [event_from_row(r) for r in rows] == [vitals, burst]
    assert log.committed_rows == 2
    assert log.write_errors == 0


async def test_append_future_resolves_only_after_commit(log, db_path):
    future = log.append([stamp(MotionDetected(), "m1", device="hall")])
    assert not future.done()  # the writer thread resolves it through the loop, after its commit
    await future
    assert _other_connection_rows(db_path, "SELECT id, kind FROM events") == [("m1", "motion_detected")]


async def test_many_appends_all_commit(log, db_path):
    futures = [log.append([stamp(BatteryReported(level=i), f"b{i:03d}", i)]) for i in range(200)]
    await asyncio.gather(*futures)
    assert _other_connection_rows(db_path, "SELECT count(*) FROM events") == [(200,)]
    assert log.committed_rows == 200
    assert 1 <= log.commits <= 200


async def test_database_is_in_wal_mode(log, db_path):
    assert _other_connection_rows(db_path, "PRAGMA journal_mode") == [("wal",)]


async def test_indexes_exist(log, db_path):
    names = {name for (name,) in _other_connection_rows(
        db_path, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'")}
    assert {"events_home_ts", "events_kind_ts", "events_device_ts", "events_cause", "events_dedupe"} <= names


async def test_same_dedupe_key_is_logged_once(log, query):
    await log.append([stamp(VitalSignsMeasured(heart_rate=80), "first", device="watch")],
                     dedupe_key="flat1/watch/m-1")
    await log.append([stamp(VitalSignsMeasured(heart_rate=80), "redelivered", 1, device="watch")],
                     dedupe_key="flat1/watch/m-1")
    await log.append([stamp(VitalSignsMeasured(heart_rate=81), "another", 2, device="watch")],
                     dedupe_key="flat1/watch/m-2")
    await log.append([stamp(MotionDetected(), "no-key-1", 3)])
    await log.append([stamp(MotionDetected(), "no-key-2", 4)])
    assert [r["id"] for r in query.events(newest_first=False)] == [
        "first", "another", "no-key-1", "no-key-2"]


async def test_dedupe_key_covers_every_event_of_a_message(log, query):
    def message(suffix: str) -> list[Event]:
        return [stamp(BatteryReported(level=40), f"bat-{suffix}", device="watch"),
                stamp(FallDetected(), f"fall-{suffix}", device="watch")]

    await log.append(message("a"), dedupe_key="flat1/watch/m-7")
    await log.append(message("b"), dedupe_key="flat1/watch/m-7")
    assert sorted(r["id"] for r in query.events()) == ["bat-a", "fall-a"]


async def test_extra_data_is_kept_with_the_event(log, query):
    await log.append([stamp(MotionDetected(), "m1")], extra={"device_ts": "2026-01-05T07:59:58Z"})
    [row] = query.events()
    assert row["data"] == {"device_ts": "2026-01-05T07:59:58Z"}
    assert event_from_row(row) == stamp(MotionDetected(), "m1")


async def test_touches_update_the_devices_table(log, query):
    await log.append([], touches=[("flat1", "watch", at(0).isoformat(), 1, 1, "carehub/flat1/watch/availability")])
    await log.append([], touches=[("flat1", "watch", at(5).isoformat(), None, 1, "carehub/flat1/watch/state"),
                                  ("flat1", "door", at(6).isoformat(), None, 1, "carehub/flat1/door/state")])
    assert query.devices() == [
        {"home": "flat1", "id": "door", "last_seen": at(6).isoformat(), "online": None, "configured": 1,
         "last_topic": "carehub/flat1/door/state"},
        # A state message does not say whether the device is online, so the last known value stays.
        {"home": "flat1", "id": "watch", "last_seen": at(5).isoformat(), "online": 1, "configured": 1,
         "last_topic": "carehub/flat1/watch/state"},
    ]
    await log.append([], touches=[("flat1", "watch", at(9).isoformat(), 0, 1, "carehub/flat1/watch/availability")])
    assert [d["online"] for d in query.devices() if d["id"] == "watch"] == [0]


async def test_failed_commit_fails_the_future_and_the_writer_carries_on(log, query):
    bad_touch = ("flat1", "watch")  # too few values for the devices table
    with pytest.raises((sqlite3.Error, IndexError)):
        await log.append([stamp(MotionDetected(), "lost")], touches=[bad_touch])
    assert log.write_errors == 1
    await log.write(stamp(MotionDetected(), "kept", 1))
    assert [r["id"] for r in query.events()] == ["kept"]  # the failed batch was rolled back whole


async def test_cause_chain_is_effect_first(log, query):
    fall = stamp(FallDetected(), "a-fall", 0, device="watch")
    alert = stamp(MotionDetected(), "b-alert", 1, cause="a-fall")
    page = stamp(BatteryReported(level=1), "c-page", 2, cause="b-alert")
    unrelated = stamp(MotionDetected(), "d-other", 3)
    await log.write(fall, alert, page, unrelated)
    assert [r["id"] for r in query.cause_chain("c-page")] == ["c-page", "b-alert", "a-fall"]
    assert [r["id"] for r in query.cause_chain("a-fall")] == ["a-fall"]
    assert query.cause_chain("no-such-event") == []
    assert [r["id"] for r in query.events(cause="a-fall")] == ["b-alert"]


async def test_cause_chain_stops_at_a_missing_cause_and_at_max_depth(log, query):
    await log.write(stamp(MotionDetected(), "orphan", cause="pruned-long-ago"),
                    stamp(MotionDetected(), "loop-1", 1, cause="loop-2"),
                    stamp(MotionDetected(), "loop-2", 2, cause="loop-1"))
    assert [r["id"] for r in query.cause_chain("orphan")] == ["orphan"]
    assert len(query.cause_chain("loop-1", max_depth=7)) == 7


@pytest.fixture
async def household(log):
    await log.write(
        stamp(VitalSignsMeasured(heart_rate=70), "e1", 0, device="watch", person="grandma"),
        stamp(MotionDetected(), "e2", 10, device="kitchen"),
        stamp(VitalSignsMeasured(heart_rate=75), "e3", 20, device="watch", person="grandma"),
        stamp(VitalSignsMeasured(heart_rate=90), "e4", 30, device="leo-watch", person="leo"),
        stamp(MotionDetected(), "e5", 40, device="kitchen"),
        stamp(MotionDetected(), "e6", 50, device="kitchen", home="flat2"),
    )


@pytest.mark.parametrize(("filters", "expected"), [
    ({}, ["e6", "e5", "e4", "e3", "e2", "e1"]),
    ({"newest_first": False}, ["e1", "e2", "e3", "e4", "e5", "e6"]),
    ({"kind": "vital_signs_measured"}, ["e4", "e3", "e1"]),
    ({"device": "kitchen"}, ["e6", "e5", "e2"]),
    ({"person": "grandma"}, ["e3", "e1"]),
    ({"home": "flat1", "device": "kitchen"}, ["e5", "e2"]),
    ({"since": at(20)}, ["e6", "e5", "e4", "e3"]),
    ({"until": at(20)}, ["e2", "e1"]),
    ({"since": at(10), "until": at(40)}, ["e4", "e3", "e2"]),
    ({"since": at(10).isoformat(), "until": at(40).isoformat()}, ["e4", "e3", "e2"]),
    ({"kind": "motion_detected", "since": at(5), "limit": 2}, ["e6", "e5"]),
    ({"limit": 2, "newest_first": False}, ["e1", "e2"]),
    ({"kind": "no_such_kind"}, []),
])
async def test_event_filters(household, query, filters, expected):
    assert [r["id"] for r in query.events(**filters)] == expected


async def test_since_and_until_in_another_time_zone(household, query):
    paris = timezone(timedelta(hours=1))
    since = at(15).astimezone(paris)  # 09:15+01:00 is 08:15 UTC
    until = at(35).astimezone(paris)
    assert [r["id"] for r in query.events(since=since, until=until)] == ["e4", "e3"]


async def test_count_and_single_event(household, query):
    assert query.count() == 6
    assert query.count("motion_detected") == 3
    assert query.event("e3")["data"] == {"heart_rate": 75}
    assert query.event("nope") is None


async def test_rejected_senders(log, query):
    def rejected(id: str, minutes: float, topic: str, reason: str) -> Event:
        return stamp(MessageRejected(topic=topic, reason=reason, preview="{}"), id, minutes)

    await log.write(
        rejected("r1", 0, "carehub/flat1/toaster/state", "unknown device 'toaster' (not in config.yaml)"),
        rejected("r2", 1, "carehub/flat1/watch/state", "malformed JSON"),
        rejected("r3", 2, "carehub/flat1/toaster/state", "unknown device 'toaster' (renamed)"),
    )
    assert query.rejected_senders() == [
        {"topic": "carehub/flat1/toaster/state", "count": 2, "last_seen": at(2).isoformat(timespec="microseconds"),
         "reason": "unknown device 'toaster' (renamed)"},
        {"topic": "carehub/flat1/watch/state", "count": 1, "last_seen": at(1).isoformat(timespec="microseconds"),
         "reason": "malformed JSON"},
    ]


async def test_reopen_keeps_data_and_migrations_do_nothing_more(db_path):
    log = EventLog(db_path)
    await log.start()
    await log.write(stamp(MotionDetected(), "before-restart"))
    await log.close()

    log = EventLog(db_path)
    await log.start()
    await log.write(stamp(MotionDetected(), "after-restart", 1))
    await log.close()

    db = open_database(db_path)
    try:
        assert migrations.pending(db) == []
        assert migrations.apply(db) == []
        assert [r["name"] for r in db["_migrations"].rows] == ["m001_events", "m002_devices", "m003_skill_store", "m004_alerts",
                                                                   "m005_app_sign_in", "m006_home_scoped_skill_store"]
    finally:
        db.conn.close()
    query = EventQuery(db_path)
    try:
        assert [r["id"] for r in query.events(newest_first=False)] == ["before-restart", "after-restart"]
    finally:
        query.close()


async def test_close_waits_for_queued_writes(db_path):
    log = EventLog(db_path)
    await log.start()
    futures = [log.append([stamp(MotionDetected(), f"m{i}", i)]) for i in range(20)]
    await log.close()
    await asyncio.gather(*futures)
    assert _other_connection_rows(db_path, "SELECT count(*) FROM events") == [(20,)]


def test_open_database_creates_the_folder(tmp_path):
    path = tmp_path / "a" / "b" / "log.db"
    db = open_database(path)
    try:
        assert path.exists()
        assert {"events", "devices", "_migrations"} <= set(db.table_names())
    finally:
        db.conn.close()


def test_ids_made_one_after_another_strictly_increase():
    from assistant.ids import new_id

    ids = [new_id() for _ in range(5000)]  # many share a millisecond
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(len(i) == 26 and int(i, 16) >= 0 for i in ids)


async def test_homes_sharing_one_writer_thread_each_commit_to_their_own_file_and_leave_independently(tmp_path):
    # A partition's homes: one thread commits for all of them, each home's rows in its own file.
    writer = LogWriter("carehub-p7-log")
    logs = {home: EventLog(tmp_path / f"{home}.db", writer=writer) for home in ("flat-a", "flat-b")}
    for log in logs.values():
        await log.start()
    writes = [logs[home].append([stamp(MotionDetected(device="hall"), f"{home}-{i}", i, home=home)])
              for i in range(200) for home in logs]
    await asyncio.gather(*writes)
    assert [t.name for t in threading.enumerate() if t.name == "carehub-p7-log"] == ["carehub-p7-log"]
    await logs["flat-b"].close()  # a household leaves: its writes are committed, the other home goes on
    await logs["flat-a"].write(stamp(MotionDetected(device="hall"), "flat-a-late", 300, home="flat-a"))
    await logs["flat-a"].close()
    assert not [t for t in threading.enumerate() if t.name == "carehub-p7-log"]  # the last home stops it
    for home in logs:
        query = EventQuery(tmp_path / f"{home}.db")
        rows = query.events(limit=1000)
        query.close()
        assert {r["home"] for r in rows} == {home}
        assert len(rows) == (201 if home == "flat-a" else 200)


async def test_a_shared_writer_refuses_only_the_homes_of_a_partition_whose_lease_is_lost(tmp_path):
    # A worker's homes share one writer thread; each home's log asks its own partition's lease before a commit.
    from assistant.log_writer import Fenced

    held = {"p0": True, "p1": True}
    asked: list[str] = []

    def lease(partition: str):
        def holds() -> bool:
            asked.append(partition)
            return held[partition]
        return holds

    fences = {"p0": lease("p0"), "p1": lease("p1")}
    writer = LogWriter("carehub-w1-log")
    homes = {"flat-a": "p0", "flat-b": "p0", "flat-c": "p1"}
    logs = {home: EventLog(tmp_path / f"{home}.db", writer=writer, may_commit=fences[p]) for home, p in homes.items()}
    for log in logs.values():
        await log.start()
    try:
        await asyncio.gather(*(logs[h].append([stamp(MotionDetected(device="hall"), f"{h}-1", 1, home=h)])
                               for h in logs))
        held["p0"] = False  # the worker was frozen past partition 0's lease
        writes = {h: logs[h].append([stamp(MotionDetected(device="hall"), f"{h}-2", 2, home=h)]) for h in logs}
        outcomes = await asyncio.gather(*writes.values(), return_exceptions=True)
        refused = {h for h, outcome in zip(writes, outcomes) if isinstance(outcome, Fenced)}
        assert refused == {"flat-a", "flat-b"} and outcomes[2] is None
        assert "no longer owns its partition" in str(outcomes[0]) and writer.fenced == 2
    finally:
        for log in logs.values():
            await log.close()
    for home in logs:
        query = EventQuery(tmp_path / f"{home}.db")
        ids = sorted(r["id"] for r in query.events(limit=10))
        query.close()
        assert ids == ([f"{home}-1", f"{home}-2"] if home == "flat-c" else [f"{home}-1"])
    assert asked.count("p0") <= asked.count("p1") + 1  # asked once a batch, not once a home


async def test_a_partition_s_homes_commit_a_batch_together_and_a_bad_write_is_refused_only_to_its_home(tmp_path):
    # A partition's homes share one file and one connection: their parts of a batch go in one transaction. A write
    # the file refuses fails that one home's part; the other home's rows in the same batch are committed.
    from assistant.eventlog import OneConnection

    path = tmp_path / "p3" / "homes.db"
    shared, writer = OneConnection(path), LogWriter("carehub-p3-log")
    logs = {home: EventLog(path, writer=writer, shared=shared) for home in ("flat-a", "flat-b")}

    def queue(first: int, last: int) -> dict[str, asyncio.Future]:
        return {f"{home}-{i}": logs[home].append([stamp(MotionDetected(device="hall"), f"{home}-{i}", i, home=home)])
                for i in range(first, last) for home in logs}

    for log in logs.values():
        await log.start()
    try:
        with shared.lock:  # the writer waits at its first commit while every write below is queued
            writes = queue(0, 100)
        outcomes = dict(zip(writes, await asyncio.gather(*writes.values(), return_exceptions=True)))
        together = shared.commits
        with shared.lock:
            writes = queue(100, 200)
            bad = logs["flat-b"].append([stamp(MotionDetected(device="hall"), "flat-b-bad", 100, home="flat-b")],
                                        touches=[("flat-b", "watch")])  # too few values for the devices table
        outcomes |= dict(zip(writes, await asyncio.gather(*writes.values(), return_exceptions=True)))
        with pytest.raises((sqlite3.Error, IndexError)):
            await bad
    finally:
        for log in logs.values():
            await log.close()
    assert together >= 1  # a transaction carried both homes' rows
    query = EventQuery(path)
    ids = {r["id"] for r in query.events(limit=1000)}
    query.close()
    assert {f"flat-{h}-{i}" for h in "ab" for i in range(100)} <= ids  # the first batches: every write
    assert {f"flat-a-{i}" for i in range(200)} <= ids and "flat-b-bad" not in ids
    assert {k for k, v in outcomes.items() if v is None} == ids  # each write told what happened to it
    assert logs["flat-a"].write_errors == 0 and logs["flat-b"].write_errors >= 1


async def test_a_slow_commit_is_counted_and_logged_with_its_file_its_wal_and_where_the_writer_s_time_went(
        tmp_path, caplog):
    # While the writer is held up every home's readings wait unlogged, so a slow batch says which file took longest,
    # how big its WAL was and whether the writer ran, waited for a CPU or was blocked. Any batch is "slow" here.
    import logging
    import sys

    from assistant.eventlog import OneConnection

    path = tmp_path / "p4" / "homes.db"
    shared, writer = OneConnection(path), LogWriter("carehub-p4-log", slow=0.0)
    logs = [EventLog(path, writer=writer, shared=shared) for _ in ("flat-a", "flat-b")]
    for log in logs:
        await log.start()
    try:
        with caplog.at_level(logging.WARNING, logger="assistant.log_writer"):
            await asyncio.gather(*(log.append([stamp(MotionDetected(device="hall"), f"{home}-1", home=home)])
                                   for home, log in zip(("flat-a", "flat-b"), logs)))
    finally:
        for log in logs:
            await log.close()
    lines = [r.getMessage() for r in caplog.records if "event log writer" in r.getMessage()]
    assert writer.slow >= 1 and writer.longest > 0 and lines
    assert "to commit" in lines[0] and "the slowest file, p4/homes.db" in lines[0] and "(waiting for its lock " in lines[0] and "its WAL " in lines[0], lines[0]
    if sys.platform == "linux":
        assert "the writer ran" in lines[0] and "waited" in lines[0] and "blocked" in lines[0], lines[0]


async def test_a_large_committed_batch_is_reported_over_several_turns_of_the_loop_in_order():
    loop = asyncio.get_running_loop()
    turn = 0
    told: list[tuple[int, int]] = []  # (write, the loop turn it was told in)

    def write(n: int) -> Write:
        return Write([], [], None, loop, on_commit=lambda error: told.append((n, turn)))

    async def count_turns() -> None:
        nonlocal turn
        while True:
            turn += 1
            await asyncio.sleep(0)

    counter = asyncio.create_task(count_turns())
    try:
        first, second = [write(n) for n in range(450)], [write(n) for n in range(450, 500)]
        # Two batches from two writer threads, one after the other (a worker's writer, a home's own).
        for batch in (first, second):
            thread = threading.Thread(target=settle, args=(loop, batch, None))
            thread.start()
            thread.join()
        while len(told) < 500:
            await asyncio.sleep(0)
    finally:
        counter.cancel()
    assert [n for n, _ in told] == list(range(500))  # in order, across the batches
    per_turn = [sum(1 for _, t in told if t == turn) for turn in {t for _, t in told}]
    assert max(per_turn) <= SETTLE_AT_ONCE and len(per_turn) >= 3

