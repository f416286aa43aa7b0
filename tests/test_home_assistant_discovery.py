"""What Home Assistant is told, as plain data: discovery configs, states, commands, and its login's rights."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from assistant.alerts.model import Alert, AlertStatus, Priority
from assistant.cli import main
from assistant.config import parse_config
from assistant.errors import ConfigError
from assistant.homeassistant.discovery import Discovery, command_for, person_state
from assistant.mosquitto_files import acl_file, password_file
from assistant.mqtt_trust import MqttTrust, trust_for

HOUSEHOLD = {
    "home": {"id": "flat1", "name": "Flat 1"},
    "people": [{"id": "grandma", "name": "Margaret", "role": "elder"}],
    "devices": [
        {"id": "grandma-watch", "kind": "wearable", "person": "grandma"},
        {"id": "kitchen-motion", "kind": "motion", "room": "kitchen"},
        {"id": "front-door", "kind": "contact", "subtype": "door", "room": "hallway"},
        {"id": "bed-pad", "kind": "occupancy", "subtype": "bed", "person": "grandma", "room": "bedroom"},
        {"id": "kitchen-light", "kind": "light", "room": "kitchen"},
        {"id": "kettle-plug", "kind": "switch", "room": "kitchen"},
        {"id": "hall-climate", "kind": "climate", "room": "hallway"},
    ],
    "home_assistant": {"enabled": True},
}


def _discovery(tmp_path, **changes) -> Discovery:
    return Discovery(parse_config({**HOUSEHOLD, **changes}, "test", tmp_path))


def _configs(discovery: Discovery) -> dict[str, dict]:
    return {topic: json.loads(payload) for topic, payload in discovery.configs().items()}


@pytest.mark.parametrize(("topic", "device_class", "unit"), [
    ("homeassistant/binary_sensor/carehub-flat1/kitchen_motion/config", "motion", None),
    ("homeassistant/binary_sensor/carehub-flat1/front_door/config", "door", None),
    ("homeassistant/binary_sensor/carehub-flat1/bed_pad/config", "occupancy", None),
    ("homeassistant/binary_sensor/carehub-flat1/grandma_help_needed/config", "safety", None),
    ("homeassistant/sensor/carehub-flat1/grandma_heart_rate/config", None, "bpm"),
    ("homeassistant/sensor/carehub-flat1/grandma_spo2/config", None, "%"),
    ("homeassistant/sensor/carehub-flat1/grandma_skin_temp/config", "temperature", "°C"),
    ("homeassistant/sensor/carehub-flat1/hall_climate_temperature/config", "temperature", "°C"),
    ("homeassistant/sensor/carehub-flat1/hall_climate_humidity/config", "humidity", "%"),
    ("homeassistant/sensor/carehub-flat1/grandma_watch_battery/config", "battery", "%"),
    ("homeassistant/switch/carehub-flat1/kettle_plug/config", "outlet", None),
    ("homeassistant/sensor/carehub-flat1/kettle_plug_power/config", "power", "W"),
    ("homeassistant/binary_sensor/carehub-flat1/kitchen_motion_online/config", "connectivity", None),
])
def test_each_entity_has_its_device_class_and_unit(tmp_path, topic, device_class, unit):
    config = _configs(_discovery(tmp_path))[topic]
    assert config.get("device_class") == device_class
    assert config.get("unit_of_measurement") == unit


def test_unique_ids_are_stable_and_devices_are_grouped_per_person_and_per_device(tmp_path):
    first, again = _configs(_discovery(tmp_path)), _configs(_discovery(tmp_path))
    assert first == again
    ids = [c["unique_id"] for c in first.values()]
    assert len(ids) == len(set(ids))
    help_needed = first["homeassistant/binary_sensor/carehub-flat1/grandma_help_needed/config"]
    assert help_needed["unique_id"] == "carehub_flat1_person_grandma_help_needed"
    assert help_needed["device"]["identifiers"] == ["carehub_flat1_person_grandma"]
    assert help_needed["device"]["name"] == "Margaret"
    heart = first["homeassistant/sensor/carehub-flat1/grandma_heart_rate/config"]
    assert heart["device"]["identifiers"] == ["carehub_flat1_person_grandma"]  # vitals are the person's
    light = first["homeassistant/light/carehub-flat1/kitchen_light/config"]
    assert light["device"]["identifiers"] == ["carehub_flat1_device_kitchen-light"]
    assert light["device"]["via_device"] == "carehub_flat1_hub"
    assert light["device"]["suggested_area"] == "Kitchen"
    assert light["name"] is None  # the device's main entity: light.kitchen_light
    hub = first["homeassistant/binary_sensor/carehub-flat1/hub/config"]
    assert hub["device"]["identifiers"] == ["carehub_flat1_hub"]


def test_availability_follows_the_hubs_will_and_the_devices_own(tmp_path):
    configs = _configs(_discovery(tmp_path))
    light = configs["homeassistant/light/carehub-flat1/kitchen_light/config"]
    assert light["availability"] == [{"topic": "carehub/flat1/hub/status"},
                                     {"topic": "carehub/flat1/hub/ha/device/kitchen-light/availability"}]
    assert light["availability_mode"] == "all"
    heart = configs["homeassistant/sensor/carehub-flat1/grandma_heart_rate/config"]
    assert heart["availability"][1] == {"topic": "carehub/flat1/hub/ha/device/grandma-watch/availability"}
    status = configs["homeassistant/sensor/carehub-flat1/grandma_status/config"]
    assert status["availability"] == [{"topic": "carehub/flat1/hub/status"}]


def test_lights_and_switches_take_commands_on_topics_the_hub_reads(tmp_path):
    discovery = _discovery(tmp_path)
    configs = _configs(discovery)
    light = configs["homeassistant/light/carehub-flat1/kitchen_light/config"]
    assert light["schema"] == "json" and light["supported_color_modes"] == ["brightness"]
    assert light["command_topic"] == "carehub/flat1/hub/ha/device/kitchen-light/light/set"
    assert discovery.entity_for_command(light["command_topic"]).owner_id == "kitchen-light"
    assert "command_topic" not in configs["homeassistant/binary_sensor/carehub-flat1/kitchen_motion/config"]
    assert discovery.entity_for_command("carehub/flat1/hub/ha/device/kitchen-motion/motion/set") is None


def test_a_device_removed_from_the_config_has_no_discovery_config(tmp_path):
    fewer = [d for d in HOUSEHOLD["devices"] if d["id"] != "kettle-plug"]
    topics = set(_discovery(tmp_path, devices=fewer).configs())
    assert "homeassistant/switch/carehub-flat1/kettle_plug/config" not in topics
    assert "homeassistant/switch/carehub-flat1/kettle_plug/config" in _discovery(tmp_path).configs()


def test_states_come_from_the_hubs_state_of_a_device(tmp_path):
    discovery = _discovery(tmp_path)
    light = dict(discovery.states("device", "kitchen-light", {"on": True, "brightness": 180}))
    assert json.loads(light["carehub/flat1/hub/ha/device/kitchen-light/light"]) == {"state": "ON", "brightness": 180}
    motion = dict(discovery.states("device", "kitchen-motion", {"motion": False, "battery": 90}))
    assert motion == {"carehub/flat1/hub/ha/device/kitchen-motion/motion": b"OFF",
                      "carehub/flat1/hub/ha/device/kitchen-motion/battery": b"90"}
    assert dict(discovery.states("device", "front-door", {})) == {}  # unknown until it reports
    watch = discovery.config.device("grandma-watch")
    vitals = dict(discovery.vitals_states(watch, {"heart_rate": 72.0, "spo2": 97, "worn": True}))
    assert vitals == {"carehub/flat1/hub/ha/person/grandma/heart_rate": b"72",
                      "carehub/flat1/hub/ha/person/grandma/spo2": b"97",
                      "carehub/flat1/hub/ha/person/grandma/worn": b"ON"}


def _alert(kind: str, priority: str, status: AlertStatus, person: str = "grandma") -> Alert:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    return Alert(id=f"{kind}-{status}", raised_at=now, home="flat1", person=person, device=None, kind=kind,
                 priority=Priority(priority), messages={"en": kind}, cause=None, status=status, count=1,
                 fold_key=kind, self_cancel=False, step=0, next_at=None)


@pytest.mark.parametrize(("alerts", "help_needed", "status", "priority"), [
    ([], False, "ok", "none"),
    ([_alert("sos", "high", AlertStatus.OPEN)], True, "help_needed", "high"),
    ([_alert("fall", "high", AlertStatus.ACKNOWLEDGED)], True, "help_needed", "none"),
    ([_alert("fall", "high", AlertStatus.RESOLVED)], False, "ok", "none"),
    ([_alert("missed_dose", "medium", AlertStatus.OPEN), _alert("climate", "low", AlertStatus.OPEN)],
     False, "alert", "medium"),
    ([_alert("sos", "high", AlertStatus.OPEN, person="leo")], False, "ok", "none"),
])
def test_a_persons_state_from_their_unresolved_alerts(alerts, help_needed, status, priority):
    state = person_state("grandma", alerts, "kitchen")
    assert state == {"help_needed": help_needed, "status": status, "alert_priority": priority, "room": "kitchen",
                     "noticed": None}


def test_a_person_not_noticed_for_long_reads_not_seen_unless_an_alert_is_open():
    noticed = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    def status(hours: float, alerts=()) -> str:
        return person_state("grandma", list(alerts), "bedroom", noticed, now=noticed + timedelta(hours=hours),
                            not_seen_after=12 * 3600)["status"]
    assert status(1) == "ok" and status(13) == "not_seen"
    assert status(13, [_alert("long_inactivity", "medium", AlertStatus.OPEN)]) == "alert"
    assert person_state("grandma", [], None, None, now=noticed, not_seen_after=60)["status"] == "ok"  # never yet


def test_when_a_person_was_last_noticed_is_a_timestamp(tmp_path):
    noticed = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    state = person_state("grandma", [], "bedroom", noticed)
    shown = dict(_discovery(tmp_path).states("person", "grandma", state))
    assert shown["carehub/flat1/hub/ha/person/grandma/last_noticed"] == b"2025-03-01T09:30:00+00:00"
    assert shown["carehub/flat1/hub/ha/person/grandma/room"] == b"bedroom"
    config = _configs(_discovery(tmp_path))["homeassistant/sensor/carehub-flat1/grandma_last_noticed/config"]
    assert config["device_class"] == "timestamp"


@pytest.mark.parametrize(("key", "payload", "expected"), [
    ("light", b'{"state": "ON"}', ("TurnOn", {})),
    ("light", b'{"state": "ON", "brightness": 128}', ("TurnOn", {"brightness": 128})),
    ("light", b'{"state": "OFF", "transition": 2}', ("TurnOff", {})),
    ("switch", b"ON", ("TurnOn", {})),
    ("switch", b"OFF", ("TurnOff", {})),
])
def test_home_assistant_commands_become_carehub_commands(tmp_path, key, payload, expected):
    discovery = _discovery(tmp_path)
    entity = next(e for e in discovery.entities if e.key == key)
    assert command_for(entity, payload) == expected


@pytest.mark.parametrize(("key", "payload", "reason"), [
    ("light", b"ON", "not JSON"),
    ("light", b'{"state": "DIM"}', 'needs "state": "ON" or "OFF"'),
    ("light", b'{"state": "ON", "brightness": 300}', "brightness must be a whole number 0-255"),
    ("switch", b"toggle", "a switch command is ON or OFF"),
])
def test_a_bad_command_is_refused_naming_what_is_wrong(tmp_path, key, payload, reason):
    entity = next(e for e in _discovery(tmp_path).entities if e.key == key)
    with pytest.raises(ValueError, match=reason):
        command_for(entity, payload)


TRUST = MqttTrust(secret="s" * 64, prefix="carehub", home="flat1", devices=frozenset({"watch", "light"}),
                  hub_client_id="carehub-hub", home_assistant_prefix="homeassistant")


@pytest.mark.parametrize(("topic", "allowed"), [
    ("homeassistant/status", True),  # its birth message and last will
    ("carehub/flat1/hub/ha/device/light/light/set", True),
    ("carehub/flat1/light/set", False),  # never a device's own command topic: the hub carries commands out
    ("carehub/flat1/watch/event", False),
    ("carehub/flat1/hub/status", False),
    ("carehub/flat1/hub/ha/person/grandma/help_needed", False),
    ("homeassistant/binary_sensor/carehub-flat1/x/config", False),
])
def test_home_assistant_may_publish_only_its_status_and_commands_for_the_hub(topic, allowed):
    assert TRUST.may_publish("homeassistant", topic) is allowed


@pytest.mark.parametrize(("topic_filter", "allowed"), [
    ("homeassistant/#", True),
    ("carehub/flat1/hub/status", True),
    ("carehub/flat1/hub/ha/device/light/light", True),
    ("carehub/flat1/watch/state", False),  # raw readings stay the hub's
    ("carehub/flat1/+/state", False),
    ("#", False),
])
def test_home_assistant_reads_discovery_and_what_the_hub_shows_it(topic_filter, allowed):
    assert TRUST.may_subscribe("homeassistant", topic_filter) is allowed


def test_home_assistant_has_a_login_only_when_enabled(tmp_path):
    enabled = trust_for(parse_config(HOUSEHOLD, "test", tmp_path), "s" * 64)
    assert enabled.login_for("homeassistant") is not None
    disabled = trust_for(parse_config({**HOUSEHOLD, "home_assistant": {}}, "test", tmp_path), "s" * 64)
    assert disabled.login_for("homeassistant") is None
    assert disabled.authenticate("homeassistant", "anything", "ha") is not None
    assert "homeassistant:" in password_file(enabled) and "homeassistant:" not in password_file(disabled)
    acl = acl_file(enabled)
    assert "user homeassistant\ntopic read homeassistant/#" in acl
    assert "topic write carehub/flat1/hub/ha/+/+/+/set" in acl


def test_homeassistant_is_not_a_device_id(tmp_path):
    with pytest.raises(ConfigError) as error:
        parse_config({"devices": [{"id": "homeassistant", "kind": "motion"}]}, "test", tmp_path)
    assert "devices[0].id: 'homeassistant' is reserved" in error.value.problems[0]


def test_credentials_prints_home_assistants_login(tmp_path):
    import yaml

    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({**HOUSEHOLD, "storage": {"database": str(tmp_path / "c.db")}}), encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(path), "devices", "credentials", "homeassistant"])
    assert result.exit_code == 0, result.output
    assert "user:      homeassistant" in result.output and "discovery: homeassistant" in result.output
    path.write_text(yaml.safe_dump({**HOUSEHOLD, "home_assistant": {"enabled": False},
                                    "storage": {"database": str(tmp_path / "c.db")}}), encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(path), "devices", "credentials", "homeassistant"])
    assert result.exit_code == 2 and "home_assistant.enabled is false" in result.output


def test_a_persons_first_wearable_shows_on_their_device_and_a_second_on_its_own(tmp_path):
    devices = [*HOUSEHOLD["devices"], {"id": "grandma-pendant", "kind": "wearable", "person": "grandma",
                                       "placement": "pendant"}]
    configs = _configs(_discovery(tmp_path, devices=devices))
    ids = [c["unique_id"] for c in configs.values()]
    assert len(ids) == len(set(ids))
    worn = configs["homeassistant/binary_sensor/carehub-flat1/grandma_worn/config"]
    assert worn["device"]["identifiers"] == ["carehub_flat1_person_grandma"] and worn["name"] == "Wearing grandma watch"
    pendant = configs["homeassistant/sensor/carehub-flat1/grandma_pendant_heart_rate/config"]
    assert pendant["device"]["identifiers"] == ["carehub_flat1_device_grandma-pendant"]


CAREGIVERS = [{"id": "anna", "name": "Anna", "people": ["grandma"]}, {"id": "ben", "people": []}]


def test_each_mapped_caregiver_has_an_im_on_it_button_on_the_people_they_look_after(tmp_path):
    discovery = _discovery(tmp_path, caregivers=CAREGIVERS,
                           home_assistant={"enabled": True, "users": {"Anna": "anna", "ben-ha": "ben"}})
    buttons = {t: c for t, c in _configs(discovery).items() if t.startswith("homeassistant/button/")}
    assert list(buttons) == ["homeassistant/button/carehub-flat1/grandma_acknowledge_anna/config"]  # Ben: nobody
    button = buttons["homeassistant/button/carehub-flat1/grandma_acknowledge_anna/config"]
    assert button["name"] == "Anna: I'm on it" and button["payload_press"] == "PRESS"
    assert button["unique_id"] == "carehub_flat1_person_grandma_acknowledge_anna"
    assert button["command_topic"] == "carehub/flat1/hub/ha/person/grandma/acknowledge_anna/set"
    assert "state_topic" not in button and button["device"]["identifiers"] == ["carehub_flat1_person_grandma"]
    entity = discovery.entity_for_command(button["command_topic"])
    assert command_for(entity, b"PRESS") == ("Acknowledge", {"caregiver": "anna"})
    with pytest.raises(ValueError, match="a button is pressed with PRESS, not 'ON'"):
        command_for(entity, b"ON")


def test_home_assistant_users_must_name_caregivers(tmp_path):
    with pytest.raises(ConfigError) as error:
        parse_config({**HOUSEHOLD, "caregivers": CAREGIVERS,
                      "home_assistant": {"enabled": True, "users": {"Anna": "anne"}}}, "test", tmp_path)
    assert "home_assistant.users.Anna: no caregiver with id 'anne'" in error.value.problems


def test_a_day_summary_is_a_sensor_of_the_person_with_its_details_as_attributes(tmp_path):
    discovery = _discovery(tmp_path)
    entity = discovery.add_summary("grandma", "medication", "Medication today")
    assert entity is not None and discovery.add_summary("grandma", "medication", "Medication today") is entity
    config = _configs(discovery)["homeassistant/sensor/carehub-flat1/grandma_medication/config"]
    assert config["unique_id"] == "carehub_flat1_person_grandma_medication" and config["name"] == "Medication today"
    assert config["json_attributes_topic"] == "carehub/flat1/hub/ha/person/grandma/medication/attributes"
    states = dict(discovery.summary_states(entity, "1 of 2 taken", {"taken": 1}))
    assert states == {"carehub/flat1/hub/ha/person/grandma/medication": b"1 of 2 taken",
                      "carehub/flat1/hub/ha/person/grandma/medication/attributes": b'{"taken": 1}'}
    assert discovery.add_summary("leo", "medication", "Medication today") is None  # not a configured person
    assert discovery.add_summary("grandma", "status", "Status") is None  # another entity's place
    assert discovery.add_summary("grandma", "Bad/Subject", "x") is None
