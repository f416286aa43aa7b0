"""``carehub run`` that cannot start because of the database or the broker: one line naming the setting and
the fix, exit code 2, no traceback (``carehub --debug run`` adds it). Real Mosquitto, real SQLite files."""

from __future__ import annotations

import errno
import os
import pathlib
from pathlib import Path

import aiomqtt
import pytest
import yaml
from click.testing import CliRunner, Result

from assistant.cli import main
from assistant.cli.startup import broker_refusal
from assistant.config import MqttConfig, parse_config
from assistant.mqtt_trust import trust_for
from tests.conftest import free_port
from tests.trustkit import secret_of, start_secured_mosquitto, stop_process

HOME = {"home": {"id": "flat1", "timezone": "Europe/London"}, "skills": {}, "http": {"enabled": False},
        "people": [{"id": "grandma", "name": "Margaret", "role": "elder"}]}


def _config(tmp_path: Path, database: Path, **sections) -> str:
    raw = {**HOME, "storage": {"database": str(database)}, **sections}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return str(path)


def _run(config: str, *options: str) -> Result:
    return CliRunner().invoke(main, [*options, "--config", config, "run"])


def _one_clear_line(result: Result, starts: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    # Warnings (e.g. a person no caregiver looks after) may come first; the refusal is one line of its own.
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("warning: ")]
    assert len(lines) == 1 and lines[0].startswith(starts), result.stderr
    return lines[0]


# -- the database ------------------------------------------------------------------------------------------


@pytest.mark.skipif(os.geteuid() == 0, reason="root may enter any folder")
def test_a_database_folder_that_cannot_be_entered_is_refused(tmp_path):
    locked = tmp_path / "locked"
    (locked / "data").mkdir(parents=True)
    locked.chmod(0)
    try:
        config = _config(tmp_path, locked / "data" / "carehub.db")
        for command in ("check", "run"):
            result = CliRunner().invoke(main, ["--config", config, command])
            assert result.exit_code == 2 and "Traceback" not in result.output
            assert "storage.database: cannot read" in result.stderr and "chown or chmod" in result.stderr
    finally:
        locked.chmod(0o755)


def test_a_folder_on_the_way_that_cannot_be_read_is_refused_without_a_traceback(tmp_path, monkeypatch):
    # As root no folder is closed, so the operating system's refusal is played here: EACCES on every look
    # inside ``locked`` (as for a user without the right to enter it).
    locked = tmp_path / "locked"
    (locked / "data").mkdir(parents=True)
    real_stat = pathlib.Path.stat

    def refusing_stat(self, *args, **kwargs):
        if str(self).startswith(f"{locked}/"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "stat", refusing_stat)
    config = _config(tmp_path, locked / "data" / "carehub.db")
    for command in ("check", "run"):
        result = CliRunner().invoke(main, ["--config", config, command])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert (f"  storage.database: cannot read {locked}/data/carehub.db: Permission denied; let the user running "
                "carehub read and write it (chown or chmod), or set storage.database elsewhere") in result.stderr


def test_a_damaged_database_is_one_line_and_the_traceback_only_with_debug(tmp_path):
    database = tmp_path / "carehub.db"
    database.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)  # the right first bytes, then nonsense
    config = _config(tmp_path, database, mqtt={"port": free_port()})
    line = _one_clear_line(_run(config), f"cannot start: storage.database: {database}: file is not a database; ")
    assert "restore it from a backup or move it away" in line

    debugged = _run(config, "--debug")
    assert debugged.exit_code == 2
    assert "Traceback" in debugged.stderr and "sqlite3.DatabaseError" in debugged.stderr
    assert debugged.stderr.rstrip().splitlines()[-1] == line


# -- the broker --------------------------------------------------------------------------------------------


@pytest.fixture
def mosquitto_with_logins(tmp_path):
    """Mosquitto with the logins ``carehub broker mosquitto-config`` writes for the home in ``tmp_path/carehub.db``."""
    port = free_port()
    raw = {**HOME, "storage": {"database": str(tmp_path / "carehub.db")}}
    home = parse_config(raw, "test", tmp_path)
    proc = start_secured_mosquitto(tmp_path / "mosquitto", trust_for(home, secret_of(home)), port)
    try:
        yield port
    finally:
        stop_process(proc)


def test_an_external_broker_that_refuses_the_password_in_config(tmp_path, mosquitto_with_logins):
    port = mosquitto_with_logins
    config = _config(tmp_path, tmp_path / "carehub.db", mqtt={"broker": "external", "port": port,
                                                               "username": "hub", "password": "not-the-password"})
    line = _one_clear_line(_run(config), f"cannot start: mqtt.password: the broker at 127.0.0.1:{port} refused the "
                                         "login 'hub' (Not authorized): ")
    assert "correct mqtt.username and mqtt.password" in line


def test_an_external_broker_that_does_not_know_carehubs_login(tmp_path, mosquitto_with_logins):
    # This hub's secret (in another database) is not the one the broker's password file was written from.
    port = mosquitto_with_logins
    config = _config(tmp_path, tmp_path / "elsewhere" / "carehub.db", mqtt={"broker": "external", "port": port})
    line = _one_clear_line(_run(config), f"cannot start: mqtt.auth: the broker at 127.0.0.1:{port} refused "
                                         "carehub's login 'hub' (Not authorized): ")
    assert "'carehub broker mosquitto-config'" in line


def test_an_external_broker_that_is_not_there(tmp_path):
    port = free_port()  # nothing listens there
    config = _config(tmp_path, tmp_path / "carehub.db", mqtt={"broker": "external", "port": port})
    result = _run(config)
    line = _one_clear_line(result, f"cannot start: mqtt.port: nothing accepts connections at 127.0.0.1:{port} "
                                   "(connection refused): ")
    assert "sudo systemctl start mosquitto" in line and "mqtt.broker: embedded" in line
    debugged = _run(config, "--debug")
    assert debugged.exit_code == 2 and "Traceback" in debugged.stderr and "Connection refused" in debugged.stderr


def test_what_counts_as_a_refusal():
    external = MqttConfig(broker="external", host="mqtt.lan", port=1883)
    unknown_host = broker_refusal(external, aiomqtt.MqttError("[Errno -2] Name or service not known"))
    assert unknown_host is not None and unknown_host.field == "mqtt.host"
    assert str(unknown_host) == "mqtt.host: no host called 'mqtt.lan' (Name or service not known); correct mqtt.host"
    bad_login = broker_refusal(MqttConfig(auth=False), aiomqtt.MqttCodeError(5, "refused"))  # MQTT 3.1.1: 5
    assert bad_login is not None and bad_login.field == "mqtt.username" and "wants a login" in bad_login.reason
    # worth trying again: a DNS server down for a moment, a broker that went away mid-handshake
    assert broker_refusal(external, aiomqtt.MqttError("[Errno -3] Temporary failure in name resolution")) is None
    assert broker_refusal(external, aiomqtt.MqttError("Operation timed out")) is None
    # carehub's own broker: the hub reaches what it started itself, a refused connection is not the user's to fix
    assert broker_refusal(MqttConfig(), aiomqtt.MqttError("[Errno 111] Connection refused")) is None
