"""Reference firmware for the simple sensors the household simulator needs: bed pad and pillbox."""

from .device import Device


class BedSensor(Device):
    """A bed (or chair) occupancy pad: ``{"occupied": true}``."""

    def __init__(self, client, home, device_id, prefix="carehub", heartbeat=60, boot=None):
        super().__init__(client, home, device_id, prefix, heartbeat, boot)
        self.occupied = False

    def set_occupied(self, now, occupied):
        self.occupied = bool(occupied)
        self.state(now, {"occupied": self.occupied})


class Pillbox(Device):
    """A pillbox with a lid switch per compartment (``"mon-am"``, ``"mon-pm"``, ...)."""

    def open(self, now, compartment):
        self.event(now, "pillbox_opened", {"compartment": compartment})

    def report(self, now, battery):
        self.state(now, {"battery": battery})
