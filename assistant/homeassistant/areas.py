"""Home Assistant's areas and labels as carehub devices: ``carehub homeassistant entities --area Hallway --label
carehub`` reads Home Assistant's area, label, device and entity registries over its websocket API and prints the
``home_assistant.entities`` mapping for every entity in those areas or with those labels whose kind carehub can
tell from its domain and device class (docs/home-assistant.md, "Areas and labels").

The choosing is pure (``choose``) over the registries as Home Assistant lists them; ``read_registries`` fetches
them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import aiohttp

BINARY_SENSOR_KINDS = {
    "motion": "motion", "occupancy": "motion", "presence": "motion",
    "door": "door", "garage_door": "door", "window": "window", "opening": "contact",
}
"""A binary sensor's device class → carehub kind (a room's occupancy sensor tells movement, as motion does)."""
SENSOR_KINDS = {"temperature": "climate", "humidity": "climate"}


@dataclass
class Registries:
    """What Home Assistant's websocket lists: ``config/area_registry/list``, ``config/label_registry/list``,
    ``config/device_registry/list``, ``config/entity_registry/list`` and ``get_states``."""

    areas: list[dict[str, Any]] = field(default_factory=list)
    labels: list[dict[str, Any]] = field(default_factory=list)
    devices: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    states: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Chosen:
    """An entity in a chosen area or with a chosen label, and what carehub makes of it."""

    entity_id: str
    mapping: dict[str, Any] | None
    """``{id, kind, room, name}`` for config.yaml; None when carehub cannot use it (``reason`` says why)."""
    reason: str = ""


def kind_of(entity_id: str, device_class: str | None) -> str | None:
    """The carehub kind of an entity from its domain and device class; None when carehub has none for it."""
    domain = entity_id.partition(".")[0]
    if domain == "binary_sensor":
        return BINARY_SENSOR_KINDS.get(device_class or "")
    if domain == "sensor":
        return SENSOR_KINDS.get(device_class or "")
    return {"light": "light", "switch": "switch", "fan": "switch", "lock": "lock", "climate": "climate"}.get(domain)


def _matches(wanted: tuple[str, ...], ids: set[str], names: dict[str, str]) -> bool:
    folded = {w.casefold() for w in wanted}
    return any(i.casefold() in folded or names.get(i, "").casefold() in folded for i in ids)


def choose(registries: Registries, areas: tuple[str, ...], labels: tuple[str, ...],
           taken: set[str]) -> list[Chosen]:
    """Every enabled entity in one of ``areas`` or with one of ``labels`` (by name or id, any case; an entity's
    area is its own or else its device's, and its device's labels count), with a device id not in ``taken``."""
    area_names = {a["area_id"]: a.get("name") or a["area_id"] for a in registries.areas}
    label_names = {label["label_id"]: label.get("name") or label["label_id"] for label in registries.labels}
    devices = {d["id"]: d for d in registries.devices}
    states = {s["entity_id"]: s for s in registries.states}
    chosen: list[Chosen] = []
    taken = set(taken)
    for entry in sorted(registries.entities, key=lambda e: e["entity_id"]):
        if entry.get("disabled_by"):
            continue
        device = devices.get(entry.get("device_id") or "", {})
        area = entry.get("area_id") or device.get("area_id")
        tags = set(entry.get("labels") or ()) | set(device.get("labels") or ())
        if not (area and _matches(areas, {area}, area_names)) and not _matches(labels, tags, label_names):
            continue
        entity_id = entry["entity_id"]
        attributes = (states.get(entity_id) or {}).get("attributes") or {}
        device_class = entry.get("device_class") or entry.get("original_device_class") or attributes.get(
            "device_class")
        kind = kind_of(entity_id, device_class)
        if kind is None:
            shown = f" ({device_class})" if device_class else ""
            chosen.append(Chosen(entity_id, None, f"carehub has no kind for a {entity_id.split('.')[0]}{shown}"))
            continue
        name = entry.get("name") or attributes.get("friendly_name") or entry.get("original_name") or \
            entity_id.split(".")[1].replace("_", " ")
        mapping: dict[str, Any] = {"id": _device_id(entity_id, taken), "kind": kind, "name": str(name).lower()}
        if area:
            mapping["room"] = area_names.get(area, area).lower()
        taken.add(mapping["id"])
        chosen.append(Chosen(entity_id, mapping))
    return chosen


def _device_id(entity_id: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", entity_id.split(".", 1)[1].lower()).strip("-") or "entity"
    candidate, n = base, 2
    while candidate in taken or candidate in ("hub", "zigbee2mqtt", "homeassistant"):
        candidate, n = f"{base}-{n}", n + 1
    return candidate


async def read_registries(url: str, token: str, timeout: float = 20.0) -> Registries:
    """Home Assistant's registries over its websocket API (ValueError naming what went wrong)."""
    commands = {"areas": "config/area_registry/list", "labels": "config/label_registry/list",
                "devices": "config/device_registry/list", "entities": "config/entity_registry/list",
                "states": "get_states"}
    found = Registries()
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(timeout=client_timeout) as http, \
            http.ws_connect(f"{url.rstrip('/')}/api/websocket") as ws:
        await ws.receive_json()  # auth_required
        await ws.send_json({"type": "auth", "access_token": token})
        answer = await ws.receive_json()
        if answer.get("type") != "auth_ok":
            raise ValueError(f"Home Assistant refused the token ({answer.get('message') or answer.get('type')})")
        for number, (name, command) in enumerate(commands.items(), start=1):
            await ws.send_json({"id": number, "type": command})
            reply = await ws.receive_json()
            if not reply.get("success"):
                raise ValueError(f"{command}: {reply.get('error')}")
            setattr(found, name, list(reply.get("result") or []))
    return found


def mapping_yaml(chosen: list[Chosen], person: str | None = None) -> str:
    """The ``entities:`` lines for config.yaml's ``home_assistant:`` section."""
    lines = ["  entities:"]
    for entry in chosen:
        if entry.mapping is None:
            continue
        fields = dict(entry.mapping)
        if person and fields["kind"] in ("motion", "door", "window", "contact", "occupancy"):
            fields["person"] = person
        shown = ", ".join(f"{key}: {_scalar(value)}" for key, value in fields.items())
        lines.append(f"    {entry.entity_id}: {{{shown}}}")
    return "\n".join(lines) + "\n"


def _scalar(value: Any) -> str:
    text = str(value)
    return text if re.fullmatch(r"[A-Za-z][A-Za-z0-9 _.-]*", text) else json.dumps(text, ensure_ascii=False)
