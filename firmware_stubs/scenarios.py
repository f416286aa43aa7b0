"""Named days in the default household, as timed firmware calls the simulator replays.

A scenario is a list of steps, each "``at`` seconds after the start, call ``device.action(now, **args)``",
written against a clock time (``starts_at``) so it reads like a diary. Every builder is deterministic
for a given ``seed``; ``day`` names the pillbox compartments (``"mon-am"``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import time
from typing import Any

HOME = (31.2304, 121.4737)
"""Where grandma and leo live (lat, lon)."""
SCHOOL = (31.2385, 121.4795)
"""Leo's school (lat, lon), about 1 km from home."""
SCHOOL_RADIUS_M = 200.0
"""The school geofence: leo is expected inside this circle during school hours."""
SCHOOL_HOURS = (time(8, 30), time(15, 30))

ACCEL_RATE_HZ = 50
_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Step:
    """One firmware call in a scenario."""

    at: float
    """Seconds after the scenario starts."""
    device: str
    """Device id, as in ``default_household_devices()``."""
    action: str
    """Firmware method, called as ``method(now, **args)``."""
    args: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments of the call."""


@dataclass(frozen=True)
class Scenario:
    """A named list of steps and the clock time it is written against."""

    name: str
    """Name used by ``carehub simulate --scenario``."""
    description: str
    """One line for ``--help`` and logs."""
    starts_at: time
    """Clock time of offset 0; the default start of a run (today at this time)."""
    duration: float
    """Seconds the run lasts; devices keep ticking (heartbeats, commands) after the last step."""
    steps: list[Step]
    """Steps in time order."""
    school_day: bool = False
    """Written for a school day (Monday to Friday): a run on a weekend day is moved to the last school day."""


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000.0 * math.asin(math.sqrt(h))


def _offset(point: tuple[float, float], north_m: float, east_m: float) -> tuple[float, float]:
    lat, lon = point
    return (
        round(lat + north_m / _METRES_PER_DEGREE, 6),
        round(lon + east_m / (_METRES_PER_DEGREE * math.cos(math.radians(lat))), 6),
    )


def _towards(a: tuple[float, float], b: tuple[float, float], fraction: float) -> tuple[float, float]:
    return (round(a[0] + (b[0] - a[0]) * fraction, 6), round(a[1] + (b[1] - a[1]) * fraction, 6))


def _near(rng: random.Random, point: tuple[float, float], radius_m: float) -> tuple[float, float]:
    distance = radius_m * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    return _offset(point, distance * math.cos(bearing), distance * math.sin(bearing))


def _seconds(clock: str) -> int:
    parts = [int(p) for p in clock.split(":")]
    hours, minutes, seconds = (parts + [0, 0])[:3]
    return hours * 3600 + minutes * 60 + seconds


class _Timeline:
    """Collects steps by clock time ("07:30", "07:30:15") or seconds since midnight."""

    def __init__(self, starts_at: str, ends_at: str) -> None:
        self.start = _seconds(starts_at)
        self.end = _seconds(ends_at)
        self.steps: list[Step] = []

    def at(self, clock: str | float, device: str, action: str, **args: Any) -> None:
        when = _seconds(clock) if isinstance(clock, str) else clock
        # Builders write whole days; a scenario keeps only the part inside its window.
        if self.start <= when <= self.end:
            self.steps.append(Step(float(when - self.start), device, action, args))

    def motion(self, clock: str | float, device: str, clear_after: float = 90) -> None:
        """Someone walks past: motion, then the sensor clears ``clear_after`` seconds later."""
        when = _seconds(clock) if isinstance(clock, str) else clock
        self.at(when, device, "motion", active=True)
        self.at(when + clear_after, device, "motion", active=False)

    def door(self, clock: str | float, device: str, open_for: float = 30) -> None:
        when = _seconds(clock) if isinstance(clock, str) else clock
        self.at(when, device, "set_open", open=True)
        self.at(when + open_for, device, "set_open", open=False)

    def scenario(self, name: str, description: str, *, school_day: bool = False) -> Scenario:
        steps = sorted(self.steps, key=lambda step: step.at)
        start = time(self.start // 3600, self.start % 3600 // 60, self.start % 60)
        return Scenario(name, description, start, float(self.end - self.start), steps, school_day)


def _every(rng: random.Random, start: str, end: str, low: float, high: float) -> Iterable[float]:
    """Times from ``start`` to ``end`` spaced ``low``-``high`` seconds apart."""
    when, stop = _seconds(start), _seconds(end)
    while when < stop:
        yield when
        when += round(rng.uniform(low, high))


class _Vitals:
    """Plausible readings for an older adult's watch through a day: resting, active, asleep."""

    def __init__(self, rng: random.Random, battery: float = 96.0) -> None:
        self.rng = rng
        self.steps = 0
        self.battery = battery

    def reading(self, activity: str, position: tuple[float, float], accuracy: float = 15) -> dict[str, Any]:
        rng = self.rng
        heart_rate = {"asleep": (54, 62), "resting": (62, 76), "active": (80, 98), "distressed": (96, 112)}[activity]
        step_gain = {"asleep": (0, 0), "resting": (20, 180), "active": (600, 1100), "distressed": (0, 0)}[activity]
        self.steps += rng.randint(*step_gain)
        self.battery = max(5.0, self.battery - rng.uniform(0.4, 0.8))
        return {
            "heart_rate": rng.randint(*heart_rate),
            "spo2": rng.randint(93, 97) if activity == "asleep" else rng.randint(95, 99),
            "skin_temp": round(rng.uniform(34.2, 35.6) if activity != "asleep" else rng.uniform(35.0, 36.0), 1),
            "systolic": rng.randint(118, 138) if activity != "asleep" else rng.randint(108, 122),
            "diastolic": rng.randint(72, 86) if activity != "asleep" else rng.randint(64, 76),
            "respiration_rate": rng.randint(12, 18) if activity != "distressed" else rng.randint(20, 26),
            "steps": self.steps,
            "battery": int(self.battery),
            "lat": position[0],
            "lon": position[1],
            "accuracy": round(accuracy + rng.uniform(0, 10)),
            "worn": True,
        }


