"""A device message travels from a real broker into a committed SQLite row; bad input is refused."""

from __future__ import annotations

import json

import aiohttp

from assistant.app import build_hub
from tests.hubkit import admin_headers, hub_config, publish, wait_for_rows


async def test_readings_and_events_become_rows(any_broker, tmp_path):
    config = hub_config(tmp_path, any_broker.port)
    async with build_hub(config) as hub:
        await hub.wait_connected()
        await publish(any_broker.port, [
            ("carehub/flat1/grandma-watch/state", json.dumps({"heart_rate": 71, "spo2": 97, "msg_id": "w1"})),
            ("carehub/flat1/grandma-watch/event", json.dumps({"type": "fall", "msg_id": "w2"})),
            ("carehub/flat1/kitchen-motion/state", json.dumps({"motion": True})),
            ("carehub/flat1/front-door/state", json.dumps({"open": True})),
            ("carehub/flat1/front-door/availability", "online"),
        ])
        rows = await wait_for_rows(config.database_path, lambda r: {"fall_detected", "contact_changed",
                                   "device_came_online"} <= {x["kind"] for x in r})
    by_kind = {r["kind"]: r for r in rows}
    vitals = by_kind["vital_signs_measured"]
    assert vitals["data"]["heart_rate"] == 71 and vitals["data"]["spo2"] == 97
    assert vitals["device"] == "grandma-watch" and vitals["person"] == "grandma" and vitals["home"] == "flat1"
    assert by_kind["fall_detected"]["person"] == "grandma"
    assert by_kind["motion_detected"]["device"] == "kitchen-motion"
    assert by_kind["contact_changed"]["data"] == {"open": True}
    assert "hub_started" in by_kind and "broker_connected" in by_kind


async def test_zigbee2mqtt_device_is_read(any_broker, tmp_path):
    config = hub_config(tmp_path, any_broker.port)
    async with build_hub(config) as hub:
        await hub.wait_connected()
        await publish(any_broker.port, [("zigbee2mqtt/Hallway motion", json.dumps(
            {"battery": 100, "illuminance": 12, "linkquality": 87, "occupancy": True, "voltage": 3005}))])
        rows = await wait_for_rows(config.database_path, lambda r: r, kind="motion_detected")
    assert rows[0]["device"] == "hall-sensor"


async def test_bad_input_is_rejected_with_reason_and_hub_keeps_going(any_broker, tmp_path):
    config = hub_config(tmp_path, any_broker.port)
    async with build_hub(config) as hub:
        await hub.wait_connected()
        await publish(any_broker.port, [
            ("carehub/flat1/grandma-watch/state", b"{not json"),
            ("carehub/flat1/grandma-watch/state", json.dumps({"heart_rate": "fast"})),
            ("carehub/flat1/grandma-watch/state", b"x" * (1024 * 1024)),
            ("carehub/flat1/toaster/state", json.dumps({"on": True})),
            ("carehub/flat1/grandma-watch/event", json.dumps({"type": "explode"})),
            ("carehub/flat1/front-door/availability", "maybe"),
            ("carehub/flat1/grandma-watch/state", json.dumps({"heart_rate": 64})),
        ])
        rejected = await wait_for_rows(config.database_path, lambda r: len(r) >= 6, kind="message_rejected")
        good = await wait_for_rows(config.database_path, lambda r: r, kind="vital_signs_measured")
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{hub.http.port}/api/health") as resp:
                health = await resp.json()
            async with http.get(f"http://127.0.0.1:{hub.http.port}/api/devices", headers=admin_headers(hub)) as resp:
                devices = await resp.json()
    reasons = [r["data"]["reason"] for r in rejected]
    assert any(r.startswith("malformed JSON") for r in reasons), reasons
    assert any("heart_rate" in r for r in reasons), reasons
    assert any(r.startswith("payload too large: 1048576 bytes") for r in reasons), reasons
    assert "unknown device 'toaster' (not in config.yaml)" in reasons
    assert any("explode" in r for r in reasons), reasons
    assert any("availability" in r for r in reasons), reasons
    assert good[0]["data"]["heart_rate"] == 64
    assert health["messages"]["rejected"] == 6
    assert health["messages"]["accepted"] >= 1
    assert devices["unknown_senders"][0]["topic"] == "carehub/flat1/toaster/state"


