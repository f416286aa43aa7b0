"""Sliding-window rate limits on the injected clock: so many hits per key (a client address) per window."""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from datetime import datetime, timedelta

from assistant.clock import Clock


class RateLimit:
    """At most ``limit`` hits per ``window`` seconds per key; remembers at most ``max_keys`` keys."""

    def __init__(self, clock: Clock, limit: int, window: float = 60.0, max_keys: int = 10_000) -> None:
        self._clock = clock
        self.limit = limit
        self._window = timedelta(seconds=window)
        self._max_keys = max_keys
        self._hits: OrderedDict[str, deque[datetime]] = OrderedDict()

    def _recent(self, key: str) -> deque[datetime]:
        hits = self._hits.get(key)
        if hits is None:
            return deque()
        cutoff = self._clock.now() - self._window
        while hits and hits[0] <= cutoff:
            hits.popleft()
        if not hits:
            del self._hits[key]
        return hits

    def retry_after(self, key: str) -> int | None:
        """Whole seconds until ``key`` may try again, or None if it may now."""
        hits = self._recent(key)
        if len(hits) < self.limit:
            return None
        wait = (hits[0] + self._window - self._clock.now()).total_seconds()
        return max(1, math.ceil(wait))

    def hit(self, key: str) -> None:
        hits = self._recent(key)
        if not hits:
            self._hits[key] = hits
        hits.append(self._clock.now())
        self._hits.move_to_end(key)
        while len(self._hits) > self._max_keys:  # an address flood cannot grow this without bound
            self._hits.popitem(last=False)
