"""Geofence bench: false alerts per child-day and detection delay, carehub's hysteresis rule vs a one-fix rule.

    python bench/geofence.py              # 300 days where the child stays, 300 where he leaves (seed 2026)
    python bench/geofence.py --quick      # 40 + 40 (CI smoke)
    python bench/geofence.py --days 1000 --seed 7

Each simulated day is a school window (08:30-15:30) with the child inside a 200 m school circle,
moving between spots within 150 m of its centre (classroom, playground, canteen). The watch reports a
fix every ``interval`` seconds (30, 60 and 180 s are run). Errors are plausible, not measured:

- jitter: a per-axis Gaussian error whose spread is drawn per day (sigma 15-40 m, i.e. 30-80 m typical
  radial error indoors), correlated between fixes (AR(1), time constant 2 minutes), with a reported
  accuracy near its 68 % radius (what phones and watches report);
- multipath bursts: 0.4 an hour, lasting ~2 minutes (exponential), 150-400 m off in one direction; half
  of them report a believable accuracy (the watch is fooled), half a poor one (300-600 m);
- network fallbacks: 3 % of fixes are Wi-Fi / cell guesses 200-1500 m off with a matching accuracy.

On "leaving" days the child walks out at a random time between 09:30 and 14:30 at 1.0-1.4 m/s in a
random direction; the delay is from the moment he really crosses the 200 m edge to the alert. Alerts
before he sets off count as false. Real tracks (a child's watch on school days) are the next step.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skills.child_safety.fence import FenceState, update  # noqa: E402
from skills.child_safety.geo import Circle, offset, side_of  # noqa: E402

SCHOOL = Circle("school", 31.2385, 121.4795, 200.0)
WINDOW_S = 7 * 3600.0
"""08:30-15:30."""
FOLLOW_S = 30 * 60.0
"""How long after leaving a miss is declared."""


@dataclass(frozen=True)
class Rule:
    """One way of deciding that the child left."""

    name: str
    max_accuracy_m: float | None
    """Ignore fixes reporting worse accuracy (None: use every fix)."""
    margin_m: float
    use_accuracy: bool
    """Widen the band beyond the edge by the fix's own accuracy."""
    need: int
    """Consecutive fixes to change sides ..."""
    hold_s: float = 0.0
    """... spanning at least this long."""


RULES = (
    Rule("naive: 1 fix outside the radius", None, 0.0, False, 1),
    Rule("accuracy filter, 1 fix", 100.0, 0.0, False, 1),
    Rule("filter + margin, 2 fixes", 100.0, 50.0, True, 2),
    Rule("carehub default: ... over >= 4 min", 100.0, 50.0, True, 2, 240.0),
    Rule("stricter: margin 100 m, >= 5 min", 100.0, 100.0, True, 2, 300.0),
)


@dataclass(frozen=True)
class Fix:
    t: float
    """Seconds into the window."""
    lat: float
    lon: float
    accuracy: float


def simulate_day(rng: random.Random, interval: float, leave_at: float | None) -> tuple[list[Fix], float | None]:
    """One day of fixes; returns them and the time the child really crossed the edge (None: he stayed)."""
    sigma = rng.uniform(15.0, 40.0)
    rho = math.exp(-interval / 120.0)
    err_n = err_e = 0.0
    spot = _spot(rng)
    next_move = rng.uniform(600, 2400)
    heading = rng.uniform(0, 2 * math.pi)
    speed = rng.uniform(1.0, 1.4)
    burst_until, burst = -1.0, (0.0, 0.0, 0.0)
    crossed: float | None = None
    end = WINDOW_S if leave_at is None else min(WINDOW_S, leave_at + FOLLOW_S)
    fixes = []
    t = rng.uniform(0, interval)
    while t < end:
        if leave_at is not None and t >= leave_at:
            walked = speed * (t - leave_at)
            north, east = spot[0] + walked * math.cos(heading), spot[1] + walked * math.sin(heading)
            if crossed is None:
                crossed = leave_at + _crossing_after(spot, heading, speed)
        else:
            if t >= next_move:
                spot, next_move = _spot(rng), t + rng.uniform(600, 2400)
            north, east = spot
        # Correlated jitter, scaled so its stationary spread is sigma.
        err_n = rho * err_n + math.sqrt(1 - rho * rho) * rng.gauss(0, sigma)
        err_e = rho * err_e + math.sqrt(1 - rho * rho) * rng.gauss(0, sigma)
        accuracy = 1.51 * sigma * rng.uniform(0.7, 1.3)  # 68 % radius of a 2-D Gaussian is ~1.51 sigma
        dn, de = err_n, err_e
        if t >= burst_until and rng.random() < 1 - math.exp(-0.4 / 3600 * interval):
            far, angle = rng.uniform(150, 400), rng.uniform(0, 2 * math.pi)
            reported = accuracy if rng.random() < 0.5 else rng.uniform(300, 600)
            burst_until = t + rng.expovariate(1 / 120.0)
            burst = (far * math.cos(angle), far * math.sin(angle), reported)
        if t < burst_until:
            dn, de, accuracy = dn + burst[0], de + burst[1], burst[2]
        elif rng.random() < 0.03:
            guess = rng.uniform(200, 1500)
            angle = rng.uniform(0, 2 * math.pi)
            dn, de, accuracy = guess * math.cos(angle), guess * math.sin(angle), guess * rng.uniform(0.8, 1.5)
        lat, lon = offset(SCHOOL.lat, SCHOOL.lon, north + dn, east + de)
        fixes.append(Fix(t, lat, lon, accuracy))
        t += interval
    return fixes, crossed


