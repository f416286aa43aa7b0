"""The Home Assistant side of carehub's broker, with Home Assistant's own login on the real embedded broker:
discovery and states retained, commands carried out and logged with their cause, removed devices removed."""

from __future__ import annotations

import asyncio
import json

import aiomqtt
import pytest

from assistant.app import build_hub
from assistant.mqtt_trust import trust_for
from tests.conftest import free_port
from tests.hakit import CARE_TEAM, DEVICES, SAFETY, client, collect, ha_config
from tests.hubkit import HOUSEHOLD, hub_config, wait_for_rows
from tests.trustkit import secret_of, start_secured_mosquitto, stop_process

async def test_home_assistant_reads_retained_discovery_and_states_but_no_raw_readings(tmp_path):
    port = free_port()
    config = ha_config(tmp_path, port)
    async with build_hub(config, skills=[]) as hub:
        await hub.wait_connected()
        async with client(config, port, "kitchen-light") as light:
            await light.publish("carehub/flat1/kitchen-light/state", b'{"state": "on", "brightness": 200}', qos=1,
                                retain=True)
        light_state = "carehub/flat1/hub/ha/device/kitchen-light/light"
        await wait_for_rows(config.database_path, lambda rows: rows, kind="switch_state_reported")
        async with client(config, port, "homeassistant") as ha:
            await ha.subscribe("homeassistant/#", qos=1)
            await ha.subscribe("carehub/flat1/hub/ha/#", qos=1)
            seen = await collect(ha, lambda s: light_state in s
                                 and "homeassistant/light/carehub-flat1/kitchen_light/config" in s)
        assert json.loads(seen[light_state]) == {"state": "ON", "brightness": 200}
        config_payload = json.loads(seen["homeassistant/light/carehub-flat1/kitchen_light/config"])
        assert config_payload["command_topic"] == "carehub/flat1/hub/ha/device/kitchen-light/light/set"
        async with client(config, port, "homeassistant") as ha:
            try:  # the embedded broker refuses the subscription outright
                await ha.subscribe("carehub/flat1/+/state", qos=1)
                async with client(config, port, "kitchen-motion") as motion:
                    await motion.publish("carehub/flat1/kitchen-motion/state", b'{"motion": true}', qos=1)
                async with asyncio.timeout(1.0):
                    async for message in ha.messages:
                        raise AssertionError(f"Home Assistant read a raw reading on {message.topic}")
            except (aiomqtt.MqttError, TimeoutError):
                pass


async def test_a_light_switched_from_home_assistant_is_commanded_and_logged_with_its_cause(tmp_path):
    port = free_port()
    config = ha_config(tmp_path, port)
    async with build_hub(config, skills=[]) as hub:
        await hub.wait_connected()
        async with client(config, port, "kitchen-light") as light, client(config, port, "homeassistant") as ha:
            await light.subscribe("carehub/flat1/kitchen-light/set", qos=1)
            await ha.publish("carehub/flat1/hub/ha/device/kitchen-light/light/set",
                             b'{"state": "ON", "brightness": 128}', qos=1)
            async with asyncio.timeout(10):
                command = await anext(aiter(light.messages))
        assert json.loads(command.payload) == {"state": "on", "brightness": 128}
        rows = await wait_for_rows(config.database_path, lambda rows: rows, kind="command_sent")
        requested = await wait_for_rows(config.database_path, lambda rows: rows, kind="command_requested")
        assert rows[0]["device"] == "kitchen-light" and rows[0]["data"]["command"] == "TurnOn"
        assert rows[0]["cause"] == requested[0]["id"]
        assert requested[0]["data"]["source"] == "home_assistant"


async def test_a_command_home_assistant_cannot_give_is_refused_naming_what_was_wrong(tmp_path):
    port = free_port()
    config = ha_config(tmp_path, port)
    async with build_hub(config, skills=[]) as hub:
        await hub.wait_connected()
        async with client(config, port, "homeassistant") as ha:
            await ha.publish("carehub/flat1/hub/ha/device/kettle-plug/switch/set", b"toggle", qos=1)
            await ha.publish("carehub/flat1/hub/ha/device/front-door/open/set", b"ON", qos=1)
        rows = await wait_for_rows(config.database_path, lambda rows: len(rows) >= 2, kind="message_rejected")
        reasons = sorted(row["data"]["reason"] for row in rows)
        assert reasons == ["Home Assistant's command for kettle-plug: a switch command is ON or OFF, not 'toggle'",
                           "no carehub device takes Home Assistant's commands on this topic"]
        assert await wait_for_rows(config.database_path, lambda rows: True, timeout=1, kind="command_sent") == []


