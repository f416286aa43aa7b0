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

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from skills.child_safety.fence import FenceState, update
from skills.child_safety.geo import Circle, distance_m, nearest, side_of
from skills.sdk import Event, IntentMatch, LocationReported, Skill, SosPressed, TurnOn, every, intent, on, tool

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SCHOOL_DAYS: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]
Priority = Literal["high", "medium", "low"]

LEFT_ZONE = "child_left_zone"
NOT_HOME = "child_not_home"
CURFEW = "child_curfew"
NOT_ARRIVED = "child_not_arrived"
"""Alert kinds."""


# --- settings ----------------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Zone(_Model):
    """A circular zone: ``zones: {school: {lat: 31.2385, lon: 121.4795, radius_m: 200}}``."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_m: float = Field(gt=0, le=50_000)
    """Draw it round the whole site (playground, gates) plus a little: GPS indoors is off by tens of metres."""
    names: dict[str, str] = Field(default_factory=dict)
    """Spoken / written names by language, e.g. ``{zh: 学校}``; the zone id otherwise."""


class ZoneWindow(_Model):
    """The child is expected inside ``zone`` on ``days`` from ``start`` to ``end`` (home time)."""

    zone: str
    days: list[Weekday] = Field(default_factory=lambda: list(SCHOOL_DAYS))
    start: time
    end: time
    """May be earlier than ``start``: the window then runs past midnight."""
    priority: Priority = "high"
    """A child leaving school unaccompanied in school hours is treated as urgent (every tier-1 caregiver)."""
    arrive_within_minutes: float | None = Field(None, gt=0, le=24 * 60)
    """When set, not being confirmed inside ``zone`` this long after ``start`` is an alert ("Leo has not
    arrived at school"), with the last position; it clears when the watch is confirmed there."""
    arrive_priority: Priority = "medium"
    """A late arrival is usually a late bus or a sick day nobody told carehub about: one caregiver first."""


class HomeBy(_Model):
    """The child should be home by ``at`` on ``days``."""

    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS))
    at: time
    priority: Priority = "medium"
    """Late home is usually a bus or a friend's house: one caregiver is told first."""


class Curfew(_Model):
    """Home by ``at``, and not leaving home from ``at`` until ``until`` the next morning."""

    at: time
    until: time = time(6, 30)
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS))
    priority: Priority = "high"


DEFAULT_REMINDER = {"en": "{name}, it's bedtime. Time to brush your teeth and get into bed.",
                    "zh": "{name}，该睡觉了。去刷牙，上床吧。"}


class Bedtime(_Model):
    """At ``at``: dim the lights and say a reminder."""

    at: time
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS))
    lights: list[str] | None = None
    """Light device ids; None means every light in the child's ``room``."""
    brightness: int = Field(40, ge=1, le=255)
    leave_off_lights_off: bool = True
    """A light known to be off stays off (dimming is a cue, not switching on an empty room)."""
    reminder: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_REMINDER))
    """By language (``en``, ``zh``); ``{name}`` is the child's name."""
    speaker_room: str | None = None
    """Where to say it; None means the child's ``room`` if it has a speaker, else the child's own speaker."""


class Gps(_Model):
    """How GPS fixes are trusted."""

    max_accuracy_m: float = Field(100, gt=0)
    """Ignore fixes whose reported accuracy is worse. Watches report the radius of 68 % confidence
    (Android ``Location.getAccuracy``); GPS in the open is within ~8 m at 95 % (GPS.gov SPS performance
    standard, 2020), so fixes beyond 100 m are Wi-Fi or cell-tower guesses."""
    exit_margin_m: float = Field(50, ge=0)
    """A fix is outside only beyond the radius plus ``max(exit_margin_m, its accuracy)``."""
    fixes_to_change: int = Field(2, ge=1, le=10)
    """Consecutive fixes needed to change sides (to leave, and to be back) ..."""
    confirm_minutes: float = Field(4, ge=0, le=60)
    """... spanning at least this long, whatever the watch's reporting rate. Multipath errors come in
    bursts of a minute or two; bench/geofence.py shows the trade-off against detection delay."""
    stale_after_minutes: float = Field(30, gt=0)
    """An older last fix is "last seen ... ago" and does not count as being home."""


