"""Time-ordered event ids: sortable as text, unique without coordination."""

from __future__ import annotations

import os
import time


def new_id() -> str:
    """Return a 26-character id: 12 hex digits of milliseconds since the epoch, then 14 random ones."""
    return f"{time.time_ns() // 1_000_000:012x}{os.urandom(7).hex()}"
