"""The child_safety skill: geofences with school-hours windows, "home by" checks, a curfew and a bedtime
routine for a child with a GPS watch. See docs/care/child_safety.md.

Every accepted fix updates, per zone, a hysteresis state (``fence.update``): a child has left a zone only
after ``fixes_to_change`` consecutive fixes beyond its edge plus a margin, spanning ``confirm_minutes``,
so one multipath fix (or a short burst of them) pages nobody. Leaving a zone inside one of the child's
windows for it pages once per episode, and the alert clears when the child is back in that zone or at
home. SOS presses are paged by the ``safety`` skill;
this skill only logs where the child was relative to the zones (``ChildSosLocated``).
"""

from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

from skills.child_safety import rules, wording
from skills.child_safety.events import (
    CURFEW, LEFT_ZONE, NOT_ARRIVED, NOT_HOME, ChildEnteredZone, ChildLeftZone, ChildSosLocated,
)
from skills.child_safety.fence import FenceState
from skills.child_safety.geo import Circle, distance_m, nearest
from skills.child_safety.settings import Bedtime, Child, ChildSafetySettings, Gps, Weekday, ZoneWindow
from skills.child_safety.state import Fix, Track
from skills.sdk import (
    IntentMatch, LocationReported, Priority, Skill, SosPressed, TurnOn, every, intent, on, short_language, tool,
)


