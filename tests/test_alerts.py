"""Caregiver alerts end to end: Apprise to a real local HTTP receiver, a fake clock, the real log."""

from __future__ import annotations

import asyncio
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import aiohttp
import pytest
from aiohttp import web

from assistant.app import Hub, build_hub
from assistant.clock import FakeClock
from assistant.config import parse_config
from assistant.events import ButtonPressed
from tests.conftest import free_port
from tests.hubkit import bearer, caregiver_headers

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


class Receiver:
    """A local webhook that records what Apprise's json:// posts, by path (one path per caregiver)."""

    def __init__(self) -> None:
        self.got: dict[str, list[dict]] = {}
        self.port = free_port()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        async def hook(request: web.Request) -> web.Response:
            self.got.setdefault(request.match_info["who"], []).append(await request.json())
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post("/{who}", hook)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    def url(self, who: str) -> str:
        return f"json://127.0.0.1:{self.port}/{who}"

    def count(self, who: str) -> int:
        return len(self.got.get(who, []))


@pytest.fixture
async def receiver():
    r = Receiver()
    await r.start()
    yield r
    await r.stop()


async def until(predicate, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


def household(tmp_path, receiver: Receiver, **alerts) -> dict:
    return {
        "home": {"id": "flat1", "name": "Flat", "timezone": "Europe/London"},
        "storage": {"database": str(tmp_path / "log.db")},
        "http": {"host": "127.0.0.1", "port": 0},
        "people": [{"id": "grandma", "name": "Margaret", "role": "elder"},
                   {"id": "leo", "name": "Leo", "role": "child"}],
        "devices": [{"id": "panic-button", "kind": "button", "person": "grandma"}],
        "caregivers": [
            {"id": "anna", "name": "Anna", "people": ["grandma"], "tier": 1, "channels": [receiver.url("anna")]},
            {"id": "bo", "name": "Bo", "people": ["grandma"], "tier": 1, "language": "zh-CN",
             "channels": [receiver.url("bo")]},
            {"id": "neighbour", "name": "Sam", "people": ["grandma"], "tier": 2, "channels": [receiver.url("sam")]},
            {"id": "dad", "name": "Dad", "people": ["leo"], "channels": [receiver.url("dad")]},
        ],
        "alerts": {"public_url": "http://hub.local:8765", **alerts},
    }


@pytest.fixture
async def make_hub(tmp_path):
    hubs: list[Hub] = []

    async def make(raw: dict) -> tuple[Hub, FakeClock]:
        clock = FakeClock(T0)
        hub = build_hub(parse_config(raw, "test", tmp_path), clock=clock, offline=True, skills=[])
        await hub.start()
        hubs.append(hub)
        return hub, clock

    yield make
    for hub in hubs:
        await hub.stop()


async def advance(hub: Hub, clock: FakeClock, seconds: float) -> None:
    await clock.advance(seconds)
    for _ in range(20):
        await asyncio.sleep(0.01)
    await hub.escalation.settle()


async def test_high_alert_reaches_tier_one_then_widens_until_acknowledged(make_hub, receiver, tmp_path):
    hub, clock = await make_hub(household(tmp_path, receiver))
    alert_id = await hub.alerts.raise_alert(kind="fall", priority="high", person="grandma",
                                            message={"en": "Margaret may have fallen in the kitchen",
                                                     "zh": "Margaret 可能在厨房摔倒了"})
    await until(lambda: receiver.count("anna") == 1 and receiver.count("bo") == 1)
    assert receiver.count("sam") == 0
    english, chinese = receiver.got["anna"][0], receiver.got["bo"][0]
    assert "URGENT" in english["title"] and "Margaret may have fallen" in english["message"]
    assert alert_id in english["message"] and f"/app/alerts/{alert_id}?token=" in english["message"]
    assert "紧急" in chinese["title"] and "可能在厨房摔倒了" in chinese["message"]

    await advance(hub, clock, 59)
    assert receiver.count("sam") == 0  # not before 60 s
    await advance(hub, clock, 1)
    await until(lambda: receiver.count("sam") == 1 and receiver.count("anna") == 2)

    token = hub.alerts.tokens.token_for("neighbour")
    async with aiohttp.ClientSession() as http:
        async with http.post(f"http://127.0.0.1:{hub.http.port}/api/alerts/{alert_id}/ack",
                             headers={"Authorization": f"Bearer {token}"}) as resp:
            assert resp.status == 200
            assert (await resp.json())["acked_by"] == "neighbour"
    await advance(hub, clock, 600)
    assert (receiver.count("anna"), receiver.count("sam")) == (2, 1)  # nothing after the acknowledgement
    history = [h.transition for h in hub.alerts.store.history(alert_id)]
    assert history[0] == "raised" and history.index("escalated") < history.index("acknowledged")
    assert history.count("escalated") == 1  # nothing escalated after the acknowledgement
    rows = await hub.reader.rows(kind="alert_acknowledged")
    assert rows[0]["data"] == {"alert_id": alert_id, "by": "neighbour", "via": "http"}


async def test_http_acknowledgement_needs_the_right_caregiver(make_hub, receiver, tmp_path):
    hub, _ = await make_hub(household(tmp_path, receiver))
    alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma",
                                            message="SOS <script>alert(1)</script>")
    base = f"http://127.0.0.1:{hub.http.port}/api/alerts"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/{alert_id}/ack") as resp:
            assert resp.status == 401
        async with http.post(f"{base}/{alert_id}/ack", headers=bearer("guess")) as resp:
            assert resp.status == 401
        async with http.post(f"{base}/{alert_id}/ack", headers=caregiver_headers(hub, "dad")) as resp:
            assert resp.status == 403  # dad looks after leo, not grandma
        async with http.post(f"{base}/nope/ack", headers=caregiver_headers(hub, "anna")) as resp:
            assert resp.status == 404
        async with http.get(base, params={"token": hub.alerts.tokens.token_for("dad")}) as resp:
            assert (await resp.json())["alerts"] == []
        async with http.get(base, params={"token": hub.alerts.tokens.token_for("anna")}) as resp:
            assert [a["id"] for a in (await resp.json())["alerts"]] == [alert_id]
        link = f"{base}/{alert_id}/ack?token={hub.alerts.tokens.token_for('anna')}"  # as in the notification
        async with http.get(link) as resp:
            page = await resp.text()
            assert resp.status == 200 and "<form method='post'" in page
            assert "<script>" not in page and "SOS &lt;script&gt;" in page   # the message is escaped
        assert (await hub.alerts.get(alert_id)).status.value == "open"  # opening the link changes nothing
        async with http.post(link, data={"ack": "1"}) as resp:  # a form without the page's anti-forgery token
            assert resp.status == 403
        csrf = re.search(r"name='csrf' value='(\w+)'", page).group(1)
        async with http.post(link, data={"csrf": csrf}) as resp:  # the page's button
            assert resp.status == 200 and "Acknowledged" in await resp.text()
    assert (await hub.alerts.get(alert_id)).status.value == "acknowledged"


