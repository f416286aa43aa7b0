"""What a worker's scan of its homes costs: a PostgreSQL registry against a folder of files, same homes, same run.

    python bench/registry_scan.py                 # 10,000 homes
    python bench/registry_scan.py --homes 2000

Starts its own PostgreSQL (Debian's binaries; as ``postgres`` when run as root) in a scratch folder and stops it.
For each source: the first scan (every home read and checked), a scan with nothing changed (what a worker does
every ``--scan-every`` seconds), and a scan after 10 homes changed. The folder is the baseline.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.cluster.homes import HomeDirectory  # noqa: E402
from assistant.cluster.pg_homes import PostgresHomes  # noqa: E402


def household(home: str, name: str = "Grandma") -> str:
    return yaml.safe_dump({
        "home": {"id": home, "timezone": "Europe/London"},
        "people": [{"id": "grandma", "name": name, "role": "elder"}],
        "devices": [{"id": "watch", "kind": "wearable", "person": "grandma"},
                    {"id": "hall", "kind": "motion", "room": "hallway"}],
        "caregivers": [{"id": "anna", "name": "Anna", "people": ["grandma"], "channels": ["json://127.0.0.1:9/x"]}],
    })


def timed(scan: Callable[[], object]) -> float:
    start = time.perf_counter()
    scan()
    return time.perf_counter() - start


def start_postgres(folder: Path) -> tuple[str, Callable[[], None]]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    bin_dir = Path(found[-1]).parent
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = folder / "data"
    subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "carehub", "-A", "trust"],
                   check=True, capture_output=True)
    subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"), "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"], check=True, capture_output=True)

    def stop() -> None:
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       capture_output=True)

    return f"postgresql://carehub@127.0.0.1:{port}/postgres", stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=int, default=10_000)
    args = parser.parse_args()
    homes = [f"home-{i:05d}" for i in range(args.homes)]
    folder = Path(tempfile.mkdtemp(prefix="carehub-registry-"))
    stop = None
    try:
        files = folder / "files"
        files.mkdir()
        for home in homes:
            (files / f"{home}.yaml").write_text(household(home), encoding="utf-8")
        dsn, stop = start_postgres(folder)
        import psycopg

        registry = PostgresHomes(dsn)
        registry.init()
        with psycopg.connect(dsn, autocommit=True) as conn, conn.cursor() as cur:
            with cur.copy("COPY carehub_homes (id, config) FROM STDIN") as copy:
                for home in homes:
                    copy.write_row((home, household(home)))
        directory = HomeDirectory(files)
        results: dict[str, list[float]] = {}
        for label, source in (("folder", directory), ("postgresql", registry)):
            first, idle = timed(source.scan), timed(source.scan)
            changed = homes[:: max(1, len(homes) // 10)][:10]
            for home in changed:
                if label == "folder":
                    (files / f"{home}.yaml").write_text(household(home, "Margaret"), encoding="utf-8")
                else:
                    registry.put(home, household(home, "Margaret"))
            after = timed(source.scan)
            assert len(source.scan().homes) == len(homes)
            results[label] = [first, idle, after]
        print(f"{len(homes)} homes; seconds per scan (the folder is the baseline)\n")
        print(f"  {'':<26}{'folder':>12}{'postgresql':>14}{'ratio':>8}")
        for i, what in enumerate(("first (read every home)", "nothing changed", "10 homes changed")):
            f, p = results["folder"][i], results["postgresql"][i]
            print(f"  {what:<26}{f:>11.3f}s{p:>13.3f}s{p / f:>7.2f}x")
        registry.close()
    finally:
        if stop is not None:
            stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
