"""One partition of homes in a worker: one MQTT session, one event-log writer thread, the hubs of its homes.

The partition, not the home, owns the expensive parts: its persistent MQTT session (client id
``carehub-p<k>``, subscribed to exactly its homes' topics) and the thread that commits its homes' event logs.
Each home keeps its own SQLite file (``p<k>/<home>.db``: events, alerts, skill state, sign-ins), so one
family's rows are never mixed with another's, a home moves to another partition by moving its file, and a
leaving home's data is one file. Each home keeps its own skills, alert desk and state, built by ``build_hub``
with the shared parts; its messages are handed to it by the topic's home. Homes are added and removed while
the partition runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from assistant import topics
from assistant.alerts.delivery import AppriseNotifier, Notifier
from assistant.app import Hub, HomeLink, SharedParts, build_hub
from assistant.clock import Clock, SystemClock
from assistant.config import Config, HttpConfig, MqttConfig, StorageConfig
from assistant.log_writer import LogWriter
from assistant.ingest import Incoming
from assistant.mqtt import MIN_BACKOFF, MqttLink
from assistant.skill_loader import SkillClass

log = logging.getLogger(__name__)

CLIENT_PREFIX = "carehub-p"
STARTING_AT_ONCE = 8
"""Homes started together when a partition starts: their database opening overlaps."""


def partition_client_id(index: int) -> str:
    """The MQTT client id of partition ``index``'s persistent session, whichever worker holds it."""
    return f"{CLIENT_PREFIX}{index}"


def partition_status_topic(prefix: str, index: int) -> str:
    """Where partition ``index`` says ``online``/``offline`` (retained; the last will says ``offline``)."""
    return f"{prefix}/_partitions/p{index}/status"


class FencedNotifier:
    """A notifier that sends only while the worker still holds the partition (a frozen worker that wakes past its
    lease must not page a caregiver the new owner pages too)."""

    def __init__(self, inner: Notifier, fence: Callable[[], bool], index: int) -> None:
        self.inner = inner
        self.fence = fence
        self.index = index
        self.refused = 0

    async def send(self, url: str, title: str, body: str, priority: str) -> tuple[bool, str]:
        if not self.fence():
            self.refused += 1
            return False, f"not sent: this worker no longer owns partition {self.index}"
        return await self.inner.send(url, title, body, priority)