async def test_medium_goes_to_one_caregiver_at_a_time(make_hub, receiver, tmp_path):
    hub, clock = await make_hub(household(tmp_path, receiver))
    await hub.alerts.raise_alert(kind="missed_dose", priority="medium", person="grandma", message="Missed pills")
    await until(lambda: receiver.count("anna") == 1)
    assert receiver.count("bo") == 0
    await advance(hub, clock, 599)
    assert receiver.count("bo") == 0
    await advance(hub, clock, 1)
    await until(lambda: receiver.count("bo") == 1)
    assert receiver.count("anna") == 1 and receiver.count("sam") == 0


async def test_identical_alerts_fold_into_one_with_a_count(make_hub, receiver, tmp_path):
    hub, clock = await make_hub(household(tmp_path, receiver))
    first = await hub.alerts.raise_alert(kind="door_open_at_night", priority="medium", person="grandma",
                                         device="front-door", message="Front door open")
    await until(lambda: receiver.count("anna") == 1)
    await advance(hub, clock, 30)
    second = await hub.alerts.raise_alert(kind="door_open_at_night", priority="medium", person="grandma",
                                          device="front-door", message="Front door open")
    assert second == first
    assert hub.alerts.store.get(first).count == 2
    await advance(hub, clock, 1)
    assert receiver.count("anna") == 1
    assert (await hub.reader.rows(kind="alert_folded"))[0]["data"]["count"] == 2


