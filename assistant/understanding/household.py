"""The household as understanding sees it: devices and rooms with every name people use for them, per language.
Plain data, made once from config.yaml, so the rest of understanding is pure functions over it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Device:
    """A device people may name."""

    id: str
    kind: str
    room: str | None = None
    subtype: str | None = None
    person: str | None = None
    """Whose it is ("my light" said by them)."""
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Names by language, the first being what carehub calls it."""

    def name(self, language: str) -> str:
        spoken = self.names.get(language) or self.names.get("en") or (self.id,)
        return spoken[0]


@dataclass(frozen=True)
class Room:
    """A room of the home."""

    id: str
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def name(self, language: str) -> str:
        spoken = self.names.get(language) or self.names.get("en") or (self.id.replace("_", " "),)
        return spoken[0]


@dataclass(frozen=True)
class Home:
    """The devices and rooms of one home."""

    devices: tuple[Device, ...] = ()
    rooms: tuple[Room, ...] = ()

    def device(self, device_id: str) -> Device | None:
        return next((d for d in self.devices if d.id == device_id), None)

    def room(self, room_id: str) -> Room | None:
        return next((r for r in self.rooms if r.id == room_id), None)

    def in_room(self, room_id: str, kind: str | None = None) -> list[Device]:
        return [d for d in self.devices if d.room == room_id and (kind is None or d.kind == kind)]


def with_room_words(home: Home, language: str, words: dict[str, tuple[str, ...]]) -> Home:
    """``home`` with the usual other words for its rooms in ``language`` ("lounge" for a room called "living
    room"), where no device or other room already goes by them."""
    taken = {n.lower() for d in home.devices for n in d.names.get(language, ())}
    taken |= {n.lower() for r in home.rooms for n in r.names.get(language, ())}
    rooms = []
    for room in home.rooms:
        names = room.names.get(language, ())
        more = [w for n in names for w in words.get(n.lower(), ()) if w.lower() not in taken]
        taken |= {w.lower() for w in more}
        rooms.append(Room(room.id, {**room.names, language: tuple(dict.fromkeys((*names, *more)))}) if more
                     else room)
    return Home(home.devices, tuple(rooms))


def with_device_words(home: Home, language: str, words: dict[str, tuple[str, ...]]) -> Home:
    """``home`` with the usual other words for its devices in ``language`` (热水壶 for a device called 水壶), never
    a name another device or a room already has, nor one two devices would share."""
    taken = {n.lower() for d in home.devices for n in d.names.get(language, ())}
    taken |= {n.lower() for r in home.rooms for n in r.names.get(language, ())}
    wanted: dict[str, list[str]] = {}
    for device in home.devices:
        names = device.names.get(language, ())
        for word in dict.fromkeys(w for n in names for w in words.get(n.lower(), ()) if w.lower() not in taken):
            wanted.setdefault(word.lower(), []).append(device.id)
    devices = []
    for device in home.devices:
        names = device.names.get(language, ())
        more = [w for n in names for w in words.get(n.lower(), ()) if wanted.get(w.lower()) == [device.id]]
        devices.append(replace(device, names={**device.names, language: tuple(dict.fromkeys((*names, *more)))})
                       if more else device)
    return Home(tuple(devices), home.rooms)


def home_from_config(config: Any, languages: list[str]) -> Home:
    """The home of a ``Config``: each device by its name and aliases, each room by its id and names."""
    from assistant.intents import normalize_language

    def by_language(aliases: dict[str, list[str]], first: str | None,
                    last: str | None = None) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for language in languages:
            spoken = [name for code, names in aliases.items() if normalize_language(code) == language
                      for name in names]
            if language.startswith("zh"):
                spoken = spoken + ([first] if first else [])
            else:
                spoken = ([first] if first else []) + spoken
            spoken += [last] if last else []
            out[language] = tuple(dict.fromkeys(s for s in spoken if s))
        return out

    devices = tuple(Device(d.id, d.kind, d.room, d.subtype, d.person, by_language(d.aliases, d.display_name))
                    for d in config.devices)
    room_ids = sorted({d.room for d in config.devices if d.room} | set(config.rooms))
    # A room's id is its English name, unless it is a made-up one ("leo-room": its names say it better).
    rooms = tuple(Room(r, by_language(config.rooms.get(r, {}), r.replace("_", " ") if "-" not in r else None,
                                      r.replace("-", " ").replace("_", " ")))
                  for r in room_ids)
    return Home(devices, rooms)
