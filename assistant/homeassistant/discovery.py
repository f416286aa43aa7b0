"""What Home Assistant is told about one home, as pure functions over the config: its entities, their MQTT
discovery payloads, and each entity's state from the hub's state of a device or a person.

One Home Assistant device per carehub device and per person, both via a device for the hub. Every entity
has a unique id built from the home, the device or person and what it shows, so it is the same on every run.
Every state the hub publishes for Home Assistant is retained, so a Home Assistant that restarts shows the
latest value at once; the configs are retained as Home Assistant's discovery expects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assistant import __version__, topics
from assistant.alerts.model import Alert, AlertStatus
from assistant.config import Config, DeviceConfig, PersonConfig

HELP_KINDS = frozenset({"sos", "fall", "help_asked"})
"""Alert kinds that mean someone needs help now: "help needed" is on while one of these is not resolved."""
PRIORITIES = ("none", "low", "medium", "high")
STATUSES = ("ok", "not_seen", "alert", "help_needed")
CONTROLLABLE = frozenset({"light", "switch", "lock"})
"""Device kinds Home Assistant may command (through the hub, which logs each command with its cause)."""
BATTERY_KINDS = frozenset({"wearable", "motion", "contact", "occupancy", "button", "pillbox", "lock"})
CONTACT_CLASSES = {"door": "door", "window": "window", "garage": "garage_door"}
"""Home Assistant device classes of contact subtypes; any other contact is an ``opening``."""

PRESS = "PRESS"
"""What Home Assistant publishes when a carehub button is pressed."""
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
"""A day summary's subject: it becomes part of topics and entity ids."""

State = dict[str, Any]
Render = Callable[[State], "str | None"]


def _on_off(key: str) -> Render:
    return lambda state: None if state.get(key) is None else ("ON" if state[key] else "OFF")


def _number(key: str) -> Render:
    return lambda state: None if state.get(key) is None else _plain(state[key])


def _plain(value: Any) -> str:
    """A reading as Home Assistant shows it: ``72``, not ``72.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _lock(state: State) -> str | None:
    """``LOCKED`` / ``UNLOCKED``, or ``JAMMED`` while the bolt is stuck (Home Assistant's MQTT lock's defaults)."""
    if state.get("jammed"):
        return "JAMMED"
    return None if state.get("locked") is None else ("LOCKED" if state["locked"] else "UNLOCKED")


def _light(state: State) -> str | None:
    if state.get("on") is None:
        return None
    shown: dict[str, Any] = {"state": "ON" if state["on"] else "OFF"}
    if state.get("brightness") is not None:
        shown["brightness"] = state["brightness"]
    return json.dumps(shown)


@dataclass(frozen=True)
class Entity:
    """One Home Assistant entity carehub publishes."""

    component: str
    """Home Assistant's platform: ``binary_sensor``, ``sensor``, ``light``, ``switch``."""
    owner: str
    """``device`` or ``person``: whose Home Assistant device it belongs to."""
    owner_id: str
    key: str
    """What it shows (``motion``, ``help_needed``); unique per owner."""
    name: str | None
    """Its name within its device; None for a device's main entity (it takes the device's name)."""
    render: Render = field(compare=False)
    """Its state (the payload published) from the owner's state; None while unknown."""
    options: dict[str, Any] = field(default_factory=dict, compare=False)
    """Further discovery fields: ``device_class``, ``unit_of_measurement``, ``state_class``..."""
    availability_of: str | None = None
    """The carehub device whose availability it follows besides the hub's (None: the hub's alone)."""
    command: bool = False
    """Home Assistant may command it (``<state topic>/set``)."""
    attributes: bool = False
    """Its attributes are published as JSON beside its state (``<state topic>/attributes``)."""


def _unknown(state: State) -> str | None:
    return None


