"""The MQTT link reads the socket in large pieces and sends acknowledgements together (``assistant/mqtt_io.py``):
a flood of queued messages, one larger than a read, all arrive whole, in order, once, and are acknowledged."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import aiomqtt

from assistant.app import build_hub
from assistant.mqtt_io import READ_SIZE
from tests.conftest import free_port, start_mosquitto
from tests.hubkit import hub_config, wait_for_rows

TOPIC = "carehub/flat1/kitchen-motion/state"


def _dedupe_keys(db: Path, ids: list[str]) -> list[str]:
    """The message keys (``home/device/msg_id#n``) of the rows ``ids``, in the order they were logged."""
    conn = sqlite3.connect(db)
    try:
        keys = dict(conn.execute(f"SELECT id, dedupe_key FROM events WHERE id IN ({','.join('?' * len(ids))})", ids))
    finally:
        conn.close()
    return [keys[i] for i in sorted(ids)]


async def test_a_flood_of_queued_messages_arrives_whole_in_order_once_and_is_acknowledged(tmp_path):
    port = free_port()
    broker = start_mosquitto(tmp_path, port)
    config = hub_config(tmp_path, port)
    try:
        hub = build_hub(config)
        await hub.start()  # the hub's persistent session subscribes; then it goes away
        await hub.wait_connected()
        await hub.stop()
        big = json.dumps({"motion": True, "msg_id": "m-250", "note": "x" * (2 * READ_SIZE)})
        payloads = [big if i == 250 else json.dumps({"motion": True, "msg_id": f"m-{i}"}) for i in range(500)]
        async with aiomqtt.Client("127.0.0.1", port, identifier="kitchen-motion") as device:
            for payload in payloads:  # queued for the hub
                await device.publish(TOPIC, payload, qos=1)
        hub = build_hub(config)
        await hub.start()  # the broker hands over the queue as fast as the hub acknowledges it
        try:
            rows = await wait_for_rows(config.database_path, lambda r: len(r) >= 499, timeout=30,
                                       kind="motion_detected")
            rejected = await wait_for_rows(config.database_path, lambda r: r, kind="message_rejected")
        finally:
            await hub.stop()
        hub = build_hub(config)
        await hub.start()  # anything not acknowledged would be handed over again now
        try:
            async with aiomqtt.Client("127.0.0.1", port, identifier="kitchen-motion") as device:
                await device.publish(TOPIC, json.dumps({"motion": True, "msg_id": "after"}), qos=1)
            after = await wait_for_rows(config.database_path, lambda r: len(r) >= 500, kind="motion_detected")
            redelivered = hub.ingest.counters["duplicate"]
        finally:
            await hub.stop()
    finally:
        broker.terminate()
        await asyncio.to_thread(broker.wait, 10)
    keys = [key.rsplit("/", 1)[-1] for key in _dedupe_keys(config.database_path, [r["id"] for r in rows])]
    assert keys == [f"m-{i}#0" for i in range(500) if i != 250]  # whole and in order
    # The large one was read whole (a note is not a motion sensor's field) and did not break the ones after it.
    assert len(rejected) == 1 and "unexpected field 'note'" in rejected[0]["data"]["reason"]
    assert len(after) == 500 and redelivered == 0  # every one acknowledged: none handed over twice
