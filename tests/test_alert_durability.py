"""kill -9 the hub mid-escalation: after a restart the escalation resumes on time, nothing is lost or sent twice.

A real hub process against Mosquitto, an SOS from a panic button, Apprise posting to a local receiver,
and the real clock (``repeat_every: 8`` seconds).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import signal
import sqlite3
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import pytest
import yaml
from aiohttp import web

from assistant.alerts.store import AlertStore
from assistant.alerts.tokens import caregiver_token
from tests.conftest import free_port, wait_for_port
from tests.hubkit import publish

pytestmark = pytest.mark.slow

REPEAT = 8.0
"""Seconds between rounds of a high alert: long enough that a busy machine sees step 0 recorded and kills the hub
before step 1 is due."""
LATE = 10.0
"""How late a step may arrive and still count as on time (a loaded machine restarting Python)."""
_STEP = re.compile(r"alert-id: (\S+) step: (\d+)")


THIS_CHECKOUT = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
"""The hub a test starts runs this checkout's code, whatever is installed."""


@dataclass(frozen=True)
class Received:
    """One notification as a caregiver's phone got it."""

    caregiver: str
    alert_id: str
    step: int
    at: datetime


@dataclass
class Receiver:
    """A local webhook for Apprise's json:// that notes when each notification arrived, and its step."""

    port: int = field(default_factory=free_port)
    got: list[Received] = field(default_factory=list)
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        async def hook(request: web.Request) -> web.Response:
            at = datetime.now(timezone.utc)
            body = await request.json()
            match = _STEP.search(body["message"])
            assert match, body["message"]
            self.got.append(Received(request.match_info["who"], match.group(1), int(match.group(2)), at))
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

    def of_step(self, step: int) -> list[Received]:
        return [r for r in self.got if r.step == step]


@pytest.fixture
async def receiver():
    r = Receiver()
    await r.start()
    yield r
    await r.stop()