def device_entities(device: DeviceConfig, *, for_person: bool = False) -> list[Entity]:
    """The entities of one carehub device: its state, battery and connection. A wearable ``for_person`` (the
    first one of its person) shows whether it is worn and the vital signs on the person's device."""
    d, kind = device.id, device.kind
    entities: list[Entity] = [
        Entity("binary_sensor", "device", d, "online", "Connected", _on_off("online"),
               {"device_class": "connectivity", "entity_category": "diagnostic"})]
    if kind == "motion":
        entities.append(Entity("binary_sensor", "device", d, "motion", None, _on_off("motion"),
                               {"device_class": "motion"}, d))
    elif kind == "contact":
        entities.append(Entity("binary_sensor", "device", d, "open", None, _on_off("open"),
                               {"device_class": CONTACT_CLASSES.get(device.subtype or "", "opening")}, d))
    elif kind == "occupancy":
        entities.append(Entity("binary_sensor", "device", d, "occupied", None, _on_off("occupied"),
                               {"device_class": "occupancy"}, d))
    elif kind == "light":
        entities.append(Entity("light", "device", d, "light", None, _light,
                               {"schema": "json", "supported_color_modes": ["brightness"]}, d, command=True))
    elif kind == "switch":
        entities.append(Entity("switch", "device", d, "switch", None, _on_off("on"), {"device_class": "outlet"},
                               d, command=True))
        entities.append(Entity("sensor", "device", d, "power", "Power", _number("power"),
                               {"device_class": "power", "unit_of_measurement": "W", "state_class": "measurement"}, d))
    elif kind == "lock":
        entities.append(Entity("lock", "device", d, "lock", None, _lock, {}, d, command=True))
    elif kind == "climate":
        entities.append(Entity("sensor", "device", d, "temperature", "Temperature", _number("temperature"),
                               {"device_class": "temperature", "unit_of_measurement": "°C",
                                "state_class": "measurement"}, d))
        entities.append(Entity("sensor", "device", d, "humidity", "Humidity", _number("humidity"),
                               {"device_class": "humidity", "unit_of_measurement": "%", "state_class": "measurement"},
                               d))
    elif kind == "wearable":
        owner, owner_id = ("person", device.person) if for_person and device.person else ("device", d)
        entities.append(Entity("binary_sensor", owner, owner_id, "worn", f"Wearing {device.display_name}",
                               _on_off("worn"), {"icon": "mdi:watch"}, d))
        entities += vital_entities(owner, owner_id, d)
    if kind in BATTERY_KINDS:
        entities.append(Entity("sensor", "device", d, "battery", "Battery", _number("battery"),
                               {"device_class": "battery", "unit_of_measurement": "%", "state_class": "measurement",
                                "entity_category": "diagnostic"}, d))
    return entities


def vital_entities(owner: str, owner_id: str, wearable: str) -> list[Entity]:
    """The latest vital signs from ``wearable``, shown on its person's device (or its own, worn by no one)."""
    measurement = {"state_class": "measurement"}
    return [
        Entity("sensor", owner, owner_id, "heart_rate", "Heart rate", _number("heart_rate"),
               {**measurement, "unit_of_measurement": "bpm", "icon": "mdi:heart-pulse"}, wearable),
        Entity("sensor", owner, owner_id, "spo2", "Blood oxygen", _number("spo2"),
               {**measurement, "unit_of_measurement": "%", "icon": "mdi:lungs"}, wearable),
        Entity("sensor", owner, owner_id, "skin_temp", "Skin temperature", _number("skin_temp"),
               {**measurement, "device_class": "temperature", "unit_of_measurement": "°C"}, wearable),
        Entity("sensor", owner, owner_id, "systolic", "Blood pressure systolic", _number("systolic"),
               {**measurement, "unit_of_measurement": "mmHg", "icon": "mdi:heart"}, wearable),
        Entity("sensor", owner, owner_id, "diastolic", "Blood pressure diastolic", _number("diastolic"),
               {**measurement, "unit_of_measurement": "mmHg", "icon": "mdi:heart"}, wearable),
    ]


