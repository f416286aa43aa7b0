"""``bench/ingest.py --quick`` runs end to end against Mosquitto; its timings are not asserted."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parent.parent / "bench" / "ingest.py"


def test_ingest_bench_quick_prints_a_ratio():
    if not (shutil.which("mosquitto") or Path("/usr/sbin/mosquitto").exists()):
        pytest.skip("mosquitto is not installed (apt-get install mosquitto)")
    command = [sys.executable, str(BENCH), "--quick"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    assert any(line.startswith("ratio carehub/baseline:") for line in done.stdout.splitlines()), done.stdout
