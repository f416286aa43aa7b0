"""The routines baseline on synthetic days: detection rate per anomaly and false alarms per ordinary day.

    python bench/routines.py              # 300 simulated people (seed 2026)
    python bench/routines.py --quick      # 60 people (CI smoke)
    python bench/routines.py --people 1000 --seed 7 --min-usual-slots 6

Each simulated person has their own habits (when they get up and go to bed and how much that varies,
naps, walks, night-time bathroom trips, how restless they are) in a flat with motion sensors in the
bedroom, bathroom, kitchen and hallway, a fridge contact and a front door; the living room has no sensor,
so sitting there is silence. For every person, 28 ordinary days are the history; the day after is judged
as it would be at 21:00 after 7, 14 and 28 days of that history, once ordinary and once with each anomaly:

- late_rising: up 2-3 hours later than their own usual time;
- quiet_afternoon: at home but nothing at all from 13:00 to 18:00;
- night_activity: up and about for 1-2 hours between 00:30 and 04:30;
- no_kitchen: no kitchen motion and no fridge all day (not eating), the rest of the day as usual.

The habits are plausible, not measured: this bench shows the detector's logic and its trade-offs; it does
not validate it. Real sensor logs (e.g. the CASAS smart-home data sets) are the next step.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skills.routines.baseline import (  # noqa: E402
    ALL, SLOT_MINUTES, SLOTS, BaselineParams, DayActivity, assess, slot_of,
)

ANOMALIES = ("late_rising", "quiet_afternoon", "night_activity", "no_kitchen")
HISTORIES = (7, 14, 28)
CHECK_AT = slot_of(21, 0)
ROOMS_CHECKED = ("kitchen",)
POTTER_ROOMS = ("kitchen", "hallway", "bathroom", "bedroom")
POTTER_WEIGHTS = (0.35, 0.35, 0.2, 0.1)


@dataclass(frozen=True)
class Habits:
    """One simulated person's habits, in minutes after midnight."""

    wake: float
    wake_sd: float
    bed: float
    bed_sd: float
    walk_chance: float
    nap_chance: float
    night_trip_chance: float
    gap_minutes: float
    """Mean minutes between sensor events while pottering about."""
    sit_chance: float
    """After each event, the chance of sitting down (in the living room: no sensor) for 30-100 minutes."""


def habits(rng: random.Random) -> Habits:
    return Habits(wake=rng.gauss(7 * 60, 30), wake_sd=rng.uniform(10, 30), bed=rng.gauss(22 * 60, 30),
                  bed_sd=rng.uniform(10, 30), walk_chance=rng.uniform(0.2, 0.8), nap_chance=rng.uniform(0.1, 0.6),
                  night_trip_chance=rng.uniform(0.2, 0.8), gap_minutes=rng.uniform(8, 20),
                  sit_chance=rng.uniform(0.05, 0.2))


class _Day:
    """Sensor events of one day by room, and when the person was out."""

    def __init__(self) -> None:
        self.events: list[tuple[float, str]] = []
        self.out: list[tuple[float, float]] = []

    def add(self, minute: float, room: str) -> None:
        if 0 <= minute < 24 * 60:
            self.events.append((minute, room))

    def activity(self) -> DayActivity:
        counts = {ALL: [0] * SLOTS}
        for minute, room in self.events:
            slot = int(minute) // SLOT_MINUTES
            counts[ALL][slot] += 1
            counts.setdefault(room, [0] * SLOTS)[slot] += 1
        away = [any(start <= s * SLOT_MINUTES < end for start, end in self.out) for s in range(SLOTS)]
        return DayActivity(counts, away=tuple(away))


def _potter(day: _Day, rng: random.Random, h: Habits, start: float, end: float, sparse: float = 1.0) -> None:
    """Moving about between rooms from ``start`` to ``end``, with sit-downs out of the sensors' view."""
    at = start
    while True:
        at += rng.expovariate(1 / (h.gap_minutes * sparse))
        if rng.random() < h.sit_chance:
            at += rng.uniform(30, 100)
        if at >= end:
            return
        day.add(at, rng.choices(POTTER_ROOMS, POTTER_WEIGHTS)[0])


