"""What the machine and a worker's threads did, second by second, during a bench run (Linux's /proc).

A worker whose event loop and writer thread are both held up for seconds is either busy with its own work, waiting
for a CPU (the shared machine, or the VM's host: *steal*), or blocked (the disk, memory). The worker's own log says
how its loop and writer spent each stall (``assistant/loopwatch.py``); this sampler says what the rest of the machine
did meanwhile: the CPU split including steal, pressure stall information (``/proc/pressure``), each of the worker's
threads' CPU and run-queue wait, its disk traffic, dirty pages, and the size of its partitions' WAL files.

``HostSample(pid, data, out).start()`` writes one JSON line a second to ``out``; ``around(out, windows)`` gives the
lines that overlap given (start, end) wall-time windows, and ``peaks(out)`` the run's worst seconds.
``busy_cores(machine_cpu())`` gives the machine's busy and idle cores over a stretch (a capped phase, where the
machine may be the limit).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

_TICK = 100  # USER_HZ: /proc's clock ticks a second
_CPU_FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")


def _read(path: str | Path) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _cpu() -> dict[str, int]:
    first = _read("/proc/stat").split("\n", 1)[0].split()[1:]
    return {k: int(v) for k, v in zip(_CPU_FIELDS, first)}


def _pressure() -> dict[str, int]:
    """Microseconds some (and, for io and memory, all) tasks were stalled on each resource since boot."""
    out = {}
    for resource in ("cpu", "io", "memory"):
        for line in _read(f"/proc/pressure/{resource}").splitlines():
            kind, *fields = line.split()
            total = dict(f.split("=") for f in fields).get("total")
            if total is not None:
                out[f"{resource}_{kind}"] = int(total)
    return out


def _threads(pid: int) -> dict[str, tuple[int, float, float, str]]:
    """Each thread of ``pid`` by "name/tid": (CPU ticks, seconds run, seconds waited for a CPU, state letter)."""
    out = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        stat = _read(task / "stat")
        if not stat:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2:].split()
        sched = _read(task / "schedstat").split()
        ran, waited = (int(sched[0]) / 1e9, int(sched[1]) / 1e9) if len(sched) >= 2 else (0.0, 0.0)
        out[f"{name}/{task.name}"] = (int(rest[11]) + int(rest[12]), ran, waited, rest[0])
    return out


def _io(pid: int) -> dict[str, int]:
    fields = dict(line.split(": ") for line in _read(f"/proc/{pid}/io").splitlines() if ": " in line)
    return {k: int(fields[k]) for k in ("read_bytes", "write_bytes") if k in fields}


def _vm() -> dict[str, int]:
    wanted = ("nr_dirty", "nr_writeback", "pgmajfault", "pswpin", "pswpout")
    fields = dict(line.split() for line in _read("/proc/vmstat").splitlines() if line.split()[0] in wanted)
    return {k: int(v) for k, v in fields.items()}


def _wal_mb(data: Path) -> tuple[float, float]:
    sizes = [p.stat().st_size for p in data.rglob("*-wal") if p.exists()]
    return round(sum(sizes) / 1e6, 1), round(max(sizes, default=0) / 1e6, 1)


class HostSample:
    """A thread writing a JSON line a second: the machine's CPU split and pressure, and the worker ``pid``'s threads,
    disk traffic and WAL files under ``data``, each as what happened during that second."""

    def __init__(self, pid: int, data: Path, out: Path, every: float = 1.0) -> None:
        self.pid, self.data, self.out, self.every = pid, data, out, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="host-sample", daemon=True)

    def start(self) -> HostSample:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _snapshot(self) -> dict[str, Any]:
        return {"t": time.time(), "cpu": _cpu(), "psi": _pressure(), "threads": _threads(self.pid),
                "io": _io(self.pid), "vm": _vm()}

    def _run(self) -> None:
        before = self._snapshot()
        with self.out.open("w") as f:
            while not self._stop.wait(self.every):
                now = self._snapshot()
                f.write(json.dumps(_difference(before, now, self.data)) + "\n")
                f.flush()
                before = now


def machine_cpu() -> tuple[float, dict[str, int]]:
    """Now (monotonic) and the machine's CPU ticks so far, to give ``busy_cores`` a start."""
    return time.monotonic(), _cpu()