def person_entities(person: PersonConfig) -> list[Entity]:
    """What a family wants to see of a person at a glance: help needed, their status, the room they were last in."""
    p = person.id
    return [
        Entity("binary_sensor", "person", p, "help_needed", "Help needed", _on_off("help_needed"),
               {"device_class": "safety", "icon": "mdi:alarm-light"}),
        Entity("sensor", "person", p, "status", "Status", lambda s: s.get("status"),
               {"device_class": "enum", "options": list(STATUSES)}),
        Entity("sensor", "person", p, "alert_priority", "Highest open alert", lambda s: s.get("alert_priority"),
               {"device_class": "enum", "options": list(PRIORITIES)}),
        Entity("sensor", "person", p, "room", "Last room", lambda s: s.get("room"), {"icon": "mdi:map-marker"}),
        Entity("sensor", "person", p, "last_noticed", "Last noticed", lambda s: s.get("noticed"),
               {"device_class": "timestamp"}),
    ]


def acknowledge_buttons(config: Config) -> list[Entity]:
    """An "I'm on it" button on each person for each caregiver mapped to a Home Assistant user who looks after
    them: pressing it acknowledges the person's newest open alert as that caregiver. An MQTT button does not
    say who pressed it, so each button names whose acknowledgement it records."""
    users_of: dict[str, list[str]] = {}
    for user, mapped in config.home_assistant.users.items():
        users_of.setdefault(mapped, []).append(user)
    buttons = []
    for caregiver_id, users in users_of.items():
        caregiver = config.caregiver(caregiver_id)
        for person in config.people:
            if caregiver is not None and person.id in caregiver.people:
                buttons.append(Entity("button", "person", person.id, f"acknowledge_{caregiver_id}",
                                      f"{' / '.join(users)}: I'm on it", _unknown, {"icon": "mdi:hand-back-right"},
                                      command=True))
    return buttons


def summary_entity(person: str, subject: str, title: str) -> Entity:
    """A skill's summary of the person's day (``DaySummaryUpdated``): its text as the state, its details as
    attributes."""
    return Entity("sensor", "person", person, subject, title, _unknown, {"icon": "mdi:clipboard-check-outline"},
                  attributes=True)


def person_state(person: str, alerts: list[Alert], room: str | None, noticed: datetime | None = None, *,
                 now: datetime | None = None, not_seen_after: float | None = None) -> State:
    """A person's state as the person entities show it, from the alerts not yet resolved (open or taken on), the
    room they were last noticed in and when. ``not_seen`` when nothing is open but they were last noticed more
    than ``not_seen_after`` seconds before ``now`` ("not seen since" on a dashboard)."""
    theirs = [a for a in alerts if a.person == person and a.status is not AlertStatus.RESOLVED]
    help_needed = any(a.kind in HELP_KINDS for a in theirs)
    open_priorities = {a.priority.value for a in theirs if a.status is AlertStatus.OPEN}
    highest = next((p for p in reversed(PRIORITIES) if p in open_priorities), "none")
    unseen = (noticed is not None and now is not None and not_seen_after is not None
              and (now - noticed).total_seconds() > not_seen_after)
    status = "help_needed" if help_needed else "alert" if open_priorities else "not_seen" if unseen else "ok"
    return {"help_needed": help_needed, "status": status, "alert_priority": highest, "room": room,
            "noticed": noticed.isoformat() if noticed is not None else None}


