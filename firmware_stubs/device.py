"""What every carehub device does on the wire: availability, last will, heartbeat, msg_id and commands.

Device modules import only ``json`` (used the ujson way: ``dumps``/``loads`` without options) so they
run unchanged on MicroPython with ``umqtt.simple``; copy the package directory (``__init__.py``,
this module and the device modules) to the board. Time is never read here: every call takes ``now``,
Unix seconds. On MicroPython pass whole seconds (ports with 32-bit floats cannot hold epoch
fractions) and add 946684800 on ports whose ``time.time()`` counts from 2000.
"""

import json

QOS = 1
RECENT_COMMANDS = 16


def iso_utc(now):
    """``now`` (Unix seconds) as an ISO-8601 UTC string with milliseconds, without the time module."""
    secs = int(now // 1)
    millis = int((now - secs) * 1000)
    days, rem = divmod(secs, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, seconds = divmod(rem, 60)
    # Civil date from days since 1970-01-01 (Howard Hinnant's algorithm): no gmtime on every port.
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (1 if month <= 2 else 0)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (year, month, day, hours, minutes, seconds, millis)


class Device:
    """Base of the reference firmware: one MQTT connection, one device id.

    ``client`` is a ``umqtt.simple.MQTTClient`` (or ``firmware_stubs.umqtt_shim.MQTTClient``), not yet
    connected. ``boot`` makes ``msg_id`` unique across restarts; real firmware keeps a boot counter in
    flash, and without one the boot time in milliseconds is used.
    """

    def __init__(self, client, home, device_id, prefix="carehub", heartbeat=60, boot=None):
        self.client = client
        self.home = home
        self.device_id = device_id
        self.prefix = prefix
        self.heartbeat = heartbeat
        self.boot = boot
        self.seq = 0
        self.published = 0
        self.now = 0
        self.last_publish = None
        self.started = False
        self.commands = []
        """Every accepted ``/set`` command, decoded, in arrival order."""
        self.ignored = []
        """``/set`` payloads this firmware could not use (bad JSON, not an object, unknown keys)."""
        self._recent_command_ids = []

    def topic(self, leaf):
        return "%s/%s/%s/%s" % (self.prefix, self.home, self.device_id, leaf)

    def start(self, now):
        """Connect with the ``offline`` last will, announce ``online`` and listen on ``/set``."""
        self.now = now
        if self.boot is None:
            self.boot = "%x" % int(now * 1000)
        availability = self.topic("availability")
        self.client.set_last_will(availability, b"offline", True, QOS)
        self.client.set_callback(self._on_message)
        self.client.connect()
        self._send(availability, b"online", True)
        self.client.subscribe(self.topic("set"), QOS)
        self.started = True
        self.on_start(now)

    def on_start(self, now):
        """Hook: actuators publish their retained state here."""

    def tick(self, now):
        """Handle queued commands, then send a heartbeat if nothing was published for ``heartbeat`` seconds."""
        self.now = now
        self.client.check_msg()
        if self.last_publish is None or now - self.last_publish >= self.heartbeat:
            self.event(now, "heartbeat")

    def stop(self, reason=None):
        """Say ``offline`` (the will only covers a lost connection) and disconnect.

        With a ``reason`` ("shutdown", "firmware update") the device says it goes away on purpose, and the hub
        logs it without alerting anyone; a bare ``offline`` is what the last will says, and alerts.
        """
        if not self.started:
            return
        self.started = False
        payload = b"offline"
        if reason:
            payload = json.dumps({"state": "offline", "reason": reason}).encode()
        try:
            self._send(self.topic("availability"), payload, True)
        finally:
            self.client.disconnect()

    def state(self, now, readings, retain=False):
        """Publish ``readings`` (a dict) on ``/state``."""
        self._publish_json("state", readings, now, retain)

    def event(self, now, kind, fields=None):
        """Publish ``{"type": kind, ...fields}`` on ``/event``."""
        payload = {"type": kind}
        if fields:
            for key in fields:
                payload[key] = fields[key]
        self._publish_json("event", payload, now, False)

    def _publish_json(self, leaf, payload, now, retain):
        self.now = now
        self.seq += 1
        message = {}
        for key in payload:
            message[key] = payload[key]
        message["msg_id"] = "%s-%s-%d" % (self.device_id, self.boot, self.seq)
        message["ts"] = iso_utc(now)
        self._send(self.topic(leaf), json.dumps(message).encode(), retain)

    def _send(self, topic, payload, retain):
        self.client.publish(topic.encode(), payload, retain, QOS)
        self.published += 1
        self.last_publish = self.now

    def _on_message(self, topic, msg):
        if topic != self.topic("set").encode():
            return
        try:
            command = json.loads(msg.decode())
        except ValueError:
            self.ignored.append(msg)
            return
        if not isinstance(command, dict):
            self.ignored.append(msg)
            return
        command_id = command.pop("msg_id", None)
        command.pop("ts", None)
        if command_id is not None:
            # QoS 1 may deliver a command twice; vibrating or speaking twice would confuse the wearer.
            if command_id in self._recent_command_ids:
                return
            self._recent_command_ids.append(command_id)
            if len(self._recent_command_ids) > RECENT_COMMANDS:
                self._recent_command_ids.pop(0)
        received = dict(command)
        if "heartbeat" in command:
            heartbeat = command.pop("heartbeat")
            if isinstance(heartbeat, (int, float)) and heartbeat > 0:
                self.heartbeat = heartbeat
            else:
                self.ignored.append(msg)
                return
        if command and not self.on_command(command):
            self.ignored.append(msg)
            return
        self.commands.append(received)

    def on_command(self, command):
        """Hook: carry out a decoded ``/set`` command; return False if it made no sense to this device."""
        return False
