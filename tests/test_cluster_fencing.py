"""The fencing token in a partition's file: a partition writes its lease's token before it starts its first home,
and every commit of its homes checks it, so a worker that was paused past its lease between its lease check and a
commit commits nothing once the next owner has started the partition (a real partition on a real Mosquitto)."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from assistant.cluster import fencing
from assistant.cluster.homes import HomeDirectory
from assistant.cluster import partition as partition_module
from assistant.cluster.partition import Partition
from assistant.config import MqttConfig
from assistant.log_writer import Fenced
from tests.hubkit import publish
from tests.test_alerts import T0, Receiver, receiver, until  # noqa: F401 - receiver is a fixture
from tests.test_cluster_partition import home_file, messages_logged, motion, sos

pytestmark = pytest.mark.mosquitto


def held_under(broker, tmp_path, token: int) -> Partition:
    from assistant.clock import FakeClock
    from assistant.skill_loader import SkillClass
    from skills.safety import Safety, SafetySettings

    mqtt = MqttConfig(broker="external", host=broker.host, port=broker.port)
    return Partition(0, mqtt, tmp_path / "data", clock=FakeClock(T0), min_backoff=0.1, token=token,
                     skills=[SkillClass("safety", Safety, "test", SafetySettings())])


async def test_once_a_later_owner_s_token_is_in_the_file_the_old_owner_commits_nothing(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    folder = tmp_path / "homes"
    folder.mkdir()
    home_file(folder, "flat-a", receiver)
    configs = [f.config for f in HomeDirectory(folder).scan().homes.values()]
    old = held_under(mosquitto_broker, tmp_path, token=5)
    await old.start(configs)
    path = old.database("flat-a")
    try:
        await old.link.wait_connected()
        assert fencing.token_in(path) == 5
        await publish(mosquitto_broker.port, [motion("flat-a", "m-1")])
        await until(lambda: messages_logged(path, "m-") == ["m-1"])

        # The next owner starts the home under a larger token while this one still believes it holds it
        # (its lease check passed: no etcd here, so nothing else stops it).
        await asyncio.to_thread(fencing.claim, path, 6)
        hub = old.hubs["flat-a"]
        await publish(mosquitto_broker.port, [motion("flat-a", "m-2"), sos("flat-a", "s-1")])
        await until(lambda: hub.log._conn.refused >= 1)  # noqa: SLF001 - the event log's fenced connection
        with pytest.raises(Fenced, match="a later owner's fencing token \\(6\\) is in the file"):
            await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="Grandma pressed SOS")
        assert messages_logged(path, "m-") == ["m-1"] and messages_logged(path, "s-") == []
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        assert conn.execute("SELECT COUNT(*) FROM alerts").fetchone()[0] == 0
        conn.close()
        assert receiver.count("flat-a") == 0  # no SOS, no page: the old owner sent nothing
    finally:
        await old.stop()

    # An owner under an older token cannot start the home; the newer owner does, and gets what was not committed.
    with pytest.raises(Fenced, match="a later owner's fencing token \\(6\\) is in the file, not starting it under 4"):
        fencing.claim(path, 4)
    assert fencing.token_in(path) == 6
    newer = held_under(mosquitto_broker, tmp_path, token=7)
    await newer.start(configs)
    try:
        # The SOS came to the old owner twice (its urgent lane and its session) and neither copy was acknowledged:
        # the first's commit was refused, and a copy waits for the first's commit.
        await until(lambda: messages_logged(path, "m-") == ["m-1", "m-2"] and receiver.count("flat-a") == 1)
        assert fencing.token_in(path) == 7
    finally:
        await newer.stop()


async def test_a_page_already_delivered_is_recorded_under_a_stale_token_but_nothing_new_is(tmp_path):
    """Refusing the record of a delivery that happened would make the next owner page the caregiver again."""
    import yaml

    from assistant.app import build_hub
    from assistant.clock import FakeClock
    from assistant.config import parse_config

    raw = yaml.safe_load(home_file(tmp_path, "flat-a", Receiver()).read_text(encoding="utf-8"))
    raw["storage"] = {"database": str(tmp_path / "flat-a.db")}
    raw["caregivers"][0]["channels"] = []
    await asyncio.to_thread(fencing.claim, tmp_path / "flat-a.db", 5)
    hub = build_hub(parse_config(raw, "test", tmp_path), clock=FakeClock(T0), offline=True, skills=[],
                    database_wrapper=fencing.wrapper(5))
    await hub.start()
    try:
        alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
        await asyncio.to_thread(fencing.claim, tmp_path / "flat-a.db", 6)
        store = hub.alerts.store
        await asyncio.to_thread(store.record_delivery, alert_id, 0, "anna", "json", True, "", T0, True)
        assert [s.transition for s in store.history(alert_id)][-2:] == ["attempt", "delivered"]
        with pytest.raises(Fenced):  # a failed send is no fact to rely on: the next owner sends it
            await asyncio.to_thread(store.record_delivery, alert_id, 0, "sam", "json", False, "refused", T0, True)
        with pytest.raises(Fenced):
            await asyncio.to_thread(store.mark, alert_id, "note", T0, "anna: on her way")
        with pytest.raises(Fenced):
            await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS again")
    finally:
        await hub.stop()


async def test_messages_for_a_home_that_cannot_start_are_logged_and_counted_and_its_neighbours_run_on(
        mosquitto_broker, tmp_path, receiver, caplog, monkeypatch):  # noqa: F811
    folder = tmp_path / "homes"
    folder.mkdir()
    for home in ("flat-a", "flat-b"):
        home_file(folder, home, receiver)
    configs = [f.config for f in HomeDirectory(folder).scan().homes.values()]
    part = held_under(mosquitto_broker, tmp_path, token=5)
    real_build = partition_module.build_hub

    def build(config, **kwargs):  # noqa: ANN001, ANN003, ANN202
        if config.home.id == "flat-b":
            raise OSError("flat-b's sentences folder cannot be read")
        return real_build(config, **kwargs)

    monkeypatch.setattr(partition_module, "build_hub", build)
    await part.start(configs)
    try:
        await part.link.wait_connected()
        assert sorted(part.hubs) == ["flat-a"] and "cannot be read" in part.failed["flat-b"]
        await publish(mosquitto_broker.port, [motion("flat-b", "b-1"), sos("flat-a", "a-1")])
        await until(lambda: receiver.count("flat-a") == 1 and part.dropped.get("flat-b") == 1)
        assert "home flat-b is not running" in caplog.text and "carehub/flat-b/kitchen-motion/state" in caplog.text
        assert part.homes == ["flat-a", "flat-b"]  # still the partition's: the worker tries it again
        await part.remove("flat-b")  # its home file deleted meanwhile: its topics go too
        assert part.homes == ["flat-a"] and "flat-b" not in part.failed
    finally:
        await part.stop()


async def test_a_partition_whose_file_holds_a_later_owner_s_token_starts_none_of_its_homes(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    folder = tmp_path / "homes"
    folder.mkdir()
    for home in ("flat-a", "flat-b"):
        home_file(folder, home, receiver)
    part = held_under(mosquitto_broker, tmp_path, token=5)
    await asyncio.to_thread(fencing.claim, part.database(), 9)  # the partition is a later owner's now
    await part.start(f.config for f in HomeDirectory(folder).scan().homes.values())
    try:
        assert part.hubs == {} and sorted(part.failed) == ["flat-a", "flat-b"]
        assert all("fencing token (9)" in why for why in part.failed.values())
        assert fencing.token_in(part.database()) == 9
    finally:
        await part.stop()
