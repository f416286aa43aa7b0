"""An operator's homes: a folder with one YAML file per home, and the partition each home belongs to.

Each file is a household's ``config.yaml`` (people, devices, caregivers, skills, languages) named after the
home's id (``<home id>.yaml``). What the worker decides for every home (the broker, the event log's file, the
HTTP API) is set by the worker, not by the file. Files are read again on every scan: a home is added, changed
or removed by writing, editing or deleting its file, without restarting anything.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from assistant.config import Config, config_from_file
from assistant.errors import ConfigError

log = logging.getLogger(__name__)

PARTITIONS = 64
"""Partitions of homes, the unit a worker owns; fixed for the life of a deployment."""
PARTITION_FILE = "homes.db"
"""A partition's SQLite file, in its folder ``p<k>``: every row of it names its home."""


def partition_of(home: str, partitions: int = PARTITIONS) -> int:
    """The partition a home belongs to: a stable hash of its id (the same on every worker and every run)."""
    digest = hashlib.sha256(home.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % partitions


@dataclass(frozen=True)
class HomeFile:
    """One home's configuration as read from its file."""

    config: Config
    path: Path
    stamp: tuple[int, int]
    """The file's modification time and size when read: a changed stamp means the home is read anew."""

    @property
    def home(self) -> str:
        return self.config.home.id


@dataclass
class Scan:
    """What one reading of the folder found."""

    homes: dict[str, HomeFile] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)
    """Files that could not be used, by file name, with every problem: the rest of the homes run regardless,
    and a home whose edited file is refused keeps running as it was."""


class HomeSource(Protocol):
    """Where a worker's homes come from: a folder of files (``HomeDirectory``) or a PostgreSQL registry
    (``assistant/cluster/pg_homes.py``)."""

    def scan(self) -> Scan: ...


class HomeDirectory:
    """The per-home YAML files in ``folder``; ``scan`` reads what changed since the last scan."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self._known: dict[Path, HomeFile] = {}
        self.rejected = 0
        """Files refused so far (each refusal of a changed file counts once)."""
        self._refused: dict[Path, tuple[int, int]] = {}

    def scan(self) -> Scan:
        """Every home in the folder now (blocking file I/O: call it off the event loop)."""
        scan = Scan()
        if not self.folder.is_dir():
            scan.problems[str(self.folder)] = ["not a folder of home files"]
            return scan
        seen: dict[str, Path] = {}
        for path in sorted(self.folder.iterdir()):
            if path.suffix not in (".yaml", ".yml") or not path.is_file() or path.name.startswith("."):
                continue
            try:
                stat = path.stat()
            except OSError:
                continue  # removed while listing: gone, like a deleted home
            stamp = (stat.st_mtime_ns, stat.st_size)
            known = entry = self._known.get(path)
            if entry is None or entry.stamp != stamp:
                # A home that ran keeps its last good configuration while its edited file is refused.
                entry = self._read(path, stamp, scan) or known
                if entry is None:
                    continue
            if entry.home in seen:
                scan.problems[path.name] = [f"home.id: {entry.home!r} is also the home of {seen[entry.home].name}"]
                continue
            seen[entry.home] = path
            scan.homes[entry.home] = entry
        self._known = {entry.path: entry for entry in scan.homes.values()}
        return scan

    def _read(self, path: Path, stamp: tuple[int, int], scan: Scan) -> HomeFile | None:
        try:
            config = config_from_file(path)
        except ConfigError as error:
            problems = error.problems
        else:
            if config.home.id == path.stem:
                return HomeFile(config, path, stamp)
            problems = [f"home.id: {config.home.id!r} does not match the file name (expected {path.stem!r})"]
        scan.problems[path.name] = problems
        if self._refused.get(path) != stamp:
            self._refused[path] = stamp
            self.rejected += 1
            log.error("home file %s refused: %s", path, "; ".join(problems))
        return None
