"""Home Assistant on carehub's broker: discovery and states out, commands in through carehub's own path.

Each time the hub connects it publishes every discovery config (retained) and every state it knows; after that
it publishes a state whenever the hub's state of a device or a person changes. The config of an entity no
longer configured is emptied, which removes it from Home Assistant: when the hub connects and again when Home
Assistant says it is online (its birth message), until it has been online to receive it.
A command from Home Assistant becomes a ``command_requested`` event and then an ordinary ``command_sent``
caused by it, so ``carehub events --why`` tells that Home Assistant switched the light. A press of an "I'm on
it" button acknowledges the person's newest open alert as the button's caregiver, via ``home_assistant``.
A skill's summary of a person's day (``day_summary_updated``: today's medication) is a sensor of the person.
"""

from __future__ import annotations

import asyncio
import builtins
import logging
from collections.abc import Coroutine
from typing import Any
from typing import Protocol

from assistant.alerts.model import Alert, AlertStatus
from assistant.clock import Clock
from assistant.commands import Command, Lock, TurnOff, TurnOn, Unlock
from assistant.config import Config
from assistant.events import (
    AlertAcknowledged, AlertFolded, AlertRaised, AlertResolved, BatteryReported, ClimateMeasured, CommandRequested,
    ContactChanged, DaySummaryUpdated, DeviceCameOnline, DeviceWentOffline, Event, LockStateReported, MessageRejected,
    MotionCleared,
    MotionDetected, OccupancyChanged, SwitchStateReported, VitalSignsMeasured, WearStateReported,
)
from assistant.homeassistant.discovery import Discovery, Entity, command_for, person_state
from assistant.homeassistant.memory import DiscoveryMemory
from assistant.ingest import Acknowledger
from assistant.mqtt import Incoming, MessageHandler
from assistant.mqtt_trust import topic_matches
from assistant.ports import CommandSender, EventSink, Publisher
from assistant.registry import DeviceRegistry
from assistant.state import StateStore

log = logging.getLogger(__name__)

ALERT_EVENTS = (AlertRaised, AlertFolded, AlertAcknowledged, AlertResolved)
DEVICE_EVENTS = (MotionDetected, MotionCleared, ContactChanged, OccupancyChanged, SwitchStateReported,
                 ClimateMeasured, VitalSignsMeasured, WearStateReported, BatteryReported, DeviceCameOnline,
                 DeviceWentOffline, LockStateReported)
EVENTS = (*ALERT_EVENTS, *DEVICE_EVENTS, DaySummaryUpdated)
"""What the bridge listens to on the bus."""
PRESENCE_EVENTS = (MotionDetected, ContactChanged, OccupancyChanged)
COMMANDS: dict[str, type[Command]] = {"TurnOn": TurnOn, "TurnOff": TurnOff, "Lock": Lock, "Unlock": Unlock}
VIA = "home_assistant"
"""How an acknowledgement from Home Assistant is recorded (the alert's ``acked_via``, its history's channel)."""
SILENCE_CHECK_EVERY = 60.0
"""Seconds between looks for devices that missed their heartbeats (Home Assistant then shows them unavailable)."""


class Alerts(Protocol):
    """The alert desk, as far as Home Assistant's view of people needs it."""

    async def list(self, caregiver_id: str | None = None, status: AlertStatus | str | None = None,
                   limit: int = 100) -> builtins.list[Alert]: ...

    async def acknowledge(self, alert_id: str, *, by: str, via: str) -> Any: ...


