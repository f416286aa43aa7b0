"""Reference firmware for a speaker satellite that does its own speech-to-text (or a tablet someone
types on): it sends what it heard as text and says what carehub asks it to say."""

from .device import Device


class Speaker(Device):
    """Sends ``heard`` events; a ``say`` command is spoken (kept in ``said`` for tests and the simulator)."""

    def __init__(self, client, home, device_id, prefix="carehub", heartbeat=60, boot=None):
        super().__init__(client, home, device_id, prefix, heartbeat, boot)
        self.volume = 60
        self.said = []
        """(text, language) carehub asked it to say, in arrival order."""

    def on_start(self, now):
        self.state(now, {"volume": self.volume, "muted": False}, True)

    def hear(self, now, text, language=None):
        """Someone spoke to it; its own recogniser made ``text`` of it."""
        fields = {"text": text}
        if language:
            fields["language"] = language
        self.event(now, "heard", fields)

    def on_command(self, command):
        if "say" in command:
            self.said.append((command["say"], command.get("language")))
            return True
        if "volume" in command and isinstance(command["volume"], int) and 0 <= command["volume"] <= 100:
            self.volume = command["volume"]
            self.state(self.now, {"volume": self.volume, "muted": False}, True)
            return True
        return False
