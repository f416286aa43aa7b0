"""Which discovery configs the hub published, kept in a small file beside its database.

A device taken out of config.yaml must be removed from Home Assistant with an empty config on its discovery
topic. The embedded broker forgets retained messages when the hub restarts, so the hub remembers what it
published itself, and which removals Home Assistant has not yet been online to receive.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Remembered:
    """What the file says."""

    published: frozenset[str]
    """Discovery topics the hub published configs on when it last started."""
    to_remove: frozenset[str]
    """Discovery topics whose emptying Home Assistant has not yet been online to receive."""
    summaries: frozenset[tuple[str, str, str]] = frozenset()
    """The day summaries' sensors (person, subject, title): they are known from skills' events, which come
    after the hub connects, so their configs must not look stale meanwhile."""


class DiscoveryMemory:
    """Reads and writes the file (blocking: call it in a worker thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Remembered:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            summaries = frozenset((str(p), str(s), str(t)) for p, s, t in data.get("summaries", []))
            return Remembered(frozenset(data.get("published", [])), frozenset(data.get("to_remove", [])), summaries)
        except FileNotFoundError:
            return Remembered(frozenset(), frozenset())
        except (OSError, ValueError, AttributeError, TypeError) as error:
            log.warning("%s unreadable (%s): entities of devices removed earlier may stay in Home Assistant",
                        self.path, error)
            return Remembered(frozenset(), frozenset())

    def save(self, published: set[str] | frozenset[str], to_remove: set[str] | frozenset[str],
             summaries: set[tuple[str, str, str]] | frozenset[tuple[str, str, str]] = frozenset()) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps({"published": sorted(published), "to_remove": sorted(to_remove),
                                             "summaries": sorted(summaries)}, indent=1), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as error:
            log.warning("could not write %s (%s): removed devices may stay in Home Assistant", self.path, error)
