"""What the person did through the day, from the home's devices: pure, over typed events."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from assistant.config import Config
from assistant.events import (
    ButtonPressed, ContactChanged, Event, LocationReported, MotionDetected, OccupancyChanged, PillboxOpened,
    SosPressed, StepsCounted, UtteranceHeard,
)
from assistant.report.model import Activity, OccupancyChange, Opening, QuietPeriod

ACTIVITY_EVENTS: tuple[type[Event], ...] = (
    MotionDetected, ContactChanged, OccupancyChanged, PillboxOpened, ButtonPressed, SosPressed, UtteranceHeard,
)
"""Events that mean the person did something (a rising step count counts too, and what skills add).
A watch's readings do not: it measures its wearer asleep too."""


def number(value: Any, kind: type = float) -> Any:
    """``value`` as a number, or None if it is not one (a log row written by anything is possible)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        result = kind(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return result if math.isfinite(result) else None


def activity(config: Config, events: Iterable[Event], zone: ZoneInfo, steps_before: Any,
             more_moments: Iterable[datetime] = ()) -> Activity:
    """The day's ``Activity`` from its events; ``steps_before`` is the step counter's last reading before
    the day, ``more_moments`` the times skills say the person was active."""
    result = Activity()
    moments = [moment.astimezone(zone) for moment in more_moments]
    previous_steps = number(steps_before, int)
    for event in events:
        at = event.ts.astimezone(zone)
        device = event.device
        dev = config.device(device) if device else None
        if isinstance(event, ACTIVITY_EVENTS):
            moments.append(at)
        if isinstance(event, MotionDetected):
            room = (dev.room if dev else None) or device or "unknown"
            result.motion_by_room.setdefault(room, [0] * 24)[at.hour] += 1
        elif isinstance(event, ContactChanged) and event.open is True:
            result.openings.append(Opening(at, device or "", dev.display_name if dev else (device or "contact"),
                                           dev.subtype if dev else None, dev.room if dev else None))
        elif isinstance(event, OccupancyChanged) and isinstance(event.occupied, bool):
            result.occupancy.append(OccupancyChange(at, device or "", dev.subtype if dev else None, event.occupied))
        elif isinstance(event, StepsCounted):
            steps = number(event.steps, int)
            if steps is None:
                continue
            # A cumulative counter: count increases; a drop means it was reset, so it counts from zero.
            gained = steps - previous_steps if previous_steps is not None and steps >= previous_steps else steps
            previous_steps = steps
            result.steps = (result.steps or 0) + gained
            result.steps_by_hour[at.hour] += gained
            if gained > 0:
                moments.append(at)
        elif isinstance(event, LocationReported):
            result.location_reports += 1
    moments.sort()
    if moments:
        result.first, result.last = moments[0], moments[-1]
    gaps = [QuietPeriod(a, b) for a, b in zip(moments, moments[1:]) if b > a]
    result.longest_quiet = max(gaps, key=lambda g: g.seconds, default=None)
    result.motion_by_room = dict(sorted(result.motion_by_room.items()))
    return result
