"""The composition root: ``build_hub`` makes every part of one home's hub and wires them together.

This is the only module (with the CLI) that knows the concrete parts; each part is handed the
narrow things it uses (an event sink, a command sender, an event reader, the clock, the alert desk).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant import __version__, topics
from assistant.alerts.delivery import AppriseNotifier, Notifier
from assistant.alerts.desk import AlertDesk
from assistant.alerts.escalation import Escalation
from assistant.alerts.messages import Messenger
from assistant.alerts.store import AlertStore
from assistant.app_web import AppParts, caregiver_app
from assistant.broker import BrokerTls, EmbeddedBroker
from assistant.bus import EventBus
from assistant.clock import Clock, SystemClock, clock_info
from assistant.commands import Speak
from assistant.config import Config
from assistant.dispatch import CommandDispatcher, Outbox
from assistant.errors import SkillError
from assistant.eventlog import ConnectionWrapper, EventLog, OneConnection
from assistant.log_writer import LogWriter
from assistant.events import (
    AlertRequested, BrokerConnected, BrokerDisconnected, ButtonPressed, Event, HubStarted, HubStopped,
    MessageRequested, SubscriberFailed, UtteranceReported,
)
from assistant.homeassistant.bridge import EVENTS as HOME_ASSISTANT_EVENTS
from assistant.homeassistant.bridge import HomeAssistantBridge
from assistant.homeassistant.entities import HomeAssistantEntities
from assistant.http import ApiParts, HttpServer
from assistant.ingest import RECENT_MESSAGES, RECENT_MESSAGES_SHARED, Ingest, NoBroker
from assistant.llm.agent import Agent
from assistant.mqtt import MqttLink
from assistant.mqtt_trust import trust_for
from assistant.reader import LogReader
from assistant.recorder import Recorder
from assistant.registry import DeviceRegistry
from assistant.skill_loader import SkillClass, discover
from assistant.skill_runtime import Conversation, Reply, SkillHost, SkillRuntime
from assistant.speech.pipeline import VoiceStreams, pipeline_for
from assistant.speech.tts import TextToSpeech
from assistant.state import StateStore
from devices.routing import Adapters

log = logging.getLogger(__name__)

STORAGE_RETRY_EVERY = 5.0
"""Seconds between tries to write what the disk refused (full, read-only)."""


@dataclass(frozen=True)
class SharedParts:
    """What the homes of one partition share (``assistant.cluster.partition``): the thread that commits their
    event logs (one for all of a worker's partitions), the MQTT session, the partition's lease, asked before each
    commit, and the partition's SQLite file with its one connection (every row names its home). The partition
    starts and stops the session; a home's hub only uses it."""

    writer: LogWriter
    link: MqttLink
    fence: Callable[[], bool] | None = None
    file: OneConnection | None = None
    """None: the home keeps a file of its own (``config.storage.database``), still through one connection."""


class HomeLink:
    """One home's side of its partition's MQTT session: publishes and acknowledges through it.

    The partition hands this home's messages to ``on_message`` and connection changes to ``on_state``;
    starting and stopping the session is the partition's business, so ``start`` and ``stop`` do nothing.
    """

    def __init__(self, shared: MqttLink, subscriptions: list[str]) -> None:
        self.shared = shared
        self.subscriptions = subscriptions
        """This home's topic filters, which the partition subscribes to on its session."""
        self.on_message: Any = None
        self.on_state: Any = None

    @property
    def connected(self) -> asyncio.Event:
        return self.shared.connected

    @property
    def address(self) -> str:
        return self.shared.address

    @property
    def reconnects(self) -> int:
        return self.shared.reconnects

    @property
    def acked(self) -> int:
        return self.shared.acked

    def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def wait_connected(self, timeout: float = 10.0) -> None:
        await self.shared.wait_connected(timeout)

    async def first_attempt(self, timeout: float) -> Any:
        return await self.shared.first_attempt(timeout)

    def ack_token(self) -> int:
        return self.shared.ack_token()

    def ack(self, message: Any, token: int) -> None:
        self.shared.ack(message, token)

    async def publish(self, topic: str, payload: bytes | str, *, qos: int = 1, retain: bool = False) -> None:
        await self.shared.publish(topic, payload, qos=qos, retain=retain)


class AgentSlot:
    """Where the language model's agent will be: it is built once the skills (its tools) run."""

    def __init__(self) -> None:
        self.agent: Agent | None = None


class Hub:
    """One home's running parts and their life cycle (``build_hub`` makes one)."""

    def __init__(self, *, config: Config, clock: Clock, log: EventLog, bus: EventBus, state: StateStore,
                 registry: DeviceRegistry, recorder: Recorder, reader: LogReader, outbox: Outbox | None,
                 link: MqttLink | None, commands: CommandDispatcher, alerts: AlertDesk, escalation: Escalation,
                 skills: SkillRuntime, conversation: Conversation, voice: VoiceStreams, ingest: Ingest,
                 messenger: Messenger, agent: AgentSlot, explicit_skills: Sequence[SkillClass] | None,
                 app: AppParts, shared: bool = False) -> None:
        self.config = config
        self.clock = clock
        self.log = log
        self.bus = bus
        self.state = state
        self.registry = registry
        self.recorder = recorder
        self.reader = reader
        self.outbox = outbox
        """What an offline hub would have published (None when it runs with a broker)."""
        self.link = link
        self.commands = commands
        self.alerts = alerts
        self.escalation = escalation
        self.messenger = messenger
        self.skills = skills
        self.conversation = conversation
        self.voice = voice
        self.ingest = ingest
        self.app = app
        """The caregiver app: its sessions and live inbox (served by the HTTP API)."""
        self.shared = shared
        """One of a partition's homes: the MQTT session (and the event log's writer) belong to the partition."""
        self.broker: EmbeddedBroker | None = None
        self.http: HttpServer | None = None
        self.home_assistant: HomeAssistantBridge | None = None
        """Discovery and commands for Home Assistant, with ``home_assistant.enabled`` and a broker."""
        self.home_assistant_entities: HomeAssistantEntities | None = None
        """Home Assistant's entities as devices, with ``home_assistant.url``."""
        self._agent = agent
        self._explicit_skills = explicit_skills
        self._started_monotonic = 0.0
        self._storage_watch: asyncio.Task[None] | None = None

    @property
    def home(self) -> str:
        return self.config.home.id

    @property
    def agent(self) -> Agent | None:
        """The language model's agent when ``llm.enabled``, built once the skills (its tools) run."""
        return self._agent.agent

    # -- life cycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        self._started_monotonic = time.monotonic()
        await self.log.start()
        await self.reader.open()
        self.registry.restore(await self.reader.devices())
        self.ingest.remember(await self.reader.recent_message_keys(self.ingest.recent_limit))
        await self.bus.start()
        await self.alerts.start()
        await self.escalation.start(self.alerts.tokens)
        if self.config.http.enabled:
            # The app's sessions matter only where the app is served: a worker's homes have no HTTP API, and
            # a thousand of them each looking for sign-outs every 5 s cost a third of a core.
            await self.app.sessions.start(on_ended=self.app.live.end_sessions)
        if not self.shared:  # a partition watches its homes' storage, all in one task (``Partition``)
            self._storage_watch = asyncio.create_task(self._watch_storage(), name="carehub-storage")
        if self.link is not None and not self.shared:
            await self._secure_mqtt(self.link)
        await self.recorder.emit(HubStarted(version=__version__))
        errors: list[SkillError]
        if self._explicit_skills is not None:
            classes, errors = list(self._explicit_skills), []
        else:
            classes, errors = await _discover(self.config)
        await self.skills.start(classes, errors)
        await self.conversation.start()
        if self.home_assistant_entities is not None:
            await self.home_assistant_entities.start()
        if self.config.llm.enabled:
            from assistant.llm.wiring import build_agent

            agent = self._agent.agent = build_agent(self.config, self.skills, self.clock)
            agent.warm_up()  # loads in a thread; until then unmatched utterances get the honest fallback
        if self.link is not None:
            self.link.start()
        if self.config.http.enabled:
            self.http = HttpServer(self._api_parts(), self.config.http.host, self.config.http.port)
            await self.http.start()

    async def _secure_mqtt(self, link: MqttLink) -> None:
        """The hub's login and TLS files; the embedded broker with its logins and ACL (docs/security/mqtt.md)."""
        mqtt, base = self.config.mqtt, self.config.base_dir
        trust = trust_for(self.config, await asyncio.to_thread(self.alerts.store.secret)) if mqtt.auth else None
        link.login = trust.hub_login if trust is not None else None
        if mqtt.ca_file:
            link.ca_file = str(mqtt.path(mqtt.ca_file, base))
        if mqtt.broker == "embedded":
            tls = (BrokerTls(str(mqtt.path(mqtt.certfile, base)), str(mqtt.path(mqtt.keyfile, base)))
                   if mqtt.tls and mqtt.certfile and mqtt.keyfile else None)
            self.broker = EmbeddedBroker(mqtt.host, mqtt.port, mqtt.session_expiry, trust=trust, tls=tls,
                                         on_refused=self.ingest.refused_by_broker)
            await self.broker.start()

    def _api_parts(self) -> ApiParts:
        return ApiParts(config=self.config, clock=self.clock, health=self.health, reader=self.reader,
                        devices=self.registry, conversation=self.conversation, skills=self.skills,
                        alerts=self.alerts, voice=self.voice.pipeline, agent=lambda: self.agent, app=self.app)

    async def wait_connected(self, timeout: float = 10.0) -> None:
        if self.link is None:
            raise RuntimeError("an offline hub has no broker to connect to")
        await self.link.wait_connected(timeout)

    async def _watch_storage(self) -> None:
        """While the disk refuses writes, try again every few seconds: the held rows land once it recovers."""
        while True:
            await self.clock.sleep(STORAGE_RETRY_EVERY)
            await self.retry_storage()

    async def retry_storage(self) -> None:
        """What the disk refused (the log's rows, the alerts' changes) tried again, if anything was."""
        if self.log.failing is not None:
            self.log.retry()
        if self.alerts.store.failing is not None:
            await asyncio.to_thread(self.alerts.store.flush)

    def storage_problems(self) -> list[str]:
        """Why the hub cannot save what happens right now (empty when it can)."""
        problems = []
        if self.log.failing is not None:
            problems.append(f"event log cannot be written ({self.log.failing}); {self.log.held_rows} row(s) "
                            "held in memory")
        if self.alerts.store.failing is not None:
            problems.append(f"alerts cannot be saved ({self.alerts.store.failing}); "
                            f"{self.alerts.store.pending_writes} change(s) held in memory")
        return problems

    async def stop(self) -> None:
        if self._storage_watch is not None:
            self._storage_watch.cancel()
            await asyncio.gather(self._storage_watch, return_exceptions=True)
            self._storage_watch = None
        if self.http is not None:
            await self.http.stop()
            self.http = None
        if self.link is not None:
            await self.link.stop()
        if self.home_assistant is not None:
            await self.home_assistant.stop()
        if self.home_assistant_entities is not None:
            await self.home_assistant_entities.stop()
        await self.voice.drain()
        await self.skills.stop()
        if self._agent.agent is not None:
            await self._agent.agent.model.close()
            self._agent.agent = None
        await self.escalation.stop()
        await self.messenger.stop()
        await asyncio.to_thread(self.alerts.store.close)
        await self.app.sessions.stop()
        await asyncio.to_thread(self.app.sessions.store.close)
        if self.log.started:
            # Committed in order after every message's rows: once it is, each message has been acknowledged.
            self.log.retry()
            await self.recorder.emit(HubStopped())
        await self.bus.stop()
        if self.broker is not None:
            await self.broker.stop()
            self.broker = None
        await self.log.close()
        await asyncio.to_thread(self.reader.close)  # the last connection to close checkpoints the WAL: disk work

    async def __aenter__(self) -> Hub:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- shortcuts for tests and tools ------------------------------------------------------------

    async def emit(self, event: Event, *, wait: bool = True) -> Event:
        """Stamp, log and publish an event that did not come from a device message."""
        return await self.recorder.emit(event, wait=wait)

    async def hear(self, text: str, **kwargs: Any) -> Reply:
        """Handle a typed or transcribed utterance (see ``Conversation.hear``)."""
        return await self.conversation.hear(text, **kwargs)

    def health(self) -> dict[str, Any]:
        link = self.link
        connected = link is not None and link.connected.is_set()
        problems = self.storage_problems()
        return {
            "status": "error" if problems else "ok" if connected else "degraded",
            "problems": problems,
            "version": __version__,
            "home": self.home,
            "uptime_s": round(time.monotonic() - self._started_monotonic, 1),
            "clock": clock_info(self.clock),
            "broker": {"address": link.address if link else None, "mode": self.config.mqtt.broker,
                       "connected": connected, "reconnects": link.reconnects if link else 0},
            "messages": {**dict(self.ingest.counters), "acked": link.acked if link else 0,
                         "subscriber_failures": self.bus.failures},
            "rejections": dict(self.ingest.rejections),
            "event_log": {"path": str(self.config.database_path), "committed_rows": self.log.committed_rows,
                          "commits": self.log.commits, "write_errors": self.log.write_errors,
                          "held_rows": self.log.held_rows, "lost_rows": self.log.lost_rows},
            "bus": self.bus.stats(),
            "skills": {"loaded": sorted(self.skills.loaded), "errors": [str(e) for e in self.skills.errors]},
        }


async def _discover(config: Config) -> tuple[list[SkillClass], list[SkillError]]:
    return await asyncio.to_thread(discover, config)


def build_hub(config: Config, *, clock: Clock | None = None, offline: bool = False,
              skills: Sequence[SkillClass] | None = None, notifier: Notifier | None = None,
              database_wrapper: ConnectionWrapper | None = None, shared: SharedParts | None = None) -> Hub:
    """Every part of one home's hub, wired.

    ``offline`` runs everything but MQTT (what would be published is kept in ``hub.outbox``): the skill
    test harness and ``carehub listen`` use it. ``skills`` replaces discovery with an explicit list.
    ``database_wrapper`` wraps the connections the hub writes through (tests inject disk faults).
    ``shared`` makes the hub one of a partition's homes: its log is committed by the partition's writer thread
    and it speaks through the partition's MQTT session.
    """
    clock = clock or SystemClock()
    home = config.home.id
    # A partition's homes share one connection (three open files), not one for each part: see ``OneConnection``.
    one = (shared.file or OneConnection(config.database_path)) if shared is not None else None
    event_log = EventLog(config.database_path, wrap=database_wrapper, writer=shared.writer if shared else None,
                         shared=one, may_commit=shared.fence if shared else None)
    state = StateStore({d.id: d.room for d in config.devices if d.room})
    registry = DeviceRegistry.from_config(config)
    bus = EventBus()
    recorder = Recorder(event_log, clock, home, bus=bus, state=state)

    def subscriber_failed(name: str, event: Event, error: BaseException) -> None:
        recorder.record(SubscriberFailed(subscriber=name, error=repr(error), cause=event.id, device=event.device,
                                         person=event.person))

    bus.on_failure = subscriber_failed
    reader = LogReader(config.database_path, home, shared=one)
    outbox = Outbox() if offline else None
    subscriptions = topics.subscriptions(config.mqtt.topic_prefix, [home], config.mqtt.zigbee2mqtt_topic)
    link: MqttLink | None
    if offline:
        link = None
    elif shared is not None:
        link = HomeLink(shared.link, subscriptions)  # type: ignore[assignment]  # the same surface, shared
    else:
        link = MqttLink(config.mqtt, subscriptions=subscriptions,
                        status_topic=topics.hub_topic(config.mqtt.topic_prefix, home, "status"))
    adapters = Adapters()
    commands = CommandDispatcher(config, adapters, outbox if outbox is not None else link, recorder)  # type: ignore[arg-type]
    alert_store = AlertStore(config.database_path, home=home, wrap=database_wrapper, shared=one)
    desk = AlertDesk(config, alert_store, recorder, clock)
    notifier = notifier or AppriseNotifier()
    async def announce(text: str, language: str, cause: str | None) -> list[str]:
        """The technical alarm, aloud on every speaker at home (whoever hears it can phone for help)."""
        spoken = []
        for speaker in (d for d in config.devices if d.kind == "speaker"):
            try:
                await commands.send_command(speaker.id, Speak(text, language), cause=cause)
                spoken.append(speaker.id)
            except Exception:  # noqa: BLE001 - one broken speaker must not silence the others
                log.exception("could not speak on %s", speaker.id)
        return spoken

    # The skills run later; the app asks for them only when a daily report is opened.
    app = caregiver_app(config, clock, desk, reader, recorder,
                        skills=lambda: [skill.as_class() for skill in runtime.loaded.values()])
    escalation = Escalation(config, alert_store, notifier, recorder, clock, announce=announce, app=app.live)
    desk.when_changed(escalation.wake, raised=escalation.raised)
    messenger = Messenger(config, notifier, recorder, clock)
    bus.subscribe(messenger.on_message_requested, MessageRequested, name="messages")
    bus.subscribe(desk.on_alert_requested, AlertRequested, name="alerts:notify")
    bus.subscribe(desk.on_button, ButtonPressed, name="alerts:cancel", action="cancel")

    agent = AgentSlot()
    host = SkillHost(config=config, clock=clock, sink=recorder, commands=commands, log=reader, alerts=desk,
                     state=state, devices=registry, model=lambda: agent.agent)
    runtime = SkillRuntime(host, bus)
    runtime.store_connection.wrap = database_wrapper
    runtime.store_connection.shared = one
    conversation = Conversation(config, runtime, recorder, agent=lambda: agent.agent, lazy=shared is not None)
    voice = VoiceStreams(config, pipeline_for(config, conversation.hear, config.voice, tts=TextToSpeech()),
                         commands, clock)
    ingest = Ingest(config, adapters, registry, event_log, bus, state, clock, link or NoBroker(), audio=voice.feed,
                    recent=RECENT_MESSAGES_SHARED if shared is not None else RECENT_MESSAGES)

    async def satellite_heard(event: Event) -> None:
        """A satellite's own transcript: said in its room by its person; the reply goes back to it."""
        assert isinstance(event, UtteranceReported)
        device = config.device(event.device) if event.device else None
        if device is None or not event.text:
            return
        reply = await conversation.hear(event.text, language=event.language or None, person=device.person,
                                        room=device.room, source="satellite", cause=event.id)
        if reply.text:
            await commands.send_command(device.id, Speak(reply.text, reply.language),
                                        cause=reply.utterance_id or event.id)

    bus.subscribe(satellite_heard, UtteranceReported, name="satellite-text")
    entities = HomeAssistantEntities(config, devices=ingest, registry=registry, sink=recorder, alarms=desk,
                                     clock=clock) if config.home_assistant.url else None
    if entities is not None:
        commands.elsewhere.update(dict.fromkeys(entities.device_ids, entities))
    home_assistant = None
    if link is not None:
        link.on_message = ingest.handle
        if config.home_assistant.enabled:
            home_assistant = HomeAssistantBridge(config, publisher=link, acks=link, commands=commands, sink=recorder,
                                                 state=state, registry=registry, alerts=desk, clock=clock)
            link.subscriptions += home_assistant.subscriptions
            link.on_message = home_assistant.route(ingest.handle)
            bus.subscribe(home_assistant.on_event, *HOME_ASSISTANT_EVENTS, name="home-assistant")

        async def broker_state(up: bool, reason: str) -> None:
            address = link.address
            await recorder.emit(BrokerConnected(broker=address) if up else
                                BrokerDisconnected(broker=address, reason=reason), wait=False)
            if home_assistant is not None:
                await home_assistant.link_state(up, reason)

        link.on_state = broker_state
    hub = Hub(config=config, clock=clock, log=event_log, bus=bus, state=state, registry=registry, recorder=recorder,
              reader=reader, outbox=outbox, link=link, commands=commands, alerts=desk, escalation=escalation,
              skills=runtime, conversation=conversation, voice=voice, ingest=ingest, messenger=messenger, agent=agent,
              explicit_skills=skills, app=app, shared=shared is not None)
    hub.home_assistant = home_assistant
    hub.home_assistant_entities = entities
    return hub
