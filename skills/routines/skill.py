"""The routines skill: inactivity and routine anomalies for someone who lives alone. See docs/care/routines.md.

Home sensors of each watched person (every ``elder`` by default) are read by role from the config:
motion sensors by room, contacts by ``subtype`` (``door`` = a way out, ``fridge``, ``medicine_cabinet``),
the ``bed`` occupancy pad, the pillbox and buttons. Any of them changing is *activity*; a contact or pad
repeating the state it was already in (periodic reports) is not.

This module is the I/O: it folds events into each person's state (``state``), checks the rules every
minute (``rules``), keeps the daily quarter-hour records for the baseline in the store, and raises and
clears alerts (texts from ``wording``). Every alert is first logged as a ``routine_anomaly_noticed`` event
whose cause is the last sign of the person, and the caregiver notification is caused by that event, so
"why was I paged" leads to it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from skills.routines.baseline import DayActivity, assess
from skills.routines.rules import Finding, baseline_due, check_unusual_day, episodes_ended, findings
from skills.routines.settings import PersonRoutine, RoutineSettings
from skills.routines.state import SIGNALS, DayRecord, PersonState, Sign, observe, slot_at
from skills.routines.wording import Names, describe, message
from skills.sdk import (
    ButtonPressed, ContactChanged, Event, LocationReported, MotionDetected, OccupancyChanged, PillboxOpened, Skill,
    every, on, tool,
)


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


class Routines(Skill[RoutineSettings]):
    """Watches the routines of people living alone and tells caregivers when a day goes wrong."""

    async def setup(self) -> None:
        self.zone = ZoneInfo(self.ctx.timezone)
        now = self.ctx.now()
        self.people: dict[str, PersonState] = {}
        self._rules: dict[str, PersonRoutine] = {}
        self.roles: dict[str, Any] = {d.id: d for d in self.ctx.devices()}
        for pid in self._watched():
            state = PersonState(watching_since=now, contact_subtypes=frozenset(
                d.subtype for d in self.roles.values() if d.person == pid and d.kind == "contact"))
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
            cached = self._rules[pid] = self.settings.for_person(pid)
        return cached

    async def _replay(self, pid: str, state: PersonState, now: datetime) -> None:
        """Rebuild what the skill knew from the last day and a half of the log (after a restart)."""
        logged: list[Event] = await self.ctx.events(person=pid, since=now - timedelta(hours=36), limit=20000)
        events = [e for e in reversed(logged) if e.kind in SIGNALS]
        rules = self.rules(pid)
        for event in events:
            observe(state, rules, event, self.roles.get(event.device or ""), self.zone)
        if events:
            state.watching_since = min(now, events[0].ts)

    # -- signs ----------------------------------------------------------------------------------------

    @on(MotionDetected, ContactChanged, OccupancyChanged, PillboxOpened, ButtonPressed)
    async def sensed(self, event: Event) -> None:
        pid = event.person
        state = self.people.get(pid or "")
        if pid is None or state is None or event.device not in self.roles:
            return
        sign = observe(state, self.rules(pid), event, self.roles.get(event.device or ""), self.zone)
        if sign is None:
            return
        record = await self._record(pid, state, event.ts)
        record.count(slot_at(event.ts, self.zone), sign.room)
        await self._episodes_end(pid, state, sign)

    async def _episodes_end(self, pid: str, state: PersonState, sign: Sign) -> None:
        """Clear the alerts whose condition this sign ends."""
        for rule in episodes_ended(state, self.rules(pid), sign):
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
            slot = slot_at(now, self.zone)
            hour = slot // 4
            if record.dirty and hour != record.saved_hour:  # saved once an hour (and at midnight, on stop)
                await self._save(pid, record)
            record.saved_hour = hour
            record.watch(slot, state.away)
            local = now.astimezone(self.zone)
            for finding in findings(state, rules, local):
                await self._alert(pid, finding)
            await self._baseline(pid, state, rules, local, record)

    # -- rule 7: the learned baseline -----------------------------------------------------------------

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
        check = baseline_due(state, rules, local)
        if check is None:
            return
        state.assessed = local.date().isoformat()
        await self.ctx.store.set(f"assessed:{pid}", state.assessed)
        history = await self._history(pid, local.date(), rules.baseline.days)
        verdict = await asyncio.to_thread(assess, record.activity(), history, slot_at(check, self.zone),
                                          rules.baseline.params(), rules.baseline.rooms)
        words = [describe(f, "en", self.ctx.room_name) for f in verdict.findings]
        logged = await self.ctx.emit(RoutineDayAssessed(days=verdict.days, enough_history=verdict.enough_history,
                                                        unusual=verdict.unusual, findings=tuple(words), person=pid))
        if not verdict.enough_history:
            self.ctx.log.info("%s: %d of %d days of history; today is not judged against a baseline yet",
                              pid, verdict.days, rules.baseline.min_days)
            return
        finding = check_unusual_day(state, rules, local, verdict, logged.id)
        if finding is not None:
            await self._alert(pid, finding)

    # -- alerting -------------------------------------------------------------------------------------

    async def _alert(self, pid: str, finding: Finding) -> None:
        """Raise the finding's alert once per episode: log why, then (in ``noticed``) tell the caregivers."""
        state = self.people[pid]
        if state.alerted.get(finding.rule) == finding.episode:
            return
        fix = await self._last_fix(pid) if finding.outside else None
        state.alerted[finding.rule] = finding.episode
        await self.ctx.store.set(f"alerted:{pid}", state.alerted)
        profile = self.ctx.person(pid)
        names = Names(person=profile.name if profile else pid, room=self.ctx.room_name, devices=self.roles)
        cause = finding.cause
        await self.ctx.emit(RoutineAnomalyNoticed(rule=finding.rule, priority=finding.priority,
                                                  message=message(finding, names, fix), person=pid,
                                                  device=cause.device if cause else None,
                                                  cause=cause.event_id if cause else None))

    @on(RoutineAnomalyNoticed)
    async def noticed(self, event: RoutineAnomalyNoticed) -> None:
        text: Any = dict(event.message)
        await self.ctx.notify(text, priority=event.priority, person=event.person, kind=event.rule)

    async def _last_fix(self, pid: str) -> LocationReported | None:
        """The person's last GPS fix (from their watch), if any."""
        fixes = await self.ctx.events(LocationReported, person=pid, limit=1)
        return fixes[0] if fixes else None

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
