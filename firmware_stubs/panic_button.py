"""Reference firmware for a panic pendant or wall button."""

from .device import Device

ACTIONS = ("single", "double", "long", "cancel")


class PanicButton(Device):
    """Sends ``sos``, ``cancel`` (a false alarm) and plain presses as events."""

    def sos(self, now):
        self.event(now, "sos")

    def cancel(self, now):
        self.event(now, "button", {"action": "cancel"})

    def press(self, now, action="single"):
        if action not in ACTIONS:
            raise ValueError("unknown button action: " + str(action))
        self.event(now, "button", {"action": action})