def busy_cores(since: tuple[float, dict[str, int]]) -> tuple[float, float]:
    """The machine's cores busy and idle (idle and iowait) on average since ``machine_cpu()`` was taken."""
    (t0, a), (t1, b) = since, machine_cpu()
    wall = max(t1 - t0, 1e-6)
    idle = sum(b[k] - a[k] for k in ("idle", "iowait")) / _TICK / wall
    busy = sum(b[k] - a[k] for k in _CPU_FIELDS if k not in ("idle", "iowait")) / _TICK / wall
    return round(busy, 2), round(idle, 2)


def _difference(a: dict[str, Any], b: dict[str, Any], data: Path) -> dict[str, Any]:
    wall = b["t"] - a["t"]
    ticks = max(1, sum(b["cpu"].values()) - sum(a["cpu"].values()))
    cores = ticks / _TICK / wall  # the machine's CPUs as /proc/stat counts them
    threads = {}
    for name, (cpu, ran, waited, state) in b["threads"].items():
        old = a["threads"].get(name, (cpu, ran, waited, state))
        busy = (cpu - old[0]) / _TICK / wall
        if busy >= 0.02 or waited - old[2] >= 0.02 or state == "D":
            threads[name] = {"cpu": round(busy, 2), "wait_s": round(waited - old[2], 2), "state": state}
    total, largest = _wal_mb(data)
    return {
        "t": round(b["t"], 2),
        "cpu": {k: round(cores * (b["cpu"][k] - a["cpu"][k]) / ticks, 2) for k in _CPU_FIELDS if k != "nice"},
        "pressure": {k: round((v - a["psi"].get(k, v)) / 1e6 / wall, 2) for k, v in b["psi"].items()},
        "threads": threads,
        "disk_mb": {k: round((v - a["io"].get(k, v)) / 1e6, 1) for k, v in b["io"].items()},
        "vm": {"dirty_mb": round(b["vm"].get("nr_dirty", 0) * 4096 / 1e6, 1),
               "writeback_mb": round(b["vm"].get("nr_writeback", 0) * 4096 / 1e6, 1),
               **{k: b["vm"][k] - a["vm"].get(k, 0) for k in ("pgmajfault", "pswpin", "pswpout") if k in b["vm"]}},
        "wal_mb": {"total": total, "largest": largest},
    }


def lines(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.read_text().splitlines() if line.strip()] if out.exists() else []


def around(out: Path, windows: list[tuple[float, float]], margin: float = 3.0) -> list[dict[str, Any]]:
    """The samples overlapping any (start, end) wall-time window, widened by ``margin`` seconds."""
    return [s for s in lines(out) if any(start - margin <= s["t"] <= end + margin for start, end in windows)]


def brief(sample: dict[str, Any]) -> str:
    """One sample on one line: when, the CPU split, pressure, the busiest threads, disk and WAL."""
    cpu, psi = sample["cpu"], sample["pressure"]
    threads = sorted(sample["threads"].items(), key=lambda kv: -kv[1]["cpu"])[:4]
    who = ", ".join(f"{n.split('/')[0]} {v['cpu']:.2f}+{v['wait_s']:.2f}w{'' if v['state'] != 'D' else ' D'}"
                    for n, v in threads)
    when = time.strftime('%H:%M:%S', time.localtime(sample['t']))
    return (f"{when} cpu usr {cpu['user']:.2f} sys {cpu['system']:.2f} iowait {cpu['iowait']:.2f} "
            f"steal {cpu['steal']:.2f} idle {cpu['idle']:.2f} | pressure cpu "
            f"{psi.get('cpu_some', 0):.2f} io {psi.get('io_some', 0):.2f}/{psi.get('io_full', 0):.2f} mem "
            f"{psi.get('memory_some', 0):.2f} | disk w {sample['disk_mb'].get('write_bytes', 0):.1f} MB dirty "
            f"{sample['vm']['dirty_mb']:.0f} MB majflt {sample['vm'].get('pgmajfault', 0)} | WAL "
            f"{sample['wal_mb']['total']:.0f} MB (largest {sample['wal_mb']['largest']:.0f}) | {who}")


def peaks(out: Path) -> dict[str, float]:
    """The run's worst second for steal, iowait, CPU and io pressure, and its largest WAL total."""
    got = lines(out)
    if not got:
        return {}
    return {"steal": max(s["cpu"]["steal"] for s in got), "iowait": max(s["cpu"]["iowait"] for s in got),
            "cpu_pressure": max(s["pressure"].get("cpu_some", 0) for s in got),
            "io_pressure": max(s["pressure"].get("io_some", 0) for s in got),
            "wal_total_mb": max(s["wal_mb"]["total"] for s in got),
            "seconds_sampled": len(got)}
