"""What an operator sees of many homes, read from the home files and the partitions' databases (read-only).

Blocking file and SQLite reads: call them off the event loop. A partition's database (``p<k>/homes.db``, every
row naming its home) is written by whichever worker holds the partition; these reads open it read-only for a
moment and never write.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.alerts.store import secret_key
from assistant.cluster.homes import PARTITION_FILE, PARTITIONS, HomeFile, partition_of
from assistant.cluster.pg_homes import homes_source

UNRESOLVED = ("open", "acknowledged")
_RANK = {"high": 0, "medium": 1, "low": 2}
_ALERT_COLUMNS = ("id, raised_at, person, device, kind, priority, messages, status, acked_by, acked_via, acked_at, "
                  "resolved_at, resolve_reason, step, count")


def alert_order(alert: dict[str, Any]) -> tuple:
    """Open before acknowledged, then high before medium before low, then the oldest first."""
    return alert["status"] != "open", _RANK.get(alert["priority"], 3), alert["raised_at"]


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection | None]:
    if not path.exists():
        yield None
        return
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
    finally:
        conn.close()


class Overview:
    """The homes of ``homes_dir`` and their partitions' files under ``data_dir`` (``p<k>/homes.db``)."""

    def __init__(self, homes_dir: Path | str, data_dir: Path | str, partitions: int = PARTITIONS) -> None:
        self.directory = homes_source(str(homes_dir))
        self.data_dir = Path(data_dir)
        self.partitions = partitions
        self.files: dict[str, HomeFile] = {}
        self.problems: dict[str, list[str]] = {}

    def scan(self) -> dict[str, HomeFile]:
        scan = self.directory.scan()
        self.files, self.problems = scan.homes, scan.problems
        return self.files

    def database(self, home: str) -> Path:
        """The file of the home's partition (shared with the partition's other homes)."""
        return self.data_dir / f"p{partition_of(home, self.partitions)}" / PARTITION_FILE

    def person_name(self, home: str, person: str | None) -> str:
        found = self.files[home].config.person(person) if person and home in self.files else None
        return found.name if found else (person or "")

    def _alerts_of(self, home: str, where: str, args: list[Any]) -> list[dict[str, Any]]:
        with _read_only(self.database(home)) as conn:
            if conn is None:
                return []
            try:
                rows = conn.execute(f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE home = ? AND {where}",
                                    [home, *args]).fetchall()
            except sqlite3.OperationalError:
                return []  # a home that never started has no tables yet
        return [self._shown({"home": home, **dict(row)}) for row in rows]

    def alerts(self, statuses: tuple[str, ...] = UNRESOLVED) -> list[dict[str, Any]]:
        """Every home's alerts in ``statuses``, most urgent first."""
        found: list[dict[str, Any]] = []
        marks = ", ".join("?" * len(statuses))
        homes = sorted(self.scan())
        by_partition: dict[int, list[str]] = {}
        for home in homes:
            by_partition.setdefault(partition_of(home, self.partitions), []).append(home)
        for index, members in sorted(by_partition.items()):  # one read of each partition's file
            found += self._alerts_in(index, members, f"status IN ({marks})", list(statuses))
        return sorted(found, key=alert_order)

    def _alerts_in(self, index: int, homes: list[str], where: str, args: list[Any]) -> list[dict[str, Any]]:
        with _read_only(self.data_dir / f"p{index}" / PARTITION_FILE) as conn:
            if conn is None:
                return []
            try:
                rows = conn.execute(f"SELECT home, {_ALERT_COLUMNS} FROM alerts WHERE {where}", args).fetchall()
            except sqlite3.OperationalError:
                return []  # a partition that never started has no tables yet
        return [self._shown(dict(row)) for row in rows if row["home"] in set(homes)]

    def _shown(self, alert: dict[str, Any]) -> dict[str, Any]:
        alert["messages"] = json.loads(alert["messages"] or "{}")
        alert["person_name"] = self.person_name(alert["home"], alert["person"])
        return alert

    def alert(self, home: str, alert_id: str, *, rescan: bool = True) -> dict[str, Any] | None:
        """One alert of a home with its history (who was told when, who took it on), or None; ``rescan=False``
        trusts the homes of the last scan (a page polling one alert)."""
        if home not in (self.scan() if rescan else self.files):
            return None
        found = self._alerts_of(home, "id = ?", [alert_id])
        if not found:
            return None
        alert = found[0]
        with _read_only(self.database(home)) as conn:
            assert conn is not None
            alert["history"] = [dict(r) for r in conn.execute(
                "SELECT ts, transition, step, caregiver, channel, ok, detail FROM alert_log WHERE alert_id = ? "
                "ORDER BY id", [alert_id])]
        return alert

    def homes(self) -> list[dict[str, Any]]:
        """Every home with its partition, its people and devices, and its open and acknowledged alerts."""
        counts: dict[str, dict[str, int]] = {}
        for alert in self.alerts():
            counts.setdefault(alert["home"], {"open": 0, "acknowledged": 0})[alert["status"]] += 1
        started = self._started()
        return [{"home": home, "name": f.config.home.name or home, "partition": partition_of(home, self.partitions),
                 "people": len(f.config.people), "devices": len(f.config.devices), "file": f.path.name,
                 "started": home in started,
                 **counts.get(home, {"open": 0, "acknowledged": 0})} for home, f in sorted(self.files.items())]

    def secret(self, home: str) -> str | None:
        """The home's secret (in its partition's file since its first start), which signs the care centre's
        commands."""
        with _read_only(self.database(home)) as conn:
            if conn is None:
                return None
            try:
                row = conn.execute("SELECT value FROM hub_settings WHERE key = ?", [secret_key(home)]).fetchone()
            except sqlite3.OperationalError:
                return None
        return row[0] if row else None

    def _started(self) -> set[str]:
        """The homes that have run (a home's secret is made as it starts), from each partition's file."""
        started: set[str] = set()
        for index in range(self.partitions):
            with _read_only(self.data_dir / f"p{index}" / PARTITION_FILE) as conn:
                if conn is None:
                    continue
                try:
                    keys = conn.execute("SELECT key FROM hub_settings WHERE key LIKE 'secret:%'").fetchall()
                except sqlite3.OperationalError:
                    continue
            started.update(key.removeprefix("secret:") for (key,) in keys)
        return started