def _walk_position(seconds_into_walk: float, walk_seconds: float) -> tuple[float, float]:
    """Grandma's morning walk: out about 400 m north-east and back."""
    reach = 400.0 * math.sin(math.pi * min(1.0, max(0.0, seconds_into_walk / walk_seconds)))
    return _offset(HOME, reach * 0.8, reach * 0.6)


def _grandma_day(t: _Timeline, rng: random.Random, day: str, medication: bool = True) -> None:
    """Grandma's ordinary day, 06:30-23:00."""
    vitals = _Vitals(rng)
    walk_start, walk_end = _seconds("10:02"), _seconds("10:57")
    for when in _every(rng, "06:40", "23:00", 600, 900):
        if when < _seconds("07:00") or when >= _seconds("22:05"):
            activity, position = "asleep", HOME
        elif walk_start <= when < walk_end:
            activity = "active"
            position = _walk_position(when - walk_start, walk_end - walk_start)
        else:
            activity, position = "resting", _near(rng, HOME, 8)
        t.at(when, "grandma-watch", "report", **vitals.reading(activity, position))

    # The sensors' state at the start, so the hub needs no history to know who is where.
    t.at("06:30", "bed", "set_occupied", occupied=True)
    t.at("06:30", "front-door", "set_open", open=False)
    t.at("06:30", "fridge", "set_open", open=False)

    # Morning routine.
    t.at("07:00", "bed", "set_occupied", occupied=False)
    t.motion("07:00:20", "bedroom-motion")
    t.motion("07:03", "hallway-motion", 60)
    t.motion("07:04", "bathroom-motion", 240)
    t.motion("07:18", "bathroom-motion", 120)
    t.motion("07:25", "hallway-motion", 60)
    t.motion("07:26", "kitchen-motion", 120)
    t.at("07:26:30", "kitchen-light", "switch", on=True, brightness=200)
    t.door("07:28", "fridge", 40)
    t.at("07:30", "kettle-plug", "switch", on=True, power=1850.0)
    t.at("07:34", "kettle-plug", "switch", on=False)
    t.motion("07:40", "kitchen-motion", 120)
    t.motion("07:55", "kitchen-motion", 120)
    if medication:
        t.at("08:00", "pillbox", "open", compartment=f"{day}-am")
    t.at("08:10", "kitchen-light", "switch", on=False)
    t.motion("08:15", "hallway-motion", 60)
    t.motion("08:20", "bathroom-motion", 180)
    for when in _every(rng, "08:40", "09:55", 600, 1200):
        t.motion(when, rng.choice(["kitchen-motion", "hallway-motion"]))

    # The daily check-in asks at 10:00; she answers the kitchen speaker on her way out for a walk.
    t.at("10:00:45", "kitchen-speaker", "hear", text="I'm fine, thank you.", language="en")

    # A walk to the park and back.
    t.motion("10:00", "hallway-motion", 60)
    t.door("10:01", "front-door", 20)
    t.door("10:57", "front-door", 20)
    t.motion("10:57:10", "hallway-motion", 60)

    # Lunch.
    t.motion("11:30", "kitchen-motion", 120)
    t.door("11:35", "fridge", 50)
    t.at("11:40", "kettle-plug", "switch", on=True, power=1850.0)
    t.at("11:44", "kettle-plug", "switch", on=False)
    for when in _every(rng, "11:45", "12:30", 300, 600):
        t.motion(when, "kitchen-motion", 120)

    # A quiet early afternoon, then pottering about.
    t.motion("13:45", "hallway-motion", 60)
    t.motion("13:46", "bathroom-motion", 180)
    for when in _every(rng, "14:30", "17:30", 900, 1800):
        t.motion(when, rng.choice(["kitchen-motion", "hallway-motion", "bathroom-motion"]))
    t.motion("15:30", "kitchen-motion", 120)
    t.at("15:31", "kettle-plug", "switch", on=True, power=1850.0)
    t.at("15:35", "kettle-plug", "switch", on=False)
    t.door("15:36", "fridge", 15)

    # Dinner and evening.
    t.at("17:45", "kitchen-light", "switch", on=True, brightness=220)
    for when in _every(rng, "17:45", "19:00", 240, 480):
        t.motion(when, "kitchen-motion", 120)
    t.door("18:05", "fridge", 60)
    t.door("18:50", "fridge", 20)
    t.at("18:40", "kettle-plug", "switch", on=True, power=1850.0)
    t.at("18:44", "kettle-plug", "switch", on=False)
    if medication:
        t.at("20:00", "pillbox", "open", compartment=f"{day}-pm")
    t.motion("20:00:30", "kitchen-motion", 120)
    t.at("20:30", "kitchen-light", "switch", on=False)
    t.motion("20:31", "hallway-motion", 60)
    t.motion("21:30", "bathroom-motion", 300)
    t.motion("21:45", "hallway-motion", 60)
    t.motion("21:46", "bedroom-motion", 600)
    t.at("22:00", "bed", "set_occupied", occupied=True)


