"""The care centre's pages checked by axe-core in Debian's Chromium: no serious or critical accessibility
violation on the sign-in page, the open alerts across homes, an alert, the homes, the workers and a caregiver's
alert link; the alerts page fits a phone's width and shows a new alert by itself. Skipped, saying why, without Chromium, Playwright or axe-core (scripts/test installs them)."""

from __future__ import annotations

import pytest
import yaml
from aiohttp import web

from assistant.alerts.tokens import CaregiverTokens
from assistant.app import build_hub
from assistant.clock import FakeClock
from assistant.cluster.centre_web import Centre, load_staff
from assistant.cluster.homes import PARTITION_FILE, partition_of
from assistant.cluster.overview import Overview
from assistant.config import MqttConfig, parse_config
from assistant.mqtt import MqttLink
from tests.conftest import free_port
from tests.browserkit import axe_violations, chromium, needs_axe, needs_chromium, phone
from tests.test_alerts import T0, Receiver
from tests.test_cluster_partition import home_file

pytest.importorskip("playwright.async_api", reason="Playwright is not installed (pip install playwright; "
                                                   "scripts/test does)")
pytestmark = [needs_chromium, needs_axe]
TOKEN = "desk-token-" + "x" * 32


async def test_axe_finds_nothing_serious_on_the_care_centre_s_pages(tmp_path):
    homes, data = tmp_path / "homes", tmp_path / "data"
    homes.mkdir()
    alerts = {}

    async def raise_in(home: str, kind: str = "sos") -> str:
        raw = yaml.safe_load((homes / f"{home}.yaml").read_text(encoding="utf-8"))
        raw["storage"] = {"database": str(data / f"p{partition_of(home, 4)}" / PARTITION_FILE)}
        raw["caregivers"][0]["channels"] = []
        hub = build_hub(parse_config(raw, "test", tmp_path), clock=FakeClock(T0), offline=True, skills=[])
        await hub.start()
        try:
            return await hub.alerts.raise_alert(kind=kind, priority="high", person="grandma",
                                                message="Grandma pressed SOS")
        finally:
            await hub.stop()

    for home in ("flat-a", "flat-b"):
        home_file(homes, home, Receiver())
        alerts[home] = await raise_in(home)
    (tmp_path / "staff.yaml").write_text(yaml.safe_dump({"staff": [{"id": "desk-1", "name": "Night desk",
                                                                    "token": TOKEN}]}))
    link = MqttLink(MqttConfig(broker="external", port=free_port()), subscriptions=[], status_topic="c/status")
    centre = Centre(Overview(homes, data, 4), load_staff(tmp_path / "staff.yaml"), link)
    runner = web.AppRunner(centre.app())
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}"
    found: dict[str, list] = {}
    try:
        async with chromium() as browser:
            page = await phone(browser)
            await page.goto(f"{base}/centre/")  # not signed in: the sign-in page
            found["sign-in"] = await axe_violations(page)
            await page.get_by_label("Your staff token").fill(TOKEN)
            await page.get_by_role("button", name="Sign in").tap()
            await page.wait_for_url(f"{base}/centre/")
            assert await page.locator("h1").inner_text() == "Open alerts: 2"
            found["open alerts"] = await axe_violations(page)
            assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            # A new alert in a home shows on the open page by itself (its script asks every few seconds).
            await raise_in("flat-a", kind="fall")
            await page.locator("h1", has_text="Open alerts: 3").wait_for(timeout=20_000)
            await page.goto(f"{base}/centre/alerts/flat-a/{alerts['flat-a']}")
            found["an alert"] = await axe_violations(page)
            await page.goto(f"{base}/centre/homes")
            found["homes"] = await axe_violations(page)
            await page.goto(f"{base}/centre/workers")
            found["workers"] = await axe_violations(page)
            # a family caregiver's alert link, opened on their phone
            overview = Overview(homes, data, 4)
            overview.scan()
            tokens = CaregiverTokens(overview.files["flat-b"].config, overview.secret("flat-b") or "")
            caregiver = await phone(browser)
            await caregiver.goto(f"{base}/homes/flat-b/app/alerts/{alerts['flat-b']}?token={tokens.token_for('anna')}")
            assert await caregiver.get_by_role("button", name="Acknowledge: I'm on it").count() == 1
            found["a caregiver's alert link"] = await axe_violations(caregiver)
            await caregiver.goto(f"{base}/homes/flat-b/app/alerts/{alerts['flat-b']}?token=wrong")
            found["a caregiver's link, wrong token"] = await axe_violations(caregiver)
    finally:
        await runner.cleanup()
    assert {name: violations for name, violations in found.items() if violations} == {}
