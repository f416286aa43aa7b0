"""The caregiver app's live inbox and the app as a delivery channel, with an SOS on the hub's real embedded
broker; and the warnings ``carehub run`` / ``check`` give when an alert could reach nobody."""

from __future__ import annotations

import asyncio
import json

import aiomqtt

from assistant.alerts.reach import reach_warnings
from assistant.app import build_hub
from assistant.clock import FakeClock
from assistant.config import parse_config
from assistant.mqtt_trust import trust_for
from assistant.skill_loader import SkillClass
from skills.safety import Safety, SafetySettings
from tests.appkit import browser, next_alert, sign_in
from tests.conftest import free_port
from tests.httpkit import T0, Quiet
from tests.hubkit import hub_config, wait_for_rows
from tests.trustkit import DEVICES, secret_of

CAREGIVERS = [{"id": "anna", "name": "Anna", "people": ["grandma"], "channels": []},
              {"id": "tom", "name": "Tom", "people": [], "channels": []}]


async def _press_sos(config, port: int) -> None:
    login = trust_for(config, secret_of(config)).login_for("panic-button")
    async with aiomqtt.Client("127.0.0.1", port, identifier="panic-button", username="panic-button",
                              password=login.password) as device:
        await device.publish("carehub/flat1/panic-button/event", json.dumps({"type": "sos", "msg_id": "p1"}), qos=1)


async def test_an_sos_on_the_broker_appears_live_and_counts_as_delivered_to_the_open_app(tmp_path):
    port = free_port()
    config = hub_config(tmp_path, port, embedded=True, devices=DEVICES, caregivers=CAREGIVERS)
    clock = FakeClock(T0)
    hub = build_hub(config, clock=clock, notifier=Quiet(), skills=[SkillClass("safety", Safety, "test",
                                                                              SafetySettings())])
    await hub.start()
    try:
        await hub.wait_connected()
        base = f"http://127.0.0.1:{hub.http.port}"
        async with browser() as anna, browser() as tom:
            await sign_in(anna, hub, clock, base, "anna")
            await sign_in(tom, hub, clock, base, "tom")
            async with anna.get(f"{base}/app/stream") as stream, tom.get(f"{base}/app/stream") as other:
                assert stream.headers["Content-Type"] == "text/event-stream"
                async with asyncio.timeout(5):  # both streams open before the press
                    while not (hub.app.live.open_apps("anna") and hub.app.live.open_apps("tom")):
                        await asyncio.sleep(0.01)
                await _press_sos(config, port)
                shown = await next_alert(stream)
                assert shown["status"] == "open" and 'class="alert p-high s-open"' in shown["html"]
                assert "Margaret" in shown["html"] and "SOS button pressed" in shown["html"]
                alert_id = shown["id"]
                rows = await wait_for_rows(config.database_path, lambda r: any(x["data"]["ok"] for x in r),
                                           kind="alert_delivered")
                assert [(r["data"]["caregiver"], r["data"]["channel"], r["data"]["ok"]) for r in rows] == \
                    [("anna", "app", True)]
                with_nothing: list = []
                try:
                    with_nothing.append(await next_alert(other, timeout=0.5))
                except TimeoutError:
                    pass
                assert with_nothing == []  # Tom looks after nobody here: his stream shows nothing of it
        history = await hub.alerts.history(alert_id)
        assert [(h.transition, h.caregiver, h.channel) for h in history if h.transition == "delivered"] == \
            [("delivered", "anna", "app")]
        # Reached someone: no technical alarm, no "undeliverable".
        assert await hub.reader.rows(kind="caregivers_unreachable") == []
        assert await hub.reader.rows(kind="alert_undeliverable") == []
    finally:
        await hub.stop()


async def test_without_an_open_app_a_caregiver_with_no_channel_is_not_reached(tmp_path):
    port = free_port()
    config = hub_config(tmp_path, port, embedded=True, devices=DEVICES, caregivers=CAREGIVERS[:1])
    hub = build_hub(config, clock=FakeClock(T0), notifier=Quiet(),
                    skills=[SkillClass("safety", Safety, "test", SafetySettings())])
    await hub.start()
    try:
        await hub.wait_connected()
        await _press_sos(config, port)
        rows = await wait_for_rows(config.database_path, bool, kind="alert_undeliverable")
        assert rows[0]["person"] == "grandma"
        delivery = (await hub.reader.rows(kind="alert_delivered", newest_first=False))[0]
        assert (delivery["data"]["channel"], delivery["data"]["ok"], delivery["data"]["detail"]) == \
            ("app", False, "the app is not open")
    finally:
        await hub.stop()


def test_run_and_check_say_plainly_whose_alerts_would_reach_nobody():
    config = parse_config({
        "people": [{"id": "grandma", "name": "Margaret", "role": "elder"}, {"id": "leo", "name": "Leo", "role": "child"},
                   {"id": "dad", "name": "Dad", "role": "adult"}, {"id": "gran2", "name": "Joan", "role": "elder"}],
        "caregivers": [{"id": "anna", "people": ["grandma"]},
                       {"id": "sam", "people": ["gran2"], "channels": ["ntfys://ntfy.sh/x"]}],
    })
    assert reach_warnings(config, signed_in=set()) == [
        "people[0] grandma: no caregiver of Margaret (anna) has a working channel: none has signed in to the carehub "
        "app or has a push channel (carehub caregivers link anna, or add a channel: docs/alerts.md)",
        "people[1] leo: no caregiver looks after Leo, so alerts about them reach nobody "
        "(carehub caregivers add NAME --for leo)",
    ]
    assert reach_warnings(config, signed_in={"anna"})[0] == (
        "people[0] grandma: alerts about Margaret reach anna only while the carehub app is open on their phone; "
        "add a push channel (ntfy, Telegram, e-mail: docs/alerts.md)")
