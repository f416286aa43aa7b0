"""The ingest path: one MQTT message → device → typed events → log and bus → acknowledged once committed.

A message the hub cannot use becomes one ``message_rejected`` row naming what was wrong; it is
acknowledged too (the broker must not redeliver it forever) and counted by reason.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from assistant import topics
from assistant.bus import EventBus
from assistant.clock import Clock
from assistant.config import Config
from assistant.errors import DecodeError, UnknownDevice
from assistant.eventlog import EventLog
from assistant.events import DeviceCameOnline, DeviceWentOffline, Event, FallDetected, MessageRejected, SosPressed
from assistant.ids import new_id
from assistant.log_writer import Fenced
from assistant.mqtt import Incoming
from assistant.ports import Decoded, DeviceAdapters
from assistant.registry import DeviceRegistry
from assistant.state import StateStore

log = logging.getLogger(__name__)

_PREVIEW_BYTES = 200
_TOPIC_CHARS = 256
"""Longest topic kept in a ``message_rejected`` row (MQTT allows 65,535 bytes)."""
_REASON_KINDS = 64
"""Rejection reasons counted apart; past this many, the rest count as "other"."""
_LOG_EVERY = 60.0
"""Seconds between log lines about one kind of rejection; those in between are counted in the next."""
_RETRY_COMMIT_AFTER = 1.0
RECENT_MESSAGES = 100_000
"""Message ids remembered per hub (about 10 MB): a copy of one of them is acknowledged and goes no further."""
RECENT_MESSAGES_SHARED = 200
"""Message ids remembered per home inside a worker. The broker hands over again at most what a partition's session
had in flight (100 messages) and a device resends its last few; 100,000 a home grew a 10,000-home worker by 20 MB a
minute at 2,000 readings/s (and would be read back from the file by every home at every start). An older copy is
still logged once (the log's unique message key); only its skills would see it again."""
_PLAIN_EVENT: dict[type[Event], bool] = {}
URGENT_EVENTS: tuple[type[Event], ...] = (SosPressed, FallDetected)
"""What ``Ingest.on_urgent`` is told of."""

AudioFeed = Callable[[str, bytes], "bool | Exception"]
"""Takes a message on an audio topic: True when taken, the error when refused, False when not audio."""


class Acknowledger(Protocol):
    """Acknowledges messages to the broker (the MQTT link); a no-op when the hub runs offline."""

    def ack_token(self) -> int:
        """Which connection the message being handled arrived on."""

    def ack(self, message: Incoming, token: int) -> None:
        """Acknowledge ``message``, unless the connection it came on is gone."""


class NoBroker:
    """The ``Acknowledger`` of an offline hub."""

    def ack_token(self) -> int:
        return 0

    def ack(self, message: Incoming, token: int) -> None:
        pass


def _stamped(event: Event, **envelope: Any) -> Event:
    """``event.stamped(**envelope)``; for every message, so the usual case skips ``dataclasses.replace``.

    For an event class that keeps ``Event.stamped`` and whose fields all go through ``__init__``,
    calling the class with the event's fields and the envelope makes the same event.
    """
    cls = type(event)
    plain = _PLAIN_EVENT.get(cls)
    if plain is None:
        names = [f.name for f in dataclasses.fields(cls) if f.init]
        plain = _PLAIN_EVENT[cls] = (cls.stamped is Event.stamped and list(vars(event)) == names
                                     and len(names) == len(dataclasses.fields(cls)))
    if plain:
        return cls(**{**vars(event), **envelope})
    return event.stamped(**envelope)


class Ingest:
    """Turns MQTT messages into logged, published events (``handle`` is the link's message callback)."""

    def __init__(self, config: Config, adapters: DeviceAdapters, registry: DeviceRegistry, log: EventLog,
                 bus: EventBus, state: StateStore, clock: Clock, acknowledger: Acknowledger, *,
                 audio: AudioFeed | None = None, recent: int = RECENT_MESSAGES) -> None:
        self._config = config
        self.recent_limit = recent
        """How many message ids it remembers (``remember``)."""
        self._adapters = adapters
        self._home = config.home.id
        self._prefix = config.mqtt.topic_prefix
        self._registry = registry
        self._log = log
        self._bus = bus
        self._state = state
        self._clock = clock
        self._acks = acknowledger
        self._audio = audio
        self.counters: Counter[str] = Counter()
        """``received``, ``accepted``, ``rejected``, ``duplicate``, ``audio``; ``early``: events taken from a worker's
        urgent lane (``handle_early``), each also ``accepted`` and its main copy ``received`` and ``duplicate``."""
        self._commit_failure_logged = -_LOG_EVERY
        self.rejections: Counter[str] = Counter()
        """Rejected messages by the first words of their reason."""
        self._rejection_logged: dict[str, tuple[float, int]] = {}
        """Per kind of rejection: when it was last logged, and how many were not logged since."""
        self._recent: OrderedDict[str, None] = OrderedDict()
        """The dedupe keys (home/device/msg_id) of the latest messages, oldest first."""
        self.on_urgent: Callable[[], None] | None = None
        """Called once a message's SOS or fall has been handed to the skills (a worker's ``Precedence``)."""
        self._unlogged: dict[str, list[tuple[Incoming, int, Acknowledger]]] = {}
        """Dedupe keys of messages handled whose rows are not committed yet, each with the copies of it that came
        meanwhile: those are acknowledged once the first copy is committed. Acknowledged earlier, a copy would be gone
        from the broker if the first's commit then failed (a full disk, a later owner's fencing token)."""

    def remember(self, keys: Iterable[str]) -> None:
        """Message ids already handled (the log's latest, read at start): a redelivered copy of one is not news.

        A broker redelivers what the hub had not acknowledged when it stopped, and a device resends what it
        thinks was lost; the log keeps one row either way, and this keeps skills from reacting twice.
        """
        for key in keys:
            self._recent[key] = None
            self._recent.move_to_end(key)
        while len(self._recent) > self.recent_limit:
            self._recent.popitem(last=False)

    @property
    def remembered(self) -> int:
        """How many message ids it remembers now."""
        return len(self._recent)

    def handle(self, message: Incoming) -> None:
        """Turn one MQTT message into logged events; acknowledge it once they are committed."""
        token = self._acks.ack_token()
        self.counters["received"] += 1
        if self._audio_message(message, token):
            return
        try:
            events, dedupe_key, extra, touch = self._decode(message)
        except DecodeError as error:
            self._reject(message, token, error.reason)
            return
        if dedupe_key is not None:
            if dedupe_key in self._recent:
                # A copy of a message handled already: acknowledged once the first copy's rows are committed, and no
                # skill sees it again.
                self.counters["duplicate"] += 1
                waiting = self._unlogged.get(dedupe_key)
                if waiting is None:
                    self._acks.ack(message, token)
                else:
                    waiting.append((message, token, self._acks))
                return
            self.remember((dedupe_key,))
        self.counters["accepted"] += 1
        self._log_then_ack(message, token, events, dedupe_key, extra, [touch])
        for event in events:
            self._state.apply(event)
            self._bus.publish(event)
        if self.on_urgent is not None and any(isinstance(event, URGENT_EVENTS) for event in events):
            self.on_urgent()

    def handle_early(self, message: Incoming, acks: Acknowledger) -> bool:
        """A copy of an event message from a second session (a worker's urgent lane, docs/operators.md), which
        keeps reading while the main session waits for the log: handled as ``handle`` would, so an SOS is not held
        behind readings, if it carries a message id not seen before; acknowledged on ``acks`` once committed. Else
        nothing happens and False is returned: the main session's copy is handled, rejected or recognised as usual
        (the caller acknowledges this one). The main copy of one handled here is a duplicate."""
        try:
            events, dedupe_key, extra, touch = self._decode(message)
        except DecodeError:
            return False
        if dedupe_key is None or dedupe_key in self._recent:
            return False
        self.remember((dedupe_key,))
        self.counters["early"] += 1
        self.counters["accepted"] += 1
        self._log_then_ack(message, acks.ack_token(), events, dedupe_key, extra, [touch], acks)
        for event in events:
            self._state.apply(event)
            self._bus.publish(event)
        if self.on_urgent is not None and any(isinstance(event, URGENT_EVENTS) for event in events):
            self.on_urgent()
        return True

    def accept(self, device_id: str, events: list[Event], *, source: str, online: bool | None = None,
               dedupe_key: str | None = None, extra: dict[str, Any] | None = None) -> list[Event]:
        """Events a device reported another way than on the broker (Home Assistant's websocket), already decoded:
        stamped, logged (``extra`` joins each row's data), applied and published like a message's; ``source``
        is where they came from (the ``topic`` of the device's row)."""
        status = self._registry.get(self._home, device_id)
        if status is None:
            raise UnknownDevice(device_id)
        now = self._clock.now()
        if online is not None:
            status.online = online
        status.last_seen = now
        status.messages += 1
        self.counters["received"] += 1
        self.counters["accepted"] += 1
        stamped = [_stamped(ev, id=new_id(), ts=now, home=self._home, device=device_id, person=status.config.person)
                   for ev in events]
        touch = (self._home, device_id, now, None if online is None else int(online), 1, source)
        self._log_then_ack(Incoming(source, b"", 0, False, 0), 0, stamped, dedupe_key, extra, [touch])
        for event in stamped:
            self._state.apply(event)
            self._bus.publish(event)
        return stamped

    def refused_by_broker(self, topic: str, reason: str) -> None:
        """The embedded broker dropped a publish its sender may not make: logged as a rejected message."""
        self._reject(Incoming(topic, b"", 0, False, 0), self._acks.ack_token(), reason)

    def _too_large(self, message: Incoming) -> str | None:
        limit = self._config.mqtt.max_payload_bytes
        if len(message.payload) > limit:
            return f"payload too large: {len(message.payload)} bytes (limit {limit})"
        return None

    def _audio_message(self, message: Incoming, token: int) -> bool:
        """A satellite's audio stream message: handed to the voice streams; False for any other topic."""
        if self._audio is None or "/audio/" not in message.topic:
            return False
        too_large = self._too_large(message)
        if too_large:
            self._reject(message, token, too_large)
            return True
        taken = self._audio(message.topic, message.payload)
        if taken is False:
            return False
        if isinstance(taken, Exception):
            self._reject(message, token, getattr(taken, "reason", str(taken)))
            return True
        self.counters["audio"] += 1
        self._acks.ack(message, token)
        return True

    def _decode(self, message: Incoming) -> tuple[list[Event], str | None, dict[str, Any] | None, tuple]:
        too_large = self._too_large(message)
        if too_large:
            raise DecodeError(too_large)
        route = topics.parse(message.topic, self._prefix, self._config.mqtt.zigbee2mqtt_topic)
        if route is None:
            raise DecodeError("topic is not part of the carehub topic contract")
        if message.retain and route.channel == "event":
            # An event happens once; a retained one is the broker replaying an old (or planted) message
            # to every new subscriber, so a hub restart would raise the same SOS again.
            raise DecodeError("retained event: events are never retained, this one is a replay, not news")
        now = self._clock.now()
        if route.channel == "zigbee2mqtt":
            status = self._registry.by_zigbee2mqtt(route.device)
            if status is None:
                self._registry.note_unknown(message.topic, now, "unknown Zigbee2MQTT device", route.device)
                raise DecodeError(f"unknown Zigbee2MQTT device '{route.device}' (no device in config.yaml has "
                                  "this zigbee2mqtt name)")
        else:
            status = self._registry.get(route.home, route.device)
            if status is None:
                reason = (f"unknown home '{route.home}'" if route.home != self._home
                          else f"unknown device '{route.device}' (not in config.yaml)")
                self._registry.note_unknown(message.topic, now, reason, f"{route.home}/{route.device}")
                raise DecodeError(reason)
        device = status.config
        online: bool | None = None
        if route.channel == "availability":
            said = self._adapters.availability(message.payload)
            online = said.online
            changed = status.online is not online
            decoded = Decoded(events=[DeviceCameOnline() if online else DeviceWentOffline(reason=said.reason)]
                              if changed else [])
            status.online = online
        else:
            decoded = self._adapters.decode(device, route.channel, message.payload)
        status.last_seen = now
        status.messages += 1
        events = [
            _stamped(ev, id=new_id(), ts=now, home=self._home, device=device.id, person=device.person)
            for ev in decoded.events
        ]
        dedupe_key = f"{self._home}/{device.id}/{decoded.msg_id}" if decoded.msg_id else None
        extra = {"device_ts": decoded.device_ts} if decoded.device_ts else None
        touch = (self._home, device.id, now, None if online is None else int(online), 1, message.topic)
        return events, dedupe_key, extra, touch

    def _reject(self, message: Incoming, token: int, reason: str) -> None:
        self.counters["rejected"] += 1
        kind = reason_kind(reason)
        if kind not in self.rejections and len(self.rejections) >= _REASON_KINDS:
            kind = "other"
        self.rejections[kind] += 1
        route = topics.parse(message.topic, self._prefix, self._config.mqtt.zigbee2mqtt_topic)
        preview = message.payload[:_PREVIEW_BYTES].decode("utf-8", "replace")
        topic = message.topic[:_TOPIC_CHARS]
        event = MessageRejected(topic=topic, reason=reason[:1000], preview=preview).stamped(
            id=new_id(), ts=self._clock.now(), home=self._home, device=route.device[:_TOPIC_CHARS] if route else None)
        self._log_rejection(kind, topic, event.id, reason)
        self._log_then_ack(message, token, [event], None, None, [])
        self._bus.publish(event)

    def _log_rejection(self, kind: str, topic: str, event_id: str, reason: str) -> None:
        """At most one line a minute per kind of rejection: a flood of junk must not become a flood of log."""
        now = time.monotonic()
        last, unlogged = self._rejection_logged.get(kind, (-_LOG_EVERY, 0))
        if now - last < _LOG_EVERY:
            self._rejection_logged[kind] = (last, unlogged + 1)
            return
        self._rejection_logged[kind] = (now, 0)
        more = f" (and {unlogged} more like it since the last line)" if unlogged else ""
        log.warning("rejected message on %s (event %s): %s%s", topic, event_id, reason[:300], more)

    def _log_commit_failure(self, topic: str, error: BaseException) -> None:
        """At most one line a minute: a failing disk under a flood of messages must not become a flood of log."""
        self.counters["commit_failed"] += 1
        now = time.monotonic()
        if now - self._commit_failure_logged < _LOG_EVERY:
            return
        self._commit_failure_logged = now
        log.error("commit failed for message on %s; retrying (%d failed commits so far): %s", topic,
                  self.counters["commit_failed"], error)

    def _log_then_ack(self, message: Incoming, token: int, events: list[Event], dedupe_key: str | None,
                      extra: dict[str, Any] | None, touches: list[tuple], acks: Acknowledger | None = None) -> None:
        """Log a message's rows; acknowledge the message once they are committed (on ``acks``, else the hub's link)."""

        def committed(error: BaseException | None) -> None:
            if error is None:
                (acks or self._acks).ack(message, token)
                for copy, its_token, its_acks in self._unlogged.pop(dedupe_key, ()) if dedupe_key else ():
                    its_acks.ack(copy, its_token)
                return
            if not self._log.started:
                return  # the home has stopped here: the message stays with the broker for the partition's next holder
            if isinstance(error, Fenced):
                # The partition's lease has run out: the worker stops the home once it notices. Said once a home,
                # not once a message; retried like any failed commit in case the lease was only late to renew.
                self.counters["fenced"] += 1
                if self.counters["fenced"] == 1:
                    log.warning("home %s: %s; its messages wait for whoever holds the partition", self._home, error)
            else:
                self._log_commit_failure(message.topic, error)
            # Not acknowledging keeps the message with the broker; retry so it is not stuck in flight.
            asyncio.get_running_loop().call_later(
                _RETRY_COMMIT_AFTER, self._log_then_ack, message, token, events, dedupe_key, extra, touches, acks)

        if dedupe_key is not None:
            self._unlogged.setdefault(dedupe_key, [])
        self._log.append_then(committed, events, dedupe_key=dedupe_key, extra=extra, touches=touches)


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\d+")


def reason_kind(reason: str) -> str:
    """A rejection reason without the names and numbers in it: what ``rejections`` counts by."""
    return _QUOTED.sub("…", reason.split(":")[0])[:60]
