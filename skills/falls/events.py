"""The falls skill's own events: how each fall's check ended, and a check taken up again after a restart.

Every fall whose check began is closed by one ``fall_check_ended`` row (called off, or caregivers alerted). A
fall with none (carehub stopped or crashed in its cancel window) is taken up again when the hub starts: the
person is asked again for what is left of the window, or caregivers are alerted at once if it has passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from skills.sdk import Event


@dataclass(frozen=True, kw_only=True)
class FallCheckEnded(Event):
    """A fall's check is over: called off (``alerted`` false) or caregivers alerted; caused by the fall."""

    fall_id: str
    outcome: str
    """``no answer``, ``answered: <words>``, ``asked for help: <words>``, ``cancelled with the button``,
    ``got up``, or ``no answer (carehub was off …)``."""
    alerted: bool


@dataclass(frozen=True, kw_only=True)
class FallCheckResumed(Event):
    """carehub started with a fall's check unfinished (it stopped in the cancel window); caused by the fall."""

    fall_id: str
    fell_at: str
    """When the fall was detected (ISO, UTC)."""
    seconds_left: float
    """What was left of the cancel window at the restart (0: it had passed, caregivers are alerted at once)."""
