"""A port another program already listens on (Mosquitto or Home Assistant on 1883, a second carehub on 8765):
``carehub run`` says which setting and what to do in one line, exits 2, and prints no traceback."""

from __future__ import annotations

import socket

import pytest
import yaml
from click.testing import CliRunner

from assistant.cli import main


@pytest.fixture
def taken():
    """A port on the loopback that something else is listening on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def _run(tmp_path, **sections) -> object:
    raw = {"home": {"id": "flat1", "timezone": "Europe/London"}, "skills": {},
           "people": [{"id": "grandma", "name": "Margaret", "role": "elder"}],
           "storage": {"database": str(tmp_path / "carehub.db")}, **sections}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return CliRunner().invoke(main, ["--config", str(path), "run"])


def test_the_mqtt_port_in_use(tmp_path, taken):
    result = _run(tmp_path, mqtt={"port": taken}, http={"enabled": False})
    assert result.exit_code == 2, result.output
    assert f"mqtt.port: 127.0.0.1:{taken} is already in use" in result.stderr
    assert "mqtt.broker: external" in result.stderr          # how to use the broker that is there
    assert "Traceback" not in result.output


def test_the_http_port_in_use(tmp_path, taken):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        mqtt_port = free.getsockname()[1]
    result = _run(tmp_path, mqtt={"port": mqtt_port}, http={"port": taken})
    assert result.exit_code == 2, result.output
    assert f"http.port: 127.0.0.1:{taken} is already in use" in result.stderr
    assert "Traceback" not in result.output
