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
