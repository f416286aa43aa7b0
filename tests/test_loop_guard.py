"""The guard in conftest.py that fails a test when the hub's code holds the event loop for over 100 ms."""

from __future__ import annotations

import asyncio
import time

from tests import conftest


def _busy(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_a_callback_that_works_for_long_is_measured():
    loop = asyncio.new_event_loop()
    try:
        loop.call_soon(_busy, 0.15)
        loop.call_soon(loop.stop)
        loop.run_forever()
    finally:
        loop.close()
    (slow,) = [s for s in conftest._slow if "_busy" in s.what]
    conftest._slow.clear()  # this test's slow callback is on purpose
    assert slow.seconds > 0.1 and slow.cpu > 0.1 and slow.blocking


def test_only_the_hubs_own_code_counts_and_only_when_it_worked_or_waited_on_the_disk():
    bus = f"<Task pending name='bus:alerts:notify' coro=<EventBus._run() running at {conftest._REPO}/assistant/bus.py:120>"
    broker = "<Task pending coro=<MQTTFixedHeader.from_stream() running at /site-packages/amqtt/mqtt/packet.py:103>"
    assert conftest._HUB_CODE.search(bus) and not conftest._HUB_CODE.search(broker)
    assert conftest.SlowCallback(bus, 0.2, cpu=0.15, blocks=0).blocking
    assert conftest.SlowCallback(bus, 0.2, cpu=0.001, blocks=8).blocking
    assert not conftest.SlowCallback(bus, 0.2, cpu=0.004, blocks=0).blocking  # descheduled on a busy machine
    assert conftest.SlowCallback(bus, 0.2, cpu=0.001, blocks=8, written=8).blocking  # a write on the loop
    # its own evicted memory paged back in by a machine under memory pressure: the machine's wait, not a read
    assert not conftest.SlowCallback(bus, 0.7, cpu=0.0, blocks=216, paged_in=3).blocking


def test_a_garbage_collection_is_not_counted_against_the_callback_that_triggered_it():
    import gc

    heap = [[i] for i in range(2_000_000)]  # enough objects for a full collection to take a while
    loop = asyncio.new_event_loop()
    try:
        started = time.thread_time()
        loop.call_soon(gc.collect)
        loop.call_soon(loop.stop)
        loop.run_forever()
        collecting = time.thread_time() - started
    finally:
        loop.close()
        del heap
    slow = [s for s in conftest._slow if "collect" in s.what]
    conftest._slow.clear()
    assert collecting > 0 and not any(s.blocking for s in slow)  # the collection's time is left out


def test_what_a_collection_frees_writing_on_close_is_not_the_callbacks_write(tmp_path, monkeypatch):
    import gc
    import sqlite3

    database = sqlite3.connect(tmp_path / "left.db", isolation_level=None)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("CREATE TABLE t (x)")
    database.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 2_000)
    cycle: list = [database]
    cycle.append(cycle)  # only the collector frees it, and closing it checkpoints the log into the file
    del database, cycle
    monkeypatch.setattr(conftest, "SLOW_CALLBACK", -1.0)  # every callback is measured
    finalized = conftest._gc["written"]
    loop = asyncio.new_event_loop()
    try:
        loop.call_soon(gc.collect)
        loop.call_soon(loop.stop)
        loop.run_forever()
    finally:
        loop.close()
    (collected,) = [s for s in conftest._slow if "collect" in s.what]
    conftest._slow.clear()
    assert conftest._gc["written"] > finalized  # the connection's close wrote, inside the collection
    assert collected.written == 0 and collected.blocks == 0
