"""A household behind the HTTP API, for the tests of who may do what over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from assistant.app import Hub, build_hub
from assistant.clock import FakeClock
from assistant.config import parse_config
from tests.hubkit import admin_headers, bearer, caregiver_headers, device_headers, member_headers

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


class Quiet:
    """A notifier that takes every message (no network)."""

    async def send(self, url: str, title: str, body: str, priority: str) -> tuple[bool, str]:
        return True, "sent"


def household(tmp_path: Path, **http: Any) -> dict[str, Any]:
    """Grandma, who lives alone (Anna looks after her); Leo with his watch (Tom looks after him); Dad at home."""
    return {
        "home": {"id": "flat1", "timezone": "Europe/London"},
        "storage": {"database": str(tmp_path / "log.db")},
        "http": {"host": "127.0.0.1", "port": 0, **http},
        "people": [{"id": "grandma", "name": "Margaret", "role": "elder"},
                   {"id": "leo", "name": "Leo", "role": "child"},
                   {"id": "dad", "name": "Dad", "role": "adult"}],
        "devices": [{"id": "grandma-watch", "kind": "wearable", "person": "grandma"},
                    {"id": "leo-watch", "kind": "wearable", "person": "leo"},
                    {"id": "living-speaker", "kind": "speaker", "room": "living room"},
                    {"id": "kitchen-light", "kind": "light", "room": "kitchen"}],
        "caregivers": [{"id": "anna", "people": ["grandma"], "channels": ["json://127.0.0.1:9/anna"]},
                       {"id": "tom", "people": ["leo"], "channels": ["json://127.0.0.1:9/tom"]}],
    }


@asynccontextmanager
async def serving(tmp_path: Path, **http: Any) -> AsyncIterator[tuple[Hub, FakeClock, str]]:
    """An offline hub with its HTTP API on a free port: the hub, its fake clock, and the API's base URL."""
    clock = FakeClock(T0)
    hub = build_hub(parse_config(household(tmp_path, **http), "test", tmp_path), clock=clock, offline=True,
                    skills=[], notifier=Quiet())
    await hub.start()
    try:
        assert hub.http is not None
        yield hub, clock, f"http://127.0.0.1:{hub.http.port}"
    finally:
        await hub.stop()


def role_headers(hub: Hub) -> dict[str, dict[str, str]]:
    """The headers of every role the route matrix tries, about grandma."""
    return {
        "none": {},
        "wrong token": bearer("x" * 43),
        "caregiver of another person": caregiver_headers(hub, "tom"),
        "caregiver of this person": caregiver_headers(hub, "anna"),
        "household member": member_headers(hub, "dad"),
        "device": device_headers(hub, "living-speaker"),
        "admin": admin_headers(hub),
    }
