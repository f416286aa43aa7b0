"""Time-ordered event ids: sortable as text, unique without coordination; and their short forms for people
(what tables show, what commands accept)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterable

from assistant.errors import AmbiguousId, UnknownId

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


SHORT_ID = 8
"""Characters a table shows of an id, at least. They are taken from its end: the start is the time, the
same for every id made in the same minute, while ids made even in the same millisecond differ at the end."""

_HEX = frozenset("0123456789abcdef")


def short_ids(ids: Iterable[str], others: Iterable[str] = (), minimum: int = SHORT_ID) -> dict[str, str]:
    """Each of ``ids`` shortened, as git shortens hashes: its shortest ending of at least ``minimum``
    characters that no other id (of ``ids`` and ``others``) ends with.

    ``others`` need only hold the ids that share an id's last ``minimum`` characters: no other id can
    share a longer ending.
    """
    wanted = list(dict.fromkeys(ids))
    by_tail: dict[str, set[str]] = {}
    for known in (*wanted, *others):
        by_tail.setdefault(known[-minimum:], set()).add(known)
    short: dict[str, str] = {}
    for full in wanted:
        rivals = by_tail[full[-minimum:]] - {full}
        length = min(minimum, len(full))
        while length < len(full) and any(rival.endswith(full[-length:]) for rival in rivals):
            length += 1
        short[full] = full[-length:]
    return short


def id_part(text: str) -> str | None:
    """``text`` as a part of an id to look for (lower case), or None when no id could contain it."""
    part = text.strip().lower()
    return part if part and len(part) <= 26 and set(part) <= _HEX else None


def matches(part: str, full: str) -> bool:
    """Whether ``part`` (from ``id_part``) names ``full``: its whole, its start or its end."""
    return full.startswith(part) or full.endswith(part)


def the_one(what: str, given: str, found: Iterable[str], *, shown: int = 5) -> str:
    """The single id of ``found`` (ids that ``given`` names); UnknownId when none, AmbiguousId when more."""
    candidates = list(dict.fromkeys(found))
    if not candidates:
        raise UnknownId(what, given)
    if len(candidates) > 1:
        raise AmbiguousId(what, given, candidates[:shown], more=len(candidates) > shown)
    return candidates[0]
