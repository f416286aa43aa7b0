"""kill -9 the hub while a device publishes at QoS 1: after a restart, nothing the broker accepted is missing."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
import yaml

pytestmark = pytest.mark.slow

TOTAL = 1500
KILL_AFTER = 400


def _write_config(tmp_path: Path, port: int) -> Path:
    config = {
        "home": {"id": "flat1"},
        "mqtt": {"broker": "external", "host": "127.0.0.1", "port": port, "client_id": "crash-hub"},
        "storage": {"database": str(tmp_path / "carehub.db")},
        "http": {"enabled": False},
        "people": [{"id": "grandma", "name": "Margaret", "role": "elder"}],
        "devices": [{"id": "grandma-watch", "kind": "wearable", "person": "grandma"}],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def _start_hub(config: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "--config", str(config), "run"],
        stdout=log.open("ab"), stderr=subprocess.STDOUT, cwd=config.parent,
    )


def _logged_ids(db: Path) -> list[str]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db, timeout=30)
    try:
        rows = conn.execute("SELECT dedupe_key FROM events WHERE kind = 'vital_signs_measured'").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()
    return [r[0].split("/")[-1].split("#")[0] for r in rows]


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _hub_connected(db: Path, n: int) -> bool:
    if not db.exists():
        return False
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM events WHERE kind = 'broker_connected'").fetchone()[0] >= n
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()


def _retained_status(port: int) -> bytes | None:
    got: list[bytes] = []
    reader = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="status-reader")
    reader.on_message = lambda client, userdata, message: got.append(message.payload)
    reader.connect("127.0.0.1", port)
    reader.subscribe("carehub/flat1/hub/status", qos=1)
    reader.loop_start()
    try:
        _wait(lambda: bool(got), 10, "the hub status")
    finally:
        reader.loop_stop()
        reader.disconnect()
    return got[-1]


def test_kill_9_loses_nothing_the_broker_accepted(mosquitto_broker, tmp_path):
    config = _write_config(tmp_path, mosquitto_broker.port)
    db = tmp_path / "carehub.db"
    hub_log = tmp_path / "hub.log"
    hub = _start_hub(config, hub_log)
    try:
        _wait(lambda: _hub_connected(db, 1), 30, "the hub to connect")

        # PUBACKs arrive on paho's network thread; record mids there and map them to msg_ids here.
        # (Holding a lock of ours around publish() would deadlock against paho's own locks.)
        acked_mids: set[int] = set()
        device = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="crash-device")
        device.on_publish = lambda client, userdata, mid, reason_code, properties: acked_mids.add(mid)
        sent: dict[int, str] = {}
        device.connect("127.0.0.1", mosquitto_broker.port)
        device.loop_start()
        killed = False
        for i in range(TOTAL):
            payload = json.dumps({"heart_rate": 60 + i % 40, "msg_id": f"m{i}"})
            info = device.publish("carehub/flat1/grandma-watch/state", payload, qos=1)
            sent[info.mid] = f"m{i}"
            if i == KILL_AFTER:
                # Let the hub be mid-stream: some rows committed, some messages in flight.
                _wait(lambda: len(_logged_ids(db)) > 50, 30, "the hub to log some messages")
                hub.send_signal(signal.SIGKILL)
                hub.wait(10)
                killed = True
            if i % 50 == 0:
                time.sleep(0.01)
        _wait(lambda: len(acked_mids) >= len(sent), 30, "the broker to accept every message")
        accepted = {sent[mid] for mid in acked_mids if mid in sent}
        device.loop_stop()
        device.disconnect()
        assert killed
        assert _retained_status(mosquitto_broker.port) == b"offline", "the hub's last will did not fire"
        logged_before_restart = set(_logged_ids(db))
        assert len(logged_before_restart) < TOTAL, "the hub was killed before it could log everything"

        hub = _start_hub(config, hub_log)
        _wait(lambda: accepted <= set(_logged_ids(db)), 60, "every accepted message in the log")
        ids = _logged_ids(db)
        missing = accepted - set(ids)
        assert not missing
        assert len(ids) == len(set(ids)), "a redelivered message was logged twice"
        assert len(accepted) == TOTAL
    finally:
        if hub.poll() is None:
            hub.send_signal(signal.SIGTERM)
            try:
                hub.wait(15)
            except subprocess.TimeoutExpired:
                hub.kill()
