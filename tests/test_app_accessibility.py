"""The caregiver app's pages checked by axe-core in Debian's Chromium at phone width: no serious or critical
accessibility violation on the sign-in page, the inbox with a live SOS, the alert's page or the person's page, in
English and in Chinese; the person's page fits a phone's width.

Skipped, saying why, when Chromium, Playwright or axe-core is not installed (scripts/test installs all three;
axe-core with npm into ~/.cache/carehub/node, or CAREHUB_AXE names its axe.min.js).
"""

from __future__ import annotations

import pytest

from tests.appkit import new_link
from tests.browserkit import axe_violations, chromium, family_hub, needs_axe, needs_chromium, phone, signed_in
from tests.httpkit import Quiet
from tests.test_app_live import _press_sos

pytest.importorskip("playwright.async_api", reason="Playwright is not installed (pip install playwright; "
                                                   "scripts/test does)")
pytestmark = [needs_chromium, needs_axe]


async def test_axe_finds_nothing_serious_on_the_apps_pages(tmp_path):
    async with family_hub(tmp_path, notifier=Quiet()) as (hub, clock, config, base), chromium() as browser:
        found: dict[str, list] = {}
        page = await phone(browser)
        await page.goto(f"{base}/app/sign-in/{await new_link(hub, clock, 'anna')}")
        found["sign-in"] = await axe_violations(page)

        anna = await signed_in(browser, hub, clock, base, "anna")
        bea = await signed_in(browser, hub, clock, base, "bea")
        found["empty inbox"] = await axe_violations(anna)
        await _press_sos(config, config.mqtt.port)
        for reader in (anna, bea):
            await reader.locator("#inbox li.s-open").wait_for()
        found["inbox with an SOS"] = await axe_violations(anna)
        found["inbox with an SOS, in Chinese"] = await axe_violations(bea)
        alert_id = await anna.locator("#inbox li.s-open").get_attribute("data-id")
        await anna.locator("#inbox li.s-open").get_by_role("button").tap()
        await bea.locator("#inbox li.s-acknowledged").wait_for()  # arrived live: what the page shows now
        found["inbox, acknowledged, in Chinese"] = await axe_violations(bea)

        await anna.goto(f"{base}/app/alerts/{alert_id}")
        await anna.locator(".ladder").first.wait_for()
        found["the alert"] = await axe_violations(anna)
        await bea.goto(f"{base}/app/alerts/{alert_id}")
        found["the alert, in Chinese"] = await axe_violations(bea)
        await bea.goto(f"{base}/app/alerts/no-such-alert")
        found["no such alert"] = await axe_violations(bea)
        assert await bea.locator("h1").inner_text() == "找不到这条提醒"

        await anna.goto(f"{base}/app/people/grandma")
        await anna.locator("h1").wait_for()
        found["the person page"] = await axe_violations(anna)
        await bea.goto(f"{base}/app/people/grandma")
        found["the person page, in Chinese"] = await axe_violations(bea)
        assert await bea.locator("h2.person").inner_text() == "Margaret" and await bea.locator("section").count() >= 3
        # at phone width nothing runs off the side: no scrolling sideways to read a vital sign
        assert await anna.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert {page: violations for page, violations in found.items() if violations} == {}
    assert len(found) == 10  # every page was checked


async def test_axe_does_find_what_it_is_asked_to(tmp_path):
    """The check above is not blind: a picture without words and grey-on-grey text are reported."""
    async with family_hub(tmp_path, notifier=Quiet()) as (hub, clock, config, base), chromium() as browser:
        anna = await signed_in(browser, hub, clock, base, "anna")
        await anna.evaluate("""document.querySelector('main').insertAdjacentHTML('beforeend',
            '<img src="/app/static/none.png"><p id="faint">faint</p>');
            document.getElementById('faint').style.color = '#ddd';""")  # the page's policy refuses style=""
        rules = {violation["rule"] for violation in await axe_violations(anna)}
    assert rules == {"image-alt", "color-contrast"}