async def test_an_sos_turns_help_needed_on(tmp_path):
    port = free_port()
    config = ha_config(tmp_path, port)
    async with build_hub(config, skills=SAFETY) as hub:
        await hub.wait_connected()
        help_needed = "carehub/flat1/hub/ha/person/grandma/help_needed"
        async with client(config, port, "homeassistant") as ha:
            await ha.subscribe("carehub/flat1/hub/ha/person/grandma/#", qos=1)
            status = "carehub/flat1/hub/ha/person/grandma/status"
            await collect(ha, lambda s: s.get(help_needed) == b"OFF" and s.get(status) == b"ok")
            async with client(config, port, "grandma-watch") as watch:
                await watch.publish("carehub/flat1/grandma-watch/event", b'{"type": "sos"}', qos=1)
            priority = "carehub/flat1/hub/ha/person/grandma/alert_priority"
            await collect(ha, lambda s: s.get(help_needed) == b"ON" and s.get(status) == b"help_needed"
                        and s.get(priority) == b"high")


async def test_a_person_not_noticed_for_half_a_day_reads_not_seen(tmp_path):
    from assistant.clock import FakeClock

    port = free_port()
    config = ha_config(tmp_path, port)
    clock = FakeClock()
    status = "carehub/flat1/hub/ha/person/grandma/status"
    async with build_hub(config, skills=[], clock=clock) as hub:
        await hub.wait_connected()
        async with client(config, port, "homeassistant") as ha, client(config, port, "bed-pad") as bed:
            await ha.subscribe(status, qos=1)
            await bed.publish("carehub/flat1/bed-pad/state", b'{"occupied": true}', qos=1)
            await collect(ha, lambda s: s.get(status) == b"ok")
            await clock.advance(6 * 3600)
            await bed.publish("carehub/flat1/bed-pad/state", b'{"occupied": false}', qos=1)  # got up at 6 h
            await clock.advance(12 * 3600 + 120)  # then nothing noticed of her for over 12 hours
            await collect(ha, lambda s: s.get(status) == b"not_seen")


async def test_a_device_taken_out_of_the_config_is_removed_from_home_assistant(tmp_path):
    port = free_port()
    kettle = "homeassistant/switch/carehub-flat1/kettle_plug/config"
    first = ha_config(tmp_path, port)
    async with build_hub(first, skills=[]) as hub:
        await hub.wait_connected()
        async with client(first, port, "homeassistant") as ha:
            await ha.subscribe(kettle, qos=1)
            await collect(ha, lambda s: bool(s.get(kettle)))  # Home Assistant has the kettle
    config = ha_config(tmp_path, port, devices=HOUSEHOLD["devices"])
    async with build_hub(config, skills=[]) as hub:
        await hub.wait_connected()
        async with client(config, port, "homeassistant") as ha:
            await ha.subscribe("homeassistant/+/carehub-flat1/+/config", qos=1)
            await ha.publish("homeassistant/status", b"online", qos=1)  # Home Assistant's birth message
            light = "homeassistant/light/carehub-flat1/kitchen_light/config"
            seen = await collect(ha, lambda s: s.get(kettle) == b"" and light in s)
        assert json.loads(seen[light])["unique_id"] == "carehub_flat1_device_kitchen-light_light"
    # Once Home Assistant has been online to hear it, the removal is not repeated.
    remembered = json.loads((tmp_path / "home-assistant-discovery.json").read_text())
    assert remembered["to_remove"] == [] and kettle not in remembered["published"]


async def test_a_device_reads_nothing_the_hub_keeps_retained_for_home_assistant(tmp_path):
    """amqtt alone would hand every connecting client the retained messages of everyone's subscriptions."""
    port = free_port()
    config = ha_config(tmp_path, port)
    async with build_hub(config, skills=[]) as hub:
        await hub.wait_connected()
        async with client(config, port, "grandma-watch") as watch:
            await watch.publish("carehub/flat1/grandma-watch/state", b'{"heart_rate": 71}', qos=1)
        async with client(config, port, "homeassistant") as ha:  # Home Assistant subscribed: its filters exist
            await ha.subscribe("carehub/flat1/hub/ha/#", qos=1)
            await collect(ha, lambda s: s.get("carehub/flat1/hub/ha/person/grandma/heart_rate") == b"71")
            async with client(config, port, "front-door") as door:
                await door.subscribe("carehub/flat1/front-door/set", qos=1)
                try:
                    async with asyncio.timeout(1.0):
                        async for message in door.messages:
                            raise AssertionError(f"a device read {message.topic}")
                except TimeoutError:
                    pass


