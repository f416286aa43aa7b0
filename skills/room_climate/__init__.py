"""How warm or how humid a room is, by voice: "how warm is it in the bedroom", "卧室多少度",
"how humid is it in the living room", "客厅湿度多少". Answered from the latest ``ClimateMeasured`` reading
of the room's climate sensors (the speaker's room when none is named), with the reading's age when it is
over an hour old, and plainly when the room has no sensor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from skills.room_climate.wording import Reading, answer, which_room
from skills.sdk import (
    ClimateMeasured, ContactChanged, IntentMatch, MotionDetected, NoSettings, OccupancyChanged, Skill, intent,
)

READINGS_LOOKED_AT = 50
"""Log rows read back per sensor to find its latest value of one quantity (a sensor may send only one)."""


class RoomClimate(Skill[NoSettings]):
    """Answers temperature and humidity questions from the climate sensors' readings."""

    @intent("HassClimateGetTemperature")
    async def temperature(self, match: IntentMatch) -> str:
        return await self._answer("temperature", match)

    @intent("ClimateGetHumidity")  # sentences/<lang>.yaml: "how humid is it in the living room", "客厅湿度多少"
    async def humidity(self, match: IntentMatch) -> str:
        return await self._answer("humidity", match)

    async def _answer(self, quantity: str, match: IntentMatch) -> str:
        now = self.ctx.now()
        if "name" in match.slots:  # "what's the temperature of the bedroom thermometer"
            sensors = [d for d in self.ctx.devices(kind="climate") if d.id == match.slots["name"]]
            room = sensors[0].room if sensors and sensors[0].room else None
        else:
            room = match.slots.get("area") or match.room or await self._room_of(match.person)
            sensors = self.ctx.devices(kind="climate", room=room) if room else []
        if room is None:
            rooms = sorted({d.room for d in self.ctx.devices(kind="climate") if d.room})
            return which_room(quantity, [self._spoken(r, match.language) for r in rooms], match.language)
        readings = [r for r in [await self._latest(d.id, quantity) for d in sensors] if r is not None]
        newest = max(readings, key=lambda r: r.at or now, default=None)
        return answer(quantity, self._spoken(room, match.language), newest, bool(sensors), now, match.language)

    async def _latest(self, device: str, quantity: str) -> Reading | None:
        """The device's latest reading of ``quantity``: from the log, else from its state (not yet logged)."""
        for event in await self.ctx.events(ClimateMeasured, device=device, limit=READINGS_LOOKED_AT):
            value = getattr(event, quantity)
            if value is not None:
                return Reading(device, float(value), event.ts)
        state = self.ctx.device_state(device)
        if state.get(quantity) is None:
            return None
        return Reading(device, float(state[quantity]), _when(state.get("updated") or state.get("last_seen")))

    async def _room_of(self, person: str | None) -> str | None:
        """The room ``person`` was last noticed in by a room sensor (the hub's own rule, from the log)."""
        if person is None:
            return None
        seen = await self.ctx.events(MotionDetected, ContactChanged, OccupancyChanged, person=person, limit=1)
        rooms = {d.id: d.room for d in self.ctx.devices()}
        return rooms.get(seen[0].device or "") if seen else None

    def _spoken(self, room: str, language: str) -> str:
        name = self.ctx.room_name(room, language)
        return name.replace("_", " ").replace("-", " ") if name == room else name


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None