def ordinary_day(rng: random.Random, h: Habits, anomaly: str | None = None) -> DayActivity:
    """One day of sensor events; ``anomaly`` (one of ANOMALIES) changes it."""
    day = _Day()
    wake = h.wake + rng.gauss(0, h.wake_sd)
    if anomaly == "late_rising":
        wake += rng.uniform(120, 180)
    if rng.random() < h.night_trip_chance:  # a bathroom trip in the night
        trip = rng.uniform(60, max(61.0, min(300.0, wake - 30)))
        for offset, room in ((0, "bedroom"), (1, "hallway"), (2, "bathroom"), (8, "hallway"), (9, "bedroom")):
            day.add(trip + offset, room)
    if anomaly == "night_activity":
        start = rng.uniform(30, 270)
        _potter(day, rng, h, start, start + rng.uniform(60, 120), sparse=0.6)
    # Getting up: bed, bathroom, breakfast in the kitchen with the fridge.
    for offset, room in ((0, "bedroom"), (2, "hallway"), (4, "bathroom"), (12, "bathroom"), (20, "hallway")):
        day.add(wake + offset, room)
    breakfast = wake + rng.uniform(20, 45)
    for offset in (0, 3, 8, 15, 22):
        day.add(breakfast + offset, "kitchen")
    lunch = rng.gauss(12.25 * 60, 25)
    dinner = rng.gauss(18 * 60, 25)
    bedtime = h.bed + rng.gauss(0, h.bed_sd)
    walk = None
    if rng.random() < h.walk_chance:
        start = rng.uniform(max(breakfast + 40, 9.5 * 60), 11 * 60)
        walk = (start, start + rng.uniform(40, 90))
        day.out.append(walk)
        day.add(walk[0] - 1, "hallway")
        day.add(walk[1] + 1, "hallway")
    _potter(day, rng, h, breakfast + 25, walk[0] - 1 if walk else lunch)
    if walk:
        _potter(day, rng, h, walk[1] + 1, lunch)
    for offset in (0, 4, 10, 18, 25):
        day.add(lunch + offset, "kitchen")
    afternoon = lunch + 30
    if rng.random() < h.nap_chance:
        day.add(afternoon + 5, "bedroom")
        afternoon += rng.uniform(60, 100)
        day.add(afternoon, "bedroom")
    _potter(day, rng, h, afternoon, dinner)
    for offset in (0, 5, 12, 20, 30, 40):
        day.add(dinner + offset, "kitchen")
    _potter(day, rng, h, dinner + 45, bedtime - 15, sparse=1.8)  # evenings in the living room: fewer events
    for offset, room in ((-15, "bathroom"), (-8, "hallway"), (-5, "bedroom"), (0, "bedroom")):
        day.add(bedtime + offset, room)
    if anomaly == "quiet_afternoon":
        day.events = [(m, r) for m, r in day.events if not 13 * 60 <= m < 18 * 60]
        day.out = [(a, b) for a, b in day.out if b <= 13 * 60]
    if anomaly == "no_kitchen":
        day.events = [(m, r) for m, r in day.events if r != "kitchen"]
    return day.activity()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 simulated people")
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    defaults = BaselineParams()
    parser.add_argument("--usual-share", type=float, default=defaults.usual_share)
    parser.add_argument("--min-usual-slots", type=int, default=defaults.min_usual_slots)
    parser.add_argument("--rare-share", type=float, default=defaults.rare_share)
    parser.add_argument("--min-rare-slots", type=int, default=defaults.min_rare_slots)
    args = parser.parse_args(argv)
    people = 60 if args.quick else args.people
    params = BaselineParams(usual_share=args.usual_share, min_usual_slots=args.min_usual_slots,
                            rare_share=args.rare_share, min_rare_slots=args.min_rare_slots)

    started = time.perf_counter()
    rng = random.Random(args.seed)
    flagged = {(n, kind): 0 for n in HISTORIES for kind in ("ordinary", *ANOMALIES)}
    false_by_finding: dict[tuple[int, str], int] = {}
    for _ in range(people):
        h = habits(rng)
        history = [ordinary_day(rng, h) for _ in range(max(HISTORIES))]
        days = {"ordinary": ordinary_day(rng, h), **{a: ordinary_day(rng, h, a) for a in ANOMALIES}}
        for n in HISTORIES:
            for kind, today in days.items():
                verdict = assess(today, history[-n:], CHECK_AT, params, ROOMS_CHECKED)
                flagged[(n, kind)] += verdict.unusual
                if kind == "ordinary":
                    for finding in verdict.findings:
                        label = finding.kind if finding.channel == ALL else f"{finding.kind} ({finding.channel})"
                        false_by_finding[(n, label)] = false_by_finding.get((n, label), 0) + 1

    print(f"routines baseline bench: {people} simulated people, seed {args.seed}, judged at 21:00, "
          f"rooms checked {list(ROOMS_CHECKED)}, {params}")
    print(f"{'history':<10}{'false alarms/day':>18}" + "".join(f"{a:>17}" for a in ANOMALIES))
    for n in HISTORIES:
        row = f"{f'{n} days':<10}{flagged[(n, 'ordinary')] / people:>18.3f}"
        row += "".join(f"{flagged[(n, a)] / people:>16.1%} " for a in ANOMALIES)
        print(row)
    for n in HISTORIES:
        causes = {label: count for (m, label), count in false_by_finding.items() if m == n}
        print(f"false alarms after {n} days, by finding: {causes or 'none'}")
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
