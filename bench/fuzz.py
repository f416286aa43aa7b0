"""Junk flood through the ingest path: 100,000 seeded messages (the CI fuzz test's generator) into a real
hub with a real SQLite log; prints messages/s, memory growth, database and hub-log size, rejected counts.

    python bench/fuzz.py              # 100,000 messages
    python bench/fuzz.py --count 20000
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import resource
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.app import build_hub  # noqa: E402
from assistant.clock import FakeClock  # noqa: E402
from assistant.config import parse_config  # noqa: E402
from assistant.logsetup import configure_logging  # noqa: E402
from tests.fuzzkit import household, junk  # noqa: E402


def rss_mb() -> float:
    """Resident memory now (from /proc; the peak from getrusage where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def flood(count: int, folder: Path) -> None:
    hub_log = io.StringIO()
    configure_logging("INFO")
    logging.getLogger().handlers[0].setStream(hub_log)  # type: ignore[attr-defined]
    config = parse_config(household(folder), "bench", folder)
    hub = build_hub(config, clock=FakeClock(datetime(2026, 3, 2, 10, tzinfo=timezone.utc)), offline=True, skills=[])
    await hub.start()
    messages = list(junk(seed=2026, count=count))
    before = rss_mb()
    started = time.perf_counter()
    for n, message in enumerate(messages, 1):
        hub.ingest.handle(message)
        if n % 100 == 0:
            await asyncio.sleep(0)
    while hub.log.pending:
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    after = rss_mb()
    counters, rejections = dict(hub.ingest.counters), hub.ingest.rejections
    unknown = len(hub.registry.unknown)
    await hub.stop()
    db_mb = sum(p.stat().st_size for p in folder.glob("log.db*")) / 1e6
    print(f"messages: {count:,} in {elapsed:.1f} s = {count / elapsed:,.0f} messages/s")
    print(f"accepted: {counters.get('accepted', 0):,}  rejected: {counters.get('rejected', 0):,}  "
          f"(adds up: {counters.get('accepted', 0) + counters.get('rejected', 0) + counters.get('audio', 0) == count})")
    print(f"memory: {before:.0f} MB -> {after:.0f} MB (+{after - before:.0f} MB)")
    print(f"event log on disk: {db_mb:.1f} MB; hub log: {len(hub_log.getvalue()) / 1e3:.1f} kB, "
          f"{hub_log.getvalue().count(chr(10))} lines")
    print(f"unknown senders remembered: {unknown}")
    print("rejected by kind:")
    for kind, n in rejections.most_common(12):
        print(f"  {n:>7,}  {kind}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(flood(args.count, Path(folder)))


if __name__ == "__main__":
    main()
