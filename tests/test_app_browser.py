"""The caregiver app in a real browser at phone width: Debian's Chromium driven by Playwright.

Sign in with a one-time link, an SOS published on the hub's embedded broker appears in the inbox without a
reload, one tap acknowledges it; the screenshots of docs/caregiver-app.md are drawn (tests/app_screenshots.py).
Skipped, saying why, when Chromium or Playwright is not installed (scripts/test installs both). The family's
tests are in test_app_browser_family.py, axe-core's in test_app_accessibility.py.
"""

from __future__ import annotations

import struct

import pytest

from assistant.app import build_hub
from assistant.clock import FakeClock
from assistant.skill_loader import SkillClass
from skills.safety import Safety, SafetySettings
from tests.app_screenshots import SCREENS, shoot
from tests.appkit import new_link
from tests.browserkit import CHROMIUM, PHONE, needs_chromium
from tests.conftest import free_port
from tests.httpkit import T0, Quiet
from tests.hubkit import hub_config
from tests.test_app_live import CAREGIVERS, _press_sos
from tests.trustkit import DEVICES

playwright_api = pytest.importorskip("playwright.async_api", reason="Playwright is not installed "
                                     "(pip install playwright; scripts/test does)")
pytestmark = needs_chromium


async def test_sign_in_see_an_sos_arrive_live_and_acknowledge_it_at_phone_width(tmp_path):
    port = free_port()
    config = hub_config(tmp_path, port, embedded=True, devices=DEVICES, caregivers=CAREGIVERS[:1],
                        people=[{"id": "grandma", "name": "Margaret", "role": "elder"}])
    clock = FakeClock(T0)
    hub = build_hub(config, clock=clock, notifier=Quiet(), skills=[SkillClass("safety", Safety, "test",
                                                                              SafetySettings())])
    await hub.start()
    try:
        await hub.wait_connected()
        base = f"http://127.0.0.1:{hub.http.port}"
        code = await new_link(hub, clock, "anna")
        async with playwright_api.async_playwright() as driver:
            chromium = await driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                context = await chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                                     device_scale_factor=2)
                page = await context.new_page()
                await page.goto(f"{base}/app/sign-in/{code}")
                await page.get_by_role("button", name="Sign in on this phone").tap()
                await page.wait_for_url(f"{base}/app/")
                await page.locator("#live:not([hidden])").wait_for()
                await page.evaluate("window.notReloaded = true")
                await _press_sos(config, port)
                row = page.locator("#inbox li.s-open")
                await row.wait_for()
                assert "Margaret" in await row.inner_text()
                assert await page.evaluate("window.notReloaded === true")  # it came live, not by a reload
                said = page.locator("#announce-urgent")  # an SOS is high: screen readers say it at once
                await page.wait_for_selector("#announce-urgent:not(:empty)", state="attached")  # no eval: the app's CSP
                assert "Margaret" in await said.text_content() and await said.get_attribute("role") == "alert"
                await row.get_by_role("button", name="Acknowledge: I'm on it").tap()
                await page.locator("#inbox li.s-acknowledged").wait_for()
                alert_id = await page.locator("#inbox li").first.get_attribute("data-id")
                alert = await hub.alerts.get(alert_id or "")
                assert alert is not None and (alert.status.value, alert.acked_by, alert.acked_via) == \
                    ("acknowledged", "anna", "app")
                await page.goto(f"{base}/app/alerts/{alert_id}")
                assert "Anna acknowledged (the carehub app)." in await page.inner_text("body")
            finally:
                await chromium.close()
        seen = await hub.reader.rows(kind="alert_seen")
        assert [row["data"]["caregiver"] for row in seen] == ["anna"]
    finally:
        await hub.stop()


async def test_the_screenshots_of_the_main_screens_are_drawn_at_phone_width(tmp_path):
    drawn = await shoot(tmp_path / "shots")
    assert [path.name for path in drawn] == list(SCREENS)
    for path in drawn:
        head = path.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n", path.name
        width, height = struct.unpack(">II", head[16:24])  # the PNG's IHDR chunk
        assert width == 2 * PHONE["width"] and height >= 2 * PHONE["height"], path.name