def _spot(rng: random.Random) -> tuple[float, float]:
    r, a = 150.0 * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    return r * math.cos(a), r * math.sin(a)


def _crossing_after(spot: tuple[float, float], heading: float, speed: float) -> float:
    """Seconds until a straight walk from ``spot`` leaves the circle."""
    dn, de = math.cos(heading), math.sin(heading)
    b = spot[0] * dn + spot[1] * de
    c = spot[0] ** 2 + spot[1] ** 2 - SCHOOL.radius_m ** 2
    return (-b + math.sqrt(b * b - c)) / speed


def alerts(fixes: list[Fix], rule: Rule) -> list[float]:
    """Times the rule pages: each confirmed exit from inside (re-armed when back inside)."""
    state = FenceState(side="inside")
    out = []
    for fix in fixes:
        if rule.max_accuracy_m is not None and fix.accuracy > rule.max_accuracy_m:
            continue
        verdict = side_of(SCHOOL, fix.lat, fix.lon, margin_m=rule.margin_m,
                          accuracy_m=fix.accuracy if rule.use_accuracy else None)
        state, crossing = update(state, verdict, fix.t, rule.need, rule.hold_s)
        if crossing == "left":
            out.append(fix.t)
    return out


def run(days: int, seed: int, interval: float) -> dict[str, dict[str, float]]:
    rng = random.Random(seed)
    false = {r.name: 0 for r in RULES}
    days_paged = {r.name: 0 for r in RULES}
    delays: dict[str, list[float]] = {r.name: [] for r in RULES}
    missed = {r.name: 0 for r in RULES}
    child_days = 0.0
    for _ in range(days):
        fixes, _ = simulate_day(rng, interval, None)
        child_days += 1
        for rule in RULES:
            n = len(alerts(fixes, rule))
            false[rule.name] += n
            days_paged[rule.name] += n > 0
    for _ in range(days):
        leave_at = rng.uniform(3600, 6 * 3600)
        fixes, crossed = simulate_day(rng, interval, leave_at)
        assert crossed is not None
        child_days += leave_at / WINDOW_S  # the part of the day he was at school
        for rule in RULES:
            times = alerts(fixes, rule)
            false[rule.name] += sum(1 for t in times if t < leave_at)
            after = [t for t in times if t >= leave_at]
            if after:
                delays[rule.name].append(after[0] - crossed)
            else:
                missed[rule.name] += 1
    out = {}
    for rule in RULES:
        d = sorted(delays[rule.name])
        out[rule.name] = {
            "false_per_day": false[rule.name] / child_days,
            "stay_days_paged": days_paged[rule.name] / days,
            "median_delay_s": statistics.median(d) if d else math.nan,
            "p90_delay_s": d[int(0.9 * (len(d) - 1))] if d else math.nan,
            "missed": missed[rule.name] / days,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=300, help="days of each kind (stays, leaves)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true", help="40 days of each kind")
    parser.add_argument("--interval", type=float, action="append",
                        help="seconds between fixes (repeatable; default 30, 60 and 180)")
    args = parser.parse_args(argv)
    days = 40 if args.quick else args.days
    started = time.perf_counter()
    print(f"geofence bench: {days} school days staying + {days} leaving, 200 m school circle, "
          f"seed {args.seed}")
    for interval in args.interval or [30.0, 60.0, 180.0]:
        results = run(days, args.seed, interval)
        print(f"\nfix every {interval:.0f} s")
        print(f"{'rule':<38}{'false/day':>10}{'days paged':>12}{'median delay':>14}{'p90 delay':>11}{'missed':>8}")
        for name, r in results.items():
            print(f"{name:<38}{r['false_per_day']:>10.3f}{r['stay_days_paged']:>12.1%}"
                  f"{r['median_delay_s'] / 60:>11.1f} min{r['p90_delay_s'] / 60:>7.1f} min{r['missed']:>8.1%}")
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
