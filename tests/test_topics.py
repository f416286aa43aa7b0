"""topics: the MQTT topic contract as pure functions."""

from __future__ import annotations

import pytest

from assistant.topics import DEVICE_CHANNELS, Route, device_topic, hub_topic, parse, subscriptions


@pytest.mark.parametrize("channel", DEVICE_CHANNELS)
def test_device_topics_round_trip(channel):
    topic = device_topic("carehub", "flat1", "grandma-watch", channel)
    assert topic == f"carehub/flat1/grandma-watch/{channel}"
    assert parse(topic, "carehub") == Route("flat1", "grandma-watch", channel)


def test_other_prefix():
    topic = device_topic("care", "flat1", "door", "state")
    assert parse(topic, "care") == Route("flat1", "door", "state")
    assert parse(topic, "carehub") is None


def test_hub_topics_are_not_device_topics():
    topic = hub_topic("carehub", "flat1", "status")
    assert topic == "carehub/flat1/hub/status"
    assert parse(topic, "carehub") is None
    assert parse("carehub/flat1/hub/state", "carehub") is None  # even on a device channel


@pytest.mark.parametrize("topic", [
    "carehub/flat1/kitchen-light/set",  # the hub's own command channel
    "carehub/flat1/watch",
    "carehub/flat1/watch/state/extra",
    "carehub",
    "",
    "other/flat1/watch/state",
    "homeassistant/sensor/watch/config",
    "zigbee2mqtt/Hallway motion",  # no zigbee2mqtt topic configured
])
def test_unrelated_topics(topic):
    assert parse(topic, "carehub") is None


def test_zigbee2mqtt_routes_by_friendly_name():
    assert parse("zigbee2mqtt/Hallway motion", "carehub", "zigbee2mqtt") == Route("", "Hallway motion", "zigbee2mqtt")
    assert parse("z2m/Lamp", "carehub", "z2m") == Route("", "Lamp", "zigbee2mqtt")


@pytest.mark.parametrize("topic", [
    "zigbee2mqtt/bridge",
    "zigbee2mqtt/bridge/state",
    "zigbee2mqtt/bridge/devices",
    "zigbee2mqtt/bridge/log",
    "zigbee2mqtt/Hallway motion/set",
    "zigbee2mqtt/Hallway motion/availability",
    "zigbee2mqtt",
])
def test_zigbee2mqtt_bridge_and_command_topics_are_ignored(topic):
    assert parse(topic, "carehub", "zigbee2mqtt") is None


def test_device_topics_still_parse_with_zigbee2mqtt_on():
    assert parse("carehub/flat1/door/event", "carehub", "zigbee2mqtt") == Route("flat1", "door", "event")


def test_subscriptions():
    assert subscriptions("carehub", ["flat1"], "zigbee2mqtt") == [
        "carehub/flat1/+/state", "carehub/flat1/+/event", "carehub/flat1/+/availability",
        "carehub/flat1/+/audio/#", "zigbee2mqtt/+"]
    assert subscriptions("carehub", ["a", "b"], None) == [
        "carehub/a/+/state", "carehub/a/+/event", "carehub/a/+/availability",
        "carehub/b/+/state", "carehub/b/+/event", "carehub/b/+/availability",
        "carehub/a/+/audio/#", "carehub/b/+/audio/#"]


def test_route_is_frozen():
    route = Route("flat1", "door", "state")
    with pytest.raises(AttributeError):
        route.device = "window"  # type: ignore[misc]
