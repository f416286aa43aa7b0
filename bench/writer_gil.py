"""The event log writer's commit rate while an event loop keeps the GIL busy: a statement's step a row against 64 rows
a statement.

A worker's writer thread commits every home's rows while the worker's event loop runs Python most of the time. Each
SQLite step lets the GIL go; a thread that lets it go must win it back from a busy thread, which (CPython's switch
interval) can take up to 5 ms. ``executemany`` (what the event log does, ``assistant/eventlog.py``) takes one step a
row; inserting up to 64 rows a statement takes far fewer. The second commits more rows a second beside a busy thread,
and that is the trouble: in a worker at the edge of its core the writer then holds the interpreter in longer
stretches and the event loop waits for it (SOS p99 at 10,000 homes over five minutes, ``bench/many_homes.py --soak
300``: 115 ms with 64 rows a statement against 51 ms with a step a row, one run each), so the log keeps executemany.

This measures both ways in one run, on a partition's real schema (``open_database``): rows of ``--homes`` homes (one
reading and one device touch each a batch, as at load) committed batch after batch for ``--seconds`` each, alone and
beside a thread that runs Python ``--duty`` of the time (the event loop at load: 0.7-0.9) and lets the GIL go for
an instant every 0.2 ms, as uvloop does between its turns. Printed: rows a second each way, and the ratio of
multi-row to per-row in each setting.

    python bench/writer_gil.py                    # 100 homes a batch, 5 s a setting, the busy thread at 0.7
    python bench/writer_gil.py --duty 0.8

One run here (``--duty 0.8``): alone 20,126 against 23,478 rows/s (1.17x); beside the busy thread 11,099 against
20,387 rows/s (1.84x).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import eventlog  # noqa: E402
from assistant.ids import new_id  # noqa: E402

ROW = ("INSERT OR IGNORE INTO events (id, ts, home, device, person, kind, data, cause, dedupe_key) "
       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
TOUCH = ("INSERT INTO devices (home, id, last_seen, online, configured, last_topic) VALUES (?, ?, ?, ?, ?, ?) "
         "ON CONFLICT(home, id) DO UPDATE SET last_seen = excluded.last_seen, "
         "online = COALESCE(excluded.online, devices.online), configured = excluded.configured, "
         "last_topic = excluded.last_topic")


def batch(homes: int, n: int) -> list[tuple[list[tuple], list[tuple]]]:
    """Each home's rows and touches for one batch: a heart-rate reading from its watch."""
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime())
    data = json.dumps({"heart_rate": 72, "spo2": 97, "skin_temp_c": 36.4})
    out = []
    for h in range(homes):
        home = f"home-{h:05d}"
        out.append(([(new_id(), now, home, "watch", "person", "vital_signs_measured", data, None,
                      f"{home}/watch/{n}")], [(home, "watch", now, None, 1, f"carehub/{home}/watch/vitals")]))
    return out


def per_row(conn, parts: list[tuple[list[tuple], list[tuple]]]) -> None:
    """The writer before: executemany for each home's rows and touches (a step a row)."""
    for rows, touches in parts:
        conn.executemany(ROW, rows)
        conn.executemany(TOUCH, touches)


def multi_row(conn, parts: list[tuple[list[tuple], list[tuple]]]) -> None:
    """The alternative: every home's rows in the same few statements, up to 64 rows each."""
    _many(conn, ROW, [r for rows, _ in parts for r in rows])
    _many(conn, TOUCH, [t for _, ts in parts for t in ts])


def _many(conn, sql: str, rows: list[tuple]) -> None:
    head, values, tail = sql.partition("VALUES (")[0], sql.partition("VALUES ")[2].split(")")[0] + ")", ""
    tail = sql.split(values, 1)[1]
    done = 0
    for size in (64, 16, 4, 1):
        while len(rows) - done >= size:
            conn.execute(f"{head}VALUES {', '.join([values] * size)}{tail}",
                         [v for row in rows[done:done + size] for v in row])
            done += size


class Busy:
    """A thread standing for a busy event loop: Python ``duty`` of each 10 ms, in pieces of ``piece`` seconds with the
    GIL let go for an instant between them (as uvloop does between its turns, polling for what is ready), asleep the
    rest (the loop idle)."""

    def __init__(self, duty: float, piece: float = 0.0002) -> None:
        self.duty = duty
        self.piece = piece
        self.late = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Busy:
        if self.duty > 0:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            until = time.perf_counter() + 0.01 * self.duty
            x = 0
            while (now := time.perf_counter()) < until:
                piece = min(until, now + self.piece)
                while time.perf_counter() < piece:
                    x += sum(range(50))
                time.sleep(0)  # the GIL let go for an instant: a thread waiting for it may take it now
            wake = time.perf_counter() + 0.01 * (1 - self.duty)
            time.sleep(0.01 * (1 - self.duty))
            self.late = max(self.late, time.perf_counter() - wake)


def rate(path: Path, how, homes: int, seconds: float, duty: float) -> tuple[float, float]:
    """Rows a second committed ``how`` for ``seconds`` beside a thread busy ``duty`` of the time; its worst lateness."""
    conn = eventlog.open_database(path).conn
    rows, n = 0, 0
    with Busy(duty) as busy:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            parts = batch(homes, n)
            with conn:
                how(conn, parts)
            rows += homes
            n += 1
        took = time.perf_counter() - t0
    conn.close()
    return rows / took, busy.late


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--homes", type=int, default=100, help="homes with a row in each batch (100)")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds each way, each setting (5)")
    parser.add_argument("--duty", type=float, default=0.7, help="share of the time the busy thread runs Python")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="carehub-writer-gil-"))
    print(f"{args.homes} homes a batch, a reading and a device touch each; {args.seconds:g} s each way a setting")
    for duty in (0.0, args.duty):
        got = {}
        for name, how in (("a statement a row (executemany)", per_row), ("up to 64 rows a statement", multi_row)):
            got[name] = rate(work / f"{name[:6].strip()}-{duty}.db", how, args.homes, args.seconds, duty)
        beside = "alone" if duty == 0 else f"beside a thread running Python {duty:.0%} of the time"
        print(f"\n{beside}:")
        for name, (per_s, late) in got.items():
            extra = f", the busy thread up to {late * 1000:.0f} ms late" if duty else ""
            print(f"  {name:<34}{per_s:>9,.0f} rows/s{extra}")
        values = list(got.values())
        print(f"  multi-row / per-row: {values[1][0] / values[0][0]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