@pytest.mark.mosquitto
async def test_mosquitto_keeps_home_assistant_to_the_same_topics(tmp_path):
    """``carehub broker mosquitto-config``'s files give Home Assistant's login the same rights."""
    port = free_port()
    config = hub_config(tmp_path, port, devices=DEVICES, home_assistant={"enabled": True})
    proc = start_secured_mosquitto(tmp_path / "mosquitto", trust_for(config, secret_of(config)), port)
    try:
        async with client(config, port, "hub") as hub, client(config, port, "homeassistant") as ha, \
                client(config, port, "kitchen-light") as light:
            await ha.subscribe("#", qos=1)  # Mosquitto accepts it and delivers only what the ACL lets it read
            await light.subscribe("carehub/flat1/kitchen-light/set", qos=1)
            await hub.subscribe("carehub/flat1/hub/ha/+/+/+/set", qos=1)
            await light.publish("carehub/flat1/kitchen-light/state", b'{"state": "on"}', qos=1)
            await ha.publish("carehub/flat1/kitchen-light/set", b'{"state": "off"}', qos=1)  # dropped
            await ha.publish("carehub/flat1/hub/ha/device/kitchen-light/light/set", b'{"state": "OFF"}', qos=1)
            await hub.publish("carehub/flat1/hub/ha/device/kitchen-light/light", b'{"state": "ON"}', qos=1)
            seen = await collect(ha, lambda s: "carehub/flat1/hub/ha/device/kitchen-light/light" in s)
            assert all(not t.startswith("carehub/flat1/kitchen-light/") for t in seen), seen
            async with asyncio.timeout(10):
                command = await anext(aiter(hub.messages))
            assert str(command.topic) == "carehub/flat1/hub/ha/device/kitchen-light/light/set"
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(1.0):
                    await anext(aiter(light.messages))
    finally:
        stop_process(proc)


async def test_a_device_that_misses_its_heartbeats_is_unavailable_until_it_reports_again(tmp_path):
    from assistant.clock import FakeClock

    port = free_port()
    config = ha_config(tmp_path, port)
    clock = FakeClock()
    availability = "carehub/flat1/hub/ha/device/kitchen-motion/availability"
    async with build_hub(config, skills=[], clock=clock) as hub:
        await hub.wait_connected()
        async with client(config, port, "homeassistant") as ha, client(config, port, "kitchen-motion") as motion:
            await ha.subscribe(availability, qos=1)
            await motion.publish("carehub/flat1/kitchen-motion/state", b'{"motion": true}', qos=1)
            await collect(ha, lambda s: s.get(availability) == b"online")
            await clock.advance(300 * 2.5 + 60)  # its heartbeat is 300 s; silent after 2.5 of them
            await collect(ha, lambda s: s.get(availability) == b"offline")
            await motion.publish("carehub/flat1/kitchen-motion/state", b'{"motion": false}', qos=1)
            await collect(ha, lambda s: s.get(availability) == b"online")


ANNAS_BUTTON = "carehub/flat1/hub/ha/person/grandma/acknowledge_anna/set"


async def test_im_on_it_acknowledges_the_persons_newest_open_alert_as_the_caregiver(tmp_path):
    port = free_port()
    config = ha_config(tmp_path, port, **CARE_TEAM)
    async with build_hub(config, skills=[]) as hub:
        await hub.wait_connected()
        older = await hub.alerts.raise_alert(kind="missed_dose", priority="medium", message="pills", person="grandma")
        newest = await hub.alerts.raise_alert(kind="fall", priority="high", message="a fall", person="grandma")
        async with client(config, port, "homeassistant") as ha:
            await ha.publish(ANNAS_BUTTON, b"PRESS", qos=1)
        rows = await wait_for_rows(config.database_path, lambda rows: rows, kind="alert_acknowledged")
        alert = await hub.alerts.get(newest)
        history = await hub.alerts.history(newest)
        assert (await hub.alerts.get(older)).status == "open"  # only the newest
    assert rows[0]["data"]["alert_id"] == newest
    assert rows[0]["data"]["by"] == "anna" and rows[0]["data"]["via"] == "home_assistant"
    assert alert.status == "acknowledged" and (alert.acked_by, alert.acked_via) == ("anna", "home_assistant")
    acknowledged = [t for t in history if t.transition == "acknowledged"]
    assert [(t.caregiver, t.channel) for t in acknowledged] == [("anna", "home_assistant")]


async def test_im_on_it_with_nothing_open_is_logged_and_changes_nothing(tmp_path):
    port = free_port()
    config = ha_config(tmp_path, port, **CARE_TEAM)
    async with build_hub(config, skills=[]) as hub:
        await hub.wait_connected()
        taken = await hub.alerts.raise_alert(kind="fall", priority="high", message="a fall", person="grandma")
        await hub.alerts.acknowledge(taken, by="anna", via="http")
        async with client(config, port, "homeassistant") as ha:
            await ha.publish(ANNAS_BUTTON, b"PRESS", qos=1)
        pressed = await wait_for_rows(config.database_path, lambda rows: rows, kind="command_requested")
        assert pressed[0]["data"]["command"] == "Acknowledge" and pressed[0]["person"] == "grandma"
        assert pressed[0]["data"]["args"] == {"caregiver": "anna"}
        alert = await hub.alerts.get(taken)
    assert alert.acked_via == "http"  # the earlier acknowledgement stands
    acks = await wait_for_rows(config.database_path, lambda rows: True, timeout=1, kind="alert_acknowledged")
    assert len(acks) == 1


