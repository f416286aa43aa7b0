"""The thread that commits event logs' writes, in order: each log's own, or one shared by a worker's homes.

``EventLog`` queues its writes here; the thread gathers what is queued into one batch, commits each log's part of
it on that log's connection (``EventLog._commit``) and tells the writers. A worker's homes share one
``LogWriter``: a thread for thousands of homes. The homes of a partition share its file and one connection to it,
and their parts of a batch are committed in one transaction (``EventLog._commit_together``). One thread, not one
per partition: sixteen writer threads cost as much CPU as the event loop (each woke for nearly every message and
passed the GIL back and forth with the loop around every SQLite call), one costs a third of that.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from assistant.loopwatch import spent, stamp

if TYPE_CHECKING:
    from assistant.eventlog import EventLog

log = logging.getLogger(__name__)

_MAX_BATCH = 2000
SLOW_COMMIT = 1.0
"""A batch taking this many seconds or more to commit is logged with what it took and where the time went: while the
writer is held up, every home's readings wait unlogged (and a worker's links stop reading at their limit)."""
_COMMIT_SPACING = 0.002
"""Seconds between commits while writes keep coming; a write after a quiet spell commits at once.

Every commit costs about as much as inserting a few dozen rows, and under load the writer would
otherwise wake for every message and commit it almost alone.
"""

_CLOCK_EVERY = 0.1
"""Seconds between the writer's readings of its thread's clock (``stamp``), which say how a slow batch's time went."""


OnCommit = Callable[[BaseException | None], None]
"""Called on the event loop with None once a write is committed, or with the error that failed it."""


@dataclass
class Write:
    """Rows and device touches to commit, and whom to tell (a future, or ``on_commit``)."""

    rows: list[tuple]
    touches: list[tuple]
    future: asyncio.Future[None] | None
    loop: asyncio.AbstractEventLoop | None
    on_commit: OnCommit | None = None


@dataclass
class _Closing:
    """A log leaving a shared writer: resolved once every write queued before it is committed."""

    future: asyncio.Future[None]
    loop: asyncio.AbstractEventLoop


_Item = tuple["EventLog", "Write | _Closing"]
_NOTHING = object()


class Fenced(Exception):
    """A write refused because this worker no longer owns the partition the log belongs to."""


class LogWriter:
    """The thread that commits event logs' writes, in order.

    Each ``EventLog`` makes its own unless given one: the homes of a worker share one writer (a thread for
    thousands of homes, not one each), each home's rows going to that home's own file. A log's ``may_commit``
    (its partition's lease) is asked once a batch: False refuses that log's writes (its writers are told
    ``Fenced``), so a worker that lost a partition (frozen past its lease) commits nothing of its homes while it
    goes on committing the others'.
    """

    def __init__(self, name: str = "carehub-eventlog", *, slow: float = SLOW_COMMIT) -> None:
        self.name = name
        self.slow_after = slow
        """Seconds a batch's commit may take before it is logged as slow."""
        self.fenced = 0
        """Writes refused by ``may_commit``."""
        self.slow = 0
        """Batches that took ``slow_after`` seconds or more to commit."""
        self.longest = 0.0
        """The longest a batch took to commit, in seconds."""
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._users = 0

    def attach(self) -> None:
        self._users += 1
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def put(self, log: EventLog, write: Write) -> None:
        self._queue.put((log, write))

    async def detach(self, log: EventLog) -> None:
        """Wait until ``log``'s queued writes are committed; the last user stops the thread."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self._queue.put((log, _Closing(done, loop)))
        await done
        self._users -= 1
        if self._users == 0 and self._thread is not None:
            self._queue.put(None)
            thread, self._thread = self._thread, None
            await asyncio.to_thread(thread.join)

    def _run(self) -> None:
        last_commit = -_COMMIT_SPACING
        pending: object = _NOTHING
        clock = stamp()  # read again at most every _CLOCK_EVERY: a batch comes every few milliseconds at load
        while True:
            item = self._queue.get() if pending is _NOTHING else pending
            pending = _NOTHING
            if item is None:
                break
            assert isinstance(item, tuple)
            if isinstance(item[1], _Closing):
                closing = item[1]
                _call_soon(closing.loop, _set_done, closing.future)
                continue
            gather = last_commit + _COMMIT_SPACING - time.monotonic()
            if gather > 0:
                time.sleep(gather)
            batch = [item]
            while len(batch) < _MAX_BATCH:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None or isinstance(nxt[1], _Closing):
                    pending = nxt  # after this batch's commit: a closing log's writes are all in it
                    break
                batch.append(nxt)
            by_log: dict[EventLog, list[Write]] = {}
            for log_, write in batch:
                assert isinstance(write, Write)
                by_log.setdefault(log_, []).append(write)
            began = time.monotonic()
            if clock is not None and began - clock[0] >= _CLOCK_EVERY:
                clock = stamp()
            verdicts: dict[Callable[[], bool], bool] = {}  # a partition's lease, asked once a batch
            together: dict[object, list[tuple[EventLog, list[Write]]]] = {}
            for log_, writes in by_log.items():
                fence = log_.may_commit
                if fence is not None:
                    allowed = verdicts.get(fence)
                    if allowed is None:
                        allowed = verdicts[fence] = fence()
                    if not allowed:
                        self.fenced += len(writes)
                        log_._refuse(writes, Fenced(f"{log_.path.name}: not committed, this worker no longer "  # noqa: SLF001
                                                    "owns its partition"))
                        continue
                shared = log_.shares
                if shared is None:
                    log_._commit(writes)  # noqa: SLF001 - the writer commits on the log's behalf
                else:
                    together.setdefault(shared, []).append((log_, writes))
            slowest: tuple[float, EventLog | None] = (0.0, None)
            for parts in together.values():
                one = time.monotonic()
                if len(parts) == 1:
                    parts[0][0]._commit(parts[0][1])  # noqa: SLF001
                else:
                    parts[0][0]._commit_together(parts)  # noqa: SLF001
                slowest = max(slowest, (time.monotonic() - one, parts[0][0]), key=lambda s: s[0])
            last_commit = time.monotonic()
            self._took(last_commit - began, len(batch), len(by_log), slowest, clock)

    def _took(self, took: float, writes: int, logs: int, slowest: tuple[float, EventLog | None],
              clock: tuple[float, float, float] | None) -> None:
        """Count a batch's commit time; log one that took ``slow_after`` or more, saying where the time went."""
        self.longest = max(self.longest, took)
        if took < self.slow_after:
            return
        self.slow += 1
        after = stamp()
        how = f"; {spent('the writer', clock, after)}" if clock is not None and after is not None else ""
        where = ""
        if slowest[1] is not None:
            path, shared = slowest[1].path, slowest[1].shares
            wal = path.with_name(path.name + "-wal")
            size = wal.stat().st_size / 1e6 if wal.exists() else 0.0
            parts = ("waiting for its lock {:.0f} ms, inserting {:.0f} ms, committing {:.0f} ms, ".format(
                *(1000 * t for t in shared.took)) if shared is not None else "")
            where = (f"; the slowest file, {path.parent.name}/{path.name}, {slowest[0] * 1000:.0f} ms ({parts}its WAL "
                     f"{size:.1f} MB)")
        log.warning("event log writer: %d writes of %d logs took %.0f ms to commit (%d slow batch(es) so far)%s%s",
                    writes, logs, took * 1000, self.slow, where, how)


