"""Helpers for tests that run a real hub against a real broker."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiomqtt

from assistant.config import Config, parse_config
from assistant.eventlog import EventQuery

HOUSEHOLD = {
    "home": {"id": "flat1", "timezone": "Europe/London"},
    "people": [{"id": "grandma", "name": "Margaret", "role": "elder"}],
    "devices": [
        {"id": "grandma-watch", "kind": "wearable", "person": "grandma", "heartbeat": 60},
        {"id": "kitchen-motion", "kind": "motion", "room": "kitchen"},
        {"id": "front-door", "kind": "contact", "subtype": "door", "room": "hallway"},
        {"id": "kitchen-light", "kind": "light", "room": "kitchen"},
        {"id": "hall-sensor", "kind": "motion", "room": "hallway", "zigbee2mqtt": "Hallway motion"},
    ],
}


def hub_config(tmp_path: Path, broker_port: int, *, embedded: bool = False, **overrides: Any) -> Config:
    return parse_config(household_raw(tmp_path, broker_port, embedded=embedded, **overrides), "test", tmp_path)


def household_raw(tmp_path: Path, broker_port: int, *, embedded: bool = False, **overrides: Any) -> dict[str, Any]:
    """The test household as config.yaml would hold it (``hub_config`` parses it)."""
    raw: dict[str, Any] = json.loads(json.dumps(HOUSEHOLD))
    raw["mqtt"] = {"broker": "embedded" if embedded else "external", "host": "127.0.0.1",
                   "port": broker_port, "client_id": f"hub-{tmp_path.name}"[:60]}
    raw["storage"] = {"database": str(tmp_path / "carehub.db")}
    raw["http"] = {"host": "127.0.0.1", "port": 0}
    for key, value in overrides.items():
        raw[key] = {**raw.get(key, {}), **value} if isinstance(value, dict) else value
    return raw


async def publish(port: int, messages: list[tuple[str, bytes | str]], qos: int = 1) -> None:
    """Publish as a device would, waiting for the broker's acknowledgement of each message."""
    async with aiomqtt.Client("127.0.0.1", port, identifier=f"dev-{id(messages)}") as client:
        for topic, payload in messages:
            await client.publish(topic, payload, qos=qos)


async def wait_for_rows(db_path: Path, predicate, timeout: float = 10.0, **filters: Any) -> list[dict]:
    """Poll the log until ``predicate(rows)`` holds; return the rows (oldest first)."""
    query = await asyncio.to_thread(EventQuery, db_path)
    try:
        async with asyncio.timeout(timeout):
            while True:
                rows = await asyncio.to_thread(query.events, limit=100000, newest_first=False, **filters)
                if predicate(rows):
                    return rows
                await asyncio.sleep(0.05)
    finally:
        query.close()


def bearer(token: str) -> dict[str, str]:
    """Headers that present ``token`` the way scripts and apps do."""
    return {"Authorization": f"Bearer {token}"}


def admin_headers(hub: Any) -> dict[str, str]:
    """The hub's own admin credential (what `carehub say` uses): every route."""
    from assistant.access import admin_credential

    return bearer(admin_credential(hub.alerts.tokens.secret))


def member_headers(hub: Any, person: str) -> dict[str, str]:
    """A household member's credential: talks as ``person``, sees the household's devices."""
    from assistant.access import member_credential

    return bearer(member_credential(hub.alerts.tokens.secret, person))


def device_headers(hub: Any, device: str) -> dict[str, str]:
    """A speaking device's credential (speaker, phone, wearable): passes speech on."""
    from assistant.credentials import device_credential

    return bearer(device_credential(hub.alerts.tokens.secret, device))


def caregiver_headers(hub: Any, caregiver: str) -> dict[str, str]:
    return bearer(hub.alerts.tokens.token_for(caregiver))
