"""Single-vital alerts on simulated watch data: false pages per day and detection delay, sustained rule vs naive.

    python bench/vitals.py              # 120 normal days, 40 days of each real event (seed 2017)
    python bench/vitals.py --quick      # 20 + 8 (CI smoke)
    python bench/vitals.py --interval 300 --days 60

A simulated day is an older adult's watch reporting heart rate, SpO2, wrist skin temperature and a step
count every ``--interval`` seconds: asleep 23:00-07:00, pottering at home, two to four walks (some brisk
enough to lift the pulse past 120), stairs and housework in short bursts. Noise is Gaussian plus wrist
artefacts: pulse spikes (a loose strap, 1-2 readings at 130-190), pulse drop-outs (30-45), SpO2 drops to
80-89 % (far more often while moving), and warm-wrist episodes (a hot bath, a duvet) that lift skin
temperature by about a degree for 20-40 minutes. Event days add one real, sustained event at rest:
tachycardia (125-150/min for 30-90 min), desaturation (to 84-88 % over 5 min, for an hour) or a fever
(core to 38.3-39.2 °C over 30 min). Fever is read from skin temperature plus a configured 2.5 °C offset.

Three rules, all with the skill's thresholds (pulse > 120 or < 40, SpO2 < 90 %, temperature ≥ 38.0 °C):
``instant`` pages on any single reading past the threshold (repeats within 10 min fold, as the alert
manager does); ``sustained`` needs every reading across 10 min (at least 2) past it; ``sustained+rest`` —
the skill's rule — also ignores pulse and SpO2 readings taken while walking (> 20 steps/min over the
10 min before). Delay is from the moment the true (noise-free) value crosses the threshold to the page.
The numbers are plausible, not measured: this checks the rule's logic and trade-offs, not a device.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skills.vitals.sustained import StepLog, SustainedCondition, SustainRule  # noqa: E402

DAY_S = 24 * 3600
HR_HIGH, HR_LOW, SPO2_LOW, FEVER = 120.0, 40.0, 90.0, 38.0
SKIN_OFFSET = 2.5
WINDOW_MIN, REST_MIN, REST_STEPS = 10.0, 10.0, 20.0
FOLD_S = 600.0
CONDITIONS = ("heart_rate_high", "heart_rate_low", "spo2_low", "fever")
NEEDS_REST = {"heart_rate_high": True, "heart_rate_low": False, "spo2_low": True, "fever": False}
EVENTS = {"tachycardia": "heart_rate_high", "desaturation": "spo2_low", "fever": "fever"}
RULES = ("instant", "sustained", "sustained+rest")
RAMP_S = {"tachycardia": 90.0, "desaturation": 300.0, "fever": 1800.0}
"""How long each event takes to reach its level."""


@dataclass
class Sample:
    """One watch report, and the truth behind it."""

    t: float
    heart_rate: float
    spo2: float
    skin_temp: float
    steps: int
    true_hr: float
    true_spo2: float
    true_core: float


@dataclass
class Day:
    samples: list[Sample]
    event: str | None = None
    onset: float | None = None
    """When the true value first crossed the threshold."""
    end: float | None = None


def _activity(rng: random.Random) -> list[tuple[float, float, float, float]]:
    """(start, end, steps per minute, pulse rise) of walks and bursts in the waking day."""
    spans: list[tuple[float, float, float, float]] = []
    for _ in range(rng.randint(2, 4)):
        start = rng.uniform(8, 20) * 3600
        brisk = rng.random() < 0.4
        spans.append((start, start + rng.uniform(10, 45) * 60, rng.uniform(95, 120) if brisk else rng.uniform(70, 95),
                      rng.uniform(45, 62) if brisk else rng.uniform(22, 40)))
    for _ in range(rng.randint(4, 10)):
        start = rng.uniform(7.2, 22.5) * 3600
        spans.append((start, start + rng.uniform(2, 6) * 60, rng.uniform(30, 70), rng.uniform(12, 30)))
    return spans


def simulate_day(rng: random.Random, interval: float, event: str | None = None) -> Day:
    base = rng.uniform(62, 78)
    spo2_base = rng.uniform(95.5, 98)
    spans = _activity(rng)
    warm = []
    if rng.random() < 0.3:                                  # a hot bath or a duvet about every third day
        start = rng.uniform(7, 22) * 3600
        warm.append((start, start + rng.uniform(20, 40) * 60))
    onset_at = end_at = None
    if event is not None:
        # At rest, away from any walk: pick a start with no activity in the 40 minutes around it.
        while True:
            onset_at = rng.uniform(9, 19) * 3600
            if all(not (a - 40 * 60 < onset_at < b + 20 * 60) for a, b, _, _ in spans):
                break
        lasting = {"tachycardia": rng.uniform(30, 90), "desaturation": 60.0, "fever": 240.0}[event] * 60
        end_at = onset_at + lasting
        spans = [s for s in spans if not (s[0] < end_at + 600 and s[1] > onset_at - 600)]
        target = {"tachycardia": rng.uniform(125, 150), "desaturation": rng.uniform(84, 88),
                  "fever": rng.uniform(38.3, 39.2)}[event]
    samples: list[Sample] = []
    steps = 0
    recovery = 0.0
    artefact_hr = 0
    crossed: float | None = None
    t = 0.0
    while t < DAY_S:
        hour = t / 3600
        asleep = hour < 7 or hour >= 23
        walking = next(((spm, rise) for a, b, spm, rise in spans if a <= t < b), None)
        rest_hr = base - (12 if asleep else 0) + 3 * math.sin(2 * math.pi * (hour - 15) / 24)
        if walking:
            spm, rise = walking
            recovery = max(recovery, rise)
            steps += round(spm * interval / 60 * rng.uniform(0.85, 1.15))
        else:
            recovery *= math.exp(-interval / 180)          # the pulse settles over ~3 minutes
            if not asleep and rng.random() < 0.3:
                steps += rng.randint(0, round(8 * interval / 60))
        true_hr = rest_hr + recovery
        true_spo2 = spo2_base - (1.0 if asleep else 0.0)
        core = 36.6 + 0.3 * math.sin(2 * math.pi * (hour - 11) / 24)
        if event is not None and onset_at is not None and end_at is not None and onset_at <= t < end_at:
            ramp = min(1.0, (t - onset_at) / RAMP_S[event])
            if event == "tachycardia":
                true_hr = true_hr + (target - true_hr) * ramp
            elif event == "desaturation":
                true_spo2 = true_spo2 + (target - true_spo2) * ramp
            else:
                core = core + (target - core) * ramp
            truth_past = {"tachycardia": true_hr > HR_HIGH, "desaturation": true_spo2 < SPO2_LOW,
                          "fever": core >= FEVER}[event]
            if truth_past and crossed is None:
                crossed = t
        skin = core - SKIN_OFFSET + rng.gauss(0, 0.25) + (0.4 if asleep else 0.0) \
            + sum(1.1 for a, b in warm if a <= t < b)
        heart_rate = true_hr + rng.gauss(0, 3)
        moving = walking is not None
        if artefact_hr > 0:
            heart_rate = rng.uniform(130, 190)
            artefact_hr -= 1
        elif rng.random() < (0.012 if moving else 0.004):
            heart_rate = rng.uniform(130, 190)
            artefact_hr = 1 if rng.random() < 0.3 else 0     # sometimes two readings in a row
        elif rng.random() < 0.002:
            heart_rate = rng.uniform(30, 45)
        spo2 = min(100.0, true_spo2 + rng.gauss(0, 1.0))
        if rng.random() < (0.05 if moving else 0.015 if asleep else 0.008):
            spo2 = rng.uniform(80, 89)
        samples.append(Sample(t, round(heart_rate), round(spo2), round(skin, 1), steps, true_hr, true_spo2, core))
        t += interval
    return Day(samples, event, crossed, end_at)


def run_rule(day: Day, rule: str, interval: float) -> list[tuple[str, float]]:
    """(condition, time) of every page the rule sends on this day."""
    sustain = SustainRule(WINDOW_MIN * 60, 2, max(20 * 60, 2.5 * interval))
    conditions = {c: SustainedCondition(sustain) for c in CONDITIONS}
    log = StepLog(keep_s=REST_MIN * 60 + 3 * interval)
    last_page: dict[str, float] = {}
    pages: list[tuple[str, float]] = []
    for s in day.samples:
        log.add(s.t, s.steps)
        resting = log.at_rest(s.t, REST_MIN, REST_STEPS) is not False
        abnormal = {"heart_rate_high": s.heart_rate > HR_HIGH, "heart_rate_low": s.heart_rate < HR_LOW,
                    "spo2_low": s.spo2 < SPO2_LOW, "fever": s.skin_temp + SKIN_OFFSET >= FEVER}
        for condition, bad in abnormal.items():
            if rule == "instant":
                if bad and s.t - last_page.get(condition, -1e9) > FOLD_S:
                    pages.append((condition, s.t))
                if bad:
                    last_page[condition] = s.t
                continue
            evidence: bool | None = bad
            if rule == "sustained+rest" and bad and NEEDS_REST[condition] and not resting:
                evidence = None
            if conditions[condition].update(s.t, evidence) == "started":
                pages.append((condition, s.t))
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 normal days, 8 of each event")
    parser.add_argument("--days", type=int, default=120, help="normal days (event days: a third of this each)")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between watch reports")
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args(argv)
    normal_days = 20 if args.quick else args.days
    event_days = 8 if args.quick else max(1, args.days // 3)
    rng = random.Random(args.seed)

    days = [simulate_day(rng, args.interval) for _ in range(normal_days)]
    days += [simulate_day(rng, args.interval, event) for event in EVENTS for _ in range(event_days)]
    print(f"vitals bench: {normal_days} normal days + {event_days} days of each event "
          f"({', '.join(EVENTS)}), a report every {args.interval:g} s, seed {args.seed}")

    false_pages: dict[str, dict[str, int]] = {r: {c: 0 for c in CONDITIONS} for r in RULES}
    found: dict[str, dict[str, list[float]]] = {r: {e: [] for e in EVENTS} for r in RULES}
    for day in days:
        for rule in RULES:
            first_real: float | None = None
            for condition, at in run_rule(day, rule, args.interval):
                # A page for the day's event between its onset and its end (plus a window) is the event's.
                if (day.event is not None and EVENTS[day.event] == condition and day.onset is not None
                        and day.end is not None and day.onset - FOLD_S <= at <= day.end + WINDOW_MIN * 60):
                    first_real = at if first_real is None else first_real
                else:
                    false_pages[rule][condition] += 1
            if day.event is not None and first_real is not None and day.onset is not None:
                found[rule][day.event].append(max(0.0, first_real - day.onset))

    total_days = len(days)
    print(f"\nfalse pages per simulated day ({total_days} days; pages outside a real event)")
    print(f"{'rule':<16}" + "".join(f"{c:>17}" for c in CONDITIONS) + f"{'all':>9}")
    for rule in RULES:
        row = false_pages[rule]
        print(f"{rule:<16}" + "".join(f"{row[c] / total_days:>17.3f}" for c in CONDITIONS)
              + f"{sum(row.values()) / total_days:>9.3f}")
    print("\nreal events: detected, and delay from the true crossing (minutes: median / max)")
    print(f"{'rule':<16}" + "".join(f"{e:>26}" for e in EVENTS))
    for rule in RULES:
        cells = []
        for event in EVENTS:
            delays = [d / 60 for d in found[rule][event]]
            if delays:
                cells.append(f"{len(delays)}/{event_days}  {statistics.median(delays):5.1f} / {max(delays):5.1f}")
            else:
                cells.append(f"0/{event_days}  -")
        print(f"{rule:<16}" + "".join(f"{c:>26}" for c in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