def _leo_day(t: _Timeline, rng: random.Random, leaves_school_at: str | None = None) -> None:
    """Leo's school day; with ``leaves_school_at`` he walks off east instead of staying until 15:30."""
    vitals = _Vitals(rng, battery=90.0)

    def report(when: float, position: tuple[float, float], activity: str = "resting") -> None:
        reading = vitals.reading(activity, position, accuracy=8)
        # A child's watch: heart rate and position, no blood pressure cuff.
        reading = {k: v for k, v in reading.items() if k not in ("systolic", "diastolic", "respiration_rate")}
        reading["heart_rate"] += 20
        t.at(when, "leo-watch", "report", **reading)

    for when in _every(rng, "06:45", "08:05", 900, 900):
        report(when, _near(rng, HOME, 10))
    leave_home, arrive = _seconds("08:05"), _seconds("08:26")
    for when in range(leave_home, arrive, 180):
        report(when, _towards(HOME, SCHOOL, (when - leave_home) / (arrive - leave_home)), "active")
    school_end = _seconds(leaves_school_at) if leaves_school_at else _seconds("15:30")
    for when in _every(rng, "08:27", "15:30", 900, 900):
        if when >= school_end:
            break
        report(when, _near(rng, SCHOOL, 60))
    if leaves_school_at:
        # Off east at walking pace (about 1 m/s), reported every 3 minutes: out of the circle in ~4 min.
        for minutes in range(0, 36, 3):
            report(school_end + minutes * 60, _offset(SCHOOL, 15.0 * minutes, 60.0 * minutes), "active")
        return
    back_home = _seconds("15:52")
    for when in range(school_end, back_home, 180):
        report(when, _towards(SCHOOL, HOME, (when - school_end) / (back_home - school_end)), "active")
    for when in _every(rng, "15:55", "21:00", 900, 900):
        report(when, _near(rng, HOME, 10))


