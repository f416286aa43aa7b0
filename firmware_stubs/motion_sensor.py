"""Reference firmware for a PIR motion sensor."""

from .device import Device


class MotionSensor(Device):
    """Publishes ``{"motion": true}`` when it sees someone and ``{"motion": false}`` once it clears."""

    def motion(self, now, active, illuminance=None, battery=None):
        readings = {"motion": bool(active)}
        if illuminance is not None:
            readings["illuminance"] = illuminance
        if battery is not None:
            readings["battery"] = battery
        self.state(now, readings)