class Child(_Model):
    """One child's zones, times and routine."""

    room: str | None = None
    """The child's bedroom (``room`` of its light and speaker in config.yaml)."""
    home_zone: str = "home"
    schedules: list[ZoneWindow] = Field(default_factory=list)
    home_by: list[HomeBy] = Field(default_factory=list)
    curfew: Curfew | None = None
    bedtime: Bedtime | None = None
    gps: Gps | None = None
    """Overrides the household's ``gps`` for this child's watch."""


class ChildSafetySettings(_Model):
    """``skills: {child_safety: {zones: {...}, children: {leo: {...}}}}``."""

    zones: dict[str, Zone] = Field(default_factory=dict)
    children: dict[str, Child] = Field(default_factory=dict)
    """By person id."""
    gps: Gps = Field(default_factory=Gps)
    late_minutes: float = Field(15, gt=0)
    """A check (home by, curfew, bedtime) still runs this long after its time, e.g. after a restart."""
    map_link: str = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"

    @model_validator(mode="after")
    def _zones_exist(self) -> ChildSafetySettings:
        missing = []
        for pid, child in self.children.items():
            wanted = [(f"children.{pid}.schedules[{i}].zone", w.zone) for i, w in enumerate(child.schedules)]
            if child.home_by or child.curfew:
                wanted.append((f"children.{pid}.home_zone", child.home_zone))
            missing += [f"{path}: unknown zone '{zone}'" for path, zone in wanted if zone not in self.zones]
        if missing:
            raise ValueError(f"{'; '.join(missing)} (zones: {', '.join(self.zones) or 'none'})")
        return self


# --- events of this skill ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ChildLeftZone(Event):
    """A child's watch was confirmed outside a zone it had been inside."""

    zone: str
    lat: float
    lon: float
    accuracy: float | None = None
    distance_m: float = 0.0
    """From the zone's centre, at the confirming fix."""
    left_at: str = ""
    """When the first fix outside was taken (ISO, UTC)."""
    in_window: bool = False
    """Whether it happened in one of the child's windows for the zone (and so paged)."""


@dataclass(frozen=True, kw_only=True)
class ChildEnteredZone(Event):
    """A child's watch was confirmed inside a zone."""

    zone: str
    lat: float
    lon: float
    accuracy: float | None = None


@dataclass(frozen=True, kw_only=True)
class ChildSosLocated(Event):
    """Where a child was, relative to the zones, when they pressed SOS (the ``safety`` skill pages)."""

    zone: str | None
    """The zone the child was confirmed inside, if any."""
    nearest_zone: str | None
    distance_m: float | None
    """From the nearest zone's centre."""
    lat: float | None
    lon: float | None
    accuracy: float | None = None
    age_s: float | None = None
    """How old the fix was."""


# --- state -----------------------------------------------------------------------------------------------


@dataclass
class Fix:
    """The last accepted position of a child."""

    lat: float
    lon: float
    accuracy: float | None
    at: float
    """Epoch seconds."""


@dataclass
class Track:
    """What the skill knows of one child; persisted in the skill's store."""

    fix: Fix | None = None
    fences: dict[str, FenceState] = field(default_factory=dict)
    exit_alert: str | None = None
    """The zone of the open "left zone" alert, if any."""
    open_home_alerts: list[str] = field(default_factory=list)
    """Open ``child_not_home`` / ``child_curfew`` alerts, cleared on arrival home."""
    awaited: list[str] = field(default_factory=list)
    """Zones of open ``child_not_arrived`` alerts, cleared on arrival there."""

    def to_json(self) -> dict[str, Any]:
        return {"fix": vars(self.fix) if self.fix else None,
                "fences": {k: v.to_json() for k, v in self.fences.items()},
                "exit_alert": self.exit_alert, "open_home_alerts": self.open_home_alerts, "awaited": self.awaited}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Track:
        return cls(fix=Fix(**data["fix"]) if data.get("fix") else None,
                   fences={k: FenceState.from_json(v) for k, v in (data.get("fences") or {}).items()},
                   exit_alert=data.get("exit_alert"), open_home_alerts=list(data.get("open_home_alerts") or []),
                   awaited=list(data.get("awaited") or []))


# --- wording ------------------------------------------------------------------------------------------------


def _lang(language: str | None) -> str:
    return "zh" if (language or "").startswith("zh") else "en"


def _pick(table: dict[str, str], lang: str) -> str:
    return table.get(lang) or next((v for k, v in table.items() if k.split("-")[0] == lang), None) \
        or table.get("en") or next(iter(table.values()))


