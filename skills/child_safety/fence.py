"""Geofence hysteresis: a child is taken to have left (or entered) a zone only after N consecutive fixes say so.

One multipath fix 300 m off pages nobody; a child really walking away is confirmed one report later.
Pure: the state is a small frozen value the caller keeps (and persists).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

from skills.child_safety.geo import Side

Known = Literal["inside", "outside", "unknown"]
Transition = Literal["left", "entered"]


@dataclass(frozen=True)
class FenceState:
    """Where a child is known to be relative to one zone."""

    side: Known = "unknown"
    """The confirmed side; ``unknown`` until ``need`` fixes have agreed once."""
    toward: Known = "unknown"
    """The side the current streak points to (from ``unknown`` a streak may point either way)."""
    streak: int = 0
    """Consecutive fixes on the ``toward`` side so far."""
    since: float | None = None
    """Time (epoch seconds) of the first fix of the current streak: when the crossing began."""
    changed_at: float | None = None
    """Time (epoch seconds) of the first fix of the streak that last changed ``side``."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FenceState:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def update(state: FenceState, verdict: Side, at: float, need: int,
           hold_s: float = 0.0) -> tuple[FenceState, Transition | None]:
    """Fold one fix's verdict into the state; returns the new state and ``left`` / ``entered`` on a crossing.

    A side changes after ``need`` consecutive fixes on the other side spanning at least ``hold_s``
    seconds (so a watch that reports every few seconds is not confirmed by one brief burst).
    ``unsure`` fixes (in the band just outside the edge) neither count nor break a streak. A fix on
    the confirmed side resets the streak. The first confirmation from ``unknown`` is knowledge, not a
    crossing, so it returns no transition.
    """
    if verdict == "unsure":
        return state, None
    if verdict == state.side:
        return (replace(state, toward="unknown", streak=0, since=None) if state.streak else state), None
    continuing = state.streak and state.toward == verdict
    streak = state.streak + 1 if continuing else 1
    since = state.since if continuing and state.since is not None else at
    if streak < need or at - since < hold_s:
        return replace(state, toward=verdict, streak=streak, since=since), None
    transition: Transition | None = None
    if state.side != "unknown":
        transition = "left" if verdict == "outside" else "entered"
    return FenceState(side=verdict, streak=0, since=None, changed_at=since), transition
