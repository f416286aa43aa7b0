"""Understanding what speech-to-text gets slightly wrong and what people only describe: words heard by sound
or a letter off, letters said as letters, a complaint that is not a request, "stop!" to moving blinds, a level
with no other verb, and the Mandarin forms of politeness and whether-questions."""

from __future__ import annotations

import pytest

from assistant.intents import Recognized
from assistant.understanding.spelling import Spelling, sound
from tests.understandingkit import understanding


def understand(text: str, room: str | None = None):
    language = "zh-CN" if any("\u4e00" <= c <= "\u9fff" for c in text) else "en"
    return understanding().understand(text, [language], room, "grandma", None)


@pytest.mark.parametrize("a, b", [("cattle", "kettle"), ("kitchin", "kitchen"), ("phone", "fone")])
def test_words_that_sound_alike_sound_alike(a, b):
    assert sound(a) == sound(b)


@pytest.mark.parametrize("text, expected", [
    ("switch the cattle off", "switch the kettle off"),       # by sound
    ("the tempature in the bedroom", "the temperature in the bedroom"),   # two letters from a long word
    ("settle down now", "settle down now"),                  # a word of its own, one letter from "kettle"
    ("remember to eat", "remember to eat"),
])
def test_words_put_right(text, expected):
    spelling = Spelling(["kettle", "temperature", "bedroom", "curtains"], ["the", "to", "in", "now"])
    assert spelling.correct(text) == expected


@pytest.mark.parametrize("text, room, intent, slots", [
    ("please switch the cattle on", "kitchen", "HassTurnOn", {"name": "kettle-plug"}),
    ("tee vee off please", "living_room", "HassTurnOff", {"name": "tv-plug"}),
    ("it's too dim to read in here, turn the lamp up would you", "bedroom", "LightBrighten",
     {"name": "bedside-lamp"}),
    ("knock the living room light down a notch", "kitchen", "LightDim", {"name": "living-light"}),
    ("make the lamp a little softer", "bedroom", "LightDim", {"name": "bedside-lamp"}),
    ("turn the kitchen light to a quarter", "bedroom", "HassLightSet", {"name": "kitchen-light", "brightness": 25}),
    ("stop!", "bedroom", "DeviceStop", {"name": "bedroom-blinds"}),
    ("stop stop stop", "bedroom", "DeviceStop", {"name": "bedroom-blinds"}),
    ("停停，可以了", "bedroom", "DeviceStop", {"name": "bedroom-blinds"}),
    ("卧室的灯两一些", "kitchen", "LightBrighten", {"name": "bedside-lamp"}),
    ("您把厨房的灯关了吧", "bedroom", "HassTurnOff", {"name": "kitchen-light"}),
    ("电视能不能关一下", "living_room", "HassTurnOff", {"name": "tv-plug"}),
    ("大门锁好了吗", "bedroom", "HassGetState", {"name": "front-door", "state": "closed"}),
    # rooms by their other usual names, and verbs as "would you mind ...ing" says them
    ("would you mind turning the lounge light off", "kitchen", "HassTurnOff", {"name": "living-light"}),
    ("put the hall light on, I'm off to the loo", "bedroom", "HassTurnOn", {"name": "hallway-light"}),
    ("把起居室的灯打开", "bedroom", "HassTurnOn", {"name": "living-light"}),
    ("过道的灯关一下", "kitchen", "HassTurnOff", {"name": "hallway-light"}),
])
def test_understood(text, room, intent, slots):
    found = understand(text, room)
    assert isinstance(found, Recognized), found
    assert (found.intent, found.slots) == (intent, slots)


@pytest.mark.parametrize("text, room", [
    ("it's ever so dim in here", "bedroom"),      # a complaint: nothing is dimmed
    ("the hallway is dim at night", "kitchen"),
    ("stop", "kitchen"),                           # no blinds in the kitchen: not a device command
    ("put the lamp", "bedroom"),                   # a level is missing: nothing is set
])
def test_not_a_device_command(text, room):
    found = understand(text, room)
    assert not isinstance(found, Recognized) or found.intent not in (
        "LightDim", "DeviceStop", "HassLightSet", "HassTurnOn", "HassTurnOff"), found
