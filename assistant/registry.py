"""The device registry: configured devices, when each was last heard from, and unknown senders."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from assistant.config import Config, DeviceConfig

MAX_UNKNOWN_SENDERS = 256
"""Unknown senders remembered (least recently heard forgotten first): a flood of made-up ids stays small."""
MAX_TOPIC_SHOWN = 200

SILENT_FACTOR = 2.5
"""A device is "silent" after this many heartbeat intervals without a message."""


@dataclass
class DeviceStatus:
    """What the hub knows about one configured device right now."""

    config: DeviceConfig
    home: str
    last_seen: datetime | None = None
    online: bool | None = None
    """From the availability topic; None until the device says."""
    messages: int = 0

    def state(self, now: datetime) -> str:
        """``online``, ``offline``, ``silent`` (heartbeat missed) or ``never seen``."""
        if self.online is False:
            return "offline"
        if self.last_seen is None:
            return "never seen"
        if now - self.last_seen > timedelta(seconds=self.config.heartbeat * SILENT_FACTOR):
            return "silent"
        return "online"


@dataclass
class UnknownSender:
    """A topic that sent messages for a device not in config.yaml."""

    topic: str
    count: int = 0
    last_seen: datetime | None = None
    reason: str = ""


@dataclass
class DeviceRegistry:
    """Configured devices by (home, id) and by Zigbee2MQTT friendly name."""

    home: str
    devices: dict[str, DeviceStatus] = field(default_factory=dict)
    zigbee2mqtt: dict[str, str] = field(default_factory=dict)
    unknown: OrderedDict[str, UnknownSender] = field(default_factory=OrderedDict)
    """By device id (or Zigbee2MQTT name), most recently heard last."""
    unknown_forgotten: int = 0
    """Unknown senders dropped to keep ``unknown`` at ``MAX_UNKNOWN_SENDERS``."""

    @classmethod
    def from_config(cls, config: Config) -> "DeviceRegistry":
        registry = cls(home=config.home.id)
        for device in config.devices:
            registry.devices[device.id] = DeviceStatus(device, config.home.id)
            if device.zigbee2mqtt:
                registry.zigbee2mqtt[device.zigbee2mqtt] = device.id
        return registry

    def get(self, home: str, device_id: str) -> DeviceStatus | None:
        if home != self.home:
            return None
        return self.devices.get(device_id)

    def by_zigbee2mqtt(self, friendly_name: str) -> DeviceStatus | None:
        device_id = self.zigbee2mqtt.get(friendly_name)
        return self.devices.get(device_id) if device_id else None

    def restore(self, rows: list[dict[str, Any]]) -> None:
        """Take last-seen and online state saved by a previous run (the ``devices`` table)."""
        for row in rows:
            status = self.get(row["home"], row["id"])
            if status is None:
                continue
            if row.get("last_seen"):
                status.last_seen = datetime.fromisoformat(row["last_seen"])
            if row.get("online") is not None:
                status.online = bool(row["online"])

    def note_unknown(self, topic: str, when: datetime, reason: str, device: str | None = None) -> None:
        key = (device or topic)[:MAX_TOPIC_SHOWN]
        sender = self.unknown.get(key)
        if sender is None:
            sender = self.unknown[key] = UnknownSender(topic[:MAX_TOPIC_SHOWN])
            if len(self.unknown) > MAX_UNKNOWN_SENDERS:
                self.unknown.popitem(last=False)
                self.unknown_forgotten += 1
        else:
            self.unknown.move_to_end(key)
            sender.topic = topic[:MAX_TOPIC_SHOWN]
        sender.count += 1
        sender.last_seen = when
        sender.reason = reason[:MAX_TOPIC_SHOWN]

    def snapshot(self, now: datetime) -> dict[str, Any]:
        """JSON-ready view for ``GET /api/devices``."""
        return {
            "devices": [
                {
                    "id": s.config.id, "kind": s.config.kind, "person": s.config.person,
                    "room": s.config.room, "state": s.state(now), "messages": s.messages,
                    "last_seen": s.last_seen.isoformat() if s.last_seen else None,
                }
                for s in self.devices.values()
            ],
            "unknown_senders": [
                {"topic": u.topic, "count": u.count, "reason": u.reason,
                 "last_seen": u.last_seen.isoformat() if u.last_seen else None}
                for u in reversed(self.unknown.values())
            ],
            "unknown_senders_forgotten": self.unknown_forgotten,
        }
