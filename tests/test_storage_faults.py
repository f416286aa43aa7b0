"""A disk that refuses writes (full, read-only) must not stop an SOS: delivered from memory, saved later.

The fault is injected in the hub's SQLite connections (``database_wrapper``); the SOS arrives as a
device message through the ingest path, and the caregiver is a real local HTTP receiver.
"""

from __future__ import annotations

import asyncio
import sqlite3

import aiohttp

from assistant.app import build_hub
from assistant.clock import FakeClock
from assistant.config import parse_config
from assistant.mqtt import Incoming
from assistant.skill_loader import SkillClass
from skills.safety import Safety, SafetySettings
from tests.hubkit import admin_headers
from tests.test_alerts import T0, advance, household, receiver, until  # noqa: F401 - receiver is a fixture


class Disk:
    """Makes the hub's connections refuse every write with SQLite's own error while ``full``."""

    def __init__(self) -> None:
        self.full = False

    def wrap(self, conn: sqlite3.Connection) -> FaultyConnection:
        return FaultyConnection(conn, self)


class FaultyConnection:
    """A connection whose writes fail like a full disk's; everything else is the real connection."""

    def __init__(self, conn: sqlite3.Connection, disk: Disk) -> None:
        self._conn = conn
        self._disk = disk

    def _check(self, sql: str) -> None:
        if self._disk.full and sql.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE", "REPLACE"):
            raise sqlite3.OperationalError("database or disk is full")

    def execute(self, sql: str, args=()):
        self._check(sql)
        return self._conn.execute(sql, args)

    def executemany(self, sql: str, rows):
        self._check(sql)
        return self._conn.executemany(sql, rows)

    def __enter__(self):
        return self._conn.__enter__()

    def __exit__(self, *exc):
        return self._conn.__exit__(*exc)

    def __getattr__(self, name: str):
        return getattr(self._conn, name)


async def health(port: int, headers: dict | None = None) -> tuple[int, dict]:
    """The health report as anyone sees it, or with ``headers`` (an admin's: the whole report)."""
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/api/health", headers=headers or {}) as resp:
            return resp.status, await resp.json()


def on_disk(path, sql: str, args=()) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, args).fetchall()


async def test_an_sos_on_a_full_disk_is_delivered_then_saved_when_space_returns(receiver, tmp_path):  # noqa: F811
    disk = Disk()
    clock = FakeClock(T0)
    config = parse_config(household(tmp_path, receiver), "test", tmp_path)
    hub = build_hub(config, clock=clock, offline=True, database_wrapper=disk.wrap,
                    skills=[SkillClass("safety", Safety, "test", SafetySettings())])
    await hub.start()
    try:
        assert (await health(hub.http.port))[0] == 200
        disk.full = True
        hub.ingest.handle(Incoming("carehub/flat1/panic-button/event", b'{"type": "sos", "msg_id": "m1"}',
                                   qos=1, retain=False, mid=1))
        # Delivered from memory while nothing can be written.
        await until(lambda: receiver.count("anna") == 1)
        assert "pressed SOS" in receiver.got["anna"][0]["message"]
        status, report = await health(hub.http.port)
        assert status == 503 and report["status"] == "error" and "problems" not in report
        status, report = await health(hub.http.port, admin_headers(hub))
        assert status == 503 and any("disk is full" in p for p in report["problems"])
        db = config.database_path
        assert on_disk(db, "SELECT count(*) FROM alerts")[0][0] == 0
        assert on_disk(db, "SELECT count(*) FROM events WHERE kind = 'sos_pressed'")[0][0] == 0

        # Space returns: the held rows and alert changes land, and health is green again.
        disk.full = False
        for _ in range(3):
            await advance(hub, clock, 5)
        async with asyncio.timeout(10):
            while (await health(hub.http.port))[0] != 200:
                await advance(hub, clock, 5)
        assert on_disk(db, "SELECT kind, priority, status FROM alerts") == [("sos", "high", "open")]
        transitions = [r[0] for r in on_disk(db, "SELECT transition FROM alert_log ORDER BY id")]
        assert transitions[0] == "raised" and "delivered" in transitions
        kinds = {r[0] for r in on_disk(db, "SELECT kind FROM events")}
        assert {"sos_pressed", "alert_requested", "alert_raised", "alert_delivered"} <= kinds
        assert on_disk(db, "SELECT count(*) FROM events WHERE kind = 'sos_pressed'")[0][0] == 1
    finally:
        await hub.stop()


async def test_a_read_only_alerts_table_still_raises_and_lists_the_alert(receiver, tmp_path):  # noqa: F811
    disk = Disk()
    config = parse_config(household(tmp_path, receiver), "test", tmp_path)
    hub = build_hub(config, clock=FakeClock(T0), offline=True, database_wrapper=disk.wrap, skills=[])
    await hub.start()
    try:
        disk.full = True
        alert_id = await hub.alerts.raise_alert(kind="fall", priority="high", person="grandma", message="Fall")
        assert [a.id for a in await hub.alerts.list("anna")] == [alert_id]
        await until(lambda: receiver.count("anna") == 1)
        done = await hub.alerts.acknowledge(alert_id, by="anna", via="test")
        assert done.now
        disk.full = False
        assert await asyncio.to_thread(hub.alerts.store.flush)
        rows = on_disk(config.database_path, "SELECT status, acked_by FROM alerts WHERE id = ?", [alert_id])
        assert rows == [("acknowledged", "anna")]
    finally:
        await hub.stop()
