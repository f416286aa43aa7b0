"""A household with caregivers signed in to the caregiver app: sign-in links, browser sessions, the live stream."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp

from assistant.app import Hub, build_hub
from assistant.clock import FakeClock
from assistant.config import parse_config
from assistant.skill_loader import SkillClass
from skills.safety import Safety, SafetySettings
from tests.httpkit import T0, Quiet, household


def app_household(tmp_path: Path, **http: Any) -> dict[str, Any]:
    """httpkit's household with grandma's panic button, and Bea (who reads Chinese) as grandma's second caregiver."""
    raw = household(tmp_path, **http)
    raw["devices"].append({"id": "panic-button", "kind": "button", "person": "grandma", "room": "hallway"})
    raw["caregivers"].append({"id": "bea", "name": "Bea", "language": "zh-CN", "people": ["grandma"], "tier": 1,
                              "channels": ["json://127.0.0.1:9/bea"]})
    raw["caregivers"][0]["name"] = "Anna"
    return raw


@asynccontextmanager
async def app_hub(tmp_path: Path, raw: dict[str, Any] | None = None, **build: Any) -> AsyncIterator[tuple[Hub, FakeClock, str]]:
    """An offline hub with the safety skill and its HTTP server on a free port."""
    clock = FakeClock(T0)
    config = parse_config(raw or app_household(tmp_path), "test", tmp_path)
    options: dict[str, Any] = {"offline": True, "notifier": Quiet(),
                               "skills": [SkillClass("safety", Safety, "test", SafetySettings())], **build}
    hub = build_hub(config, clock=clock, **options)
    await hub.start()
    try:
        assert hub.http is not None
        yield hub, clock, f"http://127.0.0.1:{hub.http.port}"
    finally:
        await hub.stop()


def browser() -> aiohttp.ClientSession:
    """A browser's cookie jar (which keeps cookies of a numeric address too)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def new_link(hub: Hub, clock: FakeClock, caregiver: str, hours: float = 24) -> str:
    store = hub.app.sessions.store
    return await asyncio.to_thread(store.new_link, "caregiver", caregiver, clock.now(),
                                   clock.now() + timedelta(hours=hours))


def csrf_of(page: str) -> str:
    found = re.search(r'<meta name="csrf" content="([^"]+)"', page)
    assert found, "the page carries no anti-forgery token"
    return found.group(1)


async def sign_in(http: aiohttp.ClientSession, hub: Hub, clock: FakeClock, base: str, caregiver: str) -> str:
    """Sign ``http`` in as ``caregiver`` with a one-time link; returns the session's anti-forgery token."""
    code = await new_link(hub, clock, caregiver)
    async with http.post(f"{base}/app/sign-in/{code}", allow_redirects=False) as resp:
        assert resp.status == 303, await resp.text()
        assert resp.headers["Location"] == "/app/"
    async with http.get(f"{base}/app/") as resp:
        assert resp.status == 200
        return csrf_of(await resp.text())


async def next_alert(stream: aiohttp.ClientResponse, timeout: float = 10.0) -> dict[str, Any]:
    """The next ``alert`` event of a server-sent event stream."""
    event = None
    async with asyncio.timeout(timeout):
        while True:
            line = (await stream.content.readline()).decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "alert":
                return json.loads(line[6:])
