"""Child safety: geofences with school-hours windows, home-by and curfew checks, a bedtime routine, and
"where is Leo" for a child with a GPS watch. See docs/care/child_safety.md."""

from skills.child_safety.skill import (
    Child, ChildEnteredZone, ChildLeftZone, ChildSafety, ChildSafetySettings, ChildSosLocated,
)

__all__ = ["ChildSafety", "ChildSafetySettings", "Child", "ChildLeftZone", "ChildEnteredZone", "ChildSosLocated"]
