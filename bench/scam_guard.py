"""Scam guard rules on the labelled sample sets: recall and false-positive rate per set, language and fraud family.

    python bench/scam_guard.py                      # every figure, default thresholds
    python bench/scam_guard.py --misses             # ... and list the misses and false alarms
    python bench/scam_guard.py --medium 0.4 --high 0.65
    python bench/scam_guard.py --blind PATH         # ... and a blind set (a YAML list like holdout4.yaml)

Every set here is development data. The tuning set and holdout-1/-2 (skills/scam_guard/samples.yaml) were written
by carehub's developers; holdout-3 and holdout-4 (holdout3.yaml, holdout4.yaml) by engineers who had not seen
the rules, each measured blind once and then used to develop them; holdout-5 (holdout5.yaml) likewise, measured
blind once (80.8 % / 69.2 % recall, 1.7 % false alarms) and development data since; round-5a to round-5f
(round5.yaml) and round-7 (round7.yaml) by carehub's developers while changing the rules; holdout-6 (holdout6.yaml)
was measured blind once (85.0 % / 73.3 %, 2.5 % false alarms) and is development data since, as is holdout-7
(holdout7.yaml; blind once: 80.8 % / 69.2 %, 5.0 % false alarms) and holdout-8 (holdout8.yaml; blind once, rules
and learned model: 97.5 % / 93.3 %, 6.7 % false alarms; this bench scores the rules alone). None of these rows
estimates how the rules do on phrasings they have not seen: only a set written by someone who has not seen the
rules does, scored once after the rules are final (``--blind``; its row is labelled ``blind``). None of it is real
traffic.

"At medium" counts a sample as flagged when its level is medium or high (a caregiver is alerted); "at
high" when it is high (the elder is warned aloud too). Recall is over scams, FPR over legit messages.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skills.scam_guard.rules import Assessment, Thresholds, assess, level_rank  # noqa: E402
from skills.scam_guard.samples import (  # noqa: E402
    BLIND, Sample, load_blind_samples, load_dev_samples, load_samples,
)

Scored = tuple[Sample, Assessment]


def _rate(hits: int, total: int) -> str:
    return f"{hits / total:>7.1%}" if total else f"{'-':>7}"


def _flagged(a: Assessment, level: str) -> bool:
    return level_rank(a.level) >= level_rank(level)


def _row(name: str, scored: Iterable[Scored]) -> str:
    scored = list(scored)
    scams = [a for s, a in scored if s.is_scam]
    legit = [a for s, a in scored if not s.is_scam]
    return (f"{name:<22}{len(scams):>6}{len(legit):>6}"
            f"{_rate(sum(_flagged(a, 'medium') for a in scams), len(scams)):>11}"
            f"{_rate(sum(_flagged(a, 'high') for a in scams), len(scams)):>10}"
            f"{_rate(sum(_flagged(a, 'medium') for a in legit), len(legit)):>11}"
            f"{_rate(sum(_flagged(a, 'high') for a in legit), len(legit)):>10}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--low", type=float, default=Thresholds.low)
    parser.add_argument("--medium", type=float, default=Thresholds.medium)
    parser.add_argument("--high", type=float, default=Thresholds.high)
    parser.add_argument("--repeat", type=int, default=20, help="times each message is scored for the timing")
    parser.add_argument("--misses", action="store_true", help="list scams below high and legit at medium or above")
    parser.add_argument("--blind", type=Path, metavar="PATH",
                        help="also score a blind set (a YAML list of {text, language, label, kind, family, number})")
    args = parser.parse_args(argv)
    thresholds = Thresholds(args.low, args.medium, args.high)

    samples = load_samples() + load_dev_samples() + (load_blind_samples(args.blind) if args.blind else [])

    def score(sample: Sample) -> Assessment:
        return assess(sample.text, number=sample.number, language=sample.language,
                      home_country_code=sample.home_country_code, thresholds=thresholds)

    scored: list[Scored] = [(s, score(s)) for s in samples]
    timings_ms = []
    for sample in samples:
        start = time.perf_counter()
        for _ in range(args.repeat):
            score(sample)
        timings_ms.append((time.perf_counter() - start) * 1000 / args.repeat)

    def of(*sets: str) -> list[Scored]:
        return [(s, a) for s, a in scored if s.set in sets]

    development = [(s, a) for s, a in scored if s.set != BLIND]
    round5 = sorted({s.set for s in samples if s.set.startswith("round-5")})
    rows = [(name, group) for name, group in (
        ("tuning+holdout-1 (dev)", of("tuning", "holdout-1")), ("holdout-2 (dev)", of("holdout-2")),
        ("holdout-3 (dev)", of("holdout-3")), ("holdout-4 (dev)", of("holdout-4")),
        *((f"{name} (dev)", of(name)) for name in round5), ("holdout-5 (dev)", of("holdout-5")),
        ("holdout-6 (dev)", of("holdout-6")), ("round-7 (dev)", of("round-7")),
        ("holdout-7 (dev)", of("holdout-7")), ("holdout-8 (dev)", of("holdout-8"))) if group]
    print(f"scam guard bench: {len(samples)} samples ({sum(s.is_scam for s in samples)} scam, "
          f"{sum(not s.is_scam for s in samples)} legit), thresholds low {thresholds.low} / medium "
          f"{thresholds.medium} / high {thresholds.high}")
    print("every set but a --blind one is development data: the rules were developed on it")
    if args.blind and not of(BLIND):
        print(f"no blind set: {args.blind} is not there")
    header = (f"{'':<22}{'scams':>6}{'legit':>6}{'recall@med':>11}{'recall@hi':>10}{'FPR@med':>11}"
              f"{'FPR@hi':>10}")
    print(header)
    summary = [("all development", development)] + ([("blind", of(BLIND))] if of(BLIND) else [])
    for name, group in (*rows, *summary):
        print(_row(name, group))
        for language in ("en", "zh"):
            print(_row(f"  {language}", [(s, a) for s, a in group if s.language == language]))

    print()
    rows = [("tuning..holdout-3 (dev)", of("tuning", "holdout-1", "holdout-2", "holdout-3")),
            ("holdout-4 (dev)", of("holdout-4")), ("round-5 (dev)", of(*round5)),
            ("holdout-5 (dev)", of("holdout-5")), ("holdout-6 (dev)", of("holdout-6")),
            ("round-7 (dev)", of("round-7")), ("holdout-7 (dev)", of("holdout-7")),
            ("holdout-8 (dev)", of("holdout-8"))] + summary
    rows = [(name, group) for name, group in rows if group]
    groups = [group for _, group in rows]
    print(f"recall per fraud family ({' | '.join(n for n, _ in rows)}), at medium / at high")
    families = sorted({s.family for s in samples if s.is_scam})
    for family in families:
        cells = []
        for group in groups:
            hits = [a for s, a in group if s.is_scam and s.family == family]
            cells.append(f"{len(hits):>3} {_rate(sum(_flagged(a, 'medium') for a in hits), len(hits))} "
                         f"{_rate(sum(_flagged(a, 'high') for a in hits), len(hits))}")
        print(f"  {family:<22}" + "  |".join(cells))
    print()
    print(f"false-positive rate at medium per look-alike family ({' | '.join(n for n, _ in rows)})")
    for family in sorted({s.family for s in samples if not s.is_scam}):
        cells = []
        for group in groups:
            hits = [a for s, a in group if not s.is_scam and s.family == family]
            cells.append(f"{len(hits):>3} {_rate(sum(_flagged(a, 'medium') for a in hits), len(hits))}")
        print(f"  {family:<22}" + "  |".join(cells))
    print()
    print(f"time per message: mean {statistics.mean(timings_ms):.3f} ms, "
          f"max {max(timings_ms):.3f} ms (pure Python regexes, {args.repeat} runs each)")
    # A long call is one unpunctuated "sentence"; a pattern that backtracks over it shows up here first.
    for language in ("en", "zh"):
        calls = [s.text for s in samples if s.kind == "call" and s.language == language]
        long_call = (" " if language == "en" else "").join(calls)[:6000].replace(".", "").replace(",", "")
        start = time.perf_counter()
        assess(long_call, language=language)
        print(f"a {len(long_call)}-character {language} call transcript (calls joined, no punctuation): "
              f"{(time.perf_counter() - start) * 1000:.1f} ms")

    if args.misses:
        print()
        for sample, a in scored:
            missed = sample.is_scam and a.level != "high"
            false_alarm = not sample.is_scam and _flagged(a, "medium")
            if missed or false_alarm:
                what = "MISSED" if missed else "FALSE ALARM"
                print(f"{what} [{sample.set} {sample.language} {sample.family}] {a.level} {a.score:.2f} "
                      f"{', '.join(c.id for c in a.cues) or '-'}\n    {sample.text[:140]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
