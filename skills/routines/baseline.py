"""A person's usual day, learned from past days, and what was unusual about today; pure functions.

A day is cut into 96 quarter-hour slots. Each activity signal (motion, a door, the fridge, the bed, the
pillbox) adds one to its slot, once in the ``all`` channel and once in its room's channel. The baseline
is, for every slot, the **share of past days with activity within 15 minutes of it** (the slot or a
neighbour; ``spread``), so a breakfast that moves by a quarter of an hour is still the usual breakfast.

Today is compared with it in two ways, both of which a family can check by hand:

- **an unusual silence**: a stretch of today with no activity (within 15 minutes) that covers at least
  ``min_usual_slots`` quarter hours in which the person is *usually* active (on at least ``usual_share``
  of past days). Late rising, a silent afternoon and a day without a kitchen visit (in the kitchen
  channel) all show up as one.
- **activity at unusual hours**: at least ``min_rare_slots`` quarter hours with activity today at times
  when there was activity (within 15 minutes) on at most ``rare_share`` of past days: a restless night.

Stretches when the person was out (the front door opened and nothing moved inside since) and slots the
hub did not see (it was down) are neither silent nor active. Days the hub saw less than ``min_watched``
of are left out of the baseline. No verdict is given with fewer than ``min_days`` days of history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

SLOT_MINUTES = 15
SLOTS = 24 * 60 // SLOT_MINUTES
ALL = "all"
"""The channel that counts every signal, whatever its room."""


def slot_of(hour: int, minute: int) -> int:
    """The slot that contains ``hour:minute``."""
    return (hour * 60 + minute) // SLOT_MINUTES


def slot_label(slot: int) -> str:
    """The clock time a slot starts at (``96`` is ``24:00``)."""
    minutes = slot * SLOT_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class DayActivity:
    """One day of activity: counts per slot by channel, and which slots were watched and spent out."""

    counts: Mapping[str, Sequence[int]]
    """Channel (``all`` or a room) → 96 event counts."""
    watched: Sequence[bool] = field(default_factory=lambda: (True,) * SLOTS)
    """Slots the hub was running in."""
    away: Sequence[bool] = field(default_factory=lambda: (False,) * SLOTS)
    """Slots in which the person was out of the home."""

    def channel(self, name: str) -> Sequence[int]:
        return self.counts.get(name) or (0,) * SLOTS

    def watched_share(self) -> float:
        return sum(1 for w in self.watched if w) / SLOTS


@dataclass(frozen=True)
class BaselineParams:
    """Thresholds of the comparison; the defaults are what bench/routines.py measures."""

    usual_share: float = 0.75
    """A slot is *usual* when at least this share of past days had activity within ``spread`` of it."""
    min_usual_slots: int = 6
    """An unusual silence covers at least this many usual slots (an hour and a half's worth)."""
    rare_share: float = 0.2
    """A slot is *rare* when at most this share of past days had activity within ``spread`` of it."""
    min_rare_slots: int = 3
    """Activity at unusual hours needs at least this many active rare slots in the day."""
    spread: int = 1
    """Slots either side that still count as "at that time" (1 = 15 minutes)."""
    min_days: int = 7
    """Past days needed before any verdict."""
    min_watched: float = 0.9
    """A past day counts only if the hub saw at least this share of it."""


@dataclass(frozen=True)
class Finding:
    """One unusual thing about today."""

    kind: Literal["silence", "unusual_activity"]
    channel: str
    """``all`` or a room."""
    start: int
    """First slot of the stretch."""
    end: int
    """Slot after the last one."""
    slots: int
    """Usual slots that were silent (silence), or rare slots that were active (unusual activity)."""

    @property
    def span(self) -> str:
        return f"{slot_label(self.start)}-{slot_label(self.end)}"


@dataclass(frozen=True)
class Assessment:
    """The verdict on a day: which findings, on how many past days."""

    days: int
    """Past days the baseline was built from."""
    enough_history: bool
    findings: tuple[Finding, ...] = ()

    @property
    def unusual(self) -> bool:
        return bool(self.findings)


def near_activity(counts: Sequence[int], spread: int) -> list[bool]:
    """For each slot: was there activity in it or within ``spread`` slots either side (same day)?"""
    active = [c > 0 for c in counts]
    return [any(active[max(0, s - spread):s + spread + 1]) for s in range(len(active))]


def usual_shares(history: Sequence[DayActivity], channel: str, spread: int) -> list[float]:
    """For each slot, the share of ``history`` days with activity near it in ``channel``."""
    if not history:
        return [0.0] * SLOTS
    totals = [0] * SLOTS
    for day in history:
        for s, near in enumerate(near_activity(day.channel(channel), spread)):
            totals[s] += near
    return [t / len(history) for t in totals]


def silences(today: DayActivity, shares: Sequence[float], upto: int, params: BaselineParams,
             channel: str = ALL) -> list[Finding]:
    """Stretches before slot ``upto`` with no activity near them that cover enough usual slots.

    A stretch is reported from its first usual slot to its end, so it reads as "quiet when she is
    normally about", not "quiet since midnight".
    """
    near = near_activity(today.channel(channel), params.spread)
    found: list[Finding] = []
    run: list[int] = []

    def close_run() -> None:
        usual = [s for s in run if shares[s] >= params.usual_share]
        if len(usual) >= params.min_usual_slots:
            found.append(Finding("silence", channel, usual[0], run[-1] + 1, len(usual)))
        run.clear()

    for s in range(min(upto, SLOTS)):
        if today.watched[s] and not today.away[s] and not near[s]:
            run.append(s)
        elif run:
            close_run()
    if run:
        close_run()
    return found


def unusual_activity(today: DayActivity, shares: Sequence[float], upto: int,
                     params: BaselineParams) -> Finding | None:
    """Active slots before ``upto`` at times with hardly any activity on past days, if enough of them."""
    counts = today.channel(ALL)
    rare = [s for s in range(min(upto, SLOTS)) if counts[s] > 0 and shares[s] <= params.rare_share]
    if len(rare) < params.min_rare_slots:
        return None
    return Finding("unusual_activity", ALL, rare[0], rare[-1] + 1, len(rare))


def usable(history: Sequence[DayActivity], params: BaselineParams) -> list[DayActivity]:
    """The past days watched well enough to learn from."""
    return [day for day in history if day.watched_share() >= params.min_watched]


def assess(today: DayActivity, history: Sequence[DayActivity], upto: int, params: BaselineParams | None = None,
           rooms: Sequence[str] = ()) -> Assessment:
    """Compare today's slots before ``upto`` with the baseline of ``history`` (overall and per room)."""
    params = params or BaselineParams()
    days = usable(history, params)
    if len(days) < params.min_days:
        return Assessment(len(days), False)
    overall = usual_shares(days, ALL, params.spread)
    findings = silences(today, overall, upto, params, ALL)
    for room in rooms:
        findings += silences(today, usual_shares(days, room, params.spread), upto, params, room)
    busy = unusual_activity(today, overall, upto, params)
    if busy is not None:
        findings.append(busy)
    return Assessment(len(days), True, tuple(findings))
