"""Sustained conditions and rest, as pure state machines: the rules the vitals skill and its bench share.

A wearable's single reading is often wrong — a loose strap, an arm movement, a cold finger — so a
vital-sign alert starts only when *every* reading across a whole window says so, and ends the same way.
``SustainedCondition`` keeps that state for one condition of one person; ``StepLog`` answers "was the
person at rest?" from the wearable's cumulative step counter. Time is plain seconds (any epoch).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

Transition = Literal["started", "ended"]


@dataclass(frozen=True)
class SustainRule:
    """When a run of readings counts as sustained."""

    window_s: float = 600.0
    """The run must span at least this long (first to last reading)."""
    min_readings: int = 2
    """... with at least this many readings, so one reading can never decide."""
    max_gap_s: float = 1200.0
    """A longer silence between two readings breaks the run: nobody knows what happened in between."""


class SustainedCondition:
    """One condition (e.g. "heart rate above 120 at rest") of one person: started or not.

    Feed it every relevant reading with ``update(t, evidence)``: True (the condition holds in this
    reading), False (it does not), or None (this reading says nothing, e.g. taken while walking — it
    breaks the current run without changing the state). The state flips to the run's side once a run
    spans the rule's window with enough readings; a ``confirmed`` reading (someone measured it on
    purpose) flips it at once. Returns the transition, if any.
    """

    def __init__(self, rule: SustainRule) -> None:
        self.rule = rule
        self.active = False
        self.run_side: bool | None = None
        self.run_start: float | None = None
        self.run_count = 0
        self.last_t: float | None = None
        self.since: float | None = None
        """When the current state began (the start of the run that flipped it)."""

    def update(self, t: float, evidence: bool | None, *, confirmed: bool = False) -> Transition | None:
        if self.last_t is not None and t - self.last_t > self.rule.max_gap_s:
            self._break()
        self.last_t = t
        if evidence is None:
            self._break()
            return None
        if evidence != self.run_side:
            self.run_side, self.run_start, self.run_count = evidence, t, 0
        self.run_count += 1
        assert self.run_start is not None
        sustained = self.run_count >= self.rule.min_readings and t - self.run_start >= self.rule.window_s
        if evidence != self.active and (confirmed or sustained):
            self.active = evidence
            self.since = self.run_start
            return "started" if evidence else "ended"
        return None

    def _break(self) -> None:
        self.run_side, self.run_start, self.run_count = None, None, 0


class StepLog:
    """A wearable's cumulative step counts over time, to tell rest from activity.

    The steps a sample adds over the one before are spread evenly over the time between them; a count
    that goes down is a counter reset (midnight, a restart), and the new count is all new steps.
    """

    def __init__(self, keep_s: float = 3 * 3600) -> None:
        self.keep_s = keep_s
        self.samples: deque[tuple[float, float, int]] = deque()
        """(start, end, steps added in that interval)."""
        self.last: tuple[float, int] | None = None

    def add(self, t: float, cumulative: int) -> None:
        if self.last is not None and t > self.last[0]:
            previous_t, previous = self.last
            added = cumulative - previous if cumulative >= previous else cumulative
            self.samples.append((previous_t, t, added))
        if self.last is None or t >= self.last[0]:
            self.last = (t, cumulative)
        while self.samples and self.samples[0][1] < t - self.keep_s:
            self.samples.popleft()

    @property
    def known(self) -> bool:
        """Some step count has been seen."""
        return self.last is not None

    def steps_between(self, start: float, end: float) -> float:
        """Steps taken from ``start`` to ``end`` (pro rata where an interval straddles either edge)."""
        total = 0.0
        for a, b, added in self.samples:
            overlap = min(b, end) - max(a, start)
            if overlap > 0 and b > a:
                total += added * overlap / (b - a)
        return total

    def at_rest(self, t: float, minutes: float, steps_per_minute: float) -> bool | None:
        """At rest over the ``minutes`` before ``t``: on average at most ``steps_per_minute``; None if unknown."""
        if not self.known:
            return None
        return self.steps_between(t - minutes * 60, t) <= steps_per_minute * minutes
