"""Reference firmware for actuators: a smart plug (``switch``) and a dimmable ``light``.

Both obey ``/set`` and publish their new state retained on ``/state``, so the hub (and anything
subscribing later) knows the current state without asking.
"""

from .device import Device

MAX_BRIGHTNESS = 255


def _on_off(value):
    """``"on"``/``"off"`` (any case, as Zigbee2MQTT spells them) as a bool, or None."""
    if not isinstance(value, str):
        return None
    value = value.lower()
    if value == "on":
        return True
    if value == "off":
        return False
    return None


class SmartPlug(Device):
    """A plug with a power meter; ``load_watts`` is what the appliance draws when switched on by the hub."""

    def __init__(self, client, home, device_id, prefix="carehub", heartbeat=60, boot=None, load_watts=0.0):
        super().__init__(client, home, device_id, prefix, heartbeat, boot)
        self.load_watts = float(load_watts)
        self.on = False
        self.power = 0.0

    def on_start(self, now):
        self._report(now)

    def switch(self, now, on, power=None):
        """Someone pressed the plug's own button; ``power`` is what the meter reads afterwards (watts)."""
        self.on = bool(on)
        if not self.on:
            self.power = 0.0
        elif power is not None:
            self.power = float(power)
        else:
            self.power = self.load_watts
        self._report(now)

    def on_command(self, command):
        if len(command) != 1 or "state" not in command:
            return False
        on = _on_off(command["state"])
        if on is None:
            return False
        self.switch(self.now, on)
        return True

    def _report(self, now):
        self.state(now, {"state": "on" if self.on else "off", "power": self.power}, True)


class Light(Device):
    """A dimmable light; brightness 0-255, remembered while off."""

    def __init__(self, client, home, device_id, prefix="carehub", heartbeat=60, boot=None):
        super().__init__(client, home, device_id, prefix, heartbeat, boot)
        self.on = False
        self.brightness = MAX_BRIGHTNESS

    def on_start(self, now):
        self._report(now)

    def switch(self, now, on, brightness=None):
        """Someone used the wall switch (or dimmer)."""
        self.on = bool(on)
        if brightness is not None:
            self.brightness = max(0, min(MAX_BRIGHTNESS, int(brightness)))
        self._report(now)

    def on_command(self, command):
        for key in command:
            if key not in ("state", "brightness"):
                return False
        brightness = command.get("brightness")
        if brightness is not None and (isinstance(brightness, bool) or not isinstance(brightness, (int, float))):
            return False
        if "state" in command:
            on = _on_off(command["state"])
            if on is None:
                return False
        else:
            on = True  # a brightness alone means "on at this level", as Zigbee2MQTT lights do
        self.switch(self.now, on, brightness)
        return True

    def _report(self, now):
        if self.on:
            self.state(now, {"state": "on", "brightness": self.brightness}, True)
        else:
            self.state(now, {"state": "off"}, True)
