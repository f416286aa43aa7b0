"""Device control by voice or text, on Home Assistant's own intent grammar (en, zh-CN, ...).

"turn on the kitchen light", "打开厨房的灯", "is the kettle on?", "set the kitchen light to 40%",
"turn on the fan", "close the blinds", "把窗帘打开", "lock the front door", "把前门锁上".
Unlocking a door by voice is refused unless that lock's ``voice_unlock`` is on: anyone outside the door could
shout "unlock the front door" through it.
Device names and rooms come from config.yaml (with per-language aliases); the sentences are
home-assistant-intents', so every language they cover works once its names are configured.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from skills.sdk import (
    Close, IntentMatch, Lock, Open, SetPosition, Skill, Stop, TurnOff, TurnOn, Unlock, intent, localized,
    short_language, tool,
)

CONTROLLABLE = ("light", "switch", "fan", "cover", "lock")
BRIGHTNESS_STEP = 25
"""Percent of full brightness one "dimmer" / "brighter" changes a light by."""
DIMMEST = 5
"""Percent: "dimmer" never turns a light off."""

REPLIES: dict[str, dict[str, str]] = {
    "turned_on": {"en": "Turned on the {names}.", "zh": "已打开{names}。"},
    "turned_off": {"en": "Turned off the {names}.", "zh": "已关闭{names}。"},
    "opened": {"en": "Opened the {names}.", "zh": "已打开{names}。"},
    "closed": {"en": "Closed the {names}.", "zh": "已关上{names}。"},
    "position": {"en": "Set the {names} to {level}% open.", "zh": "已把{names}开到{level}%。"},
    "brightness": {"en": "Set the {names} to {level}%.", "zh": "已把{names}调到{level}%。"},
    "nothing_there": {"en": "I couldn't find anything to control there.", "zh": "那里没有可以控制的设备。"},
    "cannot_control": {"en": "I can't switch the {names}.", "zh": "我无法控制{names}。"},
    "is_yes": {"en": "Yes, the {name} is {state}.", "zh": "是的，{name}{state}。"},
    "is_no": {"en": "No, the {name} is {actual}.", "zh": "不，{name}{actual}。"},
    "state": {"en": "The {name} is {state}.", "zh": "{name}{state}。"},
    "unknown_state": {"en": "I don't know whether the {name} is on yet.", "zh": "我还不知道{name}的状态。"},
    "stopped": {"en": "Stopped the {names}.", "zh": "已停下{names}。"},
    "locked": {"en": "Locked the {names}.", "zh": "已锁上{names}。"},
    "unlocked": {"en": "Unlocked the {names}.", "zh": "已解锁{names}。"},
    "no_voice_unlock": {"en": "I can't unlock doors by voice; use the app or the lock itself.",
                        "zh": "我不能用语音开锁，请用手机应用或门锁本身开锁。"},
}
ON_OFF = {"en": {True: "on", False: "off"}, "zh": {True: "开着", False: "关着"}}
OPEN_CLOSED = {"en": {True: "open", False: "closed"}, "zh": {True: "开着", False: "关着"}}


class DeviceControlSettings(BaseModel):
    """Settings of device control."""

    model_config = ConfigDict(extra="forbid")

    default_brightness: int | None = None
    """Brightness (0-255) for "turn on" of a dimmable light; None keeps the light's own."""


def reply(key: str, language: str, **values: Any) -> str:
    table = REPLIES[key]
    return localized(table, short_language(language)).format(**values)


