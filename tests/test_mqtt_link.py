"""The hub's MQTT link: status with a last will, reconnect after a broker outage, bounded sessions."""

from __future__ import annotations

import asyncio
import json

import aiomqtt

from assistant.app import build_hub
from assistant.broker import EmbeddedBroker
from tests.conftest import free_port, start_mosquitto
from tests.hubkit import hub_config, publish, wait_for_rows


async def _retained(port: int, topic: str) -> bytes:
    async with aiomqtt.Client("127.0.0.1", port, identifier="status-reader") as client:
        await client.subscribe(topic, qos=1)
        async with asyncio.timeout(5):
            async for message in client.messages:
                return bytes(message.payload)
    raise AssertionError("no retained message")


async def test_hub_status_is_online_then_offline(any_broker, tmp_path):
    config = hub_config(tmp_path, any_broker.port)
    hub = build_hub(config)
    await hub.start()
    await hub.wait_connected()
    assert await _retained(any_broker.port, "carehub/flat1/hub/status") == b"online"
    await hub.stop()
    assert await _retained(any_broker.port, "carehub/flat1/hub/status") == b"offline"


async def test_hub_reconnects_after_the_broker_restarts(tmp_path):
    port = free_port()
    (tmp_path / "m1").mkdir()
    (tmp_path / "m2").mkdir()
    broker = start_mosquitto(tmp_path / "m1", port)
    config = hub_config(tmp_path, port)
    hub = build_hub(config)
    hub.link._max_backoff = 1.0  # noqa: SLF001 - keep the outage short in a test
    try:
        await hub.start()
        await hub.wait_connected()
        broker.terminate()
        await asyncio.to_thread(broker.wait, 10)
        await wait_for_rows(config.database_path, lambda r: r, kind="broker_disconnected")
        assert hub.health()["status"] == "degraded"
        broker = start_mosquitto(tmp_path / "m2", port)
        await wait_for_rows(config.database_path, lambda r: len(r) >= 2, timeout=20, kind="broker_connected")
        await hub.wait_connected()
        await publish(port, [("carehub/flat1/kitchen-motion/state", json.dumps({"motion": True}))])
        await wait_for_rows(config.database_path, lambda r: r, kind="motion_detected")
        assert hub.health()["status"] == "ok" and hub.link.reconnects >= 1
    finally:
        await hub.stop()
        broker.terminate()
        await asyncio.to_thread(broker.wait, 10)


async def test_embedded_broker_forgets_dead_persistent_sessions():
    port = free_port()
    broker = EmbeddedBroker("127.0.0.1", port, session_expiry=1)
    await broker.start()
    try:
        async with aiomqtt.Client("127.0.0.1", port, identifier="gone-device", username="device",
                                  clean_session=False) as client:
            await client.subscribe("carehub/#", qos=1)
        sessions = broker._broker._sessions  # noqa: SLF001 - amqtt exposes no public view
        async with asyncio.timeout(10):
            while "gone-device" in sessions:
                await asyncio.sleep(0.2)
    finally:
        await broker.stop()


async def test_embedded_broker_keeps_a_persistent_session_queue_across_reconnects():
    port = free_port()
    broker = EmbeddedBroker("127.0.0.1", port, session_expiry=3600)
    await broker.start()
    try:
        async with aiomqtt.Client("127.0.0.1", port, identifier="hub", clean_session=False) as hub:
            await hub.subscribe("carehub/#", qos=1)
        await publish(port, [("carehub/flat1/kitchen-motion/state", b'{"motion": true}')])
        async with aiomqtt.Client("127.0.0.1", port, identifier="hub", clean_session=False) as hub:
            async with asyncio.timeout(5):
                async for message in hub.messages:
                    assert message.payload == b'{"motion": true}'
                    break
    finally:
        await broker.stop()