class Discovery:
    """The entities of one home and their topics."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.prefix = config.mqtt.topic_prefix
        self.home = config.home.id
        self.discovery_prefix = config.home_assistant.discovery_prefix
        self.node = f"carehub-{self.home}"
        """Discovery's node id: every config the hub publishes is under ``<discovery prefix>/+/<node>/``."""
        first_wearables: dict[str, str] = {}
        for device in config.devices:
            if device.kind == "wearable" and device.person:
                first_wearables.setdefault(device.person, device.id)
        shown_on_person = set(first_wearables.values())
        followed = {e.id for e in config.home_assistant.entities.values()}  # Home Assistant's own: not shown back
        self.entities: list[Entity] = [e for d in config.devices if d.id not in followed
                                       for e in device_entities(d, for_person=d.id in shown_on_person)]
        self.entities += [e for p in config.people for e in person_entities(p)]
        self.entities += acknowledge_buttons(config)

    def add_summary(self, person: str, subject: str, title: str) -> Entity | None:
        """The sensor of a skill's day summary for ``person`` (added once); None for someone not configured, or
        a subject that would take another entity's place."""
        taken = next((e for e in self.entities if e.owner == "person" and e.owner_id == person
                      and e.key == subject), None)
        if taken is not None:
            return taken if taken.attributes else None
        if self.config.person(person) is None or not _ID.match(subject):
            return None
        entity = summary_entity(person, subject, title)
        self.entities.append(entity)
        return entity

    # -- topics ----------------------------------------------------------------------------------------------

    def state_topic(self, entity: Entity) -> str:
        if entity.key == "online":  # the device's availability is its connection's state
            return self.availability_topic(entity.owner_id)
        return topics.home_assistant_topic(self.prefix, self.home, entity.owner, entity.owner_id, entity.key)

    def attributes_topic(self, entity: Entity) -> str:
        return self.state_topic(entity) + "/attributes"

    def command_topic(self, entity: Entity) -> str:
        return self.state_topic(entity) + "/set"

    def availability_topic(self, device: str) -> str:
        return topics.home_assistant_topic(self.prefix, self.home, "device", device, "availability")

    @property
    def hub_status_topic(self) -> str:
        return topics.hub_topic(self.prefix, self.home, "status")

    def config_topic(self, entity: Entity) -> str:
        return f"{self.discovery_prefix}/{entity.component}/{self.node}/{self.object_id(entity)}/config"

    @property
    def command_filter(self) -> str:
        return topics.home_assistant_topic(self.prefix, self.home, "+", "+", "+", "set")

    def entity_for_command(self, topic: str) -> Entity | None:
        return next((e for e in self.entities if e.command and self.command_topic(e) == topic), None)

    # -- discovery payloads ------------------------------------------------------------------------------------

    def object_id(self, entity: Entity) -> str:
        """The entity id Home Assistant makes: a device's main entity is named after it (``light.kitchen_light``).

        Sent as ``object_id``, which Home Assistant 2025.4 reads; later releases call it ``default_entity_id``.
        """
        base = entity.owner_id if entity.name is None else f"{entity.owner_id}_{entity.key}"
        return base.replace("-", "_")

    def unique_id(self, entity: Entity) -> str:
        return f"carehub_{self.home}_{entity.owner}_{entity.owner_id}_{entity.key}"

    def ha_device(self, owner: str, owner_id: str) -> dict[str, Any]:
        hub = f"carehub_{self.home}_hub"
        if owner == "person":
            person = self.config.person(owner_id)
            return {"identifiers": [f"carehub_{self.home}_person_{owner_id}"],
                    "name": person.name if person else owner_id, "manufacturer": "carehub", "model": "person",
                    "via_device": hub}
        device = self.config.device(owner_id)
        found: dict[str, Any] = {"identifiers": [f"carehub_{self.home}_device_{owner_id}"],
                                 "name": device.display_name.capitalize() if device else owner_id,
                                 "manufacturer": "carehub", "model": device.kind if device else "device",
                                 "via_device": hub}
        if device and device.room:
            found["suggested_area"] = device.room.replace("_", " ").capitalize()
        return found

    def config_payload(self, entity: Entity) -> dict[str, Any]:
        """The discovery config of ``entity`` (Home Assistant's MQTT discovery)."""
        availability = [{"topic": self.hub_status_topic}]
        if entity.availability_of is not None:
            availability.append({"topic": self.availability_topic(entity.availability_of)})
        payload: dict[str, Any] = {
            "name": entity.name, "object_id": self.object_id(entity), "unique_id": self.unique_id(entity),
            "state_topic": self.state_topic(entity), "availability": availability, "availability_mode": "all",
            "qos": 1, "device": self.ha_device(entity.owner, entity.owner_id),
            "origin": {"name": "carehub", "sw_version": __version__}, **entity.options,
        }
        if entity.key == "online":
            payload |= {"payload_on": "online", "payload_off": "offline"}
        if entity.command:
            payload["command_topic"] = self.command_topic(entity)
        if entity.attributes:
            payload["json_attributes_topic"] = self.attributes_topic(entity)
        if entity.component == "button":  # a button has no state: only its presses
            del payload["state_topic"]
            payload["payload_press"] = PRESS
        return payload

    def configs(self) -> dict[str, bytes]:
        """Every discovery config by topic, the hub's own device first (the others are ``via`` it)."""
        hub = {"name": "Hub", "object_id": f"carehub_{self.home}_hub", "unique_id": f"carehub_{self.home}_hub_online",
               "state_topic": self.hub_status_topic, "payload_on": "online", "payload_off": "offline",
               "device_class": "connectivity", "qos": 1, "origin": {"name": "carehub", "sw_version": __version__},
               "device": {"identifiers": [f"carehub_{self.home}_hub"], "name": f"carehub {self.config.home.name}",
                          "manufacturer": "carehub", "model": "hub", "sw_version": __version__}}
        found = {f"{self.discovery_prefix}/binary_sensor/{self.node}/hub/config": _json(hub)}
        found |= {self.config_topic(e): _json(self.config_payload(e)) for e in self.entities}
        return found

    # -- states ----------------------------------------------------------------------------------------------

    def states(self, owner: str, owner_id: str, state: State) -> Iterator[tuple[str, bytes]]:
        """``(topic, payload)`` of every known state of the entities of ``owner_id`` (the ``online`` one aside:
        availability is published on its own)."""
        for entity in self.entities:
            if entity.owner == owner and entity.owner_id == owner_id and entity.key != "online":
                shown = entity.render(state)
                if shown is not None:
                    yield self.state_topic(entity), shown.encode()

    def vitals_states(self, wearable: DeviceConfig, state: State) -> Iterator[tuple[str, bytes]]:
        """Whether ``wearable`` is worn and the vital signs it measures, whoever's device they are on."""
        for entity in self.entities:
            if entity.availability_of == wearable.id and entity.key in WEARABLE_KEYS:
                shown = entity.render(state)
                if shown is not None:
                    yield self.state_topic(entity), shown.encode()


    def summary_states(self, entity: Entity, summary: str, details: dict[str, Any]) -> list[tuple[str, bytes]]:
        """A day summary's state (cut to Home Assistant's 255 characters) and its attributes."""
        return [(self.state_topic(entity), summary[:255].encode()), (self.attributes_topic(entity), _json(details))]