def fall_accelerometer(rng: random.Random) -> list[list[float]]:
    """About 7.5 seconds at 50 Hz around a sideways fall: walking, free fall, a ~4 g impact, lying still."""
    samples: list[list[float]] = []

    def add(x: float, y: float, z: float, noise: float) -> None:
        samples.append([round(v + rng.gauss(0, noise), 3) for v in (x, y, z)])

    for i in range(150):  # three seconds walking upright: gravity on z, a step rhythm of ~1.8 Hz
        phase = 2 * math.pi * 1.8 * i / ACCEL_RATE_HZ
        add(0.12 * math.sin(phase), 0.05 * math.cos(phase), 1.0 + 0.18 * math.sin(2 * phase), 0.02)
    for i in range(15):  # 0.3 s of falling: the watch reads well under 1 g
        g = 0.9 - 0.045 * i
        add(0.1 * g, 0.05 * g, g * 0.6, 0.03)
    for magnitude in (1.9, 3.4, 4.1, 2.6, 1.3):  # the impact, mostly along x as she lands on her side
        add(magnitude * 0.85, magnitude * 0.3, magnitude * 0.42, 0.05)
    for i in range(10):  # bouncing, then settling into the lying orientation
        damp = 0.6 * (0.7**i) * (-1) ** i
        add(0.97 + damp, 0.06, 0.15 - damp / 2, 0.02)
    for _ in range(200):  # four seconds lying still on her side: gravity on x, barely any movement
        add(0.97, 0.06, 0.15, 0.008)
    return samples


def normal_day(day: str = "mon", seed: int = 1) -> Scenario:
    t = _Timeline("06:30", "23:00")
    rng = random.Random(seed)
    _grandma_day(t, rng, day)
    _leo_day(t, rng)
    return t.scenario("normal_day", "an ordinary day: up at 7, pills at 8 and 20, fine at the 10:00 check-in, "
                                    "a walk, meals, bed at 22")


def missed_medication(day: str = "mon", seed: int = 1) -> Scenario:
    t = _Timeline("06:30", "23:00")
    rng = random.Random(seed)
    _grandma_day(t, rng, day, medication=False)
    _leo_day(t, rng)
    return t.scenario("missed_medication", "an ordinary day, but the pillbox is never opened")