class DeviceControl(Skill[DeviceControlSettings]):
    """Turns lights and plugs on and off and answers whether they are on."""

    def _targets(self, match: IntentMatch) -> list[Any]:
        """Devices an utterance names: several, one by name, or every matching one in an area."""
        if match.slots.get("devices"):
            wanted = str(match.slots["devices"]).split(",")
            return [d for d in self.ctx.devices() if d.id in wanted]
        if "name" in match.slots:
            return [d for d in self.ctx.devices() if d.id == match.slots["name"]]
        area = match.slots.get("area") or match.room
        if area is None:
            return []
        domain = match.slots.get("domain")
        found = self.ctx.devices(room=area)
        if domain:
            found = [d for d in found if d.kind == domain]
        device_class = match.slots.get("device_class")
        if device_class:
            found = [d for d in found if d.subtype in (None, device_class)]
        # A room's locks only when locks are asked for: "turn everything off in the hall" unlocks nothing.
        return [d for d in found if d.kind in CONTROLLABLE and (d.kind != "lock" or domain == "lock")]

    def _spoken(self, match: IntentMatch, targets: list[Any]) -> str:
        """What the devices were called: as said, by room and kind, or by their names."""
        if "name" in match.slot_text:
            return match.slot_text["name"]
        if "area" in match.slot_text:
            noun = {"light": "lights", "switch": "switches", "fan": "fans", "cover": "covers"}.get(
                str(match.slots.get("domain")), "devices")
            if short_language(match.language) == "zh":
                return f"{match.slot_text['area']}的" + {"light": "灯"}.get(str(match.slots.get("domain")), "设备")
            return f"{match.slot_text['area']} {noun}"
        return ", ".join(d.display_name for d in targets)

    async def _switch(self, match: IntentMatch, on: bool) -> str:
        targets = self._targets(match)
        if not targets:
            return reply("nothing_there", match.language)
        names = self._spoken(match, targets)
        if any(d.kind not in CONTROLLABLE for d in targets):
            return reply("cannot_control", match.language, names=names)
        if any(d.kind == "lock" for d in targets):
            return await self._lock(match, [d for d in targets if d.kind == "lock"], names, on)
        for device in targets:
            if device.kind == "cover":
                await self.ctx.command(device.id, Open() if on else Close())
                continue
            brightness = self.settings.default_brightness if device.kind == "light" else None
            await self.ctx.command(device.id, TurnOn(brightness) if on else TurnOff())
        if all(d.kind == "cover" for d in targets):
            return reply("opened" if on else "closed", match.language, names=names)
        return reply("turned_on" if on else "turned_off", match.language, names=names)

    async def _lock(self, match: IntentMatch, locks: list[Any], names: str, lock: bool) -> str:
        """Home Assistant's grammar locks with HassTurnOn and unlocks with HassTurnOff."""
        if not lock and not all(d.voice_unlock for d in locks):
            self.ctx.log.warning("unlocking %s by voice refused: voice_unlock is off (%s)",
                                 ", ".join(d.id for d in locks), match.utterance_id)
            return reply("no_voice_unlock", match.language)
        for device in locks:
            await self.ctx.command(device.id, Lock() if lock else Unlock())
        return reply("locked" if lock else "unlocked", match.language, names=names)

    @intent("HassTurnOn")
    async def turn_on(self, match: IntentMatch) -> str:
        return await self._switch(match, True)

    @intent("HassTurnOff")
    async def turn_off(self, match: IntentMatch) -> str:
        return await self._switch(match, False)

    @intent("HassLightSet")
    async def set_brightness(self, match: IntentMatch) -> str | None:
        if "brightness" not in match.slots:
            return None
        targets = [d for d in self._targets(match) if d.kind == "light"]
        if not targets:
            return reply("nothing_there", match.language)
        level = int(float(match.slots["brightness"]))
        for device in targets:
            await self.ctx.command(device.id, TurnOn(brightness=round(level * 255 / 100)))
        return reply("brightness", match.language, names=self._spoken(match, targets), level=level)

    @intent("HassSetPosition")
    async def set_position(self, match: IntentMatch) -> str | None:
        if "position" not in match.slots:
            return None
        targets = [d for d in self._targets(match) if d.kind == "cover"]
        if not targets:
            return reply("nothing_there", match.language)
        level = max(0, min(100, int(float(match.slots["position"]))))
        for device in targets:
            await self.ctx.command(device.id, SetPosition(level))
        return reply("position", match.language, names=self._spoken(match, targets), level=level)

    @intent("HassGetState")
    async def get_state(self, match: IntentMatch) -> str:
        targets = self._targets(match)
        if len(targets) != 1 and "name" not in match.slots:
            return reply("nothing_there", match.language)
        device = targets[0] if targets else None
        name = match.slot_text.get("name") or (device.display_name if device else "")
        state = self.ctx.device_state(device.id) if device else {}
        words = ON_OFF[short_language(match.language)]
        on = state.get("on")
        if device is not None and device.kind in ("contact", "cover"):
            # A door is open or closed; a cover's state is "open" / "closed" (or moving), or a position.
            words = OPEN_CLOSED[short_language(match.language)]
            if isinstance(state.get("open"), bool):
                on = state["open"]
            elif state.get("state") in ("open", "closed", "opening", "closing"):
                on = state["state"] in ("open", "opening")
            elif isinstance(state.get("position"), int):
                on = state["position"] > 0
            else:
                on = None
        if on is None:
            return reply("unknown_state", match.language, name=name)
        asked = {"open": "on", "closed": "off"}.get(str(match.slots.get("state")), match.slots.get("state"))
        if asked in ("on", "off"):
            wanted = asked == "on"
            key = "is_yes" if wanted == on else "is_no"
            return reply(key, match.language, name=name, state=words[wanted], actual=words[on])
        return reply("state", match.language, name=name, state=words[on])

    @intent("LightDim")
    async def dim(self, match: IntentMatch) -> str:
        return await self._step(match, -BRIGHTNESS_STEP)

    @intent("LightBrighten")
    async def brighten(self, match: IntentMatch) -> str:
        return await self._step(match, +BRIGHTNESS_STEP)

    async def _step(self, match: IntentMatch, change: int) -> str:
        """A light a step dimmer or brighter than it is now (from full when its brightness is not known)."""
        targets = [d for d in self._targets(match) if d.kind == "light"]
        if not targets:
            return reply("nothing_there", match.language)
        level = 100
        for device in targets:
            state = self.ctx.device_state(device.id)
            now = round(state["brightness"] * 100 / 255) if state.get("on") and state.get("brightness") else 100
            level = max(DIMMEST, min(100, now + change))
            await self.ctx.command(device.id, TurnOn(brightness=round(level * 255 / 100)))
        return reply("brightness", match.language, names=self._spoken(match, targets), level=level)

    @intent("DeviceStop")
    async def stop(self, match: IntentMatch) -> str:
        """Blinds or curtains stop where they are (a fan asked to stop is switched off)."""
        targets = self._targets(match)
        if not targets:
            return reply("nothing_there", match.language)
        for device in targets:
            if device.kind != "lock":
                await self.ctx.command(device.id, Stop() if device.kind == "cover" else TurnOff())
        return reply("stopped", match.language, names=self._spoken(match, targets))

    @tool
    async def switch_device(self, device: str, on: bool) -> str:
        """Turn a light, plug or fan on or off, or open or close blinds or curtains.

        Args:
            device: the device id, e.g. kitchen-light
            on: true to turn it on (or open it), false to turn it off (or close it)
        """
        known = {d.id: d for d in self.ctx.devices()}
        if device not in known or known[device].kind not in CONTROLLABLE or known[device].kind == "lock":
            return f"no light, plug, fan or cover called {device}"
        if known[device].kind == "cover":
            await self.ctx.command(device, Open() if on else Close())
            return f"{device} {'opened' if on else 'closed'}"
        await self.ctx.command(device, TurnOn() if on else TurnOff())
        return f"{device} turned {'on' if on else 'off'}"
