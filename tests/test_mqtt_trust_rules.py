"""The MQTT trust rules as plain data: logins, the ACL, Mosquitto's files, config errors and the CLI."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import parse_config
from assistant.errors import ConfigError
from assistant.mosquitto_files import acl_file, password_file, password_hash
from assistant.mqtt_trust import MqttTrust, derive_password, filter_within, topic_matches

TRUST = MqttTrust(secret="s" * 64, prefix="carehub", home="flat1", devices=frozenset({"watch", "button", "light"}),
                  hub_client_id="carehub-hub")


@pytest.mark.parametrize(("user", "topic", "allowed"), [
    ("watch", "carehub/flat1/watch/state", True),
    ("watch", "carehub/flat1/watch/event", True),
    ("watch", "carehub/flat1/watch/audio/chunk/s1", True),
    ("watch", "carehub/flat1/button/event", False),
    ("watch", "carehub/flat1/watch/set", False),
    ("watch", "carehub/flat1/light/set", False),
    ("watch", "carehub/flat1/hub/status", False),
    ("watch", "carehub/other-home/watch/event", False),
    ("watch", "zigbee2mqtt/Hallway motion", False),
    ("zigbee2mqtt", "zigbee2mqtt/Hallway motion", True),
    ("zigbee2mqtt", "carehub/flat1/watch/event", False),
    ("hub", "carehub/flat1/light/set", True),
    (None, "carehub/flat1/watch/event", False),
    ("stranger", "carehub/flat1/stranger/event", False),
])
def test_who_may_publish_where(user, topic, allowed):
    assert TRUST.may_publish(user, topic) is allowed


@pytest.mark.parametrize(("user", "topic_filter", "allowed"), [
    ("light", "carehub/flat1/light/set", True),
    ("light", "carehub/flat1/+/set", False),
    ("light", "carehub/flat1/light/#", False),
    ("light", "#", False),
    ("light", "carehub/flat1/watch/state", False),
    ("hub", "#", True),
    ("zigbee2mqtt", "zigbee2mqtt/+/set", True),
    ("zigbee2mqtt", "#", False),
])
def test_who_may_subscribe_to_what(user, topic_filter, allowed):
    assert TRUST.may_subscribe(user, topic_filter) is allowed


def test_topic_matching_follows_mqtt():
    assert topic_matches("a/+/c", "a/b/c") and not topic_matches("a/+/c", "a/b/d")
    assert topic_matches("a/#", "a/b/c") and not topic_matches("a/b", "a/b/c")
    assert filter_within("a/b/c", "a/+/c") and not filter_within("a/+/c", "a/b/c")
    assert filter_within("a/b/#", "a/#") and not filter_within("a/#", "a/b/#")


def test_logins_are_derived_checked_and_the_hubs_client_id_is_reserved():
    watch = TRUST.login_for("watch")
    assert watch is not None and watch.password == derive_password("s" * 64, "watch")
    assert watch.password != derive_password("t" * 64, "watch")  # another hub's secret, another password
    assert TRUST.authenticate("watch", watch.password, "watch-1") is None
    assert "anonymous" in TRUST.authenticate(None, None, "x")
    assert "wrong" in TRUST.authenticate("watch", "nope", "x")
    assert "hub's" in TRUST.authenticate("watch", watch.password, "carehub-hub")
    hub = TRUST.hub_login
    assert TRUST.authenticate(hub.username, hub.password, "carehub-hub") is None
    assert TRUST.login_for("stranger") is None


def test_mosquitto_files_hold_a_hash_mosquitto_reads_and_pattern_rules():
    salt = bytes(range(12))
    line = password_hash("secret123", salt)
    _, seven, iterations, salt_b64, digest_b64 = line.split("$")
    assert (seven, iterations, base64.b64decode(salt_b64)) == ("7", "101", salt)
    assert base64.b64decode(digest_b64) == hashlib.pbkdf2_hmac("sha512", b"secret123", salt, 101, 64)
    users = [entry.split(":")[0] for entry in password_file(TRUST).splitlines()]
    assert users == ["hub", "zigbee2mqtt", "button", "light", "watch"]
    acl = acl_file(TRUST)
    assert "user hub\ntopic readwrite #" in acl
    assert "pattern write carehub/flat1/%u/event" in acl and "pattern read carehub/flat1/%u/set" in acl
    assert "pattern read carehub/flat1/%u/state" not in acl


@pytest.mark.parametrize(("mqtt", "problem"), [
    ({"topic_prefix": "carehub/#"}, "mqtt.topic_prefix: 'carehub/#' may not contain the MQTT wildcards"),
    ({"topic_prefix": "care+hub"}, "mqtt.topic_prefix: 'care+hub' may not contain"),
    ({"topic_prefix": "carehub/"}, "mqtt.topic_prefix: 'carehub/' has an empty topic level"),
    ({"zigbee2mqtt_topic": "z2m//x"}, "mqtt.zigbee2mqtt_topic: 'z2m//x' has an empty topic level"),
    ({"zigbee2mqtt_topic": "+"}, "mqtt.zigbee2mqtt_topic: '+' may not contain"),
    ({"tls": True}, "mqtt.certfile: required for the embedded broker with mqtt.tls: true"),
    ({"tls": True, "broker": "external", "ca_file": "missing.pem"}, "mqtt.ca_file: no file at"),
    ({"ca_file": "ca.pem"}, "mqtt.ca_file: only used with mqtt.tls: true"),
    ({"username": "carehub"}, "mqtt.password: required when mqtt.username is set"),
])
def test_bad_mqtt_settings_are_named_by_their_path(tmp_path, mqtt, problem):
    with pytest.raises(ConfigError) as error:
        parse_config({"mqtt": mqtt}, "test", tmp_path)
    assert any(p.startswith(problem) for p in error.value.problems), error.value.problems


def test_the_bridge_login_name_is_not_a_device_id(tmp_path):
    with pytest.raises(ConfigError) as error:
        parse_config({"devices": [{"id": "zigbee2mqtt", "kind": "motion"}]}, "test", tmp_path)
    assert "devices[0].id: 'zigbee2mqtt' is reserved" in error.value.problems[0]


def _config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"home": {"id": "flat1"}, "storage": {"database": "carehub.db"},
                                    "devices": [{"id": "watch", "kind": "wearable"}]}), encoding="utf-8")
    return path


def test_the_cli_prints_a_devices_login_the_same_every_time(tmp_path):
    config = _config_file(tmp_path)
    first = CliRunner().invoke(main, ["--config", str(config), "devices", "credentials", "watch"])
    again = CliRunner().invoke(main, ["--config", str(config), "devices", "credentials", "watch"])
    assert first.exit_code == 0, first.output
    assert "user:      watch" in first.output and first.output == again.output
    unknown = CliRunner().invoke(main, ["--config", str(config), "devices", "credentials", "nobody"])
    assert unknown.exit_code == 2
    listing = CliRunner().invoke(main, ["--config", str(config), "devices", "--json"])
    assert listing.exit_code == 0 and '"watch"' in listing.output


def test_the_cli_writes_mosquittos_files(tmp_path):
    config = _config_file(tmp_path)
    out = tmp_path / "mosquitto"
    result = CliRunner().invoke(main, ["--config", str(config), "broker", "mosquitto-config", "--out", str(out),
                                       "--port", "8883", "--certfile", "/etc/c.pem", "--keyfile", "/etc/k.pem"])
    assert result.exit_code == 0, result.output
    conf = (out / "carehub.conf").read_text()
    assert "listener 8883" in conf and "allow_anonymous false" in conf and "use_username_as_clientid true" in conf
    assert "certfile /etc/c.pem" in conf
    assert (out / "carehub.passwd").read_text().startswith("hub:$7$101$")
    assert (out / "carehub.passwd").stat().st_mode & 0o077 == 0
    assert "pattern write carehub/flat1/%u/state" in (out / "carehub.acl").read_text()


def test_devices_add_appends_one_line_and_prints_the_new_devices_login(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("# the flat\nhome: {id: flat1}\nstorage: {database: carehub.db}\n"
                      "devices:\n  - {id: watch, kind: wearable}   # grandma's\n\n# rooms next\nrooms: {}\n")
    before = config.read_text()
    result = CliRunner().invoke(main, ["--config", str(config), "devices", "add", "hall-button", "--kind", "button",
                                       "--room", "hallway"])
    assert result.exit_code == 0, result.output
    assert "user:      hall-button" in result.output
    after = config.read_text()
    assert after == before.replace("# grandma's\n", "# grandma's\n  - {id: hall-button, kind: button, room: hallway}\n")
    again = CliRunner().invoke(main, ["--config", str(config), "devices", "add", "hall-button", "--kind", "button"])
    assert again.exit_code == 2 and "duplicate id 'hall-button'" in again.output
    assert config.read_text() == after


def test_a_hub_login_from_the_config_replaces_the_derived_one(tmp_path):
    from assistant.mqtt_trust import trust_for

    config = parse_config({"mqtt": {"username": "carehub", "password": "from-the-operator"},
                           "devices": [{"id": "watch", "kind": "wearable"}]}, "test", tmp_path)
    trust = trust_for(config, "s" * 64)
    assert (trust.hub_login.username, trust.hub_login.password) == ("carehub", "from-the-operator")
    assert trust.authenticate("carehub", "from-the-operator", config.mqtt.client_id) is None
    assert trust.authenticate("hub", "anything", config.mqtt.client_id) is not None
    assert trust.may_subscribe("carehub", "#") and not trust.may_subscribe("hub", "#")