SETTLE_AT_ONCE = 200
"""Committed writes reported a turn of the event loop: a batch of thousands (a flood, a queue handed over) is
reported over several turns, in order, so its acknowledgements do not hold the loop from its timers."""


class _Outcomes:
    """A loop's committed batches waiting to be reported, oldest first, and whether a report is on its way."""

    def __init__(self) -> None:
        self.batches: deque[tuple[list[Write], BaseException | None]] = deque()
        self.lock = threading.Lock()
        self.scheduled = False


_outcomes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Outcomes] = weakref.WeakKeyDictionary()
_outcomes_lock = threading.Lock()


def settle(loop: asyncio.AbstractEventLoop, writes: list[Write], error: BaseException | None) -> None:
    """Report a batch's outcome (None: committed) to its writes on ``loop``, after every batch reported to it
    before (from any writer thread)."""
    with _outcomes_lock:
        waiting = _outcomes.get(loop)
        if waiting is None:
            waiting = _outcomes[loop] = _Outcomes()
    with waiting.lock:
        waiting.batches.append((writes, error))
        if waiting.scheduled:
            return
        waiting.scheduled = True
    try:
        loop.call_soon_threadsafe(_report, waiting)
    except RuntimeError:  # the loop has closed; nobody is waiting any more
        pass


def _report(waiting: _Outcomes) -> None:
    budget = SETTLE_AT_ONCE
    while budget > 0:
        with waiting.lock:
            if not waiting.batches:
                waiting.scheduled = False
                return
            writes, error = waiting.batches[0]
            if len(writes) > budget:
                waiting.batches[0] = (writes[budget:], error)
                writes = writes[:budget]
            else:
                waiting.batches.popleft()
        budget -= len(writes)
        _settle(writes, error)
    asyncio.get_running_loop().call_soon(_report, waiting)  # the rest at the next turn


def _settle(writes: list[Write], error: BaseException | None) -> None:
    """Report a batch's outcome to each write, in the order they were appended."""
    for w in writes:
        if w.on_commit is not None:
            try:
                w.on_commit(error)
            except Exception:  # noqa: BLE001 - one bad callback must not keep the others waiting
                log.exception("commit callback failed")
        f = w.future
        if f is None or f.done():
            continue
        if error is None:
            f.set_result(None)
        else:
            f.set_exception(error)
            if isinstance(error, Fenced):
                # Nobody need hear of a refused write they did not wait for: the worker is stopping the partition.
                f.add_done_callback(_seen)


def _seen(future: asyncio.Future[None]) -> None:
    future.exception()


def _call_soon(loop: asyncio.AbstractEventLoop, fn: Callable[..., Any], *args: Any) -> None:
    try:
        loop.call_soon_threadsafe(fn, *args)
    except RuntimeError:  # the loop has closed; nobody is waiting any more
        pass


def _set_done(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def latest_touches(touches: Iterable[tuple]) -> list[tuple]:
    """One touch per device with the same outcome as applying them all in order.

    A busy device touches its row once per message; upserting it once per commit instead saves
    most of the writer's time. ``online`` None means "unchanged", so it keeps the last known value.
    """
    latest: dict[tuple[str, str], tuple] = {}
    for touch in touches:
        key = (touch[0], touch[1])
        if touch[3] is None and key in latest:
            touch = (*touch[:3], latest[key][3], *touch[4:])
        latest[key] = touch
    return [(*t[:2], t[2].isoformat(), *t[3:]) if isinstance(t[2], datetime) else t for t in latest.values()]
