"""5,000 seeded junk messages straight into the ingest path of a real hub: nothing crashes, and every
message is either accepted or counted (and logged) as rejected."""

from __future__ import annotations

import asyncio
import sqlite3

from assistant.app import build_hub
from assistant.clock import FakeClock
from assistant.config import parse_config
from assistant.registry import MAX_UNKNOWN_SENDERS
from tests.fuzzkit import household, junk
from tests.test_alerts import T0

COUNT = 5_000


async def test_junk_is_accepted_or_counted_as_rejected_and_the_counts_add_up(tmp_path):
    config = parse_config(household(tmp_path), "test", tmp_path)
    hub = build_hub(config, clock=FakeClock(T0), offline=True, skills=[])
    await hub.start()
    try:
        for n, message in enumerate(junk(seed=13, count=COUNT), 1):
            hub.ingest.handle(message)
            if n % 25 == 0:
                await asyncio.sleep(0)  # let commits and the bus run, as the MQTT link would
        async with asyncio.timeout(60):
            while hub.log.pending:
                await asyncio.sleep(0.05)
        counters = hub.ingest.counters
        assert counters["received"] == COUNT
        assert counters["accepted"] + counters["rejected"] + counters["audio"] == COUNT
        assert counters["accepted"] > 1000 and counters["rejected"] > 1000  # both paths were exercised
        assert sum(hub.ingest.rejections.values()) == counters["rejected"]
        assert len(hub.ingest.rejections) <= 65
        assert len(hub.registry.unknown) <= MAX_UNKNOWN_SENDERS
        report = hub.health()
        assert report["status"] != "error" and report["event_log"]["write_errors"] == 0
    finally:
        await hub.stop()
    with sqlite3.connect(config.database_path) as db:
        rejected_rows = db.execute("SELECT count(*) FROM events WHERE kind = 'message_rejected'").fetchone()[0]
        longest_topic = db.execute("SELECT max(length(json_extract(data, '$.topic'))) FROM events "
                                   "WHERE kind = 'message_rejected'").fetchone()[0]
    assert rejected_rows == counters["rejected"]
    assert longest_topic <= 256


async def test_commits_refused_once_the_partition_s_lease_ran_out_are_said_once_and_end_with_the_home(
        tmp_path, caplog):
    # A worker's home whose partition lease ran out: every commit is refused (Fenced). Under a flood that must be
    # one line for the home, not one a message every second, and nothing is acknowledged or retried once it stops.
    from assistant.app import SharedParts
    from assistant.log_writer import LogWriter
    from assistant.mqtt import Incoming, MqttLink

    config = parse_config(household(tmp_path), "test", tmp_path)
    lease = {"held": True}
    link = MqttLink(config.mqtt, subscriptions=[], status_topic="carehub/p0/status")  # never connected
    shared = SharedParts(LogWriter("carehub-test-log"), link, lambda: lease["held"])
    hub = build_hub(config, clock=FakeClock(T0), offline=True, skills=[], shared=shared)
    await hub.start()
    try:
        lease["held"] = False
        device = next(d for d in config.devices if d.kind == "motion")
        for i in range(200):
            hub.ingest.handle(Incoming(f"{config.mqtt.topic_prefix}/{config.home.id}/{device.id}/state",
                                       f'{{"motion": true, "msg_id": "m-{i}"}}'.encode(), 1, False, i + 1))
        async with asyncio.timeout(30):
            while hub.ingest.counters["fenced"] < 200:
                await asyncio.sleep(0.05)
    finally:
        await hub.stop()
    said = [r for r in caplog.records if "wait for whoever holds the partition" in r.getMessage()]
    assert len(said) == 1 and "no longer owns its partition" in said[0].getMessage()
    assert not [r for r in caplog.records if "commit failed" in r.getMessage()]
    conn = sqlite3.connect(config.database_path)
    try:
        assert conn.execute("SELECT count(*) FROM events WHERE kind = 'motion_detected'").fetchone()[0] == 0
    finally:
        conn.close()
