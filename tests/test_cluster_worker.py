"""A worker in this process over a real Mosquitto: the collector does not run on its own while its homes start
and run; once they have started what they built is frozen and each step collects only what is young; one thread
commits the homes of all its partitions."""

from __future__ import annotations

import asyncio
import gc
import threading
from pathlib import Path
from typing import Any

import pytest

from assistant.clock import FakeClock
from assistant.cluster.homes import HomeDirectory
from assistant.cluster.worker import Worker, WorkerSettings
from assistant.config import MqttConfig
from assistant.skill_loader import SkillClass
from skills.safety import Safety, SafetySettings
from tests.test_alerts import T0, receiver  # noqa: F401 - a fixture
from tests.test_cluster_partition import home_file

pytestmark = pytest.mark.mosquitto


def three_homes(broker, tmp_path: Path, receiver, **settings: Any) -> tuple[Path, Worker]:  # noqa: F811
    """A folder of three homes' files and a worker in this process over them (``settings``: its partitions...)."""
    folder = tmp_path / "homes"
    folder.mkdir()
    for home in ("flat-a", "flat-b", "flat-c"):
        home_file(folder, home, receiver)
    config = WorkerSettings(mqtt=MqttConfig(broker="external", host=broker.host, port=broker.port),
                            data_dir=tmp_path / "data", min_backoff=0.1, **settings)
    return folder, Worker("w1", HomeDirectory(folder), config, clock=FakeClock(T0),
                          skills=[SkillClass("safety", Safety, "test", SafetySettings())])


async def test_the_collector_is_off_while_a_worker_s_homes_start_then_each_step_collects_only_what_is_young(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    folder, worker = three_homes(mosquitto_broker, tmp_path, receiver, partitions=2)
    assert gc.isenabled()
    try:
        await worker.step()  # claims both partitions; their homes start in the background
        assert set(worker.running) == {0, 1}
        assert not gc.isenabled()
        for partition in worker.running.values():
            await asyncio.wait_for(partition.all_started.wait(), 30)
        frozen = gc.get_freeze_count()
        await worker.step()
        assert gc.get_freeze_count() > frozen and worker.young_collections == 1
        # A cycle made since the last step is collected at the next; what survives is frozen with the rest.
        collected = gc.get_stats()[1]["collected"]
        cycle: list = []
        cycle.append(cycle)
        del cycle
        await worker.step()
        assert worker.young_collections == 2 and gc.get_stats()[1]["collected"] > collected
        assert not gc.isenabled() and gc.get_count()[0] < 700  # nothing young left to the collector's own runs
        assert sorted(h for p in worker.running.values() for h in p.hubs) == ["flat-a", "flat-b", "flat-c"]
        # One thread commits every home of both partitions (not one thread a partition).
        writers = sorted(t.name for t in threading.enumerate() if t.name.endswith("-log"))
        assert writers == ["carehub-w1-log"]
        assert {p.writer for p in worker.running.values()} == {worker.running[0].writer}
    finally:
        await worker.stop()
        gc.unfreeze()
    assert gc.isenabled()


async def test_stopped_homes_stay_frozen_until_enough_have_stopped_then_everything_is_collected_once(
        mosquitto_broker, tmp_path, receiver, monkeypatch, caplog):  # noqa: F811
    """A collection of everything holds the loop about a second a thousand homes: not one for every home removed."""
    import logging

    from assistant.cluster import worker as worker_module

    monkeypatch.setattr(worker_module, "THAW_AFTER", 2)
    folder, worker = three_homes(mosquitto_broker, tmp_path, receiver, partitions=1, scan_every=0)
    try:
        await worker.step()
        await asyncio.wait_for(worker.running[0].all_started.wait(), 30)
        await worker.step()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with caplog.at_level(logging.INFO, logger="assistant.cluster.worker"):
            (folder / "flat-c.yaml").unlink()
            await worker.step()
            assert worker.running[0].homes == ["flat-a", "flat-b"]
            assert gc.get_freeze_count() > frozen // 2 and "collecting" not in caplog.text  # still frozen
            (folder / "flat-b.yaml").unlink()
            await worker.step()
        assert worker.running[0].homes == ["flat-a"]
        assert "2 home(s) stopped since the last collection: collecting" in caplog.text
        assert gc.get_freeze_count() > 0  # what is still alive is frozen again
    finally:
        await worker.stop()
        gc.unfreeze()


async def test_a_worker_carrying_more_homes_than_it_may_collect_over_keeps_stopped_homes_frozen_saying_so(
        mosquitto_broker, tmp_path, receiver, monkeypatch, caplog):  # noqa: F811
    """A collection over thousands of homes held the loop past the lease (10 s at 5,000): not done at all there."""
    import logging

    from assistant.cluster import worker as worker_module

    monkeypatch.setattr(worker_module, "THAW_AFTER", 1)
    monkeypatch.setattr(worker_module, "COLLECT_UP_TO", 1)
    folder, worker = three_homes(mosquitto_broker, tmp_path, receiver, partitions=1, scan_every=0)
    try:
        await worker.step()
        await asyncio.wait_for(worker.running[0].all_started.wait(), 30)
        await worker.step()
        with caplog.at_level(logging.INFO, logger="assistant.cluster.worker"):
            (folder / "flat-c.yaml").unlink()
            await worker.step()
        assert worker.running[0].homes == ["flat-a", "flat-b"]
        assert "not collecting: a collection over 2 running homes would hold the event loop" in caplog.text
        assert gc.get_freeze_count() > 0 and not worker._collect  # noqa: SLF001
    finally:
        await worker.stop()
        gc.unfreeze()


async def test_a_home_a_worker_stops_is_freed_at_once_without_a_collection_and_its_neighbours_run_on(
        mosquitto_broker, tmp_path, receiver, monkeypatch):  # noqa: F811
    """A hub's parts refer to each other: frozen and never collected, each home handed back stayed in memory (eight
    hand-overs of 2,000 homes took a worker from 0.9 to 4 GB). A stopped hub is emptied, and reference counting
    frees it."""
    import weakref

    from assistant.cluster import worker as worker_module
    from tests.test_cluster_partition import sos
    from tests.hubkit import publish
    from tests.test_alerts import until

    monkeypatch.setattr(worker_module, "THAW_AFTER", 1)
    monkeypatch.setattr(worker_module, "COLLECT_UP_TO", 1)  # the worker collects nothing itself
    folder, worker = three_homes(mosquitto_broker, tmp_path, receiver, partitions=1, scan_every=0)
    try:
        await worker.step()
        await asyncio.wait_for(worker.running[0].all_started.wait(), 30)
        await worker.step()
        gone = weakref.ref(worker.running[0].hubs["flat-c"])
        parts = [weakref.ref(part) for part in (gone().bus, gone().skills, gone().alerts)]  # type: ignore[union-attr]
        (folder / "flat-c.yaml").unlink()
        await worker.step()
        assert worker.running[0].homes == ["flat-a", "flat-b"]
        assert not gc.isenabled() and gone() is None and all(part() is None for part in parts)
        await worker.running[0].link.wait_connected()
        await publish(mosquitto_broker.port, [sos("flat-a", "a-1")])
        await until(lambda: receiver.count("flat-a") == 1)  # what the homes share was left alone
    finally:
        await worker.stop()
        gc.unfreeze()
