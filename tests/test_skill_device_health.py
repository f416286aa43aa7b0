"""Technical alarms raise alerts of their own priority and clear when the condition ends."""

from __future__ import annotations

from skills.device_health import DeviceHealth
from skills.safety import Safety
from skills.sdk import (
    BatteryReported, BrokerConnected, BrokerDisconnected, DeviceCameOnline, DeviceWentOffline, LocationReported,
    SosPressed, VitalSignsMeasured, WearStateReported,
)


async def alerts(h, kind=None):
    rows = await h.rows(kind="alert_raised")
    return [r for r in rows if kind is None or r["data"]["alert_kind"] == kind]


async def test_last_will_raises_and_coming_back_clears(skill_harness):
    h = await skill_harness(DeviceHealth)
    await h.publish(DeviceWentOffline(), device="grandma-watch")
    (raised,) = await alerts(h, "device_offline")
    assert raised["data"]["priority"] == "medium" and raised["person"] == "grandma"
    await h.publish(DeviceCameOnline(), device="grandma-watch")
    resolved = await h.rows(kind="alert_resolved")
    assert resolved[0]["data"]["alert_id"] == raised["data"]["alert_id"]


async def test_a_missed_heartbeat_is_an_alarm_after_two_and_a_half_intervals(skill_harness):
    h = await skill_harness(DeviceHealth)
    await h.publish(VitalSignsMeasured(heart_rate=70), device="grandma-watch")
    h.hub.registry.get("home", "grandma-watch").last_seen = h.clock.now()  # the hub does this on every message
    await h.advance(120)   # heartbeat 60 s: 2 intervals is not yet silent
    assert await alerts(h, "device_silent") == []
    await h.advance(60)    # 3 intervals
    (raised,) = await alerts(h, "device_silent")
    assert "has not reported" in raised["data"]["message"]
    h.hub.registry.get("home", "grandma-watch").last_seen = h.clock.now()
    await h.advance(30)
    assert (await h.rows(kind="alert_resolved"))[0]["data"]["alert_id"] == raised["data"]["alert_id"]


async def test_low_battery_and_not_worn(skill_harness):
    h = await skill_harness(DeviceHealth)
    await h.publish(BatteryReported(level=12), device="grandma-watch")
    await h.publish(WearStateReported(worn=False), device="grandma-watch")
    by_kind = {r["data"]["alert_kind"]: r["data"]["priority"] for r in await alerts(h)}
    assert by_kind == {"battery_low": "low", "not_worn": "medium"}
    await h.publish(BatteryReported(level=17), device="grandma-watch")  # inside the 5-point band: still low
    assert await h.rows(kind="alert_resolved") == []
    await h.publish(WearStateReported(worn=True), device="grandma-watch")
    await h.publish(BatteryReported(level=80), device="grandma-watch")
    assert len(await h.rows(kind="alert_resolved")) == 2


async def test_losing_the_broker_for_longer_than_the_grace_is_an_alarm(skill_harness):
    h = await skill_harness(DeviceHealth)
    await h.publish(BrokerDisconnected(broker="127.0.0.1:1883"))
    await h.publish(BrokerConnected(broker="127.0.0.1:1883"))
    await h.advance(60)
    assert await alerts(h, "broker_lost") == []  # a blip
    await h.publish(BrokerDisconnected(broker="127.0.0.1:1883"))
    await h.advance(31)
    (raised,) = await alerts(h, "broker_lost")
    assert raised["data"]["priority"] == "high"
    await h.publish(BrokerConnected(broker="127.0.0.1:1883"))
    assert len(await h.rows(kind="alert_resolved")) == 1


async def test_sos_is_a_high_alert_with_the_last_position(skill_harness):
    h = await skill_harness(Safety)
    await h.publish(LocationReported(lat=31.2304, lon=121.4737, accuracy=12), device="leo-watch")
    await h.advance(180)
    sos = await h.publish(SosPressed(), device="leo-watch")
    (note,) = h.notifications
    assert note.priority == "high" and note.person == "leo" and note.cause == sos.id
    assert "mlat=31.2304" in note.message["en"] and "求救" in note.message["zh"]
    assert "Last position (±12 m, 3 min ago)" in note.message["en"]
    (raised,) = await h.rows(kind="alert_raised")
    assert raised["data"]["alert_kind"] == "sos" and raised["cause"] == note.id


async def test_saying_im_ok_calls_off_a_cancellable_alert(skill_harness):
    h = await skill_harness(Safety)
    alert_id = await h.hub.alerts.raise_alert(kind="fall", priority="high", person="grandma",
                                              message="Margaret may have fallen", self_cancel=True)
    sos_id = await h.hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
    reply = await h.say("I'm OK", person="grandma")
    assert reply.text == "Glad to hear it. I've told your family."
    assert h.hub.alerts.store.get(alert_id).acked_via == "voice"
    assert h.hub.alerts.store.get(sos_id).status == "open"
    assert (await h.say("我没事", person="grandma")).text == "好的。"
