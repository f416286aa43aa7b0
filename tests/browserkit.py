"""The caregiver app in Debian's Chromium at a phone's width: a family's hub on its embedded broker with a real
SQLite log, caregivers' webhooks, browsers signed in with one-time links, and axe-core.

Tests that use it skip, saying why, when Chromium, Playwright or axe-core is missing (scripts/test installs
all three).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant.app import Hub, build_hub
from assistant.clock import FakeClock
from assistant.config import Config
from assistant.skill_loader import SkillClass
from skills.safety import Safety, SafetySettings
from tests.appkit import new_link
from tests.conftest import free_port
from tests.httpkit import T0
from tests.hubkit import hub_config
from tests.trustkit import DEVICES

CHROMIUM = os.environ.get("CAREHUB_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = {"width": 390, "height": 844}
"""A phone's viewport in CSS pixels (drawn at twice that: screenshots are 780 pixels wide)."""
NODE_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "carehub" / "node"
"""Where scripts/test installs axe-core (npm install --prefix)."""
AXE = Path(os.environ.get("CAREHUB_AXE") or NODE_CACHE / "node_modules" / "axe-core" / "axe.min.js")

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; "
                                                             "scripts/test does)")
needs_axe = pytest.mark.skipif(not AXE.is_file(), reason=f"axe-core is not installed: no {AXE} (npm install --prefix "
                                                         f"{NODE_CACHE} axe-core@4; scripts/test does; or set CAREHUB_AXE)")

PEOPLE = [{"id": "grandma", "name": "Margaret", "role": "elder"}, {"id": "leo", "name": "Leo", "role": "child"}]


def family_caregivers(channel: Any = None) -> list[dict[str, Any]]:
    """Grandma's caregivers Anna (tier 1), Bea (tier 1, reads Chinese) and Sam the neighbour (tier 2); Tom looks
    after Leo only. ``channel(who)`` gives each one push channel (none without it)."""
    def channels(who: str) -> list[str]:
        return [channel(who)] if channel else []

    return [{"id": "anna", "name": "Anna", "people": ["grandma"], "tier": 1, "channels": channels("anna")},
            {"id": "bea", "name": "Bea", "language": "zh-CN", "people": ["grandma"], "tier": 1,
             "channels": channels("bea")},
            {"id": "sam", "name": "Sam", "people": ["grandma"], "tier": 2, "channels": channels("sam")},
            {"id": "tom", "name": "Tom", "people": ["leo"], "tier": 1, "channels": channels("tom")}]


def family_config(folder: Path, port: int, *, channel: Any = None, timezone: str = "Europe/London") -> Config:
    """Margaret with her panic button and watch, Leo with his; their caregivers (``family_caregivers``)."""
    devices = [*json.loads(json.dumps(DEVICES)), {"id": "leo-watch", "kind": "wearable", "person": "leo"}]
    for device in devices:
        if device["id"] == "panic-button":
            device["room"] = "hallway"
    return hub_config(folder, port, embedded=True, devices=devices, people=PEOPLE, home={"timezone": timezone},
                      caregivers=family_caregivers(channel))


@asynccontextmanager
async def family_hub(folder: Path, *, notifier: Any = None, **config: Any) -> AsyncIterator[tuple[Hub, FakeClock,
                                                                                                  Config, str]]:
    """The family's hub with its embedded broker, the safety skill and a fake clock at ``T0``: the hub, its
    clock, its config and its HTTP address. ``notifier`` None sends caregivers' channels for real (Apprise)."""
    config_ = family_config(folder, free_port(), **config)
    clock = FakeClock(T0)
    options: dict[str, Any] = {"notifier": notifier} if notifier is not None else {}
    hub = build_hub(config_, clock=clock, skills=[SkillClass("safety", Safety, "test", SafetySettings())], **options)
    await hub.start()
    try:
        await hub.wait_connected()
        assert hub.http is not None
        yield hub, clock, config_, f"http://127.0.0.1:{hub.http.port}"
    finally:
        await hub.stop()


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    """Debian's Chromium through Playwright's async API (on the test's own event loop, beside the hub)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            await browser.close()


async def phone(browser: Any) -> Any:
    """A new page in its own browser context (its own cookies): one caregiver's phone."""
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    return await context.new_page()


async def signed_in(browser: Any, hub: Hub, clock: FakeClock, base: str, caregiver: str) -> Any:
    """A phone signed in as ``caregiver`` with a one-time link, its inbox open and live."""
    page = await phone(browser)
    code = await new_link(hub, clock, caregiver)
    await page.goto(f"{base}/app/sign-in/{code}")
    await page.get_by_role("button").tap()
    await page.wait_for_url(f"{base}/app/")
    await page.locator("#live:not([hidden])").wait_for()
    return page


async def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core's violations of the page as it is now, of the given impacts: rule, impact, help, and the
    elements at fault."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated by the browser's debugging protocol: the page's Content-Security-Policy (scripts only from
        # the hub) does not apply, so the app is checked with its real headers.
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    results = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]]}
            for v in results["violations"] if v["impact"] in impacts]