class HomeAssistantBridge:
    """Publishes one home for Home Assistant and carries out Home Assistant's commands."""

    def __init__(self, config: Config, *, publisher: Publisher, acks: Acknowledger, commands: CommandSender,
                 sink: EventSink, state: StateStore, registry: DeviceRegistry, alerts: Alerts, clock: Clock) -> None:
        self._config = config
        self.discovery = Discovery(config)
        self._publisher = publisher
        self._acks = acks
        self._commands = commands
        self._sink = sink
        self._state = state
        self._registry = registry
        self._alerts = alerts
        self._clock = clock
        self._summaries: dict[Entity, tuple[str, dict[str, Any]]] = {}
        """The latest day summary (its text and details) of each summary sensor."""
        self._published: dict[str, bytes] = {}
        """What the broker holds (retained) of what the hub published since it connected, by topic."""
        self._people_alerts: list[Alert] | None = None
        """The unresolved alerts the people's states were last worked out from."""
        self._memory = DiscoveryMemory(config.database_path.with_name("home-assistant-discovery.json"))
        self._to_remove: set[str] | None = None
        """Discovery topics to empty (read from the memory when first needed)."""
        self._memory_lock = asyncio.Lock()
        self._publishing = asyncio.Lock()
        """Held while a state is worked out and published, so an older state never overtakes a newer one."""
        self._connected = False
        self._watching = False
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def birth_topic(self) -> str:
        """Where Home Assistant says ``online`` each time it connects (its MQTT integration's birth message)."""
        return f"{self.discovery.discovery_prefix}/status"

    @property
    def subscriptions(self) -> list[str]:
        """Home Assistant's commands, and its birth message."""
        return [self.discovery.command_filter, self.birth_topic]

    def route(self, others: MessageHandler) -> MessageHandler:
        """The link's message handler: Home Assistant's topics here, everything else to ``others`` (ingest)."""

        def handle(message: Incoming) -> None:
            if any(topic_matches(f, message.topic) for f in self.subscriptions):
                self._spawn(self._handle(message, self._acks.ack_token()))
            else:
                others(message)

        return handle

    # -- life cycle --------------------------------------------------------------------------------------------

    async def link_state(self, up: bool, reason: str = "") -> None:
        """The hub's link came up (publish everything again) or went down (publish nothing until it is back)."""
        self._connected = up
        if up:
            self._published.clear()
            self._spawn(self._publish_everything())
            if not self._watching:
                self._watching = True
                self._spawn(self._watch_silence())

    async def stop(self) -> None:
        self._connected = False
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def _configs(self) -> dict[str, bytes]:
        return self.discovery.configs()

    # -- out ---------------------------------------------------------------------------------------------------

    async def _publish(self, topic: str, payload: bytes) -> None:
        if not self._connected or self._published.get(topic) == payload:
            return
        try:
            await self._publisher.publish(topic, payload, qos=1, retain=True)
        except Exception as error:  # noqa: BLE001 - the link is down; everything is published again on reconnect
            log.info("not published for Home Assistant (%s): %s", error, topic)
            return
        self._published[topic] = payload

    async def _stale(self) -> set[str]:
        """Discovery topics of entities no longer configured that Home Assistant has not yet been told of."""
        async with self._memory_lock:
            if self._to_remove is None:
                remembered = await asyncio.to_thread(self._memory.load)
                for person, subject, title in remembered.summaries:  # still someone's: not stale
                    self.discovery.add_summary(person, subject, title)
                self._to_remove = set(remembered.published | remembered.to_remove) - set(self._configs)
                await self._remember()
            return self._to_remove

    async def _remember(self) -> None:
        summaries = {(e.owner_id, e.key, e.name or "") for e in self.discovery.entities if e.attributes}
        await asyncio.to_thread(self._memory.save, set(self._configs), set(self._to_remove or ()), summaries)

    async def _remove_stale(self) -> None:
        """Empty the configs of entities no longer configured, so Home Assistant removes them."""
        for topic in sorted(await self._stale()):
            log.info("removing %s from Home Assistant: no longer configured", topic)
            await self._publisher.publish(topic, b"", qos=1, retain=True)

    async def _publish_everything(self) -> None:
        try:
            await self._remove_stale()
        except Exception as error:  # noqa: BLE001 - the link went down; tried again on reconnect
            log.info("stale Home Assistant entities not removed yet: %s", error)
        async with self._publishing:
            await self._publish_people()  # first: whether someone needs help matters most
            for topic, payload in self._configs.items():
                await self._publish(topic, payload)
            for device in self._config.devices:
                await self._publish_availability(device.id)
                await self._publish_device(device.id)
            for entity in list(self._summaries):
                await self._publish_summary(entity)
        log.info("published %d entities for Home Assistant", len(self._configs))

    async def _watch_silence(self) -> None:
        """A device that stops reporting sends nothing: look at every device's silence now and then."""
        while True:
            await self._clock.sleep(SILENCE_CHECK_EVERY)
            if self._connected:
                async with self._publishing:
                    for device in self._config.devices:
                        await self._publish_availability(device.id)
                    await self._publish_people(same_alerts=True)  # someone not noticed for long: "not seen"

    async def _publish_availability(self, device_id: str) -> None:
        status = self._registry.get(self._config.home.id, device_id)
        state = status.state(self._clock.now()) if status is not None else "never seen"
        shown = b"offline" if state in ("offline", "silent") else b"online"
        await self._publish(self.discovery.availability_topic(device_id), shown)

    async def _publish_device(self, device_id: str) -> None:
        device = self._config.device(device_id)
        if device is None:
            return
        state = self._state.get(device_id)
        for topic, payload in [*self.discovery.states("device", device_id, state),
                               *self.discovery.vitals_states(device, state)]:
            await self._publish(topic, payload)

    async def _publish_people(self, *, same_alerts: bool = False) -> None:
        """Each person's state; ``same_alerts``: with the alerts read last time (only the time has moved on)."""
        if not same_alerts or self._people_alerts is None:
            self._people_alerts = [*await self._alerts.list(status=AlertStatus.OPEN, limit=1000),
                                   *await self._alerts.list(status=AlertStatus.ACKNOWLEDGED, limit=1000)]
        alerts = self._people_alerts
        for person in self._config.people:
            state = person_state(person.id, alerts, self._state.room_of(person.id), self._state.noticed_at(person.id),
                                 now=self._clock.now(), not_seen_after=self._config.home_assistant.not_seen_after)
            for topic, payload in self.discovery.states("person", person.id, state):
                await self._publish(topic, payload)

    async def _publish_summary(self, entity: Entity) -> None:
        summary, details = self._summaries[entity]
        for topic, payload in self.discovery.summary_states(entity, summary, details):
            await self._publish(topic, payload)

    async def _summary(self, event: DaySummaryUpdated) -> None:
        """Kept whether or not the link is up (a skill sums up its day when the hub starts, before it connects)."""
        await self._stale()  # the remembered summary sensors first, so a known one is not added twice
        known = len(self.discovery.entities)
        entity = self.discovery.add_summary(event.person or "", event.subject, event.title)
        if entity is None:
            log.info("day summary %s for %s not shown in Home Assistant: not a configured person's, or its subject "
                     "is another entity's (%s)", event.subject, event.person, event.id)
            return
        self._summaries[entity] = (event.summary, event.details)
        if len(self.discovery.entities) != known:
            async with self._memory_lock:
                await self._remember()
        async with self._publishing:
            await self._publish(self.discovery.config_topic(entity), self._configs[self.discovery.config_topic(entity)])
            await self._publish_summary(entity)

    async def on_event(self, event: Event) -> None:
        """A bus subscriber: publish what the event changed."""
        if isinstance(event, DaySummaryUpdated):
            await self._summary(event)
            return
        if not self._connected:
            return
        async with self._publishing:
            if isinstance(event, ALERT_EVENTS):
                await self._publish_people()
            elif event.device is not None:
                await self._publish_availability(event.device)  # online again after a silence, or offline
                await self._publish_device(event.device)
                if isinstance(event, PRESENCE_EVENTS) and event.person:
                    await self._publish_people()

    # -- in ----------------------------------------------------------------------------------------------------

    async def _handle(self, message: Incoming, token: int) -> None:
        try:
            if message.topic == self.birth_topic:
                await self._home_assistant_online(message)
            else:
                await self._command(message)
        except Exception:  # noqa: BLE001 - acknowledged all the same: a broken command must not come back forever
            log.exception("handling Home Assistant's message on %s failed", message.topic)
        finally:
            self._acks.ack(message, token)

    async def _home_assistant_online(self, message: Incoming) -> None:
        """Home Assistant (re)connected and listens to discovery: now it hears the removals, and everything is
        published again (a broker that lost its retained messages meanwhile would leave it with nothing)."""
        said = message.payload.strip()
        if said != b"online":
            log.warning("Home Assistant says %r on %s: its dashboard shows nothing new until it is back; carehub's "
                        "own alerts go on as before", said[:20], message.topic)
            return
        if not self._connected:
            return
        if await self._stale():
            await self._remove_stale()
            self._to_remove = set()
            async with self._memory_lock:
                await self._remember()
        log.info("Home Assistant is online: publishing discovery and states again")
        self._published.clear()
        await self._publish_everything()

    async def _command(self, message: Incoming) -> None:
        entity = self.discovery.entity_for_command(message.topic)
        if entity is not None and entity.component == "button":
            await self._pressed(entity, message)
            return
        device = self._config.device(entity.owner_id) if entity is not None else None
        if entity is None or device is None:
            await self._reject(message, "no carehub device takes Home Assistant's commands on this topic")
            return
        try:
            name, args = command_for(entity, message.payload)
        except ValueError as error:
            await self._reject(message, f"Home Assistant's command for {device.id}: {error}", device.id)
            return
        requested = await self._sink.emit(CommandRequested(
            command=name, args=args, source="home_assistant", topic=message.topic, device=device.id,
            person=device.person))
        log.info("Home Assistant asked for %s %s on %s (%s)", name, args, device.id, requested.id)
        await self._commands.send_command(device.id, COMMANDS[name](**args), cause=requested.id)

    async def _reject(self, message: Incoming, reason: str, device: str | None = None) -> None:
        preview = message.payload[:200].decode("utf-8", errors="replace")
        await self._sink.emit(MessageRejected(topic=message.topic[:256], reason=reason, preview=preview, device=device))

    async def _pressed(self, button: Entity, message: Incoming) -> None:
        """An "I'm on it" button: the person's newest open alert, acknowledged as the button's caregiver."""
        person = button.owner_id
        try:
            _, args = command_for(button, message.payload)
        except ValueError as error:
            await self._reject(message, f"Home Assistant's button for {person}: {error}")
            return
        caregiver = args["caregiver"]
        requested = await self._sink.emit(CommandRequested(
            command="Acknowledge", args=args, source="home_assistant", topic=message.topic, person=person))
        theirs = [a for a in await self._alerts.list(caregiver_id=caregiver, status=AlertStatus.OPEN, limit=1000)
                  if a.person == person]
        if not theirs:
            log.info("Home Assistant: %s pressed %s's \"I'm on it\" with no open alert; nothing changed (%s)",
                     caregiver, person, requested.id)
            return
        newest = theirs[0]  # the desk lists the newest first
        await self._alerts.acknowledge(newest.id, by=caregiver, via=VIA)
        log.info("Home Assistant: alert %s about %s acknowledged as %s (%s)", newest.id, person, caregiver,
                 requested.id)