def fall(day: str = "mon", seed: int = 1) -> Scenario:
    t = _Timeline("07:50", "11:30")
    rng = random.Random(seed)
    # Her ordinary morning (pills at 08:00), with its own random readings: the fall's are as they always were.
    _grandma_day_until(t, random.Random(seed + 1), day, "09:29")
    _leo_day(t, rng)
    vitals = _Vitals(rng, battery=88.0)
    for when in _every(rng, "09:30", "10:14", 600, 900):
        t.at(when, "grandma-watch", "report", **vitals.reading("resting", _near(rng, HOME, 8)))
    t.motion("09:31", "kitchen-motion", 120)
    t.door("09:40", "fridge", 30)
    t.motion("09:48", "hallway-motion", 60)
    t.motion("09:52", "bathroom-motion", 180)
    t.motion("10:00:20", "kitchen-motion", 90)
    t.at("10:00:45", "kitchen-speaker", "hear", text="I'm fine, thank you.", language="en")  # the check-in
    t.motion("10:12", "hallway-motion", 60)
    t.motion("10:14:40", "hallway-motion", 110)  # clears at 10:16:30 and never sees her again
    # The watch sends the raw window it classified, then its own verdict.
    t.at("10:14:57", "grandma-watch", "report", accel={"rate_hz": ACCEL_RATE_HZ, "samples": fall_accelerometer(rng)})
    t.at("10:14:58", "grandma-watch", "fall")
    for when in _every(rng, "10:25", "11:30", 600, 900):
        reading = vitals.reading("distressed", _near(rng, HOME, 5))
        t.at(when, "grandma-watch", "report", **reading)
    return t.scenario("fall", "a morning like any other, then grandma falls in the hallway at 10:15 and lies "
                              "still; no motion afterwards")


def night_wandering(day: str = "mon", seed: int = 1) -> Scenario:
    t = _Timeline("01:30", "03:45")
    rng = random.Random(seed)
    vitals = _Vitals(rng, battery=62.0)
    t.at("01:30", "bed", "set_occupied", occupied=True)
    t.at("01:30", "front-door", "set_open", open=False)
    for when in _every(rng, "01:31", "02:20", 900, 900):
        t.at(when, "grandma-watch", "report", **vitals.reading("asleep", HOME))
    t.at("02:24", "bed", "set_occupied", occupied=False)
    t.motion("02:24:10", "bedroom-motion", 90)
    t.motion("02:27", "hallway-motion", 120)
    t.at("02:30", "front-door", "set_open", open=True)  # and left open: she does not come back for 40 min
    out_start, out_end = _seconds("02:32"), _seconds("03:09")
    for when in range(out_start, out_end, 180):
        # Wandering off south-west, turning back after about 20 minutes.
        reach = 700.0 * math.sin(math.pi * (when - out_start) / (out_end - out_start))
        t.at(when, "grandma-watch", "report", **vitals.reading("active", _offset(HOME, -0.7 * reach, -0.7 * reach)))
    t.motion("03:10", "hallway-motion", 120)
    t.at("03:10:30", "front-door", "set_open", open=False)
    t.motion("03:13", "bedroom-motion", 120)
    t.at("03:15", "bed", "set_occupied", occupied=True)
    t.at("03:30", "grandma-watch", "report", **vitals.reading("resting", HOME))
    return t.scenario("night_wandering", "grandma leaves by the front door at 02:30 and is out for 40 minutes")


def child_leaves_school(day: str = "mon", seed: int = 1) -> Scenario:
    t = _Timeline("08:00", "11:15")
    rng = random.Random(seed)
    _grandma_day(t, rng, day)
    _leo_day(t, rng, leaves_school_at="10:40")
    return t.scenario("child_leaves_school", "leo walks out of the school's 200 m circle at 10:40, in school hours",
                      school_day=True)


def _grandma_day_until(t: _Timeline, rng: random.Random, day: str, until: str) -> None:
    """Grandma's ordinary day up to ``until``; what happens after it is the scenario's to write."""
    part = _Timeline("00:00", until)
    _grandma_day(part, rng, day)
    for step in part.steps:
        t.at(step.at, step.device, step.action, **step.args)


