"""A family's caregivers on their phones, in Debian's Chromium at phone width, against a real hub with its
embedded broker and SQLite log: an SOS from the panic button arrives live, acknowledging it in the app stops
the escalation (checked on the next tier's webhook), a second caregiver sees who took it on, another family's
caregiver sees nothing of it, and the Chinese app reads in the home's time zone.

Skipped, saying why, when Chromium or Playwright is not installed (scripts/test installs both).
"""

from __future__ import annotations

import pytest

from tests.browserkit import chromium, family_hub, needs_chromium, signed_in
from tests.httpkit import Quiet
from tests.test_alerts import Receiver, advance, until
from tests.test_app_live import _press_sos

playwright_api = pytest.importorskip("playwright.async_api", reason="Playwright is not installed "
                                     "(pip install playwright; scripts/test does)")
expect = playwright_api.expect
pytestmark = needs_chromium

LIVE_WITHIN_MS = 2000
"""An SOS is on a signed-in phone's inbox this soon after the broker took it, without a reload."""
ACK = "Acknowledge: I'm on it"


@pytest.fixture
async def webhooks():
    """Each caregiver's push channel: a local webhook Apprise posts to (json://), one path per caregiver."""
    receiver = Receiver()
    await receiver.start()
    yield receiver
    await receiver.stop()


async def test_an_sos_shows_live_and_acknowledging_it_in_the_app_stops_the_escalation(tmp_path, webhooks):
    async with family_hub(tmp_path, channel=webhooks.url) as (hub, clock, config, base), chromium() as browser:
        anna = await signed_in(browser, hub, clock, base, "anna")
        await anna.evaluate("window.notReloaded = true")
        # Leo's SOS, which nobody acknowledges, shows that the clock below does reach the next step.
        leos = await hub.alerts.raise_alert(kind="sos", priority="high", person="leo", message="Leo pressed SOS")
        await _press_sos(config, config.mqtt.port)
        row = anna.locator("#inbox li.s-open")
        await expect(row).to_contain_text("Margaret", timeout=LIVE_WITHIN_MS)
        await expect(row).to_contain_text("SOS button pressed")
        assert await anna.evaluate("window.notReloaded === true")  # it came live, not by a reload
        alert_id = await row.get_attribute("data-id")
        assert alert_id and alert_id != leos
        # Tier 1 is told at once on its push channels; the neighbour (tier 2) not yet.
        await until(lambda: webhooks.count("anna") == 1 and webhooks.count("bea") == 1 and webhooks.count("tom") == 1)
        assert "Margaret pressed SOS" in webhooks.got["anna"][0]["message"] and webhooks.count("sam") == 0

        await row.get_by_role("button", name=ACK).tap()
        await expect(anna.locator(f"#alert-{alert_id}.s-acknowledged")).to_contain_text("Anna is on it")
        alert = await hub.alerts.get(alert_id)
        assert alert is not None and (alert.status.value, alert.acked_by, alert.acked_via) == \
            ("acknowledged", "anna", "app")

        await advance(hub, clock, 61)  # past the next step (60 s): tiers 1 and 2
        await until(lambda: webhooks.count("tom") == 2)  # Leo's open SOS went out again
        assert (webhooks.count("anna"), webhooks.count("bea"), webhooks.count("sam")) == (1, 1, 0)
        assert "escalated" not in [step.transition for step in await hub.alerts.history(alert_id)]
        acks = await hub.reader.rows(kind="alert_acknowledged")
        assert [row["data"] for row in acks] == [{"alert_id": alert_id, "by": "anna", "via": "app"}]


async def test_a_second_caregiver_sees_the_alert_taken_on_live_and_by_whom(tmp_path):
    async with family_hub(tmp_path, notifier=Quiet()) as (hub, clock, config, base), chromium() as browser:
        anna = await signed_in(browser, hub, clock, base, "anna")
        sam = await signed_in(browser, hub, clock, base, "sam")  # the neighbour: grandma's tier-2 caregiver
        await sam.evaluate("window.notReloaded = true")
        await _press_sos(config, config.mqtt.port)
        await expect(sam.locator("#inbox li.s-open")).to_contain_text("Open", timeout=LIVE_WITHIN_MS)
        await anna.locator("#inbox li.s-open").get_by_role("button", name=ACK).tap()

        taken = sam.locator("#inbox li.s-acknowledged")
        await expect(taken).to_contain_text("Anna is on it")
        assert await sam.evaluate("window.notReloaded === true")
        await expect(taken.get_by_role("button", name=ACK)).to_have_count(0)  # nothing left for Sam to press
        alert_id = await taken.get_attribute("data-id")
        await sam.goto(f"{base}/app/alerts/{alert_id}")
        await expect(sam.locator("article .done")).to_have_text("Anna took it on 10:00 (the carehub app)")
        await expect(sam.locator(".ladder").first).to_contain_text("Anna acknowledged (the carehub app).")


