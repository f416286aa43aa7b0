"""Does ``carehub demo`` raise exactly its scenario's alerts, run after run, on a busy machine?

Each run is ``carehub demo --scenario S`` at the default speed (1200x) in its own process, with a busy-looping
process per core beside it (``--no-load`` leaves them out); afterwards the run's event log is read: the kinds of
the alerts raised, and whether every device said goodbye. A run is *exact* when the alerts are the scenario's
own and nothing else. The wall time per run is printed beside the unloaded baseline's when both are measured.

    python bench/demo_runs.py                                  # 10 runs each of the short scenarios, loaded
    python bench/demo_runs.py --scenario fall --runs 3
    python bench/demo_runs.py --scenario normal_day --runs 2 --no-load
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

EXPECTED = {
    "normal_day": [],
    "fall": ["fall"],
    "missed_medication": ["missed_dose", "missed_dose"],
    "night_wandering": ["night_exit"],
    "child_leaves_school": ["child_left_zone"],
}
SHORT = ["fall", "night_wandering", "child_leaves_school"]


def one_run(scenario: str, folder: Path) -> tuple[list[str], int, float, int]:
    """(alert kinds, devices that said goodbye, seconds, exit code) of one demo."""
    db = folder / f"{scenario}-{time.monotonic_ns()}.db"
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "assistant", "--config", str(ROOT / "config.yaml"), "demo",
                           "--scenario", scenario, "--database", str(db)], cwd=ROOT, capture_output=True)
    took = time.monotonic() - started
    if done.returncode != 0:
        return [], 0, took, done.returncode
    with sqlite3.connect(db) as conn:
        alerts = sorted(json.loads(d)["alert_kind"] for (d,) in conn.execute(
            "SELECT data FROM events WHERE kind = 'alert_raised'"))
        goodbyes = sum(1 for (d,) in conn.execute("SELECT data FROM events WHERE kind = 'device_went_offline'")
                       if json.loads(d).get("reason") == "simulation ended")
    return alerts, goodbyes, took, 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", action="append", choices=sorted(EXPECTED), help="(repeatable) default: "
                        + ", ".join(SHORT))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-load", action="store_true", help="no busy-looping processes beside the demo")
    args = parser.parse_args()
    scenarios = args.scenario or SHORT
    load = [] if args.no_load else [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                                    for _ in range(os.cpu_count() or 2)]
    print(f"{args.runs} runs per scenario at 1200x, {'no extra load' if args.no_load else f'{len(load)} busy loops'}"
          f" on {os.cpu_count()} cores")
    try:
        with tempfile.TemporaryDirectory(prefix="carehub-demo-bench-") as tmp:
            for scenario in scenarios:
                exact, times, wrong = 0, [], []
                for _ in range(args.runs):
                    alerts, goodbyes, took, code = one_run(scenario, Path(tmp))
                    times.append(took)
                    if code == 0 and alerts == EXPECTED[scenario] and goodbyes == 17:
                        exact += 1
                    else:
                        wrong.append(f"exit {code}, alerts {alerts}, {goodbyes} goodbyes")
                times.sort()
                print(f"{scenario:<20} exact {exact}/{args.runs}   wall s: median {times[len(times) // 2]:.1f}, "
                      f"max {times[-1]:.1f}" + "".join(f"\n    not exact: {w}" for w in wrong))
    finally:
        for process in load:
            process.kill()
            process.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