async def test_a_failing_channel_falls_over_to_the_next(make_hub, receiver, tmp_path):
    raw = household(tmp_path, receiver, delivery_attempts=1)
    dead = f"json://127.0.0.1:{free_port()}/nobody-listens"
    raw["caregivers"][0]["channels"] = [dead, receiver.url("anna-backup")]
    hub, _ = await make_hub(raw)
    alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
    await until(lambda: receiver.count("anna-backup") == 1)
    backup = ("anna", f"json://127.0.0.1:{receiver.port}")
    async with asyncio.timeout(10):  # the receiver can have the message before the hub logs the result
        while True:
            attempts = await hub.reader.rows(kind="alert_delivered")
            by_channel = {(r["data"]["caregiver"], r["data"]["channel"]): r["data"]["ok"] for r in attempts}
            if backup in by_channel:
                break
            await asyncio.sleep(0.02)
    assert by_channel[("anna", dead.rsplit("/", 1)[0])] is False
    assert by_channel[("anna", f"json://127.0.0.1:{receiver.port}")] is True
    assert [h for h in hub.alerts.store.history(alert_id) if h.transition == "delivered"]


async def test_an_alert_no_one_can_receive_is_itself_an_event(make_hub, receiver, tmp_path):
    raw = household(tmp_path, receiver, delivery_attempts=1)
    for caregiver in raw["caregivers"]:
        caregiver["channels"] = [f"json://127.0.0.1:{free_port()}/down"]
    hub, _ = await make_hub(raw)
    await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
    async with asyncio.timeout(10):
        while not await hub.reader.rows(kind="alert_undeliverable"):
            await asyncio.sleep(0.05)


async def test_the_person_can_cancel_an_alert_that_allows_it(make_hub, receiver, tmp_path):
    hub, _ = await make_hub(household(tmp_path, receiver))
    cancellable = await hub.alerts.raise_alert(kind="fall", priority="high", person="grandma", message="Fall?",
                                               self_cancel=True)
    other = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
    await hub.emit(ButtonPressed(action="cancel", device="panic-button", person="grandma"))
    async with asyncio.timeout(10):
        while hub.alerts.store.get(cancellable).status != "acknowledged":
            await asyncio.sleep(0.02)
    assert hub.alerts.store.get(cancellable).acked_via == "button"
    assert hub.alerts.store.get(other).status == "open"


async def test_low_priority_waits_for_the_digest(make_hub, receiver, tmp_path):
    hub, clock = await make_hub(household(tmp_path, receiver, low={"digest_at": "18:00"}))
    await hub.alerts.raise_alert(kind="battery_low", priority="low", person="grandma", message="Watch battery low")
    await advance(hub, clock, 60)
    assert receiver.count("anna") == 0
    await advance(hub, clock, 8 * 3600)  # 10:01 UTC + 8 h = 18:01 London
    await until(lambda: receiver.count("anna") == 1 and receiver.count("sam") == 1)
    assert receiver.got["anna"][0]["title"] == "Daily digest: 1 notice(s)"


async def test_a_skill_notification_becomes_an_alert(make_hub, receiver, tmp_path):
    from assistant.events import AlertRequested

    hub, _ = await make_hub(household(tmp_path, receiver))
    note = await hub.emit(AlertRequested(message="Leo left the school zone", priority="high", alert_kind="geofence",
                                            skill="child_safety", person="leo"))
    await until(lambda: receiver.count("dad") == 1)
    assert receiver.count("anna") == 0
    raised = await hub.reader.rows(kind="alert_raised")
    assert raised[0]["cause"] == note.id


