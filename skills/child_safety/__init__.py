"""Child safety: geofences with school-hours windows, home-by and curfew checks, a bedtime routine, and
"where is Leo" for a child with a GPS watch. See docs/care/child_safety.md."""

from skills.child_safety.events import ChildEnteredZone, ChildLeftZone, ChildSosLocated
from skills.child_safety.settings import Child, ChildSafetySettings
from skills.child_safety.skill import ChildSafety

__all__ = ["ChildSafety", "ChildSafetySettings", "Child", "ChildLeftZone", "ChildEnteredZone", "ChildSosLocated"]
