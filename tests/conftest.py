"""Shared fixtures: real MQTT brokers (embedded amqtt and Debian's Mosquitto) on free ports."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.broker import EmbeddedBroker

# asyncio debug mode logs any callback that blocks the loop for more than 100 ms, so blocking work
# that slipped onto the event loop shows up in test output.
os.environ.setdefault("PYTHONASYNCIODEBUG", "1")


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
