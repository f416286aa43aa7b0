"""The routines skill: inactivity and routine anomalies for someone who lives alone. See docs/care/routines.md.

Home sensors of each watched person (every ``elder`` by default) are read by role from the config:
motion sensors by room, contacts by ``subtype`` (``door`` = a way out, ``fridge``, ``medicine_cabinet``),
the ``bed`` occupancy pad, the pillbox and buttons. Any of them changing is *activity*; a contact or pad
repeating the state it was already in (periodic reports) is not. Seven rules, each a per-person setting
that ``None`` turns off:

1. ``no_morning_activity`` (medium): nothing at all from ``morning_since`` (04:00) to ``morning_check`` (10:00).
2. ``long_inactivity`` (medium): nothing for ``inactivity_hours`` (4) within ``inactivity_window``
   (08:00-21:00) while she is home; when she went out (a door opened and nothing moved inside since),
   only after ``away_hours`` (8).
3. ``bathroom_too_long`` (high): last seen in the bathroom and nothing since for ``bathroom_minutes`` (60).
   High, because the bathroom is where older people most often fall at home and an hour without a
   sign is already a *long lie* (on the floor for an hour or more), which is linked with serious injury,
   admission and death (Wild, Nayak & Isaacs, BMJ 1981;282:266; Fleming & Brayne, BMJ 2008;337:a2227).
   Repeated bathroom motion restarts the count: she is moving; flats without a living-room sensor
   would otherwise page whenever she sat down after a bathroom visit.
4. ``night_exit`` (high): a door opened within ``night_window`` (22:00-06:00) and she is not back
   ``night_exit_minutes`` (15) later; back means the door closed and something moved inside after it.
   The alert carries the watch's last GPS fix and is cleared when she is back.
5. ``<subtype>_untouched`` (low): the fridge (or medicine cabinet) not opened for ``untouched_hours``
   (fridge 12) counted only within ``untouched_window`` (07:00-22:00), so a night does not count.
6. ``not_up`` (medium): the bed still occupied at ``up_by`` (09:30) with no getting up since ``up_since``.
7. ``unusual_day`` (low): at ``baseline_check`` (21:00) today is compared with the last days'
   quarter-hour activity (``skills.routines.baseline``); needs ``baseline.min_days`` (7) days of history.

Each rule alerts once per episode (a day for 1, 6 and 7) and clears its alert when the condition ends.
Every alert is first logged as a ``routine_anomaly_noticed`` event whose cause is the last sign of the
person, and the caregiver notification is caused by that event, so "why was I paged" leads to it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from skills.routines.baseline import (
    ALL, SLOTS, Assessment, BaselineParams, DayActivity, Finding, assess, slot_label, slot_of,
)
from skills.routines.windows import DailyWindow, at_clock, parse_clock, seconds_between
from skills.sdk import (
    ButtonPressed, ContactChanged, Event, LocationReported, MotionDetected, OccupancyChanged, PillboxOpened, Skill,
    every, on, tool,
)

Priority = Literal["low", "medium", "high"]
RULES = ("no_morning_activity", "long_inactivity", "bathroom_too_long", "night_exit", "untouched", "not_up",
         "unusual_day")
SIGNALS = ("motion_detected", "contact_changed", "occupancy_changed", "pillbox_opened", "button_pressed")
"""Event kinds that can be a sign of the person."""
CABINETS = {"fridge": ("fridge", "冰箱"), "medicine_cabinet": ("medicine cabinet", "药柜"),
            "cabinet": ("cabinet", "柜子")}


# --- settings ----------------------------------------------------------------------------------------


def _clock(value: str | None) -> str | None:
    if value is not None:
        parse_clock(value)
    return value


def _window(value: str | None) -> str | None:
    if value is not None:
        DailyWindow.parse(value)
    return value


class BaselineSettings(BaseModel):
    """The learned-baseline comparison (``skills.routines.baseline.BaselineParams``)."""

    model_config = ConfigDict(extra="forbid")

    usual_share: float = Field(0.75, gt=0, le=1)
    min_usual_slots: int = Field(6, ge=1)
    rare_share: float = Field(0.2, ge=0, lt=1)
    min_rare_slots: int = Field(3, ge=1)
    spread: int = Field(1, ge=0, le=4)
    min_days: int = Field(7, ge=1)
    """Days of history needed before a day is judged."""
    days: int = Field(28, ge=1, le=90)
    """Days of history the baseline is built from (the most recent ones)."""
    rooms: list[str] = Field(default_factory=lambda: ["kitchen"])
    """Rooms checked for an unusual silence of their own (the kitchen: meals)."""

    def params(self) -> BaselineParams:
        return BaselineParams(usual_share=self.usual_share, min_usual_slots=self.min_usual_slots,
                              rare_share=self.rare_share, min_rare_slots=self.min_rare_slots, spread=self.spread,
                              min_days=self.min_days)


class PersonRoutine(BaseModel):
    """One person's rules; fields set under ``people.<id>`` override ``defaults``. ``None`` turns a rule off."""

    model_config = ConfigDict(extra="forbid")

    morning_check: str | None = "10:00"
    """Rule 1: by this time there must have been a sign of the person ..."""
    morning_since: str = "04:00"
    """... since this time."""
    inactivity_hours: float | None = Field(4.0, gt=0)
    """Rule 2: hours without any sign, at home, within ``inactivity_window``."""
    inactivity_window: str = "08:00-21:00"
    away_hours: float | None = Field(8.0, gt=0)
    """Rule 2 while the person is out (a door opened, nothing inside since); None: never."""
    bathroom_minutes: float | None = Field(60.0, gt=0)
    """Rule 3: minutes since the person was last seen in a bathroom, with nothing anywhere since."""
    bathroom_rooms: list[str] = Field(default_factory=lambda: ["bathroom"])
    night_window: str | None = "22:00-06:00"
    """Rule 4: a door opening in this window starts a night exit."""
    night_exit_minutes: float = Field(15.0, gt=0)
    """Rule 4: minutes the person has to be back (door closed, then movement inside)."""
    untouched_hours: dict[str, float] = Field(default_factory=lambda: {
        "fridge": 12.0, "medicine_cabinet": 18.0, "cabinet": 18.0})
    """Rule 5: hours (within ``untouched_window``) a contact of each subtype may stay shut; leave a subtype
    out to turn it off."""
    untouched_window: str = "07:00-22:00"
    up_by: str | None = "09:30"
    """Rule 6: the bed must have been left by this time ..."""
    up_since: str = "05:00"
    """... at or after this time (a night-time bathroom trip is not getting up)."""
    baseline_check: str | None = "21:00"
    """Rule 7: when today is compared with the learned baseline."""
    baseline: BaselineSettings = Field(default_factory=BaselineSettings)
    priorities: dict[str, Priority] = Field(default_factory=dict)
    """Per rule, overriding the defaults (``DEFAULT_PRIORITY``)."""

    _clocks = field_validator("morning_check", "morning_since", "up_by", "up_since", "baseline_check")(_clock)
    _windows = field_validator("inactivity_window", "night_window", "untouched_window")(_window)

    @field_validator("priorities")
    @classmethod
    def _rules(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = set(value) - set(RULES)
        if unknown:
            raise ValueError(f"unknown rule {sorted(unknown)}; known: {', '.join(RULES)}")
        return value

    def priority(self, rule: str) -> Priority:
        return self.priorities.get(rule, DEFAULT_PRIORITY[rule])


DEFAULT_PRIORITY: dict[str, Priority] = {
    "no_morning_activity": "medium", "long_inactivity": "medium", "bathroom_too_long": "high",
    "night_exit": "high", "untouched": "low", "not_up": "medium", "unusual_day": "low"}


class RoutineSettings(BaseModel):
    """Settings of the routines skill: ``skills: {routines: {...}}``."""

    model_config = ConfigDict(extra="forbid")

    watch: list[str] | None = None
    """People to watch; None means everyone whose role is ``elder``."""
    defaults: PersonRoutine = Field(default_factory=PersonRoutine)
    people: dict[str, PersonRoutine] = Field(default_factory=dict)
    """Per person, e.g. ``{grandma: {morning_check: "11:00", untouched_hours: {fridge: 16}}}``."""


# --- events ------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RoutineAnomalyNoticed(Event):
    """A routine rule found something; the caregiver notification is caused by this event."""

    rule: str
    """The alert kind, e.g. ``bathroom_too_long``."""
    priority: str
    message: dict[str, str]
    """The alert text by language (``en``, ``zh``)."""


@dataclass(frozen=True, kw_only=True)
class RoutineDayAssessed(Event):
    """The daily comparison of a person's day with their learned baseline."""

    days: int
    """Past days the baseline was built from."""
    enough_history: bool
    unusual: bool
    findings: tuple[str, ...] = ()
    """Each finding in words, e.g. ``no activity 06:45-09:30 (10 usual quarter hours)``."""


# --- state -------------------------------------------------------------------------------------------


@dataclass
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

    @property
    def away(self) -> bool:
        """Out of the home: a way-out door opened and nothing inside moved since."""
        if self.last_exit is None:
            return False
        return self.last_inside is None or self.last_inside.ts < self.last_exit.ts


# --- text --------------------------------------------------------------------------------------------


TEXT: dict[str, dict[str, str]] = {
    "no_morning_activity": {
        "en": "No sign of {name} this morning: nothing since {since} ({last}).",
        "zh": "今天早上还没有{name}的动静：{since}以来没有任何活动（{last}）。"},
    "long_inactivity": {
        "en": "No movement from {name} for {hours} hours ({last}).",
        "zh": "{name}已经{hours}小时没有任何活动（{last}）。"},
    "long_away": {
        "en": "{name} went out at {out} and has not been seen at home for {hours} hours.{where}",
        "zh": "{name}在{out}出门，已经{hours}小时没有回家。{where}"},
    "bathroom_too_long": {
        "en": "{name} was last seen in the {room} at {at} and nothing has moved anywhere since "
              "({minutes} minutes): a fall is possible.",
        "zh": "{name}最后一次在{room}出现是{at}，之后{minutes}分钟到处都没有动静，可能摔倒了。"},
    "night_exit": {
        "en": "The {door} opened at {at} and {name} is not back after {minutes} minutes.{where}",
        "zh": "{door}在{at}打开，{minutes}分钟后{name}仍未回来。{where}"},
    "untouched": {
        "en": "{name} has not opened the {what} for {hours} waking hours ({last}).",
        "zh": "{name}已经{hours}个白天小时没有打开{what}（{last}）。"},
    "not_up": {
        "en": "{name} is still in bed at {at} (in bed since {since}).",
        "zh": "{name}到{at}还没有起床（{since}起在床上）。"},
    "unusual_day": {
        "en": "{name}'s day was unlike the last {days} days: {findings}.",
        "zh": "与过去{days}天相比，{name}今天不太寻常：{findings}。"},
}
WHERE = {"en": " The watch was last at {lat:.5f}, {lon:.5f} ({at}): {link}",
         "zh": "手表最后位置：{lat:.5f}, {lon:.5f}（{at}）：{link}"}


def _hours(value: float) -> str:
    return f"{value:g}"


def _alerted(state: PersonState, rule: str, local: datetime) -> bool:
    """Whether a once-a-day rule has already alerted today."""
    return state.alerted.get(rule) == local.date().isoformat()


# --- the skill ---------------------------------------------------------------------------------------


class Routines(Skill[RoutineSettings]):
    """Watches the routines of people living alone and tells caregivers when a day goes wrong."""

    async def setup(self) -> None:
        self.zone = ZoneInfo(self.ctx.timezone)
        now = self.ctx.now()
        self.people: dict[str, PersonState] = {}
        self._rules: dict[str, PersonRoutine] = {}
        self.roles: dict[str, Any] = {d.id: d for d in self.ctx.devices()}
        for pid in self._watched():
            state = PersonState(watching_since=now)
            state.alerted = dict(await self.ctx.store.get(f"alerted:{pid}", {}))
            state.assessed = await self.ctx.store.get(f"assessed:{pid}")
            await self._replay(pid, state, now)
            self.people[pid] = state

    def _watched(self) -> list[str]:
        if self.settings.watch is not None:
            return list(self.settings.watch)
        return sorted({d.person for d in self.ctx.devices() if d.person
                       and getattr(self.ctx.person(d.person), "role", None) == "elder"})

    def rules(self, pid: str) -> PersonRoutine:
        """The person's rules: ``defaults`` with what is set under ``people.<id>``."""
        cached = self._rules.get(pid)
        if cached is None:
            own = self.settings.people.get(pid)
            cached = self.settings.defaults if own is None else \
                self.settings.defaults.model_copy(update=own.model_dump(exclude_unset=True))
            self._rules[pid] = cached
        return cached

    async def _replay(self, pid: str, state: PersonState, now: datetime) -> None:
        """Rebuild what the skill knew from the last day and a half of the log (after a restart)."""
        events = await self.ctx.events(person=pid, since=now - timedelta(hours=36), limit=20000)
        events = [e for e in reversed(events) if e.kind in SIGNALS]
        rules = self.rules(pid)
        for event in events:
            self._observe(state, rules, event.kind, event.device, event.ts, event.data(), event.id)
        if events:
            state.watching_since = min(now, events[0].ts)

    # -- signs ----------------------------------------------------------------------------------------

    def _observe(self, state: PersonState, rules: PersonRoutine, kind: str, device_id: str | None, ts: datetime,
                 data: dict[str, Any], event_id: str | None) -> Sign | None:
        """Fold one device event into the person's state; the sign it gives, if it is one."""
        device = self.roles.get(device_id or "")
        subtype = getattr(device, "subtype", None)
        sign = Sign(ts, device_id, device.room if device else None, event_id)
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
                    elif rules.night_window and \
                            DailyWindow.parse(rules.night_window).contains(ts.astimezone(self.zone)):
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

    @on(MotionDetected, ContactChanged, OccupancyChanged, PillboxOpened, ButtonPressed)
    async def sensed(self, event: Event) -> None:
        pid = event.person
        state = self.people.get(pid or "")
        if pid is None or state is None or event.device not in self.roles:
            return
        sign = self._observe(state, self.rules(pid), event.kind, event.device, event.ts, event.data(), event.id)
        if sign is None:
            return
        record = await self._record(pid, state, event.ts)
        slot = self._slot(event.ts)
        record.counts[ALL][slot] += 1
        if sign.room:
            record.counts.setdefault(sign.room, [0] * SLOTS)[slot] += 1
        record.dirty = True
        await self._episodes_end(pid, state, sign)

    async def _episodes_end(self, pid: str, state: PersonState, sign: Sign) -> None:
        """Clear the alerts whose condition this sign ends."""
        rules = self.rules(pid)
        ended = ["no_morning_activity", "long_inactivity"]
        if sign.room not in rules.bathroom_rooms:
            ended.append("bathroom_too_long")
        if state.bed_occupied is False:
            ended.append("not_up")
        ended += [f"{subtype}_untouched" for subtype in state.opened if state.opened[subtype] is sign]
        if state.night_exit is None:
            ended.append("night_exit")
        for rule in ended:
            if rule in state.alerted:
                del state.alerted[rule]
                await self.ctx.store.set(f"alerted:{pid}", state.alerted)
                await self.ctx.clear_alerts(rule, person=pid, reason="activity resumed")

    # -- the rules, every minute ----------------------------------------------------------------------

    @every(60)
    async def tick(self) -> None:
        now = self.ctx.now()
        for pid, state in self.people.items():
            rules = self.rules(pid)
            record = await self._record(pid, state, now)
            slot = self._slot(now)
            hour = slot // 4
            if record.dirty and hour != record.saved_hour:  # saved once an hour (and at midnight, on stop)
                await self._save(pid, record)
            record.saved_hour = hour
            if not record.watched[slot] or (state.away and not record.away[slot]):
                record.watched[slot] = True
                record.away[slot] = record.away[slot] or state.away
                record.dirty = True
            local = now.astimezone(self.zone)
            await self._morning(pid, state, rules, local)
            await self._not_up(pid, state, rules, local)
            await self._inactivity(pid, state, rules, local)
            await self._bathroom(pid, state, rules, local)
            await self._night_exit(pid, state, rules, local)
            await self._untouched(pid, state, rules, local)
            await self._baseline(pid, state, rules, local, record)

    def _watched_from(self, state: PersonState, since: datetime, check: datetime) -> datetime | None:
        """The start of what can be judged (``since``, or later if the hub started later); None if the hub
        has watched less than an hour of it."""
        start = max(since, state.watching_since.astimezone(self.zone))
        return start if seconds_between(start, check) >= 3600 else None

    async def _morning(self, pid: str, state: PersonState, rules: PersonRoutine, local: datetime) -> None:
        if rules.morning_check is None:
            return
        check = at_clock(local.date(), parse_clock(rules.morning_check), self.zone)
        since = at_clock(local.date(), parse_clock(rules.morning_since), self.zone)
        if local < check or (start := self._watched_from(state, since, check)) is None:
            return
        if (state.last is not None and state.last.ts >= start) or _alerted(state, "no_morning_activity", local):
            return
        await self._alert(pid, "no_morning_activity", local.date().isoformat(), rules, state.last, {
            lang: {"since": self._time(start, local, lang), "last": self._last(state, local, lang)}
            for lang in ("en", "zh")})

    async def _not_up(self, pid: str, state: PersonState, rules: PersonRoutine, local: datetime) -> None:
        if rules.up_by is None or not state.bed_occupied:
            return
        check = at_clock(local.date(), parse_clock(rules.up_by), self.zone)
        since = at_clock(local.date(), parse_clock(rules.up_since), self.zone)
        if local < check or (state.last_up is not None and state.last_up >= since) \
                or self._watched_from(state, since, check) is None or _alerted(state, "not_up", local):
            return
        values = {}
        for lang in ("en", "zh"):
            if state.bed_since is not None:
                in_bed = self._time(state.bed_since, local, lang)
            else:
                first = self._time(state.bed_first_seen or state.watching_since, local, lang)
                in_bed = f"at least {first}" if lang == "en" else f"至少{first}"
            values[lang] = {"at": self._time(check, local, lang), "since": in_bed}
        await self._alert(pid, "not_up", local.date().isoformat(), rules, state.last, values)

    async def _inactivity(self, pid: str, state: PersonState, rules: PersonRoutine, local: datetime) -> None:
        if state.away and state.last_exit is not None:
            # Out of the home: counted from the last sign, at any hour (she may not come home tonight).
            if rules.away_hours is None or state.last is None:
                return
            quiet_since = max(state.last.ts, state.watching_since)
            if seconds_between(quiet_since, local) < rules.away_hours * 3600 \
                    or state.alerted.get("long_inactivity") == quiet_since.isoformat():
                return
            where = {lang: await self._where(pid, local, lang) for lang in ("en", "zh")}
            await self._alert(pid, "long_inactivity", quiet_since.isoformat(), rules, state.last_exit, {
                lang: {"out": self._time(state.last_exit.ts, local, lang), "hours": _hours(rules.away_hours),
                       "where": where[lang]} for lang in ("en", "zh")}, text="long_away")
            return
        opened = DailyWindow.parse(rules.inactivity_window).opened(local)
        if rules.inactivity_hours is None or opened is None:
            return
        quiet_since = max(opened, state.watching_since.astimezone(self.zone))
        if state.last is not None and state.last.ts > quiet_since:
            quiet_since = state.last.ts.astimezone(self.zone)
        if seconds_between(quiet_since, local) >= rules.inactivity_hours * 3600 \
                and state.alerted.get("long_inactivity") != quiet_since.isoformat():
            await self._alert(pid, "long_inactivity", quiet_since.isoformat(), rules, state.last, {
                lang: {"hours": _hours(rules.inactivity_hours), "last": self._last(state, local, lang)}
                for lang in ("en", "zh")})

    async def _bathroom(self, pid: str, state: PersonState, rules: PersonRoutine, local: datetime) -> None:
        last = state.last
        if rules.bathroom_minutes is None or last is None or last.room not in rules.bathroom_rooms:
            return
        if seconds_between(last.ts, local) < rules.bathroom_minutes * 60 \
                or state.alerted.get("bathroom_too_long") == last.ts.isoformat():
            return
        await self._alert(pid, "bathroom_too_long", last.ts.isoformat(), rules, last, {
            lang: {"room": self.ctx.room_name(last.room, "zh-CN" if lang == "zh" else "en"),
                   "at": self._time(last.ts, local, lang), "minutes": f"{rules.bathroom_minutes:g}"}
            for lang in ("en", "zh")})

    async def _night_exit(self, pid: str, state: PersonState, rules: PersonRoutine, local: datetime) -> None:
        exit_ = state.night_exit
        if exit_ is None or seconds_between(exit_.opened.ts, local) < rules.night_exit_minutes * 60 \
                or state.alerted.get("night_exit") == exit_.opened.ts.isoformat():
            return
        door = self.roles.get(exit_.opened.device or "")
        names = {"en": door.display_name if door else "door",
                 "zh": ((door.aliases.get("zh-CN") or [None])[0] if door else None) or "大门"}
        where = {lang: await self._where(pid, local, lang) for lang in ("en", "zh")}
        await self._alert(pid, "night_exit", exit_.opened.ts.isoformat(), rules, exit_.opened, {
            lang: {"door": names[lang], "at": self._time(exit_.opened.ts, local, lang),
                   "minutes": f"{rules.night_exit_minutes:g}", "where": where[lang]} for lang in ("en", "zh")})

    async def _untouched(self, pid: str, state: PersonState, rules: PersonRoutine, local: datetime) -> None:
        window = DailyWindow.parse(rules.untouched_window)
        subtypes = {d.subtype for d in self.roles.values() if d.person == pid and d.kind == "contact"}
        for subtype, hours in rules.untouched_hours.items():
            if subtype not in subtypes:
                continue
            last = state.opened.get(subtype)
            since = last.ts if last is not None else state.watching_since
            if state.alerted.get(f"{subtype}_untouched") == since.isoformat() \
                    or window.overlap_seconds(since.astimezone(self.zone), local) < hours * 3600:
                continue
            what = CABINETS.get(subtype, (subtype.replace("_", " "), subtype))
            values = {}
            for lang, name in zip(("en", "zh"), what):
                at = self._time(since, local, lang)
                if last is not None:
                    seen = f"last opened {at}" if lang == "en" else f"上次打开：{at}"
                else:
                    seen = f"not opened since {at}" if lang == "en" else f"{at}以来没有打开"
                values[lang] = {"what": name, "hours": _hours(hours), "last": seen}
            await self._alert(pid, f"{subtype}_untouched", since.isoformat(), rules, last, values, text="untouched",
                              priority_rule="untouched")

    # -- rule 7: the learned baseline -----------------------------------------------------------------

    def _slot(self, ts: datetime) -> int:
        local = ts.astimezone(self.zone)
        return slot_of(local.hour, local.minute)

    async def _record(self, pid: str, state: PersonState, ts: datetime) -> DayRecord:
        """Today's record for the person (the day of ``ts``), saving and replacing yesterday's."""
        day = ts.astimezone(self.zone).date()
        record = state.record
        if record is not None and record.day == day:
            return record
        if record is not None and record.dirty:
            await self._save(pid, record)
        raw = await self.ctx.store.get(f"day:{pid}:{day.isoformat()}")
        state.record = DayRecord.load(day, raw) if raw else DayRecord.empty(day)
        await self._forget_old_days(pid, day)
        return state.record

    async def _save(self, pid: str, record: DayRecord) -> None:
        record.dirty = False
        await self.ctx.store.set(f"day:{pid}:{record.day.isoformat()}", record.dump())

    async def teardown(self) -> None:
        for pid, state in self.people.items():
            if state.record is not None and state.record.dirty:
                await self._save(pid, state.record)

    async def _forget_old_days(self, pid: str, today: date) -> None:
        keep_after = today - timedelta(days=self.rules(pid).baseline.days + 2)
        for key in await self.ctx.store.keys():
            if key.startswith(f"day:{pid}:") and date.fromisoformat(key.rsplit(":", 1)[1]) < keep_after:
                await self.ctx.store.delete(key)

    async def _history(self, pid: str, today: date, days: int) -> list[DayActivity]:
        out = []
        for back in range(1, days + 1):
            raw = await self.ctx.store.get(f"day:{pid}:{(today - timedelta(days=back)).isoformat()}")
            if raw:
                out.append(DayRecord.load(today - timedelta(days=back), raw).activity())
        return out

    async def _baseline(self, pid: str, state: PersonState, rules: PersonRoutine, local: datetime,
                        record: DayRecord) -> None:
        if rules.baseline_check is None or state.assessed == local.date().isoformat():
            return
        check = at_clock(local.date(), parse_clock(rules.baseline_check), self.zone)
        if local < check:
            return
        state.assessed = local.date().isoformat()
        await self.ctx.store.set(f"assessed:{pid}", state.assessed)
        history = await self._history(pid, local.date(), rules.baseline.days)
        upto = self._slot(check)
        verdict = await asyncio.to_thread(assess, record.activity(), history, upto, rules.baseline.params(),
                                          rules.baseline.rooms)
        words = [self._finding(f, "en") for f in verdict.findings]
        logged = await self.ctx.emit(RoutineDayAssessed(days=verdict.days, enough_history=verdict.enough_history,
                                                        unusual=verdict.unusual, findings=tuple(words), person=pid))
        if not verdict.enough_history:
            self.ctx.log.info("%s: %d of %d days of history; today is not judged against a baseline yet",
                              pid, verdict.days, rules.baseline.min_days)
            return
        if verdict.unusual:
            await self._alert(pid, "unusual_day", local.date().isoformat(), rules,
                              Sign(local, None, None, logged.id), self._day_words(verdict))

    def _day_words(self, verdict: Assessment) -> dict[str, dict[str, str]]:
        return {lang: {"days": str(verdict.days),
                       "findings": ("; " if lang == "en" else "；").join(self._finding(f, lang)
                                                                        for f in verdict.findings)}
                for lang in ("en", "zh")}

    def _finding(self, finding: Finding, lang: str) -> str:
        span = f"{slot_label(finding.start)}–{slot_label(finding.end)}"
        if finding.kind == "unusual_activity":
            return (f"active at unusual hours ({finding.slots} quarter hours between {span})" if lang == "en"
                    else f"在不寻常的时间活动（{span}之间有{finding.slots}个一刻钟）")
        if finding.channel == ALL:
            return (f"no activity {span} (usually an active time: {finding.slots} quarter hours)" if lang == "en"
                    else f"{span}没有活动，平时这段时间有活动（{finding.slots}个一刻钟）")
        room = self.ctx.room_name(finding.channel, "en" if lang == "en" else "zh-CN")
        return (f"nothing in the {room} {span} (usually used then: {finding.slots} quarter hours)"
                if lang == "en" else f"{span}{room}没有活动，平时这段时间有（{finding.slots}个一刻钟）")

    # -- alerting -------------------------------------------------------------------------------------

    async def _alert(self, pid: str, rule: str, episode: str, rules: PersonRoutine, cause: Sign | None,
                     values: dict[str, dict[str, str]], *, text: str | None = None,
                     priority_rule: str | None = None) -> None:
        """Raise ``rule`` once per episode: log why, then (in ``noticed``) tell the caregivers."""
        state = self.people[pid]
        if state.alerted.get(rule) == episode:
            return
        state.alerted[rule] = episode
        await self.ctx.store.set(f"alerted:{pid}", state.alerted)
        profile = self.ctx.person(pid)
        name = profile.name if profile else pid
        template = TEXT[text or rule]
        message = {lang: template[lang].format(name=name, **values[lang]) for lang in ("en", "zh")}
        priority = rules.priority(priority_rule or rule)
        await self.ctx.emit(RoutineAnomalyNoticed(rule=rule, priority=priority, message=message, person=pid,
                                                  device=cause.device if cause else None,
                                                  cause=cause.event_id if cause else None))

    @on(RoutineAnomalyNoticed)
    async def noticed(self, event: RoutineAnomalyNoticed) -> None:
        message: Any = dict(event.message)
        await self.ctx.notify(message, priority=event.priority, person=event.person, kind=event.rule)

    def _time(self, ts: datetime, local: datetime, lang: str) -> str:
        """``09:25``, ``21:46 yesterday`` or ``Mon 21:46`` (in the home's time zone)."""
        when = ts.astimezone(self.zone)
        days = (local.date() - when.date()).days
        if days == 0:
            return f"{when:%H:%M}"
        if days == 1:
            return f"{when:%H:%M} yesterday" if lang == "en" else f"昨天{when:%H:%M}"
        return f"{when:%a %H:%M}" if lang == "en" else f"{when:%m-%d %H:%M}"

    def _last(self, state: PersonState, local: datetime, lang: str) -> str:
        last = state.last
        if last is None:
            return "no sign since the hub started" if lang == "en" else "中枢启动以来没有任何活动"
        where = self.ctx.room_name(last.room, "zh-CN" if lang == "zh" else "en") if last.room else last.device
        if state.away and state.last_exit is not None:
            out = self._time(state.last_exit.ts, local, lang)
            return f"went out at {out}" if lang == "en" else f"{out}出门"
        at = self._time(last.ts, local, lang)
        return f"last seen {at}, {where}" if lang == "en" else f"最后一次活动：{at}，{where}"

    async def _where(self, pid: str, local: datetime, lang: str) -> str:
        """The person's last GPS fix (from their watch), as text with a map link; empty if none."""
        fixes = await self.ctx.events(LocationReported, person=pid, limit=1)
        if not fixes:
            return ""
        at = self._time(fixes[0].ts, local, lang)
        lat, lon = float(fixes[0].lat), float(fixes[0].lon)
        link = f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=18/{lat:.5f}/{lon:.5f}"
        return WHERE[lang].format(lat=lat, lon=lon, at=at, link=link)

    # -- for a language model -------------------------------------------------------------------------

    @tool
    async def last_activity(self, person: str) -> dict[str, Any]:
        """When and where a person was last active at home, and whether they seem to be out.

        Args:
            person: the person's id, e.g. grandma
        """
        state = self.people.get(person)
        if state is None:
            return {"error": f"{person} is not watched by the routines skill"}
        last = state.last
        return {"last_activity": last.ts.isoformat() if last else None, "room": last.room if last else None,
                "device": last.device if last else None, "out": state.away, "in_bed": state.bed_occupied}