def _distance(metres: float, lang: str) -> str:
    if metres >= 1000:
        return f"{metres / 1000:.1f} 公里" if lang == "zh" else f"{metres / 1000:.1f} km"
    return f"{metres:.0f} 米" if lang == "zh" else f"{metres:.0f} m"


def _age(seconds: float, lang: str) -> str:
    minutes = int(max(0.0, seconds) // 60)
    if minutes < 1:
        return "刚刚" if lang == "zh" else "just now"
    hours, minutes = divmod(minutes, 60)
    if lang == "zh":
        return " ".join([f"{hours} 小时"] * bool(hours) + [f"{minutes} 分钟"] * bool(minutes)) + "前"
    return " ".join([f"{hours} h"] * bool(hours) + [f"{minutes} min"] * bool(minutes)) + " ago"


def in_window(when: datetime, days: list[Weekday], start: time, end: time) -> bool:
    """Whether local time ``when`` falls in a daily window on ``days``; a window with ``end <= start``
    runs past midnight and belongs to the day it starts on."""
    day = WEEKDAYS[when.weekday()]
    now = when.time()
    if start < end:
        return day in days and start <= now < end
    yesterday = WEEKDAYS[(when.weekday() - 1) % 7]
    return (day in days and now >= start) or (yesterday in days and now < end)


# --- the skill ----------------------------------------------------------------------------------------------


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

    def _zone_name(self, zone: str, lang: str) -> str:
        names = self.settings.zones[zone].names if zone in self.settings.zones else {}
        return names.get(lang) or next((v for k, v in names.items() if k.split("-")[0] == lang), zone)

    def _local(self, epoch: float) -> datetime:
        return datetime.fromtimestamp(epoch, tz=timezone.utc).astimezone(self.zone_info)

    def _link(self, fix: Fix) -> str:
        return self.settings.map_link.format(lat=f"{fix.lat:.6f}", lon=f"{fix.lon:.6f}")

    async def _save(self, pid: str) -> None:
        await self.ctx.store.set(f"track:{pid}", self.tracks[pid].to_json())

    def _inside(self, track: Track) -> str | None:
        """The zone the child is confirmed inside (the smallest, if zones overlap)."""
        inside = [c for c in self.circles if track.fences.get(c.name, FenceState()).side == "inside"]
        return min(inside, key=lambda c: c.radius_m).name if inside else None

    def describe(self, pid: str, lang: str, *, link: bool = True, from_zone: Circle | None = None) -> str:
        """The last position in words: where (the zone the child is in, else the distance from ``from_zone``
        or the nearest zone), how old, how accurate, and (for a screen) a map link."""
        track = self.tracks[pid]
        fix = track.fix
        if fix is None:
            return "手表还没有发送过位置。" if lang == "zh" else "the watch has sent no position yet."
        age = _age(self.ctx.now().timestamp() - fix.at, lang)
        at = f"{self._local(fix.at):%H:%M}"
        zone = self._inside(track) if from_zone is None else None
        if zone is not None:
            where = f"在{self._zone_name(zone, lang)}" if lang == "zh" else f"at {self._zone_name(zone, lang)}"
        else:
            near = nearest(self.circles, fix.lat, fix.lon) if from_zone is None else \
                (from_zone, distance_m(from_zone.lat, from_zone.lon, fix.lat, fix.lon))
            if near is None:
                where = ""
            else:
                far = _distance(near[1], lang)
                zname = self._zone_name(near[0].name, lang)
                where = f"距离{zname} {far}" if lang == "zh" else f"{far} from {zname}"
        if lang == "zh":
            accuracy = f"（±{fix.accuracy:.0f} 米）" if fix.accuracy is not None else ""
            tail = f"地图：{self._link(fix)}" if link else ""
            return f"最后位置：{age}（{at}），{where}{accuracy}。{tail}"
        accuracy = f" (±{fix.accuracy:.0f} m)" if fix.accuracy is not None else ""
        tail = f" Map: {self._link(fix)}" if link else ""
        return f"last seen {age} ({at}), {where}{accuracy}.{tail}"

    def _home_now(self, pid: str) -> bool:
        """Confirmed at home with a fresh fix, or the latest fresh fix is at home (arriving)."""
        child, track = self.settings.children[pid], self.tracks[pid]
        fix = track.fix
        if fix is None or self.ctx.now().timestamp() - fix.at > self._gps(pid).stale_after_minutes * 60:
            return False
        home = next((c for c in self.circles if c.name == child.home_zone), None)
        if home is None:
            return False
        state = track.fences.get(home.name, FenceState())
        return state.side == "inside" or side_of(home, fix.lat, fix.lon) == "inside"

    # -- positions ---------------------------------------------------------------------------------------

    @on(LocationReported)
    async def located(self, event: LocationReported) -> None:
        pid = event.person
        if pid is None or pid not in self.settings.children:
            return
        gps = self._gps(pid)
        if event.accuracy is not None and event.accuracy > gps.max_accuracy_m:
            self.ctx.log.info("fix %s of %s ignored: accuracy %.0f m > %.0f m", event.id, pid, event.accuracy,
                              gps.max_accuracy_m)
            return
        track = self.tracks[pid]
        at = event.ts.timestamp()
        track.fix = Fix(event.lat, event.lon, event.accuracy, at)
        for circle in self.circles:
            verdict = side_of(circle, event.lat, event.lon, margin_m=gps.exit_margin_m, accuracy_m=event.accuracy)
            state, crossing = update(track.fences.get(circle.name, FenceState()), verdict, at, gps.fixes_to_change,
                                     gps.confirm_minutes * 60)
            track.fences[circle.name] = state
            if crossing == "left":
                await self._left(pid, circle, state, event)
            elif crossing == "entered":
                await self._entered(pid, circle, event)
        await self._save(pid)

    def _window_for(self, pid: str, zone: str, when: datetime) -> tuple[Priority, dict[str, str]] | None:
        """The child's window for ``zone`` that ``when`` falls in, as (priority, why by language)."""
        child = self.settings.children[pid]
        for w in child.schedules:
            if w.zone == zone and in_window(when, w.days, w.start, w.end):
                hours = f"{w.start:%H:%M}-{w.end:%H:%M}"
                return w.priority, {"en": f"expected at {self._zone_name(zone, 'en')} {hours}",
                                    "zh": f"{hours} 应在{self._zone_name(zone, 'zh')}"}
        curfew = child.curfew
        if curfew and zone == child.home_zone and in_window(when, curfew.days, curfew.at, curfew.until):
            return curfew.priority, {"en": f"after curfew ({curfew.at:%H:%M})", "zh": f"宵禁（{curfew.at:%H:%M}）之后"}
        return None

    async def _left(self, pid: str, circle: Circle, state: FenceState, event: LocationReported) -> None:
        left_at = self._local(state.changed_at if state.changed_at is not None else event.ts.timestamp())
        window = self._window_for(pid, circle.name, left_at)
        far = distance_m(circle.lat, circle.lon, event.lat, event.lon)
        await self.ctx.emit(ChildLeftZone(zone=circle.name, lat=event.lat, lon=event.lon, accuracy=event.accuracy,
                                          distance_m=round(far, 1), left_at=left_at.isoformat(),
                                          in_window=window is not None, person=pid, device=event.device))
        if window is None:
            return
        priority, why = window
        self.tracks[pid].exit_alert = circle.name
        name = self._name(pid)
        en_zone, zh_zone = self._zone_name(circle.name, "en"), self._zone_name(circle.name, "zh")
        await self.ctx.notify(
            {"en": f"{name} left {en_zone} at about {left_at:%H:%M} ({why['en']}); "
                   f"{self.describe(pid, 'en', from_zone=circle)}",
             "zh": f"{name} 约 {left_at:%H:%M} 离开了{zh_zone}（{why['zh']}）。"
                   f"{self.describe(pid, 'zh', from_zone=circle)}"},
            priority=priority, person=pid, kind=LEFT_ZONE)

    async def _entered(self, pid: str, circle: Circle, event: LocationReported) -> None:
        await self.ctx.emit(ChildEnteredZone(zone=circle.name, lat=event.lat, lon=event.lon, accuracy=event.accuracy,
                                             person=pid, device=event.device))
        track, child = self.tracks[pid], self.settings.children[pid]
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
        if WEEKDAYS[local.weekday()] not in days:
            return False
        when = datetime.combine(local.date(), at, tzinfo=self.zone_info)
        key = f"{local.date().isoformat()}|{pid}|{what}|{at:%H:%M}"
        if not (when <= local < when + timedelta(minutes=self.settings.late_minutes)) or key in self.done:
            return False
        yesterday = (local.date() - timedelta(days=1)).isoformat()
        self.done = [k for k in self.done if k[:10] >= yesterday] + [key]
        await self.ctx.store.set("done", self.done)
        return True

    @every(60)
    async def tick(self) -> None:
        local = self.ctx.now().astimezone(self.zone_info)
        for pid, child in self.settings.children.items():
            for window in child.schedules:
                if window.arrive_within_minutes is None:
                    continue
                due_at = (datetime.combine(local.date(), window.start)
                          + timedelta(minutes=window.arrive_within_minutes)).time()
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
        if self._home_now(pid):
            return
        name = self._name(pid)
        if kind == CURFEW:
            en, zh = f"{name} is not home at curfew ({at:%H:%M})", f"{name} 宵禁时间（{at:%H:%M}）还没有到家"
        else:
            en, zh = f"{name} is not home by {at:%H:%M}", f"{name} {at:%H:%M} 还没有到家"
        track = self.tracks[pid]
        await self.ctx.notify({"en": f"{en}: {self.describe(pid, 'en')}",
                               "zh": f"{zh}。{self.describe(pid, 'zh')}"},
                              priority=priority, person=pid, kind=kind)
        if kind not in track.open_home_alerts:
            track.open_home_alerts.append(kind)
            await self._save(pid)

    async def _check_arrived(self, pid: str, window: ZoneWindow, due_at: time) -> None:
        """The child should be in ``window.zone`` by now: alert when the watch is not confirmed there."""
        track = self.tracks[pid]
        fix = track.fix
        fresh = fix is not None and self.ctx.now().timestamp() - fix.at <= self._gps(pid).stale_after_minutes * 60
        if fresh and track.fences.get(window.zone, FenceState()).side == "inside":
            return
        name = self._name(pid)
        zone = next((c for c in self.circles if c.name == window.zone), None)
        en_zone, zh_zone = self._zone_name(window.zone, "en"), self._zone_name(window.zone, "zh")
        await self.ctx.notify(
            {"en": f"{name} has not arrived at {en_zone} (expected from {window.start:%H:%M}, checked at "
                   f"{due_at:%H:%M}): {self.describe(pid, 'en', from_zone=zone)}",
             "zh": f"{name} 还没有到{zh_zone}（{window.start:%H:%M} 起应在，{due_at:%H:%M} 检查）。"
                   f"{self.describe(pid, 'zh', from_zone=zone)}"},
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
        text = _pick(rule.reminder, _lang(person.language if person else None)).replace("{name}", self._name(pid))
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
        wanted = who.strip().lower().rstrip("?？ ")
        for pid in self.settings.children:
            person = self.ctx.person(pid)
            if wanted in (pid.lower(), (person.name if person else pid).lower()):
                return pid
        return None

    def where_is_now(self, pid: str) -> dict[str, Any]:
        """The last position of a child as plain data (see ``where_is``)."""
        track = self.tracks[pid]
        fix = track.fix
        out: dict[str, Any] = {"person": pid, "lat": None, "lon": None, "accuracy_m": None, "seen_at": None,
                               "age_s": None, "stale": True, "zone": None, "nearest_zone": None,
                               "distance_m": None, "map": None}
        if fix is None:
            return out
        age = self.ctx.now().timestamp() - fix.at
        near = nearest(self.circles, fix.lat, fix.lon)
        out.update(lat=fix.lat, lon=fix.lon, accuracy_m=fix.accuracy, seen_at=self._local(fix.at).isoformat(),
                   age_s=round(age), stale=age > self._gps(pid).stale_after_minutes * 60, zone=self._inside(track),
                   nearest_zone=near[0].name if near else None, distance_m=round(near[1]) if near else None,
                   map=self._link(fix))
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
        lang = _lang(match.language)
        pid = self._child(str(match.slots.get("child", "")))
        if pid is None:
            known = ", ".join(self._name(p) for p in self.settings.children)
            if lang == "zh":
                return f"我只知道戴手表的孩子在哪里：{known}。" if known else "还没有设置孩子的位置。"
            return f"I only know where these children are: {known}." if known else \
                "No child's watch is set up."
        name = self._name(pid)
        if self.tracks[pid].fix is None:
            return f"{name} 的手表还没有发送过位置。" if lang == "zh" else \
                f"{name}'s watch has sent no position yet."
        where = self.describe(pid, lang, link=False)
        return f"{name}{where}" if lang == "zh" else f"{name}: {where}"

