"""The MQTT topic contract as pure functions: build a topic, or say where an incoming one points."""

from __future__ import annotations

from dataclasses import dataclass

DEVICE_CHANNELS = ("state", "event", "availability")
"""Channels a device publishes on; ``set`` is the hub's."""


@dataclass(frozen=True)
class Route:
    """Where an incoming message comes from."""

    home: str
    device: str
    channel: str
    """``state``, ``event``, ``availability``, or ``zigbee2mqtt``."""


def device_topic(prefix: str, home: str, device: str, channel: str) -> str:
    return f"{prefix}/{home}/{device}/{channel}"


def hub_topic(prefix: str, home: str, leaf: str) -> str:
    return f"{prefix}/{home}/hub/{leaf}"


def home_assistant_topic(prefix: str, home: str, *levels: str) -> str:
    """Where the hub publishes what Home Assistant shows, and reads its commands: ``<prefix>/<home>/hub/ha/...``."""
    return "/".join([prefix, home, "hub", "ha", *levels])


def subscriptions(prefix: str, homes: list[str], zigbee2mqtt_topic: str | None) -> list[str]:
    """Topic filters the hub subscribes to."""
    filters = [f"{prefix}/{home}/+/{channel}" for home in homes for channel in DEVICE_CHANNELS]
    filters += [f"{prefix}/{home}/+/audio/#" for home in homes]  # satellites' microphones (docs/voice.md)
    if zigbee2mqtt_topic:
        filters.append(f"{zigbee2mqtt_topic}/+")
    return filters


def parse(topic: str, prefix: str, zigbee2mqtt_topic: str | None = None) -> Route | None:
    """The route of an incoming topic, or None when it is not a device topic of the contract.

    A Zigbee2MQTT topic yields ``Route(home="", device=<friendly name>, channel="zigbee2mqtt")``;
    the registry maps the friendly name to a configured device.
    """
    parts = topic.split("/")
    if len(parts) == 4 and parts[0] == prefix and parts[3] in DEVICE_CHANNELS and parts[2] != "hub":
        return Route(parts[1], parts[2], parts[3])
    if zigbee2mqtt_topic and len(parts) == 2 and parts[0] == zigbee2mqtt_topic and parts[1] != "bridge":
        return Route("", parts[1], "zigbee2mqtt")
    return None
