"""Shared fixtures: real MQTT brokers (embedded amqtt and Debian's Mosquitto) on free ports."""

from __future__ import annotations

import asyncio
import gc
import os
import re
import resource
import shutil
import socket
import subprocess
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.broker import EmbeddedBroker

# asyncio debug mode: coroutines remember where they were created, and one never awaited is reported.
os.environ.setdefault("PYTHONASYNCIODEBUG", "1")

_REPO = Path(__file__).resolve().parent.parent
_HUB_CODE = re.compile("|".join(re.escape(str(_REPO / part)) for part in ("assistant", "skills", "devices")))
SLOW_CALLBACK = 0.1
"""Seconds a callback may hold the event loop (asyncio's own slow-callback threshold)."""


@dataclass
class SlowCallback:
    """One callback that held the event loop longer than ``SLOW_CALLBACK``."""

    what: str
    seconds: float
    """Wall seconds it held the loop, a garbage collection's left out."""
    cpu: float
    """CPU seconds the loop's thread spent in it, garbage collection left out (any code can be the one
    that happens to trigger a collection of the whole process's objects)."""
    blocks: int
    """Blocks the thread read or wrote meanwhile (SQLite commits, file I/O)."""
    written: int = 0
    """Of ``blocks``, those written."""
    paged_in: int = 0
    """Major page faults: memory the machine had evicted (code, mapped files) read back from the disk."""

    @property
    def blocking(self) -> bool:
        """Working or waiting on the disk, not merely descheduled or paged out on a busy machine.

        A callback that read only while the machine paged its memory back in (major faults, next to no CPU)
        waited on the machine, not on a read of its own: on a shared runner under memory pressure any code can
        fault on its own evicted pages. Writes, and reads without a page fault, are the hub's."""
        if self.cpu > SLOW_CALLBACK / 2 or self.written > 0:
            return True
        return self.blocks > 0 and self.paged_in == 0


_slow: list[SlowCallback] = []
_gc = {"seconds": 0.0, "started": 0.0, "wall": 0.0, "wall_started": 0.0, "written": 0, "written_before": 0}
"""Time spent in Python's garbage collector, and what its finalizers wrote: a collection can pause whatever code
allocated last, and the objects it frees close their files and databases (an unreferenced SQLite connection
checkpoints its log on close) inside the callback that happened to trigger it."""


def _count_gc(phase: str, info: dict) -> None:
    if phase == "start":
        _gc["started"] = time.thread_time()
        _gc["wall_started"] = time.perf_counter()
        _gc["written_before"] = resource.getrusage(resource.RUSAGE_THREAD).ru_oublock
    else:
        _gc["seconds"] += time.thread_time() - _gc["started"]
        _gc["wall"] += time.perf_counter() - _gc["wall_started"]
        _gc["written"] += resource.getrusage(resource.RUSAGE_THREAD).ru_oublock - _gc["written_before"]


gc.callbacks.append(_count_gc)


def _timed(run):
    """``Handle._run`` measured: every callback of every loop, its wall time, CPU time and block I/O."""

    def timed_run(self):
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_THREAD)
        collected, collecting, finalized = _gc["seconds"], _gc["wall"], _gc["written"]
        try:
            return run(self)
        finally:
            seconds = time.perf_counter() - started
            # the collector's time and its finalizers' writes are the collection's, not this callback's
            own = seconds - (_gc["wall"] - collecting)
            if own > SLOW_CALLBACK:
                after = resource.getrusage(resource.RUSAGE_THREAD)
                cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                written = after.ru_oublock - before.ru_oublock - (_gc["written"] - finalized)
                _slow.append(SlowCallback(
                    asyncio.base_events._format_handle(self), own,  # noqa: SLF001 - asyncio's own wording
                    cpu - (_gc["seconds"] - collected),
                    after.ru_inblock - before.ru_inblock + written, written,
                    after.ru_majflt - before.ru_majflt))

    return timed_run


