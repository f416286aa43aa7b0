"""Which device a command means, never by a guess: a name, kind and room, the speaker's room, "my", "it"."""

from __future__ import annotations

import pytest

from assistant.understanding.resolve import Act, Ask, Refuse, action_for, resolve, slots_for
from tests.understandingkit import home, understanding


def decide(text: str, room: str | None = None, person: str | None = "grandma", language: str = "en"):
    vocabulary = understanding()._vocabularies[language]
    found = vocabulary.frame(text)
    assert found is not None and found.action is not None, text
    return resolve(found, home(), room=room, person=person)


@pytest.mark.parametrize("text, room, person, devices", [
    ("turn on the kitchen light", None, "grandma", ("kitchen-light",)),
    ("turn on the light", "bedroom", "grandma", ("bedside-lamp",)),       # the speaker's room
    ("turn on the lamp", "kitchen", "grandma", ("bedside-lamp",)),        # the only lamp
    ("turn on the fan", None, "grandma", ("living-fan",)),                # the only fan
    ("open the curtains", "bedroom", "grandma", ("bedroom-blinds",)),     # "curtains" in the bedroom are its blinds
    ("open the curtains in the living room", "kitchen", "grandma", ("living-curtains",)),
    ("close grandma's blinds", "leo-room", "leo", ("bedroom-blinds",)),
    ("turn on my light", "kitchen", "leo", ("leo-light",)),               # "my": Leo's own
    ("lights on", "leo-room", "leo", ("leo-light",)),
    ("turn off all the lights", "kitchen", "grandma",
     ("kitchen-light", "living-light", "bedside-lamp", "hallway-light", "leo-light")),
    ("darker", "kitchen", "grandma", ("kitchen-light",)),                 # nothing named: the lights here
])
def test_acts_on_what_is_meant(text, room, person, devices):
    decision = decide(text, room, person)
    assert isinstance(decision, Act) and decision.devices == devices


@pytest.mark.parametrize("text, room, candidates", [
    ("turn on the light", None, ("kitchen-light", "living-light", "bedside-lamp", "hallway-light", "leo-light")),
    ("close the curtains", "kitchen", ("bedroom-blinds", "living-curtains")),
    ("darker", None, ("kitchen-light", "living-light", "bedside-lamp", "hallway-light", "leo-light")),
])
def test_asks_when_more_than_one_fits(text, room, candidates):
    decision = decide(text, room)
    assert isinstance(decision, Ask) and decision.candidates == candidates


def test_refuses_what_is_not_there_or_cannot_be_done():
    none_there = decide("bathroom light on")
    assert isinstance(none_there, Refuse) and none_there.reason == "none_in_room" and none_there.rooms == ("bathroom",)
    cannot = decide("open the front door")
    assert isinstance(cannot, Refuse) and cannot.reason == "cannot" and cannot.devices == ("front-door",)


def test_it_is_what_another_clause_named():
    vocabulary = understanding()._vocabularies["en"]
    decision = resolve(vocabulary.frame("switch it off"), home(), room="bedroom",
                       context=vocabulary.mentions("i've left the kettle going again"))
    assert isinstance(decision, Act) and decision.devices == ("kettle-plug",)
    assert resolve(vocabulary.frame("switch it off"), home(), room="bedroom") is None  # "it" with nothing named


@pytest.mark.parametrize("action, kind, done", [
    ("open", "light", "on"), ("lower", "light", "dim"), ("lower", "cover", "close"), ("raise", "cover", "open"),
    ("on", "cover", "open"), ("stop", "fan", "off"), ("dim", "light", "dim"),
])
def test_an_action_as_done_to_a_kind(action, kind, done):
    assert action_for(action, kind) == done


@pytest.mark.parametrize("act, intent, slots", [
    (Act("on", ("kettle-plug",)), "HassTurnOn", {"name": "kettle-plug"}),
    (Act("close", ("bedroom-blinds",)), "HassTurnOff", {"name": "bedroom-blinds"}),
    (Act("set", ("kitchen-light",), level=30), "HassLightSet", {"name": "kitchen-light", "brightness": 30}),
    (Act("set", ("bedroom-blinds",), level=40), "HassSetPosition", {"name": "bedroom-blinds", "position": 40}),
    (Act("raise", ("kitchen-light",)), "LightBrighten", {"name": "kitchen-light"}),
    (Act("stop", ("living-curtains",)), "DeviceStop", {"name": "living-curtains"}),
    (Act("check", ("front-door",), state="closed"), "HassGetState", {"name": "front-door", "state": "closed"}),
    (Act("off", ("kitchen-light", "kettle-plug")), "HassTurnOff",
     {"name": "kitchen-light", "devices": "kitchen-light,kettle-plug"}),
])
def test_slots_for_the_skills(act, intent, slots):
    assert slots_for(act, home(), "en")[:2] == (intent, slots)
    assert slots_for(Act("on", ("kettle-plug",)), home(), "zh-CN")[2] == {"name": "电水壶"}
