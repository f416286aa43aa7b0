"""One partition of homes in a worker: one MQTT session, one SQLite file, the hubs of its homes.

The partition, not the home, owns the expensive parts: its persistent MQTT session (client id
``carehub-p<k>``, subscribed to exactly its homes' topics) and its SQLite file (``p<k>/homes.db``: every home's
events, alerts and skill state, each row naming its home), through one connection its homes share. The thread that
commits their event logs is the worker's, one for all its partitions, and asks the partition's lease before each
commit. A file per home would keep three files open a home (the file, its WAL, its shared memory): 10,000 homes
would need 30,000 open files, beyond what a host allows a process, and as many page caches. Each home keeps its own
skills, alert desk and state, built by ``build_hub`` with the shared parts; its messages are handed to it by the
topic's home. Homes are added and removed while the partition runs.

Taking a partition over must not wait for every home to start (tens of milliseconds each): the session connects
at once with every home's topics, homes start a few at a time in the background, and a home that has messages
waiting (an SOS pressed while the old owner was dead) jumps the queue. Its messages wait, unacknowledged, and are
handed to it in order once it runs; if the partition is stopped first they are redelivered to the next owner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta, timezone
from pathlib import Path

from assistant import topics
from assistant.alerts.delivery import AppriseNotifier, Notifier
from assistant.app import STORAGE_RETRY_EVERY, Hub, HomeLink, SharedParts, build_hub
from assistant.clock import Clock, SystemClock
from assistant.cluster import centre, fencing
from assistant.cluster.homes import PARTITION_FILE
from assistant.cluster.legacy_files import import_home, legacy_file
from assistant.cluster.urgent import Precedence, UrgentLane
from assistant.config import Config, HttpConfig, MqttConfig, StorageConfig
from assistant.eventlog import OneConnection
from assistant.log_writer import LogWriter
from assistant.ingest import Incoming
from assistant.mqtt import MIN_BACKOFF, MqttLink
from assistant.skill_loader import SkillClass

log = logging.getLogger(__name__)

CLIENT_PREFIX = "carehub-p"
CARE_PENDING_WITHIN = 600.0
"""Seconds back a fall makes its home start first when a partition is taken over (its check may be unfinished)."""
FIRST_LOOK = 2.0
"""Seconds a partition's homes wait, at most, for what its session had queued before they start."""
STARTING_AT_ONCE = 8
"""Homes started together when a partition starts: their database opening overlaps."""


class StartGate:
    """How many homes start at once in a worker, across its partitions: a slot that frees goes first to a partition
    with a home that has an event waiting (an SOS pressed while nobody held it), then to one with any message
    waiting, then in turn.

    Starting is CPU work on one event loop: many at once only slows each, so a called home must not queue behind
    every other partition's homes."""

    def __init__(self, at_once: int = STARTING_AT_ONCE) -> None:
        self.free = at_once
        self._waiting: list[tuple[asyncio.Future[None], Callable[[], int]]] = []

    async def acquire(self, urgent: Callable[[], int]) -> None:
        """Wait for a slot; ``urgent`` says, when a slot frees, how urgent the waiter is now (higher first)."""
        if self.free > 0 and not self._waiting:
            self.free -= 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (future, urgent)
        self._waiting.append(entry)
        try:
            await future
        except asyncio.CancelledError:
            if entry in self._waiting:
                self._waiting.remove(entry)
            elif future.done() and not future.cancelled():
                self.release()  # granted as it was cancelled: hand the slot on
            raise

    def release(self) -> None:
        if not self._waiting:
            self.free += 1
            return
        ranks = [e[1]() for e in self._waiting]
        entry = self._waiting[ranks.index(max(ranks))]  # the most urgent; the longest waiting among equals
        self._waiting.remove(entry)
        entry[0].set_result(None)


def partition_client_id(index: int) -> str:
    """The MQTT client id of partition ``index``'s persistent session, whichever worker holds it."""
    return f"{CLIENT_PREFIX}{index}"


def partition_status_topic(prefix: str, index: int) -> str:
    """Where partition ``index`` says ``online``/``offline`` (retained; the last will says ``offline``)."""
    return f"{prefix}/_partitions/p{index}/status"


