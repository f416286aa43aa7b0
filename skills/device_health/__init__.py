"""Technical alarms: a care system must say when it cannot see, not just when something happened.

A device that misses its heartbeat for 2.5x its interval or whose last will fires, a low battery, a
wearable taken off, and the hub losing its broker each raise an alert of their own priority, and
resolve it when the condition ends. A device that says it is going away on purpose
(``{"state": "offline", "reason": "..."}`` on its availability topic) is logged, not alerted. EN 50134
(social alarm systems) expects path failures to be detected and reported; these are carehub's path checks.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from skills.sdk import (
    BatteryReported, BrokerConnected, BrokerDisconnected, DeviceCameOnline, DeviceWentOffline, Event, Skill,
    WearStateReported, every, on,
)


class DeviceHealthSettings(BaseModel):
    """Thresholds and priorities of the technical alarms."""

    model_config = ConfigDict(extra="forbid")

    silent_factor: float = Field(2.5, gt=1)
    """A device is silent after this many heartbeat intervals without a message."""
    battery_low: float = Field(15.0, ge=0, le=100)
    """Percent at or below which a battery is low; it clears 5 points above."""
    broker_grace: float = Field(30.0, ge=0)
    """Seconds the hub may be without its broker before that is an alarm."""
    check_every: float = Field(30.0, gt=0)
    offline_priority: str = "medium"
    silent_priority: str = "medium"
    battery_priority: str = "low"
    not_worn_priority: str = "medium"
    broker_priority: str = "high"


TEXT = {
    "offline": {"en": "{device} went offline.", "zh": "{device} 已离线。"},
    "silent": {"en": "{device} has not reported for {minutes} minutes.",
               "zh": "{device} 已经 {minutes} 分钟没有消息。"},
    "battery": {"en": "{device} battery is at {level:.0f}%.", "zh": "{device} 电量只剩 {level:.0f}%。"},
    "not_worn": {"en": "{device} is not being worn.", "zh": "{device} 没有佩戴。"},
    "broker": {"en": "The hub lost its connection to the MQTT broker: devices cannot reach it.",
               "zh": "中枢与 MQTT 服务器断开连接，设备无法联系中枢。"},
}


def text(key: str, **values: object) -> dict[str, str]:
    return {lang: template.format(**values) for lang, template in TEXT[key].items()}


class DeviceHealth(Skill[DeviceHealthSettings]):
    """Raises and clears technical alarms."""

    async def setup(self) -> None:
        self.silent: set[str] = set()
        self.broker_down = False

    def _person(self, device: str | None) -> str | None:
        found = [d for d in self.ctx.devices() if d.id == device]
        return found[0].person if found else None

    async def _raise(self, kind: str, device: str | None, priority: str, message: dict[str, str]) -> None:
        await self.ctx.notify(message, priority=priority, person=self._person(device), kind=kind, device=device)

    @on(DeviceWentOffline)
    async def went_offline(self, event: DeviceWentOffline) -> None:
        if event.reason:
            # It said why it went away (switched off for an update, a simulator ending): planned, and
            # logged as such; only a lost connection (its last will) or a bare "offline" is an alarm.
            self.ctx.log.info("%s went offline on purpose (%s); no alert (event %s)", event.device, event.reason,
                              event.id)
            return
        await self._raise("device_offline", event.device, self.settings.offline_priority,
                          text("offline", device=event.device))

    @on(DeviceCameOnline)
    async def came_online(self, event: Event) -> None:
        await self.ctx.clear_alerts("device_offline", device=event.device, person=self._person(event.device))

    @on(BatteryReported)
    async def battery(self, event: BatteryReported) -> None:
        person = self._person(event.device)
        if event.level <= self.settings.battery_low:
            await self._raise("battery_low", event.device, self.settings.battery_priority,
                              text("battery", device=event.device, level=event.level))
        elif event.level >= self.settings.battery_low + 5:
            await self.ctx.clear_alerts("battery_low", device=event.device, person=person)

    @on(WearStateReported)
    async def worn(self, event: WearStateReported) -> None:
        if not event.worn:
            await self._raise("not_worn", event.device, self.settings.not_worn_priority,
                              text("not_worn", device=event.device))
        else:
            await self.ctx.clear_alerts("not_worn", device=event.device, person=self._person(event.device))

    @every(30)
    async def heartbeats(self) -> None:
        now = self.ctx.now()
        for device in self.ctx.devices():
            state = self.ctx.device_state(device.id)
            last_seen = state.get("last_seen")
            if last_seen is None or state.get("online") is False:
                continue  # never seen: nothing to miss yet; offline: it said so (and its will alerts)
            late = now - last_seen > timedelta(seconds=device.heartbeat * self.settings.silent_factor)
            if late and device.id not in self.silent:
                self.silent.add(device.id)
                minutes = int((now - last_seen).total_seconds() // 60)
                await self._raise("device_silent", device.id, self.settings.silent_priority,
                                  text("silent", device=device.id, minutes=minutes))
            elif not late and device.id in self.silent:
                self.silent.discard(device.id)
                await self.ctx.clear_alerts("device_silent", device=device.id, person=device.person)

    @on(BrokerDisconnected)
    async def broker_lost(self, event: Event) -> None:
        self.broker_down = True

        async def still_down() -> None:
            if self.broker_down:
                await self.ctx.notify(text("broker"), priority=self.settings.broker_priority, kind="broker_lost")

        self.ctx.call_later(self.settings.broker_grace, still_down)

    @on(BrokerConnected)
    async def broker_back(self, event: Event) -> None:
        self.broker_down = False
        await self.ctx.clear_alerts("broker_lost")
