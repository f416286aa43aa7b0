"""The clocks a simulated household can live by: its own (``OwnClock``), or a running hub's (``HubClock``).

``carehub demo`` adds a third, in ``assistant/cli/demo.py``: the hub's own stepped clock, moved by the household.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .household import Household

log = logging.getLogger(__name__)


class TimeBase(Protocol):
    """The clock the household lives by: its own, a running hub's, or (in ``carehub demo``) the hub's own clock."""

    def reach(self, when: float) -> None:
        """Return once it is ``when`` (Unix seconds) by this clock."""


class OwnClock:
    """The simulator's own clock: ``speed`` simulated seconds per real second from ``start`` (Unix seconds).

    Time ``when`` is reached at real time ``real_start + (when - start) / speed`` on ``monotonic``
    (``real_start`` defaults to now): it sleeps until each deadline rather than for each gap, so time lost
    to a busy machine is caught up instead of piling up. ``speed=0`` never sleeps.
    """

    def __init__(self, start: float, speed: float, *, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic, real_start: float | None = None) -> None:
        self.start = start
        self.speed = speed
        self._sleep = sleep
        self._monotonic = monotonic
        self.real_start = monotonic() if real_start is None else real_start

    def reach(self, when: float) -> None:
        if self.speed > 0:
            delay = self.real_start + (when - self.start) / self.speed - self._monotonic()
            if delay > 0:
                self._sleep(delay)


@dataclass(frozen=True)
class HubClockReading:
    """A running hub's clock, as its ``/api/health`` reports it."""

    now: float
    """The hub's clock reading, Unix seconds."""
    wall: float
    """The wall-clock time (Unix seconds) at which the hub read it."""
    speed: float
    """Simulated seconds per real second: 1 for a hub in real time."""
    running: bool
    """False while the hub holds its clock (``carehub run --speed`` holds it while no device is online)."""

    def at(self, wall: float) -> float:
        """The hub's clock reading at wall-clock time ``wall``."""
        return self.now + (wall - self.wall) * self.speed if self.running else self.now


def read_hub_clock(url: str, timeout: float = 3.0) -> HubClockReading:
    """The clock of the hub answering at ``url`` (``http://host:port``); OSError or ValueError saying why not."""
    with urllib.request.urlopen(url.rstrip("/") + "/api/health", timeout=timeout) as response:
        health = json.loads(response.read())
    clock = health.get("clock") if isinstance(health, dict) else None
    if not isinstance(clock, dict) or not clock.get("speed"):
        raise ValueError("the hub does not say how its clock runs (an older carehub, or a stepped clock)")
    return HubClockReading(datetime.fromisoformat(clock["now"]).timestamp(), float(clock["wall"]),
                           float(clock["speed"]), bool(clock["running"]))


class HubClock:
    """A running hub's clock, read from its ``/api/health`` and followed: the household does each thing
    when the hub's clock reads its time, so the hub's skills and the household share one time base."""

    def __init__(self, url: str, reading: HubClockReading, *, sleep: Callable[[float], None] = time.sleep,
                 wall: Callable[[], float] = time.time, read: Callable[[str], HubClockReading] = read_hub_clock,
                 refresh_every: float = 1.0) -> None:
        self.url = url
        self.reading = reading
        self._sleep = sleep
        self._wall = wall
        self._read = read
        self._refresh_every = refresh_every
        self._read_at = wall()

    @property
    def speed(self) -> float:
        return self.reading.speed

    def now(self) -> float:
        """The hub's clock now (Unix seconds); read again while it is held, and every ``refresh_every`` s."""
        if not self.reading.running or self._wall() - self._read_at >= self._refresh_every:
            self.refresh()
        return self.reading.at(self._wall())

    def refresh(self) -> None:
        """Read the hub's clock again (it is held while no device is online); keep the last reading if it
        does not answer."""
        self._read_at = self._wall()
        try:
            self.reading = self._read(self.url)
        except (OSError, ValueError) as exc:
            log.debug("hub clock at %s: %s", self.url, exc)

    def reach(self, when: float) -> None:
        while True:
            left = when - self.now()
            if left <= 0:
                return
            wait = left / self.reading.speed if self.reading.running else 0.1
            self._sleep(min(wait, self._refresh_every))


def wait_on(clock: TimeBase, household: Household, since: float, until: float, interval: float) -> None:
    """Tick ``household`` every ``interval`` seconds of ``clock`` from ``since`` until it reads ``until``."""
    when = since + interval
    while when < until:
        clock.reach(when)
        household.tick(when)
        when += interval
    clock.reach(until)
