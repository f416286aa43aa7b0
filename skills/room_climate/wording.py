"""What the room climate skill says: a reading, how old it is, or why there is none. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from skills.sdk import localized, short_language

STALE_AFTER = timedelta(hours=1)
"""A reading older than this is told with its age: the room may have changed since."""


@dataclass(frozen=True)
class Reading:
    """The latest value of one quantity from a room's sensors."""

    device: str
    value: float
    at: datetime | None
    """When it was measured; None when only the device's state knows it, not when."""


QUANTITIES = {
    "temperature": {"en": "temperature", "zh": "温度"},
    "humidity": {"en": "humidity", "zh": "湿度"},
}
SENSOR = {"temperature": {"en": "thermometer", "zh": "温度计"}, "humidity": {"en": "humidity sensor", "zh": "湿度计"}}

FRESH = {
    "temperature": {"en": "It's {value} degrees in the {room}.", "zh": "{room}现在{value}度。"},
    "humidity": {"en": "The humidity in the {room} is {value}%.", "zh": "{room}的湿度是{value}%。"},
}
STALE = {
    "temperature": {"en": "The last reading in the {room}, {age}, was {value} degrees; nothing newer since.",
                    "zh": "{room}最近的读数是{age}的{value}度，之后没有新的读数。"},
    "humidity": {"en": "The last humidity reading in the {room}, {age}, was {value}%; nothing newer since.",
                 "zh": "{room}最近的湿度读数是{age}的{value}%，之后没有新的读数。"},
}
NO_SENSOR = {"en": "There's no {sensor} in the {room}.", "zh": "{room}没有{sensor}。"}
NO_READING = {"en": "The {sensor} in the {room} hasn't reported a {quantity} yet.",
              "zh": "{room}的{sensor}还没有报告{quantity}。"}
WHICH_ROOM = {"en": "Which room? There's a {sensor} in the {rooms}.", "zh": "哪个房间？{rooms}有{sensor}。"}
NO_SENSORS_AT_ALL = {"en": "There's no {sensor} in this home.", "zh": "家里没有{sensor}。"}


def number(value: float, quantity: str) -> str:
    """21.5 → ``21.5``, 21.0 → ``21``; humidity in whole percent."""
    if quantity == "humidity":
        return str(round(value))
    return f"{round(value, 1) + 0.0:.1f}".removesuffix(".0")  # + 0.0: -0.0 is said as 0


def age(seconds: float, language: str) -> str:
    """``3 hours ago`` / ``3小时前``: minutes up to two hours, hours up to two days, then days."""
    minutes = int(seconds // 60)
    if minutes < 120:
        amount, unit, zh = minutes, "minute", "分钟"
    elif minutes < 48 * 60:
        amount, unit, zh = minutes // 60, "hour", "小时"
    else:
        amount, unit, zh = minutes // (24 * 60), "day", "天"
    if short_language(language) == "zh":
        return f"{amount}{zh}前"
    return f"{amount} {unit}{'s' if amount != 1 else ''} ago"


def join_rooms(rooms: list[str], language: str) -> str:
    if short_language(language) == "zh":
        return "、".join(rooms[:-1]) + ("和" if len(rooms) > 1 else "") + rooms[-1]
    rooms = [rooms[0]] + [f"the {r}" for r in rooms[1:]]
    return ", ".join(rooms[:-1]) + (" and " if len(rooms) > 1 else "") + rooms[-1]


def answer(quantity: str, room: str, reading: Reading | None, has_sensor: bool, now: datetime,
           language: str) -> str:
    """The reply to "how warm / how humid is it in ``room``" (``room`` as spoken in ``language``)."""
    sensor = localized(SENSOR[quantity], language)
    if not has_sensor:
        return localized(NO_SENSOR, language).format(sensor=sensor, room=room)
    if reading is None:
        return localized(NO_READING, language).format(sensor=sensor, room=room,
                                                      quantity=localized(QUANTITIES[quantity], language))
    value = number(reading.value, quantity)
    if reading.at is not None and now - reading.at > STALE_AFTER:
        return localized(STALE[quantity], language).format(
            room=room, value=value, age=age((now - reading.at).total_seconds(), language))
    return localized(FRESH[quantity], language).format(room=room, value=value)


def which_room(quantity: str, rooms: list[str], language: str) -> str:
    """The reply when no room was named and the speaker's room is not known."""
    sensor = localized(SENSOR[quantity], language)
    if not rooms:
        return localized(NO_SENSORS_AT_ALL, language).format(sensor=sensor)
    return localized(WHICH_ROOM, language).format(sensor=sensor, rooms=join_rooms(rooms, language))