def _medication(start):
    from assistant.skill_loader import SkillClass
    from skills.medication import Medication, MedicationSettings

    settings = MedicationSettings.model_validate({"doses": [
        {"name": "heart pills", "person": "grandma", "rrule": "FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0"}]})
    return [SkillClass("medication", Medication, "test", settings)]


async def test_todays_medication_is_a_retained_sensor_updated_when_a_dose_is_taken(tmp_path):
    from datetime import UTC, datetime

    from assistant.clock import FakeClock

    port = free_port()
    config = ha_config(tmp_path, port)
    clock = FakeClock(datetime(2026, 1, 5, 8, 5, tzinfo=UTC))  # 08:05 in London: the morning dose is due
    sensor = "carehub/flat1/hub/ha/person/grandma/medication"
    discovery = "homeassistant/sensor/carehub-flat1/grandma_medication/config"
    async with build_hub(config, skills=_medication(clock.now()), clock=clock) as hub:
        await hub.wait_connected()
        async with client(config, port, "homeassistant") as ha:
            await ha.subscribe(discovery, qos=1)
            await ha.subscribe(f"{sensor}/#", qos=1)
            await ha.subscribe(sensor, qos=1)
            seen = await collect(ha, lambda s: s.get(sensor) == b"0 of 2 taken, 1 due" and f"{sensor}/attributes" in s
                                 and discovery in s)
            assert json.loads(seen[discovery])["unique_id"] == "carehub_flat1_person_grandma_medication"
            assert [d["status"] for d in json.loads(seen[f"{sensor}/attributes"])["doses"]] == ["due", "upcoming"]
            await hub.hear("I took my pills", person="grandma")
            seen = await collect(ha, lambda s: s.get(sensor) == b"1 of 2 taken")
    # Known across restarts: the next start does not take the sensor for a stale one.
    remembered = json.loads((tmp_path / "home-assistant-discovery.json").read_text())
    assert remembered["summaries"] == [["grandma", "medication", "Medication today"]]
    assert discovery in remembered["published"]


async def test_a_persons_medication_sensor_goes_when_they_leave_the_config(tmp_path):
    port = free_port()
    discovery = "homeassistant/sensor/carehub-flat1/grandma_medication/config"
    (tmp_path / "home-assistant-discovery.json").write_text(json.dumps({
        "published": [discovery], "to_remove": [], "summaries": [["grandma", "medication", "Medication today"]]}))
    config = ha_config(tmp_path, port, people=[{"id": "grandpa", "name": "Bill"}],
                       devices=[{"id": "kitchen-light", "kind": "light", "room": "kitchen"}])
    memory = tmp_path / "home-assistant-discovery.json"
    light = "homeassistant/light/carehub-flat1/kitchen_light/config"
    async with build_hub(config, skills=[]) as hub:
        await hub.wait_connected()
        async with client(config, port, "homeassistant") as ha:
            await ha.publish("homeassistant/status", b"online", qos=1)
            async with asyncio.timeout(10):  # the removal may go out before Home Assistant's login subscribes
                while json.loads(memory.read_text())["summaries"]:
                    await asyncio.sleep(0.05)
            await ha.subscribe("homeassistant/+/carehub-flat1/+/config", qos=1)
            retained = await collect(ha, lambda s: light in s)  # the broker's retained configs, all at once
    assert not retained.get(discovery)  # the sensor's config is gone from the broker
    remembered = json.loads(memory.read_text())
    assert remembered["summaries"] == [] and remembered["to_remove"] == []


async def test_home_assistant_coming_online_again_gets_discovery_published_again(tmp_path):
    """Its birth message: a broker that lost the retained configs meanwhile must not leave it with nothing."""
    port = free_port()
    config = ha_config(tmp_path, port)
    light = "homeassistant/light/carehub-flat1/kitchen_light/config"
    async with build_hub(config, skills=[]) as hub:
        await hub.wait_connected()
        async with client(config, port, "homeassistant") as ha:
            await ha.publish(light, b"", qos=1, retain=True)  # as if the broker had lost it
        async with client(config, port, "homeassistant") as ha:
            await ha.subscribe(light, qos=1)
            await ha.publish("homeassistant/status", b"offline", qos=1)  # its last will: nothing published
            await ha.publish("homeassistant/status", b"online", qos=1)
            seen = await collect(ha, lambda s: bool(s.get(light)))
    assert json.loads(seen[light])["unique_id"] == "carehub_flat1_device_kitchen-light_light"
