"""Time-ordered event ids: sortable as text, unique without coordination."""

from __future__ import annotations

import random
import threading
import time

_random = random.SystemRandom().getrandbits(64)
_rng = random.Random(_random)
_lock = threading.Lock()
_last = (0, 0)
_RANDOM_BITS = 56


def new_id() -> str:
    """Return a 26-character id: 12 hex digits of milliseconds since the epoch, then 14 random ones.

    Ids need to be unique, not secret: a seeded PRNG avoids a system call per event. Within one process
    they also strictly increase (as ULIDs do): an id made in the same millisecond as the one before, or
    after the wall clock stepped back, takes the previous one's time and its random part plus one, so
    events made one after the other sort in that order even when their times are equal.
    """
    global _last
    now = time.time_ns() // 1_000_000
    with _lock:
        last_ms, last_rand = _last
        if now > last_ms:
            ms, rand = now, _rng.getrandbits(_RANDOM_BITS - 1)  # headroom for increments within the ms
        elif last_rand + 1 < 1 << _RANDOM_BITS:
            ms, rand = last_ms, last_rand + 1
        else:
            ms, rand = last_ms + 1, 0
        _last = (ms, rand)
    return f"{ms:012x}{rand:014x}"
