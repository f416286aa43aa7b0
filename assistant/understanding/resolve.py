"""Which device a command means: by its name, by kind and room, by the room it was said in, by "my", by what
"it" was in another clause; never by a guess. More than one left is a question back; none, a plain refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.understanding.household import Device, Home
from assistant.understanding.parse import Frame, Mentions

FITS = {
    "on": ("light", "switch", "fan", "cover"), "off": ("light", "switch", "fan", "cover"),
    "open": ("cover", "light", "switch", "fan"), "close": ("cover", "light", "switch", "fan"),
    "stop": ("cover", "fan"), "dim": ("light",), "brighten": ("light",), "raise": ("light", "cover"),
    "lower": ("light", "cover"), "set": ("light", "cover"), "check": ("light", "switch", "fan", "cover", "contact"),
    "lock": ("lock",), "unlock": ("lock",),
}
"""The kinds of device each action can be done to."""

_BY_KIND = {
    ("open", "light"): "on", ("open", "switch"): "on", ("open", "fan"): "on",
    ("close", "light"): "off", ("close", "switch"): "off", ("close", "fan"): "off",
    ("on", "cover"): "open", ("off", "cover"): "close", ("stop", "fan"): "off",
    ("raise", "light"): "brighten", ("lower", "light"): "dim", ("raise", "cover"): "open", ("lower", "cover"): "close",
}
"""An action as it applies to a kind: "open" the light is switching it on, "lower" the blinds is closing them."""

LIGHT_ONLY = ("dim", "brighten", "set")
"""Actions that mean the lights when nothing is named ("darker", "50 percent")."""


@dataclass(frozen=True)
class Act:
    """Do ``action`` to ``devices``."""

    action: str
    devices: tuple[str, ...]
    level: int | None = None
    state: str | None = None


@dataclass(frozen=True)
class Ask:
    """More than one device fits: ask which."""

    action: str
    candidates: tuple[str, ...]
    level: int | None = None
    state: str | None = None
    kinds: frozenset[str] = field(default_factory=frozenset)
    """What the person called them, for the question ("which light")."""


@dataclass(frozen=True)
class Refuse:
    """Nothing here fits: ``reason`` is ``none_in_room`` (no light in the bathroom) or ``cannot`` (the front door
    cannot be opened by carehub)."""

    reason: str
    devices: tuple[str, ...] = ()
    kinds: frozenset[str] = field(default_factory=frozenset)
    rooms: tuple[str, ...] = ()
    action: str = ""


Decision = Act | Ask | Refuse


def action_for(action: str, kind: str) -> str:
    """The action as done to a device of ``kind`` (``open`` a light → ``on``)."""
    return _BY_KIND.get((action, kind), action)


def resolve(frame: Frame, home: Home, *, room: str | None = None, person: str | None = None,
            context: Mentions | None = None, fragments: Mentions | None = None) -> Decision | None:
    """The devices ``frame`` means, said in ``room`` by ``person``; ``context`` is what the utterance's other
    clauses name (for "it"), ``fragments`` what its other clauses that are only names say ("the curtains,
    the bedroom ones, close them"). None when the frame names nothing and nothing can stand in for it."""
    assert frame.action is not None
    mentions = frame.mentions
    if not mentions.anything and context is not None and (context.anything or not mentions.rooms):
        mentions = Mentions(context.devices, context.kinds, mentions.rooms | context.rooms,
                            mentions.here or context.here, mentions.owner or (context.owner and context.anything),
                            mentions.pronoun, mentions.all)
    elif fragments is not None and not mentions.rooms and not mentions.here:
        mentions = Mentions(mentions.devices, mentions.kinds, fragments.rooms, fragments.here, mentions.owner,
                            mentions.pronoun, mentions.all)
    if not mentions.anything and not mentions.rooms and frame.action == "stop" and room is not None and \
            home.in_room(room, "cover"):
        # "stop!" said while the blinds in the room move: only covers move, so it means them.
        mentions = Mentions((), frozenset({"cover"}), mentions.rooms, True, mentions.owner)
    if not mentions.anything and not mentions.rooms:
        if frame.action not in LIGHT_ONLY and not (mentions.here and frame.action in ("raise", "lower")):
            return None
        mentions = Mentions((), frozenset({"light"}), mentions.rooms, mentions.here or True, mentions.owner)
    rooms = set(mentions.rooms) | ({room} if mentions.here and room else set())
    groups: list[list[Device]]
    if mentions.devices:
        groups = [[d for d in home.devices if d.id in ids] for ids in mentions.devices]
    elif mentions.kinds:
        groups = [[d for d in home.devices if d.kind in mentions.kinds]]
    else:
        groups = [[d for d in home.devices if d.room in rooms and d.kind in FITS[frame.action]]]
    if frame.action in ("lock", "unlock"):
        groups = [_door_locks(group, home) for group in groups]
    chosen: list[str] = []
    for group in groups:
        decision = _one_of(frame, group, rooms, room, person, mentions)
        if not isinstance(decision, Act):
            return decision
        chosen += [d for d in decision.devices if d not in chosen]
    return Act(frame.action, tuple(chosen), frame.level, frame.state)


def _door_locks(group: list[Device], home: Home) -> list[Device]:
    """"Lock the front door" names the door (its contact sensor): it means the lock in the door's room."""
    if any(d.kind == "lock" for d in group):
        return group
    rooms = {d.room for d in group if d.kind == "contact" and d.room}
    return [d for d in home.devices if d.kind == "lock" and d.room in rooms] or group


def _one_of(frame: Frame, group: list[Device], rooms: set[str], room: str | None, person: str | None,
            mentions: Mentions) -> Decision:
    action = frame.action or ""
    if not group:
        return Refuse("none_in_room", (), mentions.kinds, tuple(sorted(rooms)), action)
    fitting = [d for d in group if d.kind in FITS[action]]
    if not fitting:
        return Refuse("cannot", tuple(d.id for d in group), mentions.kinds, (), action)
    if mentions.owner and person:
        owned = [d for d in fitting if d.person == person]
        fitting = owned or fitting
    if rooms:
        fitting = [d for d in fitting if d.room in rooms]
        if not fitting:
            return Refuse("none_in_room", (), mentions.kinds or frozenset(d.kind for d in group),
                          tuple(sorted(rooms)), action)
    elif len(fitting) > 1 and room is not None and not mentions.all:
        fitting = [d for d in fitting if d.room == room] or fitting
    if len(fitting) == 1 or mentions.all:
        return Act(action, tuple(d.id for d in fitting), frame.level, frame.state)
    return Ask(action, tuple(d.id for d in fitting), frame.level, frame.state,
               mentions.kinds or frozenset(d.kind for d in fitting))


def slots_for(act: Act, home: Home, language: str) -> tuple[str, dict[str, Any], dict[str, str]]:
    """The intent, slots and spoken slot text a skill gets for ``act`` (intent names from ``DEVICE_INTENTS``)."""
    first = home.device(act.devices[0])
    kind = first.kind if first else ""
    action = action_for(act.action, kind)
    slots: dict[str, Any] = {"name": act.devices[0]}
    if len(act.devices) > 1:
        slots["devices"] = ",".join(act.devices)
    if action == "set":
        slots["brightness" if kind == "light" else "position"] = act.level
        action = "set_light" if kind == "light" else "set_cover"
    if action == "check" and act.state:
        slots["state"] = act.state
    names = [d.name(language) for d in (home.device(i) for i in act.devices) if d is not None]
    joined = names[0] if len(names) == 1 else (" 和 " if language.startswith("zh") else " and ").join(names)
    if first is not None and action in ("on", "off", "set_light", "dim", "brighten"):
        joined = _room_lights(first, home, language) or joined
    return DEVICE_INTENTS[action], slots, {"name": joined}


def _room_lights(device: Device, home: Home, language: str) -> str | None:
    """A room's one light, called after its room ("the kitchen light"), is spoken of as the room's lights, as
    Home Assistant does ("Turned on the kitchen lights.", 已打开厨房的灯); a light with a name of its own keeps it."""
    room = home.room(device.room or "")
    if room is None or device.kind != "light" or len(home.in_room(room.id, "light")) != 1:
        return None
    english = [n.lower() for n in room.names.get("en", ())]
    if device.name("en").lower() not in [f"{n} light" for n in english]:
        return None
    return f"{room.name(language)}的灯" if language.startswith("zh") else f"{room.name(language)} lights"


DEVICE_INTENTS = {
    "on": "HassTurnOn", "off": "HassTurnOff", "open": "HassTurnOn", "close": "HassTurnOff", "stop": "DeviceStop",
    "dim": "LightDim", "brighten": "LightBrighten", "set_light": "HassLightSet", "set_cover": "HassSetPosition",
    "check": "HassGetState", "lock": "HassTurnOn", "unlock": "HassTurnOff",
}
"""The intent each device action is handed to skills as: Home Assistant's names where it has one (Home Assistant
locks with ``HassTurnOn`` and unlocks with ``HassTurnOff``)."""