async def test_another_familys_caregiver_sees_nothing_of_the_alert(tmp_path):
    async with family_hub(tmp_path, notifier=Quiet()) as (hub, clock, config, base), chromium() as browser:
        anna = await signed_in(browser, hub, clock, base, "anna")
        tom = await signed_in(browser, hub, clock, base, "tom")  # looks after Leo, not Margaret
        await _press_sos(config, config.mqtt.port)
        sos = anna.locator("#inbox li.s-open")
        await expect(sos).to_contain_text("Margaret", timeout=LIVE_WITHIN_MS)
        alert_id = await sos.get_attribute("data-id")
        # An alert of Tom's, raised after the SOS: once his inbox shows it, his stream is past the SOS.
        leos = await hub.alerts.raise_alert(kind="left_zone", priority="medium", person="leo",
                                            message="Leo left school")
        rows = tom.locator("#inbox li")
        await expect(rows).to_have_count(1)
        assert await rows.get_attribute("data-id") == leos
        assert "Margaret" not in await tom.inner_text("body")

        await tom.reload()
        await expect(rows).to_have_count(1)
        answer = await tom.goto(f"{base}/app/alerts/{alert_id}")
        assert answer is not None and answer.status == 404
        await expect(tom.locator("h1")).to_have_text("No such alert")
        body = await tom.inner_text("body")
        assert "Margaret" not in body and "grandma" not in body and "SOS" not in body
        views = await hub.reader.rows(kind="person_data_viewed", newest_first=False)
        assert [(row["data"]["page"], row["data"]["people"]) for row in views if row["data"]["viewer"] ==
                "caregiver:tom"] == [("inbox", []), ("inbox", ["leo"])]  # nothing of Margaret's was shown to Tom


async def test_the_chinese_app_reads_in_the_homes_time_zone(tmp_path):
    async with family_hub(tmp_path, notifier=Quiet(), timezone="Asia/Shanghai") as (hub, clock, config, base), \
            chromium() as browser:
        bea = await signed_in(browser, hub, clock, base, "bea")  # language: zh-CN
        assert await bea.get_attribute("html", "lang") == "zh-CN"
        await expect(bea.locator("h2")).to_have_text("提醒")
        await expect(bea.locator("#empty")).to_have_text("没有提醒。据 carehub 所知，大家都好。")
        await expect(bea.locator("#live")).to_have_text("实时")
        await expect(bea.locator("footer")).to_contain_text("已登录：Bea")

        await _press_sos(config, config.mqtt.port)
        row = bea.locator("#inbox li.s-open")
        await expect(row).to_contain_text("按下了求助按钮", timeout=LIVE_WITHIN_MS)
        head = await row.locator(".head").inner_text()
        assert "紧急" in head and "Margaret" in head
        await expect(row.locator(".msg")).to_have_text("Margaret 按下了 panic-button 的求救按钮。")
        # Pressed at 10:00 UTC: 18:00 in Shanghai.
        await expect(row.locator(".meta")).to_have_text("18:00 · 在hallway · 待处理")
        await expect(row.get_by_role("button", name="确认：我来处理")).to_be_visible()

        await row.locator("a.row").tap()
        await bea.wait_for_url(f"{base}/app/alerts/*")
        await expect(bea.locator("h2")).to_have_text(["通知了谁、何时通知", "为什么通知我？", "查看记录"])
        ladder = await bea.locator(".ladder").first.inner_text()
        assert "18:00 发出提醒（紧急）。" in ladder and "Anna" in ladder
        await expect(bea.locator(".causes li").first).to_have_text("18:00 panic button：按下了求助按钮")
        await expect(bea.get_by_role("button", name="我正在赶过去")).to_be_visible()
        times = await bea.locator("time").all_inner_texts()
        assert times and set(times) == {"18:00"}
