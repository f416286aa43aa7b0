"""Home Assistant's areas and labels as carehub devices: which entities ``carehub homeassistant entities`` maps,
as what, and what it leaves out and why (the registries as Home Assistant's websocket lists them)."""

from __future__ import annotations

import yaml
from click.testing import CliRunner

from assistant.cli import main
from assistant.homeassistant.areas import Registries, choose, kind_of, mapping_yaml
from tests.conftest import free_port
from tests.hubkit import household_raw

REGISTRIES = Registries(
    areas=[{"area_id": "hallway", "name": "Hallway"}, {"area_id": "kitchen", "name": "Kitchen"}],
    labels=[{"label_id": "carehub", "name": "carehub"}],
    devices=[{"id": "dev-sensor", "area_id": "hallway", "labels": []},
             {"id": "dev-kettle", "area_id": "kitchen", "labels": ["carehub"]}],
    entities=[
        {"entity_id": "binary_sensor.hall_pir", "device_id": "dev-sensor", "area_id": None,
         "original_device_class": "motion", "original_name": "Hall PIR"},
        {"entity_id": "sensor.hall_pir_battery", "device_id": "dev-sensor", "area_id": None,
         "original_device_class": "battery"},
        {"entity_id": "light.hall", "device_id": None, "area_id": "hallway", "name": "Hall light"},
        {"entity_id": "light.old_hall", "device_id": None, "area_id": "hallway", "disabled_by": "user"},
        {"entity_id": "switch.kettle", "device_id": "dev-kettle", "area_id": None},
        {"entity_id": "binary_sensor.front_door", "device_id": None, "area_id": "kitchen", "labels": ["carehub"],
         "device_class": "door"},
        {"entity_id": "light.bedroom", "device_id": None, "area_id": "bedroom"},
    ],
    states=[{"entity_id": "switch.kettle", "attributes": {"friendly_name": "Kettle"}}],
)


def test_an_area_maps_its_entities_and_its_devices_entities_with_kinds_from_their_classes():
    chosen = {c.entity_id: c for c in choose(REGISTRIES, ("hallway",), (), taken={"hall"})}
    assert set(chosen) == {"binary_sensor.hall_pir", "sensor.hall_pir_battery", "light.hall"}
    assert chosen["binary_sensor.hall_pir"].mapping == {"id": "hall-pir", "kind": "motion", "name": "hall pir",
                                                        "room": "hallway"}
    assert chosen["light.hall"].mapping == {"id": "hall-2", "kind": "light", "name": "hall light", "room": "hallway"}
    assert chosen["sensor.hall_pir_battery"].mapping is None
    assert chosen["sensor.hall_pir_battery"].reason == "carehub has no kind for a sensor (battery)"


def test_a_label_on_the_entity_or_its_device_maps_it_wherever_it_is():
    chosen = {c.entity_id: c.mapping for c in choose(REGISTRIES, (), ("Carehub",), taken=set())}
    assert chosen == {
        "binary_sensor.front_door": {"id": "front-door", "kind": "door", "name": "front door", "room": "kitchen"},
        "switch.kettle": {"id": "kettle", "kind": "switch", "name": "kettle", "room": "kitchen"},
    }


def test_kinds_carehub_can_tell():
    assert kind_of("binary_sensor.x", "occupancy") == "motion"
    assert kind_of("binary_sensor.x", "window") == "window"
    assert kind_of("binary_sensor.x", "smoke") is None
    assert kind_of("sensor.x", "temperature") == "climate"
    assert kind_of("fan.x", None) == "switch" and kind_of("lock.x", None) == "lock"
    assert kind_of("media_player.x", None) is None  # a speaker needs its tts entity: mapped by hand


def test_the_printed_mapping_is_config_yaml_with_the_person_on_sensors():
    printed = mapping_yaml(choose(REGISTRIES, ("Hallway",), (), taken=set()), person="grandma")
    entities = yaml.safe_load("home_assistant:\n" + printed)["home_assistant"]["entities"]
    assert entities == {
        "binary_sensor.hall_pir": {"id": "hall-pir", "kind": "motion", "name": "hall pir", "room": "hallway",
                                   "person": "grandma"},
        "light.hall": {"id": "hall", "kind": "light", "name": "hall light", "room": "hallway"},
    }


def test_entities_without_an_area_or_label_or_a_url_is_a_clear_error(tmp_path):
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump(household_raw(tmp_path, free_port())), encoding="utf-8")
    nothing = CliRunner().invoke(main, ["--config", str(config_file), "homeassistant", "entities"])
    assert nothing.exit_code == 2 and "name at least one --area or --label" in nothing.output
    nowhere = CliRunner().invoke(main, ["--config", str(config_file), "homeassistant", "entities", "--area", "x"])
    assert nowhere.exit_code == 2 and "home_assistant.url is not set" in nowhere.output