async def test_quiet_hours_hold_back_low_priority_only(make_hub, receiver, tmp_path):
    raw = household(tmp_path, receiver, low={"digest_at": "18:00"})
    raw["caregivers"][0]["quiet_hours"] = "17:00-20:00"   # anna: quiet at digest time
    hub, clock = await make_hub(raw)
    await hub.alerts.raise_alert(kind="battery_low", priority="low", person="grandma", message="Battery low")
    sos = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
    await until(lambda: receiver.count("anna") == 1)          # the high alert goes through quiet hours
    await hub.alerts.acknowledge(sos, by="bo", via="http")
    await advance(hub, clock, 8 * 3600)                        # 18:00 London: the digest
    await until(lambda: receiver.count("bo") == 2)             # bo has no quiet hours
    assert receiver.count("anna") == 1
    await advance(hub, clock, 2 * 3600)                        # 20:00: anna's quiet hours end
    await until(lambda: receiver.count("anna") == 2)
    assert receiver.got["anna"][1]["title"] == "Daily digest: 1 notice(s)"


async def test_low_alerts_due_together_arrive_as_one_digest(make_hub, receiver, tmp_path):
    hub, clock = await make_hub(household(tmp_path, receiver, low={"digest_at": "18:00"}))
    first = await hub.alerts.raise_alert(kind="battery_low", priority="low", person="grandma", device="watch",
                                         message="Watch battery low")
    second = await hub.alerts.raise_alert(kind="door_left_open", priority="low", person="grandma",
                                          message="Back door left open for an hour")
    await advance(hub, clock, 8 * 3600 + 60)
    await until(lambda: receiver.count("anna") == 1 and receiver.count("bo") == 1)
    await advance(hub, clock, 60)
    assert receiver.count("anna") == 1
    digest = receiver.got["anna"][0]
    assert digest["title"] == "Daily digest: 2 notice(s)"
    assert "Watch battery low" in digest["message"] and "Back door left open" in digest["message"]
    assert f"alert-id: {first} step: 0" in digest["message"] and f"alert-id: {second} step: 0" in digest["message"]
    assert receiver.got["bo"][0]["title"] == "每日汇总：2 条提醒"


# -- the desk: one rule of who may see and acknowledge, for HTTP, the CLI and skills alike ----------------


async def test_the_desk_refuses_a_caregiver_who_does_not_look_after_the_person(make_hub, receiver, tmp_path):
    from assistant.alerts.desk import NotTheirs, UnknownAlert, UnknownCaregiver

    hub, _ = await make_hub(household(tmp_path, receiver))
    fall = await hub.alerts.raise_alert(kind="fall", priority="high", person="grandma", message="Fall?")
    with pytest.raises(NotTheirs) as refused:
        await hub.alerts.acknowledge(fall, by="dad", via="http")
    assert (refused.value.status, refused.value.reason) == (403, "caregiver 'dad' does not look after 'grandma'")
    with pytest.raises(UnknownCaregiver):
        await hub.alerts.acknowledge(fall, by="nobody", via="cli")
    with pytest.raises(UnknownAlert):
        await hub.alerts.acknowledge("no-such-alert", by="anna", via="cli")
    assert (await hub.alerts.get(fall)).status == "open"
    assert [a.id for a in await hub.alerts.list("dad")] == []

    done = await hub.alerts.acknowledge(fall, by="anna", via="http")
    again = await hub.alerts.acknowledge(fall, by="bo", via="http")
    assert (done.now, again.now) == (True, False)
    assert (again.alert.status, again.alert.acked_by) == ("acknowledged", "anna")
    assert [r["data"]["by"] for r in await hub.reader.rows(kind="alert_acknowledged")] == ["anna"]


async def test_a_household_alert_is_every_caregivers(make_hub, receiver, tmp_path):
    hub, _ = await make_hub(household(tmp_path, receiver))
    broker = await hub.alerts.raise_alert(kind="broker_lost", priority="medium", message="The hub lost its broker")
    assert {a.id for a in await hub.alerts.list("dad")} == {broker}
    assert (await hub.alerts.acknowledge(broker, by="dad", via="http")).now


