"""A home's own file from before partitions kept one file: its rows come into the partition's file as the home
starts there, and it carries on with its open alert, its skills' state and its secret (a real partition on a real
Mosquitto)."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
import yaml

from assistant.app import build_hub
from assistant.clock import FakeClock
from assistant.cluster import fencing
from assistant.cluster.homes import HomeDirectory
from assistant.cluster.legacy_files import IMPORTED, import_home
from assistant.config import parse_config
from assistant.log_writer import Fenced
from assistant.skill_runtime.store import SqliteKeyValueStore
from tests.hubkit import publish
from tests.test_alerts import T0, receiver, until  # noqa: F401 - receiver is a fixture
from tests.test_cluster_partition import home_file, messages_logged, motion, partition

pytestmark = pytest.mark.mosquitto


async def _a_home_of_the_old_layout(folder, data, receiver) -> tuple[str, str]:  # noqa: F811
    """flat-a as a worker kept it before: its own file p0/flat-a.db with an open alert and a skill's state.
    Returns the alert's id and the home's secret."""
    raw = yaml.safe_load(home_file(folder, "flat-a", receiver).read_text(encoding="utf-8"))
    raw["storage"] = {"database": str(data / "p0" / "flat-a.db")}
    raw["caregivers"][0]["channels"] = []
    hub = build_hub(parse_config(raw, "test", folder), clock=FakeClock(T0), offline=True, skills=[])
    await hub.start()
    try:
        alert = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
        await SqliteKeyValueStore(hub.skills.store_connection, "notes").set("milk", "buy some")
        secret = await asyncio.to_thread(hub.alerts.store.secret)
    finally:
        await hub.stop()
    return alert, secret


async def test_a_home_s_own_file_is_brought_into_its_partition_s_file_as_it_starts(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    folder, data = tmp_path / "homes", tmp_path / "data"
    folder.mkdir()
    alert, secret = await _a_home_of_the_old_layout(folder, data, receiver)
    home_file(folder, "flat-b", receiver)
    part = partition(mosquitto_broker, tmp_path)
    await part.start(f.config for f in HomeDirectory(folder).scan().homes.values())
    try:
        a, b = part.hubs["flat-a"], part.hubs["flat-b"]
        assert [x.id for x in await asyncio.to_thread(a.alerts.store.open_alerts)] == [alert]
        assert await SqliteKeyValueStore(a.skills.store_connection, "notes").get("milk") == "buy some"
        assert await asyncio.to_thread(a.alerts.store.secret) == secret
        assert await asyncio.to_thread(b.alerts.store.open_alerts) == []
        assert await SqliteKeyValueStore(b.skills.store_connection, "notes").get("milk") is None
        assert [r["kind"] for r in await a.reader.rows(kind="alert_raised")] == ["alert_raised"]
        assert not (data / "p0" / "flat-a.db").exists() and (data / "p0" / f"flat-a.db{IMPORTED}").is_file()
        # It runs on in the partition's file: a new message is logged there, once.
        await part.link.wait_connected()
        await publish(mosquitto_broker.port, [motion("flat-a", "new-1")])
        await until(lambda: messages_logged(part.database(), "new-", "flat-a") == ["new-1"])
    finally:
        await part.stop()


async def test_a_worker_that_lost_the_partition_copies_nothing(tmp_path, receiver):  # noqa: F811
    folder, data = tmp_path / "homes", tmp_path / "data"
    folder.mkdir()
    await _a_home_of_the_old_layout(folder, data, receiver)
    target = data / "p0" / "homes.db"
    await asyncio.to_thread(fencing.claim, target, 9)
    with pytest.raises(Fenced, match="not imported, a later owner's fencing token \\(9\\)"):
        import_home(target, data / "p0" / "flat-a.db", "flat-a", 5)
    assert (data / "p0" / "flat-a.db").is_file()
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone() == (0,)
    finally:
        conn.close()
    assert import_home(target, data / "p0" / "flat-a.db", "flat-a", 9) > 0


def test_an_old_file_that_is_not_a_database_is_named_and_left_as_it_is(tmp_path):
    old = tmp_path / "flat-a.db"
    old.write_text("not a database", encoding="utf-8")
    with pytest.raises(sqlite3.DatabaseError, match="flat-a.db: file is not a database \\(home flat-a's rows not"):
        import_home(tmp_path / "homes.db", old, "flat-a", None)
    assert old.read_text(encoding="utf-8") == "not a database"
