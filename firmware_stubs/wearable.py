"""Reference firmware for a wearable (watch, band): vitals, position, accelerometer, fall and SOS."""

from .device import Device

READINGS = (
    "heart_rate", "spo2", "skin_temp", "systolic", "diastolic", "respiration_rate", "steps",
    "battery", "lat", "lon", "accuracy", "worn", "accel",
)
COMMAND_KEYS = ("vibrate", "say", "language")


class Wearable(Device):
    """A watch worn by the person it belongs to.

    What the hub asked it to do is kept for tests and the simulator: ``vibrations`` (seconds each),
    ``spoken`` (texts) and ``languages`` (the language of each spoken text, or None).
    """

    def __init__(self, client, home, device_id, prefix="carehub", heartbeat=60, boot=None):
        super().__init__(client, home, device_id, prefix, heartbeat, boot)
        self.vibrations = []
        self.spoken = []
        self.languages = []

    def report(self, now, **readings):
        """Publish readings on ``/state``; ``accel`` is ``{"rate_hz": 50, "samples": [[x, y, z], ...]}`` in g."""
        for name in readings:
            if name not in READINGS:
                # The hub rejects unknown fields; failing here shows the typo where it was made.
                raise ValueError("unknown wearable reading: " + name)
        self.state(now, readings)

    def fall(self, now):
        self.event(now, "fall")

    def sos(self, now):
        self.event(now, "sos")

    def press(self, now, action="single"):
        self.event(now, "button", {"action": action})

    def on_command(self, command):
        for key in command:
            if key not in COMMAND_KEYS:
                return False
        if "language" in command and "say" not in command:
            return False
        if "vibrate" in command:
            seconds = command["vibrate"]
            if not isinstance(seconds, (int, float)) or seconds <= 0:
                return False
            self.vibrations.append(seconds)
        if "say" in command:
            self.spoken.append(str(command["say"]))
            self.languages.append(command.get("language"))
        return True