asyncio.events.Handle._run = _timed(asyncio.events.Handle._run)  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def tasks_told_before_a_timeout(request):
    """Shortly before pytest-timeout stops a hung test, print every task of the loops it ran and where each
    waits: the thread stacks pytest-timeout prints show only an event loop idling in ``select``."""
    marker = request.node.get_closest_marker("timeout")
    limit = float(marker.args[0]) if marker and marker.args else float(request.config.getini("timeout") or 0)
    if limit <= 30:
        yield
        return
    timer = threading.Timer(limit - 15, _print_tasks)
    timer.daemon = True
    timer.start()
    yield
    timer.cancel()


def _print_tasks() -> None:
    import sys

    out = sys.__stderr__
    for loop in list(_loops):
        if loop.is_closed():
            continue
        try:
            tasks = list(asyncio.all_tasks(loop))
        except RuntimeError:  # the set changed while it was read: once more
            tasks = list(asyncio.all_tasks(loop))
        print(f"\n+++ {len(tasks)} tasks of a loop still running shortly before the timeout +++", file=out)
        for task in tasks:
            task.print_stack(limit=12, file=out)


_loops: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()
_new_loop = asyncio.BaseEventLoop.__init__


def _remembered(self, *args, **kwargs):  # type: ignore[no-untyped-def]
    _new_loop(self, *args, **kwargs)
    _loops.add(self)


asyncio.BaseEventLoop.__init__ = _remembered  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def no_slow_callbacks_in_the_hub():
    """Fail a test during which the hub's own code held the event loop for over 100 ms, working or on I/O.

    A callback that was merely descheduled (the machine is shared and busy) is reported, not failed.
    """
    del _slow[:]
    yield
    found, _slow[:] = list(_slow), []
    ours = [slow for slow in found if _HUB_CODE.search(slow.what)]
    record = os.environ.get("CAREHUB_SLOW_CALLBACK_LOG")
    if record and found:
        with open(record, "a", encoding="utf-8") as out:
            out.writelines(f"{s.seconds:.3f}s cpu {s.cpu:.3f}s blocks {s.blocks} written {s.written} "
                           f"page faults {s.paged_in} {s.what}\n" for s in found)
    blocking = [slow for slow in ours if slow.blocking]
    if blocking and not os.environ.get("CAREHUB_SLOW_CALLBACKS_ALLOWED"):
        pytest.fail("the hub held its event loop for over 100 ms:\n" + "\n".join(
            f"{s.seconds * 1000:.0f} ms ({s.cpu * 1000:.0f} ms CPU, {s.blocks} blocks of I/O, {s.written} written, "
            f"{s.paged_in} page faults): {s.what}"
            for s in blocking[:5]), pytrace=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on port {port}")


@dataclass
class BrokerAddress:
    """Where a test broker listens."""

    host: str
    port: int
    kind: str


@pytest.fixture
async def amqtt_broker():
    """An embedded amqtt broker running in the test's event loop."""
    port = free_port()
    broker = EmbeddedBroker("127.0.0.1", port, session_expiry=600)
    await broker.start()
    try:
        yield BrokerAddress("127.0.0.1", port, "amqtt")
    finally:
        await broker.stop()


def start_mosquitto(workdir: Path, port: int) -> subprocess.Popen:
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        pytest.skip("mosquitto is not installed (apt-get install mosquitto)")
    conf = workdir / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\n"
        "allow_anonymous true\n"
        "persistence false\n"
        "max_queued_messages 100000\n"
        "max_inflight_messages 0\n"
        "persistent_client_expiration 1h\n"
    )
    proc = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return proc


@pytest.fixture
def mosquitto_broker(tmp_path):
    """A Mosquitto broker (Debian package) in its own process."""
    port = free_port()
    proc = start_mosquitto(tmp_path, port)
    try:
        yield BrokerAddress("127.0.0.1", port, "mosquitto")
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(params=["amqtt", "mosquitto"])
def any_broker(request):
    """Each test using it runs once against the embedded broker and once against Mosquitto."""
    return request.getfixturevalue(f"{request.param}_broker")
