"""The problems config.yaml can have beyond a single field's type: pydantic's errors as one line per field path,
references between sections (a device's person, a caregiver's people) and HTTP tokens (long, unique)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

def format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def pydantic_problems(error: ValidationError) -> list[str]:
    problems = []
    for e in error.errors():
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown field"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        problems.append(f"{format_loc(e['loc'])}: {msg}")
    return problems


def cross_reference_problems(raw: dict[str, Any]) -> list[str]:
    """Checks across sections: duplicate ids, and devices naming people that do not exist."""
    problems: list[str] = []
    people = raw.get("people") or []
    devices = raw.get("devices") or []
    person_ids: set[str] = set()
    if isinstance(people, list):
        for i, p in enumerate(people):
            if isinstance(p, dict) and isinstance(p.get("id"), str):
                if p["id"] in person_ids:
                    problems.append(f"people[{i}].id: duplicate id '{p['id']}'")
                person_ids.add(p["id"])
    caregivers = raw.get("caregivers") or []
    seen_caregivers: set[str] = set()
    if isinstance(caregivers, list):
        for i, c in enumerate(caregivers):
            if not isinstance(c, dict):
                continue
            if isinstance(c.get("id"), str):
                if c["id"] in seen_caregivers:
                    problems.append(f"caregivers[{i}].id: duplicate id '{c['id']}'")
                seen_caregivers.add(c["id"])
            for j, person in enumerate(c.get("people") or []):
                if isinstance(person, str) and person not in person_ids:
                    problems.append(f"caregivers[{i}].people[{j}]: no person with id '{person}'")
    home_assistant = raw.get("home_assistant")
    users = home_assistant.get("users") if isinstance(home_assistant, dict) else None
    for user, caregiver in (users.items() if isinstance(users, dict) else []):
        if isinstance(caregiver, str) and caregiver not in seen_caregivers:
            problems.append(f"home_assistant.users.{user}: no caregiver with id '{caregiver}'")
    if isinstance(devices, list):
        seen: set[str] = set()
        z2m: set[str] = set()
        for i, d in enumerate(devices):
            if not isinstance(d, dict):
                continue
            if isinstance(d.get("id"), str):
                if d["id"] in seen:
                    problems.append(f"devices[{i}].id: duplicate id '{d['id']}'")
                if d["id"] == "hub":
                    problems.append(f"devices[{i}].id: 'hub' is reserved for the hub's own topics")
                if d["id"] == "zigbee2mqtt":
                    problems.append(f"devices[{i}].id: 'zigbee2mqtt' is reserved for the Zigbee2MQTT bridge's login")
                if d["id"] == "homeassistant":
                    problems.append(f"devices[{i}].id: 'homeassistant' is reserved for Home Assistant's login")
                seen.add(d["id"])
            person = d.get("person")
            if isinstance(person, str) and person not in person_ids:
                problems.append(f"devices[{i}].person: no person with id '{person}'")
            name = d.get("zigbee2mqtt")
            if isinstance(name, str):
                if name in z2m:
                    problems.append(f"devices[{i}].zigbee2mqtt: '{name}' is used by another device")
                z2m.add(name)
    return problems


def token_problems(raw: dict[str, Any]) -> list[str]:
    """A configured token (or its hash) held by two principals: whose is it? Refused."""
    from assistant.credentials import token_hash

    problems: list[str] = []
    holders: dict[str, str] = {}
    http = raw.get("http")
    places = [("people", raw.get("people")), ("caregivers", raw.get("caregivers")),
              ("http.admins", http.get("admins") if isinstance(http, dict) else None)]
    for section, entries in places:
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            token = entry.get("token") if isinstance(entry, dict) else None
            if not isinstance(token, str) or not token:
                continue
            path = f"{section}[{i}].token"
            first = holders.setdefault(token_hash(token), path)
            if first != path:
                problems.append(f"{path}: the same token as {first}: every holder needs their own")
    return problems