class HubProcess:
    """``carehub run`` in its own process, started and killed by the test."""

    def __init__(self, tmp_path: Path, broker_port: int, receiver: Receiver) -> None:
        self.http_port = free_port()
        self.db = tmp_path / "carehub.db"
        self.log = tmp_path / "hub.log"
        raw = {
            "home": {"id": "flat1", "name": "Flat", "timezone": "Europe/London"},
            "mqtt": {"broker": "external", "host": "127.0.0.1", "port": broker_port,
                     "client_id": f"hub-{tmp_path.name}"[:60]},
            "storage": {"database": str(self.db)},
            "http": {"host": "127.0.0.1", "port": self.http_port},
            "people": [{"id": "grandma", "name": "Margaret", "role": "elder"}],
            "devices": [{"id": "panic-button", "kind": "button", "person": "grandma"}],
            "caregivers": [
                {"id": "anna", "people": ["grandma"], "tier": 1, "channels": [receiver.url("anna")]},
                {"id": "bo", "people": ["grandma"], "tier": 1, "channels": [receiver.url("bo")]},
                {"id": "sam", "people": ["grandma"], "tier": 2, "channels": [receiver.url("sam")]},
            ],
            "alerts": {"public_url": f"http://127.0.0.1:{self.http_port}", "high": {"repeat_every": REPEAT}},
        }
        self.config = tmp_path / "config.yaml"
        self.config.write_text(yaml.safe_dump(raw))
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "assistant", "--config", str(self.config), "run"],
                                     stdout=self.log.open("ab"), stderr=subprocess.STDOUT, cwd=self.config.parent,
                                     env=THIS_CHECKOUT)

    async def kill_9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await asyncio.to_thread(self.proc.wait, 10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else "(no log)"

    # -- reading what it wrote (each query on its own short-lived connection, in a thread) ------------

    def _query(self, sql: str, args: tuple = ()) -> list[dict]:
        if not self.db.exists():
            return []
        conn = sqlite3.connect(self.db, timeout=30)
        try:
            cur = conn.execute(sql, args)
            return [dict(zip([c[0] for c in cur.description], row)) for row in cur.fetchall()]
        except sqlite3.OperationalError:  # tables not made yet
            return []
        finally:
            conn.close()

    async def query(self, sql: str, args: tuple = ()) -> list[dict]:
        return await asyncio.to_thread(self._query, sql, args)

    async def alerts(self) -> list[dict]:
        return await self.query("SELECT * FROM alerts ORDER BY raised_at")

    async def alert_log(self, alert_id: str) -> list[dict]:
        return await self.query("SELECT * FROM alert_log WHERE alert_id = ? ORDER BY id", (alert_id,))

    async def connected(self) -> bool:
        rows = await self.query("SELECT count(*) AS n FROM events WHERE kind = 'broker_connected'")
        return bool(rows and rows[0]["n"])

    async def serving(self) -> bool:
        """Whether the HTTP API accepts connections (a restarted hub resumes escalations before it listens)."""
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", self.http_port)
        except OSError:
            return False
        writer.close()
        await writer.wait_closed()
        return True

    async def wait(self, predicate, what: str, timeout: float = 30.0) -> None:
        """Poll ``predicate`` (plain or async) until it holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            held = predicate()
            if inspect.isawaitable(held):
                held = await held
            if held:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; hub log:\n{self.log_tail()}")


@pytest.fixture
async def hub(tmp_path, mosquitto_broker, receiver):
    process = HubProcess(tmp_path, mosquitto_broker.port, receiver)
    yield process
    await asyncio.to_thread(process.stop)


async def _sos_and_first_step(hub: HubProcess, broker_port: int, receiver: Receiver) -> dict:
    """Start the hub, press SOS, wait until step 0 reached tier 1 and was recorded; the alert row."""
    hub.start()
    await hub.wait(hub.connected, "the hub to connect")
    await publish(broker_port, [("carehub/flat1/panic-button/event", json.dumps({"type": "sos"}))])

    async def step_zero_recorded() -> bool:
        alerts = await hub.alerts()
        if not alerts:
            return False
        delivered = [r for r in await hub.alert_log(alerts[0]["id"]) if r["transition"] == "delivered"]
        return {(r["step"], r["caregiver"]) for r in delivered} == {(0, "anna"), (0, "bo")}

    await hub.wait(step_zero_recorded, "step 0 to reach tier 1")
    (alert,) = await hub.alerts()
    assert alert["kind"] == "sos" and alert["priority"] == "high" and alert["step"] == 1
    assert {(r.caregiver, r.step) for r in receiver.got} == {("anna", 0), ("bo", 0)}
    return alert


async def _nothing_after_the_acknowledgement(hub: HubProcess, receiver: Receiver, alert_id: str) -> None:
    """Two more rounds' time: no step begins after the acknowledgement, and every step sent went out once."""
    await asyncio.sleep(2 * REPEAT + 1)
    (alert,) = await hub.alerts()
    assert alert["id"] == alert_id and alert["status"] == "acknowledged" and alert["next_at"] is None
    log = await hub.alert_log(alert_id)
    acked_at = next(i for i, r in enumerate(log) if r["transition"] == "acknowledged")
    assert not [r for r in log[acked_at:] if r["transition"] == "sending"], "a step began after the ack"
    begun = [(r["caregiver"], r["step"]) for r in log if r["transition"] == "sending"]
    got = [(r.caregiver, r.step) for r in receiver.got]
    assert sorted(got) == sorted(begun), "what caregivers received is not what the log says was sent"
    assert len(got) == len(set(got)), f"a caregiver got the same step twice: {sorted(got)}"
    assert {r.alert_id for r in receiver.got} == {alert_id}


async def test_escalation_resumes_on_time_after_kill_9(hub, mosquitto_broker, receiver):
    alert = await _sos_and_first_step(hub, mosquitto_broker.port, receiver)
    raised = datetime.fromisoformat(alert["raised_at"])
    due = datetime.fromisoformat(alert["next_at"])
    assert due >= raised + timedelta(seconds=REPEAT)
    assert datetime.now(timezone.utc) < due - timedelta(seconds=0.2), "too slow to kill before step 1 was due"
    await hub.kill_9()

    hub.start()
    await hub.wait(lambda: len(receiver.of_step(1)) >= 3, "step 1 after the restart", timeout=LATE + REPEAT + 5)
    step_one = receiver.of_step(1)
    assert sorted(r.caregiver for r in step_one) == ["anna", "bo", "sam"]  # tier 1, and now tier 2
    for r in step_one:
        assert r.at >= raised + timedelta(seconds=REPEAT), f"{r.caregiver} got step 1 early, at {r.at - raised}"
        assert r.at <= due + timedelta(seconds=LATE), f"{r.caregiver} got step 1 late, at {r.at - raised}"

    secret = await asyncio.to_thread(_secret, hub.db)
    await hub.wait(hub.serving, "the HTTP API after the restart")
    url = f"http://127.0.0.1:{hub.http_port}/api/alerts/{alert['id']}/ack"
    # The restarted hub resumes escalating before its HTTP API (started last) listens.
    await asyncio.to_thread(wait_for_port, hub.http_port, 30)
    async with aiohttp.ClientSession() as http:
        async with http.post(url, headers={"Authorization": f"Bearer {caregiver_token(secret, 'sam')}"}) as resp:
            assert resp.status == 200, await resp.text()
            assert (await resp.json())["acked_by"] == "sam"
    await _nothing_after_the_acknowledgement(hub, receiver, alert["id"])
    assert {(r.caregiver, r.step) for r in receiver.got} >= {("anna", 0), ("bo", 0), ("anna", 1), ("bo", 1),
                                                             ("sam", 1)}


async def test_an_overdue_step_goes_out_once_at_restart(hub, mosquitto_broker, receiver):
    alert = await _sos_and_first_step(hub, mosquitto_broker.port, receiver)
    due = datetime.fromisoformat(alert["next_at"])
    await hub.kill_9()
    # Down for longer than a round past the due time: a hub that caught up round by round would
    # now send steps 1 and 2 back to back.
    while datetime.now(timezone.utc) < due + timedelta(seconds=REPEAT + 1):
        await asyncio.sleep(0.1)

    restarted = datetime.now(timezone.utc)
    hub.start()
    await hub.wait(lambda: len(receiver.of_step(1)) >= 3, "the overdue step 1", timeout=LATE + 5)
    step_one = receiver.of_step(1)
    assert sorted(r.caregiver for r in step_one) == ["anna", "bo", "sam"]
    for r in step_one:
        assert restarted < r.at <= restarted + timedelta(seconds=LATE), f"{r.caregiver} at {r.at - restarted}"
    started = await hub.query("SELECT ts FROM events WHERE kind = 'hub_started' ORDER BY ts")
    begun = await hub.query("SELECT ts FROM alert_log WHERE transition = 'sending' AND step = 1")
    assert len(started) == 2 and len({r["ts"] for r in begun}) == 1
    # Immediately: as the restarted hub starts, not a round later.
    assert datetime.fromisoformat(begun[0]["ts"]) - datetime.fromisoformat(started[1]["ts"]) < timedelta(seconds=2)

    result = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "assistant", "--config", str(hub.config), "alerts", "ack",
                         alert["id"], "--by", "bo"], capture_output=True, text=True, timeout=60, env=THIS_CHECKOUT)
    assert result.returncode == 0, result.stdout + result.stderr
    await _nothing_after_the_acknowledgement(hub, receiver, alert["id"])
    sending = {r["step"]: r["ts"] for r in await hub.alert_log(alert["id"]) if r["transition"] == "sending"}
    if 2 in sending:  # the acknowledgement came after step 2 was due: it still waited a full round
        gap = datetime.fromisoformat(sending[2]) - datetime.fromisoformat(sending[1])
        assert gap >= timedelta(seconds=REPEAT)


def _secret(db: Path) -> str:
    store = AlertStore(db, home="flat1")
    try:
        return store.secret()
    finally:
        store.close()
