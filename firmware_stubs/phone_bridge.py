"""Reference firmware for a phone bridge: an app on the person's phone (or a box on the landline) that
reports calls, with a live transcript, and text messages, and shows carehub's notifications."""

from .device import Device

DIRECTIONS = ("incoming", "outgoing")
STATES = ("ringing", "answered", "ended")


class PhoneBridge(Device):
    """Sends ``call`` and ``sms`` events; a ``notify`` command is shown on the phone."""

    def __init__(self, client, home, device_id, prefix="carehub", heartbeat=300, boot=None):
        super().__init__(client, home, device_id, prefix, heartbeat, boot)
        self.notifications = []
        """Texts carehub asked the phone to show, in arrival order."""

    def call(self, now, number, state, call_id, transcript=None, direction="incoming"):
        """A call rang, was answered or ended; re-sent with the longer transcript as speech is recognised."""
        if direction not in DIRECTIONS or state not in STATES:
            raise ValueError("bad call direction or state: %s %s" % (direction, state))
        fields = {"call_id": call_id, "direction": direction, "number": number, "state": state}
        if transcript is not None:
            fields["transcript"] = transcript
        self.event(now, "call", fields)

    def sms(self, now, number, text):
        self.event(now, "sms", {"number": number, "text": text})

    def on_command(self, command):
        if "notify" in command:
            self.notifications.append(command["notify"])
            return True
        return False