class Partition:
    """The homes of partition ``index`` on this worker; ``start`` with their configurations, ``stop`` to hand over."""

    def __init__(self, index: int, mqtt: MqttConfig, data_dir: Path, *, clock: Clock | None = None,
                 notifier: Notifier | None = None, skills: Sequence[SkillClass] | None = None,
                 min_backoff: float | None = None, fence: Callable[[], bool] | None = None) -> None:
        """``fence`` says whether this worker still holds the partition (its lease, checked locally); once it
        answers False nothing more is committed, published, sent to a caregiver or reconnected."""
        self.index = index
        self.folder = Path(data_dir) / f"p{index}"
        """Where the partition's homes keep their files (``<home>.db``)."""
        self.mqtt = mqtt.model_copy(update={"client_id": partition_client_id(index), "broker": "external",
                                            "zigbee2mqtt_topic": None})
        self.clock = clock or SystemClock()
        self.fence = fence
        notifier = notifier or AppriseNotifier()  # one for all the partition's homes
        self._notifier: Notifier = FencedNotifier(notifier, fence, index) if fence else notifier
        self._skills = skills
        self.writer = LogWriter(f"carehub-p{index}-log", may_commit=fence)
        self.link = MqttLink(self.mqtt, subscriptions=[], status_topic=partition_status_topic(mqtt.topic_prefix, index),
                             min_backoff=MIN_BACKOFF if min_backoff is None else min_backoff)
        self.link.fence = fence
        self.link.on_message = self._route
        self.link.on_state = self._state
        self.hubs: dict[str, Hub] = {}
        self.failed: dict[str, str] = {}
        """Homes that could not start, with why."""
        self.unrouted = 0
        """Messages on the partition's session for no home it carries (acknowledged and dropped)."""
        self._lock = asyncio.Lock()
        self.started = False

    @property
    def homes(self) -> list[str]:
        return sorted(self.hubs)

    def database(self, home: str) -> Path:
        """The SQLite file of one of the partition's homes."""
        return self.folder / f"{home}.db"

    def home_config(self, config: Config) -> Config:
        """A home's configuration as this partition runs it: its broker, its file, no HTTP API of its own."""
        return config.model_copy(update={
            "mqtt": self.mqtt, "storage": StorageConfig(database=str(self.database(config.home.id).resolve())),
            "http": HttpConfig(enabled=False),
        })

    async def start(self, configs: Iterable[Config] = ()) -> None:
        """Start the given homes, several at once, then connect: the session's first delivery finds them all."""
        self.started = True
        gate = asyncio.Semaphore(STARTING_AT_ONCE)

        async def one(config: Config) -> None:
            async with gate:
                await self._start_home(config)

        async with self._lock:
            await asyncio.gather(*(one(config) for config in configs))
        self.link.start()

    async def add(self, config: Config) -> Hub | None:
        """Start a home in this partition (or restart it with a changed configuration); None if it failed."""
        async with self._lock:
            if config.home.id in self.hubs:
                await self._stop_home(config.home.id)
            return await self._start_home(config)

    async def _start_home(self, config: Config) -> Hub | None:
        home = config.home.id
        try:
            hub = build_hub(self.home_config(config), clock=self.clock, notifier=self._notifier,
                            skills=self._skills, shared=SharedParts(self.writer, self.link))
            await hub.start()
        except Exception as error:  # noqa: BLE001 - one home that cannot start must not stop the others
            log.exception("partition %d: home %s could not start", self.index, home)
            self.failed[home] = f"{type(error).__name__}: {error}"
            return None
        self.failed.pop(home, None)
        self.hubs[home] = hub
        assert isinstance(hub.link, HomeLink)
        await self.link.subscribe(hub.link.subscriptions)
        log.info("partition %d: home %s started", self.index, home)
        return hub

    async def remove(self, home: str) -> None:
        """Stop a home: its topics are unsubscribed first, so nothing arrives for it while it stops."""
        async with self._lock:
            await self._stop_home(home)

    async def _stop_home(self, home: str) -> None:
        hub = self.hubs.pop(home, None)
        if hub is None:
            return
        assert isinstance(hub.link, HomeLink)
        try:
            await self.link.unsubscribe(hub.link.subscriptions)
        finally:
            await hub.stop()
        log.info("partition %d: home %s stopped", self.index, home)

    async def stop(self, *, lost: bool = False) -> None:
        """Disconnect, then stop every home: what was acknowledged is committed.

        ``lost``: the lease is gone and another worker may own the session now; leave without the goodbye
        (``offline`` would overwrite the new owner's retained ``online``)."""
        await self.link.stop(goodbye=not lost)
        async with self._lock:
            for home in list(self.hubs):
                hub = self.hubs.pop(home)
                await hub.stop()
        self.started = False

    def _route(self, message: Incoming) -> None:
        route = topics.parse(message.topic, self.mqtt.topic_prefix)
        hub = self.hubs.get(route.home) if route is not None else None
        link = hub.link if hub is not None else None
        if not isinstance(link, HomeLink) or link.on_message is None:
            # A home removed a moment ago, or a topic of no home here: nothing will handle it, so it is
            # acknowledged rather than redelivered to this session for ever.
            self.unrouted += 1
            self.link.ack(message, self.link.ack_token())
            return
        link.on_message(message)

    async def _state(self, up: bool, reason: str) -> None:
        for hub in list(self.hubs.values()):
            link = hub.link
            if isinstance(link, HomeLink) and link.on_state is not None:
                await link.on_state(up, reason)
