"""No alarm dies silently: an SOS outlives a channel outage longer than the whole escalation ladder.

Apprise posts to a real local HTTP receiver that answers 503 while "down"; time is a fake clock.
"""

from __future__ import annotations

import asyncio

import json

import pytest
from aiohttp import web

from assistant.alerts.model import AlertStatus
from assistant.alerts.policy import retry_delay
from assistant.config import HighPolicy
from tests.test_alerts import T0, Receiver, advance, household, make_hub, until  # noqa: F401 - make_hub is a fixture


class FlakyReceiver(Receiver):
    """The receiver, with an outage switch: while ``down`` every post gets 503 and is not kept."""

    def __init__(self) -> None:
        super().__init__()
        self.down: set[str] = set()

    async def start(self) -> None:
        async def hook(request: web.Request) -> web.Response:
            who = request.match_info["who"]
            if who in self.down:
                return web.json_response({"error": "outage"}, status=503)
            self.got.setdefault(who, []).append(await request.json())
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post("/{who}", hook)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()


@pytest.fixture
async def flaky():
    r = FlakyReceiver()
    await r.start()
    yield r
    await r.stop()


def test_retries_back_off_to_a_cap_and_never_stop():
    policy = HighPolicy(retry_first=30, retry_cap=300)
    assert [retry_delay(n, policy) for n in range(1, 8)] == [0, 30, 60, 120, 240, 300, 300]
    assert retry_delay(10_000, policy) == 300


async def test_an_sos_outlives_an_outage_longer_than_the_ladder(make_hub, flaky, tmp_path):  # noqa: F811
    raw = household(tmp_path, flaky, delivery_attempts=1)
    raw["devices"].append({"id": "kitchen-speaker", "kind": "speaker", "room": "kitchen"})
    flaky.down = {"anna", "bo", "sam"}  # every caregiver of grandma; Leo's dad is still reachable
    hub, clock = await make_hub(raw)
    alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS pressed")

    # The technical alarm: on the channel that still works, and aloud at home.
    await until(lambda: flaky.count("dad") == 1)
    assert "cannot reach any caregiver" in flaky.got["dad"][0]["title"]
    assert alert_id in flaky.got["dad"][0]["message"]
    def spoken() -> list[dict]:
        return [json.loads(p) for t, p, _ in hub.outbox.messages if t == "carehub/flat1/kitchen-speaker/set"]

    await until(lambda: bool(spoken()))  # said at home beside the page, not necessarily before it
    assert "cannot reach any caregiver" in spoken()[0]["say"]
    async with asyncio.timeout(10):  # the row is written once the message went out and was said
        while not (rows := await hub.reader.rows(kind="caregivers_unreachable")):
            await asyncio.sleep(0.02)
    assert rows[0]["data"]["spoken_on"] == ["kitchen-speaker"] and rows[0]["cause"] is None

    # 40 minutes down: longer than 30 rounds of 60 s. The alert stays open with a next step, never exhausted.
    for _ in range(40):
        await advance(hub, clock, 60)
    alert = hub.alerts.store.get(alert_id)
    assert alert.status is AlertStatus.OPEN and alert.next_at is not None
    history = [h.transition for h in hub.alerts.store.history(alert_id)]
    assert "exhausted" not in history and "delivered" not in history
    assert 8 <= history.count("escalated") <= 16  # backing off to one try in 5 minutes, not 30 tries in 91 s
    assert flaky.count("anna") == 0

    # The channel comes back: the SOS gets through on the next try.
    flaky.down.clear()
    await advance(hub, clock, 300)
    await until(lambda: flaky.count("anna") >= 1 and flaky.count("bo") >= 1)
    assert "SOS pressed" in flaky.got["anna"][0]["message"]
    assert alert_id in flaky.got["anna"][0]["message"]
    await until(lambda: "delivered" in [h.transition for h in hub.alerts.store.history(alert_id)])


async def test_a_channel_coming_back_brings_the_waiting_sos_forward(make_hub, flaky, tmp_path):  # noqa: F811
    raw = household(tmp_path, flaky, delivery_attempts=1)
    flaky.down = {"anna", "bo", "sam"}
    hub, clock = await make_hub(raw)
    sos = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS pressed")
    for _ in range(6):
        await advance(hub, clock, 60)  # well into the backoff
    flaky.down.clear()
    # Another alert gets through: the waiting SOS is tried again at once, not at the end of its backoff.
    await hub.alerts.raise_alert(kind="door", priority="medium", person="grandma", message="Front door open")
    await advance(hub, clock, 1)
    await until(lambda: any(sos in m["message"] for m in flaky.got.get("anna", [])))


