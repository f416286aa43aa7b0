"""Time-ordered event ids: sortable as text, unique without coordination."""

from __future__ import annotations

import random
import time

_random = random.SystemRandom().getrandbits(64)
_rng = random.Random(_random)


def new_id() -> str:
    """Return a 26-character id: 12 hex digits of milliseconds since the epoch, then 14 random ones.

    Ids need to be unique, not secret: a seeded PRNG avoids a system call per event.
    """
    return f"{time.time_ns() // 1_000_000:012x}{_rng.getrandbits(56):014x}"
