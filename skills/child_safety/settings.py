"""The child_safety skill's settings: zones, each child's windows, home-by, curfew, bedtime and GPS trust.

Validated once, at load (``carehub check`` names every schedule that points at a zone that does not exist).
"""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from skills.sdk import Priority

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SCHOOL_DAYS: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]


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
    priority: Priority = Priority.HIGH
    """A child leaving school unaccompanied in school hours is treated as urgent (every tier-1 caregiver)."""
    arrive_within_minutes: float | None = Field(None, gt=0, le=24 * 60)
    """When set, not being confirmed inside ``zone`` this long after ``start`` is an alert ("Leo has not
    arrived at school"), with the last position; it clears when the watch is confirmed there."""
    arrive_priority: Priority = Priority.MEDIUM
    """A late arrival is usually a late bus or a sick day nobody told carehub about: one caregiver first."""


class HomeBy(_Model):
    """The child should be home by ``at`` on ``days``."""

    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS))
    at: time
    priority: Priority = Priority.MEDIUM
    """Late home is usually a bus or a friend's house: one caregiver is told first."""


class Curfew(_Model):
    """Home by ``at``, and not leaving home from ``at`` until ``until`` the next morning."""

    at: time
    until: time = time(6, 30)
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS))
    priority: Priority = Priority.HIGH


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