def _grandma_watch_at_home(t: _Timeline, rng: random.Random, start: str, end: str, activity: str = "resting",
                           battery: float = 90.0) -> None:
    """Grandma's watch reporting from home every 10-15 minutes (it says nothing about the rooms)."""
    vitals = _Vitals(rng, battery=battery)
    for when in _every(rng, start, end, 600, 900):
        t.at(when, "grandma-watch", "report", **vitals.reading(activity, _near(rng, HOME, 8)))


def no_morning_activity(day: str = "mon", seed: int = 1) -> Scenario:
    t = _Timeline("06:30", "12:00")
    rng = random.Random(seed)
    _leo_day(t, rng)
    t.at("06:30", "bed", "set_occupied", occupied=True)
    t.at("06:30", "front-door", "set_open", open=False)
    t.at("06:30", "fridge", "set_open", open=False)
    _grandma_watch_at_home(t, rng, "06:40", "11:00", "asleep")
    # She does not get up until 11:00: no motion, no door, no fridge, no pillbox all morning.
    t.at("11:00", "bed", "set_occupied", occupied=False)
    t.motion("11:00:30", "bedroom-motion")
    t.motion("11:04", "hallway-motion", 60)
    t.motion("11:05", "bathroom-motion", 240)
    t.motion("11:20", "kitchen-motion", 120)
    t.door("11:22", "fridge", 30)
    t.at("11:24", "kettle-plug", "switch", on=True, power=1850.0)
    t.at("11:28", "kettle-plug", "switch", on=False)
    t.motion("11:40", "kitchen-motion", 120)
    _grandma_watch_at_home(t, rng, "11:05", "12:00")
    return t.scenario("no_morning_activity", "grandma stays in bed until 11:00: no sign of her all morning")


def bathroom_too_long(day: str = "mon", seed: int = 1) -> Scenario:
    t = _Timeline("06:30", "10:45")
    rng = random.Random(seed)
    _grandma_day_until(t, rng, day, "09:00")
    _leo_day(t, rng)
    t.motion("09:03", "hallway-motion", 60)
    t.motion("09:04", "bathroom-motion", 240)
    t.motion("09:20", "bathroom-motion", 90)  # moving a little on the floor, then nothing more
    _grandma_watch_at_home(t, rng, "09:05", "10:45")
    return t.scenario("bathroom_too_long", "grandma goes into the bathroom at 09:04; nothing moves after 09:20")


def quiet_day(day: str = "mon", seed: int = 1) -> Scenario:
    t = _Timeline("06:30", "16:00")
    rng = random.Random(seed)
    _grandma_day_until(t, rng, day, "11:00")
    _leo_day(t, rng)
    _grandma_watch_at_home(t, rng, "11:05", "16:00")
    return t.scenario("quiet_day", "an ordinary morning and walk; home at 10:57, then no motion anywhere")


def fridge_untouched(day: str = "mon", seed: int = 1) -> Scenario:
    t = _Timeline("06:30", "23:00")
    rng = random.Random(seed)
    _grandma_day(t, rng, day)
    _leo_day(t, rng)
    opened = [step for step in t.steps if step.device == "fridge" and step.at > 0]
    t.steps = [step for step in t.steps if step not in opened]
    return t.scenario("fridge_untouched", "an ordinary day, but the fridge is never opened")


SCENARIOS: dict[str, Callable[..., Scenario]] = {
    "normal_day": normal_day,
    "fall": fall,
    "missed_medication": missed_medication,
    "night_wandering": night_wandering,
    "child_leaves_school": child_leaves_school,
    "no_morning_activity": no_morning_activity,
    "bathroom_too_long": bathroom_too_long,
    "quiet_day": quiet_day,
    "fridge_untouched": fridge_untouched,
}
"""Scenario builders by name; each takes ``day`` (pillbox compartment prefix) and ``seed``."""


def get(name: str, day: str = "mon", seed: int = 1) -> Scenario:
    """The named scenario; ``KeyError`` names the known ones."""
    try:
        builder = SCENARIOS[name]
    except KeyError:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}") from None
    return builder(day=day, seed=seed)
