"""Reference firmware for a reed contact on a door, window, fridge or medicine cabinet.

Which of those it is (``subtype``) is written in the hub's config; the firmware is the same.
"""

from .device import Device


class DoorContact(Device):
    """Publishes ``{"open": true}`` / ``{"open": false}`` when the contact parts or closes."""

    def __init__(self, client, home, device_id, prefix="carehub", heartbeat=60, boot=None):
        super().__init__(client, home, device_id, prefix, heartbeat, boot)
        self.is_open = False

    def set_open(self, now, open, battery=None):
        self.is_open = bool(open)
        readings = {"open": self.is_open}
        if battery is not None:
            readings["battery"] = battery
        self.state(now, readings)