async def test_redelivered_message_is_logged_once(any_broker, tmp_path):
    config = hub_config(tmp_path, any_broker.port)
    async with build_hub(config) as hub:
        await hub.wait_connected()
        payload = json.dumps({"heart_rate": 80, "msg_id": "same"})
        await publish(any_broker.port, [("carehub/flat1/grandma-watch/state", payload)] * 3
                      + [("carehub/flat1/kitchen-motion/state", json.dumps({"motion": False}))])
        await wait_for_rows(config.database_path, lambda r: r, kind="motion_cleared")
        rows = await wait_for_rows(config.database_path, lambda r: r, kind="vital_signs_measured")
    assert len(rows) == 1


async def test_a_copy_of_an_sos_raises_no_second_alert_even_after_a_restart(amqtt_broker, tmp_path):
    config = hub_config(tmp_path, amqtt_broker.port)
    sos = ("carehub/flat1/grandma-watch/event", json.dumps({"type": "sos", "msg_id": "s-1"}))
    later = ("carehub/flat1/kitchen-motion/state", json.dumps({"motion": True, "msg_id": "m-1"}))
    async with build_hub(config) as hub:
        await hub.wait_connected()
        await publish(amqtt_broker.port, [sos, sos, later])  # the watch resent what it thought was lost
        await wait_for_rows(config.database_path, lambda r: r, kind="motion_detected")
        await hub.bus.drain()
        (raised,) = await hub.reader.rows(kind="alert_raised")
        assert hub.alerts.store.get(raised["data"]["alert_id"]).count == 1  # not folded in twice: seen once
        assert hub.ingest.counters["duplicate"] == 1
    # The broker redelivers what the stopped hub had not acknowledged: the new hub knows it was handled.
    async with build_hub(config) as hub:
        await hub.wait_connected()
        await publish(amqtt_broker.port, [sos, ("carehub/flat1/kitchen-motion/state", json.dumps({"motion": False}))])
        await wait_for_rows(config.database_path, lambda r: r, kind="motion_cleared")
        await hub.bus.drain()
        assert hub.ingest.counters["duplicate"] == 1
        assert len(await hub.reader.rows(kind="alert_raised")) == 1
    rows = await wait_for_rows(config.database_path, lambda r: r, kind="sos_pressed")
    assert len(rows) == 1


async def test_http_events_filters(amqtt_broker, tmp_path):
    config = hub_config(tmp_path, amqtt_broker.port)
    async with build_hub(config) as hub:
        await hub.wait_connected()
        await publish(amqtt_broker.port, [
            ("carehub/flat1/kitchen-motion/state", json.dumps({"motion": True})),
            ("carehub/flat1/grandma-watch/state", json.dumps({"heart_rate": 70})),
        ])
        await wait_for_rows(config.database_path, lambda r: len(r) >= 2, kind=None,
                            device=None, person=None)
        await wait_for_rows(config.database_path, lambda r: r, kind="vital_signs_measured")
        base = f"http://127.0.0.1:{hub.http.port}"
        async with aiohttp.ClientSession() as http:
            admin = admin_headers(hub)
            async with http.get(f"{base}/api/events", params={"person": "grandma"}, headers=admin) as resp:
                body = await resp.json()
            async with http.get(f"{base}/api/events", params={"limit": "many"}, headers=admin) as resp:
                bad = (resp.status, await resp.json())
            async with http.get(f"{base}/api/events", params={"kind": "motion_detected"}, headers=admin) as resp:
                motion = await resp.json()
    assert [e["kind"] for e in body["events"]] == ["vital_signs_measured"]
    assert bad == (400, {"error": "limit: not a whole number: 'many'"})
    assert motion["count"] == 1 and motion["events"][0]["device"] == "kitchen-motion"