WEARABLE_KEYS = frozenset({"worn", "heart_rate", "spo2", "skin_temp", "systolic", "diastolic"})
"""What a wearable shows on its person's device."""


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def command_for(entity: Entity, payload: bytes) -> tuple[str, dict[str, Any]]:
    """The carehub command (class name and arguments) a Home Assistant command payload asks for: a light's, a
    switch's or a lock's; a button's press is ``("Acknowledge", {"caregiver": ...})``.

    A light speaks Home Assistant's JSON schema (``{"state": "ON", "brightness": 128}``); a switch ``ON``/``OFF``;
    a lock ``LOCK``/``UNLOCK``.
    Raises ValueError naming what is wrong.
    """
    text = payload.decode("utf-8", errors="replace").strip()
    if entity.component == "button":
        if text != PRESS:
            raise ValueError(f"a button is pressed with {PRESS}, not {text[:60]!r}")
        return "Acknowledge", {"caregiver": entity.key.removeprefix("acknowledge_")}
    if entity.component == "light":
        try:
            asked = json.loads(text)
        except json.JSONDecodeError:
            raise ValueError(f"not JSON: {text[:60]!r}") from None
        if not isinstance(asked, dict) or asked.get("state") not in ("ON", "OFF"):
            raise ValueError(f"a light command needs \"state\": \"ON\" or \"OFF\", not {text[:60]!r}")
        if asked["state"] == "OFF":
            return "TurnOff", {}
        brightness = asked.get("brightness")
        if brightness is not None and (not isinstance(brightness, int) or not 0 <= brightness <= 255):
            raise ValueError(f"brightness must be a whole number 0-255, not {brightness!r}")
        return "TurnOn", {} if brightness is None else {"brightness": brightness}
    if entity.component == "lock":
        if text not in ("LOCK", "UNLOCK"):
            raise ValueError(f"a lock command is LOCK or UNLOCK, not {text[:60]!r}")
        return ("Lock" if text == "LOCK" else "Unlock"), {}
    if text not in ("ON", "OFF"):
        raise ValueError(f"a switch command is ON or OFF, not {text[:60]!r}")
    return ("TurnOn" if text == "ON" else "TurnOff"), {}
