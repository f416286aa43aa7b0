"""Reference firmware for a door lock (a motorised bolt or a smart deadbolt).

It obeys ``{"state": "lock"}`` / ``{"state": "unlock"}`` on ``/set`` and publishes its state retained on
``/state``: ``{"locked": true, "jammed": false}``. A bolt that cannot move says ``jammed`` and stays as it was.
"""

from .device import Device


class DoorLock(Device):
    """``jam_next`` makes the next movement stick (a door not quite shut), as a real bolt sometimes does."""

    def __init__(self, client, home, device_id, prefix="carehub", heartbeat=60, boot=None):
        super().__init__(client, home, device_id, prefix, heartbeat, boot)
        self.locked = True
        self.jammed = False
        self.jam_next = False

    def on_start(self, now):
        self._report(now)

    def turn(self, now, locked):
        """Someone turned the key or the thumb turn, or the hub asked."""
        if self.jam_next:
            self.jam_next = False
            self.jammed = True
        else:
            self.jammed = False
            self.locked = bool(locked)
        self._report(now)

    def on_command(self, command):
        if len(command) != 1 or command.get("state") not in ("lock", "unlock"):
            return False
        self.turn(self.now, command["state"] == "lock")
        return True

    def _report(self, now):
        self.state(now, {"locked": self.locked, "jammed": self.jammed}, True)