class ChildSafety(Skill[ChildSafetySettings]):
    """Geofences, home-by and curfew checks, and a bedtime routine for children with GPS watches."""

    async def setup(self) -> None:
        self.zone_info = ZoneInfo(self.ctx.timezone)
        self.circles = [Circle(name, z.lat, z.lon, z.radius_m) for name, z in self.settings.zones.items()]
        self.tracks: dict[str, Track] = {}
        for pid in self.settings.children:
            self.tracks[pid] = Track.from_json(await self.ctx.store.get(f"track:{pid}", {}))
        self.done: list[str] = await self.ctx.store.get("done", [])
        """Checks already run, as ``<date>|<person>|<what>|<HH:MM>``."""

    # -- helpers --------------------------------------------------------------------------------------

    def _gps(self, pid: str) -> Gps:
        return self.settings.children[pid].gps or self.settings.gps

    def _name(self, pid: str) -> str:
        person = self.ctx.person(pid)
        return person.name if person else pid

    def _circle(self, zone: str) -> Circle | None:
        return next((c for c in self.circles if c.name == zone), None)

    def _local(self, epoch: float) -> datetime:
        return datetime.fromtimestamp(epoch, tz=timezone.utc).astimezone(self.zone_info)

    async def _save(self, pid: str) -> None:
        await self.ctx.store.set(f"track:{pid}", self.tracks[pid].to_json())

    def describe(self, pid: str, lang: str, *, link: bool = True, from_zone: Circle | None = None) -> str:
        """The last position in words: where (the zone the child is in, else the distance from ``from_zone``
        or the nearest zone), how old, how accurate, and (for a screen) a map link."""
        track = self.tracks[pid]
        fix = track.fix
        where = rules.whereabouts(self.circles, track.fences, fix, from_zone) if fix is not None else None
        url = wording.map_link(self.settings.map_link, fix) if fix is not None and link else None
        return wording.last_seen(fix, where, lang, now=self.ctx.now().timestamp(), tz=self.zone_info,
                                 zones=self.settings.zones, link=url)

    def _position(self, pid: str, from_zone: Circle | None = None) -> dict[str, str]:
        """The last position in words, by language, for an alert."""
        return {lang: self.describe(pid, lang, from_zone=from_zone) for lang in ("en", "zh")}

    # -- positions ---------------------------------------------------------------------------------------

    @on(LocationReported)
    async def located(self, event: LocationReported) -> None:
        pid = event.person
        if pid is None or pid not in self.settings.children:
            return
        gps = self._gps(pid)
        if not rules.trusted(event.accuracy, gps):
            self.ctx.log.info("fix %s of %s ignored: accuracy %.0f m > %.0f m", event.id, pid, event.accuracy,
                              gps.max_accuracy_m)
            return
        track = self.tracks[pid]
        at = event.ts.timestamp()
        track.fix = Fix(event.lat, event.lon, event.accuracy, at)
        for circle in self.circles:
            state, crossing = rules.crossing(track.fences.get(circle.name, FenceState()), circle, event.lat,
                                             event.lon, event.accuracy, at, gps)
            track.fences[circle.name] = state
            if crossing == "left":
                await self._left(pid, circle, state, event)
            elif crossing == "entered":
                await self._entered(pid, circle, event)
        await self._save(pid)

    async def _left(self, pid: str, circle: Circle, state: FenceState, event: LocationReported) -> None:
        left_at = self._local(state.changed_at if state.changed_at is not None else event.ts.timestamp())
        rule = rules.expected_in(self.settings.children[pid], circle.name, left_at)
        far = distance_m(circle.lat, circle.lon, event.lat, event.lon)
        await self.ctx.emit(ChildLeftZone(zone=circle.name, lat=event.lat, lon=event.lon, accuracy=event.accuracy,
                                          distance_m=round(far, 1), left_at=left_at.isoformat(),
                                          in_window=rule is not None, person=pid, device=event.device))
        if rule is None:
            return
        self.tracks[pid].exit_alert = circle.name
        await self.ctx.notify(
            wording.left_zone(self._name(pid), circle.name, left_at, rule, self.settings.zones,
                              self._position(pid, from_zone=circle)),
            priority=rule.priority, person=pid, kind=LEFT_ZONE)

    async def _entered(self, pid: str, circle: Circle, event: LocationReported) -> None:
        await self.ctx.emit(ChildEnteredZone(zone=circle.name, lat=event.lat, lon=event.lon, accuracy=event.accuracy,
                                             person=pid, device=event.device))
        track, child = self.tracks[pid], self.settings.children[pid]
        # A "left school" alert ends when the child is back there or home; "not arrived" on arrival there.
        if track.exit_alert is not None and circle.name in (track.exit_alert, child.home_zone):
            await self.ctx.clear_alerts(LEFT_ZONE, person=pid, reason=f"back at {circle.name}")
            track.exit_alert = None
        if circle.name in track.awaited:
            track.awaited.remove(circle.name)
            await self.ctx.clear_alerts(NOT_ARRIVED, person=pid, reason=f"arrived at {circle.name}")
        if circle.name == child.home_zone:
            for kind in track.open_home_alerts:
                await self.ctx.clear_alerts(kind, person=pid, reason="home")
            track.open_home_alerts = []

    # -- timed checks --------------------------------------------------------------------------------

    async def _due(self, pid: str, what: str, days: list[Weekday], at: time, local: datetime) -> bool:
        """Whether a daily check falls due now (once a day, at most ``late_minutes`` late)."""
        if not rules.due(local, days, at, self.settings.late_minutes):
            return False
        key = rules.check_key(local, pid, what, at)
        if key in self.done:
            return False
        self.done = rules.remember(self.done, key, local.date())
        await self.ctx.store.set("done", self.done)
        return True

    @every(60)
    async def tick(self) -> None:
        local = self.ctx.now().astimezone(self.zone_info)
        for pid, child in self.settings.children.items():
            for window in child.schedules:
                if window.arrive_within_minutes is None:
                    continue
                due_at = rules.arrival_check_at(window.start, window.arrive_within_minutes)
                if await self._due(pid, f"arrive:{window.zone}", window.days, due_at, local):
                    await self._check_arrived(pid, window, due_at)
            for rule in child.home_by:
                if await self._due(pid, "home_by", rule.days, rule.at, local):
                    await self._check_home(pid, NOT_HOME, rule.at, rule.priority)
            if child.curfew and await self._due(pid, "curfew", child.curfew.days, child.curfew.at, local):
                await self._check_home(pid, CURFEW, child.curfew.at, child.curfew.priority)
            if child.bedtime and await self._due(pid, "bedtime", child.bedtime.days, child.bedtime.at, local):
                await self._bedtime(pid, child, child.bedtime)

    async def _check_home(self, pid: str, kind: str, at: time, priority: Priority) -> None:
        track = self.tracks[pid]
        home = self._circle(self.settings.children[pid].home_zone)
        if rules.at_home(track.fix, track.fences, home, self.ctx.now().timestamp(), self._gps(pid)):
            return
        await self.ctx.notify(wording.not_home(self._name(pid), at, self._position(pid), curfew=kind == CURFEW),
                              priority=priority, person=pid, kind=kind)
        if kind not in track.open_home_alerts:
            track.open_home_alerts.append(kind)
            await self._save(pid)

    async def _check_arrived(self, pid: str, window: ZoneWindow, due_at: time) -> None:
        """The child should be in ``window.zone`` by now: alert when the watch is not confirmed there."""
        track = self.tracks[pid]
        if rules.arrived(track.fix, track.fences, window.zone, self.ctx.now().timestamp(), self._gps(pid)):
            return
        position = self._position(pid, from_zone=self._circle(window.zone))
        await self.ctx.notify(wording.not_arrived(self._name(pid), window, due_at, self.settings.zones, position),
                              priority=window.arrive_priority, person=pid, kind=NOT_ARRIVED)
        if window.zone not in track.awaited:
            track.awaited.append(window.zone)
            await self._save(pid)

    async def _bedtime(self, pid: str, child: Child, rule: Bedtime) -> None:
        lights = rule.lights if rule.lights is not None else \
            [d.id for d in self.ctx.devices(kind="light", room=child.room)] if child.room else []
        known = {d.id for d in self.ctx.devices()}
        for light in lights:
            if light not in known:
                self.ctx.log.warning("bedtime for %s: no device %r to dim", pid, light)
            elif not (rule.leave_off_lights_off and self.ctx.device_state(light).get("on") is False):
                await self.ctx.command(light, TurnOn(brightness=rule.brightness))
        person = self.ctx.person(pid)
        text = wording.bedtime_reminder(rule.reminder, person.language if person else None, self._name(pid))
        room = rule.speaker_room or child.room
        if room and not self.ctx.devices(kind="speaker", room=room):
            room = None  # no speaker there: the child's own speaker instead
        await self.ctx.say(text, person=pid, room=room)

    # -- SOS, where is ----------------------------------------------------------------------------------

    @on(SosPressed)
    async def sos(self, event: SosPressed) -> None:
        pid = event.person
        if pid is None or pid not in self.settings.children:
            return
        where = self.where_is_now(pid)
        await self.ctx.emit(ChildSosLocated(
            zone=where["zone"], nearest_zone=where["nearest_zone"], distance_m=where["distance_m"],
            lat=where["lat"], lon=where["lon"], accuracy=where["accuracy_m"], age_s=where["age_s"],
            person=pid, device=event.device))

    def _child(self, who: str) -> str | None:
        """A child's person id from their id or name, as typed or spoken."""
        return rules.find_child(who, {pid: self._name(pid) for pid in self.settings.children})

    def where_is_now(self, pid: str) -> dict[str, Any]:
        """The last position of a child as plain data (see ``where_is``)."""
        track = self.tracks[pid]
        fix = track.fix
        out: dict[str, Any] = {"person": pid, "lat": None, "lon": None, "accuracy_m": None, "seen_at": None,
                               "age_s": None, "stale": True, "zone": None, "nearest_zone": None,
                               "distance_m": None, "map": None}
        if fix is None:
            return out
        now = self.ctx.now().timestamp()
        near = nearest(self.circles, fix.lat, fix.lon)
        out.update(lat=fix.lat, lon=fix.lon, accuracy_m=fix.accuracy, seen_at=self._local(fix.at).isoformat(),
                   age_s=round(now - fix.at), stale=not rules.fresh(fix, now, self._gps(pid)),
                   zone=rules.confirmed_zone(self.circles, track.fences),
                   nearest_zone=near[0].name if near else None, distance_m=round(near[1]) if near else None,
                   map=wording.map_link(self.settings.map_link, fix))
        return out

    @tool
    async def where_is(self, person: str) -> dict[str, Any]:
        """Where a child was last seen: position, the zone they are in (or the nearest), and how old the fix is.

        Args:
            person: the child's id or name, e.g. leo
        """
        pid = self._child(person)
        if pid is None:
            return {"error": f"unknown child {person!r}; known: {', '.join(self.settings.children) or 'none'}"}
        return self.where_is_now(pid)

    @intent("ChildWhereIs")  # sentences/<lang>.yaml: "where is leo", "leo在哪里"
    async def asked_where(self, match: IntentMatch) -> str:
        lang = short_language(match.language)
        pid = self._child(str(match.slots.get("child", "")))
        if pid is None:
            return wording.unknown_child_reply([self._name(p) for p in self.settings.children], lang)
        fix = self.tracks[pid].fix
        position = self.describe(pid, lang, link=False) if fix is not None else None
        return wording.where_reply(self._name(pid), position, lang)
