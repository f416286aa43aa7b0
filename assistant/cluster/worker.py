"""A worker: the partitions of homes it holds, claimed in etcd up to its fair share and run until lost.

Every ``tick`` the worker announces itself, counts the live workers, and moves towards its fair share of the
partitions (``ceil(partitions / workers)``): it claims free ones a few at a time (so a takeover does not stall
the alerts of the homes it already carries), and hands surplus ones over when another worker has fewer,
stopping each before releasing its key, so what it acknowledged is committed first. Every ``scan_every``
seconds it reads the folder of home files again and adds, restarts or removes homes in the partitions it runs.

When the lease is lost (etcd unreachable, the process frozen past its TTL) every partition is stopped at once,
without a goodbye on the broker and without reconnecting: the fence (``PartitionLeases.holds``) already
refuses their commits, publishes and notifications. Without etcd (``leases`` None) the worker holds every
partition: one machine, no failover.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.alerts.delivery import Notifier
from assistant.clock import Clock
from assistant.cluster.homes import PARTITIONS, HomeFile, HomeSource, Scan, partition_of
from assistant.cluster.lease import EtcdError, PartitionLeases
from assistant.cluster.partition import Partition, StartGate
from assistant.cluster.dismantle import dismantle
from assistant.cluster.urgent import HOLD_AT_MOST, Precedence
from assistant.config import MqttConfig
from assistant.log_writer import LogWriter
from assistant.loopwatch import LoopWatch
from assistant.skill_loader import SkillClass

log = logging.getLogger(__name__)

THAW_AFTER = 100
"""Homes a worker stops (removed, restarted with a changed file, their partition lost) before it collects everything
again. What a started home built is frozen, out of the collector's sight; a stopped home's objects stay frozen (about
a quarter of a megabyte a home) until then, because a collection of everything holds the event loop for about a
second a thousand homes."""
COLLECT_UP_TO = 1000
"""Running homes beyond which a worker does not collect everything at all: at 5,000 homes it held the loop 10 s
and the worker lost its lease (every partition with it); what is left of stopped homes stays in memory instead (their
hubs are emptied as they stop, so reference counting frees nearly all of them: ``dismantle.py``)."""


@dataclass
class WorkerSettings:
    """How a worker runs (``carehub worker`` takes them from its options and config.yaml's ``mqtt``)."""

    mqtt: MqttConfig
    data_dir: Path
    partitions: int = PARTITIONS
    tick: float = 0.25
    """Seconds between looks at etcd: claims, hand-overs, the count of live workers."""
    claims_per_tick: int = 4
    """Partitions claimed at most per tick, so taking over loads them a few at a time."""
    scan_every: float = 5.0
    """Seconds between readings of the home files."""
    min_backoff: float | None = None
    hold_at_most: float = HOLD_AT_MOST
    """Seconds an SOS or a fall taken from an urgent lane holds the main sessions' reading at most (0: never)."""
    public_url: str | None = None
    """The care centre's address as caregivers' phones reach it: their alerts' links open
    ``<public_url>/homes/<home>/app/alerts/<id>`` there (``carehub operator serve``)."""


@dataclass
class WorkerState:
    """What the worker holds, for ``carehub operator`` and the tests."""

    lost: list[tuple[list[int], str]] = field(default_factory=list)
    """Each loss of the lease: the partitions and why."""
    problems: dict[str, list[str]] = field(default_factory=dict)


class Worker:
    """Runs the partitions it holds; ``run`` until cancelled (``stop`` hands everything back)."""

    def __init__(self, worker_id: str, homes: HomeSource, settings: WorkerSettings, *,
                 leases: PartitionLeases | None = None, clock: Clock | None = None,
                 notifier: Notifier | None = None, skills: Sequence[SkillClass] | None = None) -> None:
        self.id = worker_id
        self.homes = homes
        self.settings = settings
        self.leases = leases
        self.clock = clock
        self.notifier = notifier
        self.skills = skills
        self.running: dict[int, Partition] = {}
        self.state = WorkerState()
        self._scan = Scan()
        self._scanned_at = -math.inf
        self._stamps: dict[int, dict[str, tuple[int, int]]] = {}
        """Per running partition, the file stamp each home was started with."""
        self._lost: set[int] = set()
        self._busy = asyncio.Lock()
        self._gate = StartGate(4)
        self.precedence = Precedence(settings.hold_at_most)
        """While an SOS or a fall taken from a lane is on its way to a caregiver, the main sessions do not read."""
        self.loop_watch = LoopWatch(f"worker {worker_id}")
        """How late the worker's event loop runs (its stalls are logged)."""
        self._writer = LogWriter(f"carehub-{worker_id}-log")
        """Commits every home's event log, one thread for all the partitions (``LogWriter``)."""
        """Homes starting at once across every partition this worker takes, those with messages waiting first."""
        self._settled: set[int] = set()
        self._collector_off = False
        """The garbage collector does not run on its own while homes start or run (``step``)."""
        self._stopped_frozen = 0
        """Homes stopped since the last full collection (their frozen objects wait for it)."""
        self._collect = False
        self.young_collections = 0
        """Steps in which the worker collected what was young (``_collect_young``)."""

    # -- life cycle ---------------------------------------------------------------------------------------

    async def run(self) -> None:
        """Claim, run and rebalance partitions until cancelled."""
        if self.leases is not None:
            self.leases.on_lost = self._on_lost
        watch = asyncio.ensure_future(self.loop_watch.run())
        try:
            while True:
                try:
                    await self.step()
                except EtcdError as error:
                    log.warning("worker %s: etcd: %s", self.id, error)
                await asyncio.sleep(self.settings.tick)
        finally:
            watch.cancel()
            await asyncio.shield(self.stop())

    async def stop(self) -> None:
        """Stop every partition (committing what was acknowledged), then release their keys."""
        async with self._busy:
            for index in sorted(self.running):
                await self._stop_partition(index, release=True)
            self._collector_on()

    def _collector_on(self) -> None:
        if self._collector_off:
            gc.enable()
            self._collector_off = False

    async def step(self) -> None:
        """One round: read the home files when due, fix lost partitions, move towards the fair share."""
        async with self._busy:
            loop = asyncio.get_running_loop()
            if loop.time() - self._scanned_at >= self.settings.scan_every:
                self._scanned_at = loop.time()
                self._scan = await asyncio.to_thread(self.homes.scan)
                self.state.problems = self._scan.problems
                for partition in list(self.running.values()):
                    await self._reconcile(partition)
            for index in sorted(self._lost):
                await self._stop_partition(index, release=False)
            self._lost.clear()
            if self.leases is None:
                for index in range(self.settings.partitions):
                    if index not in self.running:
                        await self._start_partition(index)
            else:
                await self._balance(self.leases)
            settled = {i for i, p in self.running.items() if p.all_started.is_set()}
            starting = set(self.running) - settled
            if starting and not self._collector_off:
                # Each full collection while homes start walks everything started so far: thousands of homes made
                # the start quadratic (pauses growing to seconds). Off until they have started, then one collection.
                gc.disable()
                self._collector_off = True
            if settled - self._settled and not starting:
                # What the homes built to start lives as long as they do: out of the collector's sight, a full
                # collection (a second's pause at a thousand homes, an SOS waiting behind it) only walks what is new.
                # Frozen without a collection first: one would walk every object the start made (10 s at 10,000
                # homes, every started home's alerts waiting); the start's own garbage is frozen with the rest.
                # Only once enough stopped homes were let out of the freezer (``_thaw``) is everything collected.
                if self._collect:
                    gc.collect()
                    self._collect = False
                gc.freeze()
            self._settled &= set(self.running)  # a partition stopped and claimed again is frozen again
            if not starting:
                self._settled = settled
                if self.running:
                    self._collect_young()
                else:
                    self._collector_on()

    def _collect_young(self) -> None:
        """With homes running, the collector runs here, each step, not on its own: what was made since the last step
        and is still alive is looked at, and what survives joins the frozen rest. Left to itself, the collector's
        full collections walked everything the homes had made or changed since they started: at 10,000 homes
        0.6-0.9 s every few seconds under load, an SOS waiting behind each. What this gives up: a cycle of objects
        that dies after surviving a step is not collected (until ``THAW_AFTER`` stopped homes bring a full
        collection)."""
        if not self._collector_off:
            gc.disable()
            self._collector_off = True
        gc.collect(1)
        gc.freeze()
        self.young_collections += 1

    # -- partitions ---------------------------------------------------------------------------------------

    def _homes_of(self, index: int) -> dict[str, HomeFile]:
        count = self.settings.partitions
        return {home: f for home, f in self._scan.homes.items() if partition_of(home, count) == index}

    async def _balance(self, leases: PartitionLeases) -> None:
        await leases.announce()
        workers = await leases.workers()
        fair = math.ceil(self.settings.partitions / max(len(workers), 1))
        holders = await leases.holders()
        mine = [i for i in self.running if i in leases.held]
        if len(mine) < fair:
            free = [i for i in range(self.settings.partitions) if i not in holders and i not in self.running]
            claimed = [index for index in free[:min(fair - len(mine), self.settings.claims_per_tick)]
                       if await leases.claim(index) is not None]
            # Started together: their homes' files open side by side, and the broker keeps their messages meanwhile.
            await asyncio.gather(*(self._start_partition(index) for index in claimed))
        elif len(mine) > fair:
            counts: dict[str, int] = {}
            for holder in holders.values():
                counts[holder.worker] = counts.get(holder.worker, 0) + 1
            if any(counts.get(worker, 0) < fair for worker in workers if worker != self.id) \
                    and len(holders) >= self.settings.partitions:
                index = max(mine)
                log.info("worker %s: handing partition %d over (%d held, fair share %d)", self.id, index,
                         len(mine), fair)
                await self._stop_partition(index, release=True)

    async def _start_partition(self, index: int) -> None:
        leases = self.leases
        fence = (lambda: leases.holds(index)) if leases is not None else None
        partition = Partition(index, self.settings.mqtt, self.settings.data_dir, clock=self.clock,
                              notifier=self.notifier, skills=self.skills, min_backoff=self.settings.min_backoff,
                              fence=fence, gate=self._gate, public_url=self.settings.public_url,
                              token=leases.held.get(index) if leases is not None else None, writer=self._writer,
                              precedence=self.precedence)
        partition.on_stopped = dismantle  # a stopped home is freed at once, not left frozen (``dismantle.py``)
        self.running[index] = partition
        homes = self._homes_of(index)
        # Not waiting for its homes: the session is taken over now, homes with messages waiting start first.
        await partition.start((f.config for f in homes.values()), wait=False)
        self._stamps[index] = {home: f.stamp for home, f in homes.items()}
        log.info("worker %s: partition %d taken with %d home(s)", self.id, index, len(homes))

    async def _reconcile(self, partition: Partition) -> None:
        """Add new homes, restart changed ones, remove deleted ones."""
        wanted = self._homes_of(partition.index)
        stamps = self._stamps.setdefault(partition.index, {})
        for home in [h for h in partition.homes if h not in wanted]:
            await partition.remove(home)
            stamps.pop(home, None)
            self._thaw()
        for home, entry in wanted.items():
            if not partition.has(home) or stamps.get(home) != entry.stamp:
                if partition.has(home):
                    self._thaw()  # its running hub is replaced
                await partition.add(entry.config)
                stamps[home] = entry.stamp

    def _thaw(self, homes: int = 1) -> None:
        """Hubs stopped after a freeze would stay in memory for ever. Once ``THAW_AFTER`` homes have been stopped,
        let the collector see everything again: the next step collects (walking every object: about a second a
        thousand homes, which is why it waits for that many) and freezes what is still alive."""
        self._stopped_frozen += homes
        if self._stopped_frozen >= THAW_AFTER:
            running = sum(len(p.hubs) for p in self.running.values())
            if running > COLLECT_UP_TO:
                log.warning("worker %s: %d home(s) stopped since the last collection, not collecting: a collection "
                            "over %d running homes would hold the event loop past the lease's TTL", self.id,
                            self._stopped_frozen, running)
            else:
                log.info("worker %s: %d home(s) stopped since the last collection: collecting", self.id,
                         self._stopped_frozen)
                gc.unfreeze()
                self._settled = set()
                self._collect = True
            self._stopped_frozen = 0

    async def _stop_partition(self, index: int, *, release: bool) -> None:
        partition = self.running.pop(index, None)
        self._stamps.pop(index, None)
        if partition is not None:
            homes = len(partition.hubs)
            await partition.stop(lost=not release)
            self._thaw(homes)
        if release and self.leases is not None:
            try:
                await self.leases.release(index)
            except EtcdError as error:  # the key expires with the lease anyway
                log.warning("worker %s: releasing partition %d: %s", self.id, index, error)

    def _on_lost(self, partitions: frozenset[int], reason: str) -> None:
        """The lease is gone: the fence already refuses everything; the next step stops them."""
        log.warning("worker %s: lost partition(s) %s: %s", self.id, sorted(partitions), reason)
        self.state.lost.append((sorted(partitions), reason))
        self._lost.update(partitions)