async def test_an_unknown_priority_is_refused_naming_the_allowed_ones(make_hub, receiver, tmp_path):
    hub, _ = await make_hub(household(tmp_path, receiver))
    with pytest.raises(ValueError, match="priority must be high, medium or low, not 'urgent'"):
        await hub.alerts.raise_alert(kind="fall", priority="urgent", person="grandma", message="Fall?")


async def test_an_alert_is_paged_while_every_other_blocking_job_waits_for_a_thread(make_hub, receiver, tmp_path):
    """A worker's homes share the loop's default threads: an SOS must not queue behind their skills' queries."""
    hub, _ = await make_hub(household(tmp_path, receiver))
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=2))
    release = threading.Event()
    # The default threads taken, 48 more jobs queued behind them.
    busy = [asyncio.ensure_future(asyncio.to_thread(release.wait, 30)) for _ in range(50)]
    await asyncio.sleep(0.05)
    try:
        await asyncio.wait_for(hub.alerts.raise_alert(kind="sos", priority="high", person="grandma",
                                                      message={"en": "Margaret pressed SOS", "zh": "Margaret 按了求救"}),
                               10)
        await until(lambda: receiver.count("anna") == 1 and receiver.count("bo") == 1)
        assert not release.is_set()  # paged while every default thread was still taken
    finally:
        release.set()
        await asyncio.gather(*busy)


async def test_an_alert_is_paged_while_the_event_log_s_writer_is_held_up(make_hub, receiver, tmp_path):
    """A worker's homes share one writer thread: a page must not wait for the alert_raised event's commit behind
    every home's readings. The writer is held up here by its lease check stalling before this home's commit."""
    hub, _ = await make_hub(household(tmp_path, receiver))
    release = threading.Event()
    hub.log.may_commit = lambda: release.wait(30)
    raising = asyncio.ensure_future(hub.alerts.raise_alert(kind="sos", priority="high", person="grandma",
                                                           message="Margaret pressed SOS"))
    try:
        await until(lambda: receiver.count("anna") == 1 and receiver.count("bo") == 1)
        assert not release.is_set() and not raising.done()  # paged while the event was still waiting for its commit
    finally:
        release.set()
        await raising
    from assistant.eventlog import EventQuery

    query = EventQuery(hub.log.path)
    try:
        assert [r["kind"] for r in query.events(limit=100)].count("alert_raised") == 1  # committed once released
    finally:
        query.close()


async def test_a_new_alert_is_paged_without_waiting_for_the_timer_s_look_at_every_open_alert(make_hub, receiver,
                                                                                           tmp_path):
    """A worker's SOS is paged in one trip to the file for the alert and one for its step: the escalation's timer
    reading every open alert (held up here) is not on its way. Once the timer reads again it sends nothing twice."""
    hub, clock = await make_hub(household(tmp_path, receiver))
    store = hub.alerts.store
    release = threading.Event()
    reads = store.open_alerts
    store.open_alerts = lambda: (release.wait(30), reads())[1]  # type: ignore[method-assign]
    hub.escalation.wake()  # the timer now waits in its read
    await asyncio.sleep(0.05)
    try:
        alert_id = await asyncio.wait_for(hub.alerts.raise_alert(kind="sos", priority="high", person="grandma",
                                                                 message="Margaret pressed SOS"), 10)
        await until(lambda: receiver.count("anna") == 1 and receiver.count("bo") == 1)
        assert not release.is_set()
    finally:
        release.set()
    await advance(hub, clock, 1)
    await advance(hub, clock, 1)
    assert (receiver.count("anna"), receiver.count("bo")) == (1, 1)
    sending = [(h.step, h.caregiver) for h in store.history(alert_id) if h.transition == "sending"]
    assert sorted(sending) == [(0, "anna"), (0, "bo")]
