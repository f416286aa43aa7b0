"""The composition root: wires config, broker, MQTT link, event log, bus and HTTP into one hub.

The ingest path lives here too because it is the hub's reason to exist: topic → device → typed
events → log (and bus) → acknowledgement to the broker once committed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections import Counter
from typing import Any

import devices
import devices.zigbee2mqtt
from assistant import __version__, topics
from assistant.alerts import AlertManager
from assistant.broker import EmbeddedBroker
from assistant.bus import EventBus
from assistant.clock import Clock, SystemClock
from assistant.config import Config
from assistant.alerts.delivery import AppriseNotifier, Notifier
from assistant.commands import Command, Speak
from assistant.errors import DecodeError, UnknownDevice
from assistant.eventlog import EventLog, EventQuery
from assistant.events import (
    BrokerConnected, BrokerDisconnected, CommandSent, DeviceCameOnline, DeviceWentOffline, Event, HubStarted,
    HubStopped, MessageRejected, SubscriberFailed, UtteranceReported,
)
from assistant.http import HttpServer
from assistant.ids import new_id
from assistant.mqtt import Incoming, MqttLink
from assistant.registry import DeviceRegistry
from assistant.skill_loader import SkillClass, discover
from assistant.skill_runtime import SkillRuntime
from assistant.state import StateStore

log = logging.getLogger(__name__)

_PREVIEW_BYTES = 200
_RETRY_COMMIT_AFTER = 1.0
_PLAIN_EVENT: dict[type[Event], bool] = {}


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


class Hub:
    """One hub serving one home (the home id is in every topic, so several hubs can share a broker).

    ``offline=True`` runs everything but MQTT: what would be published is kept in ``outbox``. The
    skill test harness uses it. ``skills`` replaces discovery with an explicit list.
    """

    def __init__(self, config: Config, *, clock: Clock | None = None, offline: bool = False,
                 skills: list[SkillClass] | None = None, notifier: Notifier | None = None) -> None:
        self.config = config
        self.offline = offline
        self.outbox: list[tuple[str, bytes, bool]] = []
        self._explicit_skills = skills
        self.state = StateStore({d.id: d.room for d in config.devices if d.room})
        self.clock: Clock = clock or SystemClock()
        self.home = config.home.id
        self.prefix = config.mqtt.topic_prefix
        self.registry = DeviceRegistry.from_config(config)
        self.log = EventLog(config.database_path)
        self.bus = EventBus(on_failure=self._subscriber_failed)
        self.counters: Counter[str] = Counter()
        self.rejections: Counter[str] = Counter()
        self.broker: EmbeddedBroker | None = None
        self.http: HttpServer | None = None
        self.link = MqttLink(
            config.mqtt,
            subscriptions=topics.subscriptions(self.prefix, [self.home], config.mqtt.zigbee2mqtt_topic),
            status_topic=topics.hub_topic(self.prefix, self.home, "status"),
            on_message=self.handle_message,
            on_state=self._broker_state,
        )
        self._link_task: asyncio.Task[None] | None = None
        self._reader: EventQuery | None = None
        self._reader_lock = threading.Lock()
        self._started_monotonic = 0.0
        self._rejection_log_budget: Counter[str] = Counter()
        self.skills = SkillRuntime(self)
        from assistant.speech.pipeline import VoiceStreams, pipeline_for_hub

        self.voice = VoiceStreams(self, pipeline_for_hub(self, config.voice))
        """Satellites' audio streams → speech-to-text → the utterance path; models load on first use."""
        self._tts: Any = None
        self.agent: Any = None
        """The language model's agent when ``llm.enabled`` (assistant.llm), else None."""
        self.alerts = AlertManager(self, notifier or AppriseNotifier())
        self.bus.subscribe(self._on_utterance_reported, UtteranceReported, name="satellite-text")

    # -- life cycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        self._started_monotonic = time.monotonic()
        await self.log.start()
        reader = await asyncio.to_thread(EventQuery, self.config.database_path)
        self._reader = reader
        self.registry.restore(await asyncio.to_thread(reader.devices))
        await self.bus.start()
        await self.alerts.start()
        if self.config.mqtt.broker == "embedded" and not self.offline:
            self.broker = EmbeddedBroker(self.config.mqtt.host, self.config.mqtt.port,
                                         self.config.mqtt.session_expiry)
            await self.broker.start()
        await self.emit(HubStarted(version=__version__))
        if self._explicit_skills is not None:
            classes, errors = self._explicit_skills, []
        else:
            classes, errors = await asyncio.to_thread(discover, self.config)
        await self.skills.start(classes, errors)
        if self.config.llm.enabled:
            from assistant.llm.hub import build_agent

            self.agent = build_agent(self, self.config.llm)
            self.agent.warm_up()  # loads in a thread; until then unmatched utterances get the honest fallback
        if not self.offline:
            self._link_task = asyncio.create_task(self.link.run(), name="carehub-mqtt")
        if self.config.http.enabled:
            self.http = HttpServer(self, self.config.http.host, self.config.http.port)
            await self.http.start()

    async def wait_connected(self, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            await self.link.connected.wait()

    async def stop(self) -> None:
        if self.http is not None:
            await self.http.stop()
            self.http = None
        await self.link.close(goodbye=True)
        if self._link_task is not None:
            self._link_task.cancel()
            await asyncio.gather(self._link_task, return_exceptions=True)
            self._link_task = None
        await self.voice.drain()
        await self.skills.stop()
        if self.agent is not None:
            await self.agent.model.close()
            self.agent = None
        await self.alerts.stop()
        # Committed in order after every message's rows: once it is, each message has been acknowledged.
        await self.emit(HubStopped())
        await self.bus.stop()
        if self.broker is not None:
            await self.broker.stop()
            self.broker = None
        await self.log.close()
        with self._reader_lock:  # a query thread may still be running
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    async def __aenter__(self) -> "Hub":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- events the hub itself raises ------------------------------------------------------------

    def stamp(self, event: Event, **envelope: Any) -> Event:
        return event.stamped(id=new_id(), ts=self.clock.now(), home=envelope.pop("home", self.home), **envelope)

    async def emit(self, event: Event, *, wait: bool = True) -> Event:
        """Stamp, log and publish an event that did not come from a device message."""
        if not event.id:
            event = self.stamp(event, device=event.device, person=event.person, cause=event.cause)
        future = self.log.append([event])
        self.state.apply(event)
        self.bus.publish(event)
        if wait:
            await future
        return event

    async def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        """Publish at QoS 1 (kept in ``outbox`` when offline)."""
        if self.offline:
            self.outbox.append((topic, payload, retain))
            return
        await self.link.publish(topic, payload, qos=1, retain=retain)

    async def send_command(self, device_id: str, command: Command, *, skill: str | None = None,
                           cause: str | None = None) -> Event:
        """Encode ``command`` for the device's kind, publish it on its ``set`` topic, and log it."""
        status = self.registry.get(self.home, device_id)
        if status is None:
            raise UnknownDevice(device_id)
        device = status.config
        if isinstance(command, Speak) and device.speech == "audio":
            return await self._speak_audio(device, command, skill=skill, cause=cause)
        if device.zigbee2mqtt:
            payload = devices.zigbee2mqtt.encode(device.kind, command)
            topic = f"{self.config.mqtt.zigbee2mqtt_topic}/{device.zigbee2mqtt}/set"
        else:
            payload = devices.encode(device.kind, command)
            topic = topics.device_topic(self.prefix, self.home, device.id, "set")
        await self.publish(topic, payload)
        args = {k: v for k, v in vars(command).items() if v is not None}
        return await self.emit(CommandSent(command=type(command).__name__, args=args, topic=topic, skill=skill,
                                           device=device.id, person=device.person, cause=cause))

    async def _speak_audio(self, device: Any, command: Speak, *, skill: str | None, cause: str | None) -> Event:
        """Synthesize ``command`` for a speaker that plays audio and publish the WAV on its ``speech`` topic."""
        if self._tts is None:
            from assistant.speech.tts import TextToSpeech

            self._tts = TextToSpeech()
        speech = await self._tts.synthesize(command.text, command.language)
        topic = topics.device_topic(self.prefix, self.home, device.id, "speech")
        await self.publish(topic, speech.wav)
        args = {"text": command.text, "language": command.language, "engine": speech.engine,
                "seconds": round(speech.seconds, 2)}
        return await self.emit(CommandSent(command="Speak", args=args, topic=topic, skill=skill,
                                           device=device.id, person=device.person, cause=cause))

    async def say(self, text: str, **kwargs: Any) -> Any:
        """Handle a typed or transcribed utterance (see ``SkillRuntime.handle_utterance``)."""
        return await self.skills.handle_utterance(text, **kwargs)

    async def _on_utterance_reported(self, event: Event) -> None:
        """A satellite's own transcript: said in its room by its person; the reply goes back to it."""
        assert isinstance(event, UtteranceReported)
        device = self.config.device(event.device) if event.device else None
        if device is None or not event.text:
            return
        reply = await self.say(event.text, language=event.language or None, person=device.person, room=device.room,
                               source="satellite", cause=event.id)
        if reply.text:
            await self.send_command(device.id, Speak(reply.text, reply.language), cause=reply.utterance_id or event.id)

    def _subscriber_failed(self, name: str, event: Event, error: BaseException) -> None:
        self.counters["subscriber_failures"] += 1
        failure = self.stamp(SubscriberFailed(subscriber=name, error=repr(error)), cause=event.id,
                             device=event.device, person=event.person)
        self.log.append([failure])

    async def _broker_state(self, up: bool, reason: str) -> None:
        address = self.link.address
        if up:
            await self.emit(BrokerConnected(broker=address), wait=False)
        else:
            await self.emit(BrokerDisconnected(broker=address, reason=reason), wait=False)

    # -- ingest -----------------------------------------------------------------------------

    def handle_message(self, message: Incoming) -> None:
        """Turn one MQTT message into logged events; acknowledge it once they are committed."""
        token = self.link.ack_token()
        self.counters["received"] += 1
        if self._audio(message, token):
            return
        try:
            events, dedupe_key, extra, touch = self._decode(message)
        except DecodeError as error:
            self._reject(message, token, error.reason)
            return
        self.counters["accepted"] += 1
        self._log_then_ack(message, token, events, dedupe_key, extra, [touch])
        for event in events:
            self.state.apply(event)
            self.bus.publish(event)

    def _audio(self, message: Incoming, token: int) -> bool:
        """A satellite's audio stream message: handed to the voice streams; False for any other topic."""
        if "/audio/" not in message.topic:
            return False
        if len(message.payload) > self.config.mqtt.max_payload_bytes:
            self._reject(message, token, f"payload too large: {len(message.payload)} bytes "
                                         f"(limit {self.config.mqtt.max_payload_bytes})")
            return True
        taken = self.voice.feed(message.topic, message.payload)
        if taken is False:
            return False
        if isinstance(taken, Exception):
            self._reject(message, token, getattr(taken, "reason", str(taken)))
            return True
        self.counters["audio"] += 1
        self.link.ack(message, token)
        return True

    def _decode(self, message: Incoming) -> tuple[list[Event], str | None, dict[str, Any] | None, tuple]:
        if len(message.payload) > self.config.mqtt.max_payload_bytes:
            raise DecodeError(
                f"payload too large: {len(message.payload)} bytes (limit {self.config.mqtt.max_payload_bytes})")
        route = topics.parse(message.topic, self.prefix, self.config.mqtt.zigbee2mqtt_topic)
        if route is None:
            raise DecodeError("topic is not part of the carehub topic contract")
        if route.channel == "zigbee2mqtt":
            status = self.registry.by_zigbee2mqtt(route.device)
            if status is None:
                self.registry.note_unknown(message.topic, self.clock.now(), "unknown Zigbee2MQTT device")
                raise DecodeError(f"unknown Zigbee2MQTT device '{route.device}' (no device in config.yaml has "
                                  "this zigbee2mqtt name)")
        else:
            status = self.registry.get(route.home, route.device)
            if status is None:
                reason = (f"unknown home '{route.home}'" if route.home != self.home
                          else f"unknown device '{route.device}' (not in config.yaml)")
                self.registry.note_unknown(message.topic, self.clock.now(), reason)
                raise DecodeError(reason)
        device = status.config
        now = self.clock.now()
        online: bool | None = None
        if route.channel == "availability":
            text = message.payload.strip().decode("ascii", "replace").lower()
            if text not in ("online", "offline"):
                raise DecodeError(f"availability must be 'online' or 'offline', not {text[:40]!r}")
            online = text == "online"
            decoded = devices.Decoded(events=[])
            if status.online is not online:
                decoded = devices.Decoded(events=[DeviceCameOnline() if online else DeviceWentOffline()])
            status.online = online
        elif route.channel == "zigbee2mqtt":
            decoded = devices.zigbee2mqtt.decode(device.kind, message.payload)
        else:
            decoded = devices.decode(device.kind, route.channel, message.payload)
        status.last_seen = now
        status.messages += 1
        events = [
            _stamped(ev, id=new_id(), ts=now, home=self.home, device=device.id, person=device.person)
            for ev in decoded.events
        ]
        dedupe_key = f"{self.home}/{device.id}/{decoded.msg_id}" if decoded.msg_id else None
        extra = {"device_ts": decoded.device_ts} if decoded.device_ts else None
        touch = (self.home, device.id, now, None if online is None else int(online), 1, message.topic)
        return events, dedupe_key, extra, touch

    def _reject(self, message: Incoming, token: int, reason: str) -> None:
        self.counters["rejected"] += 1
        self.rejections[reason.split(":")[0][:60]] += 1
        route = topics.parse(message.topic, self.prefix, self.config.mqtt.zigbee2mqtt_topic)
        preview = message.payload[:_PREVIEW_BYTES].decode("utf-8", "replace")
        event = self.stamp(MessageRejected(topic=message.topic, reason=reason, preview=preview),
                           device=route.device if route else None)
        # Logging every rejection of a flooding sender would drown the log; the rows keep them all.
        self._rejection_log_budget[message.topic] += 1
        n = self._rejection_log_budget[message.topic]
        if n <= 5 or n % 1000 == 0:
            log.warning("rejected message on %s (event %s): %s", message.topic, event.id, reason)
        self._log_then_ack(message, token, [event], None, None, [])
        self.bus.publish(event)

    def _log_then_ack(self, message: Incoming, token: int, events: list[Event], dedupe_key: str | None,
                      extra: dict[str, Any] | None, touches: list[tuple]) -> None:
        """Log a message's rows; acknowledge the message once they are committed."""

        def committed(error: BaseException | None) -> None:
            if error is None:
                self.link.ack(message, token)
                return
            # Not acknowledging keeps the message with the broker; retry so it is not stuck in flight.
            log.error("commit failed for message on %s; retrying: %s", message.topic, error)
            asyncio.get_running_loop().call_later(
                _RETRY_COMMIT_AFTER, self._log_then_ack, message, token, events, dedupe_key, extra, touches)

        self.log.append_then(committed, events, dedupe_key=dedupe_key, extra=extra, touches=touches)

    # -- reading ------------------------------------------------------------------------------

    async def query_events(self, **filters: Any) -> list[dict[str, Any]]:
        filters.setdefault("home", self.home)
        return await asyncio.to_thread(self._read, lambda q: q.events(**filters))

    async def cause_chain(self, event_id: str) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self._read, lambda q: q.cause_chain(event_id))

    def _read(self, fn: Any) -> Any:
        with self._reader_lock:
            assert self._reader is not None
            return fn(self._reader)

    def health(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.link.connected.is_set() else "degraded",
            "version": __version__,
            "home": self.home,
            "uptime_s": round(time.monotonic() - self._started_monotonic, 1),
            "broker": {"address": self.link.address, "mode": self.config.mqtt.broker,
                       "connected": self.link.connected.is_set(), "reconnects": self.link.reconnects},
            "messages": {**dict(self.counters), "acked": self.link.acked},
            "rejections": dict(self.rejections),
            "event_log": {"path": str(self.config.database_path), "committed_rows": self.log.committed_rows,
                          "commits": self.log.commits, "write_errors": self.log.write_errors},
            "bus": self.bus.stats(),
            "skills": {"loaded": sorted(self.skills.loaded), "errors": [str(e) for e in self.skills.errors]},
        }


async def run_hub(config: Config, stop: asyncio.Event | None = None) -> None:
    """Run until ``stop`` is set (or forever)."""
    hub = Hub(config)
    await hub.start()
    try:
        await (stop.wait() if stop is not None else asyncio.Event().wait())
    finally:
        await hub.stop()
