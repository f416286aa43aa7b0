"""What the child_safety skill remembers of each child between fixes and restarts (its store holds it as JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skills.child_safety.fence import FenceState


@dataclass
class Fix:
    """The last accepted position of a child."""

    lat: float
    lon: float
    accuracy: float | None
    at: float
    """Epoch seconds."""


@dataclass
class Track:
    """What the skill knows of one child; persisted in the skill's store."""

    fix: Fix | None = None
    fences: dict[str, FenceState] = field(default_factory=dict)
    exit_alert: str | None = None
    """The zone of the open "left zone" alert, if any."""
    open_home_alerts: list[str] = field(default_factory=list)
    """Open ``child_not_home`` / ``child_curfew`` alerts, cleared on arrival home."""
    awaited: list[str] = field(default_factory=list)
    """Zones of open ``child_not_arrived`` alerts, cleared on arrival there."""

    def to_json(self) -> dict[str, Any]:
        return {"fix": vars(self.fix) if self.fix else None,
                "fences": {k: v.to_json() for k, v in self.fences.items()},
                "exit_alert": self.exit_alert, "open_home_alerts": self.open_home_alerts, "awaited": self.awaited}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Track:
        return cls(fix=Fix(**data["fix"]) if data.get("fix") else None,
                   fences={k: FenceState.from_json(v) for k, v in (data.get("fences") or {}).items()},
                   exit_alert=data.get("exit_alert"), open_home_alerts=list(data.get("open_home_alerts") or []),
                   awaited=list(data.get("awaited") or []))
