"""``bench/alert_latency.py --quick`` runs end to end against Mosquitto; its timings are not asserted."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parent.parent / "bench" / "alert_latency.py"


def test_alert_latency_bench_quick_prints_percentiles():
    if not (shutil.which("mosquitto") or Path("/usr/sbin/mosquitto").exists()):
        pytest.skip("mosquitto is not installed (apt-get install mosquitto)")
    command = [sys.executable, str(BENCH), "--quick"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    assert any("p50" in line for line in done.stdout.splitlines()), done.stdout
    assert "acknowledgements failed" not in done.stdout, done.stdout  # each alert answered through its page's link
