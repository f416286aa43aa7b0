"""What the routines skill knows about one person, and how a device event folds into it; pure.

A *sign* of the person is a motion event, a contact or pad changing state, a pillbox opening or a button
press. ``observe`` folds one event into a ``PersonState`` and returns the sign it gives, if it is one; the
rules (``skills.routines.rules``) read the state, and the skill keeps one per watched person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any, Protocol

from skills.routines.baseline import ALL, SLOTS, DayActivity, slot_of
from skills.routines.settings import PersonRoutine
from skills.routines.windows import DailyWindow
from skills.sdk import Event

SIGNALS = ("motion_detected", "contact_changed", "occupancy_changed", "pillbox_opened", "button_pressed")
"""Event kinds that can be a sign of the person."""


class DeviceRole(Protocol):
    """What the fold needs of a device's config: its room and what it is (``door``, ``fridge``, ``bed``...)."""

    @property
    def room(self) -> str | None: ...

    @property
    def subtype(self) -> str | None: ...


@dataclass(frozen=True)
class Sign:
    """A sign of the person: when, which device, which room, and the event id (for cause links)."""

    ts: datetime
    device: str | None
    room: str | None
    event_id: str | None


@dataclass
class NightExit:
    """A door opened at night; the person is not known to be back yet."""

    opened: Sign
    closed_at: datetime | None = None


@dataclass
class DayRecord:
    """Today's quarter-hour counts (baseline), kept in the store under ``day:<person>:<date>``."""

    day: date
    counts: dict[str, list[int]]
    watched: list[bool]
    away: list[bool]
    dirty: bool = False
    """Changed since it was last saved."""
    saved_hour: int = -1

    @classmethod
    def empty(cls, day: date) -> DayRecord:
        return cls(day, {ALL: [0] * SLOTS}, [False] * SLOTS, [False] * SLOTS)

    @classmethod
    def load(cls, day: date, raw: dict[str, Any]) -> DayRecord:
        return cls(day, {k: list(v) for k, v in raw["counts"].items()},
                   [c == "1" for c in raw["watched"]], [c == "1" for c in raw["away"]])

    def dump(self) -> dict[str, Any]:
        return {"counts": self.counts, "watched": "".join("1" if w else "0" for w in self.watched),
                "away": "".join("1" if a else "0" for a in self.away)}

    def activity(self) -> DayActivity:
        return DayActivity(self.counts, tuple(self.watched), tuple(self.away))

    def count(self, slot: int, room: str | None) -> None:
        """One sign in ``slot``: in the ``all`` channel and in its room's."""
        self.counts[ALL][slot] += 1
        if room:
            self.counts.setdefault(room, [0] * SLOTS)[slot] += 1
        self.dirty = True

    def watch(self, slot: int, away: bool) -> None:
        """The hub saw ``slot`` (and the person was out in it, if ``away``)."""
        if not self.watched[slot] or (away and not self.away[slot]):
            self.watched[slot] = True
            self.away[slot] = self.away[slot] or away
            self.dirty = True


@dataclass
class PersonState:
    """What the skill knows about one person."""

    watching_since: datetime
    last: Sign | None = None
    """The latest sign of any kind."""
    last_inside: Sign | None = None
    """The latest sign that was not a way-out door (so she is inside)."""
    last_exit: Sign | None = None
    """The latest opening of a way-out door."""
    states: dict[str, bool] = field(default_factory=dict)
    """Last open / occupied state of each contact and pad."""
    bed_occupied: bool | None = None
    bed_since: datetime | None = None
    """When the person got into bed, if the hub saw it."""
    bed_first_seen: datetime | None = None
    """When the hub first heard the bed's state (in bed since at least then)."""
    last_up: datetime | None = None
    """The latest time the bed was left."""
    opened: dict[str, Sign] = field(default_factory=dict)
    """Latest opening per contact subtype (fridge, medicine_cabinet)."""
    night_exit: NightExit | None = None
    alerted: dict[str, str] = field(default_factory=dict)
    """Open episodes: rule → episode key (a date or a time); persisted in ``alerted:<person>``."""
    record: DayRecord | None = None
    assessed: str | None = None
    """The date of the last baseline comparison."""
    contact_subtypes: frozenset[str | None] = frozenset()
    """Subtypes of the person's contacts (``fridge``, ``door``...); rule 5 watches those it has a limit for."""

    @property
    def away(self) -> bool:
        """Out of the home: a way-out door opened and nothing inside moved since."""
        if self.last_exit is None:
            return False
        return self.last_inside is None or self.last_inside.ts < self.last_exit.ts


def slot_at(ts: datetime, zone: tzinfo) -> int:
    """The quarter-hour slot of the day (home time) that ``ts`` falls in."""
    local = ts.astimezone(zone)
    return slot_of(local.hour, local.minute)


def observe(state: PersonState, rules: PersonRoutine, event: Event, device: DeviceRole | None,
            zone: tzinfo) -> Sign | None:
    """Fold one device event into the person's state; the sign it gives, if it is one.

    ``device`` is the event's device config (None if unknown); ``zone`` is the home's, for the night window.
    """
    kind, device_id, ts = event.kind, event.device, event.ts
    data = event.data()
    subtype = device.subtype if device is not None else None
    sign = Sign(ts, device_id, device.room if device is not None else None, event.id)
    if kind in ("contact_changed", "occupancy_changed"):
        # Open and empty are the active states; a first report of closed / occupied (a device
        # announcing its state) and a repeat of the state it was in (periodic reports) are no sign.
        now_on = bool(data.get("open" if kind == "contact_changed" else "occupied"))
        before = state.states.get(device_id or "")
        state.states[device_id or ""] = now_on
        if subtype == "bed":
            state.bed_occupied = now_on
            if not now_on and before is not False:
                state.last_up, state.bed_since = ts, None
            elif now_on and before is False:
                state.bed_since = ts
            elif now_on and before is None:
                state.bed_first_seen = ts  # in bed since at least then
        if before == now_on or (before is None and now_on == (kind == "occupancy_changed")):
            return None
        if kind == "contact_changed" and subtype == "door":
            if now_on:
                state.last_exit = sign
                if state.night_exit is not None:
                    state.night_exit.closed_at = None  # opened again: not back yet
                elif rules.night_window and DailyWindow.parse(rules.night_window).contains(ts.astimezone(zone)):
                    state.night_exit = NightExit(sign)
            elif state.night_exit is not None:
                state.night_exit.closed_at = ts
            state.last = sign  # a sign of her, but not that she is inside
            return sign
        if kind == "contact_changed" and now_on and subtype:
            state.opened[subtype] = sign
    elif kind not in SIGNALS:
        return None
    exit_ = state.night_exit
    if exit_ is not None and exit_.closed_at is not None and ts >= exit_.closed_at:
        state.night_exit = None  # back: the door closed, then something moved inside
    state.last = state.last_inside = sign
    return sign