class FencedNotifier:
    """A notifier that sends only while the worker still holds the partition (a frozen worker that wakes past its
    lease must not page a caregiver the new owner pages too), and tells the worker's ``Precedence`` of each page
    sent (an urgent event's work is done: its main sessions read again)."""

    def __init__(self, inner: Notifier, fence: Callable[[], bool] | None, index: int,
                 precedence: Precedence | None = None) -> None:
        self.inner = inner
        self.fence = fence
        self.index = index
        self.precedence = precedence
        self.refused = 0

    async def send(self, url: str, title: str, body: str, priority: str) -> tuple[bool, str]:
        if self.fence is not None and not self.fence():
            self.refused += 1
            return False, f"not sent: this worker no longer owns partition {self.index}"
        try:
            return await self.inner.send(url, title, body, priority)
        finally:
            if self.precedence is not None and priority == "high":  # an SOS's or a fall's page
                self.precedence.paged()


class Partition:
    """The homes of partition ``index`` on this worker; ``start`` with their configurations, ``stop`` to hand over."""

    def __init__(self, index: int, mqtt: MqttConfig, data_dir: Path, *, clock: Clock | None = None,
                 notifier: Notifier | None = None, skills: Sequence[SkillClass] | None = None,
                 min_backoff: float | None = None, fence: Callable[[], bool] | None = None,
                 gate: StartGate | None = None, public_url: str | None = None, token: int | None = None,
                 writer: LogWriter | None = None, precedence: Precedence | None = None) -> None:
        """``fence`` says whether this worker still holds the partition (its lease, checked locally); once it
        answers False nothing more is committed, published, sent to a caregiver or reconnected. ``writer`` is the
        worker's commit thread, ``precedence`` its urgent events' hold on reading, each shared by its partitions (a
        partition on its own makes its own)."""
        self.index = index
        self.folder = Path(data_dir) / f"p{index}"
        self.file = OneConnection(self.folder / PARTITION_FILE)
        """The partition's SQLite file, every home's rows in it, and the one connection its homes share."""
        self._claimed = False
        self._claiming = asyncio.Lock()
        self.mqtt = mqtt.model_copy(update={"client_id": partition_client_id(index), "broker": "external",
                                            "zigbee2mqtt_topic": None})
        self.clock = clock or SystemClock()
        self.fence = fence
        self.token = token
        """The lease's fencing token: written into the partition's file before its first home starts, checked by
        every commit (``fencing.py``); None without etcd."""
        self.public_url = public_url.rstrip("/") if public_url else None
        """The care centre's address for caregivers' links (``<public_url>/homes/<home>/...``)."""
        notifier = notifier or AppriseNotifier()  # one for all the partition's homes
        self.precedence = precedence or Precedence()
        self._notifier: Notifier = FencedNotifier(notifier, fence, index, self.precedence)
        self._skills = skills
        self.writer = writer or LogWriter(f"carehub-p{index}-log")
        backoff = MIN_BACKOFF if min_backoff is None else min_backoff
        self.link = MqttLink(self.mqtt, subscriptions=[], status_topic=partition_status_topic(mqtt.topic_prefix, index),
                             min_backoff=backoff)
        self.link.fence = fence
        self.link.on_message = self._route
        self.link.on_state = self._state
        self.hubs: dict[str, Hub] = {}
        self.urgent = UrgentLane(self.mqtt, self.link.status_topic, self.hubs, fence=fence, min_backoff=backoff)
        """The second session, for the homes' events only: it reads while the main one waits for the log."""
        self.waiting: dict[str, Config] = {}
        """Homes of the partition not started yet, in the order they will start (unless messages call them)."""
        self._starting: set[str] = set()
        self._closing = False
        self._alarmed: set[str] = set()
        """Waiting homes with an event among their messages: they start before homes with readings only."""
        self._called: dict[str, list[Incoming]] = {}
        """Messages for waiting homes, by home in the order their first message came: these start first."""
        self._care: list[str] = []
        """Waiting homes whose care was under way in the partition's file (an open alert, a fall being checked):
        after homes with an event waiting, before homes with readings waiting, which at load are all of them."""
        self._starter: asyncio.Task[None] | None = None
        self._storage: asyncio.Task[None] | None = None
        self.gate = gate or StartGate()
        """Shared by a worker's partitions: how many of its homes start at once."""
        self.all_started = asyncio.Event()
        """Set once every home given to ``start`` has started (or failed to)."""
        self.failed: dict[str, str] = {}
        """Homes that could not start, with why."""
        self.centre: dict[str, centre.CentreCommands] = {}
        """Each home's handler of care-centre commands (with its counts)."""
        self.unrouted = 0
        self.dropped: dict[str, int] = {}
        """Messages for homes that could not start, by home (each logged with its topic)."""
        """Messages on the partition's session for no home it carries (acknowledged and dropped)."""
        self._lock = asyncio.Lock()
        self.started = False
        self.on_stopped: Callable[[Hub], None] | None = None
        """Called with each hub once it has stopped (a worker lets its objects go: ``dismantle.py``)."""

    @property
    def homes(self) -> list[str]:
        """Every home of the partition: running, waiting to start, and those that could not start (subscribed
        still, tried again at the worker's next scan)."""
        return sorted({*self.hubs, *self.waiting, *self.failed})

    def database(self, home: str | None = None) -> Path:
        """The SQLite file of the partition's homes (each row names its home)."""
        return self.file.path

    def home_config(self, config: Config) -> Config:
        """A home's configuration as this partition runs it: its broker, its file, no HTTP API of its own (its
        caregivers' links go to the care centre when the worker knows its address)."""
        update: dict[str, object] = {
            "mqtt": self.mqtt, "storage": StorageConfig(database=str(self.database(config.home.id).resolve())),
            "http": HttpConfig(enabled=False),
        }
        if self.public_url:
            update["alerts"] = config.alerts.model_copy(
                update={"public_url": f"{self.public_url}/homes/{config.home.id}"})
        return config.model_copy(update=update)

    async def start(self, configs: Iterable[Config] = (), *, wait: bool = True) -> None:
        """Connect with every home's topics and start the homes, several at once; ``wait`` for all of them.

        Without ``wait`` this returns once the session is on its way: homes start in the background, those with
        messages waiting first (``all_started`` is set when the last has started)."""
        self.started = True
        self.precedence.links.append(self.link)
        for config in configs:
            self.waiting[config.home.id] = config
        await self.link.subscribe([f for home in self.waiting for f in self.subscriptions(home)])
        await self.urgent.add(list(self.waiting))
        self.link.start()
        self.urgent.link.start()
        self._starter = asyncio.create_task(self._start_all(), name=f"carehub-p{self.index}-starter")
        self._storage = asyncio.create_task(self._watch_storage(), name=f"carehub-p{self.index}-storage")
        if wait:
            await self.all_started.wait()

    async def _watch_storage(self) -> None:
        """Every few seconds, what the disk refused any home here tried again: one task for the partition's homes,
        not one each (10,000 homes' watches woke 2,000 times a second, each leaving a timer and a coroutine to the
        collector's young pass)."""
        while True:
            await self.clock.sleep(STORAGE_RETRY_EVERY)
            for hub in list(self.hubs.values()):
                await hub.retry_storage()

    def subscriptions(self, home: str) -> list[str]:
        """A home's topic filters on the partition's session (as its hub's ``HomeLink`` has them)."""
        return [*topics.subscriptions(self.mqtt.topic_prefix, [home], None),
                centre.command_topic(self.mqtt.topic_prefix, home)]

    async def _start_all(self) -> None:
        async with self._lock:  # adding or removing a home waits until the partition's homes have started
            since = (self.clock.now() - timedelta(seconds=CARE_PENDING_WITHIN)).astimezone(timezone.utc)
            first = await asyncio.to_thread(self._care_pending, list(self.waiting),
                                            since.isoformat(timespec="microseconds"))
            # Homes whose care was under way (an open alert, a fall being checked) start before the rest, so
            # what falls due for them is sent on time; only an event waiting (an SOS) calls a home ahead of them.
            self._care = [h for h in first if h in self.waiting]
            # What the session had queued comes with its connection: looked at first, an SOS among it calls its
            # home ahead of the rest (a broker that does not answer holds no home back for long).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(FIRST_LOOK):
                    await self.link.first_handed_over.wait()
            try:
                await asyncio.gather(*(self._start_waiting() for _ in range(STARTING_AT_ONCE)))
            finally:
                self.all_started.set()

    def _care_pending(self, homes: list[str], since: str) -> list[str]:
        """The homes with an open alert or a fall since ``since`` in the partition's file (blocking: a thread's
        work)."""
        path = self.database()
        if not path.is_file():
            return []
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
            try:
                found = {home for (home,) in conn.execute(
                    "SELECT home FROM alerts WHERE status = 'open' UNION "
                    "SELECT home FROM events WHERE kind = 'fall_detected' AND ts >= ?", [since])}
            finally:
                conn.close()
        except sqlite3.Error:
            return []  # unreadable here: the homes start in their turn and say what is wrong then
        return [home for home in homes if home in found]

    def _next_called(self) -> str | None:
        """The home to start next: one with an event waiting (an SOS, a fall), then one whose care was under way,
        then one with any message."""
        return (next((h for h in self._called if h in self._alarmed and h in self.waiting), None)
                or next((h for h in self._care if h in self.waiting), None)
                or next((h for h in self._called if h in self.waiting), None))

    def _urgency(self) -> int:
        """What the partition has waiting, for the start gate: 2 an event or care under way, 1 a reading, 0 nothing."""
        if self._closing:
            return 2
        called = self._next_called()
        return 0 if called is None else 2 if called in self._alarmed or called in self._care else 1

    async def _start_waiting(self) -> None:
        while self.waiting:
            await self.gate.acquire(self._urgency)
            try:
                if not self.waiting:
                    return
                home = self._next_called() or next(iter(self.waiting))
                await self._start_home(self.waiting.pop(home))
            finally:
                self.gate.release()

    def has(self, home: str) -> bool:
        """Whether the home is the partition's: running, starting or waiting to start."""
        return home in self.hubs or home in self.waiting or home in self._starting

    async def add(self, config: Config) -> Hub | None:
        """Start a home in this partition (or restart it with a changed configuration); None if it failed or
        waits to start (it then starts with this configuration)."""
        if config.home.id in self.waiting:  # not started yet: it will start with this configuration
            self.waiting[config.home.id] = config
            return None
        async with self._lock:
            old = self.hubs.pop(config.home.id, None)
            if old is not None:
                # A changed configuration: its topics stay subscribed, and what arrives while it restarts waits
                # (unacknowledged) for the new hub, which gets it in order.
                self._starting.add(config.home.id)
                try:
                    commands = self.centre.pop(config.home.id, None)
                    if commands is not None:
                        await commands.stop()
                    await self._stop_hub(old)
                except Exception:  # noqa: BLE001 - the home must still start with its new configuration
                    log.exception("partition %d: home %s did not stop cleanly", self.index, config.home.id)
                log.info("partition %d: home %s stopped to restart", self.index, config.home.id)
            return await self._start_home(config)

    async def _start_home(self, config: Config) -> Hub | None:
        home = config.home.id
        self._starting.add(home)
        hub: Hub | None = None
        try:
            async with self._claiming:  # once, before the first home: its homes start several at a time
                if self.token is not None and not self._claimed:
                    await asyncio.to_thread(fencing.claim, self.database(), self.token)
                    self._claimed = True
                old = legacy_file(self.folder, home)
                if old.is_file():  # kept by a worker before partitions kept one file: its rows come in first
                    await asyncio.to_thread(import_home, self.database(), old, home, self.token)
            hub = build_hub(self.home_config(config), clock=self.clock, notifier=self._notifier,
                            skills=self._skills, shared=SharedParts(self.writer, self.link, self.fence, self.file),
                            database_wrapper=fencing.wrapper(self.token) if self.token is not None else None)
            self.centre[home] = centre.attach(hub)
            await hub.start()
        except Exception as error:  # noqa: BLE001 - one home that cannot start must not stop the others
            log.exception("partition %d: home %s could not start", self.index, home)
            self.failed[home] = f"{type(error).__name__}: {error}"
            self.centre.pop(home, None)
            if hub is not None:
                with contextlib.suppress(Exception):
                    await hub.stop()  # what it opened before failing
            self._starting.discard(home)
            self._alarmed.discard(home)
            for message in self._called.pop(home, []):
                self._drop(message, home)
            return None
        self.failed.pop(home, None)
        self._starting.discard(home)
        self.hubs[home] = hub
        hub.ingest.on_urgent = self.precedence.urgent
        assert isinstance(hub.link, HomeLink)
        # No await since the hub was registered: what waited is handed over before anything newer is routed.
        self._alarmed.discard(home)
        for message in self._called.pop(home, []):
            self._route(message)
        try:
            if self.link.connected.is_set() and hub.link.on_state is not None:
                await hub.link.on_state(True, "")  # started after the session connected: its log says so too
            # Filters beyond the home's own (pre-subscribed) are kept by the link for its next connect if the
            # session is down now.
            await self.link.subscribe(hub.link.subscriptions)
            await self.urgent.add([home])
        except Exception:  # noqa: BLE001 - the home runs; the rest of the partition's homes must still start
            log.exception("partition %d: home %s started, but telling it of the session failed", self.index, home)
        log.info("partition %d: home %s started", self.index, home)
        return hub

    async def remove(self, home: str) -> None:
        """Stop a home: its topics are unsubscribed first, so nothing arrives for it while it stops."""
        if self.waiting.pop(home, None) is not None:  # never started
            await self.link.unsubscribe(self.subscriptions(home))
            await self.urgent.remove(home)
            self._alarmed.discard(home)
            for message in self._called.pop(home, []):
                self._drop(message)
            return
        async with self._lock:
            if home not in self.hubs and self.failed.pop(home, None) is not None:  # it never ran here
                await self.link.unsubscribe(self.subscriptions(home))
                await self.urgent.remove(home)
                self.dropped.pop(home, None)
                return
            await self._stop_home(home)

    async def _stop_home(self, home: str) -> None:
        hub = self.hubs.pop(home, None)
        commands = self.centre.pop(home, None)
        if hub is None:
            return
        if commands is not None:
            await commands.stop()
        assert isinstance(hub.link, HomeLink)
        try:
            await self.urgent.remove(home)
            await self.link.unsubscribe(hub.link.subscriptions)
        finally:
            await self._stop_hub(hub)
        log.info("partition %d: home %s stopped", self.index, home)

    async def _stop_hub(self, hub: Hub) -> None:
        await hub.stop()
        if self.on_stopped is not None:
            self.on_stopped(hub)

    async def stop(self, *, lost: bool = False) -> None:
        """Disconnect, then stop every home: what was acknowledged is committed.

        ``lost``: the lease is gone and another worker may own the session now; leave without the goodbye
        (``offline`` would overwrite the new owner's retained ``online``)."""
        # Homes not started stay so (a home half-way through starting finishes); messages still waiting for
        # their home are not acknowledged: the next owner's session gets them again.
        self._closing = True
        self.waiting.clear()
        if self._starter is not None:
            await asyncio.gather(self._starter, return_exceptions=True)
        self._called.clear()
        self._alarmed.clear()
        if self._storage is not None:
            self._storage.cancel()
            await asyncio.gather(self._storage, return_exceptions=True)
            self._storage = None
        if self.link in self.precedence.links:
            self.precedence.links.remove(self.link)
        self.link.release()
        await self.urgent.link.stop(goodbye=not lost)
        await self.link.stop(goodbye=not lost)
        async with self._lock:
            for home in list(self.hubs):
                hub = self.hubs.pop(home)
                commands = self.centre.pop(home, None)
                if commands is not None:
                    await commands.stop()
                await self._stop_hub(hub)
        self.started = False
        self._closing = False

    def _route(self, message: Incoming) -> None:
        route = topics.parse(message.topic, self.mqtt.topic_prefix)
        home = route.home if route is not None else centre.home_of(message.topic, self.mqtt.topic_prefix)
        hub = self.hubs.get(home) if home is not None else None
        link = hub.link if hub is not None else None
        if hub is None and home is not None and (home in self.waiting or home in self._starting):
            self._called.setdefault(home, []).append(message)  # it starts next, then gets these in order
            if route is None or route.channel == "event":
                self._alarmed.add(home)  # an SOS or a fall (or the care centre's command) goes before readings
            return
        if hub is None and self._closing:
            return  # a home that will not start here now: left unacknowledged for the next owner
        if not isinstance(link, HomeLink) or link.on_message is None:
            self._drop(message, home)
            return
        link.on_message(message)

    def _drop(self, message: Incoming, home: str | None = None) -> None:
        """A home removed a moment ago, one that could not start, or a topic of no home here: nothing will handle
        it, so it is acknowledged rather than redelivered to this session for ever (held unacknowledged, it would
        take one of the session's few in-flight places for good). A failed home's messages are logged, each with
        its topic, and counted in ``dropped``: the worker tries the home again at its next scan."""
        self.unrouted += 1
        why = self.failed.get(home) if home is not None else None
        if home is not None and why is not None:
            self.dropped[home] = self.dropped.get(home, 0) + 1
            log.error("partition %d: home %s is not running (%s): message on %s (%d bytes) not handled",
                      self.index, home, why, message.topic, len(message.payload))
        self.link.ack(message, self.link.ack_token())

    async def _state(self, up: bool, reason: str) -> None:
        if not up:
            # Messages waiting for their home were not acknowledged: the broker sends them again on the next
            # connection, where they are acknowledged under that connection's token, once and in order.
            self._called.clear()
            self._alarmed.clear()
        for hub in list(self.hubs.values()):
            link = hub.link
            if isinstance(link, HomeLink) and link.on_state is not None:
                await link.on_state(up, reason)
